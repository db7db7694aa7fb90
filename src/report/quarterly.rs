//! The quarterly governing-body report (Code 9.7 a–d): the quarter, the year to date and the
//! last four quarters; open and overdue cases (references in the board edition only); Ombudsman
//! determinations and progress on orders.

use std::collections::BTreeMap;

use serde::Serialize;

use super::charts::{self, ChartSpec, Layout, Series};
use super::disclosure::labels::Labels;
use super::disclosure::{FigureId, Ledger};
use super::figures::{StageFigures, Tenure, both_stages, breakdown, tenures};
use super::narrative::Block;
use super::table::{Cell, Edition, Suppression, Table, TableBuilder};
use super::{Approval, Figures, ReportData, ReportInputs};
use crate::config::Config;
use crate::domain::period::{Period, Quarter};
use crate::error::Result;
use crate::metrics::{Metrics, OpenCase, OpenCases};
use crate::normalise::DataQuality;

/// Open stages read for the exceptions list (the list itself is capped by `[quarterly]`).
pub const OPEN_CASES_LISTED: usize = 100_000;

/// Everything the quarterly report shows, computed for it.
pub struct QuarterFigures<'a> {
    pub config: &'a Config,
    pub quality: &'a DataQuality,
    /// The reporting year the quarter belongs to.
    pub year: Period,
    pub quarter: Quarter,
    /// The quarter, judged at its end.
    pub this: Metrics,
    /// The year to the quarter's end, judged then.
    pub to_date: Metrics,
    /// The last four quarters, oldest first, each judged at its own end.
    pub last_four: Vec<(Period, Metrics)>,
    /// Stages open at the quarter's end (the first [`OPEN_CASES_LISTED`] listed).
    pub open_cases: OpenCases,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuarterText {
    pub label: String,
    pub start: String,
    pub end: String,
    /// Open stages at the quarter end.
    pub open_cases_total: u64,
    /// Exceptions (overdue, old, or in a watched category); listed in the board edition only.
    pub exceptions_total: u64,
    pub exceptions_listed: usize,
    /// The cover block from `[quarterly]`.
    pub purpose: Option<String>,
    pub recommendation: Option<String>,
    pub author: Option<String>,
}

/// The reasons an open stage is an exception, in the order the web edition counts them.
const EXCEPTION_REASONS: [&str; 3] = ["overdue", "old", "watched category"];

/// The open stages that are exceptions, with why: overdue first, then the oldest.
fn exception_cases<'f>(f: &'f QuarterFigures) -> Vec<(&'f OpenCase, Vec<&'static str>)> {
    let mut cases: Vec<(&OpenCase, Vec<&'static str>)> = f
        .open_cases
        .first
        .iter()
        .map(|c| (c, exception_reasons(c, f.config)))
        .filter(|(_, r)| !r.is_empty())
        .collect();
    // Overdue first, then the oldest.
    cases.sort_by(|a, b| {
        (b.0.status == "Overdue")
            .cmp(&(a.0.status == "Overdue"))
            .then(b.0.age_working_days.cmp(&a.0.age_working_days))
            .then(a.0.reference.cmp(&b.0.reference))
    });
    cases
}

/// Why an open stage is an exception.
fn exception_reasons(case: &OpenCase, config: &Config) -> Vec<&'static str> {
    let q = &config.quarterly;
    let watched = match &q.exception_categories {
        Some(list) => list
            .iter()
            .any(|c| c.trim().eq_ignore_ascii_case(case.category.trim())),
        None => {
            let c = case.category.to_lowercase();
            c.contains("damp") || c.contains("mould")
        }
    };
    let mut reasons = Vec::new();
    if case.status == "Overdue" {
        reasons.push("overdue");
    }
    if case.age_working_days.is_some_and(|a| a > q.exception_age_days) {
        reasons.push("old");
    }
    if watched {
        reasons.push("watched category");
    }
    reasons
}

