//! A sheet's cells as they stream out of the workbook, kept sparsely: the first rows (to find
//! the header in), then only the mapped columns' cells, each as a row number and a code. A
//! sheet's size is what its cells hold, never the rectangle its dimension tag or one far-off
//! cell declares.

use calamine::DataRef;
use polars::prelude::{IdxSize, PlIndexSet, PlSmallStr, StringChunkedBuilder};

use super::super::header::{HEADER_SEARCH_ROWS, choose_header_row, unique_headers, wanted_headers};
use super::super::{CodedText, RawColumn, ReadOptions};
use crate::mapping::ResolvedColumns;

/// Columns beyond Excel's last (XFD) cannot hold a header.
const MAX_COLUMNS: u32 = 16_384;

/// The header found and the columns read, cell by cell.
pub(super) struct SheetCells<'o> {
    options: &'o ReadOptions<'o>,
    cells_seen: u64,
    rows_with_content: u64,
    last_row_with_content: Option<u32>,
    /// The first date cell's date system decides the workbook's.
    pub(super) excel_1904: Option<bool>,
    head: Head,
    table: Option<Table>,
}

/// Cells of the rows searched for the header (row, column, text).
#[derive(Default)]
struct Head {
    first_row: Option<u32>,
    cells: Vec<(u32, u32, String)>,
}

/// Everything after the header is chosen.
struct Table {
    header_row: u32,
    headers: Vec<String>,
    resolved: ResolvedColumns,
    samples: Vec<Vec<String>>,
    /// Column number → where its cells go.
    slot_of: Vec<Option<usize>>,
    slots: Vec<(String, Slot)>,
    /// Rows holding at least one cell, as they come (sorted at the end).
    data_rows: Vec<u32>,
}

enum Slot {
    Reference(Vec<(u32, String)>),
    Coded {
        values: PlIndexSet<String>,
        cells: Vec<(u32, IdxSize)>,
    },
}

/// A limit reached, or no header.
pub(super) enum Stop {
    TooManyCells,
    Empty,
    HeaderPastEnd,
}

/// The sheet as read.
pub(super) struct ReadSheet {
    pub(super) header_row: usize,
    pub(super) headers: Vec<String>,
    pub(super) resolved: ResolvedColumns,
    pub(super) samples: Vec<Vec<String>>,
    pub(super) columns: Vec<(String, RawColumn)>,
    pub(super) rows: Vec<u32>,
}

impl<'o> SheetCells<'o> {
    pub(super) fn new(options: &'o ReadOptions<'o>) -> Self {
        SheetCells {
            options,
            cells_seen: 0,
            rows_with_content: 0,
            last_row_with_content: None,
            excel_1904: None,
            head: Head::default(),
            table: None,
        }
    }

    /// Rows holding anything, header and notes above it included (for the sheet listing).
    pub(super) fn rows_with_content(&self) -> usize {
        self.rows_with_content as usize
    }

    /// Rows searched for the header, counting from the first row holding anything.
    fn search_rows(&self, first_row: u32) -> u32 {
        let configured = self
            .options
            .header_row
            .map_or(0, |r| (r as u32).saturating_sub(first_row));
        (HEADER_SEARCH_ROWS as u32).max(configured)
    }

    /// One cell, at its 0-based (row, column).
    pub(super) fn push(&mut self, (row, column): (u32, u32), value: &DataRef) -> Result<(), Stop> {
        self.cells_seen += 1;
        if self.cells_seen > self.options.limits.cells {
            return Err(Stop::TooManyCells);
        }
        if matches!(value, DataRef::Empty) {
            return Ok(());
        }
        if self.last_row_with_content != Some(row) {
            self.last_row_with_content = Some(row);
            self.rows_with_content += 1;
        }
        if self.excel_1904.is_none()
            && let DataRef::DateTime(d) = value
        {
            self.excel_1904 = Some(is_1904(d));
        }
        let mut text = String::new();
        write_cell_text(value, &mut text);
        if self.table.is_none() {
            let first_row = *self.head.first_row.get_or_insert(row);
            if row < first_row + self.search_rows(first_row) {
                if column < MAX_COLUMNS {
                    self.head.cells.push((row, column, text));
                }
                return Ok(());
            }
            self.choose_header()?;
        }
        if let Some(table) = &mut self.table {
            table.take(row, column, text);
        }
        Ok(())
    }

