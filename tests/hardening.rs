//! Hostile and broken inputs (tests/fixtures/bad/): never a panic, the validate exit codes, a
//! message naming the file, and recoverable rows in the ledger.

mod common;

use serde_json::Value;

fn bad(name: &str) -> String {
    common::fixture("bad").join(name).to_str().unwrap().to_string()
}

fn validate(file: &str) -> (i32, Value, String) {
    let (code, stdout, stderr) = common::run(&[
        "validate",
        "--format",
        "json",
        "--config",
        &bad("bad.toml"),
        "--input",
        file,
    ]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (code, serde_json::from_str(&stdout).unwrap_or(Value::Null), stderr)
}

fn reasons(json: &Value) -> Vec<(u64, String, String)> {
    json["exclusions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["code"].as_str().unwrap().to_string(),
                e["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn files_that_are_not_tables_exit_2_naming_the_file() {
    for (file, says) in [
        ("empty.csv", "the file is empty"),
        ("noise.csv", "not a CSV text file"),
        ("noise.xlsx", "named like a spreadsheet"),
        ("truncated.xlsx", "cannot be opened as a spreadsheet"),
        ("password.xlsx", "password-protected"),
        ("header-only.csv", "no usable rows"),
    ] {
        let (code, json, stderr) = validate(&bad(file));
        assert_eq!(code, 2, "{file}: {stderr}");
        assert!(stderr.contains(says), "{file}: {stderr}");
        assert!(
            stderr.contains(file) || says == "no usable rows",
            "{file}: {stderr}"
        );
        assert_eq!(json["exit_code"], 2, "{file}");
    }
}

#[test]
fn wrong_delimiter_is_a_missing_column_with_a_hint() {
    let (code, _, stderr) = validate(&bad("wrong-delimiter.csv"));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("wrong-delimiter.csv") && stderr.contains("header row is a single cell"),
        "{stderr}"
    );
}

#[test]
fn ragged_rows_and_unclosed_quotes_lose_only_the_broken_row() {
    let (code, json, _) = validate(&bad("ragged.csv"));
    assert_eq!(code, 0);
    assert_eq!(
        (json["rows_read"].clone(), json["included"].clone()),
        (Value::from(4), Value::from(3))
    );
    assert_eq!(reasons(&json)[0].0, 3);
    assert!(reasons(&json)[0].2.contains("has 7 values but the header has 5"));

    let (code, json, _) = validate(&bad("unclosed-quote.csv"));
    assert_eq!(code, 0);
    assert_eq!(
        (json["rows_read"].clone(), json["included"].clone()),
        (Value::from(3), Value::from(2))
    );
    assert_eq!(reasons(&json)[0].0, 2);
    assert!(reasons(&json)[0].2.contains("never closed"));
}

#[test]
fn odd_values_are_recoverable() {
    let (code, json, _) = validate(&bad("huge-cell.csv"));
    assert_eq!((code, json["included"].clone()), (0, Value::from(2)));

    let (code, json, _) = validate(&bad("extreme-dates.csv"));
    assert_eq!(code, 0);
    let r = reasons(&json);
    assert!(r[0].2.contains("\"0001-01-01\" is a placeholder"), "{r:?}");
    assert!(r[1].2.contains("\"31/12/9999\" is outside 1990–2100"), "{r:?}");
    assert_eq!(json["included"], 2, "the future date 2031 is kept");
    assert!(
        json["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "implausible_date")
    );

    let (code, json, _) = validate(&bad("garbage-compensation.csv"));
    assert_eq!((code, json["included"].clone()), (0, Value::from(4)));
    let money = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "unreadable_amount")
        .unwrap();
    assert_eq!(money["count"], 4);

    let (code, json, _) = validate(&bad("duplicate-headers.csv"));
    assert_eq!((code, json["included"].clone()), (0, Value::from(2)));

    let (code, json, _) = validate(&bad("repeated-header.csv"));
    assert_eq!(code, 0);
    assert_eq!(
        reasons(&json),
        vec![(3, "repeated_header".to_string(), reasons(&json)[0].2.clone())]
    );

    // XLSX error cells (#N/A, #REF!): a row without a usable received date goes to the ledger.
    let (code, json, _) = validate(&bad("errors.xlsx"));
    assert_eq!(code, 0);
    assert_eq!(reasons(&json)[0].0, 3);
    assert!(reasons(&json)[0].2.contains("\"#N/A\" is not a date"));
}

#[test]
fn a_large_file_of_one_repeated_row() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("repeated.csv");
    let mut text = String::from("Complaint ID,Date Received,Subject\n");
    for _ in 0..20_000 {
        text.push_str("Z1,01/05/2024,Repairs\n");
    }
    std::fs::write(&file, text).unwrap();
    let (code, json, _) = validate(file.to_str().unwrap());
    assert_eq!(code, 0);
    assert_eq!(
        (
            json["rows_read"].clone(),
            json["included"].clone(),
            json["complaints"].clone()
        ),
        (Value::from(20_000), Value::from(1), Value::from(1))
    );
    assert_eq!(json["excluded"], 19_999);
}

#[test]
fn outputs_never_overwrite_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.csv");
    std::fs::copy(common::fixture("wide_basic.csv"), &input).unwrap();
    let config = dir.path().join("c.toml");
    std::fs::write(
        &config,
        "[report]\nperiod = \"2024/25\"\n[input]\nfiles = [\"export.csv\"]\n",
    )
    .unwrap();
    let before = std::fs::read(&input).unwrap();
    let (code, _, stderr) = common::run(&[
        "export",
        "--config",
        config.to_str().unwrap(),
        "--format",
        "csv",
        "--out",
        input.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("is an input of this run"), "{stderr}");
    assert_eq!(std::fs::read(&input).unwrap(), before);

    // An output folder that cannot be created is reported clearly.
    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, "").unwrap();
    let (code, _, stderr) = common::run(&[
        "annual",
        "--config",
        config.to_str().unwrap(),
        "--out",
        blocked.join("out").to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("could not write") && stderr.contains("--out"),
        "{stderr}"
    );
}

#[test]
fn a_hidden_first_sheet_is_skipped_and_every_sheet_is_listed() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two-sheets.xlsx");
    let mut workbook = Workbook::new();
    let rows = |sheet: &mut rust_xlsxwriter::Worksheet, n: u32, prefix: &str| {
        sheet.write_string(0, 0, "Reference").unwrap();
        sheet.write_string(0, 1, "Date received").unwrap();
        for i in 1..=n {
            sheet.write_string(i, 0, format!("{prefix}-{i}")).unwrap();
            sheet.write_string(i, 1, "2024-06-03").unwrap();
        }
    };
    let stale = workbook.add_worksheet().set_name("Old").unwrap();
    rows(stale, 5, "OLD");
    stale.set_hidden(true);
    let current = workbook.add_worksheet().set_name("Complaints").unwrap();
    rows(current, 40, "C");
    current.set_active(true);
    workbook.save(&path).unwrap();

    let (code, json, stderr) = validate(path.to_str().unwrap());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["included"], 40, "the visible sheet is read");
    let file = &json["files"][0];
    assert!(
        file["notes"][0]
            .as_str()
            .unwrap()
            .contains("hidden sheet skipped: 'Old'"),
        "{file}"
    );
    let sheets: Vec<(String, String, u64, bool)> = file["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["visibility"].as_str().unwrap().to_string(),
                s["rows"].as_u64().unwrap(),
                s["read"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sheets,
        [
            ("Old".to_string(), "hidden".to_string(), 6, false),
            ("Complaints".to_string(), "visible".to_string(), 41, true),
        ]
    );
}
