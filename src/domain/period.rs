//! Reporting periods: a financial year, a quarter of it, any span, each with the date at which
//! open cases are judged.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

/// The span figures are counted over, and the as-at date at which open cases are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub as_at: NaiveDate,
}

impl Period {
    /// A span judged at its own end.
    pub fn ending(start: NaiveDate, end: NaiveDate) -> Period {
        Period {
            start,
            end,
            as_at: end,
        }
    }

    /// "2024/25" → 1 April 2024 – 31 March 2025. Also accepts "2024-25" and "2024/2025".
    pub fn financial_year(label: &str) -> Result<(NaiveDate, NaiveDate), String> {
        let bad = || {
            format!("`{label}` is not a financial year: write it as 2024/25 (1 April 2024 to 31 March 2025)")
        };
        let (first, second) = label.trim().split_once(['/', '-']).ok_or_else(bad)?;
        let start_year: i32 = first.trim().parse().map_err(|_| bad())?;
        let second = second.trim();
        let end_year: i32 = match second.len() {
            2 => start_year / 100 * 100 + second.parse::<i32>().map_err(|_| bad())?,
            4 => second.parse().map_err(|_| bad())?,
            _ => return Err(bad()),
        };
        if first.trim().len() != 4 || end_year != start_year + 1 {
            return Err(bad());
        }
        let start = NaiveDate::from_ymd_opt(start_year, 4, 1).ok_or_else(bad)?;
        let end = NaiveDate::from_ymd_opt(end_year, 3, 31).ok_or_else(bad)?;
        Ok((start, end))
    }

    /// Whether the span is a financial year (1 April to 31 March).
    pub fn is_financial_year(&self) -> bool {
        self.start.month() == 4
            && self.start.day() == 1
            && self.end == NaiveDate::from_ymd_opt(self.start.year() + 1, 3, 31).unwrap_or(self.end)
    }

    /// Label for file names: "2024-25" for a financial year, else "2024-04-01_2025-03-31".
    pub fn label(&self) -> String {
        if self.is_financial_year() {
            format!("{}-{:02}", self.start.year(), (self.start.year() + 1) % 100)
        } else {
            format!("{}_{}", self.start, self.end)
        }
    }

    /// The same span one year earlier, judged at its own end.
    pub fn prior(&self) -> Period {
        let back = |d: NaiveDate| d.checked_sub_months(Months::new(12)).unwrap_or(d);
        Period::ending(back(self.start), back(self.end))
    }

    /// A quarter of this period: quarters count in threes of months from its start, and the
    /// last ends with it. Judged at its own end.
    pub fn quarter(&self, q: Quarter) -> Period {
        let start = self.start + Months::new(3 * q.index());
        let end = (start + Months::new(3))
            .pred_opt()
            .expect("valid date")
            .min(self.end);
        Period::ending(start, end)
    }

    /// The three months `quarters` quarters before this one's start, judged at their end.
    pub fn quarters_back(&self, quarters: u32) -> Period {
        let start = self.start - Months::new(3 * quarters);
        let end = (start + Months::new(3)).pred_opt().expect("valid date");
        Period::ending(start, end)
    }

    /// From this period's start to `other`'s end, judged at that end (a year to date).
    pub fn through(&self, other: &Period) -> Period {
        Period::ending(self.start, other.end)
    }
}

/// A quarter of the reporting year: Q1 is its first three months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Quarter {
    Q1,
    Q2,
    Q3,
    Q4,
}

impl Quarter {
    pub fn index(self) -> u32 {
        match self {
            Quarter::Q1 => 0,
            Quarter::Q2 => 1,
            Quarter::Q3 => 2,
            Quarter::Q4 => 3,
        }
    }

    /// "Q1" … "Q4".
    pub fn name(self) -> &'static str {
        match self {
            Quarter::Q1 => "Q1",
            Quarter::Q2 => "Q2",
            Quarter::Q3 => "Q3",
            Quarter::Q4 => "Q4",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn financial_year_labels() {
        let fy = |s| Period::financial_year(s).unwrap();
        assert_eq!(fy("2024/25"), (d(2024, 4, 1), d(2025, 3, 31)));
        assert_eq!(fy("2024-25"), (d(2024, 4, 1), d(2025, 3, 31)));
        assert_eq!(fy("2099/2100"), (d(2099, 4, 1), d(2100, 3, 31)));
        assert!(Period::financial_year("2024/26").is_err());
        assert!(Period::financial_year("24/25").is_err());
        assert_eq!(Period::ending(d(2024, 4, 1), d(2025, 3, 31)).label(), "2024-25");
        assert_eq!(
            Period::ending(d(2024, 4, 1), d(2024, 6, 30)).label(),
            "2024-04-01_2024-06-30"
        );
    }

    #[test]
    fn quarters_of_a_financial_year() {
        let year = Period::ending(d(2024, 4, 1), d(2025, 3, 31));
        let q3 = year.quarter(Quarter::Q3);
        assert_eq!(
            (q3.start, q3.end, q3.as_at),
            (d(2024, 10, 1), d(2024, 12, 31), d(2024, 12, 31))
        );
        let q4 = year.quarter(Quarter::Q4);
        assert_eq!((q4.start, q4.end), (d(2025, 1, 1), d(2025, 3, 31)));
        let before = year.quarter(Quarter::Q1).quarters_back(1);
        assert_eq!((before.start, before.end), (d(2024, 1, 1), d(2024, 3, 31)));
        let to_date = year.through(&q3);
        assert_eq!(
            (to_date.start, to_date.end, to_date.as_at),
            (d(2024, 4, 1), d(2024, 12, 31), d(2024, 12, 31))
        );
    }

    #[test]
    fn the_prior_period_is_a_year_earlier_judged_at_its_end() {
        let p = Period {
            start: d(2024, 4, 1),
            end: d(2025, 3, 31),
            as_at: d(2025, 4, 30),
        };
        assert_eq!(p.prior(), Period::ending(d(2023, 4, 1), d(2024, 3, 31)));
        // 29 February has no day a year before: the month's last day stands in.
        let leap = Period::ending(d(2024, 2, 29), d(2024, 2, 29));
        assert_eq!(leap.prior().start, d(2023, 2, 28));
    }
}