/// "Oct 2024 to Dec 2024".
fn quarter_label(p: &Period) -> String {
    format!("{} to {}", p.start.format("%b %Y"), p.end.format("%b %Y"))
}

/// A quarter the export holds nothing for: no stage received, answered or open in it.
fn no_data(m: &Metrics) -> bool {
    [&m.stage1, &m.stage2]
        .iter()
        .all(|s| s.received == 0 && s.responded == 0 && s.open_at_end == 0)
        && m.refused.total == 0
}

/// "2024-25 Q3": the key of a quarter's narrative files under `[quarterly]`.
pub fn narrative_key(year: &Period, quarter: Quarter) -> String {
    format!("{} {}", year.label(), quarter.name())
}

pub fn build_quarterly(
    figures: &QuarterFigures,
    inputs: &ReportInputs,
    edition: Edition,
    suppression: &Suppression,
) -> Result<ReportData> {
    let QuarterFigures {
        config,
        quality,
        year,
        quarter,
        this,
        open_cases,
        ..
    } = figures;
    let q = year.quarter(*quarter);
    let label = format!("{} {}", quarter.name(), super::period_label(year));
    let mut l = Ledger::default();
    let ctx = QuarterContext::register(figures, &mut l, edition, suppression);
    let mut builders = vec![
        ctx.volumes(),
        ctx.tsm_to_date(),
        ctx.rolling(),
        ctx.categories(),
        ctx.outcomes(),
        ctx.remedies(),
        ctx.refusals(),
        ctx.ageing(),
        ctx.exceptions(edition),
        super::exclusions_table(quality),
    ];
    if let Some(d) = &inputs.determinations {
        builders.extend(super::orders::ombudsman(d, *year, q, edition, &mut l));
    }
    let specs = ctx.charts();
    let printed: Vec<FigureId> = builders
        .iter()
        .flat_map(|t| t.figures(edition, suppression, &l))
        .chain(specs.iter().flat_map(|c| c.figures(edition, suppression, &l)))
        .collect();
    let disclosed = l.disclose(&printed, edition, suppression);
    let tables: BTreeMap<String, Table> = builders
        .iter()
        .map(|b| (b.id.clone(), b.render(edition, suppression, &disclosed)))
        .collect();
    let mut charts = BTreeMap::new();
    for spec in &specs {
        let chart = charts::draw(spec, "Quarter", edition, suppression, &disclosed)?;
        charts.insert(chart.id.clone(), chart);
    }
    let mut narrative: BTreeMap<&'static str, Vec<Block>> = BTreeMap::new();
    for (key, blocks) in &inputs.narrative {
        if key.starts_with("quarter_") {
            narrative.insert(key, blocks.clone());
        }
    }
    let exceptions = exception_cases(figures);
    let qc = &config.quarterly;
    Ok(ReportData {
        kind: "quarterly",
        edition,
        title: format!("Complaints report to the governing body: {label}"),
        organisation: super::organisation(config),
        period: super::period_text(&q),
        prior_label: None,
        approval: Approval { date: None, by: None },
        document_date: q.as_at.to_string(),
        governing_body_response: None,
        tiles: Vec::new(),
        self_assessment: None,
        tables,
        charts,
        narrative,
        methodology: super::methodology(
            &Figures {
                config,
                period: q,
                metrics: this,
                quality,
            },
            suppression,
        ),
        warnings: this.warnings.clone(),
        draft: inputs.placeholders(super::Template::Quarterly),
        quarter: Some(QuarterText {
            label,
            start: super::long_date(q.start),
            end: super::long_date(q.end),
            open_cases_total: open_cases.total,
            exceptions_total: exceptions.len() as u64,
            exceptions_listed: exceptions.len().min(qc.exceptions_listed),
            purpose: qc.purpose.clone(),
            recommendation: qc.recommendation.clone(),
            author: qc.author.clone(),
        }),
    })
}

