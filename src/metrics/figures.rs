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

/// Single-number aggregations over one table, asked for together so that one query answers
/// them all (polars works the expressions out side by side).
#[derive(Default)]
pub struct Batch {
    exprs: Vec<Expr>,
}

impl Batch {
    /// The rows where `mask` holds, counted: a boolean's sum counts its true values straight
    /// from the bits (null ones not).
    pub fn count(&mut self, name: &str, mask: Expr) {
        self.exprs.push(mask.sum().alias(name));
    }

    /// Median, sum and count of a working-days column over the rows where `mask` holds.
    pub fn working_days(&mut self, name: &str, column: &str, mask: Expr) {
        let days = col(column)
            .cast(DataType::Int64)
            .filter(mask.fill_null(lit(false)));
        let days = days.drop_nulls();
        self.exprs.extend([
            days.clone().median().alias(format!("{name}.median")),
            days.clone().sum().alias(format!("{name}.sum")),
            days.count().alias(format!("{name}.n")),
        ]);
    }

    /// Total and count, in pence, of an amount in pounds over the rows where `mask` holds.
    pub fn money(&mut self, name: &str, column: &str, mask: Expr) {
        // Half away from zero: a cast truncates toward zero.
        let scaled = col(column) * lit(100.0);
        let pence = when(scaled.clone().gt_eq(lit(0.0)))
            .then(scaled.clone() + lit(0.5))
            .otherwise(scaled - lit(0.5))
            .cast(DataType::Int64)
            .filter(mask.fill_null(lit(false)));
        self.exprs.extend([
            pence.clone().sum().alias(format!("{name}.pence")),
            pence.count().alias(format!("{name}.n")),
        ]);
    }

    pub fn run(self, t: &DataFrame) -> Result<Answers> {
        let out = t.clone().lazy().select(self.exprs).collect().ctx("counting")?;
        let mut values = HashMap::new();
        for column in out.columns() {
            let number = column.cast(&DataType::Float64).ctx("reading a figure")?;
            values.insert(
                column.name().to_string(),
                number.f64().ctx("reading a figure")?.get(0),
            );
        }
        Ok(Answers { values })
    }
}

/// How many rows where the `mask` column holds fall in each month of the period, `month`
/// holding each row's month index (a missing one, or one past `months`, counts nowhere). One
/// pass over the two columns, rather than a comparison of the whole column per month.
pub fn counts_by_month(t: &DataFrame, month: &str, mask: &str, months: usize) -> Result<Vec<u64>> {
    let mut counts = vec![0u64; months];
    for_rows_where(t, mask, [month], |[month]| {
        if let Some(count) = usize::try_from(month).ok().and_then(|m| counts.get_mut(m)) {
            *count += 1;
        }
    })?;
    Ok(counts)
}

/// Calls `each` with the integer columns' values in every row where the `mask` column holds and
/// none of them is missing: straight over the bits and values (polars' iterators of options,
/// or a filter and a grouping, take several times as long over a million rows).
fn for_rows_where<const N: usize>(
    t: &DataFrame,
    mask: &str,
    columns: [&str; N],
    mut each: impl FnMut([i32; N]),
) -> Result<()> {
    let context = "counting rows";
    let mask = t.column(mask).ctx(context)?.bool().ctx(context)?;
    let columns = columns
        .iter()
        .map(|name| {
            let column = t.column(name).ctx(context)?.to_physical_repr();
            let column = column.cast(&DataType::Int32).ctx(context)?;
            Ok(column.i32().ctx(context)?.clone())
        })
        .collect::<Result<Vec<Int32Chunked>>>()?;
    let lengths = |chunks: &[ArrayRef]| chunks.iter().map(|c| c.len()).collect::<Vec<_>>();
    let aligned = columns
        .iter()
        .all(|c| lengths(c.chunks()) == lengths(mask.chunks()));
    if !aligned {
        let mut values: Vec<_> = columns.iter().map(|c| c.iter()).collect();
        for holds in mask.iter() {
            let row: Vec<Option<i32>> = values.iter_mut().map(|v| v.next().flatten()).collect();
            if holds == Some(true) && row.iter().all(Option::is_some) {
                each(std::array::from_fn(|i| row[i].unwrap_or_default()));
            }
        }
        return Ok(());
    }
    let chunks: Vec<Vec<&polars_arrow::array::PrimitiveArray<i32>>> =
        columns.iter().map(|c| c.downcast_iter().collect()).collect();
    for (j, holds) in mask.downcast_iter().enumerate() {
        let mut counted = holding(holds);
        for validity in chunks.iter().filter_map(|c| c[j].validity()) {
            counted = &counted & validity;
        }
        let values: [&[i32]; N] = std::array::from_fn(|i| chunks[i][j].values().as_slice());
        counted
            .true_idx_iter()
            .for_each(|row| each(std::array::from_fn(|i| values[i][row])));
    }
    Ok(())
}

