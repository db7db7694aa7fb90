//! Reading a few rows of a frame as text, for messages and listings.

use polars::prelude::*;

use crate::error::{PolarsContext, Result};

/// The text of a column, whatever its type (dates as yyyy-mm-dd).
pub(crate) fn texts(frame: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let column = frame
        .column(name)
        .ctx("reading rows")?
        .cast(&DataType::String)
        .ctx("reading rows")?;
    Ok(column
        .str()
        .ctx("reading rows")?
        .iter()
        .map(|v| v.map(str::to_string))
        .collect())
}
