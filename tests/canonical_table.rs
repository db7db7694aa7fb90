//! The canonical table itself: typed values, both shapes, encodings, and CSV/XLSX agreement.

mod common;

use std::path::{Path, PathBuf};

use complaints_report::ingest::Fingerprints;
use complaints_report::observe::Silent;
use complaints_report::pipeline::Pipeline;
use polars::prelude::*;

fn load_config(config: PathBuf, inputs: Vec<PathBuf>) -> DataFrame {
    let pipeline = Pipeline::open(&config, &inputs).expect("config");
    let normalised = pipeline.load(Fingerprints::NotPrinted, &Silent).expect("loads");
    normalised.complaints
}

/// A column as text (dates as yyyy-mm-dd), for comparisons.
fn column(frame: &DataFrame, name: &str) -> Vec<Option<String>> {
    let c = frame.column(name).unwrap().cast(&DataType::String).unwrap();
    c.str().unwrap().iter().map(|v| v.map(str::to_string)).collect()
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

#[test]
fn wide_export_becomes_one_typed_row_per_complaint() {
    let t = load_config(common::fixture("wide_basic.toml"), vec![]);
    assert_eq!(
        column(&t, "reference"),
        [s("C001"), s("C002"), s("C004"), s("C005")]
    );
    assert_eq!(
        column(&t, "received"),
        [s("2024-04-03"), s("2024-04-08"), s("2024-05-03"), s("2024-06-13")]
    );
    assert_eq!(t.column("received").unwrap().dtype(), &DataType::Date);
    assert_eq!(
        column(&t, "stage1_outcome"),
        [s("upheld"), None, s("other"), s("not_upheld")]
    );
    assert_eq!(column(&t, "tenure"), [s("LCRA"), None, s("OTHER"), s("LCRA")]);
    assert_eq!(
        column(&t, "status"),
        [s("closed"), s("open"), s("closed"), s("closed")]
    );
    assert_eq!(t.column("compensation").unwrap().dtype(), &DataType::Float64);
    assert_eq!(column(&t, "compensation"), [s("50.0"), None, None, None]);
    assert_eq!(column(&t, "source_row"), [s("2"), s("3"), s("7"), s("9")]);
    assert!(
        column(&t, "source_file")[0]
            .as_deref()
            .unwrap()
            .ends_with("wide_basic.csv")
    );
}

#[test]
fn long_export_joins_stage_rows_on_reference() {
    let t = load_config(common::fixture("long_shape.toml"), vec![]);
    assert_eq!(column(&t, "reference"), [s("L1"), s("L2")]);
    assert_eq!(column(&t, "received"), [s("2024-04-01"), s("2024-04-02")]);
    assert_eq!(column(&t, "stage1_responded"), [s("2024-04-10"), s("2024-04-12")]);
    assert_eq!(column(&t, "stage2_requested"), [s("2024-04-15"), None]);
    assert_eq!(column(&t, "stage2_acknowledged"), [s("2024-04-16"), None]);
    assert_eq!(column(&t, "stage1_outcome"), [s("not_upheld"), s("upheld")]);
    // L1 is waiting for its stage 2 response.
    assert_eq!(column(&t, "status"), [s("open"), s("closed")]);
}

#[test]
fn rows_sharing_a_reference_merge_in_place_among_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("merge.csv");
    // M2 has a second row (its reference in another case, with spaces) after other rows, one of
    // them set aside for its received date.
    std::fs::write(
        &csv,
        "Case Ref,Received,Stage 1 acknowledged,Response date,Outcome,Tenure,Subject,Compensation\n\
         M1,01/04/2024,,,,,Repairs,\n\
         M2,02/04/2024,03/04/2024,,,,Repairs,\n\
         M9,not a date,,,,,Repairs,\n\
         M3,04/04/2024,,,,,Noise,\n\
         m2 ,02/04/2024,,16/04/2024,Upheld,,Repairs,\n\
         M4,05/04/2024,,,,,Noise,\n",
    )
    .unwrap();
    let t = load_config(common::fixture("wide_basic.toml"), vec![csv]);
    // Input order, the merged complaint at its first row's place.
    assert_eq!(column(&t, "reference"), [s("M1"), s("M2"), s("M3"), s("M4")]);
    assert_eq!(column(&t, "source_row"), [s("2"), s("3"), s("5"), s("7")]);
    // Each field's first value wins, from whichever row has one.
    assert_eq!(column(&t, "stage1_acknowledged")[1], s("2024-04-03"));
    assert_eq!(
        column(&t, "stage1_responded"),
        [None, s("2024-04-16"), None, None]
    );
    assert_eq!(column(&t, "stage1_outcome"), [None, s("upheld"), None, None]);
}

