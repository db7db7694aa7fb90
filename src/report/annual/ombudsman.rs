//! Section 8.1(e): the Ombudsman's findings about the landlord in the year (T11), and its annual landlord performance report for the year, from
//! `[[ombudsman_report]]`. The Ombudsman publishes it months after the year ends, so an annual
//! report approved before then says so and shows the latest one given.

use super::Context;
use crate::config::{OmbudsmanReport, report_for};
use crate::metrics::pct;
use crate::report::determinations::Determinations;
use crate::report::table::{Cell, TableBuilder, money};
use crate::report::{long_date, period_label};

impl Context<'_> {
    /// T11: the findings of determinations made in the period, and the maladministration rate.
    pub(super) fn t11_ombudsman(&self) -> Option<TableBuilder> {
        let d = self.determinations?;
        let findings = d.within(self.period.start, self.period.end);
        let mut t = TableBuilder::new(
            "T11",
            "T11 Housing Ombudsman findings",
            "Findings in determinations made in the period (one determination can contain several findings). The Ombudsman publishes its determinations, so these figures are shown in full.",
            &["Finding", "Findings", "Compensation ordered"],
        );
        for (name, id) in &self.f.findings {
            let ordered: f64 = findings
                .iter()
                .filter(|f| &f.finding == name)
                .map(|f| f.compensation_ordered)
                .sum();
            t = t.row(vec![
                Cell::text(name.clone()),
                Cell::Fig(*id),
                Cell::Amount(ordered),
            ]);
        }
        let total: f64 = findings.iter().map(|f| f.compensation_ordered).sum();
        let considered = Determinations::considered(&findings).len() as u64;
        let adverse = Determinations::adverse(&findings);
        Some(
            t.row(vec![
                Cell::text("All findings"),
                Cell::Total(findings.len() as u64),
                Cell::Amount(total),
            ])
            .row(vec![
                Cell::text("Considered findings (the rate's denominator)"),
                Cell::Total(considered),
                Cell::text("–"),
            ])
            .row(vec![
                Cell::text("Adverse findings"),
                Cell::Total(adverse),
                Cell::text("–"),
            ])
            .row(vec![
                Cell::text("Maladministration rate, % of considered findings"),
                Cell::Ratio(pct(adverse, considered), considered),
                Cell::text("–"),
            ])
            .note(
                "Maladministration rate: findings of severe maladministration, maladministration (in full or in part) and service failure as a share of the findings the Ombudsman considered. Outside jurisdiction and withdrawn are not considered findings; partial maladministration is the outcome of a whole determination, counted once, and not again where the determination's findings are listed one by one.",
            ),
        )
    }

    /// What the section says about the Ombudsman's report, and its figures when one is given.
    pub(super) fn ombudsman_report(&self) -> (String, Option<TableBuilder>) {
        let year = period_label(&self.period);
        let Some((report, same_year)) = report_for(&self.config.ombudsman_reports, &year) else {
            return (
                format!(
                    "The Housing Ombudsman's annual landlord performance report for {year} has not yet been issued, and no earlier one is given ([[ombudsman_report]] in the configuration)."
                ),
                None,
            );
        };
        let published = report
            .published_on
            .map_or(String::new(), |d| format!(", published {}", long_date(d)));
        let status = match same_year {
            true => format!(
                "The Housing Ombudsman's annual landlord performance report for {year}{published}: its figures are below."
            ),
            false => format!(
                "The Housing Ombudsman's annual landlord performance report for {year} has not yet been issued. The latest one given is for {}{published}: its figures are below.",
                report.year.trim()
            ),
        };
        (status, Some(report_table(report)))
    }
}

/// The report's figures as given, each row only when given.
fn report_table(r: &OmbudsmanReport) -> TableBuilder {
    let caption = match &r.url {
        Some(url) => format!("As published by the Housing Ombudsman ({url})."),
        None => "As published by the Housing Ombudsman.".to_string(),
    };
    let mut t = TableBuilder::new(
        "TO",
        &format!(
            "The Ombudsman's annual landlord performance report {}",
            r.year.trim()
        ),
        &caption,
        &["Measure", "Value"],
    );
    let percent = |v: f64| format!("{v:.1}%");
    let rows: [(&str, Option<String>); 5] = [
        (
            "Our maladministration rate",
            r.maladministration_rate.map(percent),
        ),
        (
            "Maladministration rate of the comparison group",
            r.comparison_rate.map(|v| match &r.comparison_group {
                Some(group) => format!("{} ({group})", percent(v)),
                None => percent(v),
            }),
        ),
        (
            "Complaint handling failure orders",
            r.complaint_handling_failure_orders.map(|n| n.to_string()),
        ),
        ("Compensation ordered", r.compensation_ordered.map(money)),
        (
            "Orders complied with on time",
            r.orders_compliance_pct.map(percent),
        ),
    ];
    for (name, value) in rows {
        if let Some(value) = value {
            t = t.row(vec![Cell::text(name), Cell::text(value)]);
        }
    }
    t
}