/// What a [`Batch`] worked out, by name.
pub struct Answers {
    values: HashMap<String, Option<f64>>,
}

impl Answers {
    /// Adds a count worked out outside the batch, to be read like the batch's own.
    pub fn insert_count(&mut self, name: String, count: u64) {
        self.values.insert(name, Some(count as f64));
    }

    fn value(&self, name: &str) -> Option<f64> {
        debug_assert!(self.values.contains_key(name), "{name} was not asked for");
        self.values.get(name).copied().flatten()
    }

    /// A count (or a sum of whole numbers); 0 when there was nothing to count.
    pub fn count(&self, name: &str) -> u64 {
        self.value(name).map_or(0, |v| v.max(0.0) as u64)
    }

    /// Median and mean of a [`Batch::working_days`], to 1 dp.
    pub fn working_days(&self, name: &str) -> WorkingDays {
        let n = self.count(&format!("{name}.n"));
        let sum = self.count(&format!("{name}.sum"));
        WorkingDays {
            // A median of whole days is whole or a half: exact at 1 dp.
            median: if n == 0 {
                None
            } else {
                self.value(&format!("{name}.median"))
            },
            mean: (n > 0).then(|| ((2 * sum * 10 + n) / (2 * n)) as f64 / 10.0),
        }
    }

    /// Count, total and mean of a [`Batch::money`], to the penny.
    pub fn money(&self, name: &str) -> MoneyFigures {
        let n = self.count(&format!("{name}.n"));
        let total = self.value(&format!("{name}.pence")).unwrap_or(0.0) as i64;
        MoneyFigures {
            count: n,
            total: total as f64 / 100.0,
            mean: (n > 0).then(|| ((2 * total + n as i64) / (2 * n as i64)) as f64 / 100.0),
        }
    }
}

/// Rows where `mask` holds, grouped by a text `key` (blank keys as "Not recorded").
pub fn count_by(t: &DataFrame, key: Expr, mask: Expr) -> Result<BTreeMap<String, u64>> {
    Ok(sums_by_text(t, key, vec![mask.alias("n")])?
        .into_iter()
        .map(|(key, sums)| (key, sums["n"]))
        .filter(|(_, n)| *n > 0)
        .collect())
}

