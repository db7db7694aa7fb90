//! Stage 1 — ingest: read each export (CSV, XLSX, XLSM, XLS, ODS) into a raw table of cells, with
//! the header found and every data row numbered as a spreadsheet user would count it. A column
//! comes out as text, or coded: each distinct value once and a code per row ([`CodedText`]),
//! which is how the strict CSV reader and the workbook reader give every column but the
//! reference.

mod coded;
mod delimited;
mod fingerprint;
mod strict;
mod workbook;

pub use coded::CodedText;
pub use fingerprint::{Fingerprint, Fingerprints, sha256_hex};

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::timings::step;

use crate::config::SheetRef;
use crate::error::{Error, Result};
use crate::mapping::ColumnMatcher;

/// Rows searched for the header when `[input] header_row` is not set.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// Name of the column holding each data row's spreadsheet row number.
pub const ROW_COLUMN: &str = "__row";

/// One input file as read: its header and its data rows.
#[derive(Debug, Clone)]
pub struct RawTable {
    pub file: PathBuf,
    pub sha256: Fingerprint,
    /// How the bytes were read: "CSV (UTF-8, comma)", "XLSX sheet 'Complaints'", ...
    pub format: String,
    /// Spreadsheet row number of the header (counting from 1).
    pub header_row: usize,
    /// Headers as written, made unique ("Notes", "Notes (2)").
    pub headers: Vec<String>,
    /// The columns read, by header: the mapped ones (every one when none is mapped), each as
    /// many cells long as `rows`.
    pub columns: Vec<(String, RawColumn)>,
    /// Each data row's spreadsheet row number.
    pub rows: Vec<u32>,
    /// Dates stored as numbers use the 1904 system (old Mac workbooks).
    pub excel_1904: bool,
    /// The reader already trimmed every cell and made blank ones missing, as normalising would.
    pub tidy: bool,
    /// Data rows the reader could not split into the header's columns.
    pub rejected: Vec<RejectedRow>,
    /// Things the reader noticed that the user should know (encoding guessed, ...).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct RejectedRow {
    pub row: usize,
    pub reason: String,
}

impl RawTable {
    /// Data rows read, including rows the reader had to reject.
    pub fn rows_read(&self) -> usize {
        self.rows.len() + self.rejected.len()
    }

    /// The column under `header`, if it was read.
    pub fn column(&self, header: &str) -> Option<&RawColumn> {
        self.columns.iter().find(|(h, _)| h == header).map(|(_, c)| c)
    }
}

/// The cells of one column as read: text, or coded (the strict CSV reader codes every column
/// but the reference as it reads).
#[derive(Debug, Clone)]
pub enum RawColumn {
    Text(StringChunked),
    Coded(CodedText),
}

impl RawColumn {
    pub fn len(&self) -> usize {
        match self {
            RawColumn::Text(text) => text.len(),
            RawColumn::Coded(coded) => coded.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cells as text.
    pub fn into_text(self) -> StringChunked {
        match self {
            RawColumn::Text(text) => text,
            RawColumn::Coded(coded) => coded.to_text(PlSmallStr::EMPTY),
        }
    }

    /// The cells coded; text cells are tidied first when `tidy` (trimmed, blank ones missing).
    pub fn into_coded(self, tidy: bool) -> CodedText {
        match self {
            RawColumn::Text(text) => CodedText::from_text(&text, tidy),
            RawColumn::Coded(coded) => coded,
        }
    }

    /// Every cell's text (for tests and messages about a few rows).
    pub fn cells(&self) -> Vec<Option<String>> {
        match self {
            RawColumn::Text(text) => text.iter().map(|v| v.map(str::to_string)).collect(),
            RawColumn::Coded(coded) => (0..coded.len())
                .map(|r| coded.get(r).map(str::to_string))
                .collect(),
        }
    }
}

/// How to find the table inside each file.
pub struct ReadOptions<'a> {
    pub sheet: Option<&'a SheetRef>,
    pub header_row: Option<usize>,
    pub matcher: &'a ColumnMatcher,
    pub fingerprints: Fingerprints,
}

/// Reads every input file, several at once (a workbook's XML parse is single-threaded).
/// Spreadsheets are recognised by their content, not their extension. On failure, the first
/// failing file in the given order is reported.
pub fn ingest(files: &[PathBuf], options: &ReadOptions) -> Result<Vec<RawTable>> {
    crate::parallel::in_parallel(files, |f| read_file(f, options))
}

pub fn read_file(path: &Path, options: &ReadOptions) -> Result<RawTable> {
    let bytes = step("ingest: read", || FileBytes::open(path)).map_err(|e| Error::io(path, e))?;
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

/// Files from this size on are mapped into memory rather than read into it.
const MAP_FROM_BYTES: u64 = 4 << 20;

/// An input file's bytes: a large file is mapped straight from the operating system's cache
/// (reading a 200 MB export into fresh memory took 0.3 s, nearly all of it the kernel
/// providing and clearing pages; mapping it takes a few milliseconds), a small one read.
enum FileBytes {
    Read(Vec<u8>),
    #[cfg(unix)]
    Mapped(memmap2::Mmap),
}

impl FileBytes {
    fn open(path: &Path) -> std::io::Result<FileBytes> {
        let file = std::fs::File::open(path)?;
        #[cfg(unix)]
        if file.metadata()?.len() >= MAP_FROM_BYTES {
            bus_errors::report_as_changed_file();
            // SAFETY: a mapped file changed by another program while it is read would change
            // the bytes under the reader, and one cut short would fault on the lost pages. The
            // first cannot break memory safety here (the bytes are only ever read as bytes, and
            // text is checked as it is decoded), and the second is turned into an error message
            // and exit code 1 by `bus_errors` instead of a crash.
            let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }?;
            return Ok(FileBytes::Mapped(map));
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut &file, &mut bytes)?;
        Ok(FileBytes::Read(bytes))
    }
}

impl AsRef<[u8]> for FileBytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Read(bytes) => bytes,
            #[cfg(unix)]
            FileBytes::Mapped(map) => map,
        }
    }
}

