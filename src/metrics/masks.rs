//! The one definition of how a stage relates to a period: received in it, responded to in it,
//! open at its as-at date, overdue then (those two by classify's definition, which the
//! analysts' table shows). The annual figures, the quarterly report and its list
//! of open cases all use these. For speed, [`columns`] works the masks out once as columns of
//! the table, which every figure's query then reads by [`Mask::col`].

use polars::prelude::*;

use crate::classify;
use crate::domain::canonical::classes;
use crate::domain::dates::date_lit;
use crate::domain::period::Period;
use crate::domain::stage::{REFUSED, Stage, StageColumn, Timeliness};

/// start ≤ value ≤ end; false for a missing value.
pub(super) fn between(value: Expr, start: Expr, end: Expr) -> Expr {
    value
        .clone()
        .gt_eq(start)
        .and(value.lt_eq(end))
        .fill_null(lit(false))
}

fn stage_col(column: StageColumn, stage: Stage) -> Expr {
    col(column.name(stage))
}

fn responded(stage: Stage) -> Expr {
    col(stage.fields().responded.name())
}

fn not_refused() -> Expr {
    col(REFUSED).not()
}

/// Received in the period (stage 2: the escalation request), not refused.
pub(super) fn received_in(stage: Stage, p: Period) -> Expr {
    between(
        stage_col(StageColumn::Received, stage),
        date_lit(p.start),
        date_lit(p.end),
    )
    .and(not_refused())
}

/// Responded to in the period: a response dated in it, not before receipt, on a stage neither
/// withdrawn nor refused.
pub(super) fn responded_in(stage: Stage, p: Period) -> Expr {
    between(responded(stage), date_lit(p.start), date_lit(p.end))
        .and(stage_col(StageColumn::ResponseValid, stage))
        .and(stage_col(StageColumn::Withdrawn, stage).not())
        .and(not_refused())
}

/// Open at the period's as-at date, by classify's one definition.
pub(super) fn open_at(stage: Stage, p: Period) -> Expr {
    classify::open_at(stage, p.as_at)
}

/// Open at the period's as-at date and past the deadline in force.
pub(super) fn overdue_at(stage: Stage, p: Period) -> Expr {
    classify::overdue_at(stage, p.as_at)
}

/// A mask worked out as a column, for each stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mask {
    ReceivedIn,
    RespondedIn,
    OpenAt,
    OverdueAt,
    /// Responded in the period, by timeliness class and outcome.
    WithinBase,
    WithinExtension,
    /// Within the base timescale or a valid extension: CH02.
    Within,
    Late,
    Upheld,
    PartlyUpheld,
    NotUpheld,
    NoOutcome,
}

impl Mask {
    const PERIOD: [Mask; 4] = [Mask::ReceivedIn, Mask::RespondedIn, Mask::OpenAt, Mask::OverdueAt];
    const RESPONSES: [Mask; 8] = [
        Mask::WithinBase,
        Mask::WithinExtension,
        Mask::Within,
        Mask::Late,
        Mask::Upheld,
        Mask::PartlyUpheld,
        Mask::NotUpheld,
        Mask::NoOutcome,
    ];

    /// The column holding this mask for a stage.
    pub(super) fn name(self, stage: Stage) -> String {
        format!("__s{}_{self:?}", stage.number())
    }

    /// This mask, read from its column.
    pub(super) fn col(self, stage: Stage) -> Expr {
        col(self.name(stage).as_str())
    }

    /// The mask's definition over the classified table (the response masks read the
    /// `RespondedIn` column, so they are worked out after it).
    fn definition(self, stage: Stage, p: Period) -> Expr {
        let class = |t: Timeliness| stage_col(StageColumn::TimelinessClass, stage).eq(classes::at(t.index()));
        let outcome = || col(stage.fields().outcome.name());
        let responded_as = |mask: Expr| Mask::RespondedIn.col(stage).and(mask.fill_null(lit(false)));
        match self {
            Mask::ReceivedIn => received_in(stage, p),
            Mask::RespondedIn => responded_in(stage, p),
            Mask::OpenAt => open_at(stage, p),
            Mask::OverdueAt => overdue_at(stage, p),
            Mask::WithinBase => responded_as(class(Timeliness::WithinBase)),
            Mask::WithinExtension => responded_as(class(Timeliness::WithinExtension)),
            Mask::Within => {
                responded_as(class(Timeliness::WithinBase).or(class(Timeliness::WithinExtension)))
            }
            Mask::Late => responded_as(class(Timeliness::Late)),
            Mask::Upheld => responded_as(outcome().eq(lit("upheld"))),
            Mask::PartlyUpheld => responded_as(outcome().eq(lit("partly_upheld"))),
            Mask::NotUpheld => responded_as(outcome().eq(lit("not_upheld"))),
            Mask::NoOutcome => responded_as(outcome().is_null()),
        }
    }
}

/// Every mask of both stages as columns, in two steps: the period masks, then the response
/// masks, which read the first step's `RespondedIn`.
pub(super) fn columns(p: Period) -> [Vec<Expr>; 2] {
    let [[one_first, one_second], [two_first, two_second]] = Stage::BOTH.map(|stage| stage_columns(stage, p));
    [[one_first, two_first].concat(), [one_second, two_second].concat()]
}

