//! `query`, `export` and `summary` on the sample data, against counts derived independently.

mod common;

use calamine::{Data, Reader};
use serde_json::Value;

fn config() -> String {
    common::sample("config.toml").to_str().unwrap().to_string()
}

fn query(sql: &str, format: &str) -> String {
    let (code, stdout, stderr) = common::run(&["query", "--config", &config(), "--format", format, sql]);
    assert_eq!(code, 0, "{stderr}");
    stdout
}

#[test]
fn one_command_answers_a_board_question() {
    // "How many damp and mould complaints were late at stage 1 last quarter?" Counted
    // independently (Python, reading the two sample files and applying the README's rules): 13.
    let out = query(
        "SELECT count(*) AS late FROM complaints WHERE category = 'Damp and mould' AND stage1_timeliness = 'late' \
         AND stage1_responded BETWEEN DATE '2025-01-01' AND DATE '2025-03-31'",
        "json",
    );
    let rows: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows[0]["late"], 13);
}

#[test]
fn the_table_has_one_row_per_complaint_with_the_stage_judgements() {
    let rows: Value = serde_json::from_str(&query(
        "SELECT count(*) AS n, count(DISTINCT reference) AS refs FROM complaints",
        "json",
    ))
    .unwrap();
    // 3,992 complaints (tests/validate.rs), refused ones included.
    assert_eq!(rows[0]["n"], 3992);
    assert_eq!(rows[0]["refs"], 3992);
    let rows: Value = serde_json::from_str(&query(
        "SELECT stage1_timeliness, count(*) AS n FROM complaints WHERE stage1_responded BETWEEN DATE '2024-04-01' AND DATE '2025-03-31' \
         AND status <> 'refused' AND NOT stage1_withdrawn GROUP BY stage1_timeliness ORDER BY stage1_timeliness",
        "json",
    ))
    .unwrap();
    // The metrics' stage-1 classes for 2024/25 (tests/metrics.rs), plus responses dated before receipt (no class).
    let count = |class: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["stage1_timeliness"] == class)
            .map(|r| r["n"].as_u64().unwrap())
    };
    assert_eq!(count("within_base"), Some(1404));
    assert_eq!(count("within_extension"), Some(130));
    assert_eq!(count("late"), Some(333));
    let table = query(
        "SELECT reference, received, stage1_due FROM complaints ORDER BY reference LIMIT 2",
        "table",
    );
    assert!(
        table.contains("RVH-23-000001") && table.contains("2 rows"),
        "{table}"
    );
    let csv = query(
        "SELECT reference, received FROM complaints ORDER BY reference LIMIT 1",
        "csv",
    );
    assert_eq!(csv.lines().next(), Some("reference,received"));
}

