//! Dates: reading the ones real exports contain (UK day-first text, ISO, month names, Excel
//! serials, times of day, and the sentinel values case systems write for "no date"), the config's
//! and command line's dates, and dates as the table stores them (days since 1970).

use chrono::{Datelike, NaiveDate};
use polars::prelude::{DataType, Expr, lit};
use serde::{Deserialize, Serialize};

/// A date as a Date column stores it: days since 1 January 1970.
pub fn days_since_epoch(date: NaiveDate) -> i32 {
    (date - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

/// A date as a literal to compare a Date column with.
pub fn date_lit(date: NaiveDate) -> Expr {
    lit(days_since_epoch(date)).cast(DataType::Date)
}

/// Dates in the config and on the command line: yyyy-mm-dd, or dd/mm/yyyy.
pub fn parse_config_date(text: &str) -> Result<NaiveDate, String> {
    parse_date(text, DateOrder::DayFirst, false)
        .ok()
        .flatten()
        .ok_or_else(|| format!("`{text}` is not a date: write it as yyyy-mm-dd, e.g. 2025-03-31"))
}

/// How to read an all-numeric date such as 03/05/2024.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// 03/05/2024 is 3 May 2024 (UK exports; the default).
    #[default]
    DayFirst,
    /// 03/05/2024 is 5 March 2024.
    MonthFirst,
    /// Values are yyyy-mm-dd; other numeric forms are read day-first.
    Iso,
}

/// Why a non-empty value is not a usable date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateProblem {
    /// Not a date in any format we know.
    Unreadable,
    /// Read as a date, but the day/month do not exist under the configured order
    /// (e.g. 13/25/2024 day-first).
    Impossible,
    /// A real date outside the range complaint data can hold (before 1990 or after 2100).
    Implausible(NaiveDate),
}

/// Earliest and latest dates accepted as real complaint dates.
const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// Parses one cell. `Ok(None)` = empty or a sentinel meaning empty.
pub fn parse_date(raw: &str, order: DateOrder, excel_1904: bool) -> Result<Option<NaiveDate>, DateProblem> {
    let value = strip_time_of_day(raw.trim());
    if value.is_empty() {
        return Ok(None);
    }
    let date = if let Some(serial) = excel_serial(value) {
        from_excel_serial(serial, excel_1904)?
    } else if value.len() == 8 && is_digits(value) {
        // Compact ISO: 20240503.
        let n = |r: std::ops::Range<usize>| value[r].parse::<u32>().unwrap_or(0);
        NaiveDate::from_ymd_opt(n(0..4) as i32, n(4..6), n(6..8)).ok_or(DateProblem::Impossible)?
    } else if value.bytes().any(|b| b.is_ascii_alphabetic()) {
        parse_month_name(value)?
    } else {
        parse_numeric(value, order)?
    };
    if is_sentinel(date) {
        return Ok(None);
    }
    if !PLAUSIBLE_YEARS.contains(&date.year()) {
        return Err(DateProblem::Implausible(date));
    }
    Ok(Some(date))
}

/// How a numeric date's first two parts constrain the day/month order; used to warn when a
/// whole column is ambiguous.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderEvidence {
    /// Not an all-numeric d/m/y value (ISO, month name, serial) or unreadable.
    NotApplicable,
    /// Both parts are ≤ 12: 03/05/2024 could be either order.
    Ambiguous,
    /// First part > 12: only day-first makes sense.
    DayFirstOnly,
    /// Second part > 12: only month-first makes sense.
    MonthFirstOnly,
}

pub fn order_evidence(raw: &str) -> OrderEvidence {
    let value = strip_time_of_day(raw.trim());
    let parts: Vec<&str> = value.split(['/', '-', '.']).collect();
    if parts.len() != 3 || parts[0].len() > 2 || !parts.iter().all(|p| is_digits(p)) {
        return OrderEvidence::NotApplicable;
    }
    let (a, b) = (parts[0].parse::<u32>(), parts[1].parse::<u32>());
    match (a, b) {
        (Ok(a), Ok(b)) if a > 12 && b <= 12 => OrderEvidence::DayFirstOnly,
        (Ok(a), Ok(b)) if b > 12 && a <= 12 => OrderEvidence::MonthFirstOnly,
        (Ok(a), Ok(b)) if a <= 12 && b <= 12 => OrderEvidence::Ambiguous,
        _ => OrderEvidence::NotApplicable,
    }
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Case systems write these when a date was never entered.
fn is_sentinel(date: NaiveDate) -> bool {
    matches!(
        (date.year(), date.month(), date.day()),
        (1900, 1, 1) | (1, 1, 1) | (1899, 12, 30) | (1899, 12, 31) | (1900, 1, 0)
    )
}

/// Removes a trailing time of day: "2024-05-03 10:22:00.000", "03/05/2024 9:05", "2024-05-03T10:22:00Z",
/// "3 May 2024 10:30 PM".
fn strip_time_of_day(value: &str) -> &str {
    if let Some(t) = value.find('T') {
        let (date, time) = value.split_at(t);
        if time[1..].starts_with(|c: char| c.is_ascii_digit()) && is_digits(&date.replace('-', "")) {
            return date;
        }
    }
    // The time starts at the last space-separated token that contains a colon.
    let mut end = value.len();
    let mut rest = value;
    while let Some(space) = rest.rfind(' ') {
        let token = rest[space + 1..].trim();
        let is_time = token.contains(':')
            || (token.eq_ignore_ascii_case("am") || token.eq_ignore_ascii_case("pm"))
                && rest[..space].contains(':');
        if !is_time {
            break;
        }
        end = space;
        rest = &rest[..space];
    }
    value[..end].trim_end()
}

/// A bare number is an Excel serial day count (what a date cell becomes when saved as text).
fn excel_serial(value: &str) -> Option<f64> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, "0"));
    if !is_digits(whole) || whole.len() > 7 || !is_digits(fraction) {
        return None;
    }
    value.parse::<f64>().ok()
}