/// For each value of a text `key` (blank keys as "Not recorded"), the rows where each of the
/// masks holds, counted. The key and masks are worked out once as columns; each row's key is then
/// numbered and each mask's rows counted straight over its bits (a grouping with a sum per mask
/// took several times as long). Values no mask holds for are left out.
pub fn sums_by_text(
    t: &DataFrame,
    key: Expr,
    masks: Vec<Expr>,
) -> Result<BTreeMap<String, HashMap<String, u64>>> {
    let context = "counting by group";
    let names: Vec<String> = masks
        .iter()
        .map(|m| {
            m.clone()
                .meta()
                .output_name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        })
        .collect();
    let mut columns = vec![key.cast(DataType::String).alias("__key")];
    columns.extend(
        masks
            .into_iter()
            .enumerate()
            .map(|(i, m)| m.alias(format!("__mask{i}"))),
    );
    let frame = t.clone().lazy().select(columns).collect().ctx(context)?;
    // Each row's key as a number, in order of first appearance.
    let mut numbers: PlHashMap<Option<&str>, u32> = PlHashMap::default();
    let mut keys: Vec<Option<&str>> = Vec::new();
    let row_keys: Vec<u32> = frame
        .column("__key")
        .ctx(context)?
        .str()
        .ctx(context)?
        .iter()
        .map(|key| {
            *numbers.entry(key).or_insert_with(|| {
                keys.push(key);
                keys.len() as u32 - 1
            })
        })
        .collect();
    // For each mask, its count by key number.
    let by_mask = (0..names.len())
        .map(|i| {
            let mask = frame
                .column(&format!("__mask{i}"))
                .ctx(context)?
                .bool()
                .ctx(context)?;
            let mut counts = vec![0u64; keys.len()];
            each_row_where(mask, |row| counts[row_keys[row] as usize] += 1);
            Ok(counts)
        })
        .collect::<Result<Vec<_>>>()?;
    let mut by_key: BTreeMap<String, HashMap<String, u64>> = BTreeMap::new();
    for (k, key) in keys.into_iter().enumerate() {
        let counts: Vec<u64> = by_mask.iter().map(|counts| counts[k]).collect();
        if counts.iter().all(|&n| n == 0) {
            continue;
        }
        // A blank key joins any written "Not recorded".
        let sums = by_key
            .entry(key.map_or_else(|| NOT_RECORDED.to_string(), str::to_string))
            .or_default();
        for (name, n) in names.iter().zip(counts) {
            *sums.entry(name.clone()).or_insert(0) += n;
        }
    }
    Ok(by_key)
}

/// Calls `each` with the index of every row where `mask` holds (not where it is missing).
fn each_row_where(mask: &BooleanChunked, mut each: impl FnMut(usize)) {
    let mut offset = 0;
    for chunk in mask.downcast_iter() {
        holding(chunk).true_idx_iter().for_each(|row| each(offset + row));
        offset += chunk.len();
    }
}

/// The rows of a boolean chunk that hold: true and not missing.
fn holding(chunk: &polars_arrow::array::BooleanArray) -> polars_arrow::bitmap::Bitmap {
    match chunk.validity() {
        None => chunk.values().clone(),
        Some(valid) => chunk.values() & valid,
    }
}

