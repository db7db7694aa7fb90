//! The quarterly governing-body report (Code 9.7 a–d): the quarter, the year to date and the
//! last four quarters; open and overdue cases (references in the board edition only); Ombudsman
//! determinations and progress on orders.

use std::collections::BTreeMap;

use serde::Serialize;

use super::charts::{self, ChartSpec, Layout, Series};
use super::determinations::Determinations;
use super::table::{Cell, Edition, Suppression, TableBuilder};
use super::{Approval, Figures, ReportData, ReportInputs};
use crate::config::Config;
use crate::domain::period::{Period, Quarter};
use crate::error::Result;
use crate::metrics::{Metrics, OpenCase, OpenCases};
use crate::normalise::DataQuality;

/// Open cases listed by reference in the board edition, at most.
pub const OPEN_CASES_LISTED: usize = 100;

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
    /// Board edition only: open stages at the quarter end, most overdue first.
    pub open_cases: Vec<OpenCase>,
    pub open_cases_total: u64,
}

/// "Oct 2024 to Dec 2024".
fn quarter_label(p: &Period) -> String {
    format!("{} to {}", p.start.format("%b %Y"), p.end.format("%b %Y"))
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
    let mut tables = BTreeMap::new();
    let mut builders = vec![
        figures.volumes(),
        figures.rolling(),
        figures.categories(),
        figures.outcomes(),
        super::exclusions_table(quality),
    ];
    if let Some(d) = &inputs.determinations {
        builders.extend(ombudsman(d, q, edition));
    }
    for t in builders {
        tables.insert(t.id.clone(), t.render(edition, suppression));
    }
    let mut charts = BTreeMap::new();
    for spec in figures.charts() {
        let chart = charts::draw(&spec, "Quarter", edition, suppression)?;
        charts.insert(chart.id.clone(), chart);
    }
    let mut narrative = BTreeMap::new();
    if let Some(themes) = inputs.narrative.get("themes") {
        narrative.insert("themes", themes.clone());
    }
    Ok(ReportData {
        kind: "quarterly",
        edition,
        title: format!("Complaints report to the governing body: {label}"),
        organisation: super::organisation(config),
        period: super::period_text(&q),
        prior_label: None,
        approval: Approval { date: None, by: None },
        document_date: q.end.to_string(),
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
        quarter: Some(QuarterText {
            label,
            start: super::long_date(q.start),
            end: super::long_date(q.end),
            // Case references are for the governing body only.
            open_cases: match edition {
                Edition::Board => open_cases.first.clone(),
                Edition::Web => Vec::new(),
            },
            open_cases_total: open_cases.total,
        }),
    })
}

