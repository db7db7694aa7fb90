//! Each file's headers for the canonical fields (resolved as the file was read), or the error
//! that says which required column is missing and what to write in `[columns]`.

use std::collections::BTreeMap;

use crate::domain::canonical::Field;
use crate::error::{Error, Result};
use crate::ingest::RawTable;
use crate::mapping::{ColumnMatcher, closest_header};

/// Finds each field's header in one file, or explains which required column is missing.
pub(super) fn resolve_file(raw: &RawTable, matcher: &ColumnMatcher) -> Result<BTreeMap<Field, String>> {
    let resolved = &raw.resolved;
    if let Some(missing) = matcher.missing_required(resolved).first() {
        let wanted: Vec<String> = if missing.configured {
            vec![]
        } else {
            missing.looked_for.clone()
        };
        let looked_for = if missing.configured {
            "the header named for it in [columns]".to_string()
        } else {
            format!(
                "a header such as {}",
                wanted
                    .iter()
                    .take(6)
                    .map(|w| format!("\"{w}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let configured_header = if missing.configured { vec![] } else { wanted };
        let one_cell = raw
            .headers
            .iter()
            .filter(|h| !h.trim().is_empty() && !h.starts_with("Column "))
            .count()
            == 1;
        let delimiter_hint = if one_cell {
            " The header row is a single cell: the file may use a delimiter other than comma, semicolon, tab or |; save it again as CSV."
        } else {
            ""
        };
        let suggestion = closest_header(&configured_header, &raw.headers)
            .map(|h| {
                format!(
                    " The closest header is \"{h}\": if that is it, add `{} = \"{h}\"` under [columns].",
                    missing.field.name()
                )
            })
            .unwrap_or_else(|| {
                format!(
                    " Name the right header with `{} = \"<header>\"` under [columns].",
                    missing.field.name()
                )
            });
        return Err(Error::MissingColumn {
            path: raw.file.clone(),
            message: format!(
                "required column `{}` not found: looked for {looked_for} in the header row (row {}), whose headers are: {}.{suggestion}{delimiter_hint}",
                missing.field.name(),
                raw.header_row,
                raw.headers
                    .iter()
                    .map(|h| format!("\"{h}\""))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        });
    }
    Ok(resolved
        .by_field
        .iter()
        .map(|(&field, &i)| (field, raw.headers[i].clone()))
        .collect())
}
