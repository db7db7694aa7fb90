//! Stage 3 — classify: judge every complaint stage against the Complaint Handling Code in working
//! days (spec §1.6), as polars expressions over the canonical table.
//!
//! Columns added, for k = 1 and 2 (issue-pinned names first):
//! `code_version` ("2022" | "2024"), `stage{k}_ack_due`, `stage{k}_ack_on_time`, `stage{k}_due`
//! (base response deadline), `stage{k}_extended_deadline`, `stage{k}_timeliness`
//! (within_base | within_extension | late | open_in_time | open_overdue), `stage{k}_working_days`
//! (received → response); and `stage{k}_received`, `stage{k}_deadline` (the deadline in force),
//! `stage{k}_extension_recognised`, `stage{k}_extension_beyond_cap`,
//! `stage{k}_extension_notified_late`, `stage{k}_extension_notice_missing`,
//! `stage{k}_response_valid`, `stage{k}_withdrawn`, `stage{k}_ack_missing`, `refused`, and
//! `stage{k}_timeliness_class` (the timeliness as its index in [`Timeliness::NAMES`], which the figures
//! compare rather than text). The analysts' table adds, from the same definitions of open and
//! overdue as the figures ([`as_at_columns`]), how each stage stood at the as-at date.

mod as_at;
mod working_days;

use chrono::NaiveDate;
use polars::prelude::*;
use serde::Serialize;

use crate::domain::calendar::Calendar;
use crate::domain::canonical::{Field, classes};
use crate::domain::dates::date_lit;
use crate::domain::stage::{
    ACK_DAYS, CODE_VERSION, CodeVersion, CodeVersionBy, REFUSED, ResponseClock, Stage, StageColumn,
    Timeliness,
};
use crate::error::{PolarsContext, Result};
pub use as_at::{as_at_columns, open_at, overdue_at};
pub use working_days::{add_wd, wd_between};

/// The rules a run is judged by; printed in the methodology.
#[derive(Debug, Clone, Serialize)]
pub struct Rules {
    pub response_clock: ResponseClock,
    /// Dates from this day on are judged under the 2024 Code.
    pub code_2024_from: NaiveDate,
    /// Which date is compared with `code_2024_from`.
    pub code_version_by: CodeVersionBy,
    /// Open stages are judged at this date.
    pub as_at: NaiveDate,
    /// Extension reasons that are good reason for more than 10/20 working days, lower-cased
    /// (`[values.extension_reason] good_reason`).
    pub good_reasons: Vec<String>,
    /// Reasons the landlord has reviewed and found not to be good reason (`other`).
    pub other_reasons: Vec<String>,
}

impl Rules {
    /// The rules a config sets, judging open stages at `as_at`. The 2024 Code applies from
    /// 1 April 2024 unless `[timeliness] code_2024_from` says otherwise.
    pub fn from_config(config: &crate::config::Config, as_at: NaiveDate) -> Rules {
        Rules {
            response_clock: config.timeliness.response_clock,
            code_2024_from: config
                .timeliness
                .code_2024_from
                .unwrap_or(NaiveDate::from_ymd_opt(2024, 4, 1).expect("valid date")),
            code_version_by: config.timeliness.code_version_by,
            as_at,
            good_reasons: reasons(config, "good_reason"),
            other_reasons: reasons(config, "other"),
        }
    }

    /// Whether a stage's recorded extension reason is listed as good reason (false when none
    /// is recorded).
    pub fn good_reason(&self, reason: Expr) -> Expr {
        listed(&self.good_reasons, reason)
    }

    /// Whether a recorded reason is listed at all (as good reason or not).
    pub fn reason_listed(&self, reason: Expr) -> Expr {
        listed(&self.good_reasons, reason.clone()).or(listed(&self.other_reasons, reason))
    }
}

/// One key's reasons under `[values.extension_reason]`, as compared: trimmed, lower case.
fn reasons(config: &crate::config::Config, key: &str) -> Vec<String> {
    config
        .values
        .extension_reason
        .iter()
        .flat_map(|m| m.get(key))
        .flatten()
        .map(|r| r.trim().to_lowercase())
        .collect()
}

/// Whether the reason, trimmed and in lower case, is one of `list` (false when none is recorded).
fn listed(list: &[String], reason: Expr) -> Expr {
    let reason = reason.str().strip_chars(lit(NULL)).str().to_lowercase();
    list.iter()
        .fold(lit(false), |any, r| any.or(reason.clone().eq(lit(r.clone()))))
        .fill_null(lit(false))
}

fn earlier(a: Expr, b: Expr) -> Expr {
    when(a.clone().lt(b.clone())).then(a).otherwise(b)
}

