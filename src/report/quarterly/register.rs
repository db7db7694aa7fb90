//! The quarterly report's figures, registered once with their relations before any table or
//! chart is built.

use std::collections::BTreeMap;

use super::QuarterFigures;
use super::exceptions::{Exception, Reason, exceptions};
use crate::domain::stage::Stage;
use crate::report::disclosure::{FigureId, Ledger};
use crate::report::figures::{
    Breakdown, CompensationFigures, FieldLabels, StageFigures, Tenure, both_stages, categories_at, tenures,
};
use crate::report::table::{Edition, Suppression};

/// The quarterly report's registered figures.
pub(super) struct QuarterContext<'a> {
    pub(super) f: &'a QuarterFigures<'a>,
    pub(super) this: [StageFigures; 2],
    pub(super) to_date: [StageFigures; 2],
    pub(super) tenures: BTreeMap<String, Tenure>,
    pub(super) last_four: Vec<[StageFigures; 2]>,
    /// Each of the last four quarters: open and overdue at its end, both stages.
    pub(super) last_four_open: Vec<[FigureId; 2]>,
    /// Open stages that are exceptions, by reason (the web edition's count of them).
    pub(super) exceptions_by_reason: Vec<(Reason, FigureId)>,
    /// The exceptions, overdue first (listed in the board edition).
    pub(super) exceptions: Vec<Exception<'a>>,
    pub(super) categories: Vec<(String, FigureId, FigureId)>,
    pub(super) refusals: Vec<(String, FigureId)>,
    pub(super) refused: FigureId,
    pub(super) compensation: CompensationFigures,
}

impl<'a> QuarterContext<'a> {
    pub(super) fn register(
        f: &'a QuarterFigures<'a>,
        l: &mut Ledger,
        edition: Edition,
        s: &Suppression,
    ) -> Self {
        let this = both_stages(l, "q", &f.this, true);
        let to_date = both_stages(l, "ytd", &f.to_date, true);
        let tenures = tenures(l, "ytd", &f.to_date, &to_date);
        let last_four: Vec<[StageFigures; 2]> = f
            .last_four
            .iter()
            .map(|(p, m)| both_stages(l, &format!("span{}", p.start), m, false))
            .collect();
        let last_four_open = last_four
            .iter()
            .zip(&f.last_four)
            .map(|(ids, (p, m))| {
                let k = |what: &str| format!("span{}.both.{what}", p.start);
                let open = l.count(k("open"), m.stage1.open_at_end + m.stage2.open_at_end);
                let overdue = l.count(
                    k("overdue"),
                    m.stage1.open_overdue_at_end + m.stage2.open_overdue_at_end,
                );
                l.sum(open, &[ids[0].open, ids[1].open]);
                l.sum(overdue, &[ids[0].overdue, ids[1].overdue]);
                [open, overdue]
            })
            .collect();
        let exceptions = exceptions(f);
        let exceptions_by_reason: Vec<(Reason, FigureId)> = Reason::ALL
            .into_iter()
            .map(|reason| {
                let n = exceptions.iter().filter(|e| e.reasons.contains(&reason)).count() as u64;
                (reason, l.count(format!("q.exceptions.{}", reason.describe()), n))
            })
            .collect();
        // Every overdue open stage is an exception.
        l.sum(exceptions_by_reason[0].1, &[this[0].overdue, this[1].overdue]);
        // Labels are decided on the year to date, so a value named in one quarter is named in all.
        let labels = FieldLabels::new(&f.to_date, f.config, edition, s);
        let now = Breakdown::register(
            l,
            "q.category.s1",
            &categories_at(&f.this, Stage::One),
            &labels.category,
            this[0].received,
        );
        let ytd = Breakdown::register(
            l,
            "ytd.category.s1",
            &categories_at(&f.to_date, Stage::One),
            &labels.category,
            to_date[0].received,
        );
        let categories = ytd
            .rows
            .iter()
            .map(|(label, id)| (label.clone(), now.get(l, label), *id))
            .collect();
        let refused = l.public("q.refused", f.this.refused.total);
        let refusals = Breakdown::register(
            l,
            "q.refused",
            &f.this.refused.by_reason,
            &labels.refusal,
            refused,
        )
        .rows;
        let compensation = CompensationFigures::register(l, "q", &f.this.compensation);
        QuarterContext {
            f,
            this,
            to_date,
            tenures,
            last_four,
            last_four_open,
            exceptions_by_reason,
            categories,
            refusals,
            refused,
            compensation,
            exceptions,
        }
    }
}
