//! Working days: Monday to Friday, not a bank holiday of the chosen division, not a configured
//! closure day. Holidays are data, not rules (gov.uk's bank-holidays.json shape, embedded for
//! 2019–2027); a date outside the data's coverage is an error, never a guess.
//!
//! Arithmetic (spec §1.5): `add_wd(d, n)` is the n-th working day after d (d itself never counts;
//! `add_wd(d, 0) = d`); `wd_between(a, b)` counts working days x with a < x ≤ b. Both rest on a
//! working-day index W(d) = working days from the start of coverage up to and including d:
//! `wd_between(a, b) = max(0, W(b) − W(a))` and `add_wd(d, n)` = the working day numbered W(d) + n.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::dates::{days_since_epoch, parse_config_date};
use crate::error::{Error, Result};

/// The embedded copy of gov.uk's bank-holidays.json (Open Government Licence v3.0), 2019–2027.
/// 2027 dates follow the usual rules and should be checked against the feed before use.
const EMBEDDED: &str = include_str!("bank-holidays.json");

/// Which UK holiday list applies. Landlords in England use England and Wales (the default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Division {
    #[default]
    EnglandAndWales,
    Scotland,
    NorthernIreland,
}

impl Division {
    pub fn key(self) -> &'static str {
        match self {
            Division::EnglandAndWales => "england-and-wales",
            Division::Scotland => "scotland",
            Division::NorthernIreland => "northern-ireland",
        }
    }
}

/// A date the calendar cannot answer for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfCoverage {
    pub date: NaiveDate,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl std::fmt::Display for OutOfCoverage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} is outside the working-day calendar, which covers {} to {}: give [calendar] holidays_file a gov.uk bank-holidays.json (or one date per line) that covers it",
            self.date, self.first, self.last
        )
    }
}

#[derive(Debug, Clone)]
pub struct Calendar {
    pub division: Division,
    /// Where the holidays came from, for the methodology appendix.
    pub source: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub holidays: BTreeSet<NaiveDate>,
    pub closures: BTreeSet<NaiveDate>,
    /// cumulative[i] = working days in [first, first + i].
    cumulative: Vec<i32>,
    /// workdays[k − 1] = the k-th working day from `first`.
    workdays: Vec<NaiveDate>,
}

#[derive(Deserialize)]
struct GovUkDivision {
    events: Vec<GovUkEvent>,
}

#[derive(Deserialize)]
struct GovUkEvent {
    date: String,
}

impl Calendar {
    /// The calendar a run asks for: the holidays file's (resolved path), else the embedded one.
    pub fn load(division: Division, holidays_file: Option<&Path>, closures: &[NaiveDate]) -> Result<Self> {
        match holidays_file {
            Some(file) => Calendar::from_file(file, division, closures),
            None => Calendar::embedded(division, closures),
        }
    }

    /// The embedded calendar for a division, with optional closure days.
    pub fn embedded(division: Division, closures: &[NaiveDate]) -> Result<Self> {
        let holidays = parse_holidays(EMBEDDED, division).map_err(|m| Error::Config {
            path: "embedded bank-holidays.json".into(),
            message: m,
        })?;
        Calendar::new(
            division,
            format!(
                "embedded gov.uk bank holidays, {} division",
                division.key().replace('-', " ")
            ),
            holidays,
            closures,
        )
    }

