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

/// Boolean expressions saying how each stage row relates to the period.
#[derive(Clone)]
struct StageMasks {
    received_in: Expr,
    responded_in: Expr,
    open_at: Expr,
    overdue_at: Expr,
}

const MASK_NAMES: [&str; 4] = ["received_in", "responded_in", "open_at", "overdue_at"];

fn mask_column(k: u8, name: &str) -> String {
    format!("__s{k}_{name}")
}

/// The period's masks as columns: worked out once, then read by every figure's query.
fn mask_columns(p: Period) -> Vec<Expr> {
    [1u8, 2]
        .into_iter()
        .flat_map(|k| {
            let m = stage_mask_exprs(k, p);
            [m.received_in, m.responded_in, m.open_at, m.overdue_at]
                .into_iter()
                .zip(MASK_NAMES)
                .map(move |(mask, name)| mask.fill_null(lit(false)).alias(mask_column(k, name)))
        })
        .collect()
}

/// Stage `k`'s masks, read from the columns [`mask_columns`] added.
fn stage_masks(k: u8) -> StageMasks {
    let c = |name: &str| col(mask_column(k, name).as_str());
    StageMasks {
        received_in: c("received_in"),
        responded_in: c("responded_in"),
        open_at: c("open_at"),
        overdue_at: c("overdue_at"),
    }
}

