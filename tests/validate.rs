//! `validate` end to end: row accounting, ledger reasons, warnings and exit codes.

mod common;

use common::{fixture, run, sample, validate_json};
use serde_json::Value;

fn reasons(json: &Value) -> Vec<(String, u64, String)> {
    json["exclusions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let file = e["file"].as_str().unwrap();
            let name = file.rsplit(['/', '\\']).next().unwrap().to_string();
            (
                name,
                e["row"].as_u64().unwrap(),
                e["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn warning<'a>(json: &'a Value, code: &str, field: &str) -> Option<&'a Value> {
    json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == code && w["field"] == field)
}

#[test]
fn sample_data_accounts_for_every_row() {
    let (code, json) = validate_json(&sample("config.toml"), &[]);
    assert_eq!(code, 0);
    // Counted independently from the two files: 2,012 + 2,011 data rows; 6 without a reference,
    // 2 with the received date "TBC", 16 repeated rows; 3,992 distinct references remain.
    assert_eq!(json["rows_read"], 4023);
    assert_eq!(json["excluded"], 24);
    assert_eq!(json["included"], 3999);
    assert_eq!(json["complaints"], 3992);
    let reasons = reasons(&json);
    assert_eq!(
        reasons.iter().filter(|r| r.2.starts_with("no reference")).count(),
        6
    );
    assert_eq!(
        reasons
            .iter()
            .filter(|r| r.2.starts_with("received date \"TBC\""))
            .count(),
        2
    );
    assert_eq!(
        reasons
            .iter()
            .filter(|r| r.2.starts_with("exact duplicate"))
            .count(),
        16
    );
    assert_eq!(json["columns"]["reference"], "Complaint ID");
    assert_eq!(
        json["columns"]["stage2_responded"],
        "Date Final Response Sent (S2)"
    );
    assert_eq!(json["shape"], "wide");
    let files = json["files"].as_array().unwrap();
    assert_eq!(files[0]["header_row"], 3);
    assert_eq!(files[1]["header_row"], 3);
    assert!(files[1]["format"].as_str().unwrap().contains("Windows-1252"));
}

#[test]
fn hand_made_wide_export() {
    let (code, json) = validate_json(&fixture("wide_basic.toml"), &[]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["rows_read"], 8);
    assert_eq!(json["included"], 5);
    assert_eq!(json["excluded"], 3);
    assert_eq!(json["complaints"], 4);
    // The file's fingerprint, as `sha256sum tests/fixtures/wide_basic.csv` prints it.
    assert_eq!(
        json["files"][0]["sha256"],
        "33cb91b7d274f7ec8cf4f346742a22101fb44391a65262e837dd8115fe6e1e19"
    );
    let reasons = reasons(&json);
    assert_eq!(reasons.len(), 3);
    assert_eq!(
        (reasons[0].1, reasons[0].2.starts_with("no reference")),
        (4, true)
    );
    assert!(
        reasons[1].2.starts_with("received date \"TBC\" is not a date"),
        "{reasons:?}"
    );
    assert_eq!(reasons[1].1, 5);
    assert_eq!(reasons[2].1, 6);
    assert!(
        reasons[2].2.starts_with("exact duplicate of row 3"),
        "{reasons:?}"
    );
    assert_eq!(json["exclusions"][1]["reference"], "C003");

    let unmapped = warning(&json, "unmapped_value", "stage1_outcome").expect("unmapped outcome");
    assert_eq!(unmapped["count"], 1);
    assert!(unmapped["message"].as_str().unwrap().contains("\"Resolved\" ×1"));
    assert_eq!(unmapped["examples"][0]["row"], 7);
    let money = warning(&json, "unreadable_amount", "compensation").expect("bad amount");
    assert_eq!(money["count"], 1);
    let conflict = warning(&json, "conflicting_values", "stage1_outcome").expect("conflict");
    assert_eq!(conflict["count"], 1);
    assert_eq!(conflict["examples"][0]["reference"], "C004");
    let order = warning(&json, "dates_out_of_order", "stage1_responded").expect("response before receipt");
    assert_eq!(order["examples"][0]["reference"], "C005");
    // Every acknowledgement date (05/04, 09/04, 11/04, 07/05) reads either way round.
    assert!(warning(&json, "ambiguous_dates", "stage1_acknowledged").is_some());
    assert!(warning(&json, "ambiguous_dates", "received").is_none());
}

#[test]
fn one_row_per_stage_export_with_bom_semicolons_and_a_title_row() {
    let (code, json) = validate_json(&fixture("long_shape.toml"), &[]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["shape"], "long");
    assert_eq!(json["files"][0]["header_row"], 2);
    assert_eq!(json["rows_read"], 5);
    assert_eq!(json["excluded"], 2);
    assert_eq!(json["complaints"], 2);
    let reasons = reasons(&json);
    assert_eq!(reasons[0].1, 6);
    assert!(
        reasons[0].2.starts_with("stage 2 row with no stage 1 row"),
        "{reasons:?}"
    );
    assert_eq!(reasons[1].1, 7);
    assert!(
        reasons[1]
            .2
            .starts_with("stage \"Stage 0\" is neither stage 1 nor stage 2"),
        "{reasons:?}"
    );
}

#[test]
fn input_flag_replaces_the_configured_files() {
    let csv = fixture("wide_basic.csv");
    let (code, json) = validate_json(&fixture("long_shape.toml"), &["--input", csv.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(json["rows_read"], 8);
    assert_eq!(json["shape"], "wide");
}

#[test]
fn missing_required_column_exits_2_naming_field_headers_and_closest() {
    let config = fixture("missing_received.toml");
    let (code, _, stderr) = run(&["validate", "--config", config.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("missing_received.csv"), "{stderr}");
    assert!(
        stderr.contains("required column `received` not found"),
        "{stderr}"
    );
    assert!(
        stderr.contains("\"Complaint ID\", \"Date Recieved\", \"Outcome\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("The closest unused header is \"Date Recieved\" (holds dates)"),
        "{stderr}"
    );
    // JSON callers get the error as JSON too.
    let (code, json) = validate_json(&config, &[]);
    assert_eq!((code, json["exit_code"].as_i64()), (2, Some(2)));
}

#[test]
fn unreadable_and_missing_files() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.toml");
    std::fs::write(
        &config,
        "[report]\nperiod = \"2024/25\"\n[input]\nfiles = [\"nope.csv\"]\n",
    )
    .unwrap();
    let (code, _, stderr) = run(&["validate", "--config", config.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("nope.csv"), "{stderr}");

    let noise = dir.path().join("noise.csv");
    std::fs::write(&noise, [0u8, 159, 146, 150, 0, 1, 2, 3, 4, 5, 6, 7].repeat(50)).unwrap();
    let (code, _, stderr) = run(&[
        "validate",
        "--config",
        config.to_str().unwrap(),
        "--input",
        noise.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("noise.csv") && stderr.contains("not a CSV text file"),
        "{stderr}"
    );

    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let (code, _, stderr) = run(&[
        "validate",
        "--config",
        config.to_str().unwrap(),
        "--input",
        empty.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("empty"), "{stderr}");

    let header_only = dir.path().join("header.csv");
    std::fs::write(&header_only, "Reference,Received\n").unwrap();
    let (code, _, stderr) = run(&[
        "validate",
        "--config",
        config.to_str().unwrap(),
        "--input",
        header_only.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no usable rows"), "{stderr}");
}

#[test]
fn config_errors_exit_2_with_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.toml");
    std::fs::write(&config, "[columns]\nrefrence = \"Ref\"\n").unwrap();
    let (code, _, stderr) = run(&["validate", "--config", config.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("refrence"), "{stderr}");
}