    /// A calendar from a gov.uk bank-holidays.json or a one-date-per-line file.
    pub fn from_file(path: &Path, division: Division, closures: &[NaiveDate]) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let holidays = parse_holidays(&text, division).map_err(|message| Error::Config {
            path: path.to_path_buf(),
            message,
        })?;
        Calendar::new(
            division,
            format!("holidays file {}", path.display()),
            holidays,
            closures,
        )
    }

    fn new(
        division: Division,
        source: String,
        holidays: BTreeSet<NaiveDate>,
        closures: &[NaiveDate],
    ) -> Result<Self> {
        let bad = |message: String| Error::Config {
            path: source.clone().into(),
            message,
        };
        if let Some(weekend) = holidays.iter().find(|d| is_weekend(**d)) {
            return Err(bad(format!(
                "bank holiday {weekend} falls on a {}: holidays on weekends are substituted by a weekday in the official lists; check the file",
                weekend.format("%A")
            )));
        }
        let (Some(&min), Some(&max)) = (holidays.first(), holidays.last()) else {
            return Err(bad("no bank holidays found".into()));
        };
        let first = NaiveDate::from_ymd_opt(min.year(), 1, 1).expect("valid");
        let last = NaiveDate::from_ymd_opt(max.year(), 12, 31).expect("valid");
        let closures: BTreeSet<NaiveDate> = closures.iter().copied().collect();
        let mut cumulative = Vec::new();
        let mut workdays = Vec::new();
        let mut count = 0;
        for day in first.iter_days().take_while(|d| *d <= last) {
            if !is_weekend(day) && !holidays.contains(&day) && !closures.contains(&day) {
                count += 1;
                workdays.push(day);
            }
            cumulative.push(count);
        }
        Ok(Calendar {
            division,
            source,
            first,
            last,
            holidays,
            closures,
            cumulative,
            workdays,
        })
    }

    fn out_of_coverage(&self, date: NaiveDate) -> OutOfCoverage {
        OutOfCoverage {
            date,
            first: self.first,
            last: self.last,
        }
    }

    /// The run stops when the period or its as-at date falls outside the calendar: deadlines
    /// and ages there cannot be counted in working days, and would print as zero.
    pub fn check_covers(&self, start: NaiveDate, end: NaiveDate, as_at: NaiveDate) -> Result<()> {
        for (what, date) in [
            ("period start", start),
            ("period end", end),
            ("as-at date", as_at),
        ] {
            if let Err(outside) = self.wd_number(date) {
                return Err(Error::Calendar(format!("the {what} {outside}")));
            }
        }
        Ok(())
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        !is_weekend(d) && !self.holidays.contains(&d) && !self.closures.contains(&d)
    }

    /// W(d): working days from the start of coverage up to and including d.
    pub fn wd_number(&self, d: NaiveDate) -> std::result::Result<i32, OutOfCoverage> {
        let offset = (d - self.first).num_days();
        usize::try_from(offset)
            .ok()
            .and_then(|i| self.cumulative.get(i).copied())
            .ok_or_else(|| self.out_of_coverage(d))
    }

    /// The n-th working day after d (spec §1.5).
    pub fn add_wd(&self, d: NaiveDate, n: u32) -> std::result::Result<NaiveDate, OutOfCoverage> {
        if n == 0 {
            return Ok(d);
        }
        let target = self.wd_number(d)? as usize + n as usize;
        self.workdays
            .get(target - 1)
            .copied()
            .ok_or_else(|| self.out_of_coverage(self.last + chrono::Duration::days(1)))
    }

    /// Working days x with a < x ≤ b; 0 when b ≤ a.
    pub fn wd_between(&self, a: NaiveDate, b: NaiveDate) -> std::result::Result<i64, OutOfCoverage> {
        if b <= a {
            return Ok(0);
        }
        Ok((self.wd_number(b)? - self.wd_number(a)?) as i64)
    }

    /// The first day of coverage as days since 1970, and a table of `value` for each day of
    /// coverage by its offset from that day: what expressions over a Date column gather from.
    /// Worked out from the offsets alone: a table is built for every deadline of every run.
    fn by_day(&self, value: impl Fn(usize) -> Option<i32>) -> DayTable {
        DayTable {
            first: days_since_epoch(self.first),
            values: (0..self.cumulative.len()).map(value).collect(),
        }
    }

    /// W(d) for each day of coverage.
    pub fn wd_number_table(&self) -> DayTable {
        self.by_day(|i| Some(self.cumulative[i]))
    }

    /// add_wd(d, n) for each day of coverage, as days since 1970; empty where the answer is
    /// outside coverage.
    pub fn add_wd_table(&self, n: u32) -> DayTable {
        let first_day = days_since_epoch(self.first);
        let workdays: Vec<i32> = self.workdays.iter().map(|&d| days_since_epoch(d)).collect();
        self.by_day(|i| match n {
            0 => Some(first_day + i as i32),
            // As add_wd: the (W(d) + n)-th working day.
            n => workdays
                .get(self.cumulative[i] as usize + n as usize - 1)
                .copied(),
        })
    }
}

