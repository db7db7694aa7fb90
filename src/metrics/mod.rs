//! Stage 4 — metrics: every figure of the 8.1 report, the 9.7 board updates and the TSM
//! complaint measures, computed with polars from the classified table. [`Metrics`] serialises
//! to the `metrics` JSON, whose keys are a contract (README, "metrics JSON").
//!
//! Attribution (README, "Methodology"): received by the stage's received date (stage 2: the
//! escalation request); acknowledgement by received date; responses, timeliness and outcomes by
//! the response date; open = received on or before as_at with no response by as_at.

mod figures;

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use polars::prelude::*;
use serde::Serialize;

use crate::calendar::Calendar;
use crate::canonical::Field;
use crate::classify::{Rules, stage_col};
use crate::config::{Config, Period};
use crate::error::{Error, PolarsContext, Result};
use crate::normalise::{DataQuality, days_since_epoch};
pub use figures::{pct, per_1000, round_half_up};

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
    pub median_working_days_to_respond: Option<f64>,
    pub mean_working_days_to_respond: Option<f64>,
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
    pub homes: Option<u64>,
    pub stage1_received: u64,
    pub stage2_received: u64,
    pub CH01_stage1_per_1000: Option<f64>,
    pub CH01_stage2_per_1000: Option<f64>,
    pub stage1_responded: u64,
    pub stage2_responded: u64,
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
    /// Agreed date beyond the Code's maximum: the deadline was capped.
    pub beyond_cap: u64,
    /// Notified after the base deadline: not recognised.
    pub notified_late: u64,
    /// No notification date recorded: assumed notified in time.
    pub notice_date_missing: u64,
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
}

/// How the figures were counted, for the methodology.
#[derive(Debug, Clone, Serialize)]
pub struct Method {
    pub response_clock: crate::config::ResponseClock,
    pub code_2024_from: NaiveDate,
    pub calendar_division: &'static str,
    pub calendar_source: String,
    pub calendar_covers: [NaiveDate; 2],
    pub closure_days: Vec<NaiveDate>,
    pub extension_rule: &'static str,
}

const EXTENSION_RULE: &str = "An extension counts when the extension flag or an extended due date is recorded and, where a notification date is recorded, it is on or before the base deadline; the extended deadline is the agreed date, capped at 10 working days (stage 1) or 20 (stage 2; 10 under the 2022 Code) after the base deadline.";

/// Computes the metrics for `period` and, when the data covers it, the period before.
pub fn compute(
    classified: &DataFrame,
    quality: &DataQuality,
    config: &Config,
    calendar: &Calendar,
    rules: &Rules,
    period: Period,
) -> Result<Metrics> {
    let prior = prior_period(period);
    let with_prior = has_received_in(classified, prior)?;
    let one = |p: Period| compute_one(classified, quality, config, calendar, rules, p);
    // The two years' figures do not depend on each other: the prior year's are worked out on
    // another thread beside this year's (a small export's queries are mostly single-threaded).
    let (metrics, prior) = std::thread::scope(|scope| {
        let prior = with_prior.then(|| scope.spawn(move || one(prior)));
        let metrics = one(period);
        let prior = prior.map(|h| h.join().expect("computing figures does not panic"));
        (metrics, prior)
    });
    let mut metrics = metrics?;
    metrics.prior = prior.transpose()?.map(Box::new);
    Ok(metrics)
}

/// The figures for any span (a quarter, a year to date), without the prior period.
pub fn compute_period(analysis: &crate::commands::Analysis, period: Period) -> Result<Metrics> {
    compute_one(
        &analysis.classified,
        &analysis.normalised.quality,
        &analysis.config,
        &analysis.calendar,
        &analysis.rules,
        period,
    )
}

/// The same span one year earlier, judged at its own end.
pub fn prior_period(p: Period) -> Period {
    let back = |d: NaiveDate| d.checked_sub_months(Months::new(12)).unwrap_or(d);
    let end = back(p.end);
    Period {
        start: back(p.start),
        end,
        as_at: end,
    }
}

fn date_lit(d: NaiveDate) -> Expr {
    lit(days_since_epoch(d)).cast(DataType::Date)
}

