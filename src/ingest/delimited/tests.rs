//! The delimited reader's unit tests: encodings, header search, the readers agreeing.

use super::*;
use crate::ingest::Fingerprints;

/// Reads a CSV whose Windows-1252 head is decoded only to `head_bytes`.
fn read_with_head(bytes: &[u8], head_bytes: usize) -> RawTable {
    let matcher = crate::mapping::ColumnMatcher::new(&Default::default());
    let options = ReadOptions {
        sheet: None,
        header_row: None,
        limits: Default::default(),
        matcher: &matcher,
        fingerprints: Fingerprints::NotPrinted,
        observer: &crate::observe::Silent,
    };
    read_decoding_first(Path::new("t.csv"), bytes, &options, head_bytes).expect("readable")
}

fn cells(table: &RawTable, header: &str) -> Vec<Option<String>> {
    table.column(header).expect("column").cells()
}

#[test]
fn windows_1252_data_rows_read_the_same_whether_decoded_whole_or_from_the_head() {
    let title = b"Riverside \x96 complaints\nReference,Date received,Subject\n".to_vec();
    let ascii_rows = b"A1,01/04/2024,plain\nA2,02/04/2024,\"two, parts\"\nA3,03/04/2024,\n".to_vec();
    let accented_rows = b"A1,01/04/2024,\xA350 paid\nA2,02/04/2024,caf\xE9\nA3,03/04/2024,\n".to_vec();
    for rows in [ascii_rows, accented_rows] {
        let file = [title.clone(), rows].concat();
        let whole = read_with_head(&file, usize::MAX);
        assert_eq!(whole.format, "CSV (Windows-1252, comma delimited)");
        assert_eq!(whole.header_row, 2);
        assert!(!decode(&file, 70).whole, "the head ends in the data rows");
        // Heads ending inside the title, the header, the data and past the end.
        for head_bytes in [5, 30, 60, 70, file.len() - 1, file.len() + 10] {
            let table = read_with_head(&file, head_bytes);
            assert_eq!(
                (table.header_row, &table.headers),
                (2, &whole.headers),
                "{head_bytes}"
            );
            for header in ["Reference", "Date received", "Subject"] {
                assert_eq!(
                    cells(&table, header),
                    cells(&whole, header),
                    "{head_bytes} {header}"
                );
            }
        }
    }
    let accented = [
        title,
        b"A1,01/04/2024,\xA350 paid\nA2,02/04/2024,caf\xE9\n".to_vec(),
    ]
    .concat();
    assert_eq!(
        cells(&read_with_head(&accented, 60), "Subject"),
        [Some("£50 paid".to_string()), Some("café".to_string())]
    );
}

/// Random rows, mostly well-formed (quoted when they need it), sometimes not.
fn random_csv(seed: u64, rows: usize, width: usize) -> String {
    let mut state = seed;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let pieces = [
        "x",
        "Damp",
        " ",
        ",",
        "\"",
        "\n",
        "\r\n",
        "£",
        "é",
        "12/03/2024",
        "",
    ];
    let mut text = String::new();
    for _ in 0..rows {
        let fields = match next(40) {
            0 => width - 1,
            1 => width + 1,
            _ => width,
        };
        for f in 0..fields {
            let cell: String = (0..next(4))
                .map(|_| pieces[next(pieces.len() as u64) as usize])
                .collect();
            let special = cell.contains([',', '"', '\n', '\r']);
            match (special, next(30)) {
                (_, 0) => text.push_str(&cell),
                (true, _) | (false, 1) => text.push_str(&format!("\"{}\"", cell.replace('"', "\"\""))),
                _ => text.push_str(&cell),
            }
            if f + 1 < fields {
                text.push(',');
            }
        }
        text.push_str(if next(5) == 0 { "\r\n" } else { "\n" });
    }
    text
}

