//! Every figure the annual report prints, registered once with its relations before any table
//! or chart is built.

use std::collections::BTreeMap;

use crate::domain::period::Period;
use crate::domain::stage::Stage;
use crate::metrics::{Metrics, Outcomes};
use crate::report::determinations::Determinations;
use crate::report::disclosure::labels::{self, Labels};
use crate::report::disclosure::{FigureId, Ledger};
use crate::report::figures::{
    Breakdown, CompensationFigures, FieldLabels, SpanFigures, StageFigures, Tenure, both_stages, calendar,
    categories_at, tenures,
};

/// A category's row: received at each stage, and last year's at stage 1.
#[derive(Debug, Clone)]
pub(super) struct CategoryRow {
    pub label: String,
    pub received: [FigureId; 2],
    pub prior_stage1: Option<FigureId>,
}

pub(super) struct Registered {
    pub year: [StageFigures; 2],
    pub prior: Option<[StageFigures; 2]>,
    pub months: Vec<SpanFigures>,
    pub quarters: Vec<SpanFigures>,
    pub prior_months: Vec<SpanFigures>,
    pub categories: Vec<CategoryRow>,
    /// Per category: upheld, partly upheld, not upheld, other, responses.
    pub category_outcomes: Vec<(String, [FigureId; 5])>,
    pub refused: FigureId,
    pub prior_refused: Option<FigureId>,
    pub refusals: Vec<(String, FigureId, Option<FigureId>)>,
    pub channels: Vec<(String, FigureId)>,
    pub tenures: BTreeMap<String, Tenure>,
    pub prior_tenures: BTreeMap<String, Tenure>,
    pub compensation: CompensationFigures,
    pub prior_compensation: Option<FigureId>,
    pub resolved_at_stage1: FigureId,
    pub prior_resolved_at_stage1: Option<FigureId>,
    /// Ombudsman findings in the period (published by the Ombudsman: public).
    pub findings: Vec<(String, FigureId)>,
}

impl Registered {
    pub(super) fn new(
        l: &mut Ledger,
        m: &Metrics,
        prior: Option<&Metrics>,
        determinations: Option<&Determinations>,
        period: Period,
        labels: &FieldLabels,
    ) -> Self {
        let year = both_stages(l, "year", m, true);
        let prior_stages = prior.map(|p| both_stages(l, "prior", p, true));
        let (months, quarters) = calendar(l, m, &SpanFigures::of_stages(&year));
        let prior_months = prior.map_or_else(Vec::new, |p| {
            let stages = prior_stages.as_ref().expect("registered with the prior year");
            let (months, _) = calendar(l, p, &SpanFigures::of_stages(stages));
            months
        });

        // Categories, stage by stage; last year's stage 1 beside them.
        let s1 = Breakdown::register(
            l,
            "year.category.s1",
            &categories_at(m, Stage::One),
            &labels.category,
            year[0].received,
        );
        let s2 = Breakdown::register(
            l,
            "year.category.s2",
            &categories_at(m, Stage::Two),
            &labels.category,
            year[1].received,
        );
        let prior_s1 = prior.zip(prior_stages.as_ref()).map(|(p, stages)| {
            Breakdown::register(
                l,
                "prior.category.s1",
                &categories_at(p, Stage::One),
                &labels.category,
                stages[0].received,
            )
        });
        let mut names: Vec<String> = s1.labels().map(str::to_string).collect();
        names.extend(
            s2.labels()
                .filter(|n| !names.iter().any(|x| x == n))
                .map(str::to_string)
                .collect::<Vec<_>>(),
        );
        let categories = names
            .into_iter()
            .map(|label| CategoryRow {
                received: [s1.get(l, &label), s2.get(l, &label)],
                prior_stage1: prior_s1.as_ref().map(|b| b.get(l, &label)),
                label,
            })
            .collect();

        let category_outcomes = category_outcomes(l, m, &year, &labels.category);

        let refused = l.public("year.refused", m.refused.total);
        let prior_refused = prior.map(|p| l.public("prior.refused", p.refused.total));
        let reasons = Breakdown::register(l, "year.refused", &m.refused.by_reason, &labels.refusal, refused);
        let prior_reasons = prior.zip(prior_refused).map(|(p, total)| {
            Breakdown::register(l, "prior.refused", &p.refused.by_reason, &labels.refusal, total)
        });
        let refusals = reasons
            .rows
            .iter()
            .map(|(label, id)| {
                (
                    label.clone(),
                    *id,
                    prior_reasons.as_ref().map(|b| b.get(l, label)),
                )
            })
            .collect();
        let channels =
            Breakdown::register(l, "year.channel", &m.channels, &labels.channel, year[0].received).rows;

        let tenure_figures = tenures(l, "year", m, &year);
        let prior_tenures = prior
            .zip(prior_stages.as_ref())
            .map_or_else(BTreeMap::new, |(p, stages)| tenures(l, "prior", p, stages));

        let compensation = CompensationFigures::register(l, "year", &m.compensation);
        let prior_compensation = prior.map(|p| {
            let n = l.public("prior.compensated", p.compensation.count);
            let money = l.money("prior.compensation", p.compensation.total, n);
            l.mark_public(money);
            money
        });

        let resolved_at_stage1 = l.count("year.resolved_at_stage1", m.resolved_at_stage1);
        let prior_resolved_at_stage1 =
            prior.map(|p| l.count("prior.resolved_at_stage1", p.resolved_at_stage1));

        let findings = determinations.map_or_else(Vec::new, |d| {
            Determinations::by_finding(&d.within(period.start, period.end))
                .into_iter()
                .map(|(name, n)| {
                    let id = l.public(format!("year.finding.{name}"), n);
                    (name, id)
                })
                .collect()
        });

        Registered {
            year,
            prior: prior_stages,
            months,
            quarters,
            prior_months,
            categories,
            category_outcomes,
            refused,
            prior_refused,
            refusals,
            channels,
            tenures: tenure_figures,
            prior_tenures,
            compensation,
            prior_compensation,
            resolved_at_stage1,
            prior_resolved_at_stage1,
            findings,
        }
    }
}