/// The quarterly report's registered figures.
struct QuarterContext<'a> {
    f: &'a QuarterFigures<'a>,
    this: [StageFigures; 2],
    to_date: [StageFigures; 2],
    tenures: BTreeMap<String, Tenure>,
    last_four: Vec<[StageFigures; 2]>,
    /// Each of the last four quarters: open and overdue at its end, both stages.
    last_four_open: Vec<[FigureId; 2]>,
    /// Open stages that are exceptions, by reason (the web edition's count of them).
    exceptions_by_reason: Vec<(&'static str, FigureId)>,
    categories: Vec<(String, FigureId, FigureId)>,
    refusals: Vec<(String, FigureId)>,
    refused: FigureId,
    compensated: [FigureId; 3],
    compensation: [FigureId; 3],
}

impl<'a> QuarterContext<'a> {
    fn register(f: &'a QuarterFigures<'a>, l: &mut Ledger, edition: Edition, s: &Suppression) -> Self {
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
        let cases = exception_cases(f);
        let exceptions_by_reason = EXCEPTION_REASONS
            .into_iter()
            .map(|reason| {
                let n = cases.iter().filter(|(_, r)| r.contains(&reason)).count() as u64;
                (reason, l.count(format!("q.exceptions.{reason}"), n))
            })
            .collect::<Vec<_>>();
        // Every overdue open stage is an exception.
        l.sum(exceptions_by_reason[0].1, &[this[0].overdue, this[1].overdue]);
        let p = &f.config.publication;
        let uses: BTreeMap<String, u64> = f
            .to_date
            .categories
            .iter()
            .map(|(k, c)| (k.clone(), c.stage1 + c.stage2))
            .collect();
        let labels = Labels::new(&uses, p.publish_categories.as_deref(), edition, s);
        let stage1 = |m: &Metrics| -> BTreeMap<String, u64> {
            m.categories.iter().map(|(k, c)| (k.clone(), c.stage1)).collect()
        };
        let now = breakdown(l, "q.category.s1", &stage1(&f.this), &labels, this[0].received);
        let ytd = breakdown(
            l,
            "ytd.category.s1",
            &stage1(&f.to_date),
            &labels,
            to_date[0].received,
        );
        let categories = ytd
            .iter()
            .map(|(label, id)| {
                let q = now
                    .iter()
                    .find(|(n, _)| n == label)
                    .map(|(_, id)| *id)
                    .unwrap_or_else(|| l.count(format!("q.category.s1.{label}"), 0));
                (label.clone(), q, *id)
            })
            .collect();
        let reasons = Labels::new(
            &f.this.refused.by_reason,
            p.publish_refusal_reasons.as_deref(),
            edition,
            s,
        );
        let refused = l.public("q.refused", f.this.refused.total);
        let refusals = breakdown(l, "q.refused", &f.this.refused.by_reason, &reasons, refused);
        let c = &f.this.compensation;
        let compensated = [
            l.count("q.compensated.s1", c.by_stage.stage1.count),
            l.count("q.compensated.s2", c.by_stage.stage2.count),
            l.public("q.compensated", c.count),
        ];
        l.sum(compensated[2], &compensated[..2]);
        let compensation = [
            l.money("q.compensation.s1", c.by_stage.stage1.total, compensated[0]),
            l.money("q.compensation.s2", c.by_stage.stage2.total, compensated[1]),
            l.money("q.compensation", c.total, compensated[2]),
        ];
        l.sum(compensation[2], &compensation[..2]);
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
            compensated,
            compensation,
        }
    }

    /// QV: the quarter beside the year to date, with the counts behind each percentage.
    fn volumes(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "QV",
            "Volumes and performance",
            "Received by date received; responses and timeliness by response date; open and overdue at the end of each span.",
            &["Measure", "This quarter", "Year to date"],
        );
        t.counts_beside_pct = true;
        type Pick = fn(&Metrics, &[StageFigures; 2]) -> Cell;
        let rows: [(&str, Pick); 11] = [
            ("Stage 1 received", |_, f| Cell::Fig(f[0].received)),
            ("Stage 2 received", |_, f| Cell::Fig(f[1].received)),
            ("Stage 1 acknowledged on time", |m, f| {
                StageFigures::pct(m.stage1.acknowledged_on_time_pct, f[0].ack_on_time, f[0].received)
            }),
            ("Stage 1 responded", |_, f| Cell::Fig(f[0].responded)),
            ("Stage 1 within timescale", |m, f| {
                StageFigures::pct(m.stage1.within_timescale_pct, f[0].within, f[0].responded)
            }),
            ("Stage 2 responded", |_, f| Cell::Fig(f[1].responded)),
            ("Stage 2 within timescale", |m, f| {
                StageFigures::pct(m.stage2.within_timescale_pct, f[1].within, f[1].responded)
            }),
            ("Stage 1 open at end", |_, f| Cell::Fig(f[0].open)),
            ("Stage 1 overdue at end", |_, f| Cell::Fig(f[0].overdue)),
            ("Stage 2 open at end", |_, f| Cell::Fig(f[1].open)),
            ("Stage 2 overdue at end", |_, f| Cell::Fig(f[1].overdue)),
        ];
        for (name, pick) in rows {
            t = t.row(vec![
                Cell::text(name),
                pick(&self.f.this, &self.this),
                pick(&self.f.to_date, &self.to_date),
            ]);
        }
        t
    }

    /// QT: CH01 and CH02 for the year to date, LCRA and LCHO.
    fn tsm_to_date(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "QT",
            "Tenant Satisfaction Measures, year to date",
            "CH01: complaints per 1,000 homes in the year so far (not annualised); CH02: responses within the Code timescale.",
            &["Measure", "LCRA", "LCHO"],
        );
        t.counts_beside_pct = true;
        type Pick = fn(&crate::metrics::TsmFigures, &Tenure) -> Cell;
        let measures: [(&str, Pick); 4] = [
            ("CH01(1) Stage 1 per 1,000 homes", |f, t| Cell::Rate {
                value: f.CH01_stage1_per_1000,
                num: t.received[0],
            }),
            ("CH01(2) Stage 2 per 1,000 homes", |f, t| Cell::Rate {
                value: f.CH01_stage2_per_1000,
                num: t.received[1],
            }),
            ("CH02(1) Stage 1 within timescale", |f, t| {
                StageFigures::pct(f.CH02_stage1_pct, t.within[0], t.responded[0])
            }),
            ("CH02(2) Stage 2 within timescale", |f, t| {
                StageFigures::pct(f.CH02_stage2_pct, t.within[1], t.responded[1])
            }),
        ];
        for (name, pick) in measures {
            let cell = |tenure: &str| match (self.f.to_date.tsm.get(tenure), self.tenures.get(tenure)) {
                (Some(f), Some(ids)) => pick(f, ids),
                _ => Cell::text("–"),
            };
            t = t.row(vec![Cell::text(name), cell("LCRA"), cell("LCHO")]);
        }
        t
    }

    /// QR: the last four quarters, each judged at its own end; "no data" where the export
    /// holds nothing for a quarter.
    fn rolling(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "QR",
            "The last four quarters",
            "Each quarter judged at its own end. \"No data\": the export holds no complaint received, answered or open in that quarter.",
            &[
                "Quarter",
                "Stage 1 received",
                "Stage 2 received",
                "Stage 1 within timescale",
                "Stage 2 within timescale",
                "Open at end",
                "Overdue at end",
            ],
        );
        t.counts_beside_pct = true;
        for (((p, m), f), open) in self
            .f
            .last_four
            .iter()
            .zip(&self.last_four)
            .zip(&self.last_four_open)
        {
            if no_data(m) {
                let mut row = vec![Cell::text(quarter_label(p))];
                row.extend((0..6).map(|_| Cell::text("no data")));
                t = t.row(row);
                continue;
            }
            t = t.row(vec![
                Cell::text(quarter_label(p)),
                Cell::Fig(f[0].received),
                Cell::Fig(f[1].received),
                StageFigures::pct(m.stage1.within_timescale_pct, f[0].within, f[0].responded),
                StageFigures::pct(m.stage2.within_timescale_pct, f[1].within, f[1].responded),
                Cell::Fig(open[0]),
                Cell::Fig(open[1]),
            ]);
        }
        t
    }

    /// QC: stage 1 categories this quarter beside the year to date.
    fn categories(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "QC",
            "Categories of stage 1 complaints",
            "Stage 1 complaints received, by category, most frequent in the year to date first.",
            &["Category", "This quarter", "Year to date"],
        );
        for (label, q, ytd) in &self.categories {
            t = t.row(vec![Cell::text(label.clone()), Cell::Fig(*q), Cell::Fig(*ytd)]);
        }
        t.row(vec![
            Cell::text("All categories"),
            Cell::Fig(self.this[0].received),
            Cell::Fig(self.to_date[0].received),
        ])
    }

    /// QO: the outcomes of the quarter's responses.
    fn outcomes(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "QO",
            "Outcomes this quarter",
            "Responses dated in the quarter.",
            &[
                "Stage",
                "Upheld",
                "Partly upheld",
                "Not upheld",
                "Other",
                "Responded",
            ],
        );
        for (name, f) in ["Stage 1", "Stage 2"].into_iter().zip(&self.this) {
            t = t.row(super::outcome_cells(name, f));
        }
        t
    }

    /// QX: compensation and extensions on the quarter's responses.
    fn remedies(&self) -> TableBuilder {
        let c = &self.f.this.compensation;
        let means = [c.by_stage.stage1.mean, c.by_stage.stage2.mean, c.mean];
        let mut t = TableBuilder::new(
            "QX",
            "Compensation and extensions this quarter",
            "Final responses in the quarter with compensation above zero; extensions on responses in the quarter.",
            &[
                "Stage",
                "Compensated",
                "Amount",
                "Mean",
                "Extensions used",
                "Beyond Code maximum",
                "Notified late",
            ],
        );
        for (i, name) in ["Stage 1", "Stage 2", "All"].into_iter().enumerate() {
            let ext = |pick: fn(&StageFigures) -> FigureId| {
                self.this.get(i).map_or(Cell::text("–"), |f| Cell::Fig(pick(f)))
            };
            t = t.row(vec![
                Cell::text(name),
                Cell::Fig(self.compensated[i]),
                Cell::Money(self.compensation[i]),
                Cell::Mean {
                    value: means[i],
                    total: self.compensation[i],
                    count: self.compensated[i],
                },
                ext(|f| f.extensions_used),
                ext(|f| f.beyond_cap),
                ext(|f| f.notified_late),
            ]);
        }
        t
    }

    /// QF: refusals this quarter by reason.
    fn refusals(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "QF",
            "Complaints refused this quarter, by reason",
            "Complaints not accepted under the complaints policy, by date received.",
            &["Reason", "Complaints"],
        );
        for (reason, id) in &self.refusals {
            t = t.row(vec![Cell::text(reason.clone()), Cell::Fig(*id)]);
        }
        t.row(vec![Cell::text("All refused"), Cell::Fig(self.refused)])
    }

    /// QA: open stages at the quarter end by age.
    fn ageing(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "QA",
            "Open complaints at the quarter end, by age",
            "Working days since receipt at the quarter end.",
            &[
                "Stage",
                "Open",
                "Overdue",
                "0–10 days",
                "11–20 days",
                "21–40 days",
                "Over 40 days",
            ],
        );
        for (name, f) in ["Stage 1", "Stage 2"].into_iter().zip(&self.this) {
            let mut row = vec![Cell::text(name), Cell::Fig(f.open), Cell::Fig(f.overdue)];
            row.extend(f.bands.iter().map(|b| Cell::Fig(*b)));
            t = t.row(row);
        }
        t
    }

    /// QE: the exceptions a board acts on. The board edition lists them (capped); the web
    /// edition has no case data.
    fn exceptions(&self, edition: Edition) -> TableBuilder {
        let q = &self.f.config.quarterly;
        let cases = exception_cases(self.f);
        let mut t = TableBuilder::new(
            "QE",
            "Exceptions: open complaints needing attention",
            &format!(
                "Open at the quarter end and overdue, older than {} working days, or in a watched category; overdue first, then the oldest. {} of {} open stages.",
                q.exception_age_days,
                cases.len(),
                self.f.open_cases.total
            ),
            &[
                "Reference",
                "Stage",
                "Category",
                "Received",
                "Deadline",
                "Why",
                "Age (working days)",
            ],
        );
        t.numeric_from = 6;
        if edition == Edition::Web {
            t.header = vec!["Why".into(), "Open stages".into()];
            for (reason, id) in &self.exceptions_by_reason {
                t = t.row(vec![Cell::text(*reason), Cell::Fig(*id)]);
            }
            return t;
        }
        for (c, reasons) in cases.iter().take(q.exceptions_listed) {
            let date = |s: &str| {
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_or_else(|_| s.to_string(), super::long_date)
            };
            t = t.row(vec![
                Cell::text(c.reference.clone()),
                Cell::text(c.stage.clone()),
                Cell::text(c.category.clone()),
                Cell::text(date(&c.received)),
                Cell::text(date(&c.deadline)),
                Cell::text(reasons.join(", ")),
                c.age_working_days
                    .map_or(Cell::text("–"), |a| Cell::Total(a.max(0) as u64)),
            ]);
        }
        if cases.len() > q.exceptions_listed {
            t = t.note(format!(
                "{} more exceptions are not listed ([quarterly] exceptions_listed = {}).",
                cases.len() - q.exceptions_listed,
                q.exceptions_listed
            ));
        }
        t
    }

    /// QC1 and QC2: the last four quarters' volumes and timeliness.
    fn charts(&self) -> Vec<ChartSpec> {
        let covered: Vec<usize> = (0..self.f.last_four.len())
            .filter(|&i| !no_data(&self.f.last_four[i].1))
            .collect();
        let labels: Vec<String> = covered
            .iter()
            .map(|&i| quarter_label(&self.f.last_four[i].0))
            .collect();
        let mut received = ChartSpec::new(
            "QC1",
            "Complaints received, last four quarters",
            labels.clone(),
            Layout::Grouped,
            "Complaints received",
        );
        received.bars = (0..2)
            .map(|s| {
                Series::counts(
                    ["Stage 1", "Stage 2"][s],
                    covered.iter().map(|&i| self.last_four[i][s].received),
                )
            })
            .collect();
        let mut timeliness = ChartSpec::new(
            "QC2",
            "Responses within timescale, last four quarters",
            labels,
            Layout::Lines,
            "% within timescale",
        );
        timeliness.percent = true;
        timeliness.lines = (0..2)
            .map(|s| {
                Series::new(
                    ["Stage 1", "Stage 2"][s],
                    covered
                        .iter()
                        .map(|&i| {
                            let m = &self.f.last_four[i].1;
                            let pct = if s == 0 {
                                m.stage1.within_timescale_pct
                            } else {
                                m.stage2.within_timescale_pct
                            };
                            let f = &self.last_four[i][s];
                            StageFigures::pct(pct, f.within, f.responded)
                        })
                        .collect(),
                )
            })
            .collect();
        timeliness.target = Some((100.0, "Target 100%".into()));
        vec![received, timeliness]
            .into_iter()
            .filter(|c| !c.categories.is_empty())
            .collect()
    }
}
