//! The figures a report prints, registered in its [`Ledger`] with the relations between them:
//! a stage's counts and their totals, months within quarters within the year, categories and
//! outcomes within stages. Tables and charts take cells from here, so a figure printed twice
//! is one figure and every sum a reader could form is known to the suppression.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::disclosure::labels::{self, Labels, Listing};
use super::disclosure::{FigureId, Ledger};
use super::table::{Cell, Edition, Suppression};
use crate::config::Config;
use crate::domain::stage::Stage;
use crate::metrics::{AgeBands, Compensation, Extensions, Metrics, PeriodRow, StageMetrics, TsmFigures};

/// One stage's figures for one span (`scope`: "year", "prior", "q2", "ytd"…).
#[derive(Debug, Clone)]
pub(crate) struct StageFigures {
    pub received: FigureId,
    pub withdrawn: FigureId,
    pub ack_on_time: FigureId,
    pub ack_late: FigureId,
    pub ack_missing: FigureId,
    pub responded: FigureId,
    pub within_base: FigureId,
    pub within_extension: FigureId,
    pub within: FigureId,
    pub late: FigureId,
    pub open: FigureId,
    pub open_in_time: FigureId,
    pub overdue: FigureId,
    pub bands: [FigureId; 4],
    pub upheld: FigureId,
    pub partly_upheld: FigureId,
    pub not_upheld: FigureId,
    pub other: FigureId,
    pub decided: FigureId,
    pub upheld_in_full_or_part: FigureId,
    pub extensions_used: FigureId,
    pub beyond_cap: FigureId,
    pub beyond_with_good_reason: FigureId,
    pub agreed_date_missing: FigureId,
    pub notified_late: FigureId,
}

/// What a stage's figures are registered from.
pub(crate) struct StageInput<'a> {
    pub metrics: &'a StageMetrics,
    pub extensions: &'a Extensions,
    pub bands: &'a AgeBands,
    pub ack_missing: u64,
}

impl StageFigures {
    /// Registers a stage; `headline` makes its received, responded and open totals public.
    pub(crate) fn register(
        l: &mut Ledger,
        scope: &str,
        stage: u8,
        input: &StageInput,
        headline: bool,
    ) -> Self {
        let s = input.metrics;
        let k = |name: &str| format!("{scope}.s{stage}.{name}");
        let total = |l: &mut Ledger, name: &str, n: u64| {
            if headline {
                l.public(k(name), n)
            } else {
                l.count(k(name), n)
            }
        };
        let received = total(l, "received", s.received);
        let responded = total(l, "responded", s.responded);
        let open = total(l, "open", s.open_at_end);
        let o = &s.outcomes;
        let b = input.bands;
        let ack_late = s
            .received
            .saturating_sub(s.acknowledged_on_time + input.ack_missing);
        let f = StageFigures {
            received,
            withdrawn: l.count(k("withdrawn"), s.withdrawn),
            ack_on_time: l.count(k("ack_on_time"), s.acknowledged_on_time),
            ack_late: l.count(k("ack_late"), ack_late),
            ack_missing: l.count(k("ack_missing"), input.ack_missing),
            responded,
            within_base: l.count(k("within_base"), s.within_base),
            within_extension: l.count(k("within_extension"), s.within_extension),
            within: l.count(k("within"), s.within_base + s.within_extension),
            late: l.count(k("late"), s.late),
            open,
            open_in_time: l.count(k("open_in_time"), s.open_at_end - s.open_overdue_at_end),
            overdue: l.count(k("overdue"), s.open_overdue_at_end),
            bands: [
                l.count(k("age_0_10"), b.up_to_10),
                l.count(k("age_11_20"), b.from_11_to_20),
                l.count(k("age_21_40"), b.from_21_to_40),
                l.count(k("age_over_40"), b.over_40),
            ],
            upheld: l.count(k("upheld"), o.upheld),
            partly_upheld: l.count(k("partly_upheld"), o.partly_upheld),
            not_upheld: l.count(k("not_upheld"), o.not_upheld),
            other: l.count(k("outcome_other"), o.other),
            decided: l.count(k("decided"), o.upheld + o.partly_upheld + o.not_upheld),
            upheld_in_full_or_part: l.count(k("upheld_in_full_or_part"), o.upheld + o.partly_upheld),
            extensions_used: l.count(k("extensions_used"), input.extensions.used),
            beyond_cap: l.count(k("beyond_cap"), input.extensions.beyond_cap),
            beyond_with_good_reason: l.count(
                k("beyond_with_good_reason"),
                input.extensions.beyond_with_good_reason,
            ),
            agreed_date_missing: l.count(k("agreed_date_missing"), input.extensions.agreed_date_missing),
            notified_late: l.count(k("notified_late"), input.extensions.notified_late),
        };
        l.sum(f.received, &[f.ack_on_time, f.ack_late, f.ack_missing]);
        l.sum(f.within, &[f.within_base, f.within_extension]);
        l.sum(f.responded, &[f.within, f.late]);
        l.sum(f.open, &[f.open_in_time, f.overdue]);
        l.sum(f.open, &f.bands);
        l.sum(f.upheld_in_full_or_part, &[f.upheld, f.partly_upheld]);
        l.sum(f.decided, &[f.upheld_in_full_or_part, f.not_upheld]);
        l.sum(f.responded, &[f.decided, f.other]);
        f
    }

