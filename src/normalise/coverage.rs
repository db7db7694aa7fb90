//! What the column mapping covers: the headers no field uses, the fields no header feeds (with
//! the figures each costs and the likeliest header), and the check that stops a run when a
//! stage is mapped only in part — the way a whole stage was once lost without a word.

use std::collections::BTreeMap;

use serde::Serialize;

use super::columns::{advice, unused_columns};
use super::shape::ExportShape;
use crate::config::Config;
use crate::domain::canonical::Field;
use crate::error::{Error, Result};
use crate::ingest::RawTable;
use crate::mapping::{Looks, Suggestion, suggest};

/// A header of an input file that feeds no field.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UnusedHeader {
    pub file: String,
    pub header: String,
}

/// A canonical field found in no file, and what that costs.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MissingField {
    pub field: &'static str,
    /// The figures that go without it, in plain words.
    pub affects: &'static str,
    /// The closest unused header whose values fit the field, if any.
    pub suggestion: Option<String>,
    /// Listed under `[input] not_recorded`: known to be absent.
    pub not_recorded: bool,
}

/// The mapping's coverage of the files.
#[derive(Debug, Clone, Default)]
pub(super) struct Coverage {
    pub unused_headers: Vec<UnusedHeader>,
    pub missing_fields: Vec<MissingField>,
}

/// The fields that open each stage: the rest of a stage's fields show it exists, and are
/// lost without them.
const OPENING: [Field; 3] = [Field::Received, Field::Stage1Responded, Field::Stage2Requested];

/// A stage's fields other than those that open it.
fn signs_of(stage: u8) -> Vec<Field> {
    Field::ALL
        .iter()
        .copied()
        .filter(|f| f.stage_number() == Some(stage) && !OPENING.contains(f))
        .collect()
}

/// The coverage of `resolved` (each file's field → header), or the error when a stage is only
/// partly mapped.
pub(super) fn check(
    raws: &[RawTable],
    resolved: &[BTreeMap<Field, String>],
    shape: ExportShape,
    config: &Config,
) -> Result<Coverage> {
    let unused: Vec<Vec<(&str, Looks)>> = raws
        .iter()
        .zip(resolved)
        .map(|(raw, used)| unused_columns(raw, used))
        .collect();
    let suggestion = |field: Field| -> Option<Suggestion> {
        unused
            .iter()
            .filter_map(|columns| suggest(field, columns))
            .max_by_key(|s| s.fits)
    };
    let header = |field: Field| resolved.iter().find_map(|used| used.get(&field));
    let mapped = |field: Field| header(field).is_some();
    let not_recorded = |field: Field| config.input.not_recorded.contains(&field);
    // Fields that arrive by another road are not missing: in a one-row-per-stage export the
    // stage-2 dates come in the stage-1 columns of stage-2 rows; a wide export needs no stage.
    let expected = |field: Field| match shape {
        ExportShape::Long => field.long_shape_stage1_source().is_none(),
        ExportShape::Wide => field != Field::Stage,
    };
    let half_mapped = |opening: Field, signs: &[Field]| -> Option<Vec<Field>> {
        let present: Vec<Field> = signs.iter().copied().filter(|&f| mapped(f)).collect();
        (!mapped(opening) && !not_recorded(opening) && expected(opening) && !present.is_empty())
            .then_some(present)
    };
    let checks: [(u8, Field, Vec<Field>); 3] = [
        (1, Field::Stage1Responded, [signs_of(1), signs_of(2)].concat()),
        (2, Field::Stage2Requested, signs_of(2)),
        (2, Field::Stage2Responded, vec![Field::Stage2Requested]),
    ];
    for (stage, needed, signs) in checks {
        if let Some(present) = half_mapped(needed, &signs) {
            let shown = present
                .iter()
                .map(|&f| format!("\"{}\" ({})", header(f).map_or("", String::as_str), f.name()))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Error::MissingColumn {
                path: raws.first().map(|r| r.file.clone()).unwrap_or_default(),
                message: format!(
                    "stage {stage} is only partly mapped: the export has {shown}, but no `{name}` column, so {affects} would be lost. {advice} If the export truly has no such column, add `not_recorded = [\"{name}\"]` under [input] to go on without it.",
                    name = needed.name(),
                    affects = needed.affects(),
                    advice = advice(needed, suggestion(needed).as_ref()),
                ),
            });
        }
    }
    let unused_headers = raws
        .iter()
        .zip(&unused)
        .flat_map(|(raw, columns)| {
            columns.iter().map(|(header, _)| UnusedHeader {
                file: raw.file.display().to_string(),
                header: header.to_string(),
            })
        })
        .collect();
    let missing_fields = Field::ALL
        .iter()
        .copied()
        .filter(|&f| !mapped(f) && expected(f))
        .map(|field| MissingField {
            field: field.name(),
            affects: field.affects(),
            suggestion: suggestion(field).filter(|s| s.fits).map(|s| s.header),
            not_recorded: not_recorded(field),
        })
        .collect();
    Ok(Coverage {
        unused_headers,
        missing_fields,
    })
}