    /// The header row among the first rows, and the first rows' cells routed below it.
    fn choose_header(&mut self) -> Result<(), Stop> {
        let head = std::mem::take(&mut self.head);
        let first_row = head.cells.iter().map(|c| c.0).min().ok_or(Stop::Empty)?;
        let first_column = head.cells.iter().map(|c| c.1).min().unwrap_or(0);
        let height = head.cells.iter().map(|c| c.0).max().unwrap_or(first_row) - first_row + 1;
        let width = head.cells.iter().map(|c| c.1).max().unwrap_or(first_column) - first_column + 1;
        let mut grid = vec![vec![String::new(); width as usize]; height as usize];
        for (row, column, text) in &head.cells {
            grid[(row - first_row) as usize][(column - first_column) as usize] = text.clone();
        }
        // header_row in the config counts from the top of the sheet; the grid from its first row.
        let adjusted = ReadOptions {
            header_row: self
                .options
                .header_row
                .map(|r| (r as u32).saturating_sub(first_row).max(1) as usize),
            ..*self.options
        };
        let index = choose_header_row(&grid, &adjusted).ok_or(Stop::HeaderPastEnd)?;
        let headers = unique_headers(&grid[index]);
        let resolved = self.options.matcher.resolve(&headers);
        let mut slot_of = Vec::new();
        let mut slots = Vec::new();
        let wanted: Vec<(usize, bool)> = match wanted_headers(&headers, &resolved) {
            names if names.is_empty() => (0..headers.len()).map(|j| (j, false)).collect(),
            names => names
                .iter()
                .filter_map(|(name, reference)| {
                    headers
                        .iter()
                        .position(|h| h == name.as_str())
                        .map(|j| (j, *reference))
                })
                .collect(),
        };
        for (j, reference) in wanted {
            let column = first_column as usize + j;
            if slot_of.len() <= column {
                slot_of.resize(column + 1, None);
            }
            slot_of[column] = Some(slots.len());
            let slot = match reference {
                true => Slot::Reference(Vec::new()),
                false => Slot::Coded {
                    values: PlIndexSet::default(),
                    cells: Vec::new(),
                },
            };
            slots.push((headers[j].clone(), slot));
        }
        let mut table = Table {
            header_row: first_row + index as u32,
            samples: grid[index + 1..].to_vec(),
            headers,
            resolved,
            slot_of,
            slots,
            data_rows: Vec::new(),
        };
        for (row, column, text) in head.cells {
            table.take(row, column, text);
        }
        self.table = Some(table);
        Ok(())
    }

    /// The columns read, each aligned to the data rows.
    pub(super) fn finish(mut self) -> Result<ReadSheet, Stop> {
        if self.table.is_none() {
            self.choose_header()?;
        }
        let Some(mut table) = self.table else {
            return Err(Stop::Empty);
        };
        table.data_rows.sort_unstable();
        table.data_rows.dedup();
        let rows = &table.data_rows;
        let columns = table
            .slots
            .into_iter()
            .map(|(header, slot)| (header, slot.aligned(rows)))
            .collect();
        Ok(ReadSheet {
            header_row: table.header_row as usize + 1,
            headers: table.headers,
            resolved: table.resolved,
            samples: table.samples,
            columns,
            rows: table.data_rows.iter().map(|r| r + 1).collect(),
        })
    }
}