#[test]
fn windows_1252_tab_delimited_with_a_quoted_line_break() {
    let normalised = Pipeline::open(&common::fixture("windows_1252.toml"), &[])
        .and_then(|pipeline| pipeline.load(Fingerprints::NotPrinted, &Silent))
        .expect("loads");
    let t = &normalised.complaints;
    assert_eq!(
        column(t, "category"),
        // The quoted line break is kept by the reader, then printed as a space.
        [s("Rent £ arrears"), s("Café noise, late night")]
    );
    assert_eq!(column(t, "tenure"), [s("LCHO"), s("LCRA")]);
    // CRLF line ends: the rows are numbered as a spreadsheet shows them (the header is row 1),
    // and nothing is read between the header's \r and \n (once an empty row 2 was excluded).
    assert_eq!(column(t, "source_row"), [s("2"), s("3")]);
    assert_eq!(normalised.quality.rows_read, 2);
    assert!(normalised.quality.exclusions.is_empty());
}

/// The same four complaints as a CSV and as an XLSX with real date cells, an Excel serial typed
/// as a number, a text date and a title row.
fn write_pair(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
    let csv = dir.join("pair.csv");
    std::fs::write(
        &csv,
        "Ref,Date Received,Response date,Extension Required?,Compensation\n\
         P1,03/05/2024,17/05/2024,N,25\n\
         P2,06/05/2024,03/05/2024,Y,£10.50\n\
         P3,07/05/2024,,,\n\
         P4,08/05/2024,22/05/2024,No,15\n",
    )
    .unwrap();
    let xlsx = dir.join("pair.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Data").unwrap();
    let dates = Format::new().set_num_format("dd/mm/yyyy");
    sheet.write_string(0, 0, "Complaints listing").unwrap();
    for (c, h) in [
        "Ref",
        "Date Received",
        "Response date",
        "Extension Required?",
        "Compensation",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    let date = |y, m, d| ExcelDateTime::from_ymd(y, m, d).unwrap();
    sheet.write_string(3, 0, "P1").unwrap();
    sheet
        .write_datetime_with_format(3, 1, date(2024, 5, 3), &dates)
        .unwrap();
    sheet
        .write_datetime_with_format(3, 2, date(2024, 5, 17), &dates)
        .unwrap();
    sheet.write_string(3, 3, "N").unwrap();
    sheet.write_number(3, 4, 25).unwrap();
    sheet.write_string(4, 0, "P2").unwrap();
    sheet.write_number(4, 1, 45418).unwrap(); // 6 May 2024 as a bare serial
    sheet.write_string(4, 2, "03/05/2024").unwrap();
    sheet.write_boolean(4, 3, true).unwrap();
    sheet.write_string(4, 4, "£10.50").unwrap();
    sheet.write_string(5, 0, "P3").unwrap();
    sheet.write_string(5, 1, "7 May 2024").unwrap();
    sheet.write_string(6, 0, "P4").unwrap();
    sheet
        .write_datetime_with_format(6, 1, date(2024, 5, 8), &dates)
        .unwrap();
    sheet
        .write_datetime_with_format(6, 2, date(2024, 5, 22), &dates)
        .unwrap();
    sheet.write_string(6, 3, "No").unwrap();
    // A formula cell is read by its saved result.
    sheet
        .write_formula(6, 4, Formula::new("=10+5").set_result("15"))
        .unwrap();
    book.save(&xlsx).unwrap();
    let config = dir.join("pair.toml");
    std::fs::write(
        &config,
        "[report]\nperiod = \"2024/25\"\n[input]\nfiles = [\"pair.csv\"]\n",
    )
    .unwrap();
    (csv, xlsx, config)
}

#[test]
fn csv_and_xlsx_of_the_same_data_give_the_same_table() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, xlsx, config) = write_pair(dir.path());
    let from_csv = load_config(config.clone(), vec![csv]);
    let from_xlsx = load_config(config, vec![xlsx]);
    let fields = [
        "reference",
        "received",
        "stage1_responded",
        "stage1_extension",
        "compensation",
        "status",
    ];
    for f in fields {
        assert_eq!(column(&from_csv, f), column(&from_xlsx, f), "{f}");
    }
    assert_eq!(column(&from_xlsx, "received")[1], s("2024-05-06"));
    assert_eq!(
        column(&from_xlsx, "stage1_extension"),
        [s("false"), s("true"), None, s("false")]
    );
    assert_eq!(
        column(&from_xlsx, "compensation"),
        [s("25.0"), s("10.5"), None, s("15.0")]
    );
    // Spreadsheet rows: header on row 3, so the first complaint is on row 4.
    assert_eq!(column(&from_xlsx, "source_row"), [s("4"), s("5"), s("6"), s("7")]);
}

#[test]
fn several_files_are_concatenated_under_one_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, xlsx, config) = write_pair(dir.path());
    let both = load_config(config, vec![csv, xlsx]);
    // The XLSX repeats the CSV's complaints exactly, so each reference appears once.
    assert_eq!(both.height(), 4);
}
