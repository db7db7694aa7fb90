//! The period's months and quarters: received by received date; responded and within the
//! timescale by response date; the median working days to respond at stage 1.

use chrono::{Datelike, Months, NaiveDate};
use polars::prelude::*;

use super::masks::Mask;
use super::rounding::median_of_counts;
use super::{PeriodRow, pct};
use crate::columnar::bits::{counts_by_index, pair_counts};
use crate::columnar::gather::by_date;
use crate::domain::dates::days_since_epoch;
use crate::domain::period::Period;
use crate::domain::stage::{Stage, StageColumn};
use crate::error::Result;

/// The event a month is taken from.
#[derive(Debug, Clone, Copy)]
enum Event {
    Received,
    Responded,
}

impl Event {
    /// The column holding each stage's month of this event.
    fn column(self, stage: Stage) -> String {
        let event = match self {
            Event::Received => "received",
            Event::Responded => "responded",
        };
        format!("__month_s{}_{event}", stage.number())
    }

    fn date(self, stage: Stage) -> Expr {
        match self {
            Event::Received => col(StageColumn::Received.name(stage)),
            Event::Responded => col(stage.fields().responded.name()),
        }
    }
}

/// The period's months (quarters count from the period start: Q1 = April–June for a
/// financial year), with their labels and starts only.
pub(super) fn period_months(p: Period) -> Vec<PeriodRow> {
    let mut months = Vec::new();
    let mut start = NaiveDate::from_ymd_opt(p.start.year(), p.start.month(), 1).expect("valid");
    while start <= p.end {
        months.push(PeriodRow {
            label: start.format("%Y-%m").to_string(),
            start: Some(start.max(p.start)),
            ..Default::default()
        });
        start = start + Months::new(1);
    }
    months
}

/// Each date's month of the period (0 = the month the period starts in), null outside the
/// period: a gather from a table of the period's days.
fn month_of_period(date: Expr, p: Period) -> Expr {
    let months: Vec<Option<i32>> = p
        .start
        .iter_days()
        .take_while(|d| *d <= p.end)
        .map(|d| Some((d.year() - p.start.year()) * 12 + d.month() as i32 - p.start.month() as i32))
        .collect();
    by_date(months, days_since_epoch(p.start), date, DataType::Int32)
}

/// The month of each stage's receipt and response, as columns.
pub(super) fn month_columns(p: Period) -> Vec<Expr> {
    Stage::BOTH
        .into_iter()
        .flat_map(|stage| {
            [Event::Received, Event::Responded]
                .map(|event| month_of_period(event.date(stage), p).alias(event.column(stage)))
        })
        .collect()
}

/// Each month's counts for both stages, from one pass over a month column and a mask each.
pub(super) struct MonthCounts {
    received: [Vec<u64>; 2],
    responded: [Vec<u64>; 2],
    within: [Vec<u64>; 2],
}

pub(super) fn month_counts(t: &DataFrame, months: usize) -> Result<MonthCounts> {
    let counts = |mask: Mask, event: Event| -> Result<[Vec<u64>; 2]> {
        let [one, two] =
            Stage::BOTH.map(|stage| counts_by_index(t, &event.column(stage), &mask.name(stage), months));
        Ok([one?, two?])
    };
    Ok(MonthCounts {
        received: counts(Mask::ReceivedIn, Event::Received)?,
        responded: counts(Mask::RespondedIn, Event::Responded)?,
        within: counts(Mask::Within, Event::Responded)?,
    })
}

/// Medians of stage-1 working days to respond, for each month and quarter of the period.
pub(super) struct Medians {
    months: Vec<Option<f64>>,
    quarters: Vec<Option<f64>>,
}

/// Medians of stage-1 working days to respond, by month and by quarter of the period, from one
/// count of each month's working days.
pub(super) fn month_medians(t: &DataFrame, months: usize) -> Result<Medians> {
    let stage = Stage::One;
    let counts = pair_counts(
        t,
        &Mask::RespondedIn.name(stage),
        &Event::Responded.column(stage),
        StageColumn::WorkingDays.name(stage),
    )?;
    let medians = |of: &dyn Fn(usize) -> usize, rows: usize| -> Vec<Option<f64>> {
        (0..rows)
            .map(|row| {
                let days: Vec<(i64, u64)> = counts
                    .iter()
                    .filter(|(month, ..)| usize::try_from(*month).is_ok_and(|m| of(m) == row))
                    .map(|&(_, days, n)| (days, n))
                    .collect();
                median_of_counts(&days)
            })
            .collect()
    };
    Ok(Medians {
        months: medians(&|m| m, months),
        quarters: medians(&|m| m / 3, months.div_ceil(3)),
    })
}

/// Month and quarter rows over the period, from the months' counts and the medians.
pub(super) fn monthly(p: Period, counts: &MonthCounts, medians: Medians) -> (Vec<PeriodRow>, Vec<PeriodRow>) {
    let mut months = period_months(p);
    let at = |counts: &Vec<u64>, i: usize| counts.get(i).copied().unwrap_or(0);
    for (i, row) in months.iter_mut().enumerate() {
        row.stage1_received = at(&counts.received[0], i);
        row.stage2_received = at(&counts.received[1], i);
        row.stage1_responded = at(&counts.responded[0], i);
        row.stage1_within = at(&counts.within[0], i);
        row.stage2_responded = at(&counts.responded[1], i);
        row.stage2_within = at(&counts.within[1], i);
        row.median_working_days_stage1 = medians.months.get(i).copied().flatten();
    }
    set_percentages(&mut months);
    // A quarter's counts are its months' sums; only its median needs the rows.
    let mut quarters: Vec<PeriodRow> = months
        .chunks(3)
        .enumerate()
        .map(|(i, chunk)| {
            let mut quarter = PeriodRow {
                label: format!("Q{}", i + 1),
                start: chunk[0].start,
                median_working_days_stage1: medians.quarters.get(i).copied().flatten(),
                ..Default::default()
            };
            for m in chunk {
                quarter.stage1_received += m.stage1_received;
                quarter.stage2_received += m.stage2_received;
                quarter.stage1_responded += m.stage1_responded;
                quarter.stage1_within += m.stage1_within;
                quarter.stage2_responded += m.stage2_responded;
                quarter.stage2_within += m.stage2_within;
            }
            quarter
        })
        .collect();
    set_percentages(&mut quarters);
    (months, quarters)
}

fn set_percentages(rows: &mut [PeriodRow]) {
    for row in rows {
        row.stage1_within_pct = pct(row.stage1_within, row.stage1_responded);
        row.stage2_within_pct = pct(row.stage2_within, row.stage2_responded);
    }
}
