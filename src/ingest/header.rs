//! Finding the header row and the columns worth reading.

use polars::prelude::*;

use super::{RawColumn, ReadOptions};
use crate::domain::canonical::Field;
use crate::mapping::ResolvedColumns;

/// Rows searched for the header when `[input] header_row` is not set.
pub(crate) const HEADER_SEARCH_ROWS: usize = 20;

/// The headers the column mapping uses, and the unmapped ones kept for analysts, in file
/// order: the only columns worth keeping (free-text narratives are often the bulk of an export
/// and are never analysed). Each comes with whether it is the reference, the one column of
/// mostly distinct values.
pub(super) fn wanted_headers(headers: &[String], resolved: &ResolvedColumns) -> Vec<(PlSmallStr, bool)> {
    let reference = resolved.by_field.get(&Field::Reference).copied();
    let mut wanted: Vec<usize> = resolved.by_field.values().copied().collect();
    wanted.extend(&resolved.kept);
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
pub(super) fn choose_header_row(rows: &[Vec<String>], options: &ReadOptions) -> Option<usize> {
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
pub(super) fn unique_headers(cells: &[String]) -> Vec<String> {
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
pub(super) fn text_columns(
    headers: &[String],
    columns: Vec<Vec<Option<String>>>,
) -> Vec<(String, RawColumn)> {
    headers
        .iter()
        .zip(columns)
        .map(|(h, values)| {
            let text: StringChunked = values.into_iter().collect();
            (h.clone(), RawColumn::Text(text))
        })
        .collect()
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