/// A value for each day of a span: `values[d - first]` for a day `d` (both as days since 1970).
#[derive(Debug, Clone, PartialEq)]
pub struct DayTable {
    pub first: i32,
    pub values: Vec<Option<i32>>,
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// gov.uk JSON (the chosen division) or one date per line (`#` starts a comment).
fn parse_holidays(text: &str, division: Division) -> std::result::Result<BTreeSet<NaiveDate>, String> {
    if text.trim_start().starts_with('{') {
        let all: std::collections::HashMap<String, GovUkDivision> =
            serde_json::from_str(text).map_err(|e| format!("not a gov.uk bank-holidays.json: {e}"))?;
        let chosen = all
            .get(division.key())
            .ok_or_else(|| format!("no \"{}\" division in the holidays file", division.key()))?;
        chosen
            .events
            .iter()
            .map(|e| {
                NaiveDate::parse_from_str(&e.date, "%Y-%m-%d")
                    .map_err(|_| format!("\"{}\" is not a yyyy-mm-dd date", e.date))
            })
            .collect()
    } else {
        text.lines()
            .map(|l| l.split('#').next().unwrap_or_default().trim())
            .filter(|l| !l.is_empty())
            .map(parse_config_date)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn ew() -> Calendar {
        Calendar::embedded(Division::EnglandAndWales, &[]).unwrap()
    }

    #[test]
    fn spec_vectors_1_5_1() {
        let cal = ew();
        let vectors = [
            ("2024-04-08", 5, "2024-04-15"),
            ("2024-04-10", 10, "2024-04-24"),
            ("2025-04-17", 5, "2025-04-28"),
            ("2024-12-23", 5, "2025-01-02"),
            ("2025-01-02", 10, "2025-01-16"),
            ("2024-06-01", 5, "2024-06-07"),
            ("2024-06-03", 5, "2024-06-10"),
            ("2025-03-31", 10, "2025-04-14"),
            ("2025-05-06", 5, "2025-05-13"),
            ("2025-05-08", 20, "2025-06-06"),
            ("2025-06-06", 20, "2025-07-04"),
            ("2024-03-28", 5, "2024-04-08"),
            ("2025-12-23", 5, "2026-01-02"),
        ];
        for (start, n, want) in vectors {
            assert_eq!(cal.add_wd(d(start), n), Ok(d(want)), "add_wd({start}, {n})");
        }
        assert_eq!(cal.wd_between(d("2024-06-01"), d("2024-06-07")), Ok(5));
        assert_eq!(cal.add_wd(d("2024-06-01"), 0), Ok(d("2024-06-01")));
    }

    #[test]
    fn wd_between_counts_after_start_up_to_end() {
        let cal = ew();
        assert_eq!(cal.wd_between(d("2024-04-08"), d("2024-04-24")), Ok(12));
        assert_eq!(cal.wd_between(d("2024-04-08"), d("2024-04-08")), Ok(0));
        assert_eq!(cal.wd_between(d("2024-04-09"), d("2024-04-08")), Ok(0));
        // 27, 30 and 31 December are working days; 25, 26 Dec and 1 Jan are not.
        assert_eq!(cal.wd_between(d("2024-12-24"), d("2025-01-02")), Ok(4));
    }

    #[test]
    fn no_holiday_falls_on_a_weekend_in_any_division() {
        for division in [
            Division::EnglandAndWales,
            Division::Scotland,
            Division::NorthernIreland,
        ] {
            let cal = Calendar::embedded(division, &[]).unwrap();
            assert!(cal.holidays.iter().all(|h| !is_weekend(*h)), "{division:?}");
            assert_eq!((cal.first, cal.last), (d("2019-01-01"), d("2027-12-31")));
        }
    }

    #[test]
    fn divisions_differ() {
        let scotland = Calendar::embedded(Division::Scotland, &[]).unwrap();
        let ni = Calendar::embedded(Division::NorthernIreland, &[]).unwrap();
        let ew = ew();
        assert!(scotland.holidays.contains(&d("2024-01-02")) && !ew.holidays.contains(&d("2024-01-02")));
        assert!(
            !scotland.holidays.contains(&d("2024-04-01")),
            "no Easter Monday in Scotland"
        );
        assert!(ni.holidays.contains(&d("2024-03-18")) && ni.holidays.contains(&d("2025-07-14")));
        assert_eq!(ew.holidays.len(), 75);
    }

    #[test]
    fn closure_days_are_not_working_days() {
        let cal = Calendar::embedded(Division::EnglandAndWales, &[d("2024-12-27"), d("2024-12-30")]).unwrap();
        assert_eq!(cal.add_wd(d("2024-12-23"), 5), Ok(d("2025-01-06")));
    }

    #[test]
    fn beyond_coverage_is_an_error() {
        let cal = ew();
        assert!(cal.add_wd(d("2027-12-24"), 5).is_err());
        assert!(cal.wd_number(d("2018-12-31")).is_err());
        let err = cal.add_wd(d("2028-01-10"), 1).unwrap_err();
        assert!(err.to_string().contains("holidays_file"));
    }

    #[test]
    fn holidays_file_in_either_shape() {
        let dir = tempfile::tempdir().unwrap();
        let lines = dir.path().join("h.txt");
        std::fs::write(&lines, "# closures\n2030-01-01\n2030-12-25 # Christmas\n").unwrap();
        let cal = Calendar::from_file(&lines, Division::EnglandAndWales, &[]).unwrap();
        assert_eq!((cal.first, cal.last), (d("2030-01-01"), d("2030-12-31")));
        assert_eq!(cal.add_wd(d("2030-12-24"), 1), Ok(d("2030-12-26")));
        let weekend = dir.path().join("w.txt");
        std::fs::write(&weekend, "2026-12-26\n").unwrap();
        let err = Calendar::from_file(&weekend, Division::EnglandAndWales, &[]).unwrap_err();
        assert!(err.to_string().contains("Saturday"), "{err}");
    }
}
