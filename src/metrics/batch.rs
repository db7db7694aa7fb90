//! Single-number aggregations over one table, asked for together so that one query answers them
//! all (polars works the expressions out side by side). Asking returns a typed handle; the
//! answers are read by it, so a figure cannot be read under a name it was not asked by.

use polars::prelude::*;

use super::MoneyFigures;
use super::rounding::mean_to_tenth;
use crate::error::{PolarsContext, Result};

/// The aggregations asked for.
#[derive(Default)]
pub(super) struct Batch {
    exprs: Vec<Expr>,
}

/// A count of the rows where a mask holds.
#[derive(Debug, Clone, Copy)]
pub(super) struct Count(usize);

/// The median, sum and count of a working-days column over the rows where a mask holds.
#[derive(Debug, Clone, Copy)]
pub(super) struct Days {
    median: usize,
    sum: usize,
    n: usize,
}

/// The total (in pence) and count of an amount of money over the rows where a mask holds.
#[derive(Debug, Clone, Copy)]
pub(super) struct Money {
    pence: usize,
    n: usize,
}

impl Batch {
    fn push(&mut self, expr: Expr) -> usize {
        let at = self.exprs.len();
        self.exprs.push(expr.alias(format!("{at}")));
        at
    }

    /// The rows where `mask` holds, counted: a boolean's sum counts its true values straight
    /// from the bits (null ones not).
    pub(super) fn count(&mut self, mask: Expr) -> Count {
        Count(self.push(mask.sum()))
    }

    /// Median, sum and count of a working-days column over the rows where `mask` holds.
    pub(super) fn working_days(&mut self, column: &str, mask: Expr) -> Days {
        let days = col(column)
            .cast(DataType::Int64)
            .filter(mask.fill_null(lit(false)))
            .drop_nulls();
        Days {
            median: self.push(days.clone().median()),
            sum: self.push(days.clone().sum()),
            n: self.push(days.count()),
        }
    }

    /// Total and count, in pence, of an amount in pounds over the rows where `mask` holds.
    pub(super) fn money(&mut self, column: &str, mask: Expr) -> Money {
        // Half away from zero: a cast truncates toward zero.
        let scaled = col(column) * lit(100.0);
        let pence = when(scaled.clone().gt_eq(lit(0.0)))
            .then(scaled.clone() + lit(0.5))
            .otherwise(scaled - lit(0.5))
            .cast(DataType::Int64)
            .filter(mask.fill_null(lit(false)));
        Money {
            pence: self.push(pence.clone().sum()),
            n: self.push(pence.count()),
        }
    }

    /// Works every aggregation out in one query.
    pub(super) fn run(self, t: &DataFrame) -> Result<Answers> {
        let out = t.clone().lazy().select(self.exprs).collect().ctx("counting")?;
        let values = out
            .columns()
            .iter()
            .map(|column| {
                let number = column.cast(&DataType::Float64).ctx("reading a figure")?;
                Ok(number.f64().ctx("reading a figure")?.get(0))
            })
            .collect::<Result<_>>()?;
        Ok(Answers { values })
    }
}

/// What a [`Batch`] worked out, read by the handles it gave.
pub(super) struct Answers {
    values: Vec<Option<f64>>,
}

/// Median and mean working days, to 1 dp.
pub(super) struct WorkingDays {
    pub median: Option<f64>,
    pub mean: Option<f64>,
}

impl Answers {
    fn value(&self, at: usize) -> Option<f64> {
        self.values.get(at).copied().flatten()
    }

    fn whole(&self, at: usize) -> u64 {
        self.value(at).map_or(0, |v| v.max(0.0) as u64)
    }

    /// A count; 0 when there was nothing to count.
    pub(super) fn count(&self, handle: Count) -> u64 {
        self.whole(handle.0)
    }

    /// Median and mean of a [`Batch::working_days`].
    pub(super) fn working_days(&self, handle: Days) -> WorkingDays {
        let n = self.whole(handle.n);
        let sum = self.whole(handle.sum);
        WorkingDays {
            // A median of whole days is whole or a half: exact at 1 dp.
            median: if n == 0 { None } else { self.value(handle.median) },
            mean: mean_to_tenth(sum, n),
        }
    }

    /// Count, total and mean of a [`Batch::money`], to the penny.
    pub(super) fn money(&self, handle: Money) -> MoneyFigures {
        let n = self.whole(handle.n);
        let total = self.value(handle.pence).unwrap_or(0.0) as i64;
        MoneyFigures {
            count: n,
            total: total as f64 / 100.0,
            mean: (n > 0).then(|| ((2 * total + n as i64) / (2 * n as i64)) as f64 / 100.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_query_answers_every_handle() {
        let t = df![
            "keep" => [Some(true), Some(true), Some(false), None, Some(true), Some(true)],
            "days" => [Some(3), Some(10), Some(99), Some(99), None, Some(4)],
            "paid" => [Some(12.5), Some(0.006), Some(1000.0), Some(5.0), Some(-2.5), None],
        ]
        .unwrap();
        let mut batch = Batch::default();
        let kept = batch.count(col("keep"));
        let none = batch.count(col("keep").and(lit(false)));
        let days = batch.working_days("days", col("keep"));
        let paid = batch.money("paid", col("keep"));
        let nothing = batch.working_days("days", lit(false));
        let a = batch.run(&t).unwrap();
        // Four rows hold (a missing mask does not).
        assert_eq!((a.count(kept), a.count(none)), (4, 0));
        // Days 3, 10 and 4 (one held row has none): median 4, mean 17 / 3 = 5.7.
        let d = a.working_days(days);
        assert_eq!((d.median, d.mean), (Some(4.0), Some(5.7)));
        // £12.50, £0.01 (0.6p half up), −£2.50: three amounts, 1,001p, mean 333.7p → £3.34.
        let m = a.money(paid);
        assert_eq!((m.count, m.total, m.mean), (3, 10.01, Some(3.34)));
        let n = a.working_days(nothing);
        assert_eq!((n.median, n.mean), (None, None));
    }
}