/// A mapped input file cut short by another program while it is read makes the next read of a
/// lost page raise SIGBUS, which would kill the process without a word: the handler says what
/// happened and exits with code 1, as for a file that cannot be read.
#[cfg(unix)]
mod bus_errors {
    extern "C" fn changed_file(_signal: libc::c_int) {
        const MESSAGE: &[u8] =
            b"error: an input file was changed (cut short) while it was being read: run again once it is complete\n";
        // SAFETY: write and _exit are async-signal-safe.
        unsafe {
            libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
            libc::_exit(1);
        }
    }

    pub(super) fn report_as_changed_file() {
        static INSTALLED: std::sync::Once = std::sync::Once::new();
        INSTALLED.call_once(|| {
            // SAFETY: a zeroed sigaction is valid (empty mask, no flags); the handler only calls
            // async-signal-safe functions.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = changed_file as extern "C" fn(libc::c_int) as libc::sighandler_t;
                libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut());
            }
        });
    }
}

/// The headers the column mapping uses, in file order: the only columns worth keeping
/// (free-text narratives are often the bulk of an export and are never analysed). Each comes
/// with whether it is the reference, the one column of mostly distinct values.
fn wanted_headers(headers: &[String], options: &ReadOptions) -> Vec<(PlSmallStr, bool)> {
    let resolved = options.matcher.resolve(headers);
    let reference = resolved
        .by_field
        .get(&crate::canonical::Field::Reference)
        .copied();
    let mut wanted: Vec<usize> = resolved.by_field.values().copied().collect();
    wanted.sort_unstable();
    wanted.dedup();
    wanted
        .into_iter()
        .map(|i| (headers[i].as_str().into(), Some(i) == reference))
        .collect()
}

/// Picks the header row among the first rows: the configured one, else the first holding the
/// reference and received headers, else the fullest row (so the missing-column error can show
/// the file's headers).
fn choose_header_row(rows: &[Vec<String>], options: &ReadOptions) -> Option<usize> {
    if let Some(row) = options.header_row {
        return (row <= rows.len()).then(|| row - 1);
    }
    rows.iter()
        .position(|cells| options.matcher.is_header_row(cells))
        .or_else(|| {
            rows.iter()
                .enumerate()
                .max_by_key(|(i, cells)| {
                    (
                        cells.iter().filter(|c| !c.trim().is_empty()).count(),
                        usize::MAX - i,
                    )
                })
                .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
                .map(|(i, _)| i)
        })
}

/// Header cells made usable as column names: trimmed, blanks named by position, repeats numbered.
fn unique_headers(cells: &[String]) -> Vec<String> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    cells
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            let base = match cell.trim() {
                "" => format!("Column {}", i + 1),
                h => h.to_string(),
            };
            let n = seen.entry(base.to_lowercase()).or_insert(0);
            *n += 1;
            if *n == 1 { base } else { format!("{base} ({n})") }
        })
        .collect()
}

/// Text columns named by their headers, from cells.
fn text_columns(headers: &[String], columns: Vec<Vec<Option<String>>>) -> Vec<(String, RawColumn)> {
    headers
        .iter()
        .zip(columns)
        .map(|(h, values)| {
            let text: StringChunked = values.into_iter().collect();
            (h.clone(), RawColumn::Text(text))
        })
        .collect()
}

/// At most `max_chars` characters of `value`, with an ellipsis when cut (for messages).
pub fn truncate_text(value: &str, max_chars: usize) -> String {
    match value.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &value[..i]),
        None => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_blank_headers_get_unique_names() {
        let cells: Vec<String> = ["Ref", "Notes", "", "notes", "Notes"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            unique_headers(&cells),
            ["Ref", "Notes", "Column 3", "notes (2)", "Notes (3)"]
        );
    }
}
