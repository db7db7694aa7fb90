//! Characters that are not text: a line break pasted into a category, Excel's `_x000B_`, an
//! escape sequence, a noncharacter from a damaged export. Left in, they break a chart's SVG,
//! a PDF's font check or a terminal; each value is cleaned once here, where the rows it
//! touched can still be named.

use polars::prelude::*;

use super::combine::Dictionaries;
use super::quality::{DataQuality, Example, MAX_EXAMPLES, WarningCode};
use super::rows::{FILE_COL, ROW_COLUMN, codes, kept, row_refs};
use crate::columnar::gather::flags_by_codes;
use crate::domain::canonical::Field;
use crate::domain::text::{count_of, printable_value, truncate_text};
use crate::error::{PolarsContext, Result};

/// Every coded value made printable ([`printable_value`]); a warning per field naming the rows
/// whose values changed.
pub(super) fn clean_characters(
    rows: &DataFrame,
    dictionaries: &mut Dictionaries,
    quality: &mut DataQuality,
) -> Result<()> {
    let kept = kept(rows)?;
    let fields: Vec<Field> = dictionaries.keys().copied().collect();
    for field in fields {
        let values = &dictionaries[&field];
        let cleaned: Vec<Option<String>> = values.iter().map(|v| printable_value(v)).collect();
        if cleaned.iter().all(Option::is_none) {
            continue;
        }
        let changed: Vec<Option<bool>> = cleaned.iter().map(|c| Some(c.is_some())).collect();
        let affected = flags_by_codes(&changed, codes(rows, field, "cleaning characters")?) & kept.clone();
        let count = affected.sum().unwrap_or(0) as usize;
        let head = rows
            .select([field.name(), FILE_COL, ROW_COLUMN, Field::Reference.name()])
            .ctx("cleaning characters")?
            .filter(&affected)
            .ctx("cleaning characters")?
            .head(Some(MAX_EXAMPLES));
        let examples = row_refs(&head, Some((field.name(), values)), &quality.file_names())?
            .into_iter()
            .map(|r| Example {
                file: quality.file_name(r.file),
                row: r.row,
                reference: r.reference,
                // Shown escaped, so the character is seen rather than acted on.
                value: r.value.map(|v| truncate_text(&format!("{v:?}"), 80)),
            })
            .collect();
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
