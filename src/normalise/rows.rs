//! The working rows of normalising: every data row of every file, one frame, with helper
//! columns that carry its protocol. Written down once here:
//!
//! - [`FILE_COL`]: the row's file, as its index among the inputs (names are joined in at the
//!   merge, so a million rows do not carry a million copies of a name).
//! - [`ROW_COLUMN`]: the row's spreadsheet row number, as the user counts it.
//! - [`SEQ_COL`]: the row's position. Rows are never removed before the merge (filtering copies
//!   every column, and a large export would pay for it at every step), so a row's sequence
//!   number stays its position until then.
//! - [`SET_ASIDE_COL`]: true on rows already in the exclusions ledger. Each step reads only the
//!   rows [`kept`]; the merge removes the rest, once.
//! - [`SHARED_COL`]: true on kept rows whose reference (ignoring case) is on another kept row
//!   too: only those can be exact duplicates or need merging, and they are few.
//! - a field's column holds codes into its distinct values until it is typed; then its codes
//!   move to `<field>`[`RAW_SUFFIX`] (for messages quoting the value as written).

use polars::prelude::*;

pub(super) use crate::ingest::ROW_COLUMN;

use crate::columnar::frame::texts;
use crate::domain::canonical::{Field, SOURCE_FILE, SOURCE_ROW};
use crate::error::{PolarsContext, Result};

pub(super) const FILE_COL: &str = "__file";
pub(super) const SEQ_COL: &str = "__seq";
pub(super) const SHARED_COL: &str = "__shared";
pub(super) const SET_ASIDE_COL: &str = "__set_aside";
pub(super) const RAW_SUFFIX: &str = "__raw";

/// The column holding a typed field's codes as read.
pub(super) fn raw_column(field: Field) -> String {
    format!("{}{RAW_SUFFIX}", field.name())
}

/// A coded column of the rows.
pub(super) fn codes<'a>(rows: &'a DataFrame, field: Field, context: &'static str) -> Result<&'a IdxCa> {
    rows.column(field.name()).ctx(context)?.idx().ctx(context)
}

/// A text column of the rows, with `context` in the error if it is missing or not text.
pub(super) fn text_column<'a>(
    rows: &'a DataFrame,
    name: &str,
    context: &'static str,
) -> Result<&'a StringChunked> {
    rows.column(name).ctx(context)?.str().ctx(context)
}

/// Marks rows as set aside (they are in the ledger), in [`SET_ASIDE_COL`].
pub(super) fn set_aside(rows: &mut DataFrame, marked: &BooleanChunked) -> Result<()> {
    let marked = match rows.column(SET_ASIDE_COL) {
        Ok(already) => already.bool().ctx("setting rows aside")? | marked,
        Err(_) => marked.clone(),
    };
    rows.with_column(marked.with_name(SET_ASIDE_COL.into()).into_column())
        .ctx("setting rows aside")?;
    Ok(())
}

/// The rows not set aside.
pub(super) fn kept(rows: &DataFrame) -> Result<BooleanChunked> {
    let set_aside = rows
        .column(SET_ASIDE_COL)
        .ctx("setting rows aside")?
        .bool()
        .ctx("setting rows aside")?;
    Ok(!set_aside)
}

/// Where a row came from, and the text of one of its columns (for the ledger and warnings).
pub(super) struct RowRef {
    pub file: usize,
    pub row: usize,
    pub reference: Option<String>,
    pub value: Option<String>,
}

/// Row references of a small frame, before (file index columns) or after merging (file names),
/// with the text of a coded column (its name and values) when one is asked for.
pub(super) fn row_refs(
    frame: &DataFrame,
    value: Option<(&str, &[String])>,
    file_names: &[String],
) -> Result<Vec<RowRef>> {
    let pick = |a: &'static str, b: &'static str| if frame.column(a).is_ok() { a } else { b };
    let files: Vec<usize> = texts(frame, pick(FILE_COL, SOURCE_FILE))?
        .into_iter()
        .map(|f| {
            let f = f.unwrap_or_default();
            f.parse()
                .ok()
                .or_else(|| file_names.iter().position(|n| *n == f))
                .unwrap_or(0)
        })
        .collect();
    let rows = texts(frame, pick(ROW_COLUMN, SOURCE_ROW))?;
    let references = texts(frame, Field::Reference.name())?;
    let values: Vec<Option<String>> = match value {
        Some((name, values)) => {
            let codes = frame
                .column(name)
                .ctx("reading rows")?
                .idx()
                .ctx("reading rows")?;
            codes
                .iter()
                .map(|code| code.and_then(|c| values.get(c as usize)).cloned())
                .collect()
        }
        None => vec![None; frame.height()],
    };
    Ok(files
        .into_iter()
        .zip(rows)
        .zip(references)
        .zip(values)
        .map(|(((file, row), reference), value)| RowRef {
            file,
            row: row.and_then(|r| r.parse().ok()).unwrap_or(0),
            reference,
            value,
        })
        .collect())
}