/// Adds the classification columns to the canonical table.
pub fn classify(complaints: DataFrame, calendar: &Calendar, rules: &Rules) -> Result<DataFrame> {
    let code_2024 = col(Field::Received.name()).gt_eq(date_lit(rules.code_2024_from));
    let refused = col(Field::Status.name()).eq(lit("refused")).fill_null(lit(false));
    let mut lazy = complaints.lazy().with_columns([
        when(code_2024.clone())
            .then(lit(CodeVersion::V2024.name()))
            .otherwise(lit(CodeVersion::V2022.name()))
            .alias(CODE_VERSION),
        refused.alias(REFUSED),
    ]);
    // The two stages are independent: each step of both is one batch of expressions, which
    // polars evaluates side by side.
    let [stage1, stage2] = Stage::BOTH.map(|stage| classify_stage(stage, calendar, rules));
    for (one, two) in stage1.into_iter().zip(stage2) {
        lazy = lazy.with_columns([one, two].concat());
    }
    let scratch = Stage::BOTH
        .into_iter()
        .flat_map(|stage| [StageColumn::CapDate, StageColumn::ExtensionRequested].map(|c| c.name(stage)));
    lazy.drop(by_name(scratch, true, false))
        .collect()
        .ctx("classifying complaint stages")
}

