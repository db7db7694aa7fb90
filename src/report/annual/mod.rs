//! The annual complaints performance and service improvement report (Code 8.1): its tables
//! (T1–T11), charts (C1–C10) and headline tiles, built from the period's figures.

mod charts;
mod tables;
mod tiles;

use std::collections::BTreeMap;

use super::charts as drawing;
use super::determinations::Determinations;
use super::table::{Edition, Suppression};
use super::{Approval, Figures, ReportData, ReportInputs};
use crate::config::Config;
use crate::domain::period::Period;
use crate::error::Result;
use crate::metrics::{Metrics, StageMetrics};

/// Categories shown in the top-categories chart.
const TOP_CATEGORIES: usize = 10;

pub fn build_annual(
    figures: &Figures,
    inputs: &ReportInputs,
    edition: Edition,
    suppression: &Suppression,
) -> Result<ReportData> {
    let m = figures.metrics;
    let config = figures.config;
    let period = figures.period;
    let period_label = super::period_label(&period);
    let prior_label = m.prior.as_ref().map(|_| super::period_label(&period.prior()));
    let ctx = Context {
        m,
        prior: m.prior.as_deref(),
        determinations: inputs.determinations.as_ref(),
        period,
        config,
    };
    let mut tables = BTreeMap::new();
    let mut specs = Vec::new();
    for builder in [
        ctx.t1_volumes(),
        ctx.t1_quarters(),
        ctx.t2_rates(),
        ctx.t3_acknowledgement(),
        ctx.t4_timeliness(),
        ctx.t5_open(),
        ctx.t6_outcomes(),
        ctx.t7_categories(),
        ctx.t8_category_outcomes(),
        ctx.t9_resolution(),
        ctx.t10_remedies(),
        ctx.refused_table(),
        ctx.tsm_table(),
        ctx.channels_table(),
        super::exclusions_table(figures.quality),
    ] {
        tables.insert(builder.id.clone(), builder.render(edition, suppression));
    }
    if let Some(t11) = ctx.t11_ombudsman() {
        tables.insert(t11.id.clone(), t11.render(edition, suppression));
    }
    specs.extend([
        (ctx.c1_received(), "Month"),
        (ctx.c2_timeliness(), "Month"),
        (ctx.c3_days(), "Month"),
        (ctx.c4_outcomes(), "Stage"),
        (ctx.c5_categories(), "Category"),
        (ctx.c6_tsm(), "Measure"),
        (ctx.c7_ageing(), "Age (working days)"),
        (ctx.c10_refusals(), "Reason"),
    ]);
    specs.extend(ctx.c8_findings().map(|c| (c, "Finding")));
    specs.extend(ctx.c9_trend().map(|c| (c, "Year")));
    let mut charts = BTreeMap::new();
    for (spec, heading) in specs.into_iter().filter(|(s, _)| !s.categories.is_empty()) {
        let chart = drawing::draw(&spec, heading, edition, suppression)?;
        charts.insert(chart.id.clone(), chart);
    }
    let mut warnings = inputs.warnings.clone();
    warnings.extend(m.warnings.iter().cloned());
    let organisation = super::organisation(config);
    Ok(ReportData {
        kind: "annual",
        edition,
        title: format!("Annual complaints performance and service improvement report {period_label}"),
        organisation,
        period: super::period_text(&period),
        prior_label,
        approval: Approval {
            date: config.report.approved_on.map(super::long_date),
            by: config.report.approved_by.clone(),
        },
        document_date: config.report.approved_on.unwrap_or(m.period.as_at).to_string(),
        governing_body_response: inputs.governing_body_response.clone(),
        tiles: ctx.tiles(),
        self_assessment: inputs.self_assessment.clone(),
        tables,
        charts,
        narrative: inputs.narrative.clone(),
        methodology: super::methodology(figures, suppression),
        warnings,
        quarter: None,
    })
}

/// What every table, chart and tile of the annual report reads.
struct Context<'a> {
    m: &'a Metrics,
    prior: Option<&'a Metrics>,
    determinations: Option<&'a Determinations>,
    period: Period,
    config: &'a Config,
}

/// Signed change: "+12", "−3", "0".
fn signed(v: f64, unit: &str, dp: usize) -> String {
    let sign = if v > 0.0 {
        "+"
    } else if v < 0.0 {
        "−"
    } else {
        ""
    };
    format!("{sign}{:.dp$}{unit}", v.abs())
}

impl Context<'_> {
    fn month_labels(&self) -> Vec<String> {
        self.m
            .months
            .iter()
            .map(|r| {
                r.start
                    .map_or_else(|| r.label.clone(), |d| d.format("%b %y").to_string())
            })
            .collect()
    }

    fn both<T>(&self, f: impl Fn(&StageMetrics) -> T) -> [T; 2] {
        [f(&self.m.stage1), f(&self.m.stage2)]
    }

    fn categories_ranked(&self) -> Vec<(&String, u64, u64)> {
        let mut rows: Vec<(&String, u64, u64)> = self
            .m
            .categories
            .iter()
            .map(|(k, v)| (k, v.stage1, v.stage2))
            .collect();
        rows.sort_by(|a, b| (b.1 + b.2).cmp(&(a.1 + a.2)).then(a.0.cmp(b.0)));
        rows
    }
}
