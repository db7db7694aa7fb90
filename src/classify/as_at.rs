//! The one definition of where a stage stands at a date: open at it (received by then, not
//! answered by then, neither withdrawn nor refused) and overdue at it (open past the deadline
//! in force). Classify's as-at columns, the figures' masks and the list of open cases all use
//! these, so the table analysts query rebuilds the figures exactly.

use chrono::NaiveDate;
use polars::prelude::*;

use crate::domain::calendar::Calendar;
use crate::domain::canonical::classes;
use crate::domain::dates::date_lit;
use crate::domain::stage::{REFUSED, Stage, StageColumn, StatusAsAt, Timeliness};

use super::wd_between;

fn stage_col(column: StageColumn, stage: Stage) -> Expr {
    col(column.name(stage))
}

fn responded(stage: Stage) -> Expr {
    col(stage.fields().responded.name())
}

/// Open at `as_at`: received on or before it, with no response by then (a response dated after
/// it counts as not yet made), neither withdrawn nor refused. Reads classify's columns.
pub fn open_at(stage: Stage, as_at: NaiveDate) -> Expr {
    let as_at = date_lit(as_at);
    col(REFUSED)
        .not()
        .and(stage_col(StageColumn::Withdrawn, stage).not())
        .and(
            stage_col(StageColumn::Received, stage)
                .lt_eq(as_at.clone())
                .fill_null(lit(false)),
        )
        .and(responded(stage).is_null().or(responded(stage).gt(as_at)))
}

/// Open at `as_at` and past the deadline in force then.
pub fn overdue_at(stage: Stage, as_at: NaiveDate) -> Expr {
    open_at(stage, as_at).and(
        date_lit(as_at)
            .gt(stage_col(StageColumn::Deadline, stage))
            .fill_null(lit(false)),
    )
}

/// The timeliness class of a stage open at `as_at` (open_in_time or open_overdue); null when
/// it is not open then.
pub(super) fn open_class(stage: Stage, as_at: NaiveDate) -> Expr {
    let class = |t: Timeliness| classes::at(t.index());
    when(overdue_at(stage, as_at))
        .then(class(Timeliness::OpenOverdue))
        .when(open_at(stage, as_at))
        .then(class(Timeliness::OpenInTime))
        .otherwise(classes::none())
}

/// A classified stage's columns as at `as_at`, for the analysts' table: where it stood
/// (`stage{k}_status_as_at`), its timeliness then (`stage{k}_timeliness_as_at`) and its age if
/// open (`stage{k}_open_age_working_days`). Text columns cost a run of a million complaints
/// tenths of a second, so only the analysts' table makes them.
pub fn as_at_columns(stage: Stage, as_at: NaiveDate, calendar: &Calendar) -> Vec<Expr> {
    use StageColumn as C;
    let c = |column: StageColumn| stage_col(column, stage);
    let status = |s: StatusAsAt| classes::at(s.index());
    let received = c(C::Received);
    let status_class = when(col(REFUSED))
        .then(status(StatusAsAt::Refused))
        .when(received.clone().is_null())
        .then(classes::none())
        .when(received.clone().gt(date_lit(as_at)))
        .then(status(StatusAsAt::ReceivedLater))
        .when(c(C::Withdrawn))
        .then(status(StatusAsAt::Withdrawn))
        .when(open_at(stage, as_at))
        .then(status(StatusAsAt::Open))
        .otherwise(status(StatusAsAt::Answered));
    // Answered by the as-at date: the timeliness it was answered with; open then: as it stood.
    let answered = responded(stage).lt_eq(date_lit(as_at)).fill_null(lit(false));
    let timeliness_class = when(answered)
        .then(c(C::TimelinessClass))
        .otherwise(open_class(stage, as_at));
    vec![
        classes::named(&StatusAsAt::NAMES, status_class).alias(C::StatusAsAt.name(stage)),
        classes::named(&Timeliness::NAMES, timeliness_class).alias(C::TimelinessAsAt.name(stage)),
        when(open_at(stage, as_at))
            .then(wd_between(calendar, received, date_lit(as_at)))
            .otherwise(lit(NULL).cast(DataType::Int32))
            .alias(C::OpenAge.name(stage)),
    ]
}
