//! CSV and other delimited text: delimiter sniffing, header detection, then the data rows read
//! by the strict reader, polars, or row by row (encodings: [`super::decode`]).

use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;

use super::decode::{decode, looks_binary};
use super::header::{HEADER_SEARCH_ROWS, choose_header_row, text_columns, unique_headers, wanted_headers};
use super::strict;
use super::{RawColumn, RawTable, ReadOptions, RejectedRow};
use crate::domain::text::truncate_text;
use crate::error::{Error, Result};
use crate::observe::step;

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Windows-1252 files are decoded this far first: enough for the header search. When the data
/// rows below are ASCII (usual: the accented text is often only a title line), they are parsed
/// in place rather than copied into a second, transcoded buffer. Kept small: a large block
/// freed before the parse can stay resident beside the parsed columns and raise the peak.
const HEAD_BYTES: usize = 64 << 10;

/// Reads delimited text.
pub(super) fn read(path: &Path, bytes: &[u8], options: &ReadOptions) -> Result<RawTable> {
    read_decoding_first(path, bytes, options, HEAD_BYTES)
}

fn read_decoding_first(
    path: &Path,
    bytes: &[u8],
    options: &ReadOptions,
    head_bytes: usize,
) -> Result<RawTable> {
    let observer = options.observer;
    let mut decoded = step(observer, "ingest: decode", || decode(bytes, head_bytes));
    let head: &str = &decoded.text;
    if decoded.whole && head.trim().is_empty() {
        return Err(Error::not_a_table(
            path,
            "the file is empty: export the complaints again, with a header row",
        ));
    }
    if looks_binary(head) {
        let spreadsheet_name = path.extension().is_some_and(|e| {
            ["xlsx", "xlsm", "xlsb", "xls", "ods"].contains(&e.to_string_lossy().to_lowercase().as_str())
        });
        // Text with a NUL in it is damaged text, not a spreadsheet or noise: say where.
        let text_before_nul = head
            .find('\0')
            .filter(|&at| at > 0 && !looks_binary(&head[..at]))
            .map(|at| head[..at].matches('\n').count() + 1);
        let message = match (spreadsheet_name, text_before_nul) {
            (true, _) => "is named like a spreadsheet but is neither a spreadsheet nor CSV text: it may be damaged; export it again".to_string(),
            (false, Some(line)) => format!(
                "this CSV text holds a NUL byte (an empty character) on line {line}: the export is damaged there, or written in an encoding other than UTF-8, UTF-16 or Windows-1252; export the complaints again as CSV (UTF-8) or XLSX"
            ),
            (false, None) => "this is not a CSV text file (it contains binary data): export the complaints as CSV or XLSX".to_string(),
        };
        return Err(Error::not_a_table(path, message));
    }
    let delimiter = sniff_delimiter(head);
    let encoding = decoded.encoding;

    // The csv crate finds the header and where the data starts; the readers below read the
    // data rows.
    let found = match find_header(path, head, delimiter, options) {
        Ok(found) if decoded.whole || found.within_head => found,
        Err(e) if decoded.whole => return Err(e),
        // The header search ran off the decoded head (very long rows): decode it all.
        _ => {
            decoded = decode(bytes, usize::MAX);
            find_header(path, &decoded.text, delimiter, options)?
        }
    };
    let headers = unique_headers(&found.rows[found.header_index]);
    let samples = found.rows[found.header_index + 1..].to_vec();
    let header_row = found.header_index + 1;
    let rows = decoded.into_data(found.data_start, bytes);
    let format = format!("CSV ({encoding}, {} delimited)", delimiter_name(delimiter));

    // Well-formed text (nearly every export) is read on every core by the strict reader, which
    // decodes Windows-1252 cell by cell; what it declines, polars reads, and what polars
    // refuses, the row-by-row reader. An odd number of quote marks means a quote is never
    // closed: a fast reader would swallow the rest of the file into one cell, so such files,
    // like ragged ones, are read row by row. The strict reader declines them itself (in text it
    // accepts, every quote mark opens, closes or doubles one), so the marks are only counted
    // for the text it declines.
    let resolved = options.matcher.resolve(&headers);
    let wanted = wanted_headers(&headers, &resolved);
    let strict = step(observer, "ingest: strict", || {
        read_strict(rows.source(), delimiter, &headers, &wanted, header_row)
    });
    let tidy = strict.is_some();
    let ((columns, rows), rejected, notes) = match strict {
        Some(read) => (read, Vec::new(), Vec::new()),
        None => {
            let (transcoded, data_span) = step(observer, "ingest: decode rows", || rows.into_text(bytes));
            let data: &[u8] = match &transcoded {
                Some(text) => &text.as_bytes()[data_span],
                None => &bytes[data_span],
            };
            let balanced = memchr::memchr_iter(b'"', data).count().is_multiple_of(2);
            // A line with more fields than a spreadsheet holds is ragged; polars would take
            // gigabytes to say so.
            let polars = (balanced && !any_line_wider_than(data, delimiter, MAX_COLUMNS))
                .then(|| {
                    step(observer, "ingest: polars", || {
                        read_with_polars(data, delimiter, &headers, &wanted, header_row)
                    })
                    .ok()
                })
                .flatten();
            match polars {
                Some(read) => (read, Vec::new(), Vec::new()),
                None => read_row_by_row(data, delimiter, &headers, header_row)?,
            }
        }
    };
    let mut table = RawTable {
        file: path.to_path_buf(),
        sha256: super::Fingerprint::not_taken(),
        format,
        header_row,
        headers,
        resolved,
        columns,
        rows,
        excel_1904: false,
        tidy,
        rejected,
        notes,
        samples,
        sheets: Vec::new(),
    };
    match encoding {
        "Windows-1252" => table.notes.push("not valid UTF-8: read as Windows-1252 (the usual encoding of Excel and Datix exports on Windows)".into()),
        super::decode::BOM_THEN_WINDOWS_1252 => table.notes.push("starts with a UTF-8 byte-order mark but is not UTF-8: read as Windows-1252 so that \"£\" and \"é\" survive; check a few accented values, and save the export again as UTF-8".into()),
        e if e.contains("without byte-order mark") => table.notes.push(format!("read as {e}: save the export as UTF-8 (or UTF-16 with a byte-order mark) to be sure")),
        _ => {}
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

/// Where the header is and where the data rows start.
struct HeaderSearch {
    /// The first rows, as cells.
    rows: Vec<Vec<String>>,
    header_index: usize,
    /// Byte offset of the first data row in the text searched.
    data_start: usize,
    /// Whether the header row is followed by another row in the text searched, so that it was
    /// not cut short where a partly decoded head ends.
    within_head: bool,
}

/// Excel's widest sheet: no export has more columns.
const MAX_COLUMNS: usize = 16_384;

/// Whether some line holds more than `fields` delimiters (quotes not considered: an upper
/// bound on its fields).
fn any_line_wider_than(data: &[u8], delimiter: u8, fields: usize) -> bool {
    let mut on_line = 0;
    for at in memchr::memchr2_iter(delimiter, b'\n', data) {
        match data[at] {
            b'\n' => on_line = 0,
            _ => {
                on_line += 1;
                if on_line > fields {
                    return true;
                }
            }
        }
    }
    false
}

fn find_header(path: &Path, text: &str, delimiter: u8, options: &ReadOptions) -> Result<HeaderSearch> {
    let mut reader = csv_reader(delimiter, text.as_bytes());
    let mut rows = Vec::new();
    let mut ends = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut widths = Vec::new();
    while rows.len() < HEADER_SEARCH_ROWS.max(options.header_row.unwrap_or(0)) {
        match reader.read_record(&mut record) {
            Ok(true) => {
                // A row wider than any spreadsheet is kept only as wide as one.
                rows.push(
                    record
                        .iter()
                        .take(MAX_COLUMNS)
                        .map(str::to_string)
                        .collect::<Vec<_>>(),
                );
                widths.push(record.len());
                ends.push(reader.position().byte() as usize);
            }
            Ok(false) => break,
            Err(e) => return Err(Error::not_a_table(path, format!("cannot be read as CSV: {e}"))),
        }
    }
    let header_index = choose_header_row(&rows, options).ok_or_else(|| {
        Error::not_a_table(
            path,
            format!(
                "row {} (header_row in [input]) is past the end of the file",
                options.header_row.unwrap_or(0)
            ),
        )
    })?;
    if widths[header_index] > MAX_COLUMNS {
        return Err(Error::not_a_table(
            path,
            format!(
                "the header row (row {}) has {} fields, more than the {MAX_COLUMNS} columns a spreadsheet holds: this is not a complaints export, or its delimiter is not the one the file uses; export it again as CSV",
                header_index + 1,
                widths[header_index]
            ),
        ));
    }
    // After a \r\n line end the csv crate stops between the two bytes.
    let mut data_start = ends[header_index];
    if text.as_bytes().get(data_start) == Some(&b'\n')
        && text.as_bytes().get(data_start.wrapping_sub(1)) == Some(&b'\r')
    {
        data_start += 1;
    }
    Ok(HeaderSearch {
        within_head: header_index + 1 < rows.len(),
        header_index,
        data_start,
        rows,
    })
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
            extra.iter().take(3).map(|v| format!("\"{}\"", truncate_text(v, 40))).collect::<Vec<_>>().join(", ")
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

/// Columns by header and each row's number: what a reader of the data rows gives.
type Read = (Vec<(String, RawColumn)>, Vec<u32>);

fn read_with_polars(
    data: &[u8],
    delimiter: u8,
    headers: &[String],
    wanted: &[(PlSmallStr, bool)],
    header_row: usize,
) -> PolarsResult<Read> {
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
        frame = frame.select(wanted.iter().map(|(name, _)| name.clone()))?;
    }
    let height = frame.height();
    let columns = frame
        .into_columns()
        .into_iter()
        .map(|c| Ok((c.name().to_string(), RawColumn::Text(c.str()?.clone()))))
        .collect::<PolarsResult<_>>()?;
    Ok((columns, row_numbers(height, header_row)))
}

/// The data rows by the strict reader, or `None` when it declines them.
fn read_strict(
    source: strict::Source,
    delimiter: u8,
    headers: &[String],
    wanted: &[(PlSmallStr, bool)],
    header_row: usize,
) -> Option<Read> {
    let names: Vec<(PlSmallStr, bool)> = match wanted.is_empty() {
        true => headers.iter().map(|h| (h.as_str().into(), false)).collect(),
        false => wanted.to_vec(),
    };
    let positions: Vec<(usize, strict::Keep)> = names
        .iter()
        .map(|(name, reference)| {
            let keep = match reference {
                true => strict::Keep::Text,
                false => strict::Keep::Coded,
            };
            headers
                .iter()
                .position(|h| h.as_str() == name.as_str())
                .map(|p| (p, keep))
        })
        .collect::<Option<_>>()?;
    let names: Vec<PlSmallStr> = names.into_iter().map(|(name, _)| name).collect();
    let columns = strict::read(source, delimiter, headers.len(), &positions, &names)?;
    let height = columns.first().map_or(0, RawColumn::len);
    let columns = names.iter().map(|n| n.to_string()).zip(columns).collect();
    Some((columns, row_numbers(height, header_row)))
}

/// Each data row's spreadsheet row number, when the rows follow the header one to a line.
fn row_numbers(height: usize, header_row: usize) -> Vec<u32> {
    let first = (header_row + 1) as u32;
    (first..first + height as u32).collect()
}

type RowByRow = (Read, Vec<RejectedRow>, Vec<String>);

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
                // The record may begin with the \n of the line end before it (the csv crate
                // stops between \r and \n): the next line is the one after the record's own.
                let own = raw
                    .iter()
                    .position(|&b| b != b'\r' && b != b'\n')
                    .unwrap_or(raw.len());
                let next_line = raw[own..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(part.len(), |p| start + own + p + 1);
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
    Ok(((text_columns(headers, columns), rows), rejected, notes))
}

#[cfg(test)]
mod tests;
