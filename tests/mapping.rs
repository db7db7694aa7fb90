//! A stranger's export, first time right: `validate` as the pre-flight checklist, no stage lost
//! without a word, configs that say what they do. Every export here is small and hand-made, and
//! every expected figure is counted by hand from its rows.

mod common;

use std::path::{Path, PathBuf};

use common::{metrics, project_root, run, validate_json};
use complaints_report::domain::canonical::Field;
use serde_json::Value;

/// A folder holding `export.csv` and `config.toml` (period 2024/25, day-first dates).
fn project(csv: &str, config_extra: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("export.csv"), csv).unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[report]\nperiod = \"2024/25\"\n\n[input]\nfiles = [\"export.csv\"]\n{config_extra}"),
    )
    .unwrap();
    (dir, config)
}

fn validate_text(config: &Path) -> (i32, String, String) {
    run(&["validate", "--config", config.to_str().unwrap()])
}

fn listed<'a>(json: &'a Value, key: &str, field: &str) -> Vec<&'a str> {
    json[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v[field].as_str().unwrap())
        .collect()
}

fn missing_field<'a>(json: &'a Value, field: &str) -> Option<&'a Value> {
    json["missing_fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["field"] == field)
}

#[test]
fn validate_lists_the_headers_it_did_not_use_and_the_fields_it_did_not_find() {
    let csv = "Case No,Date Received,Complainant,Stage 1 Response Date,Widget colour,Notes\n\
               C1,01/05/2024,Jane Smith,08/05/2024,Red,Phoned twice about the leak in the bathroom\n\
               C2,02/05/2024,Amir Khan,09/05/2024,Blue,\n";
    let (_dir, config) = project(csv, "");
    let (code, json) = validate_json(&config, &[]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["columns"]["reference"], "Case No");
    assert_eq!(
        listed(&json, "unused_headers", "header"),
        ["Complainant", "Widget colour", "Notes"]
    );
    let stage2 = missing_field(&json, "stage2_requested").expect("listed");
    assert_eq!(
        stage2["affects"],
        "stage 2 received, escalation rate, stage 2 timeliness"
    );
    assert_eq!(stage2["not_recorded"], false);
    assert!(missing_field(&json, "category").is_some());
    // A wide export needs no stage column: not on the list.
    assert!(missing_field(&json, "stage").is_none());
    assert!(missing_field(&json, "stage1_responded").is_none());
    // The text output opens with the checklist.
    let (code, text, _) = validate_text(&config);
    assert_eq!(code, 0);
    assert!(text.starts_with("Fields not found"), "{text}");
    assert!(text.contains("[ ] stage2_requested"), "{text}");
    assert!(text.contains("Headers not used (3)"), "{text}");
}

#[test]
fn the_issues_headers_are_found_and_a_logging_date_is_pointed_out() {
    let csv = "Case No,Date Logged,Stage 1 Response Date,Stage 2 Date Logged,Stage 2 Response Date,Stage 2 Outcome\n\
               C1,01/05/2024,08/05/2024,20/05/2024,03/06/2024,Upheld\n";
    let (_dir, config) = project(csv, "");
    let (code, json) = validate_json(&config, &[]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["columns"]["reference"], "Case No");
    assert_eq!(json["columns"]["received"], "Date Logged");
    assert_eq!(json["columns"]["stage1_responded"], "Stage 1 Response Date");
    assert_eq!(json["columns"]["stage2_requested"], "Stage 2 Date Logged");
    let warning = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "received_from_logged_date")
        .expect("the logging date is pointed out");
    assert!(warning["message"].as_str().unwrap().contains("\"Date Logged\""));
}

