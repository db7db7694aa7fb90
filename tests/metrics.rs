//! `metrics` end to end, against figures worked out by hand (see the comments) and the spec's
//! worked TSM example.

mod common;

use common::metrics;
use serde_json::{Value, json};

#[test]
fn spec_2_5_worked_tsm_example() {
    let m = metrics(&common::fixture("tsm_worked_example.toml"), &[]);
    let lcra = &m["tsm"]["LCRA"];
    assert_eq!(lcra["homes"], 2000);
    assert_eq!(lcra["CH01_stage1_per_1000"], 2.0);
    assert_eq!(lcra["CH01_stage2_per_1000"], 0.5);
    assert_eq!(lcra["CH02_stage1_pct"], 75.0);
    assert_eq!(lcra["CH02_stage1_base_only_pct"], 50.0);
    assert_eq!(lcra["CH02_stage2_pct"], 0.0);
    assert_eq!(m["stage1"]["open_at_end"], 1);
    assert_eq!(m["stage1"]["open_overdue_at_end"], 0);
    assert_eq!(m["stage1"]["within_extension"], 1);
    assert_eq!(
        m["period"],
        json!({"start": "2025-04-01", "end": "2026-03-31", "as_at": "2026-03-31", "label": "2025-26"})
    );
    // No homes are LCHO: rates cannot be computed.
    assert_eq!(m["tsm"]["LCHO"]["CH01_stage1_per_1000"], Value::Null);
}

