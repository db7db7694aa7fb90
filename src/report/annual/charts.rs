//! The annual report's charts: C1–C8 and C10 (no trend chart: two years make a comparison, shown in T1, not a trend), each as a specification the chart drawer turns into an
//! SVG with its alt text and data table.

use std::collections::BTreeMap;

use super::register::CategoryRow;
use super::{Context, TOP_CATEGORIES};
use crate::metrics::Metrics;
use crate::report::charts::{ChartSpec, Layout, Series};
use crate::report::figures::StageFigures;
use crate::report::figures::Tenure;
use crate::report::table::Cell;

impl Context<'_> {
    pub(super) fn c1_received(&self) -> ChartSpec {
        let mut c = ChartSpec::new(
            "C1",
            "Complaints received by month",
            self.month_labels(),
            Layout::Grouped,
            "Complaints received",
        );
        let months = &self.f.months;
        c.bars = vec![
            Series::counts("Stage 1", months.iter().map(|f| f.received[0])),
            Series::counts("Stage 2", months.iter().map(|f| f.received[1])),
        ];
        if !self.f.prior_months.is_empty() {
            c.lines = vec![Series::counts(
                "Stage 1, prior year",
                self.f.prior_months.iter().map(|f| f.received[0]),
            )];
        }
        c
    }

    pub(super) fn c2_timeliness(&self) -> ChartSpec {
        let mut c = ChartSpec::new(
            "C2",
            "Responses within timescale by month",
            self.month_labels(),
            Layout::Lines,
            "% within timescale",
        );
        c.percent = true;
        let rows = self.m.months.iter().zip(&self.f.months);
        c.lines = vec![
            Series::new(
                "Stage 1",
                rows.clone()
                    .map(|(r, f)| StageFigures::pct(r.stage1_within_pct, f.within[0], f.responded[0]))
                    .collect(),
            ),
            Series::new(
                "Stage 2",
                rows.map(|(r, f)| StageFigures::pct(r.stage2_within_pct, f.within[1], f.responded[1]))
                    .collect(),
            ),
        ];
        c.target = Some((100.0, "Target 100%".into()));
        c
    }

    pub(super) fn c3_days(&self) -> ChartSpec {
        let mut c = ChartSpec::new(
            "C3",
            "Stage 1 responses and median working days from receipt to response",
            self.month_labels(),
            Layout::Grouped,
            "Stage 1 responses",
        );
        let months = &self.m.months;
        c.bars = vec![Series::counts(
            "Stage 1 responses",
            self.f.months.iter().map(|f| f.responded[0]),
        )];
        c.secondary = Some((
            Series::ratios(
                "Median working days from receipt",
                months.iter().map(|r| r.median_working_days_stage1).collect(),
                months.iter().map(|r| r.stage1_responded).collect(),
            ),
            "Median working days from receipt".into(),
        ));
        c
    }

    pub(super) fn c4_outcomes(&self) -> ChartSpec {
        let mut c = ChartSpec::new(
            "C4",
            "Outcomes of responses by stage",
            vec!["Stage 1".into(), "Stage 2".into()],
            Layout::Stacked,
            "Responses",
        );
        let [a, b] = &self.f.year;
        c.bars = vec![
            Series::counts("Upheld", [a.upheld, b.upheld]),
            Series::counts("Partly upheld", [a.partly_upheld, b.partly_upheld]),
            Series::counts("Not upheld", [a.not_upheld, b.not_upheld]),
            Series::counts("Other", [a.other, b.other]),
        ];
        c
    }

    pub(super) fn c5_categories(&self) -> ChartSpec {
        // Categories are registered largest stage 1 count first.
        let top: Vec<&CategoryRow> = self.f.categories.iter().take(TOP_CATEGORIES).collect();
        let mut c = ChartSpec::new(
            "C5",
            &format!("Top {} categories of stage 1 complaints", top.len()),
            top.iter().map(|r| r.label.clone()).collect(),
            Layout::Horizontal,
            "Stage 1 complaints received",
        );
        c.bars = vec![Series::counts("This year", top.iter().map(|r| r.received[0]))];
        if top.iter().all(|r| r.prior_stage1.is_some()) && self.prior.is_some() {
            c.markers = Some(Series::counts(
                "Prior year",
                top.iter().filter_map(|r| r.prior_stage1),
            ));
        }
        c
    }

    pub(super) fn c6_tsm(&self) -> ChartSpec {
        let labels = vec![
            "CH02(1) LCRA".into(),
            "CH02(2) LCRA".into(),
            "CH02(1) LCHO".into(),
            "CH02(2) LCHO".into(),
        ];
        let series = |name: &str, m: &Metrics, ids: &BTreeMap<String, Tenure>| -> Series {
            let mut cells = Vec::new();
            for tenure in ["LCRA", "LCHO"] {
                match (m.tsm.get(tenure), ids.get(tenure)) {
                    (Some(f), Some(t)) => {
                        cells.push(StageFigures::pct(f.CH02_stage1_pct, t.within[0], t.responded[0]));
                        cells.push(StageFigures::pct(f.CH02_stage2_pct, t.within[1], t.responded[1]));
                    }
                    _ => cells.extend([Cell::Number(None), Cell::Number(None)]),
                }
            }
            Series::new(name, cells)
        };
        let mut c = ChartSpec::new(
            "C6",
            "Complaints responded to within timescale (CH02) against the prior year",
            labels,
            Layout::Grouped,
            "%",
        );
        c.percent = true;
        c.bars = vec![series("This year", self.m, &self.f.tenures)];
        if let Some(p) = self.prior {
            c.bars.push(series("Prior year", p, &self.f.prior_tenures));
        }
        c
    }

    pub(super) fn c7_ageing(&self) -> ChartSpec {
        let bands = ["0–10", "11–20", "21–40", "Over 40"];
        let mut c = ChartSpec::new(
            "C7",
            "Open complaints at the period end by age (working days)",
            bands.iter().map(|b| b.to_string()).collect(),
            Layout::Grouped,
            "Open complaints",
        );
        c.bars = vec![
            Series::counts("Stage 1", self.f.year[0].bands),
            Series::counts("Stage 2", self.f.year[1].bands),
        ];
        c
    }

    pub(super) fn c8_findings(&self) -> Option<ChartSpec> {
        self.determinations?;
        let findings = &self.f.findings;
        let mut c = ChartSpec::new(
            "C8",
            "Housing Ombudsman findings",
            findings.iter().map(|(n, _)| n.clone()).collect(),
            Layout::Horizontal,
            "Findings",
        );
        c.bars = vec![Series::counts("Findings", findings.iter().map(|(_, id)| *id))];
        Some(c)
    }

    pub(super) fn c10_refusals(&self) -> ChartSpec {
        let reasons = &self.f.refusals;
        let mut c = ChartSpec::new(
            "C10",
            "Complaints refused, by reason",
            reasons.iter().map(|(r, ..)| r.clone()).collect(),
            Layout::Horizontal,
            "Complaints refused",
        );
        c.bars = vec![Series::counts("Refused", reasons.iter().map(|(_, id, _)| *id))];
        c
    }
}
