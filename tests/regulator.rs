//! Figures a regulator and a board would accept (issue 26), on a fixture small enough to work
//! out by hand: `tests/fixtures/regulator/`. Working days use the England and Wales bank
//! holidays (2024: 29 Mar, 1 Apr, 6 May, 27 May; 2025: 18 Apr, 21 Apr, 5 May, 26 May).
//!
//! The complaints, FY 2025/26 unless said:
//! - P1, P2: LCRA, received and answered in 2024/25, within time.
//! - A1–A3: LCRA, received Thu 17 Apr 2025, acknowledged 22 Apr (base deadline 7 May; 10
//!   working days later is 21 May), extension notified 1 May to 30 May, answered 28 May. A1's
//!   reason "Contractor access" is good reason, so 30 May stands: within extension. A2's "Staff
//!   leave" is listed as not good reason and A3's "Awaiting survey" is not listed: both stop at
//!   21 May, so both are late.
//! - A4: LCRA, as A1 but flagged with no agreed date or notice: the full 10 working days
//!   (21 May); answered 21 May, within extension.
//! - A5: LCHO, received 2 Jun, acknowledged 3 Jun, answered 10 Jun (within); escalated 20 Jun,
//!   acknowledged 24 Jun, answered 30 Jul (due 22 Jul: late).
//! - A6: leasehold (neither LCRA nor LCHO), as A5's stage 1.
//! - A7: LCRA, received 20 Mar 2024 (2022 Code), escalated 15 Apr 2024, acknowledged 17 Apr,
//!   answered 15 May 2024: 20 working days from the request end 14 May (late under the 2022
//!   Code); 20 from the acknowledgement end 16 May (within under the 2024 Code).

mod common;

use std::path::{Path, PathBuf};

use common::{annual, fixture, metrics, run, validate_json};
use serde_json::Value;

fn config() -> PathBuf {
    fixture("regulator/regulator.toml")
}

