//! The quarterly governing-body report (Code 9.7 a–d): the quarter, the year to date and the
//! last four quarters; open and overdue cases (references in the board edition only); Ombudsman
//! determinations and progress on orders.

use std::collections::BTreeMap;

use serde::Serialize;

mod exceptions;
mod orders;
mod register;
mod tables;

use super::disclosure::Ledger;
use super::narrative::Block;
use super::table::{Edition, Suppression};
use super::{Approval, Figures, ReportData, ReportInputs};
use crate::config::Config;
use crate::domain::period::{Period, Quarter};
use crate::error::Result;
use crate::metrics::{Metrics, OpenCases};
use crate::normalise::DataQuality;
use register::QuarterContext;

/// Open stages read for the exceptions list (the list itself is capped by `[quarterly]`).
pub const OPEN_CASES_READ: usize = 100_000;

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
    /// Stages open at the quarter's end (the first [`OPEN_CASES_READ`] listed).
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

/// "Oct 2024 to Dec 2024".
pub(super) fn quarter_label(p: &Period) -> String {
    format!("{} to {}", p.start.format("%b %Y"), p.end.format("%b %Y"))
}

/// A quarter the export holds nothing for: no stage received, answered or open in it.
pub(super) fn no_data(m: &Metrics) -> bool {
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
        builders.extend(orders::ombudsman(d, *year, q, edition, &mut l));
    }
    let specs: Vec<_> = ctx.charts().into_iter().map(|c| (c, "Quarter")).collect();
    let published = super::publish(&l, &builders, &specs, &[], edition, suppression)?;
    let mut narrative: BTreeMap<&'static str, Vec<Block>> = BTreeMap::new();
    for (key, blocks) in &inputs.narrative {
        if key.starts_with("quarter_") {
            narrative.insert(key, blocks.clone());
        }
    }
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
        tables: published.tables,
        charts: published.charts,
        narrative,
        ombudsman_report: None,
        points_to_check: Vec::new(),
        methodology: super::methodology(
            &Figures {
                config,
                period: q,
                metrics: this,
                quality,
            },
            suppression,
        ),
        // As in the annual report: counts outside the disclosure ledger stay out of the web edition.
        warnings: match edition {
            Edition::Board => this.warnings.clone(),
            Edition::Web => Vec::new(),
        },
        draft: inputs.placeholders(super::Template::Quarterly),
        quarter: Some(QuarterText {
            label,
            start: super::long_date(q.start),
            end: super::long_date(q.end),
            open_cases_total: open_cases.total,
            exceptions_total: ctx.exceptions.len() as u64,
            exceptions_listed: ctx.exceptions.len().min(qc.exceptions_listed),
            purpose: qc.purpose.clone(),
            recommendation: qc.recommendation.clone(),
            author: qc.author.clone(),
        }),
    })
}
