//! Each stage's figures: volumes, acknowledgement, timeliness, outcomes, open cases and their
//! ages, extensions and data quality; and the remedies and satisfaction of final responses.

use polars::prelude::*;

use super::batch::{Answers, Batch, Count, Days, Money};
use super::masks::Mask;
use super::{AgeBands, Compensation, Extensions, Outcomes, PerStage, Satisfaction, StageMetrics, pct};
use crate::classify::{Rules, wd_between};
use crate::columnar::frame::texts;
use crate::domain::calendar::Calendar;
use crate::domain::canonical::Field;
use crate::domain::dates::date_lit;
use crate::domain::period::Period;
use crate::domain::stage::{Stage, StageColumn};
use crate::error::{Error, PolarsContext, Result};

use super::rounding::round_half_up;

fn stage_col(column: StageColumn, stage: Stage) -> Expr {
    col(column.name(stage))
}

/// The counts one stage's figures are read from, as asked of the batch.
pub(super) struct StageAsked {
    stage: Stage,
    received: Count,
    withdrawn: Count,
    ack_on_time: Count,
    responded: Count,
    within_base: Count,
    within_extension: Count,
    late: Count,
    open: Count,
    overdue: Count,
    upheld: Count,
    partly_upheld: Count,
    not_upheld: Count,
    no_outcome: Count,
    days: Days,
    days_from_ack: Days,
    extensions: [Count; 8],
    /// Received in the period with no acknowledgement date.
    pub ack_missing: Count,
    /// Received in the period with a response dated before receipt.
    pub response_before_receipt: Count,
    /// Needed by the period, with a deadline the calendar cannot compute.
    uncovered: Count,
}

impl StageAsked {
    pub(super) fn ask(batch: &mut Batch, stage: Stage, rules: &Rules) -> StageAsked {
        let m = |mask: Mask| mask.col(stage);
        let c = |column: StageColumn| stage_col(column, stage);
        let received_in = m(Mask::ReceivedIn);
        let responded_in = m(Mask::RespondedIn);
        let extension = |mask: Expr| responded_in.clone().and(mask);
        let reason = col(stage.fields().extension_reason.name());
        StageAsked {
            stage,
            uncovered: batch.count(uncovered(stage)),
            received: batch.count(received_in.clone()),
            withdrawn: batch.count(received_in.clone().and(c(StageColumn::Withdrawn))),
            ack_on_time: batch.count(received_in.clone().and(c(StageColumn::AckOnTime))),
            responded: batch.count(responded_in.clone()),
            within_base: batch.count(m(Mask::WithinBase)),
            within_extension: batch.count(m(Mask::WithinExtension)),
            late: batch.count(m(Mask::Late)),
            open: batch.count(m(Mask::OpenAt)),
            overdue: batch.count(m(Mask::OverdueAt)),
            upheld: batch.count(m(Mask::Upheld)),
            partly_upheld: batch.count(m(Mask::PartlyUpheld)),
            not_upheld: batch.count(m(Mask::NotUpheld)),
            no_outcome: batch.count(m(Mask::NoOutcome)),
            days: batch.working_days(StageColumn::WorkingDays.name(stage), responded_in.clone()),
            days_from_ack: batch
                .working_days(StageColumn::WorkingDaysFromAck.name(stage), responded_in.clone()),
            extensions: [
                c(StageColumn::ExtensionRecognised).or(c(StageColumn::ExtensionNotifiedLate)),
                c(StageColumn::ExtensionRecognised),
                c(StageColumn::ExtensionBeyondCap),
                c(StageColumn::ExtensionBeyondWithReason),
                c(StageColumn::ExtensionBeyondCap)
                    .and(reason.clone().is_not_null())
                    .and(rules.reason_listed(reason).not()),
                c(StageColumn::ExtensionNotifiedLate),
                c(StageColumn::ExtensionNoticeMissing),
                c(StageColumn::ExtensionDateMissing),
            ]
            .map(|mask| batch.count(extension(mask))),
            ack_missing: batch.count(received_in.clone().and(c(StageColumn::AckMissing))),
            response_before_receipt: batch.count(
                received_in
                    .and(col(stage.fields().responded.name()).is_not_null())
                    .and(c(StageColumn::ResponseValid).not()),
            ),
        }
    }

    pub(super) fn metrics(&self, a: &Answers) -> StageMetrics {
        let count = |handle: Count| a.count(handle);
        let days = a.working_days(self.days);
        let from_ack = a.working_days(self.days_from_ack);
        let responded = count(self.responded);
        let (upheld, partly_upheld, not_upheld) = (
            count(self.upheld),
            count(self.partly_upheld),
            count(self.not_upheld),
        );
        let (within_base, within_extension) = (count(self.within_base), count(self.within_extension));
        StageMetrics {
            received: count(self.received),
            withdrawn: count(self.withdrawn),
            acknowledged_on_time: count(self.ack_on_time),
            acknowledged_on_time_pct: pct(count(self.ack_on_time), count(self.received)),
            responded,
            within_base,
            within_extension,
            late: count(self.late),
            within_timescale_pct: pct(within_base + within_extension, responded),
            within_base_pct: pct(within_base, responded),
            median_working_days_to_respond: days.median,
            mean_working_days_to_respond: days.mean,
            median_working_days_from_ack: from_ack.median,
            mean_working_days_from_ack: from_ack.mean,
            open_at_end: count(self.open),
            open_overdue_at_end: count(self.overdue),
            outcomes: Outcomes {
                upheld,
                partly_upheld,
                not_upheld,
                other: responded - (upheld + partly_upheld + not_upheld),
                not_recorded: count(self.no_outcome),
            },
        }
    }