impl Table {
    fn take(&mut self, row: u32, column: u32, text: String) {
        if row <= self.header_row {
            return;
        }
        if self.data_rows.last() != Some(&row) {
            self.data_rows.push(row);
        }
        let Some(&Some(slot)) = self.slot_of.get(column as usize) else {
            return;
        };
        let cell = text.trim();
        if cell.is_empty() {
            return;
        }
        match &mut self.slots[slot].1 {
            Slot::Reference(cells) => cells.push((row, cell.to_string())),
            Slot::Coded { values, cells } => {
                let code = match values.get_index_of(cell) {
                    Some(code) => code,
                    None => values.insert_full(cell.to_string()).0,
                };
                cells.push((row, code as IdxSize));
            }
        }
    }
}

impl Slot {
    /// One cell per data row (missing where the sheet has none); a position written twice
    /// keeps its last value, as a spreadsheet would show.
    fn aligned(self, rows: &[u32]) -> RawColumn {
        fn walk<T>(mut cells: Vec<(u32, T)>, rows: &[u32], mut put: impl FnMut(Option<T>)) {
            cells.sort_by_key(|c| c.0);
            let mut cells = cells.into_iter().peekable();
            for &row in rows {
                let mut value = None;
                while let Some(cell) = cells.next_if(|c| c.0 <= row) {
                    if cell.0 == row {
                        value = Some(cell.1);
                    }
                }
                put(value);
            }
        }
        match self {
            Slot::Reference(cells) => {
                let mut column = StringChunkedBuilder::new(PlSmallStr::EMPTY, rows.len());
                walk(cells, rows, |cell| column.append_option(cell.as_deref()));
                RawColumn::Text(column.finish())
            }
            Slot::Coded { values, cells } => {
                let mut codes: Vec<Option<IdxSize>> = Vec::with_capacity(rows.len());
                walk(cells, rows, |code| codes.push(code));
                RawColumn::Coded(CodedText {
                    codes: codes.into_iter().collect(),
                    values: values.into_iter().collect(),
                })
            }
        }
    }
}

fn is_1904(date: &calamine::ExcelDateTime) -> bool {
    // calamine keeps the workbook's date system on each date cell but does not expose the flag;
    // a 1904-system cell converts differently from the same serial in the 1900 system.
    let as_1900 = calamine::ExcelDateTime::new(date.as_f64(), calamine::ExcelDateTimeType::DateTime, false);
    as_1900.to_ymd_hms_milli() != date.to_ymd_hms_milli()
}

/// Writes a cell's text into `text`. Dates become yyyy-mm-dd so they parse unambiguously.
pub(super) fn write_cell_text(cell: &DataRef, text: &mut String) {
    use std::fmt::Write;
    // Writing into a String cannot fail.
    let _ = match cell {
        DataRef::Empty => Ok(()),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            text.push_str(s);
            Ok(())
        }
        DataRef::SharedString(s) => {
            text.push_str(s);
            Ok(())
        }
        DataRef::Int(i) => write!(text, "{i}"),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => write!(text, "{}", *f as i64),
        DataRef::Float(f) => write!(text, "{f}"),
        DataRef::Bool(b) => {
            text.push_str(if *b { "TRUE" } else { "FALSE" });
            Ok(())
        }
        DataRef::DateTime(d) if d.is_datetime() => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            write!(text, "{y:04}-{m:02}-{day:02}")
        }
        DataRef::DateTime(d) => write!(text, "{}", d.as_f64()),
        DataRef::Error(e) => write!(text, "{e}"),
    };
}

/// A cell of a sheet calamine read whole (XLS, ODS), as the streaming readers give it.
pub(super) fn data_ref(cell: &calamine::Data) -> DataRef<'_> {
    use calamine::Data;
    match cell {
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::String(s) => DataRef::SharedString(s),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(d) => DataRef::DateTime(*d),
        Data::DateTimeIso(s) => DataRef::DateTimeIso(s.clone()),
        Data::DurationIso(s) => DataRef::DurationIso(s.clone()),
        Data::Error(e) => DataRef::Error(e.clone()),
        Data::Empty => DataRef::Empty,
    }
}
