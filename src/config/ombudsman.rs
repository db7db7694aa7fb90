//! `[[ombudsman_report]]`: the Housing Ombudsman's annual landlord performance reports, as the
//! landlord copies their figures in. Code 8.1(e) asks the annual report to cover the one for
//! its year, which the Ombudsman usually publishes months after the year ends.

use chrono::NaiveDate;
use serde::Deserialize;

use super::opt_date;

/// One of the Ombudsman's annual reports on the landlord. Every figure is optional: what the
/// report holds varies by year and by how many cases the Ombudsman decided.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OmbudsmanReport {
    /// The financial year the report covers, as "2024/25".
    pub year: String,
    #[serde(default, deserialize_with = "opt_date")]
    pub published_on: Option<NaiveDate>,
    /// Where it is published (printed as given).
    pub url: Option<String>,
    /// The landlord's maladministration rate in the report, per cent.
    pub maladministration_rate: Option<f64>,
    /// The group the report compares the landlord with, e.g. "landlords of 10,000 homes or more".
    pub comparison_group: Option<String>,
    /// That group's maladministration rate, per cent.
    pub comparison_rate: Option<f64>,
    /// Complaint handling failure orders made in the year.
    pub complaint_handling_failure_orders: Option<u64>,
    /// Compensation the Ombudsman ordered in the year, pounds.
    pub compensation_ordered: Option<f64>,
    /// Orders complied with on time, per cent.
    pub orders_compliance_pct: Option<f64>,
}

/// The report for `year` if given, else the latest given (by year label) and whether it is
/// for the year asked about.
pub fn report_for<'a>(reports: &'a [OmbudsmanReport], year: &str) -> Option<(&'a OmbudsmanReport, bool)> {
    if let Some(r) = reports.iter().find(|r| r.year.trim() == year) {
        return Some((r, true));
    }
    reports
        .iter()
        .filter(|r| r.year.trim() < year)
        .max_by(|a, b| a.year.trim().cmp(b.year.trim()))
        .map(|r| (r, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(year: &str) -> OmbudsmanReport {
        OmbudsmanReport {
            year: year.into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_years_report_or_else_the_latest_before_it() {
        let reports = [report("2022/23"), report("2023/24"), report("2025/26")];
        let (r, same) = report_for(&reports, "2023/24").unwrap();
        assert_eq!((r.year.as_str(), same), ("2023/24", true));
        // 2025/26 is after the year asked about: not "the latest" for it.
        let (r, same) = report_for(&reports, "2024/25").unwrap();
        assert_eq!((r.year.as_str(), same), ("2023/24", false));
        assert!(report_for(&reports, "2021/22").is_none());
    }
}