#[test]
fn a_stage_mapped_in_part_stops_the_run_unless_the_field_is_declared_not_recorded() {
    let csv = "Case No,Date Received,Stage 1 Response Date,Stage 2 Raised,Stage 2 Response Date,Stage 2 Outcome\n\
               C1,01/05/2024,08/05/2024,20/05/2024,03/06/2024,Upheld\n\
               C2,02/05/2024,09/05/2024,,,\n";
    let (_dir, config) = project(csv, "");
    let (code, _, stderr) = validate_text(&config);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("stage 2 is only partly mapped"), "{stderr}");
    assert!(stderr.contains("no `stage2_requested` column"), "{stderr}");
    // The columns that show stage 2 exists, and the best candidate.
    assert!(
        stderr.contains("\"Stage 2 Response Date\" (stage2_responded)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("\"Stage 2 Outcome\" (stage2_outcome)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("add `stage2_requested = \"Stage 2 Raised\"` under [columns]"),
        "{stderr}"
    );
    assert!(
        stderr.contains("not_recorded = [\"stage2_requested\"]"),
        "{stderr}"
    );
    // metrics stops the same way.
    let (code, _, _) = run(&["metrics", "--config", config.to_str().unwrap()]);
    assert_eq!(code, 2);

    // A landlord whose system truly has no escalation date goes on knowingly.
    let (_dir, config) = project(csv, "not_recorded = [\"stage2_requested\"]\n");
    let (code, json) = validate_json(&config, &[]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(
        missing_field(&json, "stage2_requested").unwrap()["not_recorded"],
        true
    );
}

#[test]
fn stage1_mapped_in_part_stops_the_run_too() {
    let csv = "Ref,Date Received,Date Acknowledged,Reply sent,Outcome\n\
               C1,01/05/2024,02/05/2024,08/05/2024,Upheld\n";
    let (_dir, config) = project(csv, "");
    let (code, _, stderr) = validate_text(&config);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("stage 1 is only partly mapped"), "{stderr}");
    assert!(stderr.contains("no `stage1_responded` column"), "{stderr}");
}

#[test]
fn a_missing_reference_is_never_offered_a_name_column() {
    // "Complainant" is close in spelling to "Complaint ID", but holds names.
    let csv = "Complainant,Case Ident,Date Received\nJane Smith,X-10,01/05/2024\nAmir Khan,X-11,02/05/2024\n";
    let (_dir, config) = project(csv, "");
    let (code, _, stderr) = validate_text(&config);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("The closest unused header is \"Case Ident\""),
        "{stderr}"
    );
    let csv = "Complainant,Date Received\nJane Smith,01/05/2024\nAmir Khan,02/05/2024\n";
    let (_dir, config) = project(csv, "");
    let (code, _, stderr) = validate_text(&config);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("The only near header, \"Complainant\", holds names or contact details, so it cannot be the reference column"),
        "{stderr}"
    );
}

#[test]
fn a_header_named_in_columns_must_be_in_the_file_for_every_field() {
    let csv = "Ref,Date Received,Stage 1 Response Date\nC1,01/05/2024,08/05/2024\n";
    let (_dir, config) = project(csv, "[columns]\nstage1_responded = \"Stage 1 Respnse Date\"\n");
    let (code, _, stderr) = validate_text(&config);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("[columns] stage1_responded = \"Stage 1 Respnse Date\": no such header"),
        "{stderr}"
    );
    assert!(
        stderr.contains("The closest header is \"Stage 1 Response Date\""),
        "{stderr}"
    );
    // Two fields on one header.
    let (_dir, config) = project(
        csv,
        "[columns]\nreceived = \"Date Received\"\nstage1_responded = \"date received\"\n",
    );
    let (code, _, stderr) = validate_text(&config);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("maps both `received` and `stage1_responded`"),
        "{stderr}"
    );
    // An unknown key names the closest known one.
    let (_dir, config) = project(csv, "[columns]\nrefrence = \"Ref\"\n");
    let (code, _, stderr) = validate_text(&config);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `reference`?"), "{stderr}");
}

#[test]
fn value_maps_add_to_the_built_in_one_unless_told_to_replace_it() {
    let csv = "Ref,Date Received,Stage 1 Response Date,Outcome\n\
               C1,01/05/2024,08/05/2024,Upheld\n\
               C2,02/05/2024,09/05/2024,Not upheld\n\
               C3,03/05/2024,10/05/2024,Resolved\n";
    let (_dir, config) = project(csv, "[values.outcome]\nother = [\"Resolved\"]\n");
    let m = metrics(&config, &[]);
    let outcomes = &m["stage1"]["outcomes"];
    assert_eq!(
        (&outcomes["upheld"], &outcomes["not_upheld"], &outcomes["other"]),
        (&Value::from(1), &Value::from(1), &Value::from(1))
    );
    let (_dir, config) = project(
        csv,
        "[values]\nreplace_built_in = [\"outcome\"]\n[values.outcome]\nother = [\"Resolved\"]\n",
    );
    let m = metrics(&config, &[]);
    assert_eq!(m["stage1"]["outcomes"]["other"], 3);
    // One value under two meanings is a mistake, named.
    let (_dir, config) = project(
        csv,
        "[values.outcome]\nupheld = [\"Resolved\"]\nother = [\"resolved\"]\n",
    );
    let (code, _, stderr) = validate_text(&config);
    assert_eq!(code, 2);
    assert!(stderr.contains("under both `other` and `upheld`"), "{stderr}");
}

