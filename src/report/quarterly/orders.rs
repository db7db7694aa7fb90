//! The quarterly report's Ombudsman section: findings in the quarter (public), and the orders
//! made, with those after severe maladministration findings tracked apart (Code 9.7(c)).

use crate::domain::period::Period;
use crate::report::determinations::{Determinations, Finding};
use crate::report::disclosure::Ledger;
use crate::report::table::{Cell, Edition, TableBuilder};

/// Findings are public; orders are listed while open or when due or completed in the year:
/// QS for orders from severe maladministration findings (Code 9.7(c)), QD for the rest, open
/// ones first (determination references in the board edition only).
pub(super) fn ombudsman(
    d: &Determinations,
    year: Period,
    q: Period,
    edition: Edition,
    l: &mut Ledger,
) -> [TableBuilder; 3] {
    let in_quarter = d.within(q.start, q.end);
    let mut findings = TableBuilder::new(
        "QH",
        "Ombudsman determinations this quarter",
        "Findings in determinations dated in the quarter (published by the Ombudsman).",
        &["Finding", "Findings"],
    );
    for (name, n) in Determinations::by_finding(&in_quarter) {
        let id = l.public(format!("q.finding.{name}"), n);
        findings = findings.row(vec![Cell::text(name), Cell::Fig(id)]);
    }
    let in_year = |d: Option<chrono::NaiveDate>| d.is_some_and(|d| d >= year.start && d <= q.end);
    let mut orders: Vec<&Finding> = d
        .findings
        .iter()
        .filter(|f| !f.orders.trim().is_empty() && f.date.is_some_and(|d| d <= q.end))
        .filter(|f| f.order_open() || in_year(f.order_due_date) || in_year(f.date))
        .collect();
    orders.sort_by(|a, b| {
        b.order_open()
            .cmp(&a.order_open())
            .then(a.order_due_date.cmp(&b.order_due_date))
            .then(a.reference.cmp(&b.reference))
    });
    let severe = |f: &Finding| f.finding.to_lowercase().contains("severe");
    let table = |id: &str, title: &str, caption: &str, rows: Vec<&&Finding>| {
        let mut t = TableBuilder::new(
            id,
            title,
            caption,
            &["Determination", "Finding", "Order", "Due", "Status"],
        );
        t.numeric_from = 5;
        for f in rows {
            let due = f
                .order_due_date
                .map_or_else(|| f.order_due.clone(), crate::report::long_date);
            t = t.row(vec![
                Cell::text(if edition == Edition::Board {
                    f.reference.clone()
                } else {
                    "—".to_string()
                }),
                Cell::text(f.finding.clone()),
                Cell::text(f.orders.clone()),
                Cell::text(due),
                Cell::text(if f.order_status.is_empty() {
                    "Not recorded".to_string()
                } else {
                    f.order_status.clone()
                }),
            ]);
        }
        t
    };
    [
        findings,
        table(
            "QS",
            "Orders after severe maladministration findings",
            "Code 9.7(c): orders from severe maladministration findings, open ones first.",
            orders.iter().filter(|f| severe(f)).collect(),
        ),
        table(
            "QD",
            "Progress on other Ombudsman orders",
            "Orders still open, or made or due this year; open ones first.",
            orders.iter().filter(|f| !severe(f)).collect(),
        ),
    ]
}
