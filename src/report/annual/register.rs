//! Every figure the annual report prints, registered once with its relations before any table
//! or chart is built.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::domain::period::Period;
use crate::metrics::{Metrics, Outcomes};
use crate::report::determinations::Determinations;
use crate::report::disclosure::labels::Labels;
use crate::report::disclosure::{FigureId, Ledger};
use crate::report::figures::{SpanFigures, StageFigures, Tenure, both_stages, breakdown, calendar, tenures};
use crate::report::table::{Edition, Suppression};

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
    /// Stage 1, stage 2, all: complaints with compensation and the amounts.
    pub compensated: [FigureId; 3],
    pub compensation: [FigureId; 3],
    pub prior_compensation: Option<FigureId>,
    pub resolved_at_stage1: FigureId,
    pub prior_resolved_at_stage1: Option<FigureId>,
    /// Ombudsman findings in the period (published by the Ombudsman: public).
    pub findings: Vec<(String, FigureId)>,
}

/// The labels each free-text field prints with in this edition.
pub(super) struct FieldLabels {
    pub category: Labels,
    pub channel: Labels,
    pub refusal: Labels,
}

impl FieldLabels {
    pub(super) fn new(m: &Metrics, config: &Config, edition: Edition, s: &Suppression) -> Self {
        let p = &config.publication;
        let uses: BTreeMap<String, u64> = m
            .categories
            .iter()
            .map(|(k, c)| (k.clone(), c.stage1 + c.stage2))
            .collect();
        FieldLabels {
            category: Labels::new(&uses, p.publish_categories.as_deref(), edition, s),
            channel: Labels::new(&m.channels, p.publish_channels.as_deref(), edition, s),
            refusal: Labels::new(
                &m.refused.by_reason,
                p.publish_refusal_reasons.as_deref(),
                edition,
                s,
            ),
        }
    }
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
        let stage_counts = |m: &Metrics, stage: usize| -> BTreeMap<String, u64> {
            m.categories
                .iter()
                .map(|(k, c)| (k.clone(), if stage == 0 { c.stage1 } else { c.stage2 }))
                .collect()
        };
        let s1 = breakdown(
            l,
            "year.category.s1",
            &stage_counts(m, 0),
            &labels.category,
            year[0].received,
        );
        let s2 = breakdown(
            l,
            "year.category.s2",
            &stage_counts(m, 1),
            &labels.category,
            year[1].received,
        );
        let prior_s1 = prior.zip(prior_stages.as_ref()).map(|(p, stages)| {
            breakdown(
                l,
                "prior.category.s1",
                &stage_counts(p, 0),
                &labels.category,
                stages[0].received,
            )
        });
        let find = |rows: &[(String, FigureId)], label: &str| {
            rows.iter().find(|(n, _)| n == label).map(|(_, id)| *id)
        };
        let mut categories: Vec<CategoryRow> = Vec::new();
        for (label, id) in &s1 {
            let two = find(&s2, label).unwrap_or_else(|| l.count(format!("year.category.s2.{label}"), 0));
            let before = prior_s1.as_ref().map(|rows| {
                find(rows, label).unwrap_or_else(|| l.count(format!("prior.category.s1.{label}"), 0))
            });
            categories.push(CategoryRow {
                label: label.clone(),
                received: [*id, two],
                prior_stage1: before,
            });
        }
        for (label, id) in s2.iter().filter(|(label, _)| find(&s1, label).is_none()) {
            let one = l.count(format!("year.category.s1.{label}"), 0);
            let before = prior_s1.as_ref().map(|rows| {
                find(rows, label).unwrap_or_else(|| l.count(format!("prior.category.s1.{label}"), 0))
            });
            categories.push(CategoryRow {
                label: label.clone(),
                received: [one, *id],
                prior_stage1: before,
            });
        }

        let category_outcomes = category_outcomes(l, m, &year, &labels.category);

        let refused = l.public("year.refused", m.refused.total);
        let prior_refused = prior.map(|p| l.public("prior.refused", p.refused.total));
        let reasons = breakdown(l, "year.refused", &m.refused.by_reason, &labels.refusal, refused);
        let prior_reasons = prior
            .zip(prior_refused)
            .map(|(p, total)| breakdown(l, "prior.refused", &p.refused.by_reason, &labels.refusal, total));
        let refusals = reasons
            .into_iter()
            .map(|(label, id)| {
                let before = prior_reasons.as_ref().map(|rows| {
                    find(rows, &label).unwrap_or_else(|| l.count(format!("prior.refused.{label}"), 0))
                });
                (label, id, before)
            })
            .collect();
        let channels = breakdown(l, "year.channel", &m.channels, &labels.channel, year[0].received);

        let tenure_figures = tenures(l, "year", m, &year);
        let prior_tenures = prior
            .zip(prior_stages.as_ref())
            .map_or_else(BTreeMap::new, |(p, stages)| tenures(l, "prior", p, stages));

        let c = &m.compensation;
        let compensated = [
            l.count("year.compensated.s1", c.by_stage.stage1.count),
            l.count("year.compensated.s2", c.by_stage.stage2.count),
            l.public("year.compensated", c.count),
        ];
        l.sum(compensated[2], &compensated[..2]);
        let compensation = [
            l.money("year.compensation.s1", c.by_stage.stage1.total, compensated[0]),
            l.money("year.compensation.s2", c.by_stage.stage2.total, compensated[1]),
            l.money("year.compensation", c.total, compensated[2]),
        ];
        l.sum(compensation[2], &compensation[..2]);
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
            compensated,
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
    rows.sort_by(|a, b| {
        let other = |s: &str| s == crate::report::disclosure::labels::OTHER;
        other(&a.0)
            .cmp(&other(&b.0))
            .then(total(&b.1).cmp(&total(&a.1)))
            .then(a.0.cmp(&b.0))
    });
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