/// One stage's columns, in steps: each step's expressions read only earlier steps' columns.
fn classify_stage(stage: Stage, calendar: &Calendar, rules: &Rules) -> Vec<Vec<Expr>> {
    use StageColumn as C;
    let s = stage.fields();
    // The Code the stage is judged by, from the complaint's receipt or the stage's own start.
    // Judged by the complaint's receipt, a stage shares the complaint's `code_version` column.
    let by_complaint = match (stage, rules.code_version_by) {
        (_, CodeVersionBy::ComplaintReceived) | (Stage::One, _) => true,
        (Stage::Two, CodeVersionBy::StageReceived) => false,
    };
    let code_date = match by_complaint {
        true => col(Field::Received.name()),
        false => col(s.received.name()),
    };
    let code_2024 = code_date.gt_eq(date_lit(rules.code_2024_from));
    let code_version = match by_complaint {
        true => col(CODE_VERSION),
        false => when(code_2024.clone())
            .then(lit(CodeVersion::V2024.name()))
            .otherwise(lit(CodeVersion::V2022.name())),
    };
    let c = |column: StageColumn| col(column.name(stage));
    let name = |column: StageColumn| column.name(stage);
    let received = col(s.received.name());
    let response = col(s.responded.name());
    let ack_raw = col(s.acknowledged.name());
    let withdrawn_status = col(Field::Status.name())
        .eq(lit("withdrawn"))
        .fill_null(lit(false));
    let escalated = col(Field::Stage2Requested.name()).is_not_null();
    let is_latest_stage = match stage {
        Stage::One => escalated.not(),
        Stage::Two => escalated,
    };
    let withdrawn = col(s.outcome.name())
        .eq(lit("withdrawn"))
        .fill_null(lit(false))
        .or(withdrawn_status.and(is_latest_stage));

    // Step 1: acknowledgement. A late-dated acknowledgement counts as made with the response.
    let response_valid = response
        .clone()
        .is_not_null()
        .and(response.clone().gt_eq(received.clone()));
    let ack = when(response_valid.clone().and(ack_raw.clone().gt(response.clone())))
        .then(response.clone())
        .otherwise(ack_raw.clone());
    let ack_due = add_wd(calendar, received.clone(), ACK_DAYS);

    // Steps 2–3: the response clock and the base deadline.
    let t = stage.timescales();
    let (clock_2024, days_2024) = match rules.response_clock {
        ResponseClock::CodeCapped => (
            when(c(C::Ack).is_null())
                .then(c(C::AckDue))
                .otherwise(earlier(c(C::Ack), c(C::AckDue))),
            t.response_2024,
        ),
        ResponseClock::LiteralAck => (c(C::Ack).fill_null(received.clone()), t.response_2024),
        ResponseClock::FromReceipt => (received.clone(), t.response_2024 + ACK_DAYS),
    };
    // 2022 Code (CV-2): stage 1 from logging (the acknowledgement, else receipt); stage 2 from the request.
    let clock_2022 = match stage {
        Stage::One => c(C::Ack).fill_null(received.clone()),
        Stage::Two => received.clone(),
    };
    // The working days a Code allows after `start`, by the Code the stage is judged under.
    let after = |start: Expr, days_2024: u32, days_2022: u32| match days_2024 == days_2022 {
        true => add_wd(calendar, start, days_2024),
        false => when(code_2024.clone())
            .then(add_wd(calendar, start.clone(), days_2024))
            .otherwise(add_wd(calendar, start, days_2022)),
    };
    let clock = when(code_2024.clone()).then(clock_2024).otherwise(clock_2022);
    let due = after(clock.clone(), days_2024, t.response_2022);

    // Steps 4–5: extensions.
    let notified = col(s.notified.name());
    let agreed = col(s.extended_due.name());
    let asked = col(s.extension.name())
        .fill_null(lit(false))
        .or(agreed.clone().is_not_null());
    let notified_in_time = notified.clone().is_null().or(notified.clone().lt_eq(c(C::Due)));
    let cap_date = after(c(C::Due), t.cap_2024, t.cap_2022);
    let date_missing = asked.clone().and(agreed.clone().is_null());
    let requested = agreed.fill_null(c(C::CapDate));
    // Beyond 10/20 working days the agreed date stands only with good reason (6.4, 6.15).
    let extended = when(c(C::ExtensionRecognised))
        .then(
            when(c(C::ExtensionGoodReason))
                .then(c(C::ExtensionRequested))
                .otherwise(earlier(c(C::ExtensionRequested), c(C::CapDate))),
        )
        .otherwise(lit(NULL).cast(DataType::Date));
    let beyond = c(C::ExtensionRecognised).and(c(C::ExtensionRequested).gt(c(C::CapDate)));
    let deadline = when(c(C::ExtendedDeadline).gt(c(C::Due)))
        .then(c(C::ExtendedDeadline))
        .otherwise(c(C::Due));

    // Step 6–7: classification. A stage not answered is judged as it stands at the as-at date.
    let class = |class: Timeliness| classes::at(class.index());
    let no_class = classes::none;
    let timeliness_class = when(col(REFUSED).or(received.clone().is_null()).or(c(C::Withdrawn)))
        .then(no_class())
        .when(c(C::ResponseValid))
        .then(
            when(response.clone().lt_eq(c(C::Due)))
                .then(class(Timeliness::WithinBase))
                .when(c(C::ExtensionRecognised).and(response.clone().lt_eq(c(C::ExtendedDeadline))))
                .then(class(Timeliness::WithinExtension))
                .otherwise(class(Timeliness::Late)),
        )
        .when(response.clone().is_null())
        .then(as_at::open_class(stage, rules.as_at))
        .otherwise(no_class());
    let timeliness = classes::named(&Timeliness::NAMES, c(C::TimelinessClass));

    vec![
        vec![
            received.clone().alias(name(C::Received)),
            code_version.alias(name(C::CodeVersion)),
            ack.alias(name(C::Ack)),
            ack_due.alias(name(C::AckDue)),
            response_valid.alias(name(C::ResponseValid)),
            withdrawn.alias(name(C::Withdrawn)),
        ],
        vec![
            c(C::Ack)
                .lt_eq(c(C::AckDue))
                .fill_null(lit(false))
                .alias(name(C::AckOnTime)),
            received
                .clone()
                .is_not_null()
                .and(ack_raw.is_null())
                .alias(name(C::AckMissing)),
            due.alias(name(C::Due)),
            clock.alias(name(C::ClockStart)),
        ],
        vec![
            asked
                .clone()
                .and(notified_in_time.clone())
                .alias(name(C::ExtensionRecognised)),
            asked
                .clone()
                .and(notified_in_time.not())
                .alias(name(C::ExtensionNotifiedLate)),
            asked
                .clone()
                .and(notified.is_null())
                .alias(name(C::ExtensionNoticeMissing)),
            asked
                .and(rules.good_reason(col(s.extension_reason.name())))
                .alias(name(C::ExtensionGoodReason)),
            date_missing.alias(name(C::ExtensionDateMissing)),
            cap_date.alias(name(C::CapDate)),
        ],
        vec![requested.alias(name(C::ExtensionRequested))],
        vec![
            extended.alias(name(C::ExtendedDeadline)),
            beyond
                .clone()
                .and(c(C::ExtensionGoodReason).not())
                .alias(name(C::ExtensionBeyondCap)),
            beyond
                .and(c(C::ExtensionGoodReason))
                .alias(name(C::ExtensionBeyondWithReason)),
        ],
        vec![
            deadline.alias(name(C::Deadline)),
            when(c(C::ResponseValid))
                .then(wd_between(calendar, received, response.clone()))
                .otherwise(lit(NULL).cast(DataType::Int32))
                .alias(name(C::WorkingDays)),
            when(c(C::ResponseValid))
                .then(wd_between(calendar, c(C::ClockStart), response.clone()))
                .otherwise(lit(NULL).cast(DataType::Int32))
                .alias(name(C::WorkingDaysFromAck)),
        ],
        vec![timeliness_class.alias(name(C::TimelinessClass))],
        vec![timeliness.alias(name(C::Timeliness))],
    ]
}

#[cfg(test)]
mod tests;