#[test]
fn footer_and_summary_rows_have_their_own_code() {
    let csv = "Case No,Date Logged,Stage 1 Response Date,Outcome,Compensation\n\
               C1,01/05/2024,08/05/2024,Upheld,50\n\
               C2,02/05/2024,09/05/2024,Not upheld,\n\
               Total cases: 2,,,,\n\
               ,,,,50\n\
               ,Report generated 03/12/2026,,,\n";
    let (_dir, config) = project(csv, "");
    let (code, json) = validate_json(&config, &[]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(
        (json["included"].as_u64(), json["excluded"].as_u64()),
        (Some(2), Some(3))
    );
    let codes: Vec<(u64, &str)> = json["exclusions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(codes, [(4, "footer_row"), (5, "footer_row"), (6, "footer_row")]);
    let reason = json["exclusions"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("\"Total cases: 2\""), "{reason}");
    assert!(!reason.contains("Date Logged"), "{reason}");
}

const LONG_HEADER: &str = "Ref,Stage,Date received,Date responded,Outcome,Status,Date closed\n";
/// L1: stage 1 answered 08/05, escalated 20/05, withdrawn at stage 2 (closed 24/05).
/// L2: stage 1 only, answered 09/05.
const LONG_STAGE1: [&str; 2] = [
    "L1,Stage 1,01/05/2024,08/05/2024,Not upheld,Closed,08/05/2024\n",
    "L2,Stage 1,02/05/2024,09/05/2024,Upheld,Closed,09/05/2024\n",
];
const LONG_STAGE2: &str = "L1,Stage 2,20/05/2024,,,Withdrawn,24/05/2024\n";

#[test]
fn a_long_exports_row_order_does_not_change_a_figure() {
    let stage1_first = format!("{LONG_HEADER}{}{}{LONG_STAGE2}", LONG_STAGE1[0], LONG_STAGE1[1]);
    let stage2_first = format!("{LONG_HEADER}{LONG_STAGE2}{}{}", LONG_STAGE1[1], LONG_STAGE1[0]);
    let (_a, config_a) = project(&stage1_first, "");
    let (_b, config_b) = project(&stage2_first, "");
    let (a, b) = (metrics(&config_a, &[]), metrics(&config_b, &[]));
    // By hand: 2 received at stage 1, 1 escalated; the escalation was withdrawn, so nothing is
    // open or overdue at stage 2.
    assert_eq!(a["stage1"]["received"], 2);
    assert_eq!(a["stage2"]["received"], 1);
    assert_eq!(a["stage2"]["withdrawn"], 1);
    assert_eq!(a["stage2"]["open_at_end"], 0);
    assert_eq!(a["stage2"]["open_overdue_at_end"], 0);
    for key in [
        "stage1",
        "stage2",
        "escalation_rate_pct",
        "resolved_at_stage1_pct",
    ] {
        assert_eq!(a[key], b[key], "{key}");
    }
}

#[test]
fn a_long_exports_conflicting_rows_are_warned_about_by_reference() {
    let csv = format!(
        "{LONG_HEADER}{}{}{LONG_STAGE2}L1,Stage 2,20/05/2024,,,Open,\n",
        LONG_STAGE1[0], LONG_STAGE1[1]
    );
    let (_dir, config) = project(&csv, "");
    let (code, json) = validate_json(&config, &[]);
    assert_eq!(code, 0, "{json}");
    let conflict = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "conflicting_values" && w["field"] == "status")
        .expect("two stage-2 rows disagree on the status");
    assert_eq!(conflict["count"], 1);
    assert_eq!(conflict["examples"][0]["reference"], "L1");
}

#[test]
fn value_warnings_count_only_rows_in_the_analysis() {
    // Row 3's outcome is unmapped too, but the row is excluded (no received date).
    let csv = "Ref,Date Received,Stage 1 Response Date,Outcome\n\
               C1,01/05/2024,08/05/2024,Sorted\n\
               C2,TBC,09/05/2024,Sorted\n";
    let (_dir, config) = project(csv, "");
    let (_, json) = validate_json(&config, &[]);
    let unmapped = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "unmapped_value")
        .expect("warned");
    assert_eq!(unmapped["count"], 1);
}