/// For the rows where the `mask` column holds, how many have each (integer `key`, integer
/// `value`) pair of the columns so named (rows missing either are not counted): each key's
/// distribution of values, from which medians of any grouping of keys follow.
pub fn histogram(t: &DataFrame, mask: &str, key: &str, value: &str) -> Result<Vec<(i64, i64, u64)>> {
    let mut counts: PlHashMap<(i32, i32), u64> = PlHashMap::default();
    for_rows_where(t, mask, [key, value], |pair| {
        *counts.entry(pair.into()).or_insert(0) += 1;
    })?;
    let mut out: Vec<(i64, i64, u64)> = counts
        .into_iter()
        .map(|((key, value), n)| (i64::from(key), i64::from(value), n))
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// The median of values given with their counts: the middle one, or the mean of the middle
/// two (so a median of whole numbers is whole or a half). `None` when there are none.
pub fn median_of_counts(counts: &[(i64, u64)]) -> Option<f64> {
    let mut counts = counts.to_vec();
    counts.sort_unstable();
    let n: u64 = counts.iter().map(|(_, c)| c).sum();
    let value_at = |rank: u64| {
        let mut seen = 0;
        counts.iter().find_map(|&(v, c)| {
            seen += c;
            (seen > rank).then_some(v)
        })
    };
    match n {
        0 => None,
        n if n % 2 == 1 => value_at(n / 2).map(|v| v as f64),
        n => Some((value_at(n / 2 - 1)? + value_at(n / 2)?) as f64 / 2.0),
    }
}

/// start ≤ value ≤ end; false for a missing value.
pub fn between(value: Expr, start: Expr, end: Expr) -> Expr {
    value
        .clone()
        .gt_eq(start)
        .and(value.lt_eq(end))
        .fill_null(lit(false))
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
    fn medians_from_counts() {
        assert_eq!(median_of_counts(&[]), None);
        assert_eq!(median_of_counts(&[(7, 1)]), Some(7.0));
        // 1 2 2 3 | 5 9: an even count averages the middle two.
        assert_eq!(
            median_of_counts(&[(9, 1), (2, 2), (1, 1), (3, 1), (5, 1)]),
            Some(2.5)
        );
        assert_eq!(median_of_counts(&[(4, 3), (10, 2)]), Some(4.0));
        assert_eq!(median_of_counts(&[(4, 2), (10, 2)]), Some(7.0));
        assert_eq!(median_of_counts(&[(0, 5), (1, 0)]), Some(0.0));
    }

    #[test]
    fn month_counts_take_the_rows_that_hold_with_a_month_in_the_period() {
        // Months 0, 0, 2 (twice) and 1 hold; the others are left out: not holding, a missing
        // or null mask, no month, a month before the period (-1) or after it (3).
        let t = df![
            "month" => [Some(0), Some(0), Some(2), Some(1), Some(0), None, Some(-1), Some(3), Some(2), Some(1)],
            "holds" => [Some(true), Some(true), Some(true), Some(true), Some(false), Some(true), Some(true), Some(true), Some(true), None],
        ]
        .unwrap();
        assert_eq!(counts_by_month(&t, "month", "holds", 3).unwrap(), [2, 1, 2]);
        // Columns split into chunks at different rows are counted alike.
        let mut split = t.slice(0, 3);
        split.vstack_mut(&t.slice(3, 7)).unwrap();
        let mask = t.column("holds").unwrap().clone();
        let mut split = split.drop("holds").unwrap();
        split.with_column(mask).unwrap();
        assert_ne!(
            split.column("month").unwrap().n_chunks(),
            split.column("holds").unwrap().n_chunks()
        );
        assert_eq!(counts_by_month(&split, "month", "holds", 3).unwrap(), [2, 1, 2]);
    }

    #[test]
    fn sums_by_text_count_each_mask_by_key_with_blank_keys_as_not_recorded() {
        let t = df![
            "key" => [Some("Repairs"), None, Some("Repairs"), Some("Not recorded"), Some("Noise"), Some("Damp"), None],
            "a" => [Some(true), Some(true), Some(true), Some(true), Some(false), Some(false), None],
            "b" => [Some(false), Some(true), Some(true), Some(false), None, Some(false), Some(true)],
        ]
        .unwrap();
        let sums = sums_by_text(&t, col("key"), vec![col("a"), col("b").alias("bee")]).unwrap();
        let of = |key: &str, name: &str| sums[key][name];
        // "Damp" and "Noise" have no row where a mask holds (a missing mask is not a hold).
        assert_eq!(sums.keys().collect::<Vec<_>>(), ["Not recorded", "Repairs"]);
        assert_eq!((of("Repairs", "a"), of("Repairs", "bee")), (2, 1));
        // The two blank keys and the written "Not recorded" are one group.
        assert_eq!((of("Not recorded", "a"), of("Not recorded", "bee")), (2, 2));
        let counts = count_by(&t, col("key"), col("b")).unwrap();
        assert_eq!(
            counts,
            BTreeMap::from([("Not recorded".to_string(), 2), ("Repairs".to_string(), 1)])
        );
    }

    #[test]
    fn histograms_count_each_pair_under_the_mask() {
        let t = df![
            "keep" => [true, true, true, false, true, true, true],
            "month" => [Some(0), Some(0), Some(11), Some(0), None, Some(3), Some(0)],
            "days" => [Some(5), Some(5), Some(-2), Some(5), Some(1), None, Some(30)],
        ]
        .unwrap();
        let counts = histogram(&t, "keep", "month", "days").unwrap();
        // Rows with a missing key or value are not counted; the unkept row is not either.
        assert_eq!(counts, vec![(0, 5, 2), (0, 30, 1), (11, -2, 1)]);
        // Columns split into chunks at different rows are counted alike.
        let mut split = t.select(["month", "days"]).unwrap().slice(0, 2);
        split
            .vstack_mut(&t.select(["month", "days"]).unwrap().slice(2, 5))
            .unwrap();
        split.with_column(t.column("keep").unwrap().clone()).unwrap();
        assert_eq!(histogram(&split, "keep", "month", "days").unwrap(), counts);
    }

    #[test]
    fn money_rounds_half_up() {
        assert_eq!(round_half_up(1.005, 2), 1.01);
        assert_eq!(round_half_up(2.5, 0), 3.0);
    }
}
