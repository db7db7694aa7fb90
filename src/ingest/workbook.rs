//! Spreadsheets through calamine: XLSX, XLSM, XLSB, XLS and ODS. Date cells become ISO text,
//! numbers keep their value (a number in a date column is read as an Excel serial later).

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use polars::prelude::{IdxSize, PlIndexSet, PlSmallStr, StringChunkedBuilder};

use super::header::{HEADER_SEARCH_ROWS, choose_header_row, unique_headers, wanted_headers};
use super::{CodedText, RawColumn, RawTable, ReadOptions};
use crate::columnar::parallel::in_parallel;
use crate::config::SheetRef;
use crate::domain::text::count_of;
use crate::error::{Error, Result};

/// ZIP (XLSX, XLSM, XLSB, ODS) or OLE compound file (XLS) signatures.
pub(super) fn looks_like_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// Excel's password protection wraps the workbook in an OLE file with an "EncryptedPackage".
fn is_encrypted(bytes: &[u8]) -> bool {
    let marker: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
        && bytes.windows(marker.len()).any(|w| w == marker.as_slice())
}

pub(super) fn read(path: &Path, bytes: &[u8], options: &ReadOptions) -> Result<RawTable> {
    if is_encrypted(bytes) {
        return Err(Error::not_a_table(
            path,
            "the workbook is password-protected: open it in Excel and save a copy without a password",
        ));
    }
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        Error::not_a_table(
            path,
            format!(
                "cannot be opened as a spreadsheet ({e}); if it is password-protected, save an unprotected copy; if it is damaged, export it again"
            ),
        )
    })?;
    let names = workbook.sheet_names();
    let sheet = choose_sheet(&names, options.sheet).map_err(|m| Error::not_a_table(path, m))?;
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|e| Error::not_a_table(path, format!("sheet '{sheet}' cannot be read: {e}")))?;

    // Row numbers as Excel shows them: the range may start below row 1.
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    // A workbook has one date system: its first date cell tells which.
    let excel_1904 = range
        .used_cells()
        .find(|(_, _, c)| matches!(c, Data::DateTime(_)))
        .is_some_and(|(_, _, c)| is_1904(c));
    let rows: Vec<&[Data]> = range.rows().collect();
    if rows.iter().all(|r| r.iter().all(|c| matches!(c, Data::Empty))) {
        return Err(Error::not_a_table(
            path,
            format!("sheet '{sheet}' is empty: choose the sheet holding the complaints with [input] sheet"),
        ));
    }
    let search = HEADER_SEARCH_ROWS.max(options.header_row.map_or(0, |r| r.saturating_sub(first_row)));
    let head: Vec<Vec<String>> = rows
        .iter()
        .take(search)
        .map(|r| r.iter().map(|c| cell_text(c).unwrap_or_default()).collect())
        .collect();
    // header_row in the config counts from the top of the sheet, the range may not.
    let adjusted = ReadOptions {
        header_row: options.header_row.map(|r| r.saturating_sub(first_row).max(1)),
        ..*options
    };
    let header_index = choose_header_row(&head, &adjusted).ok_or_else(|| {
        Error::not_a_table(
            path,
            format!(
                "header_row {} is past the end of sheet '{sheet}'",
                options.header_row.unwrap_or(0)
            ),
        )
    })?;
    let headers = unique_headers(&head[header_index]);
    let samples = head[header_index + 1..].to_vec();

    // Only the mapped columns are read (every one when none is mapped): the others are never
    // analysed.
    let resolved = options.matcher.resolve(&headers);
    let wanted: Vec<(usize, bool)> = {
        let names = wanted_headers(&headers, &resolved);
        match names.is_empty() {
            true => (0..headers.len()).map(|j| (j, false)).collect(),
            false => names
                .iter()
                .filter_map(|(name, reference)| {
                    headers
                        .iter()
                        .position(|h| h == name.as_str())
                        .map(|j| (j, *reference))
                })
                .collect(),
        }
    };
    let data_rows: Vec<usize> = (header_index + 1..rows.len())
        .filter(|&i| rows[i].iter().any(|c| !matches!(c, Data::Empty)))
        .collect();
    let row_numbers: Vec<u32> = data_rows.iter().map(|&i| (first_row + i + 1) as u32).collect();
    // Each column is built straight from the cells, tidied (trimmed, blank cells missing) and,
    // but for the reference, coded: a column per core, since the workbook's XML parse is
    // single-threaded and this is the part that can use the other core.
    let columns = in_parallel(&wanted, |&(j, reference)| {
        let each_cell = |take: &mut dyn FnMut(Option<&str>)| each_tidy_cell(&rows, &data_rows, j, take);
        let column = match reference {
            true => {
                let mut column = StringChunkedBuilder::new(PlSmallStr::EMPTY, data_rows.len());
                each_cell(&mut |cell| column.append_option(cell));
                RawColumn::Text(column.finish())
            }
            false => {
                let mut values: PlIndexSet<String> = PlIndexSet::default();
                let mut codes: Vec<Option<IdxSize>> = Vec::with_capacity(data_rows.len());
                each_cell(&mut |cell| {
                    codes.push(cell.map(|cell| match values.get_index_of(cell) {
                        Some(code) => code as IdxSize,
                        None => values.insert_full(cell.to_string()).0 as IdxSize,
                    }))
                });
                RawColumn::Coded(CodedText {
                    codes: codes.into_iter().collect(),
                    values: values.into_iter().collect(),
                })
            }
        };
        Ok((headers[j].clone(), column))
    })?;
    Ok(RawTable {
        file: path.to_path_buf(),
        sha256: super::Fingerprint::not_taken(),
        format: format!("spreadsheet, sheet '{sheet}'"),
        header_row: first_row + header_index + 1,
        columns,
        rows: row_numbers,
        headers,
        resolved,
        excel_1904,
        tidy: true,
        rejected: Vec::new(),
        notes: Vec::new(),
        samples,
    })
}

