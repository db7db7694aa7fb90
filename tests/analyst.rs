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

/// The SQL an analyst would write to rebuild one stage's figures for the rows `only` selects,
/// from the table alone: each answer column named `<stage>.<figure>` as in `metrics.json`.
fn stage_figures_sql(stage: u32, only: &str, homes: Option<u64>) -> String {
    let s = format!("stage{stage}");
    let received = match stage {
        1 => "received",
        _ => "stage2_requested",
    };
    // Received in the period (stage 2: the escalation request), not refused.
    let r = format!(
        "{received} BETWEEN period_start AND period_end AND coalesce(status, '') <> 'refused' AND {only}"
    );
    // Responded to in the period: a response the Code judged (not withdrawn, refused or
    // dated before receipt).
    let a = format!(
        "{s}_responded BETWEEN period_start AND period_end \
         AND {s}_timeliness IN ('within_base', 'within_extension', 'late') AND {only}"
    );
    let within = format!("{a} AND {s}_timeliness <> 'late'");
    let mut columns = vec![
        format!("count(*) FILTER (WHERE {r}) AS \"{s}.received\""),
        format!("count(*) FILTER (WHERE {r} AND {s}_withdrawn) AS \"{s}.withdrawn\""),
        format!("count(*) FILTER (WHERE {r} AND {s}_ack_on_time) AS \"{s}.acknowledged_on_time\""),
        format!("count(*) FILTER (WHERE {a}) AS \"{s}.responded\""),
        format!("count(*) FILTER (WHERE {within}) AS \"{s}.within\""),
        format!("count(*) FILTER (WHERE {a} AND {s}_timeliness = 'within_base') AS \"{s}.within_base\""),
        format!(
            "count(*) FILTER (WHERE {a} AND {s}_timeliness = 'within_extension') AS \"{s}.within_extension\""
        ),
        format!("count(*) FILTER (WHERE {a} AND {s}_timeliness = 'late') AS \"{s}.late\""),
        format!(
            "round(100.0 * count(*) FILTER (WHERE {within}) / count(*) FILTER (WHERE {a}), 1) AS \"{s}.within_timescale_pct\""
        ),
        // As the stage stood at the as-at date, whatever happened to it after.
        format!("count(*) FILTER (WHERE {s}_status_as_at = 'open' AND {only}) AS \"{s}.open_at_end\""),
        format!(
            "count(*) FILTER (WHERE {s}_timeliness_as_at = 'open_overdue' AND {only}) AS \"{s}.open_overdue_at_end\""
        ),
    ];
    for outcome in ["upheld", "partly_upheld", "not_upheld"] {
        columns.push(format!(
            "count(*) FILTER (WHERE {a} AND {s}_outcome = '{outcome}') AS \"{s}.outcomes.{outcome}\""
        ));
    }
    if let Some(homes) = homes {
        columns.push(format!(
            "round(1000.0 * count(*) FILTER (WHERE {r}) / {homes}, 1) AS \"{s}.CH01_per_1000\""
        ));
    }
    columns.join(",\n  ")
}

/// Every figure the SQL rebuilds, from `metrics.json` under the same names.
fn metrics_figure(m: &Value, only: Option<&str>, name: &str) -> Value {
    let path: Vec<&str> = name.split('.').collect();
    match only {
        None => path.iter().fold(m.clone(), |v, key| v[key].clone()),
        Some(tenure) => {
            let t = &m["tsm"][tenure];
            let (stage, figure) = (path[0], path[1]);
            match figure {
                "received" | "responded" | "within" => t[format!("{stage}_{figure}")].clone(),
                "CH01_per_1000" => t[format!("CH01_{stage}_per_1000")].clone(),
                "within_timescale_pct" => t[format!("CH02_{stage}_pct")].clone(),
                _ => Value::Null,
            }
        }
    }
}