#[test]
fn hand_worked_fixture_fy_2024_25() {
    let m = metrics(&common::fixture("metrics_small.toml"), &[]);
    assert_eq!(
        m["records"],
        json!({"rows_read": 10, "included": 10, "excluded": 0, "complaints": 10})
    );

    // Stage 1 received in 2024/25 and not refused: M1 M2 M3 M4 M6 M7 M9 M10.
    let s1 = &m["stage1"];
    assert_eq!(s1["received"], 8);
    assert_eq!(s1["withdrawn"], 1); // M4
    // On time: M1 M3 M4 M6 M7 M10; M2 late (17/04 after 15/04), M9 none.
    assert_eq!(s1["acknowledged_on_time"], 6);
    // Responded in the period: M1 M2 M3 M10 and M8 (received 2023, answered 5 April 2024);
    // M7's response is dated before its receipt.
    assert_eq!(s1["responded"], 5);
    assert_eq!(s1["within_base"], 2); // M1 (due 24/04), M3
    assert_eq!(s1["within_extension"], 1); // M10: due 30/04, agreed 10/05, answered 09/05
    assert_eq!(s1["late"], 2); // M2 (capped clock: due 29/04), M8 (2022 Code: due 18/12/2023)
    assert_eq!(s1["within_timescale_pct"], 60.0);
    // Working days: M3 6, M1 12, M2 16, M10 17, M8 many → median 16.
    assert_eq!(s1["median_working_days_to_respond"], 16.0);
    assert_eq!(s1["open_at_end"], 2); // M6, M9
    assert_eq!(s1["open_overdue_at_end"], 1); // M9 (due 27/01/2025)
    assert_eq!(
        s1["outcomes"],
        json!({"upheld": 2, "partly_upheld": 2, "not_upheld": 1, "other": 0, "not_recorded": 0})
    );

    let s2 = &m["stage2"];
    assert_eq!(
        (
            s2["received"].clone(),
            s2["responded"].clone(),
            s2["within_base"].clone(),
            s2["within_timescale_pct"].clone()
        ),
        (json!(1), json!(1), json!(1), json!(100.0))
    );
    assert_eq!(s2["acknowledged_on_time"], 1);
    assert_eq!(s2["median_working_days_to_respond"], 14.0); // 20/05 → 10/06, 27 May a bank holiday
    assert_eq!(s2["outcomes"]["not_upheld"], 1);

    assert_eq!(m["escalation_rate_pct"], 12.5); // 1 / 8
    assert_eq!(m["resolved_at_stage1_pct"], 80.0); // M1 M2 M8 M10 of 5
    assert_eq!(
        m["refused"],
        json!({"total": 1, "by_reason": {"Over 12 months": 1}})
    );
    assert_eq!(
        m["satisfaction"],
        json!({"responses": 2, "satisfied": 1, "pct": 50.0})
    );
    assert_eq!(
        m["categories"],
        json!({"ASB": {"stage1": 1, "stage2": 1}, "Estate": {"stage1": 1, "stage2": 0}, "Repairs": {"stage1": 6, "stage2": 0}})
    );

    let lcra = &m["tsm"]["LCRA"];
    assert_eq!(lcra["CH01_stage1_per_1000"], 6.0);
    assert_eq!(lcra["CH01_stage2_per_1000"], 0.0);
    assert_eq!(lcra["CH02_stage1_pct"], 50.0); // M1, M10 of M1 M2 M8 M10
    assert_eq!(lcra["CH02_stage1_base_only_pct"], 25.0);
    assert_eq!(lcra["CH02_stage2_pct"], Value::Null);
    let lcho = &m["tsm"]["LCHO"];
    assert_eq!(
        (
            lcho["CH01_stage1_per_1000"].clone(),
            lcho["CH01_stage2_per_1000"].clone()
        ),
        (json!(5.0), json!(5.0))
    );
    assert_eq!(
        (lcho["CH02_stage1_pct"].clone(), lcho["CH02_stage2_pct"].clone()),
        (json!(100.0), json!(100.0))
    );
    assert_eq!(m["data_quality"]["tenure_not_lcra_or_lcho"], 1); // M6 leasehold

    assert_eq!(m["compensation"]["count"], 2);
    assert_eq!(m["compensation"]["total"], 150.0);
    assert_eq!(m["compensation"]["mean"], 75.0);
    assert_eq!(m["compensation"]["by_stage"]["stage2"]["total"], 50.0);
    assert_eq!(
        m["open_age_bands"]["stage1"],
        json!({"0-10": 1, "11-20": 0, "21-40": 0, "over_40": 1})
    );
    assert_eq!(m["extensions"]["stage1"]["recognised"], 1);
    assert_eq!(m["code_versions"], json!({"2024": 8}));
    assert_eq!(m["data_quality"]["acknowledgement_missing"]["stage1"], 1);
    assert_eq!(m["data_quality"]["response_before_receipt"]["stage1"], 1);

    let quarters: Vec<u64> = m["quarters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["stage1_received"].as_u64().unwrap())
        .collect();
    assert_eq!(quarters, [5, 1, 0, 2]);
    assert_eq!(m["months"].as_array().unwrap().len(), 12);

    // The input reaches back into 2023/24 (M8), so the prior year is there too.
    let prior = &m["prior"];
    assert_eq!(prior["period"]["end"], "2024-03-31");
    assert_eq!(prior["stage1"]["received"], 1);
    assert_eq!(prior["stage1"]["responded"], 0);
    assert_eq!(prior["stage1"]["open_overdue_at_end"], 1);
    assert_eq!(prior["prior"], Value::Null);
}

#[test]
fn as_at_and_period_flags() {
    let m = metrics(&common::fixture("metrics_small.toml"), &["--as-at", "2025-01-20"]);
    // At 20 January 2025, M9 (due 27 January) is open and in time; M6 not yet received.
    assert_eq!(m["stage1"]["open_at_end"], 1);
    assert_eq!(m["stage1"]["open_overdue_at_end"], 0);
    let m = metrics(&common::fixture("metrics_small.toml"), &["--period", "2023/24"]);
    assert_eq!(m["stage1"]["received"], 1);
    assert_eq!(m["prior"], Value::Null);
}

#[test]
fn response_clock_modes_change_case_b() {
    let dir = tempfile::tempdir().unwrap();
    let csv = common::fixture("metrics_small.csv");
    for (clock, late) in [("code_capped", 2), ("literal_ack", 1), ("from_receipt", 2)] {
        let config = dir.path().join(format!("{clock}.toml"));
        std::fs::write(
            &config,
            format!(
                "[report]\nperiod = \"2024/25\"\n[input]\nfiles = [{:?}]\n[timeliness]\nresponse_clock = \"{clock}\"\n",
                csv.to_str().unwrap()
            ),
        )
        .unwrap();
        let m = metrics(&config, &[]);
        // M2 (case B) is late unless the clock starts at the late acknowledgement.
        assert_eq!(m["stage1"]["late"], late, "{clock}");
    }
}

#[test]
fn csv_and_xlsx_of_the_same_data_give_identical_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    for layout in ["csv", "xlsx"] {
        let (code, _, stderr) = common::run(&[
            "generate-sample",
            "--out",
            out,
            "--layout",
            layout,
            "--complaints-per-year",
            "600",
        ]);
        assert_eq!(code, 0, "{stderr}");
    }
    let config = common::sample("config.toml");
    let csv = dir.path().join("complaints.csv");
    let xlsx = dir.path().join("complaints.xlsx");
    let a = metrics(&config, &["--input", csv.to_str().unwrap()]);
    let b = metrics(&config, &["--input", xlsx.to_str().unwrap()]);
    assert!(a["stage1"]["received"].as_u64().unwrap() > 500);
    assert_eq!(a, b);
}

