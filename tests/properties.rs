//! Property tests: the date parser and the readers never panic, and every date written in a
//! supported format reads back as itself. (PROPTEST_CASES sets the number of cases.)

use chrono::{Datelike, NaiveDate};
use complaints_report::config::Config;
use complaints_report::domain::dates::{DateOrder, parse_date};
use complaints_report::ingest::Fingerprints;
use complaints_report::observe::Silent;
use complaints_report::pipeline::Pipeline;
use proptest::prelude::*;

fn date() -> impl Strategy<Value = NaiveDate> {
    (0i64..40_000).prop_map(|d| NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + chrono::Duration::days(d))
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn read_bytes(bytes: &[u8], name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let pipeline = Pipeline::new(Config::default(), &[path]).unwrap();
    // Either outcome is fine; a panic is not.
    let _ = pipeline.ingest(Fingerprints::NotPrinted, &Silent);
}

proptest! {
    #[test]
    fn the_date_parser_never_panics(text in "\\PC{0,40}") {
        let _ = parse_date(&text, DateOrder::DayFirst, false);
        let _ = parse_date(&text, DateOrder::MonthFirst, true);
    }

    #[test]
    fn written_dates_read_back(d in date(), style in 0usize..7, with_time in any::<bool>()) {
        let (y, m, day) = (d.year(), d.month(), d.day());
        let mut text = match style {
            0 => format!("{day:02}/{m:02}/{y}"),
            1 => format!("{day}/{m}/{y}"),
            2 => format!("{day:02}-{m:02}-{y}"),
            3 => format!("{day:02}.{m:02}.{y}"),
            4 => format!("{y}-{m:02}-{day:02}"),
            5 => format!("{day} {} {y}", MONTHS[m as usize - 1]),
            _ => format!("{day:02}-{}-{y}", &MONTHS[m as usize - 1][..3]),
        };
        if with_time {
            text.push_str(" 14:05:09");
        }
        prop_assert_eq!(parse_date(&text, DateOrder::DayFirst, false), Ok(Some(d)));
    }

    #[test]
    fn two_digit_years_are_2000s_below_30(d in date().prop_filter("2000-2029", |d| (2000..2030).contains(&d.year()))) {
        let text = format!("{}/{}/{:02}", d.day(), d.month(), d.year() % 100);
        prop_assert_eq!(parse_date(&text, DateOrder::DayFirst, false), Ok(Some(d)));
    }

    #[test]
    fn the_csv_reader_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        read_bytes(&bytes, "noise.csv");
    }

    #[test]
    fn delimited_text_with_random_quoting_never_panics(
        cells in proptest::collection::vec("[A-Za-z0-9 ,;\"\\n/£-]{0,12}", 0..60)
    ) {
        let mut text = String::from("Reference,Received,Category\n");
        for (i, cell) in cells.iter().enumerate() {
            text.push_str(cell);
            text.push(if i % 3 == 2 { '\n' } else { ',' });
        }
        read_bytes(text.as_bytes(), "random.csv");
    }

    #[test]
    fn the_workbook_reader_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let mut zip = b"PK\x03\x04".to_vec();
        zip.extend(bytes);
        read_bytes(&zip, "noise.xlsx");
    }
}