#[test]
fn every_figure_for_the_period_is_rebuilt_from_the_table_with_sql() {
    // The sample's stock, as in its config: the CH01 denominators.
    let homes = [("LCRA", 41500), ("LCHO", 3800)];
    let config = config();
    // The year, judged at its end and at a date within it (where stages answered later were
    // still open), and the year before.
    let requests: [&[&str]; 3] = [
        &[],
        &["--period", "2024/25", "--as-at", "2025-02-14"],
        &["--period", "2023/24"],
    ];
    for request in requests {
        let m = common::metrics(&common::sample("config.toml"), request);
        let mut checked = 0;
        for (only, tenure) in [
            ("true", None),
            ("tenure = 'LCRA'", Some(0)),
            ("tenure = 'LCHO'", Some(1)),
        ] {
            let homes = tenure.map(|i| homes[i]);
            if let Some((name, count)) = homes {
                assert_eq!(m["tsm"][name]["homes"], count, "the sample config's stock");
            }
            let sql = format!(
                "SELECT\n  {},\n  {}\nFROM complaints",
                stage_figures_sql(1, only, homes.map(|h| h.1)),
                stage_figures_sql(2, only, homes.map(|h| h.1))
            );
            let mut args = vec!["query", "--config", &config, "--format", "json"];
            args.extend_from_slice(request);
            args.push(&sql);
            let (code, stdout, stderr) = common::run(&args);
            assert_eq!(code, 0, "{stderr}\n{sql}");
            let rows: Value = serde_json::from_str(&stdout).unwrap();
            for (name, rebuilt) in rows[0].as_object().unwrap() {
                let want = metrics_figure(&m, homes.map(|h| h.0), name);
                if want.is_null() {
                    continue;
                }
                let (want, got) = (want.as_f64().unwrap(), rebuilt.as_f64().unwrap());
                assert_eq!(got, want, "{name} for {only} {request:?}");
                checked += 1;
            }
        }
        // 13 per stage over all complaints; 5 per stage for each tenure.
        assert_eq!(checked, 2 * 13 + 2 * 2 * 5, "{request:?}");
    }
}

