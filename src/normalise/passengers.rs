//! Columns the analysts' table carries beside the fields ("passengers" of the rows): each coded
//! field's text as written (`<field>_raw`) and the unmapped export columns kept. Only `query`
//! and `export` ask for them; the figures' runs carry none.

use super::ExportShape;
use super::combine::Dictionaries;
use crate::domain::canonical::Field;
use crate::error::{Error, Result};
use crate::ingest::RawTable;
use crate::mapping::{ColumnMatcher, closest_header};

/// A column carried from the rows to the complaints: on a complaint of several rows, the value
/// of the row its field's value comes from (`follows`), or the first row's that has one.
#[derive(Debug, Clone)]
pub(crate) struct Passenger {
    pub(crate) name: String,
    pub(crate) follows: Option<Field>,
}

/// Stops a run whose `[input] keep_unmapped` names a column no input file has.
pub(super) fn check_named(raws: &[RawTable], matcher: &ColumnMatcher) -> Result<()> {
    let headers: Vec<&[String]> = raws.iter().map(|raw| raw.headers.as_slice()).collect();
    let Some(name) = matcher.named_but_absent(&headers).first().copied() else {
        return Ok(());
    };
    let first = headers.first().copied().unwrap_or_default();
    let closest = closest_header(name, first)
        .map(|h| format!(" The closest is \"{h}\"."))
        .unwrap_or_default();
    Err(Error::Usage(format!(
        "[input] keep_unmapped names \"{name}\", which no input file has as a header (the first file's are: {}).{closest} Correct the name, or remove it.",
        first.join(", ")
    )))
}

/// The distinct values as written of the fields whose text the analysts' table keeps (none
/// unless `for_analysts`), copied before their spellings are unified.
pub(super) fn written(dictionaries: &Dictionaries, for_analysts: bool) -> Dictionaries {
    match for_analysts {
        true => dictionaries
            .iter()
            .filter(|(f, _)| f.keeps_raw_text())
            .map(|(f, values)| (*f, values.clone()))
            .collect(),
        false => Dictionaries::new(),
    }
}

/// The `<field>_raw` columns' names and every passenger, in the table's order: the text as
/// written by field, then the unmapped columns. In a one-row-per-stage export, stage-2 rows move
/// their text as written to the stage-2 field's column, as they move the field.
pub(super) fn passengers(
    written: &Dictionaries,
    unmapped: &[String],
    shape: ExportShape,
) -> (Vec<String>, Vec<Passenger>) {
    let mut fields: Vec<Field> = written.keys().copied().collect();
    if shape == ExportShape::Long {
        let targets: Vec<Field> = fields
            .iter()
            .filter_map(|f| f.long_shape_stage2_target())
            .filter(|t| *t != Field::Stage2Requested && !fields.contains(t))
            .collect();
        fields.extend(targets);
        fields.sort();
    }
    let mut passengers: Vec<Passenger> = fields
        .iter()
        .map(|f| Passenger {
            name: f.raw_name(),
            follows: Some(*f),
        })
        .collect();
    passengers.extend(unmapped.iter().map(|name| Passenger {
        name: name.clone(),
        follows: None,
    }));
    (fields.iter().map(|f| f.raw_name()).collect(), passengers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_export_carries_each_stage_fields_text_to_its_own_column() {
        let written: Dictionaries = [Field::Tenure, Field::Stage1Outcome]
            .into_iter()
            .map(|f| (f, vec!["x".to_string()]))
            .collect();
        let unmapped = ["Team".to_string()];
        let names = |shape| passengers(&written, &unmapped, shape).0;
        assert_eq!(names(ExportShape::Wide), ["tenure_raw", "stage1_outcome_raw"]);
        assert_eq!(
            names(ExportShape::Long),
            ["tenure_raw", "stage1_outcome_raw", "stage2_outcome_raw"]
        );
        let (_, all) = passengers(&written, &unmapped, ExportShape::Long);
        assert_eq!(
            all.last().map(|p| (p.name.as_str(), p.follows)),
            Some(("Team", None))
        );
    }
}