/// The fixture's config with `extra` added before its first table, in a folder of its own
/// (the input file is given by its full path).
fn config_with(extra: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(config()).unwrap();
    let folder = fixture("regulator");
    let text = text
        .replace("[report]", &format!("{extra}\n[report]"))
        .replace(
            "\"complaints.csv\"",
            &format!("{:?}", folder.join("complaints.csv")),
        )
        .replace(
            "\"self-assessment.csv\"",
            &format!("{:?}", folder.join("self-assessment.csv")),
        )
        .replace(
            "\"determinations.csv\"",
            &format!("{:?}", folder.join("determinations.csv")),
        );
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn ch01_divides_each_year_by_its_own_stock() {
    let m = metrics(&config(), &[]);
    let (lcra, lcho) = (&m["tsm"]["LCRA"], &m["tsm"]["LCHO"]);
    // A1–A4 over 2,000 LCRA homes; A5 over 400 LCHO homes. A6 (leasehold) is in neither.
    assert_eq!(lcra["stage1_received"], 4);
    assert_eq!(lcra["CH01_stage1_per_1000"], 2.0);
    assert_eq!(lcho["CH01_stage1_per_1000"], 2.5);
    assert_eq!(lcho["CH01_stage2_per_1000"], 2.5);
    assert_eq!(lcra["stock_date"], "2026-03-31");
    // The prior year: P1 and P2 over [homes.prior]'s 1,600 homes = 1.25, rounded half up to
    // 1.3 (this year's 2,000 would give 1.0); A7's escalation, 1 ÷ 1,600 = 0.625 → 0.6.
    let prior = &m["prior"]["tsm"]["LCRA"];
    assert_eq!(prior["homes"], 1600);
    assert_eq!(prior["stock_date"], "2025-03-31");
    assert_eq!(prior["CH01_stage1_per_1000"], 1.3);
    assert_eq!(prior["CH01_stage2_per_1000"], 0.6);
    // CH02(1) LCRA: A1 and A4 within of A1–A4 = 50.0%; every tenure: A1, A4, A5, A6 of six.
    assert_eq!(lcra["CH02_stage1_pct"], 50.0);
    assert_eq!(m["stage1"]["within_timescale_pct"], 66.7);
}

#[test]
fn without_the_prior_years_stock_its_ch01_is_not_worked_out() {
    let (_dir, path) = config_with("");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("[homes.prior]\nLCRA = 1600\nLCHO = 400\n", ""),
    )
    .unwrap();
    let m = metrics(&path, &[]);
    assert_eq!(m["prior"]["tsm"]["LCRA"]["CH01_stage1_per_1000"], Value::Null);
    assert!(
        m["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("[homes.prior]")),
        "{}",
        m["warnings"]
    );
}

#[test]
fn extensions_beyond_10_days_stand_only_with_good_reason() {
    let m = metrics(&config(), &[]);
    let e = &m["extensions"]["stage1"];
    assert_eq!(e["used"], 4);
    assert_eq!(e["beyond_with_good_reason"], 1, "A1");
    assert_eq!(e["beyond_cap"], 2, "A2 and A3");
    assert_eq!(e["beyond_reason_not_listed"], 1, "A3");
    assert_eq!(e["agreed_date_missing"], 1, "A4");
    assert_eq!(m["stage1"]["late"], 2);
    assert_eq!(m["data_quality"]["extension_agreed_date_missing"]["stage1"], 1);
    let warnings: Vec<&str> = m["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings.iter().any(|w| w.contains("flagged with no agreed date")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("not listed under [values.extension_reason]")),
        "{warnings:?}"
    );
}

#[test]
fn days_to_respond_are_counted_on_the_codes_clock_and_from_receipt() {
    let m = metrics(&config(), &[]);
    // Stage 1 from the acknowledgement: A1–A3 24, A4 20, A5 and A6 5 → median (24 + 20) / 2,
    // mean 102 / 6. From receipt each is one more (A1–A4) or one more (A5, A6).
    let s1 = &m["stage1"];
    assert_eq!(s1["median_working_days_from_ack"], 22.0);
    assert_eq!(s1["mean_working_days_from_ack"], 17.0);
    assert_eq!(s1["median_working_days_to_respond"], 23.0);
    assert_eq!(s1["mean_working_days_to_respond"], 18.0);
    // Stage 2: A5, 26 working days from the acknowledgement, 28 from the request.
    assert_eq!(m["stage2"]["median_working_days_from_ack"], 26.0);
    assert_eq!(m["stage2"]["median_working_days_to_respond"], 28.0);
}

#[test]
fn the_code_judging_stage_2_follows_code_version_by() {
    let judged = |by: &str| {
        let (_dir, path) = config_with(&format!("[timeliness]\ncode_version_by = \"{by}\""));
        metrics(&path, &["--period", "2024/25"])
    };
    let by_complaint = judged("complaint_received");
    assert_eq!(by_complaint["code_versions_responded"]["stage1"]["2022"], 1, "A7");
    assert_eq!(
        by_complaint["code_versions_responded"]["stage1"]["2024"], 2,
        "P1, P2"
    );
    assert_eq!(by_complaint["code_versions_responded"]["stage2"]["2022"], 1);
    assert_eq!(by_complaint["tsm"]["LCRA"]["CH02_stage2_pct"], 0.0);
    let by_stage = judged("stage_received");
    assert_eq!(by_stage["code_versions_responded"]["stage2"]["2024"], 1);
    assert_eq!(by_stage["tsm"]["LCRA"]["CH02_stage2_pct"], 100.0);
}

fn report(out: &Path, name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join(name)).unwrap()).unwrap()
}

