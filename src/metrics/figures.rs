//! Counting with polars and presenting figures: percentages and rates from exact integers,
//! rounded half up at the end.

use std::collections::{BTreeMap, HashMap};

use polars::prelude::*;

use super::MoneyFigures;
use crate::error::{PolarsContext, Result};

/// Label used for a blank category, reason or channel.
pub const NOT_RECORDED: &str = "Not recorded";

/// num / den × 100 to 1 decimal place, half up; `None` when den is 0.
pub fn pct(num: u64, den: u64) -> Option<f64> {
    scaled(num, den, 100)
}

/// n per 1,000 homes to 1 decimal place, half up; `None` when there are no homes.
pub fn per_1000(n: u64, homes: u64) -> Option<f64> {
    scaled(n, homes, 1000)
}

/// num × scale / den to 1 dp, half up, in integer arithmetic so 12.25 never becomes 12.2.
fn scaled(num: u64, den: u64, scale: u128) -> Option<f64> {
    if den == 0 {
        return None;
    }
    let (num, den) = (num as u128 * scale * 10, den as u128);
    Some(((2 * num + den) / (2 * den)) as f64 / 10.0)
}

/// Rounds half up (away from zero for positives) to `dp` decimal places.
pub fn round_half_up(value: f64, dp: i32) -> f64 {
    let factor = 10f64.powi(dp);
    // The small nudge absorbs binary representation error (1.005 is stored as 1.00499…).
    ((value * factor) + 0.5 + 1e-9).floor() / factor
}

/// Counts the rows where each boolean expression holds, in one pass.
pub fn count<'a>(t: &DataFrame, masks: Vec<(&'a str, Expr)>) -> Result<HashMap<&'a str, u64>> {
    let exprs: Vec<Expr> = masks
        .iter()
        .map(|(name, mask)| {
            mask.clone()
                .fill_null(lit(false))
                .cast(DataType::UInt64)
                .sum()
                .alias(*name)
        })
        .collect();
    let out = t.clone().lazy().select(exprs).collect().ctx("counting")?;
    masks
        .iter()
        .map(|(name, _)| Ok((*name, first_u64(&out, name)?)))
        .collect()
}

/// Rows where `mask` holds, grouped by `key` (blank keys as "Not recorded").
pub fn count_by(t: &DataFrame, key: Expr, mask: Expr) -> Result<BTreeMap<String, u64>> {
    let out = t
        .clone()
        .lazy()
        .filter(mask.fill_null(lit(false)))
        .group_by([key
            .cast(DataType::String)
            .fill_null(lit(NOT_RECORDED))
            .alias("__key")])
        .agg([len().cast(DataType::UInt64).alias("__n")])
        .collect()
        .ctx("counting by group")?;
    let keys = crate::normalise::texts(&out, "__key")?;
    let counts = out
        .column("__n")
        .ctx("counting by group")?
        .u64()
        .ctx("counting by group")?;
    Ok(keys
        .into_iter()
        .zip(counts.iter())
        .map(|(k, n)| (k.unwrap_or_else(|| NOT_RECORDED.to_string()), n.unwrap_or(0)))
        .collect())
}

/// One group's aggregates by name.
pub type Aggregates = HashMap<String, Option<f64>>;

/// Rows where `mask` holds, grouped by the integer `key`, with `aggs` as numbers per group.
pub fn grouped(t: &DataFrame, mask: Expr, key: Expr, aggs: Vec<Expr>) -> Result<Vec<(i64, Aggregates)>> {
    let (out, groups) = aggregate(t, mask, key, aggs)?;
    let buckets = out
        .column("__bucket")
        .ctx("grouping")?
        .cast(&DataType::Int64)
        .ctx("grouping")?;
    let buckets: Vec<Option<i64>> = buckets.i64().ctx("grouping")?.iter().collect();
    Ok(buckets
        .into_iter()
        .zip(groups)
        .filter_map(|(b, g)| b.map(|b| (b, g)))
        .collect())
}

/// Rows where `mask` holds, grouped by a text `key` (blank keys as "Not recorded"), with
/// `aggs` as numbers per group: several counts by category in one pass.
pub fn grouped_by_text(
    t: &DataFrame,
    mask: Expr,
    key: Expr,
    aggs: Vec<Expr>,
) -> Result<Vec<(String, Aggregates)>> {
    let key = key.cast(DataType::String).fill_null(lit(NOT_RECORDED));
    let (out, groups) = aggregate(t, mask, key, aggs)?;
    let keys = crate::normalise::texts(&out, "__bucket")?;
    Ok(keys
        .into_iter()
        .map(|k| k.unwrap_or_else(|| NOT_RECORDED.to_string()))
        .zip(groups)
        .collect())
}

/// The grouped frame (key in `__bucket`) and each group's aggregates by name.
fn aggregate(t: &DataFrame, mask: Expr, key: Expr, aggs: Vec<Expr>) -> Result<(DataFrame, Vec<Aggregates>)> {
    let names: Vec<String> = aggs
        .iter()
        .map(|a| {
            a.clone()
                .meta()
                .output_name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        })
        .collect();
    let out = t
        .clone()
        .lazy()
        .filter(mask.fill_null(lit(false)))
        .group_by([key.alias("__bucket")])
        .agg(aggs)
        .collect()
        .ctx("grouping")?;
    let mut columns = Vec::new();
    for name in &names {
        let c = out
            .column(name)
            .ctx("grouping")?
            .cast(&DataType::Float64)
            .ctx("grouping")?;
        columns.push(c.f64().ctx("grouping")?.iter().collect::<Vec<Option<f64>>>());
    }
    let groups = (0..out.height())
        .map(|i| names.iter().cloned().zip(columns.iter().map(|c| c[i])).collect())
        .collect();
    Ok((out, groups))
}