/// Column `j`'s cells in `data_rows`, each trimmed, blank ones missing, handed to `take`.
fn each_tidy_cell(rows: &[&[Data]], data_rows: &[usize], j: usize, take: &mut dyn FnMut(Option<&str>)) {
    let mut text = String::new();
    for &i in data_rows {
        let cell = match rows[i].get(j) {
            Some(cell) if write_cell_text(cell, &mut text) => Some(text.trim()).filter(|t| !t.is_empty()),
            _ => None,
        };
        take(cell);
    }
}

fn is_1904(cell: &Data) -> bool {
    // calamine keeps the workbook's date system on each date cell but does not expose the flag;
    // a 1904-system cell converts differently from the same serial in the 1900 system.
    match cell {
        Data::DateTime(d) => {
            let as_1900 =
                calamine::ExcelDateTime::new(d.as_f64(), calamine::ExcelDateTimeType::DateTime, false);
            as_1900.to_ymd_hms_milli() != d.to_ymd_hms_milli()
        }
        _ => false,
    }
}

fn choose_sheet(names: &[String], wanted: Option<&SheetRef>) -> std::result::Result<String, String> {
    let listing = || {
        names
            .iter()
            .map(|n| format!("'{n}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match wanted {
        None => names
            .first()
            .cloned()
            .ok_or_else(|| "the workbook has no sheets".to_string()),
        Some(SheetRef::Index(i)) => names.get(i - 1).cloned().ok_or_else(|| {
            format!(
                "[input] sheet = {i}, but the workbook has {}: {}",
                count_of(names.len() as u64, "sheet", "sheets"),
                listing()
            )
        }),
        Some(SheetRef::Name(wanted)) => names
            .iter()
            .find(|n| n.trim().eq_ignore_ascii_case(wanted.trim()))
            .cloned()
            .ok_or_else(|| {
                format!(
                    "[input] sheet = \"{wanted}\" is not in the workbook; its sheets are {}",
                    listing()
                )
            }),
    }
}

/// A cell as text; `None` for empty cells. Dates become yyyy-mm-dd so they parse unambiguously.
fn cell_text(cell: &Data) -> Option<String> {
    let mut text = String::new();
    write_cell_text(cell, &mut text).then_some(text)
}

/// Writes a cell's text into `text` (cleared first); false for an empty cell.
fn write_cell_text(cell: &Data, text: &mut String) -> bool {
    use std::fmt::Write;
    text.clear();
    // Writing into a String cannot fail.
    let _ = match cell {
        Data::Empty => return false,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            text.push_str(s);
            Ok(())
        }
        Data::Int(i) => write!(text, "{i}"),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => write!(text, "{}", *f as i64),
        Data::Float(f) => write!(text, "{f}"),
        Data::Bool(b) => {
            text.push_str(if *b { "TRUE" } else { "FALSE" });
            Ok(())
        }
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            write!(text, "{y:04}-{m:02}-{day:02}")
        }
        Data::DateTime(d) => write!(text, "{}", d.as_f64()),
        Data::Error(e) => write!(text, "{e}"),
    };
    true
}