    /// `num` of this stage's `den` as a percentage cell.
    pub(crate) fn pct(value: Option<f64>, num: FigureId, den: FigureId) -> Cell {
        Cell::Pct { value, num, den }
    }
}

/// Both stages of one span.
pub(crate) fn both_stages(l: &mut Ledger, scope: &str, m: &Metrics, headline: bool) -> [StageFigures; 2] {
    let missing = &m.data_quality.acknowledgement_missing;
    let one = StageInput {
        metrics: &m.stage1,
        extensions: &m.extensions.stage1,
        bands: &m.open_age_bands.stage1,
        ack_missing: missing.stage1,
    };
    let two = StageInput {
        metrics: &m.stage2,
        extensions: &m.extensions.stage2,
        bands: &m.open_age_bands.stage2,
        ack_missing: missing.stage2,
    };
    [
        StageFigures::register(l, scope, 1, &one, headline),
        StageFigures::register(l, scope, 2, &two, headline),
    ]
}

/// A slice of a period's stage figures (a month, a quarter, a tenure): received, responded
/// and within the timescale at each stage.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SpanFigures {
    pub received: [FigureId; 2],
    pub responded: [FigureId; 2],
    pub within: [FigureId; 2],
}

impl SpanFigures {
    /// Registers a month or quarter (`kind`), keyed by its kind and first day so that the same
    /// span in two tables is one figure (a quarter and its first month start on one day).
    pub(crate) fn register(
        l: &mut Ledger,
        kind: &str,
        start: Option<NaiveDate>,
        label: &str,
        r: &PeriodRow,
    ) -> Self {
        let key = start.map_or_else(|| label.to_string(), |d| d.to_string());
        SpanFigures::counts(
            l,
            &format!("{kind}.{key}"),
            [r.stage1_received, r.stage2_received],
            [r.stage1_responded, r.stage2_responded],
            [r.stage1_within, r.stage2_within],
        )
    }

    /// Registers the counts under `prefix.s1.received` and so on.
    fn counts(
        l: &mut Ledger,
        prefix: &str,
        received: [u64; 2],
        responded: [u64; 2],
        within: [u64; 2],
    ) -> Self {
        let mut each = |name: &str, n: [u64; 2]| {
            [
                l.count(format!("{prefix}.s1.{name}"), n[0]),
                l.count(format!("{prefix}.s2.{name}"), n[1]),
            ]
        };
        SpanFigures {
            received: each("received", received),
            responded: each("responded", responded),
            within: each("within", within),
        }
    }

    /// `total` is the sum of `parts`, figure by figure.
    pub(crate) fn sum(l: &mut Ledger, total: &SpanFigures, parts: &[SpanFigures]) {
        for stage in 0..2 {
            let pick =
                |f: fn(&SpanFigures) -> [FigureId; 2]| parts.iter().map(|p| f(p)[stage]).collect::<Vec<_>>();
            l.sum(total.received[stage], &pick(|p| p.received));
            l.sum(total.responded[stage], &pick(|p| p.responded));
            l.sum(total.within[stage], &pick(|p| p.within));
        }
    }

    /// The span made of a whole period's stage figures.
    pub(crate) fn of_stages(stages: &[StageFigures; 2]) -> SpanFigures {
        SpanFigures {
            received: [stages[0].received, stages[1].received],
            responded: [stages[0].responded, stages[1].responded],
            within: [stages[0].within, stages[1].within],
        }
    }
}