/// Converts an Excel serial (1900 or 1904 system) to a date; serial 0 and 1 are the sentinels
/// 1899-12-30 / 1900-01-01 when they come from the 1900 system.
pub fn from_excel_serial(serial: f64, excel_1904: bool) -> Result<NaiveDate, DateProblem> {
    if !(0.0..2_958_466.0).contains(&serial) {
        return Err(DateProblem::Unreadable);
    }
    let days = serial.floor() as i64;
    if excel_1904 {
        let epoch = NaiveDate::from_ymd_opt(1904, 1, 1).expect("valid epoch");
        return epoch
            .checked_add_signed(chrono::Duration::days(days))
            .ok_or(DateProblem::Unreadable);
    }
    // The 1900 system counts a fictitious 29 Feb 1900 as day 60.
    if days == 60 {
        return Err(DateProblem::Impossible);
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid epoch");
    let days = if days < 60 { days + 1 } else { days };
    epoch
        .checked_add_signed(chrono::Duration::days(days))
        .ok_or(DateProblem::Unreadable)
}

fn parse_numeric(value: &str, order: DateOrder) -> Result<NaiveDate, DateProblem> {
    let parts: Vec<&str> = value.split(['/', '-', '.']).map(str::trim).collect();
    if parts.len() != 3 || !parts.iter().all(|p| is_digits(p)) {
        return Err(DateProblem::Unreadable);
    }
    let n = |s: &str| s.parse::<u32>().map_err(|_| DateProblem::Unreadable);
    let (year, month, day) = if parts[0].len() == 4 {
        (n(parts[0])? as i32, n(parts[1])?, n(parts[2])?)
    } else {
        let year = expand_year(parts[2])?;
        let (a, b) = (n(parts[0])?, n(parts[1])?);
        match order {
            DateOrder::MonthFirst => (year, a, b),
            DateOrder::DayFirst | DateOrder::Iso => (year, b, a),
        }
    };
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DateProblem::Impossible)
}

/// Two-digit years follow Excel's rule: 00–29 are 2000–2029, 30–99 are 1930–1999.
fn expand_year(text: &str) -> Result<i32, DateProblem> {
    let year: i32 = text.parse().map_err(|_| DateProblem::Unreadable)?;
    match text.len() {
        4 => Ok(year),
        1 | 2 if year < 30 => Ok(2000 + year),
        1 | 2 => Ok(1900 + year),
        _ => Err(DateProblem::Unreadable),
    }
}

fn month_from_name(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let word = word.to_ascii_lowercase();
    if word == "sept" {
        return Some(9);
    }
    if word.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&word) && (word.len() == 3 || word.len() == m.len()))
        .map(|i| i as u32 + 1)
}

/// "3 May 2024", "03-May-2024", "3-May-24", "May 3, 2024", "3rd May 2024", "Friday 3 May 2024".
fn parse_month_name(value: &str) -> Result<NaiveDate, DateProblem> {
    let tokens: Vec<&str> = value
        .split([' ', '-', '/', '.', ','])
        .filter(|t| !t.is_empty())
        .collect();
    let mut month = None;
    let mut numbers = Vec::new();
    for token in tokens {
        if let Some(m) = month_from_name(token) {
            if month.replace(m).is_some() {
                return Err(DateProblem::Unreadable);
            }
            continue;
        }
        let digits = token.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = &token[digits.len()..];
        if is_digits(digits)
            && matches!(
                suffix.to_ascii_lowercase().as_str(),
                "" | "st" | "nd" | "rd" | "th"
            )
        {
            numbers.push(digits);
        } else if !is_weekday_name(token) {
            return Err(DateProblem::Unreadable);
        }
    }
    let (Some(month), [first, second]) = (month, numbers.as_slice()) else {
        return Err(DateProblem::Unreadable);
    };
    let (day, year) = if first.len() == 4 {
        (second, first)
    } else {
        (first, second)
    };
    let day: u32 = day.parse().map_err(|_| DateProblem::Unreadable)?;
    NaiveDate::from_ymd_opt(expand_year(year)?, month, day).ok_or(DateProblem::Impossible)
}