fn has_received_in(t: &DataFrame, p: Period) -> Result<bool> {
    let n = t
        .clone()
        .lazy()
        .filter(figures::between(
            col(Field::Received.name()),
            date_lit(p.start),
            date_lit(p.end),
        ))
        .select([len()])
        .collect()
        .ctx("checking the prior period")?;
    Ok(figures::first_u64(&n, "len")? > 0)
}

/// Boolean columns saying how each stage row relates to the period: worked out once as columns
/// (with the comparisons of text the figures need), then read by every figure's query, whose
/// counts are then sums of bits.
#[derive(Clone)]
struct StageMasks {
    received_in: Expr,
    responded_in: Expr,
    open_at: Expr,
    overdue_at: Expr,
    /// Responded in the period, by timeliness class and outcome.
    within_base: Expr,
    within_extension: Expr,
    within: Expr,
    late: Expr,
    upheld: Expr,
    partly_upheld: Expr,
    not_upheld: Expr,
    no_outcome: Expr,
}

const MASK_NAMES: [&str; 12] = [
    "received_in",
    "responded_in",
    "open_at",
    "overdue_at",
    "within_base",
    "within_extension",
    "within",
    "late",
    "upheld",
    "partly_upheld",
    "not_upheld",
    "no_outcome",
];

/// Effective tenure flags, as columns (see [`effective_tenure`]).
const LCRA: &str = "__lcra";
const LCHO: &str = "__lcho";

fn mask_column(k: u8, name: &str) -> String {
    format!("__s{k}_{name}")
}

/// The period's masks as columns, in two steps (the second reads the first's).
fn mask_columns(p: Period) -> [Vec<Expr>; 2] {
    let period = [1u8, 2].into_iter().flat_map(|k| {
        let c = |name: &str| col(stage_col(k, name).as_str());
        let responded = col(responded_field(k).name());
        let not_refused = col("refused").not();
        let in_period = |e: Expr| figures::between(e, date_lit(p.start), date_lit(p.end));
        let received_in = in_period(c("received")).and(not_refused.clone());
        let responded_in = in_period(responded.clone())
            .and(c("response_valid"))
            .and(c("withdrawn").not())
            .and(not_refused.clone());
        let as_at = date_lit(p.as_at);
        let open_at = not_refused
            .and(c("withdrawn").not())
            .and(c("received").lt_eq(as_at.clone()).fill_null(lit(false)))
            .and(responded.clone().is_null().or(responded.gt(as_at.clone())));
        let overdue_at = open_at.clone().and(as_at.gt(c("deadline")).fill_null(lit(false)));
        [received_in, responded_in, open_at, overdue_at]
            .into_iter()
            .zip(MASK_NAMES)
            .map(move |(mask, name)| mask.fill_null(lit(false)).alias(mask_column(k, name)))
    });
    let first = period.collect();
    let responded = [1u8, 2].into_iter().flat_map(|k| {
        let responded_in = col(mask_column(k, "responded_in").as_str());
        let class = |name: &str| {
            col(stage_col(k, "timeliness_class").as_str()).eq(crate::canonical::classes::index(
                &crate::classify::TIMELINESS,
                name,
            ))
        };
        let outcome = col(if k == 1 {
            Field::Stage1Outcome.name()
        } else {
            Field::Stage2Outcome.name()
        });
        let is_outcome = |v: &str| outcome.clone().eq(lit(v));
        [
            class("within_base"),
            class("within_extension"),
            class("within_base").or(class("within_extension")),
            class("late"),
            is_outcome("upheld"),
            is_outcome("partly_upheld"),
            is_outcome("not_upheld"),
            outcome.clone().is_null(),
        ]
        .into_iter()
        .zip(&MASK_NAMES[4..])
        .map(move |(mask, name)| {
            responded_in
                .clone()
                .and(mask.fill_null(lit(false)))
                .alias(mask_column(k, name))
        })
    });
    [first, responded.collect()]
}