fn stage_mask_exprs(k: u8, p: Period) -> StageMasks {
    let c = |name: &str| col(stage_col(k, name).as_str());
    let responded = col(if k == 1 {
        Field::Stage1Responded.name()
    } else {
        Field::Stage2Responded.name()
    });
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
    StageMasks {
        received_in,
        responded_in,
        open_at,
        overdue_at,
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
    let tenure = effective_tenure(t, config, &mut warnings);
    let t = &t
        .clone()
        .lazy()
        .with_column(tenure.alias("__tenure"))
        .with_columns(mask_columns(p))
        .collect()
        .ctx("tenure")?;
    check_coverage(t)?;
    // The figures are independent queries over one table, and most are too small for polars to
    // spread over the cores itself: half of them are worked out on another thread.
    let (first_half, second_half) = std::thread::scope(|scope| {
        let second_half = scope.spawn(|| -> Result<_> {
            Ok((
                monthly(t, p)?,
                PerStage {
                    stage1: extensions(t, 1)?,
                    stage2: extensions(t, 2)?,
                },
                compensation(t)?,
                PerStage {
                    stage1: age_bands(t, 1, p, calendar)?,
                    stage2: age_bands(t, 2, p, calendar)?,
                },
                category_outcomes(t)?,
                figures::count_by(t, col(Field::Channel.name()), stage_masks(1).received_in)?,
                figures::count_by(t, col("code_version"), stage_masks(1).received_in)?,
            ))
        });
        let first_half = (|| -> Result<_> {
            let counts = figures::count(
                t,
                vec![
                    (
                        "resolved_s1",
                        stage_masks(1)
                            .responded_in
                            .and(col(Field::Stage2Requested.name()).is_null()),
                    ),
                    (
                        "tenure_unknown",
                        stage_masks(1).received_in.and(col("__tenure").is_null()),
                    ),
                ],
            )?;
            Ok((
                stage_metrics(t, 1)?,
                stage_metrics(t, 2)?,
                counts,
                refused_summary(t, p)?,
                satisfaction(t)?,
                by_category(t)?,
                tsm(t, config)?,
            ))
        })();
        let second_half = second_half.join().expect("computing figures does not panic");
        (first_half, second_half)
    });
    let (stage1, stage2, counts, refused, satisfaction, categories, tsm) = first_half?;
    let (
        (months, quarters),
        extensions,
        compensation,
        open_age_bands,
        category_outcomes,
        channels,
        code_versions,
    ) = second_half?;
    let quality_counts = quality_counts(t, counts["tenure_unknown"])?;
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
        resolved_at_stage1_pct: pct(counts["resolved_s1"], stage1.responded),
        stage1,
        stage2,
        refused,
        satisfaction,
        categories,
        tsm,
        months,
        quarters,
        extensions,
        compensation,
        open_age_bands,
        category_outcomes,
        channels,
        code_versions,
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

/// A deadline the calendar cannot compute, for a stage the period needs, is an error.
fn check_coverage(t: &DataFrame) -> Result<()> {
    for k in [1u8, 2] {
        let m = stage_masks(k);
        let c = |name: &str| col(stage_col(k, name).as_str());
        let relevant = m.received_in.or(m.responded_in).or(m.open_at);
        let missing = t
            .clone()
            .lazy()
            .filter(
                relevant
                    .and(c("received").is_not_null())
                    .and(c("ack_due").is_null().or(c("due").is_null())),
            )
            .select([col(Field::Reference.name()), c("received")])
            .collect()
            .ctx("checking calendar coverage")?;
        if missing.height() > 0 {
            let refs = crate::normalise::texts(&missing, Field::Reference.name())?;
            let dates = crate::normalise::texts(&missing, &stage_col(k, "received"))?;
            return Err(Error::Calendar(format!(
                "{} stage {k} deadline(s) fall outside the working-day calendar (e.g. complaint {} received {}): give [calendar] holidays_file a gov.uk bank-holidays.json (or one date per line) covering those years",
                missing.height(),
                refs[0].clone().unwrap_or_default(),
                dates[0].clone().unwrap_or_default()
            )));
        }
    }
    Ok(())
}

/// LCRA / LCHO for the TSM split; everything else null. With a plain `homes = n` and no tenure
/// column, every complaint is LCRA.
fn effective_tenure(t: &DataFrame, config: &Config, warnings: &mut Vec<String>) -> Expr {
    let tenure = col(Field::Tenure.name());
    let all_unknown = t
        .column(Field::Tenure.name())
        .map(|c| c.null_count() == c.len())
        .unwrap_or(true);
    if all_unknown {
        if matches!(config.homes, Some(crate::config::Homes::All(_))) {
            return lit("LCRA");
        }
        warnings.push("no tenure column: the TSM figures by LCRA/LCHO cannot be split; map [columns] tenure or give a plain homes = n (all LCRA)".into());
    }
    when(tenure.clone().eq(lit("LCRA")).or(tenure.clone().eq(lit("LCHO"))))
        .then(tenure)
        .otherwise(lit(NULL).cast(DataType::String))
}

fn stage_metrics(t: &DataFrame, k: u8) -> Result<StageMetrics> {
    let m = stage_masks(k);
    let c = |name: &str| col(stage_col(k, name).as_str());
    let outcome = col(if k == 1 {
        Field::Stage1Outcome.name()
    } else {
        Field::Stage2Outcome.name()
    });
    let timeliness = |class: &str| {
        m.responded_in
            .clone()
            .and(c("timeliness").eq(lit(class)).fill_null(lit(false)))
    };
    let is_outcome = |v: &str| {
        m.responded_in
            .clone()
            .and(outcome.clone().eq(lit(v)).fill_null(lit(false)))
    };
    let counts = figures::count(
        t,
        vec![
            ("received", m.received_in.clone()),
            ("withdrawn", m.received_in.clone().and(c("withdrawn"))),
            ("ack_on_time", m.received_in.clone().and(c("ack_on_time"))),
            ("responded", m.responded_in.clone()),
            ("within_base", timeliness("within_base")),
            ("within_extension", timeliness("within_extension")),
            ("late", timeliness("late")),
            ("open", m.open_at.clone()),
            ("overdue", m.overdue_at.clone()),
            ("upheld", is_outcome("upheld")),
            ("partly_upheld", is_outcome("partly_upheld")),
            ("not_upheld", is_outcome("not_upheld")),
            ("no_outcome", m.responded_in.clone().and(outcome.is_null())),
        ],
    )?;
    let days = figures::working_days(t, &stage_col(k, "working_days"), m.responded_in)?;
    let responded = counts["responded"];
    let known = counts["upheld"] + counts["partly_upheld"] + counts["not_upheld"];
    Ok(StageMetrics {
        received: counts["received"],
        withdrawn: counts["withdrawn"],
        acknowledged_on_time: counts["ack_on_time"],
        acknowledged_on_time_pct: pct(counts["ack_on_time"], counts["received"]),
        responded,
        within_base: counts["within_base"],
        within_extension: counts["within_extension"],
        late: counts["late"],
        within_timescale_pct: pct(counts["within_base"] + counts["within_extension"], responded),
        within_base_pct: pct(counts["within_base"], responded),
        median_working_days_to_respond: days.median,
        mean_working_days_to_respond: days.mean,
        open_at_end: counts["open"],
        open_overdue_at_end: counts["overdue"],
        outcomes: Outcomes {
            upheld: counts["upheld"],
            partly_upheld: counts["partly_upheld"],
            not_upheld: counts["not_upheld"],
            other: responded - known,
            not_recorded: counts["no_outcome"],
        },
    })
}

fn refused_summary(t: &DataFrame, p: Period) -> Result<Refused> {
    let in_period = figures::between(col(Field::Received.name()), date_lit(p.start), date_lit(p.end));
    let by_reason = figures::count_by(t, col(Field::RefusalReason.name()), col("refused").and(in_period))?;
    Ok(Refused {
        total: by_reason.values().sum(),
        by_reason,
    })
}

fn satisfaction(t: &DataFrame) -> Result<Satisfaction> {
    let responded = stage_masks(1).responded_in.or(stage_masks(2).responded_in);
    let answer = col(Field::Satisfaction.name());
    let counts = figures::count(
        t,
        vec![
            ("responses", responded.clone().and(answer.clone().is_not_null())),
            (
                "satisfied",
                responded.and(answer.eq(lit("satisfied")).fill_null(lit(false))),
            ),
        ],
    )?;
    Ok(Satisfaction {
        responses: counts["responses"],
        satisfied: counts["satisfied"],
        pct: pct(counts["satisfied"], counts["responses"]),
    })
}

fn by_category(t: &DataFrame) -> Result<BTreeMap<String, StageCounts>> {
    let mut out: BTreeMap<String, StageCounts> = BTreeMap::new();
    for (category, n) in figures::count_by(t, col(Field::Category.name()), stage_masks(1).received_in)? {
        out.entry(category).or_default().stage1 = n;
    }
    for (category, n) in figures::count_by(t, col(Field::Category.name()), stage_masks(2).received_in)? {
        out.entry(category).or_default().stage2 = n;
    }
    Ok(out)
}

fn tsm(t: &DataFrame, config: &Config) -> Result<BTreeMap<String, TsmFigures>> {
    let mut out = BTreeMap::new();
    for tenure in ["LCRA", "LCHO"] {
        let is = col("__tenure").eq(lit(tenure)).fill_null(lit(false));
        let (m1, m2) = (stage_masks(1), stage_masks(2));
        let within = |k: u8, m: &StageMasks, base_only: bool| {
            let class = col(stage_col(k, "timeliness").as_str());
            let ok = if base_only {
                class.clone().eq(lit("within_base"))
            } else {
                class
                    .clone()
                    .eq(lit("within_base"))
                    .or(class.eq(lit("within_extension")))
            };
            m.responded_in
                .clone()
                .and(is.clone())
                .and(ok.fill_null(lit(false)))
        };
        let counts = figures::count(
            t,
            vec![
                ("r1", m1.received_in.clone().and(is.clone())),
                ("r2", m2.received_in.clone().and(is.clone())),
                ("d1", m1.responded_in.clone().and(is.clone())),
                ("d2", m2.responded_in.clone().and(is.clone())),
                ("w1", within(1, &m1, false)),
                ("w2", within(2, &m2, false)),
                ("b1", within(1, &m1, true)),
                ("b2", within(2, &m2, true)),
            ],
        )?;
        let homes = config
            .homes
            .map(|h| if tenure == "LCRA" { h.lcra() } else { h.lcho() });
        let rate = |n: u64| homes.and_then(|h| per_1000(n, h));
        out.insert(
            tenure.to_string(),
            TsmFigures {
                homes,
                stage1_received: counts["r1"],
                stage2_received: counts["r2"],
                CH01_stage1_per_1000: rate(counts["r1"]),
                CH01_stage2_per_1000: rate(counts["r2"]),
                stage1_responded: counts["d1"],
                stage2_responded: counts["d2"],
                CH02_stage1_pct: pct(counts["w1"], counts["d1"]),
                CH02_stage2_pct: pct(counts["w2"], counts["d2"]),
                CH02_stage1_base_only_pct: pct(counts["b1"], counts["d1"]),
                CH02_stage2_base_only_pct: pct(counts["b2"], counts["d2"]),
            },
        );
    }
    Ok(out)
}

/// Month and quarter rows over the period (quarters count from the period start: Q1 = April–June
/// for a financial year). Each stage is grouped once by month and once by quarter.
fn monthly(t: &DataFrame, p: Period) -> Result<(Vec<PeriodRow>, Vec<PeriodRow>)> {
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
    let mut quarters: Vec<PeriodRow> = months
        .chunks(3)
        .enumerate()
        .map(|(i, chunk)| PeriodRow {
            label: format!("Q{}", i + 1),
            start: chunk[0].start,
            ..Default::default()
        })
        .collect();
    // Each event's month is worked out once, for both the months and the quarters.
    let mut t = t.clone();
    for k in [1u8, 2] {
        for (event, name) in [
            ("received", stage_col(k, "received")),
            ("responded", responded_field(k).name().to_string()),
        ] {
            let months = months_since(&t, &name, p.start)?;
            t.with_column(months.with_name(month_column(k, event).into()))
                .ctx("months")?;
        }
    }
    let t = &t;
    fill_rows(t, &mut months)?;
    // A quarter's counts are its months' sums; only its median needs the rows again.
    for (quarter, its_months) in quarters.iter_mut().zip(months.chunks(3)) {
        for m in its_months {
            quarter.stage1_received += m.stage1_received;
            quarter.stage2_received += m.stage2_received;
            quarter.stage1_responded += m.stage1_responded;
            quarter.stage1_within += m.stage1_within;
            quarter.stage2_responded += m.stage2_responded;
            quarter.stage2_within += m.stage2_within;
        }
    }
    let medians = figures::grouped(
        t,
        stage_masks(1).responded_in,
        col(month_column(1, "responded").as_str()).floor_div(lit(3i64)),
        vec![
            col(stage_col(1, "working_days").as_str())
                .median()
                .alias("median"),
        ],
    )?;
    for (index, values) in medians {
        if let Some(quarter) = usize::try_from(index).ok().and_then(|i| quarters.get_mut(i)) {
            quarter.median_working_days_stage1 = values["median"];
        }
    }
    set_percentages(&mut quarters);
    Ok((months, quarters))
}

fn set_percentages(rows: &mut [PeriodRow]) {
    for row in rows {
        row.stage1_within_pct = pct(row.stage1_within, row.stage1_responded);
        row.stage2_within_pct = pct(row.stage2_within, row.stage2_responded);
    }
}

/// Whole months from `start`'s month to each date's month. Dates cluster in a few years, so
/// each distinct day is converted once, through a table over the column's range.
fn months_since(t: &DataFrame, name: &str, start: NaiveDate) -> Result<Column> {
    let days = t
        .column(name)
        .ctx("months")?
        .cast(&DataType::Int32)
        .ctx("months")?;
    let days = days.i32().ctx("months")?;
    let (Some(first), Some(last)) = (days.min(), days.max()) else {
        return Ok(Column::full_null("".into(), t.height(), &DataType::Int64));
    };
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    let month_of = |day: i32| -> Option<i64> {
        let date = epoch.checked_add_signed(chrono::Duration::days(day as i64))?;
        Some((date.year() as i64 - start.year() as i64) * 12 + date.month() as i64 - start.month() as i64)
    };
    let table: Vec<Option<i64>> = (first..=last).map(month_of).collect();
    let months: Int64Chunked = days
        .iter()
        .map(|d| d.and_then(|d| table[(d - first) as usize]))
        .collect();
    Ok(months.into_column())
}

fn month_column(k: u8, event: &str) -> String {
    format!("__month_s{k}_{event}")
}

fn responded_field(k: u8) -> Field {
    if k == 1 {
        Field::Stage1Responded
    } else {
        Field::Stage2Responded
    }
}

/// Counts per month for both stages.
fn fill_rows(t: &DataFrame, rows: &mut [PeriodRow]) -> Result<()> {
    for k in [1u8, 2] {
        let m = stage_masks(k);
        let class = col(stage_col(k, "timeliness").as_str());
        let within = class
            .clone()
            .eq(lit("within_base"))
            .or(class.eq(lit("within_extension")))
            .fill_null(lit(false));
        let received = figures::grouped(
            t,
            m.received_in,
            col(month_column(k, "received").as_str()),
            vec![len().alias("n")],
        )?;
        let answered = figures::grouped(
            t,
            m.responded_in,
            col(month_column(k, "responded").as_str()),
            vec![
                len().alias("n"),
                within.cast(DataType::UInt64).sum().alias("within"),
                col(stage_col(k, "working_days").as_str())
                    .median()
                    .alias("median"),
            ],
        )?;
        let count = rows.len();
        let at = move |index: i64| usize::try_from(index).ok().filter(|&i| i < count);
        for (index, values) in received {
            if let Some(i) = at(index) {
                let n = values["n"].unwrap_or(0.0) as u64;
                if k == 1 {
                    rows[i].stage1_received = n
                } else {
                    rows[i].stage2_received = n
                }
            }
        }
        for (index, values) in answered {
            if let Some(i) = at(index) {
                let (n, w) = (
                    values["n"].unwrap_or(0.0) as u64,
                    values["within"].unwrap_or(0.0) as u64,
                );
                let row = &mut rows[i];
                if k == 1 {
                    row.stage1_responded = n;
                    row.stage1_within = w;
                    row.median_working_days_stage1 = values["median"];
                } else {
                    row.stage2_responded = n;
                    row.stage2_within = w;
                }
            }
        }
    }
    set_percentages(rows);
    Ok(())
}

fn extensions(t: &DataFrame, k: u8) -> Result<Extensions> {
    let m = stage_masks(k).responded_in;
    let c = |name: &str| col(stage_col(k, name).as_str());
    let counts = figures::count(
        t,
        vec![
            (
                "used",
                m.clone()
                    .and(c("extension_recognised").or(c("extension_notified_late"))),
            ),
            ("recognised", m.clone().and(c("extension_recognised"))),
            ("beyond_cap", m.clone().and(c("extension_beyond_cap"))),
            ("late", m.clone().and(c("extension_notified_late"))),
            ("missing", m.and(c("extension_notice_missing"))),
        ],
    )?;
    Ok(Extensions {
        used: counts["used"],
        recognised: counts["recognised"],
        beyond_cap: counts["beyond_cap"],
        notified_late: counts["late"],
        notice_date_missing: counts["missing"],
    })
}

/// Compensation on complaints whose final response (stage 2 if escalated, else stage 1) is in
/// the period.
fn compensation(t: &DataFrame) -> Result<Compensation> {
    let (m1, m2) = (stage_masks(1), stage_masks(2));
    let paid = col(Field::Compensation.name()).gt(lit(0.0)).fill_null(lit(false));
    let final_s1 = m1
        .responded_in
        .and(col(Field::Stage2Responded.name()).is_null())
        .and(paid.clone());
    let final_s2 = m2.responded_in.and(paid);
    let s1 = figures::money(t, Field::Compensation.name(), final_s1)?;
    let s2 = figures::money(t, Field::Compensation.name(), final_s2)?;
    let count = s1.count + s2.count;
    let total = round_half_up(s1.total + s2.total, 2);
    Ok(Compensation {
        count,
        total,
        mean: (count > 0).then(|| round_half_up(total / count as f64, 2)),
        by_stage: PerStage {
            stage1: s1,
            stage2: s2,
        },
    })
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
    let counts = figures::count(
        &open,
        vec![
            ("a", band(0, 10)),
            ("b", band(11, 20)),
            ("c", band(21, 40)),
            ("d", age().gt(lit(40))),
        ],
    )?;
    Ok(AgeBands {
        up_to_10: counts["a"],
        from_11_to_20: counts["b"],
        from_21_to_40: counts["c"],
        over_40: counts["d"],
    })
}

fn category_outcomes(t: &DataFrame) -> Result<BTreeMap<String, Outcomes>> {
    let mut out: BTreeMap<String, Outcomes> = BTreeMap::new();
    for k in [1u8, 2] {
        let outcome = col(if k == 1 {
            Field::Stage1Outcome.name()
        } else {
            Field::Stage2Outcome.name()
        });
        let count_of = |v: &str| {
            outcome
                .clone()
                .eq(lit(v))
                .fill_null(lit(false))
                .cast(DataType::UInt64)
                .sum()
                .alias(v)
        };
        let groups = figures::grouped_by_text(
            t,
            stage_masks(k).responded_in,
            col(Field::Category.name()),
            vec![
                len().alias("total"),
                count_of("upheld"),
                count_of("partly_upheld"),
                count_of("not_upheld"),
                outcome
                    .clone()
                    .is_null()
                    .cast(DataType::UInt64)
                    .sum()
                    .alias("missing"),
            ],
        )?;
        for (name, values) in groups {
            let get = |v: &str| values.get(v).copied().flatten().unwrap_or(0.0) as u64;
            let o = out.entry(name).or_default();
            let (u, pu, nu) = (get("upheld"), get("partly_upheld"), get("not_upheld"));
            o.upheld += u;
            o.partly_upheld += pu;
            o.not_upheld += nu;
            o.other += get("total") - u - pu - nu;
            o.not_recorded += get("missing");
        }
    }
    Ok(out)
}

fn quality_counts(t: &DataFrame, tenure_unknown: u64) -> Result<QualityCounts> {
    let counts = figures::count(
        t,
        vec![
            (
                "a1",
                stage_masks(1)
                    .received_in
                    .and(col(stage_col(1, "ack_missing").as_str())),
            ),
            (
                "a2",
                stage_masks(2)
                    .received_in
                    .and(col(stage_col(2, "ack_missing").as_str())),
            ),
            ("v1", invalid_response_in(1)),
            ("v2", invalid_response_in(2)),
        ],
    )?;
    Ok(QualityCounts {
        acknowledgement_missing: PerStage {
            stage1: counts["a1"],
            stage2: counts["a2"],
        },
        response_before_receipt: PerStage {
            stage1: counts["v1"],
            stage2: counts["v2"],
        },
        tenure_not_lcra_or_lcho: tenure_unknown,
    })
}

fn invalid_response_in(k: u8) -> Expr {
    let responded = col(if k == 1 {
        Field::Stage1Responded.name()
    } else {
        Field::Stage2Responded.name()
    });
    stage_masks(k)
        .received_in
        .and(responded.is_not_null())
        .and(col(stage_col(k, "response_valid").as_str()).not())
}
