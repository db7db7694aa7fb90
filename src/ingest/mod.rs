//! Stage 1 — ingest: read each export (CSV, XLSX, XLSM, XLS, ODS) into a raw table of text cells,
//! with the header found and every data row numbered as a spreadsheet user would count it.

mod delimited;
mod strict;
mod workbook;

use std::path::{Path, PathBuf};

use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::timings::step;

use crate::config::SheetRef;
use crate::error::{Error, Result};
use crate::mapping::ColumnMatcher;

/// Rows searched for the header when `[input] header_row` is not set.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// Name of the column holding each data row's spreadsheet row number.
pub const ROW_COLUMN: &str = "__row";

/// One input file as read: its header and its data rows as text.
#[derive(Debug, Clone)]
pub struct RawTable {
    pub file: PathBuf,
    pub sha256: String,
    /// How the bytes were read: "CSV (UTF-8, comma)", "XLSX sheet 'Complaints'", ...
    pub format: String,
    /// Spreadsheet row number of the header (counting from 1).
    pub header_row: usize,
    /// Headers as written, made unique ("Notes", "Notes (2)").
    pub headers: Vec<String>,
    /// One String column per header plus [`ROW_COLUMN`] (UInt32).
    pub data: DataFrame,
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
        self.data.height() + self.rejected.len()
    }
}

/// How to find the table inside each file.
pub struct ReadOptions<'a> {
    pub sheet: Option<&'a SheetRef>,
    pub header_row: Option<usize>,
    pub matcher: &'a ColumnMatcher,
}

/// Reads every input file, several at once (a workbook's XML parse is single-threaded).
/// Spreadsheets are recognised by their content, not their extension. On failure, the first
/// failing file in the given order is reported.
pub fn ingest(files: &[PathBuf], options: &ReadOptions) -> Result<Vec<RawTable>> {
    crate::parallel::in_parallel(files, |f| read_file(f, options))
}

pub fn read_file(path: &Path, options: &ReadOptions) -> Result<RawTable> {
    let (bytes, sha256) = step("ingest: read", || read_and_hash(path)).map_err(|e| Error::io(path, e))?;
    let mut table = if workbook::looks_like_workbook(&bytes) {
        workbook::read(path, &bytes, options)
    } else {
        delimited::read(path, bytes, options)
    }?;
    table.sha256 = sha256;
    Ok(table)
}

/// Blocks a file is read in, each hashed on another core while the next is read.
const READ_BLOCK_BYTES: usize = 4 << 20;

/// The file's bytes and their SHA-256 (the fingerprint reports identify inputs by). Hashing
/// while the file is read keeps both cores free for parsing afterwards.
fn read_and_hash(path: &Path) -> std::io::Result<(Vec<u8>, String)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let expected = usize::try_from(file.metadata()?.len()).unwrap_or(0);
    let mut bytes = vec![0u8; expected];
    let mut filled = 0;
    let mut hasher = std::thread::scope(|scope| -> std::io::Result<Sha256> {
        let (blocks, received) = std::sync::mpsc::channel::<&[u8]>();
        let hashing = scope.spawn(move || {
            let mut hasher = Sha256::new();
            for block in received {
                hasher.update(block);
            }
            hasher
        });
        for block in bytes.chunks_mut(READ_BLOCK_BYTES) {
            let mut n = 0;
            while n < block.len() {
                match file.read(&mut block[n..]) {
                    Ok(0) => break,
                    Ok(k) => n += k,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            filled += n;
            let full = n == block.len();
            // The hashing thread only stops when the blocks stop coming.
            let _ = blocks.send(&block[..n]);
            if !full {
                break;
            }
        }
        drop(blocks);
        Ok(hashing.join().expect("hashing does not panic"))
    })?;
    bytes.truncate(filled);
    // A file that grew since its size was read: the rest, read and hashed now.
    let mut rest = Vec::new();
    file.read_to_end(&mut rest)?;
    hasher.update(&rest);
    bytes.extend_from_slice(&rest);
    Ok((bytes, format!("{:x}", hasher.finalize())))
}

/// The headers the column mapping uses: the only columns worth keeping (free-text narratives
/// are often the bulk of an export and are never analysed).
fn wanted_headers(headers: &[String], options: &ReadOptions) -> Vec<PlSmallStr> {
    let resolved = options.matcher.resolve(headers);
    let mut wanted: Vec<usize> = resolved.by_field.values().copied().collect();
    wanted.sort_unstable();
    wanted.into_iter().map(|i| headers[i].as_str().into()).collect()
}

/// Lower-case hex SHA-256 of some bytes (inputs and config are identified by it in reports).
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
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

/// Builds the raw data frame from text columns and row numbers.
fn raw_frame(headers: &[String], columns: Vec<Vec<Option<String>>>, rows: Vec<u32>) -> Result<DataFrame> {
    let columns = headers
        .iter()
        .zip(columns)
        .map(|(h, values)| Column::new(h.as_str().into(), values))
        .collect();
    frame_with_rows(columns, rows)
}

/// The raw data frame: the text columns and [`ROW_COLUMN`].
fn frame_with_rows(mut columns: Vec<Column>, rows: Vec<u32>) -> Result<DataFrame> {
    let height = rows.len();
    columns.push(Column::new(ROW_COLUMN.into(), rows));
    DataFrame::new(height, columns).map_err(|source| Error::Polars {
        context: "building the raw table",
        source,
    })
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