fn is_weekday_name(token: &str) -> bool {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let token = token.to_ascii_lowercase();
    token.len() >= 3 && DAYS.iter().any(|d| d.starts_with(&token))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    fn uk(s: &str) -> Result<Option<NaiveDate>, DateProblem> {
        parse_date(s, DateOrder::DayFirst, false)
    }

    #[test]
    fn day_first_numeric_forms() {
        assert_eq!(uk("03/05/2024"), Ok(d(2024, 5, 3)));
        assert_eq!(uk("3/5/24"), Ok(d(2024, 5, 3)));
        assert_eq!(uk("03-05-2024"), Ok(d(2024, 5, 3)));
        assert_eq!(uk("03.05.2024"), Ok(d(2024, 5, 3)));
        assert_eq!(uk(" 31/12/2024 "), Ok(d(2024, 12, 31)));
    }

    #[test]
    fn iso_and_month_first() {
        assert_eq!(uk("2024-05-03"), Ok(d(2024, 5, 3)));
        assert_eq!(uk("2024/05/03"), Ok(d(2024, 5, 3)));
        assert_eq!(
            parse_date("05/03/2024", DateOrder::MonthFirst, false),
            Ok(d(2024, 5, 3))
        );
        assert_eq!(parse_date("2024-05-03", DateOrder::Iso, false), Ok(d(2024, 5, 3)));
    }

    #[test]
    fn month_names() {
        assert_eq!(uk("3 May 2024"), Ok(d(2024, 5, 3)));
        assert_eq!(uk("03-May-2024"), Ok(d(2024, 5, 3)));
        assert_eq!(uk("3-may-24"), Ok(d(2024, 5, 3)));
        assert_eq!(uk("3rd September 2024"), Ok(d(2024, 9, 3)));
        assert_eq!(uk("Sept 3, 2024"), Ok(d(2024, 9, 3)));
        assert_eq!(uk("Friday 3 May 2024"), Ok(d(2024, 5, 3)));
        assert_eq!(uk("3 Mayday 2024"), Err(DateProblem::Unreadable));
    }

    #[test]
    fn times_of_day_are_ignored() {
        assert_eq!(uk("2024-05-03 10:22:00.000"), Ok(d(2024, 5, 3)));
        assert_eq!(uk("2024-05-03T10:22:00Z"), Ok(d(2024, 5, 3)));
        assert_eq!(uk("03/05/2024 09:05"), Ok(d(2024, 5, 3)));
        assert_eq!(uk("3 May 2024 10:30 PM"), Ok(d(2024, 5, 3)));
    }

    #[test]
    fn sentinels_mean_empty() {
        for s in [
            "01/01/1900",
            "1900-01-01",
            "0001-01-01",
            "30/12/1899",
            "",
            "   ",
            "1",
        ] {
            assert_eq!(uk(s), Ok(None), "{s}");
        }
        assert_eq!(uk("1900-01-01 00:00:00.000"), Ok(None));
        assert_eq!(uk("20240503"), Ok(d(2024, 5, 3)));
    }

    #[test]
    fn excel_serials_1900_and_1904() {
        // 45415 is 2024-05-03 in the 1900 system; the same day is 43953 in the 1904 system.
        assert_eq!(uk("45415"), Ok(d(2024, 5, 3)));
        assert_eq!(uk("45415.75"), Ok(d(2024, 5, 3)));
        assert_eq!(parse_date("43953", DateOrder::DayFirst, true), Ok(d(2024, 5, 3)));
        assert_eq!(
            from_excel_serial(61.0, false),
            Ok(NaiveDate::from_ymd_opt(1900, 3, 1).unwrap())
        );
        assert_eq!(
            from_excel_serial(59.0, false),
            Ok(NaiveDate::from_ymd_opt(1900, 2, 28).unwrap())
        );
        assert_eq!(from_excel_serial(60.0, false), Err(DateProblem::Impossible));
    }

    #[test]
    fn bad_values_are_reported_not_guessed() {
        assert_eq!(uk("TBC"), Err(DateProblem::Unreadable));
        assert_eq!(uk("31/02/2024"), Err(DateProblem::Impossible));
        assert_eq!(uk("05/13/2024"), Err(DateProblem::Impossible));
        assert_eq!(uk("12/2024"), Err(DateProblem::Unreadable));
        assert!(matches!(uk("9999-12-31"), Err(DateProblem::Implausible(_))));
        assert!(matches!(uk("01/01/1901"), Err(DateProblem::Implausible(_))));
    }

    #[test]
    fn order_evidence_classifies_numeric_dates() {
        assert_eq!(order_evidence("03/05/2024"), OrderEvidence::Ambiguous);
        assert_eq!(order_evidence("23/05/2024"), OrderEvidence::DayFirstOnly);
        assert_eq!(order_evidence("05/23/2024 10:00"), OrderEvidence::MonthFirstOnly);
        assert_eq!(order_evidence("2024-05-03"), OrderEvidence::NotApplicable);
        assert_eq!(order_evidence("3 May 2024"), OrderEvidence::NotApplicable);
    }
}
