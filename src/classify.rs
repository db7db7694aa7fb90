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
//! `stage{k}_timeliness_class` (the timeliness as its index in [`TIMELINESS`], which the figures
//! compare rather than text).

use chrono::NaiveDate;
use polars::prelude::*;
use serde::Serialize;

use crate::calendar::Calendar;
use crate::canonical::{Field, classes};
use crate::config::ResponseClock;
use crate::error::{PolarsContext, Result};
use crate::normalise::days_since_epoch;

/// Per-stage columns offered to analysts (`query`, `export`), after the canonical ones.
pub const ANALYST_COLUMNS: [&str; 9] = [
    "ack_due",
    "ack_on_time",
    "due",
    "extended_deadline",
    "deadline",
    "extension_recognised",
    "timeliness",
    "working_days",
    "withdrawn",
];

/// The rules a run is judged by; printed in the methodology.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rules {
    pub response_clock: ResponseClock,
    /// Stage-1 received dates from this day on are judged under the 2024 Code.
    pub code_2024_from: NaiveDate,
    /// Open stages are judged at this date.
    pub as_at: NaiveDate,
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
            as_at,
        }
    }
}

/// The values of `code_version`: the Code a complaint is judged under.
pub const CODE_VERSIONS: [&str; 2] = ["2022", "2024"];

/// The values of `stage{k}_timeliness`, each at its index in `stage{k}_timeliness_class`.
pub const TIMELINESS: [&str; 5] = [
    "within_base",
    "within_extension",
    "late",
    "open_in_time",
    "open_overdue",
];

/// Working days allowed (spec §1.2, §1.3, CV-2).
pub const ACK_DAYS: u32 = 5;

struct StageTimescales {
    response_2024: u32,
    cap_2024: u32,
    response_2022: u32,
    cap_2022: u32,
}

const STAGE1: StageTimescales = StageTimescales {
    response_2024: 10,
    cap_2024: 10,
    response_2022: 10,
    cap_2022: 10,
};
const STAGE2: StageTimescales = StageTimescales {
    response_2024: 20,
    cap_2024: 20,
    response_2022: 20,
    cap_2022: 10,
};

/// The columns of one stage in the canonical table.
struct StageFields {
    k: u8,
    received: Field,
    acknowledged: Field,
    responded: Field,
    extension: Field,
    notified: Field,
    extended_due: Field,
    outcome: Field,
    timescales: StageTimescales,
}

fn stage_fields(k: u8) -> StageFields {
    if k == 1 {
        StageFields {
            k,
            received: Field::Received,
            acknowledged: Field::Stage1Acknowledged,
            responded: Field::Stage1Responded,
            extension: Field::Stage1Extension,
            notified: Field::Stage1ExtensionNotified,
            extended_due: Field::Stage1ExtendedDue,
            outcome: Field::Stage1Outcome,
            timescales: STAGE1,
        }
    } else {
        StageFields {
            k,
            received: Field::Stage2Requested,
            acknowledged: Field::Stage2Acknowledged,
            responded: Field::Stage2Responded,
            extension: Field::Stage2Extension,
            notified: Field::Stage2ExtensionNotified,
            extended_due: Field::Stage2ExtendedDue,
            outcome: Field::Stage2Outcome,
            timescales: STAGE2,
        }
    }
}

/// Name of a classification column of stage k.
pub fn stage_col(k: u8, name: &str) -> String {
    format!("stage{k}_{name}")
}

fn date_lit(d: NaiveDate) -> Expr {
    lit(days_since_epoch(d)).cast(DataType::Date)
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
            .then(lit(CODE_VERSIONS[1]))
            .otherwise(lit(CODE_VERSIONS[0]))
            .alias("code_version"),
        refused.alias("refused"),
    ]);
    // The two stages are independent: each step of both is one batch of expressions, which
    // polars evaluates side by side.
    let [stage1, stage2] =
        [1u8, 2].map(|k| classify_stage(&stage_fields(k), calendar, rules, code_2024.clone()));
    for (one, two) in stage1.into_iter().zip(stage2) {
        lazy = lazy.with_columns([one, two].concat());
    }
    let scratch = [1u8, 2]
        .into_iter()
        .flat_map(|k| [stage_col(k, "cap_date"), stage_col(k, "ext_requested")]);
    lazy.drop(by_name(scratch, true, false))
        .collect()
        .ctx("classifying complaint stages")
}