#[test]
fn a_bad_query_names_the_problem_and_the_columns() {
    let (code, _, stderr) = common::run(&["query", "--config", &config(), "SELECT nonsense FROM complaints"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("nonsense"), "{stderr}");
    assert!(
        stderr.contains("stage1_timeliness") && stderr.contains("reference"),
        "{stderr}"
    );
}

#[test]
fn export_csv_parquet_and_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["csv", "parquet", "xlsx"] {
        let out = dir.path().join(format!("complaints.{format}"));
        let (code, stdout, stderr) = common::run(&[
            "export",
            "--config",
            &config(),
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(stdout, "", "status goes to stderr");
        assert!(stderr.contains("3992 complaints"), "{stderr}");
    }
    let csv = std::fs::read_to_string(dir.path().join("complaints.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3993);
    assert!(csv.lines().next().unwrap().contains("stage1_timeliness"));

    let parquet = std::fs::File::open(dir.path().join("complaints.parquet")).unwrap();
    use polars::prelude::SerReader;
    let frame = polars::prelude::ParquetReader::new(parquet).finish().unwrap();
    assert_eq!(frame.height(), 3992);

    let mut book = calamine::open_workbook_auto(dir.path().join("complaints.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), ["Complaints", "Exclusions"]);
    let sheet = book.worksheet_range("Complaints").unwrap();
    assert_eq!(sheet.height(), 3993);
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let received = header.iter().position(|h| h == "received").unwrap();
    assert!(
        matches!(sheet.get((1, received)), Some(Data::DateTime(_))),
        "real date cells"
    );
    let ledger = book.worksheet_range("Exclusions").unwrap();
    assert_eq!(ledger.height(), 25); // header + 24 exclusions
}

#[test]
fn summary_prints_headline_figures() {
    let (code, stdout, _) = common::run(&["summary", "--config", &config()]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Within timescale (all complaints)"));
    assert!(stdout.contains("1,921"));
    assert!(stdout.contains("Repairs"));
    // Not a terminal: no colour codes.
    assert!(!stdout.contains('\u{1b}'));
}

/// The README's six worked queries, as written there.
fn readme_queries() -> Vec<String> {
    let readme = std::fs::read_to_string(common::project_root().join("README.md")).unwrap();
    let block = readme
        .split("```sql\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap();
    let mut queries: Vec<String> = Vec::new();
    for line in block.lines() {
        match line.starts_with("-- ") {
            true => queries.push(String::new()),
            false => queries.last_mut().unwrap().push_str(&format!("{line}\n")),
        }
    }
    queries
}

/// A CSV answer's column, summed.
fn column_sum(csv: &str, column: usize) -> f64 {
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').nth(column).unwrap().parse::<f64>().unwrap_or(0.0))
        .sum()
}

#[test]
fn the_readmes_worked_queries_run_and_agree_with_the_metrics() {
    let queries = readme_queries();
    assert_eq!(queries.len(), 6);
    let m = common::metrics(&common::sample("config.toml"), &[]);
    let answers: Vec<String> = queries.iter().map(|sql| query(sql, "csv")).collect();
    // 1: late stage 1 responses by month add up to the year's.
    assert_eq!(column_sum(&answers[0], 1), m["stage1"]["late"].as_f64().unwrap());
    // 2: the responses by category add up to the year's.
    assert_eq!(
        column_sum(&answers[1], 1),
        m["stage1"]["responded"].as_f64().unwrap()
    );
    // 3: as many open stages over 40 working days as the age bands count.
    let over_40 = m["open_age_bands"]["stage1"]["over_40"].as_u64().unwrap()
        + m["open_age_bands"]["stage2"]["over_40"].as_u64().unwrap();
    assert_eq!(answers[2].lines().count() as u64 - 1, over_40);
    // 4: complaints received by channel add up to stage 1 received.
    assert_eq!(
        column_sum(&answers[3], 1),
        m["stage1"]["received"].as_f64().unwrap()
    );
    // 5: compensation by category adds up to the year's total and count.
    assert_eq!(
        column_sum(&answers[4], 2),
        m["compensation"]["total"].as_f64().unwrap()
    );
    assert_eq!(
        column_sum(&answers[4], 1),
        m["compensation"]["count"].as_f64().unwrap()
    );
    // 6: damp and mould complaints received, by how stage 1 went, add up to the category's.
    assert_eq!(
        column_sum(&answers[5], 1),
        m["categories"]["Damp and mould"]["stage1"].as_f64().unwrap()
    );
    for answer in &answers {
        assert!(!answer.contains("Deprecation"), "{answer}");
    }
}

#[test]
fn the_table_says_what_it_is_as_at_and_leaves_stage_2_empty_when_never_escalated() {
    let out = query(
        "SELECT count(*) AS n FROM complaints WHERE stage2_requested IS NULL AND (stage2_ack_on_time IS NOT NULL OR stage2_timeliness IS NOT NULL OR stage2_withdrawn IS NOT NULL)",
        "csv",
    );
    assert_eq!(out, "n\n0\n");
    let (code, stdout, stderr) = common::run(&[
        "query",
        "--config",
        &config(),
        "--period",
        "2023/24",
        "--format",
        "csv",
        "SELECT DISTINCT as_at, period_start, period_end FROM complaints",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "as_at,period_start,period_end\n2024-03-31,2023-04-01,2024-03-31\n"
    );
}