/// start ≤ value ≤ end; false for a missing value.
pub fn between(value: Expr, start: Expr, end: Expr) -> Expr {
    value
        .clone()
        .gt_eq(start)
        .and(value.lt_eq(end))
        .fill_null(lit(false))
}

fn first_i64(frame: &DataFrame, name: &str) -> Result<i64> {
    let column = frame
        .column(name)
        .ctx("reading a sum")?
        .cast(&DataType::Int64)
        .ctx("reading a sum")?;
    Ok(column.i64().ctx("reading a sum")?.get(0).unwrap_or(0))
}

pub fn first_u64(frame: &DataFrame, name: &str) -> Result<u64> {
    let column = frame
        .column(name)
        .ctx("reading a count")?
        .cast(&DataType::UInt64)
        .ctx("reading a count")?;
    Ok(column.u64().ctx("reading a count")?.get(0).unwrap_or(0))
}

pub struct WorkingDays {
    pub median: Option<f64>,
    pub mean: Option<f64>,
}

/// Median and mean of a working-days column over the rows where `mask` holds, to 1 dp.
pub fn working_days(t: &DataFrame, column: &str, mask: Expr) -> Result<WorkingDays> {
    let days = col(column).cast(DataType::Int64);
    let out = t
        .clone()
        .lazy()
        .filter(mask.fill_null(lit(false)).and(col(column).is_not_null()))
        .select([
            days.clone().median().alias("median"),
            days.clone().sum().alias("sum"),
            days.count().cast(DataType::UInt64).alias("n"),
        ])
        .collect()
        .ctx("working days to respond")?;
    let n = first_u64(&out, "n")?;
    let sum = first_i64(&out, "sum")?;
    let median = out
        .column("median")
        .ctx("median")?
        .cast(&DataType::Float64)
        .ctx("median")?
        .f64()
        .ctx("median")?
        .get(0);
    Ok(WorkingDays {
        // A median of whole days is whole or a half: exact at 1 dp.
        median: if n == 0 { None } else { median },
        mean: (n > 0).then(|| {
            let sum = sum.max(0) as u64;
            ((2 * sum * 10 + n) / (2 * n)) as f64 / 10.0
        }),
    })
}

/// Count, total and mean of an amount in pounds over the rows where `mask` holds, to the penny.
pub fn money(t: &DataFrame, column: &str, mask: Expr) -> Result<MoneyFigures> {
    // Half away from zero: a cast truncates toward zero.
    let scaled = col(column) * lit(100.0);
    let pence = when(scaled.clone().gt_eq(lit(0.0)))
        .then(scaled.clone() + lit(0.5))
        .otherwise(scaled - lit(0.5))
        .cast(DataType::Int64);
    let out = t
        .clone()
        .lazy()
        .filter(mask.fill_null(lit(false)))
        .select([
            pence.clone().sum().alias("pence"),
            pence.count().cast(DataType::UInt64).alias("n"),
        ])
        .collect()
        .ctx("compensation")?;
    let n = first_u64(&out, "n")?;
    let total = first_i64(&out, "pence")?;
    Ok(MoneyFigures {
        count: n,
        total: total as f64 / 100.0,
        mean: (n > 0).then(|| ((2 * total + n as i64) / (2 * n as i64)) as f64 / 100.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_half_up_from_integers() {
        assert_eq!(pct(3, 4), Some(75.0));
        assert_eq!(pct(0, 1), Some(0.0));
        assert_eq!(pct(1, 0), None);
        assert_eq!(pct(1, 3), Some(33.3));
        assert_eq!(pct(2, 3), Some(66.7));
        // 1/8 = 12.5% exactly; 49/400 = 12.25% rounds up to 12.3.
        assert_eq!(pct(1, 8), Some(12.5));
        assert_eq!(pct(49, 400), Some(12.3));
        assert_eq!(pct(10, 54), Some(18.5));
    }

    #[test]
    fn rates_per_thousand_homes() {
        // Spec §2.5: 4 stage-1 complaints over 2,000 homes = 2.0; 1 stage-2 = 0.5.
        assert_eq!(per_1000(4, 2000), Some(2.0));
        assert_eq!(per_1000(1, 2000), Some(0.5));
        assert_eq!(per_1000(1, 0), None);
        assert_eq!(per_1000(1977, 41500), Some(47.6));
        assert_eq!(per_1000(1, 8000), Some(0.1)); // 0.125 → 0.1
        assert_eq!(per_1000(3, 8000), Some(0.4)); // 0.375 → 0.4
    }

    #[test]
    fn money_rounds_half_up() {
        assert_eq!(round_half_up(1.005, 2), 1.01);
        assert_eq!(round_half_up(2.5, 0), 3.0);
    }
}
