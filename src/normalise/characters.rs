//! Characters that are not text: a line break pasted into a category, Excel's `_x000B_`, an
//! escape sequence, a noncharacter from a damaged export. Left in, they break a chart's SVG,
//! a PDF's font check or a terminal; each value is cleaned once here, where the rows it
//! touched can still be named. Here too, a grouping value too long to be a category is named:
//! a description or notes column mapped as one.

use polars::prelude::*;

use super::combine::Dictionaries;
use super::quality::{DataQuality, Example, MAX_EXAMPLES, WarningCode};
use super::rows::{FILE_COL, ROW_COLUMN, codes, kept, row_refs, text_column};
use crate::columnar::gather::flags_by_codes;
use crate::domain::canonical::Field;
use crate::domain::text::{count_of, printable_value, truncate_text};
use crate::error::{PolarsContext, Result};

/// Category, subcategory, channel and refusal-reason values longer than this are free text.
pub(crate) const GROUPING_CHARS: usize = 200;

/// Every coded value made printable ([`printable_value`]); a warning per field naming the rows
/// whose values changed, and one per grouping field naming the rows whose values are longer
/// than [`GROUPING_CHARS`].
pub(super) fn clean_characters(
    rows: &DataFrame,
    dictionaries: &mut Dictionaries,
    quality: &mut DataQuality,
) -> Result<()> {
    let kept = kept(rows)?;
    let fields: Vec<Field> = dictionaries.keys().copied().collect();
    for field in fields {
        let values = &dictionaries[&field];
        if field.is_grouping() {
            let long: Vec<bool> = values
                .iter()
                .map(|v| v.chars().count() > GROUPING_CHARS)
                .collect();
            let (count, examples) = rows_with(rows, field, values, &long, &kept, quality)?;
            if count > 0 {
                quality.warn(
                    WarningCode::ProbableFreeText,
                    Some(field),
                    count,
                    format!(
                        "{}: {} longer than {GROUPING_CHARS} characters: this looks like free text (a description or notes column), not a {}; map {} under [columns] to the column of short names (reports shorten these values)",
                        field.name(),
                        count_of(count as u64, "row has a value", "rows have values"),
                        field.name().replace('_', " "),
                        field.name(),
                    ),
                    examples,
                );
            }
        }
        let cleaned: Vec<Option<String>> = values.iter().map(|v| printable_value(v)).collect();
        if cleaned.iter().all(Option::is_none) {
            continue;
        }
        let changed: Vec<bool> = cleaned.iter().map(Option::is_some).collect();
        let (count, examples) = rows_with(rows, field, values, &changed, &kept, quality)?;
        if count > 0 {
            quality.warn(
                WarningCode::UnprintableCharacters,
                Some(field),
                count,
                format!(
                    "{}: {} held line breaks, control characters or noncharacters; line breaks became spaces and the rest were removed — correct the export to choose the text yourself",
                    field.name(),
                    count_of(count as u64, "row", "rows"),
                ),
                examples,
            );
        }
        let values = dictionaries.get_mut(&field).expect("the field's values");
        for (value, clean) in values.iter_mut().zip(cleaned) {
            if let Some(clean) = clean {
                *value = clean;
            }
        }
    }
    Ok(())
}

/// References made printable too, before rows are compared: a byte-order mark inside one
/// (two exports joined end to end) would keep its rows from matching the complaint's others.
pub(super) fn clean_references(rows: &mut DataFrame, quality: &mut DataQuality) -> Result<()> {
    let name = Field::Reference.name();
    let references = text_column(rows, name, "cleaning references")?;
    let unclean = references
        .iter()
        .flatten()
        .filter(|r| printable_value(r).is_some())
        .count();
    if unclean == 0 {
        return Ok(());
    }
    let cleaned: StringChunked = references
        .iter()
        .map(|r| r.map(|r| printable_value(r).unwrap_or_else(|| r.to_string())))
        .collect();
    rows.with_column(cleaned.with_name(name.into()).into_column())
        .ctx("cleaning references")?;
    quality.warn(
        WarningCode::UnprintableCharacters,
        Some(Field::Reference),
        unclean,
        format!(
            "reference: {} held a byte-order mark, line break or control character, removed so they match the complaint's other rows",
            count_of(unclean as u64, "row", "rows")
        ),
        Vec::new(),
    );
    Ok(())
}

/// The rows kept whose `field` value is one of those `flagged` (by code): how many, and the
/// first few as examples, the value shown escaped (so a control character is seen rather
/// than acted on) and shortened.
fn rows_with(
    rows: &DataFrame,
    field: Field,
    values: &[String],
    flagged: &[bool],
    kept: &BooleanChunked,
    quality: &DataQuality,
) -> Result<(usize, Vec<Example>)> {
    if !flagged.contains(&true) {
        return Ok((0, Vec::new()));
    }
    let flags: Vec<Option<bool>> = flagged.iter().map(|&f| Some(f)).collect();
    let affected = flags_by_codes(&flags, codes(rows, field, "checking values")?) & kept.clone();
    let count = affected.sum().unwrap_or(0) as usize;
    let head = rows
        .select([field.name(), FILE_COL, ROW_COLUMN, Field::Reference.name()])
        .ctx("checking values")?
        .filter(&affected)
        .ctx("checking values")?
        .head(Some(MAX_EXAMPLES));
    let examples = row_refs(&head, Some((field.name(), values)), &quality.file_names())?
        .into_iter()
        .map(|r| Example {
            file: quality.file_name(r.file),
            row: r.row,
            reference: r.reference,
            value: r.value.map(|v| truncate_text(&format!("{v:?}"), 80)),
        })
        .collect();
    Ok((count, examples))
}
