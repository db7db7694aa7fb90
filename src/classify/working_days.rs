//! The calendar's working-day arithmetic over Date columns: a gather from its by-day tables, so
//! no loop runs per row.

use polars::prelude::*;

use crate::columnar::gather::by_date;
use crate::domain::calendar::{Calendar, DayTable};

/// A gather from one of the calendar's by-day tables, as `dtype`: null for a missing date or one
/// outside the calendar's coverage.
fn from_table(table: DayTable, date: Expr, dtype: DataType) -> Expr {
    by_date(table.values, table.first, date, dtype)
}

/// W(date): working days from the start of coverage up to and including the date.
fn wd_number(calendar: &Calendar, date: Expr) -> Expr {
    from_table(calendar.wd_number_table(), date, DataType::Int32)
}

/// add_wd(date, n): the n-th working day after the date; null outside coverage.
pub fn add_wd(calendar: &Calendar, date: Expr, n: u32) -> Expr {
    from_table(calendar.add_wd_table(n), date, DataType::Date)
}

/// wd_between(a, b): working days x with a < x ≤ b; 0 when b ≤ a.
pub fn wd_between(calendar: &Calendar, a: Expr, b: Expr) -> Expr {
    let diff = wd_number(calendar, b.clone()) - wd_number(calendar, a.clone());
    when(b.lt_eq(a)).then(lit(0i32)).otherwise(diff)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::calendar::Division;
    use crate::domain::dates::days_since_epoch;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn expressions_agree_with_the_scalar_functions() {
        let cal = Calendar::embedded(Division::EnglandAndWales, &[]).unwrap();
        // Inside coverage, then outside it: before 1970, before 2019, too late for 5 working
        // days, after the end, and missing.
        let starts = [
            Some("2024-04-08"),
            Some("2025-04-17"),
            Some("2024-12-23"),
            Some("2024-06-01"),
            Some("2025-05-08"),
            Some("1969-12-31"),
            Some("2018-12-31"),
            Some("2027-12-27"),
            Some("2028-01-03"),
            None,
        ];
        let days: Vec<Option<i32>> = starts.iter().map(|s| s.map(|s| days_since_epoch(d(s)))).collect();
        let frame = df!("start" => days).unwrap();
        let out = frame
            .lazy()
            .with_column(col("start").cast(DataType::Date))
            .select([
                add_wd(&cal, col("start"), 5).alias("due"),
                wd_between(&cal, col("start"), add_wd(&cal, col("start"), 20)).alias("between"),
                wd_number(&cal, col("start")).alias("number"),
            ])
            .collect()
            .unwrap();
        let due = out.column("due").unwrap().cast(&DataType::String).unwrap();
        let due: Vec<Option<&str>> = due.str().unwrap().iter().collect();
        let want: Vec<Option<String>> = starts
            .iter()
            .map(|s| s.and_then(|s| cal.add_wd(d(s), 5).ok()).map(|d| d.to_string()))
            .collect();
        assert_eq!(due, want.iter().map(|w| w.as_deref()).collect::<Vec<_>>());
        assert_eq!(want.iter().filter(|w| w.is_some()).count(), 5);
        let between = out.column("between").unwrap().cast(&DataType::Int64).unwrap();
        let between: Vec<Option<i64>> = between.i64().unwrap().iter().collect();
        assert_eq!(between[..5], [Some(20); 5]);
        assert!(between[5..].iter().all(Option::is_none), "{between:?}");
        let number = out.column("number").unwrap().cast(&DataType::Int64).unwrap();
        let number: Vec<Option<i64>> = number.i64().unwrap().iter().collect();
        let want: Vec<Option<i64>> = starts
            .iter()
            .map(|s| s.and_then(|s| cal.wd_number(d(s)).ok()).map(i64::from))
            .collect();
        assert_eq!(number, want);
    }
}
