//! The shape of an export: one row per complaint (wide), or one row per complaint stage (long),
//! whose stage-2 rows carry their dates and outcome in the stage-1 columns.

use std::path::Path;

use polars::prelude::*;

use super::combine::Dictionaries;
use super::quality::{DataQuality, ExclusionCode};
use super::rows::{RowRef, SET_ASIDE_COL, raw_column, row_refs, set_aside};
use crate::config::Shape;
use crate::domain::canonical::Field;
use crate::error::{Error, PolarsContext, Result};

/// How an export lays out a complaint's stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ExportShape {
    /// One row per complaint, with stage-2 columns.
    Wide,
    /// One row per complaint stage, with a stage column.
    Long,
}

impl ExportShape {
    /// The shape `[input] shape` asks for; "auto" is long when a stage column is mapped and no
    /// stage-2 column is, or when the export is split into a file per stage.
    pub(super) fn of(
        setting: Shape,
        mapped: &[Field],
        split_by_file: bool,
        first_file: &Path,
    ) -> Result<ExportShape> {
        let has_stage = mapped.contains(&Field::Stage);
        let long = match setting {
            Shape::Long => true,
            Shape::Wide => false,
            Shape::Auto => split_by_file || has_stage && !mapped.iter().any(|f| f.is_stage2()),
        };
        if long && !has_stage {
            return Err(Error::MissingColumn {
                path: first_file.to_path_buf(),
                message:
                    "[input] shape = \"long\" needs a stage column: map it with [columns] stage = \"<header>\""
                        .into(),
            });
        }
        Ok(if long {
            ExportShape::Long
        } else {
            ExportShape::Wide
        })
    }

    /// "wide" or "long", as `validate` reports it.
    pub(super) fn name(self) -> &'static str {
        match self {
            ExportShape::Wide => "wide",
            ExportShape::Long => "long",
        }
    }

    /// Whether a field's value comes from a complaint's latest row when rows merge, rather than
    /// its first: in a one-row-per-stage export the latest row knows the current status and
    /// closure.
    pub(super) fn latest_wins(self, field: Field) -> bool {
        self == ExportShape::Long && matches!(field, Field::Status | Field::Closed)
    }
}

/// One-row-per-stage exports: a stage-2 row's dates and outcome belong in the stage-2 columns.
pub(super) fn split_stage_rows(
    rows: DataFrame,
    dictionaries: &Dictionaries,
    quality: &mut DataQuality,
) -> Result<DataFrame> {
    let stage = Field::Stage.name();
    let unknown = rows
        .clone()
        .lazy()
        .filter(col(stage).is_null().and(col(SET_ASIDE_COL).not()))
        .collect()
        .ctx("reading stages")?;
    let raw_stage = raw_column(Field::Stage);
    let stage_values = dictionaries.get(&Field::Stage).map_or(&[][..], Vec::as_slice);
    let raw_stage = unknown
        .column(&raw_stage)
        .is_ok()
        .then_some((raw_stage.as_str(), stage_values));
    for RowRef {
        file,
        row,
        reference,
        value,
    } in row_refs(&unknown, raw_stage, &quality.file_names())?
    {
        let code = if value.is_some() {
            ExclusionCode::UnknownStage
        } else {
            ExclusionCode::NoStage
        };
        let reason = match value {
            Some(v) => format!(
                "stage \"{v}\" is neither stage 1 nor stage 2: list it under [values.stage] stage1 = [...] or stage2 = [...]"
            ),
            None => format!(
                "no stage: fill in the {} cell with Stage 1 or Stage 2",
                quality.header_of(file, Field::Stage)
            ),
        };
        quality.exclude(file, row, reference, code, reason);
    }
    let is_stage2 = col(stage).eq(lit("stage2"));
    let schema = rows.schema().clone();
    let mut moves = Vec::new();
    // A stage-2 row's value goes to the stage-2 column; the stage-1 column keeps the
    // stage-1 rows' values only (the received date is handled below).
    let mut move_column = |from: &str, to: &str, clear: bool| {
        let Some(dtype) = schema.get(from).cloned() else {
            return;
        };
        let existing = match schema.get(to) {
            Some(_) => col(to),
            None => lit(NULL).cast(dtype.clone()),
        };
        moves.push(
            when(is_stage2.clone())
                .then(col(from))
                .otherwise(existing)
                .alias(to),
        );
        if clear {
            moves.push(
                when(is_stage2.clone())
                    .then(lit(NULL).cast(dtype))
                    .otherwise(col(from))
                    .alias(from),
            );
        }
    };
    for &field in Field::ALL {
        let Some(target) = field.long_shape_stage2_target() else {
            continue;
        };
        move_column(field.name(), target.name(), field != Field::Received);
        // The text as written, kept for analysts, goes with its field.
        move_column(&field.raw_name(), &target.raw_name(), true);
    }
    // A stage-2 row's received date is the escalation request; the complaint's stage-1 received
    // date must come from its stage-1 row.
    moves.push(
        when(is_stage2)
            .then(lit(NULL).cast(DataType::Date))
            .otherwise(col(Field::Received.name()))
            .alias(Field::Received.name()),
    );
    let no_stage = rows.column(stage).ctx("reading stages")?.is_null();
    let mut split = rows
        .lazy()
        .with_columns(moves)
        .collect()
        .ctx("splitting stage rows")?;
    set_aside(&mut split, &no_stage)?;
    Ok(split)
}