impl QuarterFigures<'_> {
    /// QV: the quarter beside the year to date.
    fn volumes(&self) -> TableBuilder {
        let mut volumes = TableBuilder::new(
            "QV",
            "Volumes and performance",
            "Received by date received; responses and timeliness by response date; open and overdue at the end of each span.",
            &["Measure", "This quarter", "Year to date"],
        );
        type Pick = fn(&Metrics) -> Cell;
        let rows: [(&str, Pick); 10] = [
            ("Stage 1 received", |m| Cell::Total(m.stage1.received)),
            ("Stage 2 received", |m| Cell::Total(m.stage2.received)),
            ("Stage 1 acknowledged on time", |m| {
                Cell::Pct(m.stage1.acknowledged_on_time_pct, m.stage1.received)
            }),
            ("Stage 1 responded", |m| Cell::Total(m.stage1.responded)),
            ("Stage 1 within timescale", |m| {
                Cell::Pct(m.stage1.within_timescale_pct, m.stage1.responded)
            }),
            ("Stage 2 responded", |m| Cell::Total(m.stage2.responded)),
            ("Stage 2 within timescale", |m| {
                Cell::Pct(m.stage2.within_timescale_pct, m.stage2.responded)
            }),
            ("Open at end (stage 1 and 2)", |m| {
                Cell::Total(m.stage1.open_at_end + m.stage2.open_at_end)
            }),
            ("Overdue at end", |m| {
                Cell::Total(m.stage1.open_overdue_at_end + m.stage2.open_overdue_at_end)
            }),
            ("Complaints refused", |m| Cell::Total(m.refused.total)),
        ];
        for (name, pick) in rows {
            volumes = volumes.row(vec![Cell::text(name), pick(&self.this), pick(&self.to_date)]);
        }
        volumes
    }

    /// QR: the last four quarters, each judged at its own end.
    fn rolling(&self) -> TableBuilder {
        let mut rolling = TableBuilder::new(
            "QR",
            "The last four quarters",
            "Each quarter judged at its own end.",
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
        for (p, m) in &self.last_four {
            rolling = rolling.row(vec![
                Cell::text(quarter_label(p)),
                Cell::Total(m.stage1.received),
                Cell::Total(m.stage2.received),
                Cell::Pct(m.stage1.within_timescale_pct, m.stage1.responded),
                Cell::Pct(m.stage2.within_timescale_pct, m.stage2.responded),
                Cell::Total(m.stage1.open_at_end + m.stage2.open_at_end),
                Cell::Total(m.stage1.open_overdue_at_end + m.stage2.open_overdue_at_end),
            ]);
        }
        rolling
    }

    /// QC: categories, most frequent this quarter first, beside the year to date.
    fn categories(&self) -> TableBuilder {
        let (this, to_date) = (&self.this, &self.to_date);
        let mut categories = TableBuilder::new(
            "QC",
            "Categories",
            "Complaints received (stage 1 and 2) by category, most frequent this quarter first.",
            &["Category", "This quarter", "Year to date"],
        );
        let mut ranked: Vec<(&String, u64)> = to_date
            .categories
            .keys()
            .map(|k| (k, this.categories.get(k).map_or(0, |c| c.stage1 + c.stage2)))
            .collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        for (name, n) in ranked {
            let ytd_n = to_date.categories.get(name).map_or(0, |c| c.stage1 + c.stage2);
            categories = categories.row(vec![Cell::text(name.clone()), Cell::Count(n), Cell::Count(ytd_n)]);
        }
        let total_row = categories.rows.len();
        categories = categories.row(vec![
            Cell::text("All categories"),
            Cell::Total(this.stage1.received + this.stage2.received),
            Cell::Total(to_date.stage1.received + to_date.stage2.received),
        ]);
        categories.column_total_row = Some(total_row);
        categories
    }

    /// QO: the outcomes of the quarter's responses.
    fn outcomes(&self) -> TableBuilder {
        let mut outcomes = TableBuilder::new(
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
        for (name, s) in [("Stage 1", &self.this.stage1), ("Stage 2", &self.this.stage2)] {
            outcomes = outcomes.row(super::outcome_cells(name, s));
        }
        outcomes.row_total_column = Some(5);
        outcomes
    }

    /// QC1 and QC2: the last four quarters' volumes and timeliness.
    fn charts(&self) -> [ChartSpec; 2] {
        let last_four = &self.last_four;
        let labels: Vec<String> = last_four.iter().map(|(p, _)| quarter_label(p)).collect();
        let mut received = ChartSpec::new(
            "QC1",
            "Complaints received, last four quarters",
            labels.clone(),
            Layout::Grouped,
            "Complaints received",
        );
        received.bars = vec![
            Series::counts("Stage 1", last_four.iter().map(|(_, m)| m.stage1.received)),
            Series::counts("Stage 2", last_four.iter().map(|(_, m)| m.stage2.received)),
        ];
        let mut timeliness = ChartSpec::new(
            "QC2",
            "Responses within timescale, last four quarters",
            labels,
            Layout::Lines,
            "% within timescale",
        );
        timeliness.percent = true;
        let within = |stage: fn(&Metrics) -> &crate::metrics::StageMetrics, name: &str| {
            Series::ratios(
                name,
                last_four
                    .iter()
                    .map(|(_, m)| stage(m).within_timescale_pct)
                    .collect(),
                last_four.iter().map(|(_, m)| stage(m).responded).collect(),
                true,
            )
        };
        timeliness.lines = vec![within(|m| &m.stage1, "Stage 1"), within(|m| &m.stage2, "Stage 2")];
        timeliness.target = Some((100.0, "Target 100%".into()));
        [received, timeliness]
    }
}

/// QH and QD: the Ombudsman's findings in the quarter, and progress on every order made by its
/// end (determination references in the board edition only).
fn ombudsman(d: &Determinations, q: Period, edition: Edition) -> [TableBuilder; 2] {
    let in_quarter = d.within(q.start, q.end);
    let mut findings = TableBuilder::new(
        "QH",
        "Ombudsman determinations this quarter",
        "Findings in determinations dated in the quarter.",
        &["Finding", "Findings"],
    );
    for (name, n) in Determinations::by_finding(&in_quarter) {
        findings = findings.row(vec![Cell::text(name), Cell::Count(n)]);
    }
    let mut orders = TableBuilder::new(
        "QD",
        "Progress on Ombudsman orders",
        "Orders from determinations, with their due dates and status (including those arising from severe maladministration findings).",
        &["Determination", "Finding", "Order", "Due", "Status"],
    );
    for f in d
        .findings
        .iter()
        .filter(|f| !f.orders.trim().is_empty() && f.date.is_some_and(|d| d <= q.end))
    {
        orders = orders.row(vec![
            Cell::text(if edition == Edition::Board {
                f.reference.clone()
            } else {
                "—".to_string()
            }),
            Cell::text(f.finding.clone()),
            Cell::text(f.orders.clone()),
            Cell::text(f.order_due.clone()),
            Cell::text(if f.order_status.is_empty() {
                "Not recorded".to_string()
            } else {
                f.order_status.clone()
            }),
        ]);
    }
    [findings, orders]
}