/// Stage `k`'s masks, read from the columns [`mask_columns`] added.
fn stage_masks(k: u8) -> StageMasks {
    let c = |name: &str| col(mask_column(k, name).as_str());
    StageMasks {
        received_in: c("received_in"),
        responded_in: c("responded_in"),
        open_at: c("open_at"),
        overdue_at: c("overdue_at"),
        within_base: c("within_base"),
        within_extension: c("within_extension"),
        within: c("within"),
        late: c("late"),
        upheld: c("upheld"),
        partly_upheld: c("partly_upheld"),
        not_upheld: c("not_upheld"),
        no_outcome: c("no_outcome"),
    }
}

fn compute_one(
    t: &DataFrame,
    quality: &DataQuality,
    config: &Config,
    calendar: &Calendar,
    rules: &Rules,
    p: Period,
) -> Result<Metrics> {
    let mut warnings = Vec::new();
    let [lcra, lcho] = effective_tenure(t, config, &mut warnings);
    let [mut masks, responded_masks] = mask_columns(p);
    masks.extend(month_columns(p));
    masks.extend([lcra.alias(LCRA), lcho.alias(LCHO)]);
    let t = &crate::timings::step("metrics: masks", || {
        t.clone()
            .lazy()
            .with_columns(masks)
            .with_columns(responded_masks)
            .collect()
            .ctx("tenure")
    })?;
    let months = period_months(p).len();
    // Every single-number figure in one query.
    let mut batch = figures::Batch::default();
    for k in [1u8, 2] {
        coverage_counts(&mut batch, k);
        stage_counts(&mut batch, k);
        extension_counts(&mut batch, k);
    }
    tsm_counts(&mut batch);
    satisfaction_counts(&mut batch);
    compensation_sums(&mut batch);
    quality_counts(&mut batch);
    code_version_counts(&mut batch);
    batch.count(
        "resolved_s1",
        stage_masks(1)
            .responded_in
            .and(col(Field::Stage2Requested.name()).is_null()),
    );
    // The grouped figures are independent queries, most too small for polars to spread over the
    // cores itself: they are worked out on another thread beside the single numbers.
    let (answers, grouped) = std::thread::scope(|scope| {
        let grouped = scope.spawn(|| -> Result<_> {
            use crate::timings::step;
            Ok((
                step("metrics: months", || month_medians(t, months))?,
                PerStage {
                    stage1: step("metrics: ages", || age_bands(t, 1, p, calendar))?,
                    stage2: age_bands(t, 2, p, calendar)?,
                },
                step("metrics: categories", || by_category(t))?,
                step("metrics: channels", || {
                    figures::count_by(t, col(Field::Channel.name()), stage_masks(1).received_in)
                })?,
                step("metrics: refused", || refused_summary(t, p))?,
            ))
        });
        let answers = crate::timings::step("metrics: batch", || -> Result<_> {
            let mut answers = batch.run(t)?;
            month_counts(t, &mut answers, months)?;
            Ok(answers)
        });
        (answers, grouped.join().expect("computing figures does not panic"))
    });
    let a = answers?;
    for k in [1u8, 2] {
        check_coverage(t, &a, k)?;
    }
    let (medians, open_age_bands, (categories, category_outcomes), channels, refused) = grouped?;
    let (months, quarters) = monthly(p, &a, medians);
    let (stage1, stage2) = (stage_metrics(&a, 1), stage_metrics(&a, 2));
    let quality_counts = QualityCounts {
        acknowledgement_missing: PerStage {
            stage1: a.count("a1"),
            stage2: a.count("a2"),
        },
        response_before_receipt: PerStage {
            stage1: a.count("v1"),
            stage2: a.count("v2"),
        },
        tenure_not_lcra_or_lcho: a.count("tenure_unknown"),
    };
    if quality_counts.tenure_not_lcra_or_lcho > 0 {
        warnings.push(format!(
            "{} stage-1 complaint(s) received in the period have a tenure that is neither LCRA nor LCHO (or none): they count in the stage totals but not in the TSM tenure figures",
            quality_counts.tenure_not_lcra_or_lcho
        ));
    }
    Ok(Metrics {
        period: PeriodOut {
            start: p.start,
            end: p.end,
            as_at: p.as_at,
            label: p.label(),
        },
        records: Records {
            rows_read: quality.rows_read,
            included: quality.included,
            excluded: quality.excluded,
            complaints: quality.complaints,
        },
        escalation_rate_pct: pct(stage2.received, stage1.received),
        resolved_at_stage1_pct: pct(a.count("resolved_s1"), stage1.responded),
        stage1,
        stage2,
        refused,
        satisfaction: Satisfaction {
            responses: a.count("responses"),
            satisfied: a.count("satisfied"),
            pct: pct(a.count("satisfied"), a.count("responses")),
        },
        categories,
        tsm: tsm(&a, config),
        months,
        quarters,
        extensions: PerStage {
            stage1: extensions(&a, 1),
            stage2: extensions(&a, 2),
        },
        compensation: compensation(&a),
        open_age_bands,
        category_outcomes,
        channels,
        code_versions: code_versions(&a),
        data_quality: quality_counts,
        method: Method {
            response_clock: rules.response_clock,
            code_2024_from: rules.code_2024_from,
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

/// Stages the period needs whose deadline the calendar cannot compute.
fn uncovered(k: u8) -> Expr {
    let m = stage_masks(k);
    let c = |name: &str| col(stage_col(k, name).as_str());
    m.received_in
        .or(m.responded_in)
        .or(m.open_at)
        .and(c("received").is_not_null())
        .and(c("ack_due").is_null().or(c("due").is_null()))
}

fn coverage_counts(batch: &mut figures::Batch, k: u8) {
    batch.count(&format!("uncovered_s{k}"), uncovered(k));
}

/// A deadline the calendar cannot compute, for a stage the period needs, is an error.
fn check_coverage(t: &DataFrame, a: &figures::Answers, k: u8) -> Result<()> {
    let count = a.count(&format!("uncovered_s{k}"));
    if count == 0 {
        return Ok(());
    }
    let c = |name: &str| col(stage_col(k, name).as_str());
    let missing = t
        .clone()
        .lazy()
        .filter(uncovered(k))
        .select([col(Field::Reference.name()), c("received")])
        .limit(1)
        .collect()
        .ctx("checking calendar coverage")?;
    let refs = crate::normalise::texts(&missing, Field::Reference.name())?;
    let dates = crate::normalise::texts(&missing, &stage_col(k, "received"))?;
    Err(Error::Calendar(format!(
        "{count} stage {k} deadline(s) fall outside the working-day calendar (e.g. complaint {} received {}): give [calendar] holidays_file a gov.uk bank-holidays.json (or one date per line) covering those years",
        refs.first().cloned().flatten().unwrap_or_default(),
        dates.first().cloned().flatten().unwrap_or_default()
    )))
}

/// Whether each complaint is LCRA, and whether LCHO, for the TSM split (every other tenure is
/// neither). With a plain `homes = n` and no tenure column, every complaint is LCRA.
fn effective_tenure(t: &DataFrame, config: &Config, warnings: &mut Vec<String>) -> [Expr; 2] {
    let all_unknown = t
        .column(Field::Tenure.name())
        .map(|c| c.null_count() == c.len())
        .unwrap_or(true);
    if all_unknown {
        if matches!(config.homes, Some(crate::config::Homes::All(_))) {
            return [lit(true), lit(false)];
        }
        warnings.push("no tenure column: the TSM figures by LCRA/LCHO cannot be split; map [columns] tenure or give a plain homes = n (all LCRA)".into());
    }
    ["LCRA", "LCHO"].map(|t| col(Field::Tenure.name()).eq(lit(t)).fill_null(lit(false)))
}

/// The name of one of stage `k`'s counts.
fn stage_count(k: u8, name: &str) -> String {
    format!("s{k}.{name}")
}

fn stage_counts(batch: &mut figures::Batch, k: u8) {
    let m = stage_masks(k);
    let c = |name: &str| col(stage_col(k, name).as_str());
    for (name, mask) in [
        ("received", m.received_in.clone()),
        ("withdrawn", m.received_in.clone().and(c("withdrawn"))),
        ("ack_on_time", m.received_in.clone().and(c("ack_on_time"))),
        ("responded", m.responded_in.clone()),
        ("within_base", m.within_base),
        ("within_extension", m.within_extension),
        ("late", m.late),
        ("open", m.open_at),
        ("overdue", m.overdue_at),
        ("upheld", m.upheld),
        ("partly_upheld", m.partly_upheld),
        ("not_upheld", m.not_upheld),
        ("no_outcome", m.no_outcome),
    ] {
        batch.count(&stage_count(k, name), mask);
    }
    batch.working_days(
        &stage_count(k, "days"),
        &stage_col(k, "working_days"),
        m.responded_in,
    );
}

fn stage_metrics(a: &figures::Answers, k: u8) -> StageMetrics {
    let count = |name: &str| a.count(&stage_count(k, name));
    let days = a.working_days(&stage_count(k, "days"));
    let responded = count("responded");
    let known = count("upheld") + count("partly_upheld") + count("not_upheld");
    StageMetrics {
        received: count("received"),
        withdrawn: count("withdrawn"),
        acknowledged_on_time: count("ack_on_time"),
        acknowledged_on_time_pct: pct(count("ack_on_time"), count("received")),
        responded,
        within_base: count("within_base"),
        within_extension: count("within_extension"),
        late: count("late"),
        within_timescale_pct: pct(count("within_base") + count("within_extension"), responded),
        within_base_pct: pct(count("within_base"), responded),
        median_working_days_to_respond: days.median,
        mean_working_days_to_respond: days.mean,
        open_at_end: count("open"),
        open_overdue_at_end: count("overdue"),
        outcomes: Outcomes {
            upheld: count("upheld"),
            partly_upheld: count("partly_upheld"),
            not_upheld: count("not_upheld"),
            other: responded - known,
            not_recorded: count("no_outcome"),
        },
    }
}

fn refused_summary(t: &DataFrame, p: Period) -> Result<Refused> {
    let in_period = figures::between(col(Field::Received.name()), date_lit(p.start), date_lit(p.end));
    let by_reason = figures::count_by(t, col(Field::RefusalReason.name()), col("refused").and(in_period))?;
    Ok(Refused {
        total: by_reason.values().sum(),
        by_reason,
    })
}

/// Stage-1 complaints received in the period by the Code version they are judged under.
fn code_version_counts(batch: &mut figures::Batch) {
    for version in crate::classify::CODE_VERSIONS {
        batch.count(
            &format!("code_version.{version}"),
            stage_masks(1)
                .received_in
                .and(col("code_version").eq(lit(version))),
        );
    }
}

fn code_versions(a: &figures::Answers) -> BTreeMap<String, u64> {
    crate::classify::CODE_VERSIONS
        .iter()
        .map(|v| (v.to_string(), a.count(&format!("code_version.{v}"))))
        .filter(|(_, n)| *n > 0)
        .collect()
}

fn satisfaction_counts(batch: &mut figures::Batch) {
    let responded = stage_masks(1).responded_in.or(stage_masks(2).responded_in);
    let answer = col(Field::Satisfaction.name());
    batch.count("responses", responded.clone().and(answer.clone().is_not_null()));
    batch.count(
        "satisfied",
        responded.and(answer.eq(lit("satisfied")).fill_null(lit(false))),
    );
}

/// Complaints received in the period by category, per stage, and stage responses in the period
/// (both stages) by category and outcome: one grouping by category.
fn by_category(t: &DataFrame) -> Result<(BTreeMap<String, StageCounts>, BTreeMap<String, Outcomes>)> {
    let (m1, m2) = (stage_masks(1), stage_masks(2));
    let named = |mask: Expr, name: &str| mask.alias(name);
    let mut masks = vec![
        named(m1.received_in.clone(), "r1"),
        named(m2.received_in.clone(), "r2"),
    ];
    for (k, m) in [(1u8, &m1), (2, &m2)] {
        masks.extend([
            named(m.responded_in.clone(), &format!("total{k}")),
            named(m.upheld.clone(), &format!("upheld{k}")),
            named(m.partly_upheld.clone(), &format!("partly_upheld{k}")),
            named(m.not_upheld.clone(), &format!("not_upheld{k}")),
            named(m.no_outcome.clone(), &format!("missing{k}")),
        ]);
    }
    let groups = figures::sums_by_text(t, col(Field::Category.name()), masks)?;
    let mut categories: BTreeMap<String, StageCounts> = BTreeMap::new();
    let mut outcomes: BTreeMap<String, Outcomes> = BTreeMap::new();
    for (name, sums) in groups {
        let get = |v: &str| sums.get(v).copied().unwrap_or(0);
        if get("r1") + get("r2") > 0 {
            categories.insert(
                name.clone(),
                StageCounts {
                    stage1: get("r1"),
                    stage2: get("r2"),
                },
            );
        }
        if get("total1") + get("total2") > 0 {
            let o = outcomes.entry(name).or_default();
            for k in [1u8, 2] {
                let get = |v: &str| get(&format!("{v}{k}"));
                let (u, pu, nu) = (get("upheld"), get("partly_upheld"), get("not_upheld"));
                o.upheld += u;
                o.partly_upheld += pu;
                o.not_upheld += nu;
                o.other += get("total") - u - pu - nu;
                o.not_recorded += get("missing");
            }
        }
    }
    Ok((categories, outcomes))
}

fn tsm_name(tenure: &str, name: &str) -> String {
    format!("tsm.{tenure}.{name}")
}

fn tsm_counts(batch: &mut figures::Batch) {
    for (tenure, flag) in [("LCRA", LCRA), ("LCHO", LCHO)] {
        let is = col(flag);
        let (m1, m2) = (stage_masks(1), stage_masks(2));
        for (name, mask) in [
            ("r1", m1.received_in),
            ("r2", m2.received_in),
            ("d1", m1.responded_in),
            ("d2", m2.responded_in),
            ("w1", m1.within),
            ("w2", m2.within),
            ("b1", m1.within_base),
            ("b2", m2.within_base),
        ] {
            batch.count(&tsm_name(tenure, name), mask.and(is.clone()));
        }
    }
}

fn tsm(a: &figures::Answers, config: &Config) -> BTreeMap<String, TsmFigures> {
    let mut out = BTreeMap::new();
    for tenure in ["LCRA", "LCHO"] {
        let count = |name: &str| a.count(&tsm_name(tenure, name));
        let homes = config
            .homes
            .map(|h| if tenure == "LCRA" { h.lcra() } else { h.lcho() });
        let rate = |n: u64| homes.and_then(|h| per_1000(n, h));
        out.insert(
            tenure.to_string(),
            TsmFigures {
                homes,
                stage1_received: count("r1"),
                stage2_received: count("r2"),
                CH01_stage1_per_1000: rate(count("r1")),
                CH01_stage2_per_1000: rate(count("r2")),
                stage1_responded: count("d1"),
                stage2_responded: count("d2"),
                CH02_stage1_pct: pct(count("w1"), count("d1")),
                CH02_stage2_pct: pct(count("w2"), count("d2")),
                CH02_stage1_base_only_pct: pct(count("b1"), count("d1")),
                CH02_stage2_base_only_pct: pct(count("b2"), count("d2")),
            },
        );
    }
    out
}

/// The period's months (quarters count from the period start: Q1 = April–June for a
/// financial year), with their labels and starts only.
fn period_months(p: Period) -> Vec<PeriodRow> {
    let mut months = Vec::new();
    let mut start = NaiveDate::from_ymd_opt(p.start.year(), p.start.month(), 1).expect("valid");
    while start <= p.end {
        months.push(PeriodRow {
            label: start.format("%Y-%m").to_string(),
            start: Some(start.max(p.start)),
            ..Default::default()
        });
        start = start + Months::new(1);
    }
    months
}

/// Each date's month of the period (0 = the month the period starts in), null outside the
/// period: a gather from a table of the period's days.
fn month_of_period(date: Expr, p: Period) -> Expr {
    let months: Vec<Option<i32>> = p
        .start
        .iter_days()
        .take_while(|d| *d <= p.end)
        .map(|d| Some((d.year() - p.start.year()) * 12 + d.month() as i32 - p.start.month() as i32))
        .collect();
    crate::gather::by_date(months, days_since_epoch(p.start), date, DataType::Int32)
}

fn month_column(k: u8, event: &str) -> String {
    format!("__month_s{k}_{event}")
}

/// The month of each stage's receipt and response, as columns.
fn month_columns(p: Period) -> Vec<Expr> {
    [1u8, 2]
        .into_iter()
        .flat_map(|k| {
            [
                ("received", col(stage_col(k, "received").as_str())),
                ("responded", col(responded_field(k).name())),
            ]
            .map(|(event, date)| month_of_period(date, p).alias(month_column(k, event)))
        })
        .collect()
}

fn month_count(i: usize, k: u8, name: &str) -> String {
    format!("month.{i}.s{k}.{name}")
}

/// Each month's counts for both stages: received by received date; responded and within the
/// timescale by response date.
fn month_counts(t: &DataFrame, answers: &mut figures::Answers, months: usize) -> Result<()> {
    for k in [1u8, 2] {
        for (name, mask, event) in [
            ("received", "received_in", "received"),
            ("responded", "responded_in", "responded"),
            ("within", "within", "responded"),
        ] {
            let counts = figures::counts_by_month(t, &month_column(k, event), &mask_column(k, mask), months)?;
            for (i, count) in counts.into_iter().enumerate() {
                answers.insert_count(month_count(i, k, name), count);
            }
        }
    }
    Ok(())
}

/// Medians of stage-1 working days to respond, by month and by quarter of the period, from one
/// count of each month's working days.
fn month_medians(t: &DataFrame, months: usize) -> Result<Medians> {
    let counts = figures::histogram(
        t,
        &mask_column(1, "responded_in"),
        &month_column(1, "responded"),
        &stage_col(1, "working_days"),
    )?;
    let medians = |of: &dyn Fn(usize) -> usize, rows: usize| -> Vec<Option<f64>> {
        (0..rows)
            .map(|row| {
                let days: Vec<(i64, u64)> = counts
                    .iter()
                    .filter(|(month, ..)| usize::try_from(*month).is_ok_and(|m| of(m) == row))
                    .map(|&(_, days, n)| (days, n))
                    .collect();
                figures::median_of_counts(&days)
            })
            .collect()
    };
    Ok(Medians {
        months: medians(&|m| m, months),
        quarters: medians(&|m| m / 3, months.div_ceil(3)),
    })
}

/// Medians of stage-1 working days to respond, for each month and quarter of the period.
struct Medians {
    months: Vec<Option<f64>>,
    quarters: Vec<Option<f64>>,
}

/// Month and quarter rows over the period, from the batch's counts and the medians.
fn monthly(p: Period, a: &figures::Answers, medians: Medians) -> (Vec<PeriodRow>, Vec<PeriodRow>) {
    let mut months = period_months(p);
    for (i, row) in months.iter_mut().enumerate() {
        row.stage1_received = a.count(&month_count(i, 1, "received"));
        row.stage2_received = a.count(&month_count(i, 2, "received"));
        row.stage1_responded = a.count(&month_count(i, 1, "responded"));
        row.stage1_within = a.count(&month_count(i, 1, "within"));
        row.stage2_responded = a.count(&month_count(i, 2, "responded"));
        row.stage2_within = a.count(&month_count(i, 2, "within"));
        row.median_working_days_stage1 = medians.months.get(i).copied().flatten();
    }
    set_percentages(&mut months);
    // A quarter's counts are its months' sums; only its median needs the rows.
    let mut quarters: Vec<PeriodRow> = months
        .chunks(3)
        .enumerate()
        .map(|(i, chunk)| {
            let mut quarter = PeriodRow {
                label: format!("Q{}", i + 1),
                start: chunk[0].start,
                median_working_days_stage1: medians.quarters.get(i).copied().flatten(),
                ..Default::default()
            };
            for m in chunk {
                quarter.stage1_received += m.stage1_received;
                quarter.stage2_received += m.stage2_received;
                quarter.stage1_responded += m.stage1_responded;
                quarter.stage1_within += m.stage1_within;
                quarter.stage2_responded += m.stage2_responded;
                quarter.stage2_within += m.stage2_within;
            }
            quarter
        })
        .collect();
    set_percentages(&mut quarters);
    (months, quarters)
}

fn set_percentages(rows: &mut [PeriodRow]) {
    for row in rows {
        row.stage1_within_pct = pct(row.stage1_within, row.stage1_responded);
        row.stage2_within_pct = pct(row.stage2_within, row.stage2_responded);
    }
}

fn responded_field(k: u8) -> Field {
    if k == 1 {
        Field::Stage1Responded
    } else {
        Field::Stage2Responded
    }
}

fn extension_counts(batch: &mut figures::Batch, k: u8) {
    let m = stage_masks(k).responded_in;
    let c = |name: &str| col(stage_col(k, name).as_str());
    for (name, mask) in [
        ("used", c("extension_recognised").or(c("extension_notified_late"))),
        ("recognised", c("extension_recognised")),
        ("beyond_cap", c("extension_beyond_cap")),
        ("late", c("extension_notified_late")),
        ("missing", c("extension_notice_missing")),
    ] {
        batch.count(&stage_count(k, &format!("extension.{name}")), m.clone().and(mask));
    }
}

fn extensions(a: &figures::Answers, k: u8) -> Extensions {
    let count = |name: &str| a.count(&stage_count(k, &format!("extension.{name}")));
    Extensions {
        used: count("used"),
        recognised: count("recognised"),
        beyond_cap: count("beyond_cap"),
        notified_late: count("late"),
        notice_date_missing: count("missing"),
    }
}

/// Compensation on complaints whose final response (stage 2 if escalated, else stage 1) is in
/// the period.
fn compensation_sums(batch: &mut figures::Batch) {
    let (m1, m2) = (stage_masks(1), stage_masks(2));
    let paid = col(Field::Compensation.name()).gt(lit(0.0)).fill_null(lit(false));
    let final_s1 = m1
        .responded_in
        .and(col(Field::Stage2Responded.name()).is_null())
        .and(paid.clone());
    let final_s2 = m2.responded_in.and(paid);
    batch.money("compensation.s1", Field::Compensation.name(), final_s1);
    batch.money("compensation.s2", Field::Compensation.name(), final_s2);
}

fn compensation(a: &figures::Answers) -> Compensation {
    let (s1, s2) = (a.money("compensation.s1"), a.money("compensation.s2"));
    let count = s1.count + s2.count;
    let total = round_half_up(s1.total + s2.total, 2);
    Compensation {
        count,
        total,
        mean: (count > 0).then(|| round_half_up(total / count as f64, 2)),
        by_stage: PerStage {
            stage1: s1,
            stage2: s2,
        },
    }
}

fn age_bands(t: &DataFrame, k: u8, p: Period, calendar: &Calendar) -> Result<AgeBands> {
    // Ages are worked out for the open cases only: a few among many.
    let open = t
        .clone()
        .lazy()
        .filter(stage_masks(k).open_at)
        .select([calendar
            .wd_between_expr(col(stage_col(k, "received").as_str()), date_lit(p.as_at))
            .alias("age")])
        .collect()
        .ctx("ageing open cases")?;
    let age = || col("age");
    let band = |lo: i32, hi: i32| age().gt_eq(lit(lo)).and(age().lt_eq(lit(hi)));
    let mut batch = figures::Batch::default();
    batch.count("a", band(0, 10));
    batch.count("b", band(11, 20));
    batch.count("c", band(21, 40));
    batch.count("d", age().gt(lit(40)));
    let counts = batch.run(&open)?;
    Ok(AgeBands {
        up_to_10: counts.count("a"),
        from_11_to_20: counts.count("b"),
        from_21_to_40: counts.count("c"),
        over_40: counts.count("d"),
    })
}

fn quality_counts(batch: &mut figures::Batch) {
    for k in [1u8, 2] {
        let m = stage_masks(k);
        let responded = col(responded_field(k).name());
        batch.count(
            &format!("a{k}"),
            m.received_in
                .clone()
                .and(col(stage_col(k, "ack_missing").as_str())),
        );
        batch.count(
            &format!("v{k}"),
            m.received_in
                .and(responded.is_not_null())
                .and(col(stage_col(k, "response_valid").as_str()).not()),
        );
    }
    batch.count(
        "tenure_unknown",
        stage_masks(1).received_in.and(col(LCRA).or(col(LCHO)).not()),
    );
}