#[test]
fn the_strict_reader_reads_what_polars_reads_or_declines() {
    let headers: Vec<String> = ["Reference", "Date received", "Subject", "Outcome"]
        .map(String::from)
        .to_vec();
    // The reference is read as text, the others coded.
    let wanted: Vec<(PlSmallStr, bool)> = [("Reference", true), ("Subject", false), ("Outcome", false)]
        .map(|(h, r)| (h.into(), r))
        .to_vec();
    let (mut read_by_both, mut declined) = (0, 0);
    for seed in 1..400u64 {
        let data = random_csv(seed * 7919, 1 + (seed as usize % 12), headers.len());
        let strict = read_strict(strict::Source::Utf8(&data), b',', &headers, &wanted, 1);
        // The same rows in Windows-1252, decoded by the strict reader a cell at a time.
        let (windows_1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&data);
        assert!(!unmappable);
        let strict_1252 = read_strict(
            strict::Source::Windows1252(&windows_1252),
            b',',
            &headers,
            &wanted,
            1,
        );
        assert_eq!(strict.is_some(), strict_1252.is_some());
        let (Some(strict), Some(strict_1252)) = (strict, strict_1252) else {
            declined += 1;
            continue;
        };
        let cells = |read: &Read| -> Vec<(String, Vec<Option<String>>)> {
            read.0.iter().map(|(h, c)| (h.clone(), c.cells())).collect()
        };
        assert_eq!(cells(&strict), cells(&strict_1252), "{data:?}");
        assert_eq!(strict.1, strict_1252.1);
        let polars = read_with_polars(data.as_bytes(), b',', &headers, &wanted, 1)
            .unwrap_or_else(|e| panic!("polars refuses what the strict reader read: {e}\n{data:?}"));
        assert_eq!(strict.1, polars.1, "row numbers of {data:?}");
        // The same cells, once polars' are tidied as normalising does (the strict reader
        // trims them and makes blank ones missing as it reads).
        let tidied: Vec<(String, Vec<Option<String>>)> = cells(&polars)
            .into_iter()
            .map(|(h, column)| {
                let column = column
                    .into_iter()
                    .map(|v| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()))
                    .collect();
                (h, column)
            })
            .collect();
        assert_eq!(cells(&strict), tidied, "{data:?}");
        assert!(matches!(strict.0[0].1, RawColumn::Text(_)));
        assert!(matches!(strict.0[1].1, RawColumn::Coded(_)));
        read_by_both += 1;
    }
    // Both kinds of input were tried.
    assert!(
        read_by_both > 100 && declined > 50,
        "{read_by_both} read, {declined} declined"
    );
}

#[test]
fn data_rows_start_after_the_whole_line_end_of_the_header() {
    let matcher = crate::mapping::ColumnMatcher::new(&Default::default());
    let options = ReadOptions {
        sheet: None,
        header_row: None,
        limits: Default::default(),
        matcher: &matcher,
        fingerprints: Fingerprints::NotPrinted,
        observer: &crate::observe::Silent,
    };
    for (text, start) in [
        ("Reference,Date received\r\nA1,01/04/2024\r\n", 25),
        ("Reference,Date received\nA1,01/04/2024\n", 24),
    ] {
        let found = find_header(Path::new("t.csv"), text, b',', &options).expect("header");
        assert_eq!((found.header_index, found.data_start), (0, start), "{text:?}");
        assert!(text[found.data_start..].starts_with("A1"));
    }
}

#[test]
fn an_unclosed_quote_sets_aside_only_its_own_row_whatever_the_line_ends() {
    let headers: Vec<String> = ["Ref", "Received", "Subject"].map(String::from).to_vec();
    for eol in ["\n", "\r\n"] {
        let data = [
            "A1,01/05/2024,Repairs",
            "A2,02/05/2024,\"Repairs",
            "A3,03/05/2024,Damp",
            "A4,04/05/2024,Noise",
            "",
        ]
        .join(eol);
        let ((columns, rows), rejected, _) =
            read_row_by_row(data.as_bytes(), b',', &headers, 1).expect("read");
        let rejected: Vec<usize> = rejected.iter().map(|r| r.row).collect();
        assert_eq!(rejected, [3], "{eol:?}");
        let refs = columns[0].1.cells();
        assert_eq!(
            refs,
            [Some("A1".into()), Some("A3".into()), Some("A4".into())],
            "{eol:?}"
        );
        assert_eq!(rows, [2, 4, 5], "{eol:?}");
    }
}

#[test]
fn sniffs_each_delimiter() {
    assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
    assert_eq!(sniff_delimiter("a;b;c\n1;2,5;3\n4;5;6\n"), b';');
    assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3\n"), b'\t');
    assert_eq!(sniff_delimiter("a|b|c\n1|2|3\n"), b'|');
    // A quoted comma inside a semicolon file does not fool it.
    assert_eq!(sniff_delimiter("Title only\na;b\n\"x, y\";2\n3;4\n"), b';');
}