/// One stage's columns, in steps: each step's expressions read only earlier steps' columns.
fn classify_stage(s: &StageFields, calendar: &Calendar, rules: &Rules, code_2024: Expr) -> Vec<Vec<Expr>> {
    let c = |name: &str| col(stage_col(s.k, name).as_str());
    let received = col(s.received.name());
    let response = col(s.responded.name());
    let ack_raw = col(s.acknowledged.name());
    let withdrawn_status = col(Field::Status.name())
        .eq(lit("withdrawn"))
        .fill_null(lit(false));
    let escalated = col(Field::Stage2Requested.name()).is_not_null();
    let is_latest_stage = if s.k == 1 { escalated.not() } else { escalated };
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
    let ack_due = calendar.add_wd_expr(received.clone(), ACK_DAYS);

    // Steps 2–3: the response clock and the base deadline.
    let t = &s.timescales;
    let (clock_2024, days_2024) = match rules.response_clock {
        ResponseClock::CodeCapped => (
            when(c("ack").is_null())
                .then(c("ack_due"))
                .otherwise(earlier(c("ack"), c("ack_due"))),
            t.response_2024,
        ),
        ResponseClock::LiteralAck => (c("ack").fill_null(received.clone()), t.response_2024),
        ResponseClock::FromReceipt => (received.clone(), t.response_2024 + ACK_DAYS),
    };
    // 2022 Code (CV-2): stage 1 from logging (the acknowledgement, else receipt); stage 2 from the request.
    let clock_2022 = if s.k == 1 {
        c("ack").fill_null(received.clone())
    } else {
        received.clone()
    };
    // The working days a Code allows after `start`, by the Code the stage is judged under.
    let after = |start: Expr, days_2024: u32, days_2022: u32| match days_2024 == days_2022 {
        true => calendar.add_wd_expr(start, days_2024),
        false => when(code_2024.clone())
            .then(calendar.add_wd_expr(start.clone(), days_2024))
            .otherwise(calendar.add_wd_expr(start, days_2022)),
    };
    let clock = when(code_2024.clone()).then(clock_2024).otherwise(clock_2022);
    let due = after(clock, days_2024, t.response_2022);

    // Steps 4–5: extensions.
    let notified = col(s.notified.name());
    let agreed = col(s.extended_due.name());
    let asked = col(s.extension.name())
        .fill_null(lit(false))
        .or(agreed.clone().is_not_null());
    let notified_in_time = notified.clone().is_null().or(notified.clone().lt_eq(c("due")));
    let cap_date = after(c("due"), t.cap_2024, t.cap_2022);
    let requested = agreed.fill_null(c("cap_date"));
    let extended = when(c("extension_recognised"))
        .then(earlier(c("ext_requested"), c("cap_date")))
        .otherwise(lit(NULL).cast(DataType::Date));
    let deadline = when(c("extended_deadline").gt(c("due")))
        .then(c("extended_deadline"))
        .otherwise(c("due"));

    // Step 6–7: classification.
    let as_at = date_lit(rules.as_at);
    let class = |class: &str| classes::index(&TIMELINESS, class);
    let no_class = classes::none;
    let timeliness_class = when(col("refused").or(received.clone().is_null()).or(c("withdrawn")))
        .then(no_class())
        .when(c("response_valid"))
        .then(
            when(response.clone().lt_eq(c("due")))
                .then(class("within_base"))
                .when(c("extension_recognised").and(response.clone().lt_eq(c("extended_deadline"))))
                .then(class("within_extension"))
                .otherwise(class("late")),
        )
        .when(
            response
                .clone()
                .is_null()
                .and(received.clone().lt_eq(as_at.clone())),
        )
        .then(
            when(as_at.lt_eq(c("deadline")))
                .then(class("open_in_time"))
                .otherwise(class("open_overdue")),
        )
        .otherwise(no_class());
    let timeliness = classes::named(&TIMELINESS, c("timeliness_class"));

    vec![
        vec![
            received.clone().alias(stage_col(s.k, "received")),
            ack.alias(stage_col(s.k, "ack")),
            ack_due.alias(stage_col(s.k, "ack_due")),
            response_valid.alias(stage_col(s.k, "response_valid")),
            withdrawn.alias(stage_col(s.k, "withdrawn")),
        ],
        vec![
            c("ack")
                .lt_eq(c("ack_due"))
                .fill_null(lit(false))
                .alias(stage_col(s.k, "ack_on_time")),
            received
                .clone()
                .is_not_null()
                .and(ack_raw.is_null())
                .alias(stage_col(s.k, "ack_missing")),
            due.alias(stage_col(s.k, "due")),
        ],
        vec![
            asked
                .clone()
                .and(notified_in_time.clone())
                .alias(stage_col(s.k, "extension_recognised")),
            asked
                .clone()
                .and(notified_in_time.not())
                .alias(stage_col(s.k, "extension_notified_late")),
            asked
                .and(notified.is_null())
                .alias(stage_col(s.k, "extension_notice_missing")),
            cap_date.alias(stage_col(s.k, "cap_date")),
        ],
        vec![requested.alias(stage_col(s.k, "ext_requested"))],
        vec![
            extended.alias(stage_col(s.k, "extended_deadline")),
            c("extension_recognised")
                .and(c("ext_requested").gt(c("cap_date")))
                .alias(stage_col(s.k, "extension_beyond_cap")),
        ],
        vec![
            deadline.alias(stage_col(s.k, "deadline")),
            when(c("response_valid"))
                .then(calendar.wd_between_expr(received, response))
                .otherwise(lit(NULL).cast(DataType::Int32))
                .alias(stage_col(s.k, "working_days")),
        ],
        vec![timeliness_class.alias(stage_col(s.k, "timeliness_class"))],
        vec![timeliness.alias(stage_col(s.k, "timeliness"))],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Division;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A one-complaint canonical table with the given stage fields set.
    fn complaint(fields: &[(Field, &str)]) -> DataFrame {
        let columns: Vec<Column> = Field::CANONICAL
            .iter()
            .map(|f| {
                let value = fields.iter().find(|(g, _)| g == f).map(|(_, v)| *v);
                let text = Column::new(f.name().into(), [value]);
                match f.dtype() {
                    DataType::Date => Column::new(f.name().into(), [value.map(|v| days_since_epoch(d(v)))])
                        .cast(&DataType::Date)
                        .unwrap(),
                    DataType::Boolean => Column::new(f.name().into(), [value.map(|v| v == "true")]),
                    DataType::Float64 => {
                        Column::new(f.name().into(), [value.map(|v| v.parse::<f64>().unwrap())])
                    }
                    _ => text,
                }
            })
            .collect();
        DataFrame::new(1, columns).unwrap()
    }

    fn rules(clock: ResponseClock) -> Rules {
        Rules {
            response_clock: clock,
            code_2024_from: d("2024-04-01"),
            as_at: d("2026-03-31"),
        }
    }

    fn judged(fields: &[(Field, &str)], clock: ResponseClock) -> DataFrame {
        let cal = Calendar::embedded(Division::EnglandAndWales, &[]).unwrap();
        classify(complaint(fields), &cal, &rules(clock)).unwrap()
    }

    fn text(frame: &DataFrame, name: &str) -> Option<String> {
        let c = frame.column(name).unwrap().cast(&DataType::String).unwrap();
        c.str().unwrap().get(0).map(str::to_string)
    }

    use Field::*;

    #[test]
    fn case_a_within_base() {
        let f = judged(
            &[
                (Received, "2024-04-08"),
                (Stage1Acknowledged, "2024-04-10"),
                (Stage1Responded, "2024-04-24"),
            ],
            ResponseClock::CodeCapped,
        );
        assert_eq!(text(&f, "stage1_ack_due").as_deref(), Some("2024-04-15"));
        assert_eq!(text(&f, "stage1_ack_on_time").as_deref(), Some("true"));
        assert_eq!(text(&f, "stage1_due").as_deref(), Some("2024-04-24"));
        assert_eq!(text(&f, "stage1_timeliness").as_deref(), Some("within_base"));
        assert_eq!(text(&f, "stage1_working_days").as_deref(), Some("12"));
        assert_eq!(text(&f, "code_version").as_deref(), Some("2024"));
    }

    #[test]
    fn case_b_late_acknowledgement_under_each_clock() {
        let input = [
            (Received, "2024-04-08"),
            (Stage1Acknowledged, "2024-04-17"),
            (Stage1Responded, "2024-04-30"),
        ];
        let capped = judged(&input, ResponseClock::CodeCapped);
        assert_eq!(text(&capped, "stage1_ack_on_time").as_deref(), Some("false"));
        assert_eq!(text(&capped, "stage1_due").as_deref(), Some("2024-04-29"));
        assert_eq!(text(&capped, "stage1_timeliness").as_deref(), Some("late"));
        let literal = judged(&input, ResponseClock::LiteralAck);
        assert_eq!(text(&literal, "stage1_due").as_deref(), Some("2024-05-01"));
        assert_eq!(
            text(&literal, "stage1_timeliness").as_deref(),
            Some("within_base")
        );
        let receipt = judged(&input, ResponseClock::FromReceipt);
        assert_eq!(text(&receipt, "stage1_due").as_deref(), Some("2024-04-29"));
        assert_eq!(text(&receipt, "stage1_timeliness").as_deref(), Some("late"));
    }

    #[test]
    fn case_c_extension_notified_in_time() {
        let f = judged(
            &[
                (Received, "2025-04-17"),
                (Stage1Acknowledged, "2025-04-22"),
                (Stage1Extension, "true"),
                (Stage1ExtensionNotified, "2025-05-01"),
                (Stage1Responded, "2025-05-19"),
            ],
            ResponseClock::CodeCapped,
        );
        assert_eq!(text(&f, "stage1_ack_due").as_deref(), Some("2025-04-28"));
        assert_eq!(text(&f, "stage1_due").as_deref(), Some("2025-05-07"));
        assert_eq!(
            text(&f, "stage1_extended_deadline").as_deref(),
            Some("2025-05-21")
        );
        assert_eq!(text(&f, "stage1_timeliness").as_deref(), Some("within_extension"));
    }

    #[test]
    fn case_d_extension_notified_after_the_deadline_is_not_recognised() {
        let f = judged(
            &[
                (Received, "2025-04-17"),
                (Stage1Acknowledged, "2025-04-22"),
                (Stage1Extension, "true"),
                (Stage1ExtensionNotified, "2025-05-09"),
                (Stage1Responded, "2025-05-19"),
            ],
            ResponseClock::CodeCapped,
        );
        assert_eq!(text(&f, "stage1_extension_recognised").as_deref(), Some("false"));
        assert_eq!(
            text(&f, "stage1_extension_notified_late").as_deref(),
            Some("true")
        );
        assert_eq!(text(&f, "stage1_timeliness").as_deref(), Some("late"));
    }

    #[test]
    fn case_e_agreed_stage2_date_is_the_deadline_not_the_cap() {
        let f = judged(
            &[
                (Received, "2025-04-01"),
                (Stage2Requested, "2025-05-06"),
                (Stage2Acknowledged, "2025-05-08"),
                (Stage2ExtendedDue, "2025-06-27"),
                (Stage2Responded, "2025-06-30"),
            ],
            ResponseClock::CodeCapped,
        );
        assert_eq!(text(&f, "stage2_due").as_deref(), Some("2025-06-06"));
        assert_eq!(
            text(&f, "stage2_extended_deadline").as_deref(),
            Some("2025-06-27")
        );
        assert_eq!(text(&f, "stage2_timeliness").as_deref(), Some("late"));
    }

    #[test]
    fn case_f_2022_code_before_april_2024() {
        let f = judged(
            &[(Received, "2024-03-28"), (Stage1Acknowledged, "2024-04-04")],
            ResponseClock::CodeCapped,
        );
        assert_eq!(text(&f, "code_version").as_deref(), Some("2022"));
        assert_eq!(text(&f, "stage1_ack_due").as_deref(), Some("2024-04-08"));
        // 2022 rules: 10 working days from logging (the acknowledgement).
        assert_eq!(text(&f, "stage1_due").as_deref(), Some("2024-04-18"));
    }

    #[test]
    fn extension_beyond_the_cap_is_capped() {
        let f = judged(
            &[
                (Received, "2024-04-08"),
                (Stage1Acknowledged, "2024-04-10"),
                (Stage1ExtendedDue, "2024-05-31"),
                (Stage1Responded, "2024-05-20"),
            ],
            ResponseClock::CodeCapped,
        );
        // Base due 24 April; the cap is 10 working days later: 9 May (6 May is a bank holiday).
        assert_eq!(
            text(&f, "stage1_extended_deadline").as_deref(),
            Some("2024-05-09")
        );
        assert_eq!(text(&f, "stage1_extension_beyond_cap").as_deref(), Some("true"));
        assert_eq!(text(&f, "stage1_timeliness").as_deref(), Some("late"));
    }

    #[test]
    fn open_stages_are_judged_at_as_at() {
        let f = judged(
            &[(Received, "2026-03-20"), (Stage1Acknowledged, "2026-03-24")],
            ResponseClock::CodeCapped,
        );
        assert_eq!(text(&f, "stage1_due").as_deref(), Some("2026-04-09"));
        assert_eq!(text(&f, "stage1_timeliness").as_deref(), Some("open_in_time"));
        let f = judged(&[(Received, "2026-01-05")], ResponseClock::CodeCapped);
        assert_eq!(text(&f, "stage1_timeliness").as_deref(), Some("open_overdue"));
        assert_eq!(text(&f, "stage1_ack_missing").as_deref(), Some("true"));
    }

    #[test]
    fn acknowledgement_after_the_response_counts_as_made_with_it() {
        let f = judged(
            &[
                (Received, "2024-04-08"),
                (Stage1Acknowledged, "2024-04-20"),
                (Stage1Responded, "2024-04-12"),
            ],
            ResponseClock::CodeCapped,
        );
        assert_eq!(text(&f, "stage1_ack_on_time").as_deref(), Some("true"));
        assert_eq!(text(&f, "stage1_timeliness").as_deref(), Some("within_base"));
    }

    #[test]
    fn response_before_receipt_is_left_out_of_timeliness() {
        let f = judged(
            &[(Received, "2024-04-08"), (Stage1Responded, "2023-04-12")],
            ResponseClock::CodeCapped,
        );
        assert_eq!(text(&f, "stage1_response_valid").as_deref(), Some("false"));
        assert_eq!(text(&f, "stage1_timeliness"), None);
        assert_eq!(text(&f, "stage1_working_days"), None);
    }
}
