//! Stage 4 — metrics: every figure of the 8.1 report, the 9.7 board updates and the TSM
//! complaint measures, computed with polars from the classified table. [`Metrics`] serialises
//! to the `metrics` JSON, whose keys are a contract (docs/json.md).
//!
//! Attribution (README, "Methodology"): received by the stage's received date (stage 2: the
//! escalation request); acknowledgement by received date; responses, timeliness and outcomes by
//! the response date; open = received on or before as_at with no response by as_at. Each of
//! these is defined once, in `masks`.

mod batch;
mod groups;
mod masks;
mod open_cases;
mod periods;
mod rounding;
mod stage;
mod tsm;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;
use serde::Serialize;

pub use groups::NOT_RECORDED;
pub use open_cases::{OpenCase, OpenCases, open_cases};
pub use rounding::{pct, per_1000, round_half_up};

use crate::classify::Rules;
use crate::columnar::parallel::join;
use crate::config::Stocks;
use crate::domain::calendar::Calendar;
use crate::domain::canonical::Field;
use crate::domain::dates::date_lit;
use crate::domain::homes::Stock;
use crate::domain::period::Period;
use crate::domain::stage::{CodeVersionBy, ResponseClock, Stage};
use crate::domain::text::count_of;
use crate::error::{PolarsContext, Result};
use crate::observe::{Observer, step};
use batch::Batch;
use masks::{Mask, between};
use stage::StageAsked;
use tsm::{Tenure, TsmCounts};