/// Outcomes by category (responses at either stage): each column sums to the two stages'
/// outcome counts, each row to its responses.
fn category_outcomes(
    l: &mut Ledger,
    m: &Metrics,
    year: &[StageFigures; 2],
    labels: &Labels,
) -> Vec<(String, [FigureId; 5])> {
    let grouped = labels.group(&m.category_outcomes, |a: &mut Outcomes, b| {
        a.upheld += b.upheld;
        a.partly_upheld += b.partly_upheld;
        a.not_upheld += b.not_upheld;
        a.other += b.other;
    });
    let total = |o: &Outcomes| o.upheld + o.partly_upheld + o.not_upheld + o.other;
    let mut rows: Vec<(String, Outcomes)> = grouped.into_iter().collect();
    rows.sort_by(|a, b| labels::ranked((&a.0, total(&a.1)), (&b.0, total(&b.1))));
    let out: Vec<(String, [FigureId; 5])> = rows
        .iter()
        .map(|(label, o)| {
            let k = |what: &str| format!("year.category_outcome.{label}.{what}");
            let ids = [
                l.count(k("upheld"), o.upheld),
                l.count(k("partly_upheld"), o.partly_upheld),
                l.count(k("not_upheld"), o.not_upheld),
                l.count(k("other"), o.other),
                l.count(k("responses"), total(o)),
            ];
            l.sum(ids[4], &ids[..4]);
            (label.clone(), ids)
        })
        .collect();
    let columns: [fn(&StageFigures) -> FigureId; 4] =
        [|s| s.upheld, |s| s.partly_upheld, |s| s.not_upheld, |s| s.other];
    for (c, pick) in columns.iter().enumerate() {
        let both = [pick(&year[0]), pick(&year[1])];
        let all = l.count(
            format!("year.outcome_column{c}"),
            (l.value(both[0]) + l.value(both[1])) as u64,
        );
        l.sum(all, &both);
        let parts: Vec<FigureId> = out.iter().map(|(_, ids)| ids[c]).collect();
        l.sum(all, &parts);
    }
    out
}
