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
    let money = common::warning(&json, "unreadable_amount").unwrap();
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

/// A folder with `export.csv` (bytes as given) and a config mapping Ref and Received.
fn export_folder(bytes: &[u8], extra: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("export.csv"), bytes).unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "homes = 5000\n[report]\nperiod = \"2024/25\"\n[input]\nfiles = [\"export.csv\"]\n\
             [columns]\nreference = \"Ref\"\nreceived = \"Received\"\ncategory = \"Category\"\n{extra}"
        ),
    )
    .unwrap();
    (dir, config)
}

#[test]
fn encoding_surprises_are_read_as_what_they_are_and_named() {
    let text = "Ref,Received,Category\nE1,2024-05-01,Rent £ arrears\nE2,2024-05-02,Café noise\n";
    // UTF-16 without a byte-order mark.
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    // A UTF-8 mark on Windows-1252 text.
    let mut marked = b"\xEF\xBB\xBF".to_vec();
    marked.extend(encoding_rs::WINDOWS_1252.encode(text).0.iter());
    for (bytes, note) in [
        (utf16, "UTF-16LE without byte-order mark"),
        (marked, "byte-order mark but is not UTF-8"),
    ] {
        let (_dir, config) = export_folder(&bytes, "");
        let (code, json) = common::validate_json(&config, &[]);
        assert_eq!(code, 0, "{json}");
        assert!(json["files"][0]["notes"].to_string().contains(note), "{json}");
        let metrics = common::metrics(&config, &[]);
        let categories = metrics["categories"].to_string();
        assert!(
            categories.contains("Rent £ arrears") && categories.contains("Café noise"),
            "{categories}"
        );
    }
    // A byte-order mark inside a data row (two exports joined): the reference still matches.
    let joined = "Ref,Received,Category\nJ1,2024-05-01,Repairs\n\u{FEFF}J1,2024-05-01,\n";
    let (_dir, config) = export_folder(joined.as_bytes(), "");
    let (_, json) = common::validate_json(&config, &[]);
    assert_eq!(json["complaints"], 1, "{json}");
    // A NUL early in otherwise good text is named as such, with its line.
    let nul = "Ref,Received,Category\nN1,2024-05-01,Repairs\nN2,2024-05-\u{0}01,Repairs\n";
    let (_dir, config) = export_folder(nul.as_bytes(), "");
    let (code, _, stderr) = common::run(&["validate", "--config", config.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("NUL byte") && stderr.contains("line 3"),
        "{stderr}"
    );
}

#[test]
fn a_header_below_the_rows_searched_is_named_with_its_fix() {
    let mut text = String::new();
    for i in 1..=24 {
        text.push_str(&format!("Report line {i}\n"));
    }
    text.push_str("Ref,Received,Category\nH1,2024-05-01,Repairs\n");
    let (_dir, config) = export_folder(text.as_bytes(), "");
    let (code, _, stderr) = common::run(&["validate", "--config", config.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("first 20 rows") && stderr.contains("[input] header_row"),
        "{stderr}"
    );
    let (dir, _) = export_folder(text.as_bytes(), "");
    let config = dir.path().join("config.toml");
    let fixed = std::fs::read_to_string(&config)
        .unwrap()
        .replace("[input]\n", "[input]\nheader_row = 25\n");
    std::fs::write(&config, fixed).unwrap();
    let (code, json) = common::validate_json(&config, &[]);
    assert_eq!((code, &json["included"]), (0, &Value::from(1)), "{json}");
}

#[test]
fn free_text_mapped_as_a_category_and_thousands_of_categories_make_a_short_report() {
    // 10,000 complaints each with its own category, and a few with a 100 KB one-word category.
    let mut csv = String::from("Ref,Received,Category\n");
    for i in 0..10_000 {
        csv.push_str(&format!("S{i},2024-{:02}-10,Category {i}\n", 4 + i % 9));
    }
    let word = "x".repeat(100_000);
    for i in 0..6 {
        csv.push_str(&format!("L{i},2024-06-11,{word}\n"));
    }
    let (dir, config) = export_folder(csv.as_bytes(), "");
    let (code, json) = common::validate_json(&config, &[]);
    assert_eq!(code, 0);
    let warning = common::warning(&json, "probable_free_text").expect("the long value is named");
    assert_eq!(warning["count"], 6);
    assert_eq!(warning["examples"][0]["row"], 10_002);

    let out = dir.path().join("out");
    let (code, _, stderr) = common::annual(&config, &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    // The data files keep every category; the report lists 20 rows at most.
    let metrics: Value = serde_json::from_slice(&std::fs::read(out.join("metrics.json")).unwrap()).unwrap();
    assert_eq!(metrics["categories"].as_object().unwrap().len(), 10_001);
    let board = std::fs::read(out.join("annual-report-2024-25.pdf")).unwrap();
    let text = pdf_extract::extract_text_from_mem(&board).unwrap();
    assert!(text.contains("Other (9982 categories)"), "grouped tail");
    assert!(!text.contains(&"x".repeat(200)), "the long value is shortened");
    // Every page's footer names the edition.
    assert!(text.matches("Board edition").count() < 40, "a short report");
}
