//! CSV and other delimited text: encoding detection (UTF-8, UTF-8/UTF-16 with BOM, Windows-1252),
//! delimiter sniffing, header detection, then a polars read of the data rows.

use std::borrow::Cow;
use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;

use super::{
    HEADER_SEARCH_ROWS, RawTable, ReadOptions, RejectedRow, choose_header_row, raw_frame, unique_headers,
};
use crate::error::{Error, Result};

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Reads delimited text. Takes the file's bytes so that, once transcoded, they can be let go:
/// a 200 MB export is not held twice while it is parsed.
pub(super) fn read(path: &Path, bytes: Arc<Vec<u8>>, options: &ReadOptions) -> Result<RawTable> {
    let (transcoded, utf8_span, encoding) = crate::timings::step("ingest: decode", || match decode(&bytes) {
        (Cow::Owned(text), encoding) => (Some(text), 0..0, encoding),
        (Cow::Borrowed(text), encoding) => {
            let start = text.as_ptr() as usize - bytes.as_ptr() as usize;
            (None, start..start + text.len(), encoding)
        }
    });
    let bytes = transcoded.is_none().then_some(bytes);
    let text: &str = match (&transcoded, &bytes) {
        (Some(text), _) => text,
        (None, Some(bytes)) => std::str::from_utf8(&bytes[utf8_span]).unwrap_or_default(),
        (None, None) => "",
    };
    if text.trim().is_empty() {
        return Err(Error::not_a_table(
            path,
            "the file is empty: export the complaints again, with a header row",
        ));
    }
    if looks_binary(text) {
        let spreadsheet_name = path.extension().is_some_and(|e| {
            ["xlsx", "xlsm", "xlsb", "xls", "ods"].contains(&e.to_string_lossy().to_lowercase().as_str())
        });
        let message = if spreadsheet_name {
            "is named like a spreadsheet but is neither a spreadsheet nor CSV text: it may be damaged; export it again"
        } else {
            "this is not a CSV text file (it contains binary data): export the complaints as CSV or XLSX"
        };
        return Err(Error::not_a_table(path, message));
    }
    let delimiter = sniff_delimiter(text);
    let format = format!("CSV ({encoding}, {} delimited)", delimiter_name(delimiter));

    // The csv crate finds the header and where the data starts; polars reads the data rows.
    let mut reader = csv_reader(delimiter, text.as_bytes());
    let mut first_rows = Vec::new();
    let mut ends = Vec::new();
    let mut record = csv::StringRecord::new();
    while first_rows.len() < HEADER_SEARCH_ROWS.max(options.header_row.unwrap_or(0)) {
        match reader.read_record(&mut record) {
            Ok(true) => {
                first_rows.push(record.iter().map(str::to_string).collect::<Vec<_>>());
                ends.push(reader.position().byte() as usize);
            }
            Ok(false) => break,
            Err(e) => return Err(Error::not_a_table(path, format!("cannot be read as CSV: {e}"))),
        }
    }
    let header_index = choose_header_row(&first_rows, options).ok_or_else(|| {
        Error::not_a_table(
            path,
            format!(
                "row {} (header_row in [input]) is past the end of the file",
                options.header_row.unwrap_or(0)
            ),
        )
    })?;
    let headers = unique_headers(&first_rows[header_index]);
    let header_row = header_index + 1;
    let data = &text.as_bytes()[ends[header_index]..];

    // An odd number of quote marks means a quote is never closed: a fast reader would swallow
    // the rest of the file into one cell, so such files, like ragged ones, are read row by row.
    let balanced = memchr::memchr_iter(b'"', data).count().is_multiple_of(2);
    let polars = if balanced {
        let wanted = super::wanted_headers(&headers, options);
        crate::timings::step("ingest: polars", || {
            read_with_polars(data, delimiter, &headers, &wanted, header_row)
        })
        .ok()
    } else {
        None
    };
    let (data, rejected, notes) = match polars {
        Some(frame) => (frame, Vec::new(), Vec::new()),
        None => read_row_by_row(data, delimiter, &headers, header_row)?,
    };
    let mut table = RawTable {
        file: path.to_path_buf(),
        sha256: String::new(),
        format,
        header_row,
        headers,
        data,
        excel_1904: false,
        rejected,
        notes,
    };
    if encoding == "Windows-1252" {
        table.notes.push("not valid UTF-8: read as Windows-1252 (the usual encoding of Excel and Datix exports on Windows)".into());
    }
    Ok(table)
}

