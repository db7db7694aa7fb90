//! The annual complaints performance and service improvement report (Code 8.1): its tables
//! (T1–T11), charts (C1–C10) and headline tiles, built from the period's figures.

mod charts;
mod ombudsman;
mod register;
mod tables;
mod tiles;

use super::determinations::Determinations;
use super::disclosure::{FigureId, Ledger};
use super::figures::{FieldLabels, StageFigures};
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
    let labels = FieldLabels::new(m, config, edition, suppression);
    let mut ledger = Ledger::default();
    let f = register::Registered::new(
        &mut ledger,
        m,
        m.prior.as_deref(),
        inputs.determinations.as_ref(),
        period,
        &labels,
    );
    let ctx = Context {
        m,
        prior: m.prior.as_deref(),
        determinations: inputs.determinations.as_ref(),
        period,
        config,
        f,
    };
    let mut builders = vec![
        ctx.t1_volumes(),
        ctx.t1_quarters(),
        ctx.t2_rates(),
        ctx.t3_acknowledgement(),
        ctx.t4_timeliness(),
        ctx.t4_extensions(),
        ctx.t4_days(),
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
    ];
    builders.extend(ctx.t11_ombudsman());
    builders.extend(ctx.tsm_published_prior());
    let (ombudsman_report, ombudsman_table) = ctx.ombudsman_report();
    builders.extend(ombudsman_table);
    let mut specs = vec![
        (ctx.c1_received(), "Month"),
        (ctx.c2_timeliness(), "Month"),
        (ctx.c3_days(), "Month"),
        (ctx.c4_outcomes(), "Stage"),
        (ctx.c5_categories(), "Category"),
        (ctx.c6_tsm(), "Measure"),
        (ctx.c7_ageing(), "Age (working days)"),
        (ctx.c10_refusals(), "Reason"),
    ];
    specs.extend(ctx.c8_findings().map(|c| (c, "Finding")));
    specs.retain(|(s, _)| !s.categories.is_empty());
    let tiles = ctx.tiles(&mut ledger);
    let tile_figures: Vec<FigureId> = tiles.iter().flat_map(|t| t.figures()).collect();
    let published = super::publish(&ledger, &builders, &specs, &tile_figures, edition, suppression)?;
    // The figures' warnings count cases outside the disclosure ledger (some of them few):
    // they are for the governing body, not the website.
    let mut warnings = inputs.warnings.clone();
    if edition == Edition::Board {
        warnings.extend(m.warnings.iter().cloned());
    }
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
        tiles: tiles
            .iter()
            .map(|t| t.render(edition, suppression, &published.disclosed))
            .collect(),
        self_assessment: inputs.self_assessment.clone(),
        tables: published.tables,
        charts: published.charts,
        narrative: inputs.narrative.clone(),
        ombudsman_report: Some(ombudsman_report),
        points_to_check: match edition {
            Edition::Board => super::points_to_check(config, m, inputs),
            Edition::Web => Vec::new(),
        },
        methodology: super::methodology(figures, suppression),
        warnings,
        draft: inputs.placeholders(super::Template::Annual),
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
    f: register::Registered,
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

    /// Each stage's name, metrics and registered figures.
    fn stages(&self) -> [(&'static str, &StageMetrics, &StageFigures); 2] {
        [
            ("Stage 1", &self.m.stage1, &self.f.year[0]),
            ("Stage 2", &self.m.stage2, &self.f.year[1]),
        ]
    }
}
