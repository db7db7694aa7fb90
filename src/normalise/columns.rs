//! Each file's headers for the canonical fields (resolved as the file was read), or the error
//! that says which column is missing and what to write in `[columns]`.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::domain::canonical::Field;
use crate::error::{Error, Result};
use crate::ingest::{HEADER_SEARCH_ROWS, RawTable};
use crate::mapping::{ColumnMatcher, Looks, Suggestion, closest_header, looks, suggest};

/// A file's headers that feed no field, each with what its first values look like.
pub(super) fn unused_columns<'a>(raw: &'a RawTable, used: &BTreeMap<Field, String>) -> Vec<(&'a str, Looks)> {
    raw.headers
        .iter()
        .enumerate()
        .filter(|(_, h)| !used.values().any(|u| u == *h))
        .map(|(i, h)| (h.as_str(), looks(h, &raw.sample_values(i))))
        // A blank header ("Column 7") over blank cells is not a column anyone forgot.
        .filter(|(h, l)| !(h.starts_with("Column ") && *l == Looks::Empty))
        .collect()
}

/// Finds each field's header in one file, or explains which column is missing: a header named
/// in `[columns]` that is not there (for any field), or a required field found nowhere.
pub(super) fn resolve_file(
    raw: &RawTable,
    matcher: &ColumnMatcher,
    config: &Config,
) -> Result<BTreeMap<Field, String>> {
    let missing_column = |message: String| Error::MissingColumn {
        path: raw.file.clone(),
        message,
    };
    let headers_listed = || {
        raw.headers
            .iter()
            .map(|h| format!("\"{h}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some((field, given)) = matcher.missing_configured(&raw.resolved).first() {
        let closest = closest_header(given, &raw.headers)
            .map(|h| {
                format!(
                    " The closest header is \"{h}\": if that is it, write `{} = \"{h}\"`.",
                    field.name()
                )
            })
            .unwrap_or_default();
        return Err(missing_column(format!(
            "[columns] {} = \"{given}\": no such header in the header row (row {}), whose headers are: {}.{closest} Or remove the line to let the tool look for the column itself.{}",
            field.name(),
            raw.header_row,
            headers_listed(),
            header_hint(config),
        )));
    }
    let mut used: BTreeMap<Field, String> = raw
        .resolved
        .by_field
        .iter()
        .map(|(&field, &i)| (field, raw.headers[i].clone()))
        .collect();
    if config.file_stage(&raw.file) == Some(2) {
        into_stage1_slots(&mut used);
    }
    let Some(&missing) = Field::REQUIRED.iter().find(|f| !used.contains_key(f)) else {
        return Ok(used);
    };
    // A header named in [columns] was found (or the run stopped above): the synonyms were
    // looked for.
    let looked_for = missing
        .synonyms()
        .iter()
        .skip(1)
        .take(6)
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(", ");
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
    let advice = advice(missing, suggest(missing, &unused_columns(raw, &used)).as_ref());
    Err(missing_column(format!(
        "required column `{}` not found: looked for a header such as {looked_for} in the header row (row {}), whose headers are: {}. {advice}{delimiter_hint}{}",
        missing.name(),
        raw.header_row,
        headers_listed(),
        header_hint(config),
    )))
}

/// The header was looked for in the first rows only: one further down (under a title and
/// notes) needs its row given.
fn header_hint(config: &Config) -> String {
    match config.input.header_row {
        Some(_) => String::new(),
        None => format!(
            " The header was looked for in the first {HEADER_SEARCH_ROWS} rows: if it is further down, set [input] header_row to its row number."
        ),
    }
}

/// What to write in the config for a field that was not found, given the best candidate.
pub(super) fn advice(field: Field, suggestion: Option<&Suggestion>) -> String {
    let name = field.name();
    match suggestion {
        Some(s) if s.fits => format!(
            "The closest unused header is \"{}\" ({}): if that is it, add `{name} = \"{}\"` under [columns].",
            s.header,
            s.looks.describe(),
            s.header
        ),
        Some(s) => format!(
            "The only near header, \"{}\", {}, so it cannot be the {name} column; name the right header with `{name} = \"<header>\"` under [columns].",
            s.header,
            s.looks.describe()
        ),
        None => format!("Name the right header with `{name} = \"<header>\"` under [columns]."),
    }
}

/// A stage-2 file of an export split by stage is read like the stage-2 rows of a
/// one-row-per-stage export: its stage-2 columns take the stage-1 places (its escalation date
/// becomes the row's received date), from where they are moved back when stages are split.
fn into_stage1_slots(used: &mut BTreeMap<Field, String>) {
    for field in Field::ALL {
        if let Some(slot) = field.long_shape_stage1_source()
            && let Some(header) = used.remove(field)
        {
            used.insert(slot, header);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stage2_file_fills_the_stage1_places() {
        let mut used: BTreeMap<Field, String> = [
            (Field::Reference, "Case"),
            (Field::Received, "Date Received"),
            (Field::Stage2Requested, "Escalated On"),
            (Field::Stage2Responded, "Response"),
        ]
        .into_iter()
        .map(|(f, h)| (f, h.to_string()))
        .collect();
        into_stage1_slots(&mut used);
        assert_eq!(used[&Field::Received], "Escalated On");
        assert_eq!(used[&Field::Stage1Responded], "Response");
        assert!(!used.contains_key(&Field::Stage2Requested));
        assert_eq!(used.len(), 3);
    }
}