fn csv_reader(delimiter: u8, bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes)
}

/// Text of the file and the name of its encoding. Windows-1252 is the fallback because every
/// byte decodes, so a "£" from an Excel export never fails the read.
fn decode(bytes: &[u8]) -> (Cow<'_, str>, &'static str) {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        let name = if encoding == encoding_rs::UTF_8 {
            "UTF-8 with BOM"
        } else {
            encoding.name()
        };
        return (text, name);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), "UTF-8"),
        Err(_) => (Cow::Owned(windows_1252_to_utf8(bytes)), "Windows-1252"),
    }
}

/// Windows-1252 is one byte per character, so the text can be decoded in blocks, and the
/// (usual) all-ASCII blocks copied as they are.
fn windows_1252_to_utf8(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 64);
    for block in bytes.chunks(8192) {
        match std::str::from_utf8(block) {
            Ok(ascii) if block.is_ascii() => text.push_str(ascii),
            _ => text.push_str(&encoding_rs::WINDOWS_1252.decode_without_bom_handling(block).0),
        }
    }
    text
}

/// NUL bytes or many control characters in the first few kilobytes mean this is not text.
fn looks_binary(text: &str) -> bool {
    let sample: Vec<char> = text.chars().take(8192).collect();
    let control = sample
        .iter()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .count();
    sample.contains(&'\0') || control * 20 > sample.len()
}

/// The delimiter that splits the first rows into the most consistent number of fields (> 1).
pub(super) fn sniff_delimiter(text: &str) -> u8 {
    let sample_end = text.char_indices().nth(64 * 1024).map_or(text.len(), |(i, _)| i);
    let sample = &text.as_bytes()[..sample_end];
    let score = |delimiter: u8| -> (usize, usize) {
        let mut counts = std::collections::HashMap::new();
        for record in csv_reader(delimiter, sample).records().take(30).flatten() {
            if record.len() > 1 {
                *counts.entry(record.len()).or_insert(0usize) += 1;
            }
        }
        counts
            .into_iter()
            .map(|(fields, rows)| (rows, fields))
            .max()
            .unwrap_or((0, 0))
    };
    DELIMITERS
        .iter()
        .copied()
        .map(|d| (score(d), d))
        // Ties go to the earlier delimiter in DELIMITERS (comma first).
        .fold(
            ((0, 0), b','),
            |best, next| if next.0 > best.0 { next } else { best },
        )
        .1
}

/// Why a row with more non-empty values than headers cannot be used, if it has them.
fn extra_values(record: &csv::StringRecord, width: usize) -> Option<String> {
    let extra: Vec<&str> = record
        .iter()
        .skip(width)
        .filter(|v| !v.trim().is_empty())
        .collect();
    (!extra.is_empty()).then(|| {
        format!(
            "has {} values but the header has {width}: a value probably contains an unquoted delimiter or quote; fix the row in the export (extra values: {})",
            record.len(),
            extra.iter().take(3).map(|v| format!("\"{}\"", super::truncate_text(v, 40))).collect::<Vec<_>>().join(", ")
        )
    })
}

fn delimiter_name(delimiter: u8) -> &'static str {
    match delimiter {
        b',' => "comma",
        b';' => "semicolon",
        b'\t' => "tab",
        b'|' => "pipe",
        _ => "other",
    }
}