#[test]
fn an_export_split_into_a_file_per_stage_reads_like_a_long_export() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("stage-1.csv"),
        "Ref,Date received,Date responded,Outcome\n\
         L1,01/05/2024,08/05/2024,Not upheld\n\
         L2,02/05/2024,09/05/2024,Upheld\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("stage-2.csv"),
        "Ref,Escalated On,Stage 2 Response Date,Stage 2 Outcome\nL1,20/05/2024,03/06/2024,Upheld\n",
    )
    .unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[report]\nperiod = \"2024/25\"\n[input]\nfiles = [\"stage-1.csv\", \"stage-2.csv\"]\n\
         [input.file_stage]\n\"stage-2.csv\" = 2\n\"stage-1.csv\" = 1\n",
    )
    .unwrap();
    let m = metrics(&config, &[]);
    // By hand: L1 and L2 at stage 1; L1 escalated on 20/05 and answered on 03/06 (9 working
    // days: 27 May was a bank holiday), upheld.
    assert_eq!(m["stage1"]["received"], 2);
    assert_eq!(m["stage2"]["received"], 1);
    assert_eq!(m["stage2"]["responded"], 1);
    assert_eq!(m["stage2"]["outcomes"]["upheld"], 1);
    assert_eq!(m["stage1"]["outcomes"]["not_upheld"], 1);
    assert_eq!(m["escalation_rate_pct"], 50.0);
    let (_, json) = validate_json(&config, &[]);
    assert_eq!(json["shape"], "long");
}

/// Adds `line` under `[columns]` in a config written by `init`.
fn map_column(config: &Path, line: &str) {
    let text = std::fs::read_to_string(config).unwrap();
    let text = text.replacen("[columns]", &format!("[columns]\n{line}"), 1);
    std::fs::write(config, text).unwrap();
}

/// The `key = "header"` a message advises adding under [columns].
fn advised_line(message: &str) -> String {
    let start = message.find("add `").expect("advice given") + 5;
    let end = start + message[start..].find('`').unwrap();
    message[start..end].to_string()
}

#[test]
fn init_then_an_unfamiliar_export_reaches_a_correct_report_by_following_validate() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let config = dir.path().join("config.toml");
    // init leaves auto-detection on: no live line under [columns].
    let text = std::fs::read_to_string(&config).unwrap();
    let columns = text
        .split("[columns]")
        .nth(1)
        .unwrap()
        .split("\n[")
        .next()
        .unwrap();
    assert!(
        columns
            .lines()
            .skip(1)
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')),
        "{columns}"
    );
    std::fs::write(
        dir.path().join("complaints-export.csv"),
        "Case Ident,Date Received,Complainant,Service Area,Stage 1 Response Date,Stage 2 Raised,Stage 2 Response Date\n\
         A1,01/05/2024,Jane Smith,Repairs,08/05/2024,,\n\
         A2,02/05/2024,Amir Khan,Repairs,09/05/2024,20/05/2024,03/06/2024\n\
         A3,03/05/2024,Li Wei,ASB,10/05/2024,21/05/2024,\n\
         A4,07/05/2024,Ann Lee,Rent,14/05/2024,,\n",
    )
    .unwrap();
    // Each run names one thing to map; the user does exactly that.
    let mut steps = 0;
    loop {
        let (code, _, stderr) = validate_text(&config);
        if code == 0 {
            break;
        }
        assert_eq!(code, 2, "{stderr}");
        map_column(&config, &advised_line(&stderr));
        steps += 1;
        assert!(steps <= 3, "{stderr}");
    }
    assert_eq!(steps, 2);
    let (_, json) = validate_json(&config, &[]);
    assert_eq!(json["columns"]["reference"], "Case Ident");
    assert_eq!(json["columns"]["stage2_requested"], "Stage 2 Raised");
    assert_eq!(listed(&json, "unused_headers", "header"), ["Complainant"]);
    // By hand: four complaints at stage 1, two escalated (A2, A3), one stage-2 response (A2);
    // A3's stage 2 is still open at the year end, well past its 20 working days.
    let m = metrics(&config, &[]);
    assert_eq!(m["stage1"]["received"], 4);
    assert_eq!(m["stage1"]["responded"], 4);
    assert_eq!(m["stage2"]["received"], 2);
    assert_eq!(m["stage2"]["responded"], 1);
    assert_eq!(m["stage2"]["open_overdue_at_end"], 1);
    assert_eq!(m["escalation_rate_pct"], 50.0);
    assert_eq!(m["categories"]["Repairs"]["stage1"], 2);
}

#[test]
fn the_column_guide_lists_every_name_each_field_is_looked_for_under() {
    let guide = std::fs::read_to_string(project_root().join("docs/columns.md")).unwrap();
    for &field in Field::ALL {
        let row = guide
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", field.name())))
            .unwrap_or_else(|| panic!("no row for {}", field.name()));
        for synonym in &field.synonyms()[1..] {
            assert!(
                row.contains(synonym),
                "docs/columns.md: {} lacks \"{synonym}\"",
                field.name()
            );
        }
    }
}