fn rows<'a>(data: &'a Value, table: &str) -> Vec<Vec<&'a str>> {
    data["tables"][table]["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("no table {table}"))
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn the_report_labels_every_figure_by_its_basis_and_lists_points_to_check() {
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = annual(&config(), out.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let board = report(out.path(), "report-data.json");
    let web = report(out.path(), "report-data-web.json");

    // Every tile naming CH01 or CH02 is a tenure's; the all-tenure ones say they are not TSM.
    for tile in board["tiles"].as_array().unwrap() {
        let label = tile["label"].as_str().unwrap();
        assert!(!label.contains("CH02"), "{label}");
        if label.contains("within timescale") {
            assert!(label.contains("not a TSM measure"), "{label}");
        }
    }
    // T2: no rate for the row of every tenure, which has no stock to divide by.
    let t2 = rows(&board, "T2");
    let all = t2.last().unwrap();
    assert_eq!(all[0], "All complaints, every tenure (not a TSM measure)");
    assert_eq!((all[2], all[3], all[5]), ("6", "–", "–"));

    // Last year as published beside last year recomputed: CH01(1) 1.3 both; CH02(1) 80.0
    // published, 100.0 recomputed (P1, P2 and A7's stage 1 all within).
    let published = rows(&board, "TSMP");
    assert!(published.contains(&vec!["CH01(1) per 1,000 homes", "LCRA", "1.3", "1.3", "same"]));
    assert!(published.contains(&vec![
        "CH02(1) % within timescale",
        "LCRA",
        "80.0%",
        "100.0%",
        "+20.0"
    ]));

    // The maladministration rate is over the considered findings: D1's two and D3's one
    // (outside jurisdiction and withdrawn are not), two of them adverse: 66.7%. The web
    // edition prints no rate from fewer than 10.
    let rate = |data: &Value| {
        rows(data, "T11")
            .into_iter()
            .find(|r| r[0].starts_with("Maladministration rate"))
            .unwrap()[1]
            .to_string()
    };
    assert_eq!(rate(&board), "66.7");
    assert_eq!(rate(&web), "n/a (n<10)");
    let adverse = board["tiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| {
            t["label"]
                .as_str()
                .unwrap()
                .starts_with("Ombudsman adverse findings")
        })
        .unwrap();
    assert_eq!(adverse["value"], "2");

    // No Ombudsman landlord report is given: the report says so rather than "summarised below".
    let status = board["ombudsman_report"].as_str().unwrap();
    assert!(status.contains("for 2025/26 has not yet been issued"), "{status}");

    // Points to check: 6.3 and 6.4 are marked Yes against late responses and long extensions;
    // section 1 copies one evidence text; last year's CH02(1) differs from the published one.
    // 6.14 is marked No, and 6.2 and 6.11 hold: no point about them.
    let points: Vec<&str> = board["points_to_check"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    let about = |needle: &str| points.iter().filter(|p| p.contains(needle)).count();
    assert_eq!(
        about("self-assessment 6.3 is marked Yes, but 2 of the 6 stage 1 responses"),
        1,
        "{points:?}"
    );
    assert_eq!(
        about("self-assessment 6.4 is marked Yes, but 2 stage 1 extensions"),
        1,
        "{points:?}"
    );
    assert_eq!(
        about("section 1 (Definition of a complaint) gives the same evidence"),
        1,
        "{points:?}"
    );
    assert_eq!(about("CH02(1) LCRA as published (80.0)"), 1, "{points:?}");
    assert_eq!(points.len(), 4, "{points:?}");
    assert_eq!(web["points_to_check"], Value::Array(vec![]));
    assert!(
        stderr.contains("check: self-assessment 6.3 is marked Yes"),
        "{stderr}"
    );

    // The form's Yes/No: 6.14 is No with its action.
    let actions = board["self_assessment"]["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(
        (actions[0]["provision"].as_str(), actions[0]["comply"].as_str()),
        (Some("6.14"), Some("No"))
    );
}

#[test]
fn validate_lists_the_points_to_check() {
    let (code, json) = validate_json(&config(), &[]);
    assert_eq!(code, 0);
    let points = json["points_to_check"].as_array().unwrap();
    assert!(
        points
            .iter()
            .any(|p| p.as_str().unwrap().contains("self-assessment 6.4 is marked Yes")),
        "{points:?}"
    );
    let (code, stdout, _) = run(&["validate", "--config", config().to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("Points to check before the annual report (4)"),
        "{stdout}"
    );
}

#[test]
fn the_latest_ombudsman_report_given_is_shown_when_the_years_is_not_issued() {
    let (_dir, path) = config_with(
        "[[ombudsman_report]]\nyear = \"2024/25\"\npublished_on = 2025-10-20\nmaladministration_rate = 55.0\ncomplaint_handling_failure_orders = 0\n",
    );
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = annual(&path, out.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let board = report(out.path(), "report-data.json");
    let status = board["ombudsman_report"].as_str().unwrap();
    assert!(
        status.contains(
            "for 2025/26 has not yet been issued. The latest one given is for 2024/25, published 20 Oct 2025"
        ),
        "{status}"
    );
    let figures = rows(&board, "TO");
    assert_eq!(figures[0], vec!["Our maladministration rate", "55.0%"]);
    assert_eq!(figures[1], vec!["Complaint handling failure orders", "0"]);
}