fn read_with_polars(
    data: &[u8],
    delimiter: u8,
    headers: &[String],
    wanted: &[PlSmallStr],
    header_row: usize,
) -> PolarsResult<DataFrame> {
    let schema: Schema = headers
        .iter()
        .map(|h| polars::prelude::Field::new(h.as_str().into(), DataType::String))
        .collect();
    let mut frame = CsvReadOptions::default()
        .with_has_header(false)
        .with_schema(Some(Arc::new(schema)))
        .with_raise_if_empty(false)
        .map_parse_options(|p| p.with_separator(delimiter).with_missing_is_null(true))
        .into_reader_with_file_handle(Cursor::new(data))
        .finish()?;
    // Every column is parsed (polars stops checking row widths when it projects, and a row
    // with too many fields must be caught), but only the mapped ones are kept.
    if !wanted.is_empty() {
        frame = frame.select(wanted.iter().cloned())?;
    }
    let first = (header_row + 1) as u32;
    let rows: Vec<u32> = (first..first + frame.height() as u32).collect();
    frame.with_column(Column::new(super::ROW_COLUMN.into(), rows))?;
    Ok(frame)
}

type RowByRow = (DataFrame, Vec<RejectedRow>, Vec<String>);

/// The slow path for files polars refuses: every record is read with the csv crate; a row with
/// more non-empty values than headers is rejected (its values would land in the wrong columns),
/// a short row is padded.
fn read_row_by_row(data: &[u8], delimiter: u8, headers: &[String], header_row: usize) -> Result<RowByRow> {
    let mut columns: Vec<Vec<Option<String>>> = vec![Vec::new(); headers.len()];
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    let mut row = header_row;
    let mut offset = 0;
    'restart: while offset < data.len() {
        let part = &data[offset..];
        let mut reader = csv_reader(delimiter, part);
        let mut record = csv::StringRecord::new();
        let mut start = 0usize;
        loop {
            let read = reader.read_record(&mut record);
            let end = reader.position().byte() as usize;
            match read {
                Ok(false) => break 'restart,
                Ok(true) => {}
                Err(e) => {
                    row += 1;
                    rejected.push(RejectedRow {
                        row,
                        reason: format!("cannot be read as CSV ({e}); check the row's quotes"),
                    });
                    start = end;
                    continue;
                }
            }
            row += 1;
            let raw = &part[start..end.min(part.len())];
            if end >= part.len() && raw.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
                // This row opens a quote that is never closed: set it aside and carry on from
                // the next line.
                rejected.push(RejectedRow {
                    row,
                    reason: "opens a quote (\") that is never closed, so the rest of the file would be read into one cell; close the quote in the export".into(),
                });
                let next_line = raw
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(part.len(), |p| start + p + 1);
                offset += next_line;
                continue 'restart;
            }
            start = end;
            if let Some(reason) = extra_values(&record, headers.len()) {
                rejected.push(RejectedRow { row, reason });
                continue;
            }
            for (i, column) in columns.iter_mut().enumerate() {
                column.push(record.get(i).filter(|v| !v.is_empty()).map(str::to_string));
            }
            rows.push(row as u32);
        }
    }
    let notes = if rejected.is_empty() {
        vec![]
    } else {
        vec![format!(
            "{} row(s) could not be split into the header's {} columns",
            rejected.len(),
            headers.len()
        )]
    };
    Ok((raw_frame(headers, columns, rows)?, rejected, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_bom_and_windows_1252() {
        assert_eq!(decode(b"\xEF\xBB\xBFRef,\xC2\xA3").0, "Ref,£");
        assert_eq!(decode(b"\xEF\xBB\xBFRef").1, "UTF-8 with BOM");
        let (text, name) = decode(b"Ref,Amount\nA1,\xA350");
        assert_eq!((text.as_ref(), name), ("Ref,Amount\nA1,£50", "Windows-1252"));
        assert_eq!(decode("Ref,£".as_bytes()).1, "UTF-8");
        // UTF-16 little-endian with BOM, as Excel's "Unicode text" writes.
        assert_eq!(decode(b"\xFF\xFER\x00e\x00f\x00").0, "Ref");
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

    #[test]
    fn binary_noise_is_not_text() {
        assert!(looks_binary("\0\u{1}\u{2}abc"));
        assert!(!looks_binary("Ref,Date\nA,1\n"));
    }
}