#[test]
fn deadlines_beyond_the_calendar_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("late.csv");
    std::fs::write(&csv, "Ref,Received\nZ1,20/12/2027\n").unwrap();
    let config = dir.path().join("c.toml");
    std::fs::write(
        &config,
        "[report]\nstart = \"2027-04-01\"\nend = \"2027-12-31\"\n[input]\nfiles = [\"late.csv\"]\n",
    )
    .unwrap();
    let (code, _, stderr) = common::run(&["metrics", "--config", config.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("holidays_file") && stderr.contains("Z1"),
        "{stderr}"
    );
    // A period or as-at date beyond the calendar stops every command, validate included,
    // before anything is counted (ages there would print as zero).
    for (report, says) in [
        ("period = \"2027/28\"", "the period end 2028-03-31 is outside"),
        (
            "period = \"2024/25\"\nas_at = \"2028-06-30\"",
            "the as-at date 2028-06-30 is outside",
        ),
    ] {
        std::fs::write(
            &config,
            format!("[report]\n{report}\n[input]\nfiles = [\"late.csv\"]\n"),
        )
        .unwrap();
        for command in ["validate", "metrics"] {
            let (code, _, stderr) = common::run(&[command, "--config", config.to_str().unwrap()]);
            assert_eq!(code, 2, "{command}: {stderr}");
            assert!(
                stderr.contains(says) && stderr.contains("holidays_file"),
                "{stderr}"
            );
        }
    }
}

#[test]
fn sample_data_metrics_are_consistent() {
    let m = metrics(&common::sample("config.toml"), &[]);
    // Cross-checked against a separate implementation of the rules (Python, reading the two
    // sample files directly) when the sample data was generated.
    let s1 = &m["stage1"];
    assert_eq!(
        [
            &s1["received"],
            &s1["responded"],
            &s1["within_base"],
            &s1["within_extension"],
            &s1["late"]
        ],
        [1921, 1867, 1404, 130, 333]
    );
    assert_eq!(s1["median_working_days_to_respond"], 10.0);
    for stage in ["stage1", "stage2"] {
        let s = &m[stage];
        let responded = s["responded"].as_u64().unwrap();
        let classes = ["within_base", "within_extension", "late"]
            .iter()
            .map(|k| s[k].as_u64().unwrap())
            .sum::<u64>();
        assert_eq!(responded, classes, "{stage}");
        let o = &s["outcomes"];
        let outcomes = ["upheld", "partly_upheld", "not_upheld", "other"]
            .iter()
            .map(|k| o[k].as_u64().unwrap())
            .sum::<u64>();
        assert_eq!(responded, outcomes, "{stage}");
    }
    let months: u64 = m["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["stage1_received"].as_u64().unwrap())
        .sum();
    assert_eq!(months, m["stage1"]["received"].as_u64().unwrap());
    let categories: u64 = m["categories"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| c["stage1"].as_u64().unwrap())
        .sum();
    assert_eq!(categories, m["stage1"]["received"].as_u64().unwrap());
    // "REPAIRS " and "Repairs" are one category.
    assert!(
        m["categories"]
            .as_object()
            .unwrap()
            .keys()
            .all(|k| k != &k.to_uppercase())
    );
    assert_eq!(m["categories"].as_object().unwrap().len(), 10);
    assert!(m["prior"]["stage1"]["received"].as_u64().unwrap() > 1500);
}
