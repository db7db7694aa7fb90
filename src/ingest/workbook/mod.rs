//! Spreadsheets through calamine: XLSX, XLSM, XLSB, XLS and ODS. Date cells become ISO text,
//! numbers keep their value (a number in a date column is read as an Excel serial later).

mod bounds;
mod cells;

use std::io::{Cursor, Read, Seek};
use std::path::Path;

use calamine::{Reader, Sheet, SheetType, SheetVisible, Sheets, open_workbook_auto_from_rs};

use super::{RawTable, ReadOptions, SheetSummary};
use crate::config::SheetRef;
use crate::domain::text::count_of;
use crate::error::{Error, Result};
use cells::{SheetCells, Stop, data_ref};

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
    bounds::check_unpacked(bytes, &options.limits).map_err(|m| Error::not_a_table(path, m))?;
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        Error::not_a_table(
            path,
            format!(
                "cannot be opened as a spreadsheet ({e}); if it is password-protected, save an unprotected copy; if it is damaged, export it again"
            ),
        )
    })?;
    let metadata = workbook.sheets_metadata().to_vec();
    let sheet = choose_sheet(&metadata, options.sheet).map_err(|m| Error::not_a_table(path, m))?;
    let mut cells = SheetCells::new(options);
    stream_cells(&mut workbook, &sheet, &mut |position, value| {
        cells.push(position, value)
    })
    .map_err(|e| stopped(path, &sheet, e, options))?;
    let excel_1904 = cells.excel_1904.unwrap_or(false);
    let rows_with_content = cells.rows_with_content();
    let read = cells
        .finish()
        .map_err(|e| stopped(path, &sheet, Failure::Stop(e), options))?;

    let mut notes = Vec::new();
    let hidden_before: Vec<&Sheet> = metadata
        .iter()
        .take_while(|s| s.name != sheet)
        .filter(|s| s.visible != SheetVisible::Visible)
        .collect();
    if options.sheet.is_none() && !hidden_before.is_empty() {
        notes.push(format!(
            "hidden {} skipped: {}; set [input] sheet to read one",
            if hidden_before.len() == 1 {
                "sheet"
            } else {
                "sheets"
            },
            hidden_before
                .iter()
                .map(|s| format!("'{}'", s.name))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let sheets = match metadata.len() {
        1 => Vec::new(),
        _ => metadata
            .iter()
            .map(|s| SheetSummary {
                name: s.name.clone(),
                visibility: visibility(s),
                rows: match s.name == sheet {
                    true => Some(rows_with_content),
                    false => count_rows(&mut workbook, &s.name, options),
                },
                read: s.name == sheet,
            })
            .collect(),
    };
    Ok(RawTable {
        file: path.to_path_buf(),
        sha256: super::Fingerprint::not_taken(),
        format: format!("spreadsheet, sheet '{sheet}'"),
        header_row: read.header_row,
        columns: read.columns,
        rows: read.rows,
        headers: read.headers,
        resolved: read.resolved,
        excel_1904,
        tidy: true,
        rejected: Vec::new(),
        notes,
        samples: read.samples,
        sheets,
    })
}

/// Why streaming a sheet stopped.
enum Failure {
    Stop(Stop),
    Unreadable(String),
}

impl From<Stop> for Failure {
    fn from(stop: Stop) -> Self {
        Failure::Stop(stop)
    }
}

fn stopped(path: &Path, sheet: &str, failure: Failure, options: &ReadOptions) -> Error {
    let message = match failure {
        Failure::Stop(Stop::TooManyCells) => format!(
            "sheet '{sheet}' holds more than {} cells, far more than a complaints export: \
             if the file is genuine, raise [input.limits] cells, or save the sheet as CSV",
            options.limits.cells
        ),
        Failure::Stop(Stop::Empty) => {
            format!("sheet '{sheet}' is empty: choose the sheet holding the complaints with [input] sheet")
        }
        Failure::Stop(Stop::HeaderPastEnd) => format!(
            "header_row {} is past the end of sheet '{sheet}'",
            options.header_row.unwrap_or(0)
        ),
        Failure::Unreadable(e) => format!("sheet '{sheet}' cannot be read: {e}"),
    };
    Error::not_a_table(path, message)
}

/// What receives each cell: its 0-based (row, column) and value.
type TakeCell<'t> = dyn FnMut((u32, u32), &calamine::DataRef) -> std::result::Result<(), Stop> + 't;

/// Every cell of `sheet`, in the order the file holds them, handed to `take` at its 0-based
/// (row, column). XLSX and XLSB stream; XLS and ODS are read whole by calamine (XLS is bounded
/// by its 65,536 rows, ODS by calamine's caps on repeated rows and columns).
fn stream_cells<RS: Read + Seek>(
    workbook: &mut Sheets<RS>,
    sheet: &str,
    take: &mut TakeCell,
) -> std::result::Result<(), Failure> {
    let unreadable = |e: &dyn std::fmt::Display| Failure::Unreadable(e.to_string());
    match workbook {
        Sheets::Xlsx(xlsx) => {
            let mut reader = xlsx.worksheet_cells_reader(sheet).map_err(|e| unreadable(&e))?;
            while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
                take(cell.get_position(), cell.get_value())?;
            }
        }
        Sheets::Xlsb(xlsb) => {
            let mut reader = xlsb.worksheet_cells_reader(sheet).map_err(|e| unreadable(&e))?;
            while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
                take(cell.get_position(), cell.get_value())?;
            }
        }
        Sheets::Xls(_) | Sheets::Ods(_) => {
            let range = workbook.worksheet_range(sheet).map_err(|e| unreadable(&e))?;
            let (top, left) = range.start().unwrap_or((0, 0));
            for (row, column, cell) in range.used_cells() {
                take((top + row as u32, left + column as u32), &data_ref(cell))?;
            }
        }
    }
    Ok(())
}