#[derive(Debug, Clone, Serialize)]
pub struct Metrics {
    pub period: PeriodOut,
    pub records: Records,
    pub stage1: StageMetrics,
    pub stage2: StageMetrics,
    /// Stage 2 received / stage 1 received.
    pub escalation_rate_pct: Option<f64>,
    /// Stage-1 responses in the period whose complaint was never escalated / stage-1 responses.
    pub resolved_at_stage1_pct: Option<f64>,
    /// The count behind `resolved_at_stage1_pct`.
    pub resolved_at_stage1: u64,
    pub refused: Refused,
    pub satisfaction: Satisfaction,
    /// Complaints received in the period by category, per stage.
    pub categories: BTreeMap<String, StageCounts>,
    pub tsm: BTreeMap<String, TsmFigures>,
    pub months: Vec<PeriodRow>,
    pub quarters: Vec<PeriodRow>,
    pub extensions: PerStage<Extensions>,
    pub compensation: Compensation,
    /// Open stages at as_at by age in working days since receipt.
    pub open_age_bands: PerStage<AgeBands>,
    /// Stage responses in the period (both stages) by category and outcome.
    pub category_outcomes: BTreeMap<String, Outcomes>,
    /// Stage-1 complaints received in the period by channel.
    pub channels: BTreeMap<String, u64>,
    /// Stage-1 complaints received in the period by the Code version they are judged under.
    pub code_versions: BTreeMap<String, u64>,
    /// Each stage's responses in the period by the Code version they were judged under.
    pub code_versions_responded: PerStage<BTreeMap<String, u64>>,
    pub data_quality: QualityCounts,
    pub method: Method,
    pub warnings: Vec<String>,
    /// The same figures for the previous period, when the input covers it.
    pub prior: Option<Box<Metrics>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodOut {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub as_at: NaiveDate,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Records {
    pub rows_read: usize,
    pub included: usize,
    pub excluded: usize,
    pub complaints: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct StageMetrics {
    pub received: u64,
    pub withdrawn: u64,
    pub acknowledged_on_time: u64,
    pub acknowledged_on_time_pct: Option<f64>,
    pub responded: u64,
    pub within_base: u64,
    pub within_extension: u64,
    pub late: u64,
    /// (within_base + within_extension) / responded: the CH02 measure.
    pub within_timescale_pct: Option<f64>,
    pub within_base_pct: Option<f64>,
    /// Working days from receipt to response.
    pub median_working_days_to_respond: Option<f64>,
    pub mean_working_days_to_respond: Option<f64>,
    /// Working days from the start of the Code's response clock (the acknowledgement, as the
    /// `response_clock` setting counts it) to the response: the count the 10/20-day target
    /// is about.
    pub median_working_days_from_ack: Option<f64>,
    pub mean_working_days_from_ack: Option<f64>,
    pub open_at_end: u64,
    pub open_overdue_at_end: u64,
    pub outcomes: Outcomes,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Outcomes {
    pub upheld: u64,
    pub partly_upheld: u64,
    pub not_upheld: u64,
    /// Any other outcome, including none recorded.
    pub other: u64,
    /// Of `other`: responses with no outcome recorded.
    pub not_recorded: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Refused {
    pub total: u64,
    pub by_reason: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Satisfaction {
    pub responses: u64,
    pub satisfied: u64,
    pub pct: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct StageCounts {
    pub stage1: u64,
    pub stage2: u64,
}

#[derive(Debug, Clone, Serialize)]
#[allow(non_snake_case)]
pub struct TsmFigures {
    /// Homes of this tenure owned at `stock_date`: the CH01 denominator.
    pub homes: Option<u64>,
    pub stock_date: Option<NaiveDate>,
    pub stage1_received: u64,
    pub stage2_received: u64,
    pub CH01_stage1_per_1000: Option<f64>,
    pub CH01_stage2_per_1000: Option<f64>,
    pub stage1_responded: u64,
    pub stage2_responded: u64,
    /// Responses within the Code timescale (the CH02 numerators).
    pub stage1_within: u64,
    pub stage2_within: u64,
    pub CH02_stage1_pct: Option<f64>,
    pub CH02_stage2_pct: Option<f64>,
    /// CH02 counting only responses within the base timescale (no extensions).
    pub CH02_stage1_base_only_pct: Option<f64>,
    pub CH02_stage2_base_only_pct: Option<f64>,
}

/// A month or quarter: received by received date; responded and timeliness by response date.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PeriodRow {
    pub label: String,
    pub start: Option<NaiveDate>,
    pub stage1_received: u64,
    pub stage2_received: u64,
    pub stage1_responded: u64,
    pub stage1_within: u64,
    pub stage1_within_pct: Option<f64>,
    pub stage2_responded: u64,
    pub stage2_within: u64,
    pub stage2_within_pct: Option<f64>,
    pub median_working_days_stage1: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PerStage<T> {
    pub stage1: T,
    pub stage2: T,
}

/// Extensions on stages responded to in the period.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Extensions {
    /// An extension was recorded (flag or extended due date).
    pub used: u64,
    pub recognised: u64,
    /// Agreed date more than 10/20 working days past the base deadline, without good reason:
    /// the deadline stops at 10/20 working days.
    pub beyond_cap: u64,
    /// Agreed date more than 10/20 working days past the base deadline, with a good reason
    /// recorded: the agreed date is the deadline.
    pub beyond_with_good_reason: u64,
    /// Of `beyond_cap`: a reason is recorded but not listed under `[values.extension_reason]`.
    pub beyond_reason_not_listed: u64,
    /// Notified after the base deadline: not recognised.
    pub notified_late: u64,
    /// No notification date recorded: assumed notified in time.
    pub notice_date_missing: u64,
    /// An extension flag with no agreed date: counted as the full 10/20 working days.
    pub agreed_date_missing: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Compensation {
    /// Complaints whose final response in the period carried compensation.
    pub count: u64,
    pub total: f64,
    pub mean: Option<f64>,
    pub by_stage: PerStage<MoneyFigures>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MoneyFigures {
    pub count: u64,
    pub total: f64,
    pub mean: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct AgeBands {
    #[serde(rename = "0-10")]
    pub up_to_10: u64,
    #[serde(rename = "11-20")]
    pub from_11_to_20: u64,
    #[serde(rename = "21-40")]
    pub from_21_to_40: u64,
    #[serde(rename = "over_40")]
    pub over_40: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct QualityCounts {
    /// Stages received in the period with no acknowledgement date.
    pub acknowledgement_missing: PerStage<u64>,
    /// Responses dated before the stage was received: left out of timeliness.
    pub response_before_receipt: PerStage<u64>,
    /// Stage-1 complaints received in the period whose tenure is neither LCRA nor LCHO.
    pub tenure_not_lcra_or_lcho: u64,
    /// Extensions on responses in the period flagged with no agreed date (counted as the full
    /// 10/20 working days).
    pub extension_agreed_date_missing: PerStage<u64>,
}

/// How the figures were counted, for the methodology.
#[derive(Debug, Clone, Serialize)]
pub struct Method {
    pub response_clock: ResponseClock,
    pub code_2024_from: NaiveDate,
    pub code_version_by: CodeVersionBy,
    pub calendar_division: &'static str,
    pub calendar_source: String,
    pub calendar_covers: [NaiveDate; 2],
    pub closure_days: Vec<NaiveDate>,
    pub extension_rule: &'static str,
}

const EXTENSION_RULE: &str = "The Code allows an extension of \"no more than 10 working days without good reason\" at stage 1 (6.4) and \"no more than 20 working days without good reason\" at stage 2 (6.15; 10 under the 2022 Code). An extension counts when the extension flag or an agreed date is recorded and, where a notification date is recorded, it is on or before the base deadline. The extended deadline is the agreed date; an agreed date more than 10/20 working days past the base deadline stands only when the recorded extension reason is listed as good reason ([values.extension_reason] good_reason), and otherwise the deadline is 10/20 working days past the base deadline. A flag with no agreed date is counted as the full 10/20 working days.";

/// What the figures are computed from: the classified table and what it was judged by.
pub struct Input<'a> {
    /// The canonical table with classify's columns.
    pub table: &'a DataFrame,
    pub records: Records,
    /// Homes owned in the period and in the year before (the CH01 denominators).
    pub stocks: Stocks,
    pub calendar: &'a Calendar,
    pub rules: &'a Rules,
}

/// Computes the metrics for `period` and, when the data covers it, the period before.
pub fn compute(input: &Input, period: Period, observer: &dyn Observer) -> Result<Metrics> {
    let prior = period.prior();
    let with_prior = has_received_in(input.table, prior)?;
    // The two years' figures do not depend on each other: the prior year's are worked out
    // beside this year's (a small export's queries are mostly single-threaded).
    let (metrics, prior_metrics) = join(
        || compute_period(input, period, observer),
        || with_prior.then(|| compute_span(input, prior, input.stocks.prior_year, observer)),
    );
    let mut metrics = metrics?;
    let prior_metrics = prior_metrics.transpose()?;
    if prior_metrics.is_some() && input.stocks.this_year.is_some() && input.stocks.prior_year.is_none() {
        metrics.warnings.push(format!(
            "the prior year's CH01 is not worked out: give the homes owned at {} in [homes.prior] (LCRA, LCHO); this year's stock would misstate it",
            prior.end
        ));
    }
    metrics.prior = prior_metrics.map(Box::new);
    Ok(metrics)
}

fn has_received_in(t: &DataFrame, p: Period) -> Result<bool> {
    let n = t
        .clone()
        .lazy()
        .filter(between(
            col(Field::Received.name()),
            date_lit(p.start),
            date_lit(p.end),
        ))
        .select([len()])
        .collect()
        .ctx("checking the prior period")?;
    let count = n
        .column("len")
        .ctx("reading a count")?
        .cast(&DataType::UInt64)
        .ctx("reading a count")?;
    Ok(count.u64().ctx("reading a count")?.get(0).unwrap_or(0) > 0)
}

/// The figures for any span (a year, a quarter, a year to date), without the prior period. CH01
/// is over this year's stock.
pub fn compute_period(input: &Input, p: Period, observer: &dyn Observer) -> Result<Metrics> {
    compute_span(input, p, input.stocks.this_year, observer)
}

/// The figures for a span, with `stock` as the CH01 denominators.
fn compute_span(input: &Input, p: Period, stock: Option<Stock>, observer: &dyn Observer) -> Result<Metrics> {
    let mut warnings = Vec::new();
    let [mut first, responses] = masks::columns(p);
    first.extend(periods::month_columns(p));
    let split_by = input.stocks.this_year.map(|s| s.homes);
    first.extend(tsm::tenure_columns(input.table, split_by, &mut warnings));
    let t = &step(observer, "metrics: masks", || {
        input
            .table
            .clone()
            .lazy()
            .with_columns(first)
            .with_columns(responses)
            .collect()
            .ctx("working out the period's masks")
    })?;
    let months = periods::period_months(p).len();
    // Every single-number figure in one query.
    let mut batch = Batch::default();
    let stages = Stage::BOTH.map(|stage| StageAsked::ask(&mut batch, stage, input.rules));
    let tsm_asked = Tenure::BOTH.map(|tenure| TsmCounts::ask(&mut batch, tenure));
    let satisfaction = stage::ask_satisfaction(&mut batch);
    let compensation = stage::ask_compensation(&mut batch);
    let tenure_unknown = batch.count(
        Mask::ReceivedIn
            .col(Stage::One)
            .and(Tenure::Lcra.col().or(Tenure::Lcho.col()).not()),
    );
    let code_versions = groups::ask_code_versions(&mut batch);
    let code_versions_responded = groups::ask_code_versions_responded(&mut batch);
    let resolved_s1 = batch.count(
        Mask::RespondedIn
            .col(Stage::One)
            .and(col(Field::Stage2Requested.name()).is_null()),
    );
    // The grouped figures are independent queries, most too small for polars to spread over the
    // cores itself: they are worked out beside the single numbers.
    let (answers, grouped) = join(
        || {
            step(observer, "metrics: batch", || -> Result<_> {
                let answers = batch.run(t)?;
                let month_counts = periods::month_counts(t, months)?;
                Ok((answers, month_counts))
            })
        },
        || -> Result<_> {
            Ok((
                step(observer, "metrics: months", || periods::month_medians(t, months))?,
                PerStage {
                    stage1: step(observer, "metrics: ages", || {
                        stage::age_bands(t, Stage::One, p, input.calendar)
                    })?,
                    stage2: stage::age_bands(t, Stage::Two, p, input.calendar)?,
                },
                step(observer, "metrics: categories", || groups::by_category(t))?,
                step(observer, "metrics: channels", || groups::channels(t))?,
                step(observer, "metrics: refused", || groups::refused(t, p))?,
            ))
        },
    );
    let (a, month_counts) = answers?;
    for asked in &stages {
        asked.check_coverage(t, &a)?;
    }
    let (medians, open_age_bands, (categories, category_outcomes), channels, refused) = grouped?;
    let (months, quarters) = periods::monthly(p, &month_counts, medians);
    let [stage1, stage2] = stages.each_ref().map(|asked| asked.metrics(&a));
    let [ack1, ack2] = stages.each_ref().map(|asked| a.count(asked.ack_missing));
    let [before1, before2] = stages
        .each_ref()
        .map(|asked| a.count(asked.response_before_receipt));
    let quality_counts = QualityCounts {
        acknowledgement_missing: PerStage {
            stage1: ack1,
            stage2: ack2,
        },
        response_before_receipt: PerStage {
            stage1: before1,
            stage2: before2,
        },
        tenure_not_lcra_or_lcho: a.count(tenure_unknown),
        extension_agreed_date_missing: PerStage { stage1: 0, stage2: 0 },
    };
    if quality_counts.tenure_not_lcra_or_lcho > 0 {
        let n = quality_counts.tenure_not_lcra_or_lcho;
        warnings.push(format!(
            "{} received in the period {} a tenure that is neither LCRA nor LCHO (or none): {} in the stage totals but not in the TSM tenure figures",
            count_of(n, "stage-1 complaint", "stage-1 complaints"),
            if n == 1 { "has" } else { "have" },
            if n == 1 { "it counts" } else { "they count" }
        ));
    }
    let calendar = input.calendar;
    let [extensions1, extensions2] = stages.each_ref().map(|asked| asked.extensions(&a));
    let mut quality_counts = quality_counts;
    quality_counts.extension_agreed_date_missing = PerStage {
        stage1: extensions1.agreed_date_missing,
        stage2: extensions2.agreed_date_missing,
    };
    for (stage, e) in Stage::BOTH.into_iter().zip([&extensions1, &extensions2]) {
        extension_warnings(stage, e, &mut warnings);
    }
    let [responded1, responded2] = code_versions_responded.map(|asked| groups::code_versions(&a, asked));
    Ok(Metrics {
        period: PeriodOut {
            start: p.start,
            end: p.end,
            as_at: p.as_at,
            label: p.label(),
        },
        records: input.records.clone(),
        escalation_rate_pct: pct(stage2.received, stage1.received),
        resolved_at_stage1_pct: pct(a.count(resolved_s1), stage1.responded),
        resolved_at_stage1: a.count(resolved_s1),
        stage1,
        stage2,
        refused,
        satisfaction: stage::satisfaction(&a, satisfaction),
        categories,
        tsm: tsm::tsm(&a, &tsm_asked, stock),
        months,
        quarters,
        extensions: PerStage {
            stage1: extensions1,
            stage2: extensions2,
        },
        compensation: stage::compensation(&a, &compensation),
        open_age_bands,
        category_outcomes,
        channels,
        code_versions: groups::code_versions(&a, code_versions),
        code_versions_responded: PerStage {
            stage1: responded1,
            stage2: responded2,
        },
        data_quality: quality_counts,
        method: Method {
            response_clock: input.rules.response_clock,
            code_2024_from: input.rules.code_2024_from,
            code_version_by: input.rules.code_version_by,
            calendar_division: calendar.division.key(),
            calendar_source: calendar.source.clone(),
            calendar_covers: [calendar.first, calendar.last],
            closure_days: calendar.closures.iter().copied().collect(),
            extension_rule: EXTENSION_RULE,
        },
        warnings,
        prior: None,
    })
}

/// What the run should say about a stage's extensions: agreed dates not recorded, and reasons
/// for long extensions that are not listed either way.
fn extension_warnings(stage: Stage, e: &Extensions, warnings: &mut Vec<String>) {
    let n = stage.number();
    let limit = stage.timescales().cap_2024;
    if e.agreed_date_missing > 0 {
        warnings.push(format!(
            "{} in the period {} flagged with no agreed date: each is counted as the full {limit} working days (record the agreed date in the export's stage{n}_extended_due column to judge them by it)",
            count_of(e.agreed_date_missing, &format!("stage {n} extension"), &format!("stage {n} extensions")),
            if e.agreed_date_missing == 1 { "is" } else { "are" },
        ));
    }
    if e.beyond_reason_not_listed > 0 {
        warnings.push(format!(
            "{} beyond {limit} working days {} a reason not listed under [values.extension_reason]: judged without good reason (list each reason under good_reason or other)",
            count_of(e.beyond_reason_not_listed, &format!("stage {n} extension"), &format!("stage {n} extensions")),
            if e.beyond_reason_not_listed == 1 { "records" } else { "record" },
        ));
    }
}