/// The period's months and quarters, registered with months summing to their quarters and
/// quarters to the period's stage totals.
pub(crate) fn calendar(
    l: &mut Ledger,
    m: &Metrics,
    year: &SpanFigures,
) -> (Vec<SpanFigures>, Vec<SpanFigures>) {
    let months: Vec<SpanFigures> = m
        .months
        .iter()
        .map(|r| SpanFigures::register(l, "month", r.start, &r.label, r))
        .collect();
    let quarters: Vec<SpanFigures> = m
        .quarters
        .iter()
        .map(|r| SpanFigures::register(l, "quarter", r.start, &r.label, r))
        .collect();
    let starts: Vec<Option<NaiveDate>> = m.quarters.iter().map(|q| q.start).collect();
    for (qi, quarter) in quarters.iter().enumerate() {
        let (Some(from), next) = (starts[qi], starts.get(qi + 1).copied().flatten()) else {
            continue;
        };
        let inside: Vec<SpanFigures> = m
            .months
            .iter()
            .zip(&months)
            .filter(|(r, _)| r.start.is_some_and(|d| d >= from && next.is_none_or(|n| d < n)))
            .map(|(_, f)| *f)
            .collect();
        SpanFigures::sum(l, quarter, &inside);
    }
    SpanFigures::sum(l, year, &quarters);
    (months, quarters)
}

/// A breakdown by free-text value (category, channel, refusal reason) as the edition prints it:
/// each printed label's figure, largest first ("Other" last), registered under `key.label`.
pub(crate) struct Breakdown {
    key: String,
    pub rows: Vec<(String, FigureId)>,
}

impl Breakdown {
    /// Registers `values` grouped by their printed labels, summing to `total`.
    pub(crate) fn register(
        l: &mut Ledger,
        key: &str,
        values: &BTreeMap<String, u64>,
        labels: &Labels,
        total: FigureId,
    ) -> Self {
        let grouped = labels.group(values, |a, b| *a += b);
        let mut rows: Vec<(String, u64)> = grouped.into_iter().collect();
        rows.sort_by(|a, b| labels::ranked((&a.0, a.1), (&b.0, b.1)));
        let rows: Vec<(String, FigureId)> = rows
            .into_iter()
            .map(|(label, n)| {
                let id = l.count(format!("{key}.{label}"), n);
                (label, id)
            })
            .collect();
        let parts: Vec<FigureId> = rows.iter().map(|(_, id)| *id).collect();
        l.sum(total, &parts);
        Breakdown {
            key: key.to_string(),
            rows,
        }
    }

    /// The figure for `label`: a zero when the breakdown has no such row (a category seen in
    /// another span only).
    pub(crate) fn get(&self, l: &mut Ledger, label: &str) -> FigureId {
        match self.rows.iter().find(|(n, _)| n == label) {
            Some((_, id)) => *id,
            None => l.count(format!("{}.{label}", self.key), 0),
        }
    }

    pub(crate) fn labels(&self) -> impl Iterator<Item = &str> {
        self.rows.iter().map(|(n, _)| n.as_str())
    }
}

/// The labels each free-text field prints with in an edition, decided from the uses in `m`.
pub(crate) struct FieldLabels {
    pub category: Labels,
    pub channel: Labels,
    pub refusal: Labels,
}

impl FieldLabels {
    pub(crate) fn new(m: &Metrics, config: &Config, edition: Edition, s: &Suppression) -> Self {
        let p = &config.publication;
        let uses: BTreeMap<String, u64> = m
            .categories
            .iter()
            .map(|(k, c)| (k.clone(), c.stage1 + c.stage2))
            .collect();
        let listing = |noun| Listing {
            most: config.report.values_listed(),
            noun,
        };
        FieldLabels {
            category: Labels::new(
                &uses,
                p.publish_categories.as_deref(),
                edition,
                s,
                listing("categories"),
            ),
            channel: Labels::new(
                &m.channels,
                p.publish_channels.as_deref(),
                edition,
                s,
                listing("channels"),
            ),
            refusal: Labels::new(
                &m.refused.by_reason,
                p.publish_refusal_reasons.as_deref(),
                edition,
                s,
                listing("reasons"),
            ),
        }
    }
}

/// Each category's count at one stage.
pub(crate) fn categories_at(m: &Metrics, stage: Stage) -> BTreeMap<String, u64> {
    m.categories
        .iter()
        .map(|(k, c)| (k.clone(), if stage == Stage::One { c.stage1 } else { c.stage2 }))
        .collect()
}

/// Complaints with compensation and the amounts paid: stage 1, stage 2 and all. The stages add
/// up to all; an amount hides with its count.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CompensationFigures {
    pub count: [FigureId; 3],
    pub amount: [FigureId; 3],
}

impl CompensationFigures {
    pub(crate) fn register(l: &mut Ledger, scope: &str, c: &Compensation) -> Self {
        let k = |what: &str| format!("{scope}.{what}");
        let count = [
            l.count(k("compensated.s1"), c.by_stage.stage1.count),
            l.count(k("compensated.s2"), c.by_stage.stage2.count),
            l.public(k("compensated"), c.count),
        ];
        l.sum(count[2], &count[..2]);
        let amount = [
            l.money(k("compensation.s1"), c.by_stage.stage1.total, count[0]),
            l.money(k("compensation.s2"), c.by_stage.stage2.total, count[1]),
            l.money(k("compensation"), c.total, count[2]),
        ];
        l.sum(amount[2], &amount[..2]);
        CompensationFigures { count, amount }
    }

