//! The annual report's charts: C1–C10, each as a specification the chart drawer turns into an
//! SVG with its alt text and data table.

use super::{Context, TOP_CATEGORIES};
use crate::metrics::{AgeBands, Metrics};
use crate::report::charts::{ChartSpec, Layout, Series};
use crate::report::determinations::Determinations;
use crate::report::period_label;

impl Context<'_> {
    pub(super) fn c1_received(&self) -> ChartSpec {
        let mut c = ChartSpec::new(
            "C1",
            "Complaints received by month",
            self.month_labels(),
            Layout::Grouped,
            "Complaints received",
        );
        c.bars = vec![
            Series::counts("Stage 1", self.m.months.iter().map(|r| r.stage1_received)),
            Series::counts("Stage 2", self.m.months.iter().map(|r| r.stage2_received)),
        ];
        if let Some(p) = self.prior {
            c.lines = vec![Series::counts(
                "Stage 1, prior year",
                p.months.iter().map(|r| r.stage1_received),
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
        let months = &self.m.months;
        c.lines = vec![
            Series::ratios(
                "Stage 1",
                months.iter().map(|r| r.stage1_within_pct).collect(),
                months.iter().map(|r| r.stage1_responded).collect(),
                true,
            ),
            Series::ratios(
                "Stage 2",
                months.iter().map(|r| r.stage2_within_pct).collect(),
                months.iter().map(|r| r.stage2_responded).collect(),
                true,
            ),
        ];
        c.target = Some((100.0, "Target 100%".into()));
        c
    }

    pub(super) fn c3_days(&self) -> ChartSpec {
        let mut c = ChartSpec::new(
            "C3",
            "Stage 1 responses and median working days to respond",
            self.month_labels(),
            Layout::Grouped,
            "Stage 1 responses",
        );
        let months = &self.m.months;
        c.bars = vec![Series::counts(
            "Stage 1 responses",
            months.iter().map(|r| r.stage1_responded),
        )];
        c.secondary = Some((
            Series::ratios(
                "Median working days",
                months.iter().map(|r| r.median_working_days_stage1).collect(),
                months.iter().map(|r| r.stage1_responded).collect(),
                false,
            ),
            "Median working days".into(),
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
        let [o1, o2] = self.both(|s| s.outcomes.clone());
        c.bars = vec![
            Series::counts("Upheld", [o1.upheld, o2.upheld]),
            Series::counts("Partly upheld", [o1.partly_upheld, o2.partly_upheld]),
            Series::counts("Not upheld", [o1.not_upheld, o2.not_upheld]),
            Series::counts("Other", [o1.other, o2.other]),
        ];
        c
    }

    pub(super) fn c5_categories(&self) -> ChartSpec {
        let top: Vec<(&String, u64, u64)> = self
            .categories_ranked()
            .into_iter()
            .take(TOP_CATEGORIES)
            .collect();
        let mut c = ChartSpec::new(
            "C5",
            &format!("Top {} categories of complaint (stage 1 and 2)", top.len()),
            top.iter().map(|(n, ..)| n.to_string()).collect(),
            Layout::Horizontal,
            "Complaints received",
        );
        c.bars = vec![Series::counts("This year", top.iter().map(|(_, a, b)| a + b))];
        if let Some(p) = self.prior {
            c.markers = Some(Series::counts(
                "Prior year",
                top.iter()
                    .map(|(n, ..)| p.categories.get(*n).map_or(0, |c| c.stage1 + c.stage2)),
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
        let series = |name: &str, m: &Metrics| -> Series {
            let (mut values, mut bases) = (Vec::new(), Vec::new());
            for tenure in ["LCRA", "LCHO"] {
                let f = m.tsm.get(tenure);
                values.push(f.and_then(|f| f.CH02_stage1_pct));
                bases.push(f.map_or(0, |f| f.stage1_responded));
                values.push(f.and_then(|f| f.CH02_stage2_pct));
                bases.push(f.map_or(0, |f| f.stage2_responded));
            }
            Series::ratios(name, values, bases, true)
        };
        let mut c = ChartSpec::new(
            "C6",
            "Complaints responded to within timescale (CH02) against the prior year",
            labels,
            Layout::Grouped,
            "%",
        );
        c.percent = true;
        c.bars = vec![series("This year", self.m)];
        if let Some(p) = self.prior {
            c.bars.push(series("Prior year", p));
        }
        c
    }

    pub(super) fn c7_ageing(&self) -> ChartSpec {
        let bands = ["0–10", "11–20", "21–40", "Over 40"];
        let values = |b: &AgeBands| [b.up_to_10, b.from_11_to_20, b.from_21_to_40, b.over_40];
        let mut c = ChartSpec::new(
            "C7",
            "Open complaints at the period end by age (working days)",
            bands.iter().map(|b| b.to_string()).collect(),
            Layout::Grouped,
            "Open complaints",
        );
        c.bars = vec![
            Series::counts("Stage 1", values(&self.m.open_age_bands.stage1)),
            Series::counts("Stage 2", values(&self.m.open_age_bands.stage2)),
        ];
        c
    }

    pub(super) fn c8_findings(&self) -> Option<ChartSpec> {
        let d = self.determinations?;
        let findings = d.within(self.period.start, self.period.end);
        let counts = Determinations::by_finding(&findings);
        let mut c = ChartSpec::new(
            "C8",
            "Housing Ombudsman findings",
            counts.iter().map(|(n, _)| n.clone()).collect(),
            Layout::Horizontal,
            "Findings",
        );
        c.bars = vec![Series::counts("Findings", counts.iter().map(|(_, n)| *n))];
        Some(c)
    }

    pub(super) fn c9_trend(&self) -> Option<ChartSpec> {
        let prior = self.prior?;
        let labels = vec![period_label(&self.period.prior()), period_label(&self.period)];
        let mut c = ChartSpec::new(
            "C9",
            "Complaints received: trend",
            labels,
            Layout::Lines,
            "Complaints received",
        );
        c.lines = vec![
            Series::counts("Stage 1", [prior.stage1.received, self.m.stage1.received]),
            Series::counts("Stage 2", [prior.stage2.received, self.m.stage2.received]),
        ];
        Some(c)
    }

    pub(super) fn c10_refusals(&self) -> ChartSpec {
        let mut reasons: Vec<(&String, &u64)> = self.m.refused.by_reason.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let mut c = ChartSpec::new(
            "C10",
            "Complaints refused, by reason",
            reasons.iter().map(|(r, _)| r.to_string()).collect(),
            Layout::Horizontal,
            "Complaints refused",
        );
        c.bars = vec![Series::counts("Refused", reasons.iter().map(|(_, n)| **n))];
        c
    }
}