/// One stage's masks as columns, in the two steps of [`columns`].
fn stage_columns(stage: Stage, p: Period) -> [Vec<Expr>; 2] {
    let step = |masks: &[Mask]| -> Vec<Expr> {
        masks
            .iter()
            .map(|mask| {
                mask.definition(stage, p)
                    .fill_null(lit(false))
                    .alias(mask.name(stage))
            })
            .collect()
    };
    [step(&Mask::PERIOD), step(&Mask::RESPONSES)]
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::dates::days_since_epoch;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Stage-1 rows of a classified table, one per case below.
    fn table() -> DataFrame {
        let day = |y, m, day| Some(days_since_epoch(d(y, m, day)));
        let (within, extension, late) = (Some(0u32), Some(1u32), Some(2u32));
        df![
            // 0 received and answered in time in the period;
            // 1 received before the period, answered in it late;
            // 2 received in the period, no response, deadline passed by the as-at date;
            // 3 received in the period, answered after the as-at date, deadline not passed;
            // 4 refused; 5 withdrawn; 6 response dated before receipt; 7 received after the
            // as-at date; 8 answered within an extension with no outcome recorded.
            "refused" => [false, false, false, false, true, false, false, false, false],
            "stage1_received" => [day(2024, 5, 1), day(2024, 3, 1), day(2024, 6, 1), day(2024, 6, 20), day(2024, 5, 1), day(2024, 5, 1), day(2024, 5, 10), day(2024, 7, 5), day(2024, 4, 2)],
            "stage1_responded" => [day(2024, 5, 8), day(2024, 4, 15), None, day(2024, 7, 10), day(2024, 5, 2), None, day(2024, 5, 1), None, day(2024, 5, 1)],
            "stage1_response_valid" => [true, true, false, true, true, false, false, false, true],
            "stage1_withdrawn" => [false, false, false, false, false, true, false, false, false],
            "stage1_deadline" => [day(2024, 5, 15), day(2024, 3, 15), day(2024, 6, 15), day(2024, 7, 4), day(2024, 5, 15), day(2024, 5, 15), day(2024, 5, 24), day(2024, 7, 19), day(2024, 4, 30)],
            "stage1_timeliness_class" => [within, late, None, None, within, None, None, None, extension],
            "stage1_outcome" => [Some("upheld"), Some("not_upheld"), None, None, Some("upheld"), Some("withdrawn"), None, None, None],
        ]
        .unwrap()
        .lazy()
        .with_columns(["stage1_received", "stage1_responded", "stage1_deadline"].map(|c| col(c).cast(DataType::Date)))
        .collect()
        .unwrap()
    }

    /// The rows where each mask holds for the first quarter of 2024/25, judged at 30 June 2024.
    fn holding(masks: &[Mask]) -> Vec<Vec<usize>> {
        let p = Period::ending(d(2024, 4, 1), d(2024, 6, 30));
        let [first, second] = stage_columns(Stage::One, p);
        let out = table()
            .lazy()
            .with_columns(first)
            .with_columns(second)
            .collect()
            .unwrap();
        masks
            .iter()
            .map(|m| {
                let column = out.column(&m.name(Stage::One)).unwrap().bool().unwrap().clone();
                column
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| *v == Some(true))
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn each_mask_holds_for_the_rows_its_definition_names() {
        let got = holding(&[Mask::ReceivedIn, Mask::RespondedIn, Mask::OpenAt, Mask::OverdueAt]);
        // Received 1 Apr–30 Jun, not refused: 0, 2, 3, 5, 6, 8 (row 7 is after the period).
        assert_eq!(got[0], [0, 2, 3, 5, 6, 8]);
        // Responded in the period, valid, not withdrawn or refused: 0, 1, 8.
        assert_eq!(got[1], [0, 1, 8]);
        // Open at 30 June: 2 (no response) and 3 (answered after it). Not 6: it has a response
        // date by then, though one before its receipt (left out of timeliness); not 7,
        // received after the as-at date.
        assert_eq!(got[2], [2, 3]);
        // Overdue: 2 (deadline 15 June passed); 3's deadline is 4 July.
        assert_eq!(got[3], [2]);
    }

    #[test]
    fn response_masks_split_the_responses_by_timeliness_and_outcome() {
        let got = holding(&[
            Mask::WithinBase,
            Mask::WithinExtension,
            Mask::Within,
            Mask::Late,
            Mask::Upheld,
            Mask::NotUpheld,
            Mask::PartlyUpheld,
            Mask::NoOutcome,
        ]);
        assert_eq!(got[0], [0]);
        assert_eq!(got[1], [8]);
        assert_eq!(got[2], [0, 8]);
        assert_eq!(got[3], [1]);
        assert_eq!(got[4], [0]);
        assert_eq!(got[5], [1]);
        assert_eq!(got[6], Vec::<usize>::new());
        assert_eq!(got[7], [8]);
    }
}
