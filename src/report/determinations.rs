//! Housing Ombudsman determinations about the landlord (T11, C8, quarterly 9.7(c)): a CSV with
//! one row per finding — reference, date (of determination), finding, orders,
//! compensation_ordered, order_due, order_status.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::domain::dates::{DateOrder, parse_date};
use crate::domain::money::parse_money;
use crate::error::{Error, Result};

/// The Ombudsman's findings vocabulary (spec §3.4), in the order reports list them.
pub(crate) const FINDINGS: [&str; 8] = [
    "Severe maladministration",
    "Maladministration",
    "Partial maladministration",
    "Service failure",
    "Reasonable redress",
    "No maladministration",
    "Outside jurisdiction",
    "Withdrawn",
];

#[derive(Debug, Clone, Deserialize)]
struct Row {
    reference: String,
    #[serde(default)]
    date: String,
    finding: String,
    #[serde(default)]
    orders: String,
    #[serde(default)]
    compensation_ordered: String,
    #[serde(default)]
    order_due: String,
    #[serde(default)]
    order_status: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub reference: String,
    pub date: Option<chrono::NaiveDate>,
    pub finding: String,
    pub orders: String,
    pub compensation_ordered: f64,
    pub order_due: String,
    /// `order_due` read as a date (day first, as the other dates in the file).
    pub order_due_date: Option<chrono::NaiveDate>,
    pub order_status: String,
}

impl Finding {
    /// An order is open until its status says it was complied with, completed or closed.
    pub fn order_open(&self) -> bool {
        let status = self.order_status.to_lowercase();
        !["compli", "complete", "closed", "done", "met", "satisfied"]
            .iter()
            .any(|word| status.contains(word))
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Determinations {
    pub findings: Vec<Finding>,
}

pub(crate) fn read(path: &Path) -> Result<Determinations> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut findings = Vec::new();
    for (i, row) in reader.deserialize::<Row>().enumerate() {
        let row = row.map_err(|e| Error::Config {
            path: path.to_path_buf(),
            message: format!("row {}: {e} (columns: reference, date, finding, orders, compensation_ordered, order_due, order_status)", i + 2),
        })?;
        let finding = FINDINGS
            .iter()
            .find(|f| f.eq_ignore_ascii_case(row.finding.trim()))
            .map_or_else(|| row.finding.trim().to_string(), |f| f.to_string());
        findings.push(Finding {
            reference: row.reference,
            date: parse_date(&row.date, DateOrder::DayFirst, false).ok().flatten(),
            finding,
            orders: row.orders,
            compensation_ordered: parse_money(&row.compensation_ordered).flatten().unwrap_or(0.0),
            order_due_date: parse_date(&row.order_due, DateOrder::DayFirst, false)
                .ok()
                .flatten(),
            order_due: row.order_due,
            order_status: row.order_status,
        });
    }
    Ok(Determinations { findings })
}

impl Determinations {
    /// Findings made within [start, end].
    pub fn within(&self, start: chrono::NaiveDate, end: chrono::NaiveDate) -> Vec<&Finding> {
        self.findings
            .iter()
            .filter(|f| f.date.is_some_and(|d| d >= start && d <= end))
            .collect()
    }

    /// Count of findings by outcome, in the standard order, then any others.
    pub fn by_finding(findings: &[&Finding]) -> Vec<(String, u64)> {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for f in findings {
            *counts.entry(f.finding.clone()).or_insert(0) += 1;
        }
        let mut out: Vec<(String, u64)> = FINDINGS
            .iter()
            .filter_map(|name| counts.remove(*name).map(|n| (name.to_string(), n)))
            .collect();
        out.extend(counts);
        out
    }

    /// The findings the Ombudsman decided on: outside jurisdiction and withdrawn are not, and
    /// "Partial maladministration" is the outcome of a whole determination, so where the same
    /// determination also lists its findings one by one it is not counted again.
    pub fn considered<'a>(findings: &[&'a Finding]) -> Vec<&'a Finding> {
        let decided = |f: &Finding| !matches!(f.finding.as_str(), "Outside jurisdiction" | "Withdrawn");
        let partial = |f: &Finding| f.finding == "Partial maladministration";
        findings
            .iter()
            .copied()
            .filter(|f| decided(f))
            .filter(|f| {
                !partial(f)
                    || !findings
                        .iter()
                        .any(|g| g.reference == f.reference && decided(g) && !partial(g))
            })
            .collect()
    }

    /// Adverse findings among the considered ones: severe maladministration, maladministration
    /// (in full or in part) and service failure.
    pub fn adverse(findings: &[&Finding]) -> u64 {
        Self::considered(findings)
            .iter()
            .filter(|f| {
                matches!(
                    f.finding.as_str(),
                    "Severe maladministration"
                        | "Maladministration"
                        | "Partial maladministration"
                        | "Service failure"
                )
            })
            .count() as u64
    }

    /// Determinations (distinct references) among the findings.
    pub fn determinations(findings: &[&Finding]) -> u64 {
        findings
            .iter()
            .map(|f| f.reference.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(reference: &str, finding: &str) -> Finding {
        Finding {
            reference: reference.into(),
            date: None,
            finding: finding.into(),
            orders: String::new(),
            compensation_ordered: 0.0,
            order_due: String::new(),
            order_due_date: None,
            order_status: String::new(),
        }
    }

    #[test]
    fn the_rate_is_over_considered_findings_with_partial_maladministration_counted_once() {
        let all = [
            finding("A", "Maladministration"),
            finding("A", "No maladministration"),
            finding("A", "Partial maladministration"),
            finding("B", "Partial maladministration"),
            finding("C", "Service failure"),
            finding("D", "Outside jurisdiction"),
            finding("E", "Withdrawn"),
            finding("F", "Reasonable redress"),
        ];
        let refs: Vec<&Finding> = all.iter().collect();
        // Considered: A's two element findings, B's determination, C, F (A's partial outcome,
        // D and E are not).
        assert_eq!(Determinations::considered(&refs).len(), 5);
        // Adverse: A maladministration, B partial, C service failure.
        assert_eq!(Determinations::adverse(&refs), 3);
        assert_eq!(Determinations::determinations(&refs), 6);
    }
}