    /// The table rows "Stage 1", "Stage 2", "All": count, amount and mean.
    pub(crate) fn cells(&self, c: &Compensation) -> [(&'static str, [Cell; 3]); 3] {
        let means = [c.by_stage.stage1.mean, c.by_stage.stage2.mean, c.mean];
        let row = |i: usize| {
            [
                Cell::Fig(self.count[i]),
                Cell::Money(self.amount[i]),
                Cell::Mean {
                    value: means[i],
                    total: self.amount[i],
                    count: self.count[i],
                },
            ]
        };
        [("Stage 1", row(0)), ("Stage 2", row(1)), ("All", row(2))]
    }
}

/// The TSM complaint measures in the Regulator's words, each followed by the counts it rests on,
/// as the cell of one tenure's figures.
pub(crate) type TsmPick = fn(&TsmFigures, &Tenure) -> Cell;

/// A row of the TSM table: a measure, or a count one rests on (which a table printing counts
/// beside its percentages can leave out).
pub(crate) struct TsmRow {
    pub label: &'static str,
    pub count_behind: bool,
    pub pick: TsmPick,
}

const fn measure(label: &'static str, pick: TsmPick) -> TsmRow {
    TsmRow {
        label,
        count_behind: false,
        pick,
    }
}

const fn count(label: &'static str, pick: TsmPick) -> TsmRow {
    TsmRow {
        label,
        count_behind: true,
        pick,
    }
}

pub(crate) const TSM_MEASURES: [TsmRow; 11] = [
    measure("Homes owned (CH01 denominator)", |f, _| {
        f.homes.map_or(Cell::text("not given"), Cell::Total)
    }),
    measure(
        "CH01(1) Number of stage one complaints received per 1,000 homes",
        |f, t| Cell::Rate {
            value: f.CH01_stage1_per_1000,
            num: t.received[0],
        },
    ),
    count("Stage one complaints received", |_, t| Cell::Fig(t.received[0])),
    measure(
        "CH01(2) Number of stage two complaints received per 1,000 homes",
        |f, t| Cell::Rate {
            value: f.CH01_stage2_per_1000,
            num: t.received[1],
        },
    ),
    count("Stage two complaints received", |_, t| Cell::Fig(t.received[1])),
    measure(
        "CH02(1) Proportion of stage one complaints responded to within the Code's timescales",
        |f, t| StageFigures::pct(f.CH02_stage1_pct, t.within[0], t.responded[0]),
    ),
    count("Stage one responses within timescale", |_, t| {
        Cell::Fig(t.within[0])
    }),
    count("Stage one responses (CH02 denominator)", |_, t| {
        Cell::Fig(t.responded[0])
    }),
    measure(
        "CH02(2) Proportion of stage two complaints responded to within the Code's timescales",
        |f, t| StageFigures::pct(f.CH02_stage2_pct, t.within[1], t.responded[1]),
    ),
    count("Stage two responses within timescale", |_, t| {
        Cell::Fig(t.within[1])
    }),
    count("Stage two responses (CH02 denominator)", |_, t| {
        Cell::Fig(t.responded[1])
    }),
];

/// A TSM measure's cell for a tenure, or "–" when the figures do not have it.
pub(crate) fn tsm_cell(
    pick: TsmPick,
    m: Option<&Metrics>,
    ids: &BTreeMap<String, Tenure>,
    tenure: &str,
) -> Cell {
    match (m.and_then(|m| m.tsm.get(tenure)), ids.get(tenure)) {
        (Some(f), Some(t)) => pick(f, t),
        _ => Cell::text("–"),
    }
}

/// One tenure's TSM counts.
pub(crate) type Tenure = SpanFigures;

/// Each tenure's TSM counts, summing (with any other tenure) to the stage totals.
pub(crate) fn tenures(
    l: &mut Ledger,
    scope: &str,
    m: &Metrics,
    year: &[StageFigures; 2],
) -> BTreeMap<String, Tenure> {
    let out: BTreeMap<String, Tenure> = m
        .tsm
        .iter()
        .map(|(name, f)| {
            let figures = SpanFigures::counts(
                l,
                &format!("{scope}.tenure.{name}"),
                [f.stage1_received, f.stage2_received],
                [f.stage1_responded, f.stage2_responded],
                [f.stage1_within, f.stage2_within],
            );
            (name.clone(), figures)
        })
        .collect();
    let parts: Vec<Tenure> = out.values().copied().collect();
    SpanFigures::sum(l, &SpanFigures::of_stages(year), &parts);
    out
}