#[test]
fn the_table_keeps_the_text_as_written_and_the_unmapped_columns_asked_for() {
    let config = common::project_root().join("tests/fixtures/analysts/long.toml");
    let config = config.to_str().unwrap();
    let run = |args: &[&str]| {
        let (code, stdout, stderr) = common::run(args);
        assert_eq!(code, 0, "{stderr}");
        stdout
    };
    // One row per stage: each stage's outcome as written follows it to its stage's column,
    // and status, which the stage-2 row decides, its text too. `Team` is named in
    // [input] keep_unmapped: the first row's value that has one.
    let sql = "SELECT reference, tenure, tenure_raw, status_raw, stage1_outcome, stage1_outcome_raw, \
               stage2_outcome, stage2_outcome_raw, Team FROM complaints";
    assert_eq!(
        run(&["query", "--config", config, "--format", "csv", sql]),
        "reference,tenure,tenure_raw,status_raw,stage1_outcome,stage1_outcome_raw,stage2_outcome,stage2_outcome_raw,Team\n\
         A1,LCRA,General needs,Closed,not_upheld,Not Upheld,upheld,UPHELD,North\n\
         A2,LCHO,Shared ownership,Open,,,,,\n\
         A3,OTHER,Leasehold,Closed,upheld,upheld,,,East\n"
    );
    // Only named columns are kept unless --keep-unmapped asks for every one.
    let (code, _, stderr) = common::run(&["query", "--config", config, "SELECT Notes FROM complaints"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("Notes"), "{stderr}");
    let every = "SELECT reference, \"Property ref\", Notes FROM complaints";
    assert_eq!(
        run(&[
            "query",
            "--config",
            config,
            "--keep-unmapped",
            "--format",
            "csv",
            every
        ]),
        "reference,Property ref,Notes\nA1,\"'=HYPERLINK(\"\"http://x\"\")\",first\nA2,P-2,\nA3,P-3,\n"
    );
    // export carries them too, as text, after where each complaint came from.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("table.csv");
    run(&[
        "export",
        "--config",
        config,
        "--keep-unmapped",
        "--out",
        out.to_str().unwrap(),
    ]);
    let written = std::fs::read_to_string(&out).unwrap();
    let header = written.lines().next().unwrap();
    assert!(
        header.ends_with("source_file,source_row,Team,Property ref,Notes"),
        "{header}"
    );
    assert!(header.contains(",tenure_raw,"), "{header}");
}

#[test]
fn an_unmapped_column_named_but_in_no_file_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = common::project_root().join("tests/fixtures/analysts");
    std::fs::copy(fixtures.join("long.csv"), dir.path().join("long.csv")).unwrap();
    let config = std::fs::read_to_string(fixtures.join("long.toml"))
        .unwrap()
        .replace(r#"keep_unmapped = ["team"]"#, r#"keep_unmapped = ["Teem"]"#);
    let path = dir.path().join("long.toml");
    std::fs::write(&path, config).unwrap();
    let (code, _, stderr) = common::run(&["query", "--config", path.to_str().unwrap(), "SELECT 1"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(r#"keep_unmapped names "Teem""#), "{stderr}");
    assert!(stderr.contains(r#"The closest is "Team""#), "{stderr}");
}

#[test]
fn money_is_exact_pence_in_every_format_and_parquet_declares_plain_strings() {
    let config = common::project_root().join("tests/fixtures/analysts/long.toml");
    let config = config.to_str().unwrap();
    // £0.29 + £1,250.10 + £0.10: £1,250.49 exactly (as binary floats the sum is 1250.4899…).
    let sql = "SELECT sum(compensation) AS total, max(compensation) AS largest FROM complaints";
    let answer = |format: &str| {
        let (code, stdout, stderr) = common::run(&["query", "--config", config, "--format", format, sql]);
        assert_eq!(code, 0, "{stderr}");
        stdout
    };
    assert_eq!(answer("csv"), "total,largest\n1250.49,1250.10\n");
    assert_eq!(
        answer("json"),
        "[\n  {\"total\": 1250.49, \"largest\": 1250.10}\n]\n"
    );

    let dir = tempfile::tempdir().unwrap();
    let export = |name: &str| {
        let out = dir.path().join(name);
        let (code, _, stderr) = common::run(&["export", "--config", config, "--out", out.to_str().unwrap()]);
        assert_eq!(code, 0, "{stderr}");
        out
    };
    let csv = std::fs::read_to_string(export("table.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == "compensation").unwrap();
    let money: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(at).unwrap())
        .collect();
    // The CSV quotes none of these: "1,250.10" was read as an amount and is written as one.
    assert_eq!(money, ["0.29", "1250.10", "0.10"]);

    // Parquet: DECIMAL(18,2) money, and an Arrow schema of plain strings, not string views.
    let path = export("table.parquet");
    let schema = declared_arrow_schema(&path);
    use polars_arrow::datatypes::ArrowDataType as A;
    assert_eq!(schema.get("compensation").unwrap().dtype, A::Decimal(18, 2));
    assert_eq!(schema.get("tenure_raw").unwrap().dtype, A::LargeUtf8);
    assert!(
        schema
            .iter_values()
            .all(|f| !matches!(f.dtype, A::Utf8View | A::BinaryView)),
        "{schema:?}"
    );
    use polars::prelude::SerReader;
    let frame = polars::prelude::ParquetReader::new(std::fs::File::open(&path).unwrap())
        .finish()
        .unwrap();
    let total = frame
        .column("compensation")
        .unwrap()
        .cast(&polars::prelude::DataType::String)
        .unwrap();
    let total: Vec<Option<&str>> = total.str().unwrap().iter().collect();
    assert_eq!(total, [Some("0.29"), Some("1250.10"), Some("0.10")]);

    // XLSX: the amounts as numbers (in £#,##0.00 cells).
    let mut book = calamine::open_workbook_auto(export("table.xlsx")).unwrap();
    let sheet = book.worksheet_range("Complaints").unwrap();
    let at = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .position(|c| *c == "compensation")
        .unwrap();
    let cells: Vec<Data> = sheet.rows().skip(1).map(|r| r[at].clone()).collect();
    assert_eq!(cells, [Data::Float(0.29), Data::Float(1250.1), Data::Float(0.1)]);
}

/// The Arrow schema a Parquet file declares (its `ARROW:schema` key), as written: the types
/// pyarrow reads the columns as. (Polars' own reader turns every string type into a view.)
fn declared_arrow_schema(path: &std::path::Path) -> polars_arrow::datatypes::ArrowSchema {
    use base64::Engine as _;
    let mut file = std::fs::File::open(path).unwrap();
    let metadata = polars_parquet::read::read_metadata(&mut file).unwrap();
    let encoded = metadata
        .key_value_metadata()
        .as_ref()
        .unwrap()
        .iter()
        .find(|kv| kv.key == "ARROW:schema")
        .and_then(|kv| kv.value.clone())
        .unwrap();
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).unwrap();
    // A length prefix (0xFFFFFFFF, then the length) precedes the IPC message.
    let message = if bytes[..4] == [255; 4] {
        &bytes[8..]
    } else {
        &bytes[..]
    };
    polars_arrow::io::ipc::read::deserialize_schema(message)
        .unwrap()
        .0
}
