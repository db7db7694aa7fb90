//! Classify's vectors, worked out by hand against the Code.

use super::*;
use crate::domain::calendar::Division;
use crate::domain::dates::days_since_epoch;

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
                DataType::Float64 => Column::new(f.name().into(), [value.map(|v| v.parse::<f64>().unwrap())]),
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
        code_version_by: CodeVersionBy::ComplaintReceived,
        as_at: d("2026-03-31"),
        good_reasons: vec!["contractor access".into()],
        other_reasons: Vec::new(),
    }
}

/// A complaint classified, with the analysts' columns as at 31 March 2026.
fn judged(fields: &[(Field, &str)], clock: ResponseClock) -> DataFrame {
    let cal = Calendar::embedded(Division::EnglandAndWales, &[]).unwrap();
    let rules = rules(clock);
    let as_at = crate::domain::stage::Stage::BOTH
        .map(|stage| as_at_columns(stage, rules.as_at, &cal))
        .concat();
    let classified = classify(complaint(fields), &cal, &rules).unwrap();
    classified.lazy().with_columns(as_at).collect().unwrap()
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
    // The Code's clock starts at the acknowledgement: 11 April to 24 April is 10 working days.
    assert_eq!(text(&f, "stage1_working_days_from_ack").as_deref(), Some("10"));
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

/// Received 8 April 2024, acknowledged 10 April: base due 24 April, and 10 working days
/// later is 9 May (6 May is a bank holiday). The agreed date, 31 May, is beyond that.
fn long_extension(reason: Option<&str>) -> DataFrame {
    let mut fields = vec![
        (Received, "2024-04-08"),
        (Stage1Acknowledged, "2024-04-10"),
        (Stage1ExtendedDue, "2024-05-31"),
        (Stage1Responded, "2024-05-20"),
    ];
    fields.extend(reason.map(|r| (Stage1ExtensionReason, r)));
    judged(&fields, ResponseClock::CodeCapped)
}

#[test]
fn an_extension_beyond_10_days_with_good_reason_is_judged_by_the_agreed_date() {
    let f = long_extension(Some("  Contractor ACCESS "));
    assert_eq!(text(&f, "stage1_extension_good_reason").as_deref(), Some("true"));
    assert_eq!(
        text(&f, "stage1_extended_deadline").as_deref(),
        Some("2024-05-31")
    );
    assert_eq!(
        text(&f, "stage1_extension_beyond_with_reason").as_deref(),
        Some("true")
    );
    assert_eq!(text(&f, "stage1_extension_beyond_cap").as_deref(), Some("false"));
    assert_eq!(text(&f, "stage1_timeliness").as_deref(), Some("within_extension"));
}

#[test]
fn a_reason_not_listed_as_good_reason_leaves_the_extension_at_10_days() {
    for reason in [None, Some("Staff leave")] {
        let f = long_extension(reason);
        assert_eq!(text(&f, "stage1_extension_good_reason").as_deref(), Some("false"));
        assert_eq!(
            text(&f, "stage1_extended_deadline").as_deref(),
            Some("2024-05-09")
        );
        assert_eq!(text(&f, "stage1_extension_beyond_cap").as_deref(), Some("true"));
        assert_eq!(text(&f, "stage1_timeliness").as_deref(), Some("late"));
    }
}

#[test]
fn a_flag_with_no_agreed_date_counts_as_the_full_10_days_and_is_marked() {
    let f = judged(
        &[
            (Received, "2024-04-08"),
            (Stage1Acknowledged, "2024-04-10"),
            (Stage1Extension, "true"),
            (Stage1Responded, "2024-05-09"),
        ],
        ResponseClock::CodeCapped,
    );
    assert_eq!(text(&f, "stage1_extension_date_missing").as_deref(), Some("true"));
    assert_eq!(
        text(&f, "stage1_extended_deadline").as_deref(),
        Some("2024-05-09")
    );
    assert_eq!(text(&f, "stage1_timeliness").as_deref(), Some("within_extension"));
}

#[test]
fn stage_2_is_judged_by_the_code_its_own_start_chooses_when_asked() {
    // Received under the 2022 Code, escalated under the 2024 Code.
    let fields = [
        (Received, "2024-03-20"),
        (Stage1Acknowledged, "2024-03-21"),
        (Stage1Responded, "2024-04-03"),
        (Stage2Requested, "2024-04-15"),
        (Stage2Acknowledged, "2024-04-17"),
    ];
    let cal = Calendar::embedded(Division::EnglandAndWales, &[]).unwrap();
    let by_complaint = judged(&fields, ResponseClock::CodeCapped);
    assert_eq!(
        text(&by_complaint, "stage2_code_version").as_deref(),
        Some("2022")
    );
    // 2022 Code: 20 working days from the request (6 May is a bank holiday).
    assert_eq!(text(&by_complaint, "stage2_due").as_deref(), Some("2024-05-14"));
    let mut by_stage = rules(ResponseClock::CodeCapped);
    by_stage.code_version_by = CodeVersionBy::StageReceived;
    let f = classify(complaint(&fields), &cal, &by_stage).unwrap();
    assert_eq!(text(&f, "stage1_code_version").as_deref(), Some("2022"));
    assert_eq!(text(&f, "stage2_code_version").as_deref(), Some("2024"));
    // 2024 Code: 20 working days from the acknowledgement.
    assert_eq!(text(&f, "stage2_due").as_deref(), Some("2024-05-16"));
    // The complaint-level column stays by the stage-1 receipt.
    assert_eq!(text(&f, "code_version").as_deref(), Some("2022"));
}

#[test]
fn open_stages_are_judged_at_as_at() {
    let f = judged(
        &[(Received, "2026-03-20"), (Stage1Acknowledged, "2026-03-24")],
        ResponseClock::CodeCapped,
    );
    assert_eq!(text(&f, "stage1_due").as_deref(), Some("2026-04-09"));
    assert_eq!(text(&f, "stage1_timeliness").as_deref(), Some("open_in_time"));
    // 23–27 and 30–31 March: 7 working days old at 31 March.
    assert_eq!(text(&f, "stage1_open_age_working_days").as_deref(), Some("7"));
    let f = judged(&[(Received, "2026-01-05")], ResponseClock::CodeCapped);
    assert_eq!(text(&f, "stage1_timeliness").as_deref(), Some("open_overdue"));
    // 19 working days left in January, 20 in February, 22 in March.
    assert_eq!(text(&f, "stage1_open_age_working_days").as_deref(), Some("61"));
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

#[test]
fn a_stage_answered_after_the_as_at_date_was_open_at_it() {
    // Received 5 January 2026, answered 15 April (late, after the as-at date of 31 March).
    let f = judged(
        &[
            (Received, "2026-01-05"),
            (Stage1Acknowledged, "2026-01-06"),
            (Stage1Responded, "2026-04-15"),
        ],
        ResponseClock::CodeCapped,
    );
    // The final outcome: late. As at 31 March: open, past its deadline of 20 January.
    assert_eq!(text(&f, "stage1_timeliness").as_deref(), Some("late"));
    assert_eq!(text(&f, "stage1_deadline").as_deref(), Some("2026-01-20"));
    assert_eq!(text(&f, "stage1_status_as_at").as_deref(), Some("open"));
    assert_eq!(
        text(&f, "stage1_timeliness_as_at").as_deref(),
        Some("open_overdue")
    );
    assert_eq!(text(&f, "stage1_open_age_working_days").as_deref(), Some("61"));
}

#[test]
fn the_as_at_columns_name_each_standing() {
    let at = |fields: &[(Field, &str)]| {
        let f = judged(fields, ResponseClock::CodeCapped);
        (
            text(&f, "stage1_status_as_at"),
            text(&f, "stage1_timeliness_as_at"),
            text(&f, "stage1_open_age_working_days"),
        )
    };
    let owned = |s: &str| Some(s.to_string());
    // Answered by the as-at date: as the final outcome.
    assert_eq!(
        at(&[(Received, "2026-03-02"), (Stage1Responded, "2026-03-09")]),
        (owned("answered"), owned("within_base"), None)
    );
    // Received after it.
    assert_eq!(
        at(&[(Received, "2026-04-01")]),
        (owned("received_later"), None, None)
    );
    // Withdrawn and refused are never open, whenever they ended.
    assert_eq!(
        at(&[(Received, "2026-03-02"), (Stage1Outcome, "withdrawn")]),
        (owned("withdrawn"), None, None)
    );
    assert_eq!(
        at(&[(Received, "2026-03-02"), (Status, "refused")]),
        (owned("refused"), None, None)
    );
    // Answered on 1 April within its deadline of 9 April (Easter falls between): open in time
    // at 31 March, 6 working days old (24–27, 30–31 March).
    assert_eq!(
        at(&[
            (Received, "2026-03-23"),
            (Stage1Acknowledged, "2026-03-24"),
            (Stage1Responded, "2026-04-01")
        ]),
        (owned("open"), owned("open_in_time"), owned("6"))
    );
}
