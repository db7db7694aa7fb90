//! Stage 1 — ingest: read each export (CSV, XLSX, XLSM, XLS, ODS) into a raw table of cells, with
//! the header found and every data row numbered as a spreadsheet user would count it. A column
//! comes out as text, or coded: each distinct value once and a code per row (`CodedText`),
//! which is how the strict CSV reader and the workbook reader give every column but the
//! reference.

mod coded;
mod decode;
mod delimited;
mod fingerprint;
mod header;
mod source;
mod strict;
mod workbook;

pub(crate) use coded::CodedText;
pub use fingerprint::{Fingerprint, Fingerprints};
pub(crate) use header::HEADER_SEARCH_ROWS;

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::columnar::parallel::in_parallel;
use crate::config::{ReadLimits, SheetRef};
use crate::error::{Error, Result};
use crate::mapping::{ColumnMatcher, ResolvedColumns};
use crate::observe::{Observer, step};
use source::FileBytes;

/// Name of the column holding each data row's spreadsheet row number.
pub(crate) const ROW_COLUMN: &str = "__row";

/// One input file as read: its header and its data rows.
#[derive(Debug, Clone)]
pub struct RawTable {
    pub file: PathBuf,
    pub(crate) sha256: Fingerprint,
    /// How the bytes were read: "CSV (UTF-8, comma)", "XLSX sheet 'Complaints'", ...
    pub format: String,
    /// Spreadsheet row number of the header (counting from 1).
    pub header_row: usize,
    /// Headers as written, made unique ("Notes", "Notes (2)").
    pub headers: Vec<String>,
    /// Which header holds each canonical field (resolved once, as the file is read).
    pub(crate) resolved: ResolvedColumns,
    /// The columns read, by header: the mapped ones (every one when none is mapped), each as
    /// many cells long as `rows`.
    pub(crate) columns: Vec<(String, RawColumn)>,
    /// Each data row's spreadsheet row number.
    pub(crate) rows: Vec<u32>,
    /// Dates stored as numbers use the 1904 system (old Mac workbooks).
    pub(crate) excel_1904: bool,
    /// The reader already trimmed every cell and made blank ones missing, as normalising would.
    pub(crate) tidy: bool,
    /// Data rows the reader could not split into the header's columns.
    pub(crate) rejected: Vec<RejectedRow>,
    /// Things the reader noticed that the user should know (encoding guessed, ...).
    pub(crate) notes: Vec<String>,
    /// The first data rows as cells, every column (for telling what an unmapped column holds).
    pub(crate) samples: Vec<Vec<String>>,
    /// A workbook's sheets, when it has more than one: which was read, which are hidden.
    pub(crate) sheets: Vec<SheetSummary>,
}

/// One sheet of a workbook, as `validate` lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SheetSummary {
    pub name: String,
    /// "visible", "hidden", "very hidden" or "chart".
    pub visibility: &'static str,
    /// Rows holding anything; `None` when the sheet cannot be read.
    pub rows: Option<usize>,
    /// The sheet the complaints were read from.
    pub read: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct RejectedRow {
    pub row: usize,
    pub reason: String,
}

impl RawTable {
    /// Data rows read, including rows the reader had to reject.
    pub fn rows_read(&self) -> usize {
        self.rows.len() + self.rejected.len()
    }

    /// The first values of the column at `index` among the headers.
    pub(crate) fn sample_values(&self, index: usize) -> Vec<&str> {
        self.samples
            .iter()
            .filter_map(|row| row.get(index).map(String::as_str))
            .collect()
    }

    /// The column under `header`, if it was read.
    #[cfg(test)]
    pub(crate) fn column(&self, header: &str) -> Option<&RawColumn> {
        self.columns.iter().find(|(h, _)| h == header).map(|(_, c)| c)
    }
}

/// The cells of one column as read: text, or coded (the strict CSV reader codes every column
/// but the reference as it reads).
#[derive(Debug, Clone)]
pub(crate) enum RawColumn {
    Text(StringChunked),
    Coded(CodedText),
}

impl RawColumn {
    pub(crate) fn len(&self) -> usize {
        match self {
            RawColumn::Text(text) => text.len(),
            RawColumn::Coded(coded) => coded.len(),
        }
    }

    /// The cells as text.
    pub(crate) fn into_text(self) -> StringChunked {
        match self {
            RawColumn::Text(text) => text,
            RawColumn::Coded(coded) => coded.to_text(PlSmallStr::EMPTY),
        }
    }

    /// The cells coded; text cells are tidied first when `tidy` (trimmed, blank ones missing).
    pub(crate) fn into_coded(self, tidy: bool) -> CodedText {
        match self {
            RawColumn::Text(text) => CodedText::from_text(&text, tidy),
            RawColumn::Coded(coded) => coded,
        }
    }

    /// Every cell's text (for tests).
    #[cfg(test)]
    pub(crate) fn cells(&self) -> Vec<Option<String>> {
        match self {
            RawColumn::Text(text) => text.iter().map(|v| v.map(str::to_string)).collect(),
            RawColumn::Coded(coded) => (0..coded.len())
                .map(|r| coded.get(r).map(str::to_string))
                .collect(),
        }
    }
}

/// How to find the table inside each file.
#[derive(Clone, Copy)]
pub(crate) struct ReadOptions<'a> {
    pub sheet: Option<&'a SheetRef>,
    pub header_row: Option<usize>,
    pub limits: ReadLimits,
    pub matcher: &'a ColumnMatcher,
    pub fingerprints: Fingerprints,
    pub observer: &'a dyn Observer,
}

/// Reads every input file, several at once (a workbook's XML parse is single-threaded).
/// Spreadsheets are recognised by their content, not their extension. On failure, the first
/// failing file in the given order is reported.
pub(crate) fn ingest(files: &[PathBuf], options: &ReadOptions) -> Result<Vec<RawTable>> {
    in_parallel(files, |f| read_file(f, options))
}

/// Reads one export.
fn read_file(path: &Path, options: &ReadOptions) -> Result<RawTable> {
    let bytes =
        step(options.observer, "ingest: read", || FileBytes::open(path)).map_err(|e| Error::io(path, e))?;
    // The fingerprint (SHA-256) is worked out on another thread while the run goes on.
    let bytes = std::sync::Arc::new(bytes);
    let sha256 = match options.fingerprints {
        Fingerprints::Printed => Fingerprint::of(bytes.clone()),
        Fingerprints::NotPrinted => Fingerprint::not_taken(),
    };
    let mut table = if workbook::looks_like_workbook(&bytes) {
        workbook::read(path, &bytes, options)
    } else {
        delimited::read(path, &bytes, options)
    }?;
    table.sha256 = sha256;
    Ok(table)
}