/// Rows holding anything in another sheet, for the listing; `None` when it cannot be read.
fn count_rows<RS: Read + Seek>(
    workbook: &mut Sheets<RS>,
    sheet: &str,
    options: &ReadOptions,
) -> Option<usize> {
    let mut rows = std::collections::BTreeSet::new();
    let mut cells = 0u64;
    stream_cells(workbook, sheet, &mut |(row, _), value| {
        cells += 1;
        if cells > options.limits.cells {
            return Err(Stop::TooManyCells);
        }
        if !matches!(value, calamine::DataRef::Empty) {
            rows.insert(row);
        }
        Ok(())
    })
    .ok()?;
    Some(rows.len())
}

fn visibility(sheet: &Sheet) -> &'static str {
    match (sheet.typ, sheet.visible) {
        (SheetType::ChartSheet, _) => "chart",
        (_, SheetVisible::Visible) => "visible",
        (_, SheetVisible::Hidden) => "hidden",
        (_, SheetVisible::VeryHidden) => "very hidden",
    }
}

/// The sheet to read: the one `[input] sheet` names, else the first visible worksheet.
fn choose_sheet(sheets: &[Sheet], wanted: Option<&SheetRef>) -> std::result::Result<String, String> {
    let listing = || {
        sheets
            .iter()
            .map(|s| match s.visible {
                SheetVisible::Visible => format!("'{}'", s.name),
                _ => format!("'{}' ({})", s.name, visibility(s)),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match wanted {
        None => sheets
            .iter()
            .find(|s| s.visible == SheetVisible::Visible && s.typ == SheetType::WorkSheet)
            .or_else(|| sheets.iter().find(|s| s.typ == SheetType::WorkSheet))
            .map(|s| s.name.clone())
            .ok_or_else(|| "the workbook has no worksheets".to_string()),
        Some(SheetRef::Index(i)) => sheets.get(i - 1).map(|s| s.name.clone()).ok_or_else(|| {
            format!(
                "[input] sheet = {i}, but the workbook has {}: {}",
                count_of(sheets.len() as u64, "sheet", "sheets"),
                listing()
            )
        }),
        Some(SheetRef::Name(wanted)) => sheets
            .iter()
            .find(|s| s.name.trim().eq_ignore_ascii_case(wanted.trim()))
            .map(|s| s.name.clone())
            .ok_or_else(|| {
                format!(
                    "[input] sheet = \"{wanted}\" is not in the workbook; its sheets are {}",
                    listing()
                )
            }),
    }
}