    /// Extensions on stages responded to in the period.
    pub(super) fn extensions(&self, a: &Answers) -> Extensions {
        let [
            used,
            recognised,
            beyond_cap,
            beyond_with_good_reason,
            beyond_reason_not_listed,
            notified_late,
            notice_date_missing,
            agreed_date_missing,
        ] = self.extensions.map(|handle| a.count(handle));
        Extensions {
            used,
            recognised,
            beyond_cap,
            beyond_with_good_reason,
            beyond_reason_not_listed,
            notified_late,
            notice_date_missing,
            agreed_date_missing,
        }
    }

    /// A deadline the calendar cannot compute, for a stage the period needs, is an error.
    pub(super) fn check_coverage(&self, t: &DataFrame, a: &Answers) -> Result<()> {
        let count = a.count(self.uncovered);
        if count == 0 {
            return Ok(());
        }
        let received = StageColumn::Received.name(self.stage);
        let missing = t
            .clone()
            .lazy()
            .filter(uncovered(self.stage))
            .select([col(Field::Reference.name()), col(received)])
            .limit(1)
            .collect()
            .ctx("checking calendar coverage")?;
        let refs = texts(&missing, Field::Reference.name())?;
        let dates = texts(&missing, received)?;
        Err(Error::Calendar(format!(
            "{count} stage {} deadline(s) fall outside the working-day calendar (e.g. complaint {} received {}): give [calendar] holidays_file a gov.uk bank-holidays.json (or one date per line) covering those years",
            self.stage.number(),
            refs.first().cloned().flatten().unwrap_or_default(),
            dates.first().cloned().flatten().unwrap_or_default()
        )))
    }
}

/// Stages the period needs whose deadline the calendar cannot compute.
fn uncovered(stage: Stage) -> Expr {
    let c = |column: StageColumn| stage_col(column, stage);
    Mask::ReceivedIn
        .col(stage)
        .or(Mask::RespondedIn.col(stage))
        .or(Mask::OpenAt.col(stage))
        .and(c(StageColumn::Received).is_not_null())
        .and(c(StageColumn::AckDue).is_null().or(c(StageColumn::Due).is_null()))
}

/// Stages open at the as-at date by age in working days since receipt.
pub(super) fn age_bands(t: &DataFrame, stage: Stage, p: Period, calendar: &Calendar) -> Result<AgeBands> {
    // Ages are worked out for the open cases only: a few among many.
    let open = t
        .clone()
        .lazy()
        .filter(Mask::OpenAt.col(stage))
        .select([wd_between(
            calendar,
            stage_col(StageColumn::Received, stage),
            date_lit(p.as_at),
        )
        .alias("age")])
        .collect()
        .ctx("ageing open cases")?;
    let age = || col("age");
    let band = |lo: i32, hi: i32| age().gt_eq(lit(lo)).and(age().lt_eq(lit(hi)));
    let mut batch = Batch::default();
    let bands = [band(0, 10), band(11, 20), band(21, 40), age().gt(lit(40))].map(|b| batch.count(b));
    let a = batch.run(&open)?;
    let [up_to_10, from_11_to_20, from_21_to_40, over_40] = bands.map(|b| a.count(b));
    Ok(AgeBands {
        up_to_10,
        from_11_to_20,
        from_21_to_40,
        over_40,
    })
}

/// Compensation on complaints whose final response (stage 2 if escalated, else stage 1) is in
/// the period, by stage.
pub(super) fn ask_compensation(batch: &mut Batch) -> PerStage<Money> {
    let paid = col(Field::Compensation.name()).gt(lit(0.0)).fill_null(lit(false));
    let final_s1 = Mask::RespondedIn
        .col(Stage::One)
        .and(col(Field::Stage2Responded.name()).is_null())
        .and(paid.clone());
    let final_s2 = Mask::RespondedIn.col(Stage::Two).and(paid);
    PerStage {
        stage1: batch.money(Field::Compensation.name(), final_s1),
        stage2: batch.money(Field::Compensation.name(), final_s2),
    }
}

pub(super) fn compensation(a: &Answers, asked: &PerStage<Money>) -> Compensation {
    let (s1, s2) = (a.money(asked.stage1), a.money(asked.stage2));
    let count = s1.count + s2.count;
    let total = round_half_up(s1.total + s2.total, 2);
    Compensation {
        count,
        total,
        mean: (count > 0).then(|| round_half_up(total / count as f64, 2)),
        by_stage: PerStage {
            stage1: s1,
            stage2: s2,
        },
    }
}

/// Satisfaction with complaint handling among the responses in the period (either stage).
pub(super) fn ask_satisfaction(batch: &mut Batch) -> [Count; 2] {
    let responded = Mask::RespondedIn
        .col(Stage::One)
        .or(Mask::RespondedIn.col(Stage::Two));
    let answer = col(Field::Satisfaction.name());
    [
        batch.count(responded.clone().and(answer.clone().is_not_null())),
        batch.count(responded.and(answer.eq(lit("satisfied")).fill_null(lit(false)))),
    ]
}

pub(super) fn satisfaction(a: &Answers, [responses, satisfied]: [Count; 2]) -> Satisfaction {
    let (responses, satisfied) = (a.count(responses), a.count(satisfied));
    Satisfaction {
        responses,
        satisfied,
        pct: pct(satisfied, responses),
    }
}
