//! One row per complaint: rows sharing a reference (ignoring case and surrounding spaces) merge.
//! For each field the first row's value wins (in a one-row-per-stage export, the stage-2 row's
//! for status and closure, whatever the row order) and differing values are listed as warnings; a stage-2 row with no
//! stage-1 row goes to the ledger. Complaints stay in input order, each at its first row's place.

use polars::prelude::*;

use super::Passenger;
use super::quality::{DataQuality, ExclusionCode};
use super::rows::{FILE_COL, ROW_COLUMN, RowRef, SEQ_COL, SET_ASIDE_COL, SHARED_COL, row_refs};
use super::shape::ExportShape;
use crate::columnar::bits::set_and_rank;
use crate::columnar::compact::{keep_rows, scatter};
use crate::domain::canonical::{Field, SOURCE_FILE, SOURCE_ROW};
use crate::error::{PolarsContext, Result};
use crate::observe::{Observer, step};

/// The key merged rows share: the reference in upper case.
const KEY_COL: &str = "__key";

/// Suffix of the count of a field's distinct values among one stage's rows.
pub(super) const WITHIN_STAGE: &str = "__distinct_within_stage";

/// One row per complaint: rows sharing a reference (ignoring case and surrounding spaces) are
/// merged; for each field the first row's value wins and differing later values are listed.
pub(super) fn merge_by_reference(
    rows: DataFrame,
    shape: ExportShape,
    passengers: &[Passenger],
    quality: &mut DataQuality,
    observer: &dyn Observer,
) -> Result<DataFrame> {
    let fields: Vec<Field> = Field::ALL
        .iter()
        .copied()
        .filter(|f| rows.column(f.name()).is_ok() && *f != Field::Stage)
        .collect();
    let latest_wins = |f: Field| shape.latest_wins(f);
    // The stage-2 row knows how the complaint ended, wherever it stands in the file.
    let of_stage = |name: &str, stage: &str| {
        col(name).filter(
            col(Field::Stage.name())
                .eq(lit(stage))
                .and(col(name).is_not_null()),
        )
    };
    let mut aggs: Vec<Expr> = Vec::new();
    for &f in &fields {
        let values = col(f.name()).drop_nulls();
        if latest_wins(f) {
            let of_stage = |stage: &str| of_stage(f.name(), stage);
            aggs.push(coalesce(&[of_stage("stage2").first(), values.first()]).alias(f.name()));
            aggs.push(
                polars::lazy::dsl::max_horizontal([
                    of_stage("stage2").n_unique(),
                    of_stage("stage1").n_unique(),
                ])
                .ctx("merging rows")?
                .alias(format!("{}{WITHIN_STAGE}", f.name())),
            );
        } else {
            aggs.push(values.clone().first().alias(f.name()));
            if f != Field::Reference {
                aggs.push(values.n_unique().alias(format!("{}__distinct", f.name())));
            }
        }
    }
    for Passenger { name, follows } in passengers {
        let first = col(name.as_str()).drop_nulls().first();
        aggs.push(
            match follows.is_some_and(latest_wins) {
                true => coalesce(&[of_stage(name, "stage2").first(), first]),
                false => first,
            }
            .alias(name.as_str()),
        );
    }
    aggs.push(col(FILE_COL).first().alias(SOURCE_FILE));
    aggs.push(col(ROW_COLUMN).first().alias(SOURCE_ROW));
    aggs.push(col(SEQ_COL).first());
    aggs.push(len().alias("__rows"));
    let received = Field::Received.name();
    // Most references have one row: only the others need grouping, which is costly with an
    // aggregation per field.
    let in_analysis = col(SET_ASIDE_COL).not();
    let shared = rows
        .clone()
        .lazy()
        .filter(col(SHARED_COL).and(in_analysis.clone()))
        .with_column(col(Field::Reference.name()).str().to_uppercase().alias(KEY_COL))
        .with_column(
            col(received)
                .is_not_null()
                .any(true)
                .over([col(KEY_COL)])
                .ctx("merging rows")?
                .alias("__has_stage1"),
        )
        .collect()
        .ctx("merging rows by reference")?;
    // A complaint with only stage-2 rows has no stage-1 received date.
    let orphans = rows
        .clone()
        .lazy()
        .filter(
            col(SHARED_COL)
                .not()
                .and(in_analysis.clone())
                .and(col(received).is_null()),
        )
        .collect()
        .ctx("merging rows")?
        .vstack(
            &shared
                .clone()
                .lazy()
                .filter(col("__has_stage1").not())
                .select(
                    rows.get_column_names()
                        .into_iter()
                        .map(|c| col(c.clone()))
                        .collect::<Vec<_>>(),
                )
                .collect()
                .ctx("merging rows")?,
        )
        .ctx("merging rows")?;
    for RowRef {
        file, row, reference, ..
    } in row_refs(&orphans, None, &quality.file_names())?
    {
        quality.exclude(file, row, reference, ExclusionCode::NoStage1Row, "stage 2 row with no stage 1 row for this reference: add the complaint's stage 1 row (it holds the date the complaint was received)".into());
    }
    let carried = || passengers.iter().map(|p| col(p.name.as_str()));
    let mut output: Vec<Expr> = fields.iter().map(|f| col(f.name())).chain(carried()).collect();
    output.extend([
        col(FILE_COL).alias(SOURCE_FILE),
        col(ROW_COLUMN).alias(SOURCE_ROW),
        col(SEQ_COL),
    ]);
    let groups = shared
        .lazy()
        .filter(col("__has_stage1"))
        .group_by_stable([col(KEY_COL)])
        .agg(aggs)
        .collect()
        .ctx("merging rows by reference")?;
    quality.record_conflicts(&groups, &fields)?;
    let mut group_columns: Vec<Expr> = fields.iter().map(|f| col(f.name())).chain(carried()).collect();
    group_columns.extend([col(SOURCE_FILE), col(SOURCE_ROW), col(SEQ_COL)]);
    let groups = groups
        .lazy()
        .select(group_columns)
        .collect()
        .ctx("merging rows by reference")?;
    // Each complaint in input order: a row of its own, or its merged group at the place of the
    // group's first row. The rows kept are filtered in order, then the few merged groups are
    // written over their first rows (a gather over rows and groups together copies far more).
    let single = rows
        .clone()
        .lazy()
        .select([col(SHARED_COL)
            .not()
            .and(in_analysis)
            .and(col(received).is_not_null())
            .alias("single")])
        .collect()
        .ctx("merging rows")?;
    let single = single
        .column("single")
        .ctx("merging rows")?
        .bool()
        .ctx("merging rows")?;
    // A row's sequence number is its position (rows are only removed here), so each group's
    // first row is found by it; it is never a single row (a group's rows share a reference). The
    // rows kept are the single ones and those first rows; each group goes at its first row's
    // place among them.
    let height = rows.height();
    let mut firsts: Vec<(IdxSize, IdxSize)> = groups
        .column(SEQ_COL)
        .ctx("merging rows")?
        .idx()
        .ctx("merging rows")?
        .iter()
        .enumerate()
        .filter_map(|(j, seq)| seq.map(|seq| (seq, j as IdxSize)))
        .collect();
    firsts.sort_unstable();
    if firsts.last().is_some_and(|&(seq, _)| seq as usize >= height) {
        return Err(polars_err!(ComputeError: "a merged group's first row is past the rows"))
            .ctx("merging rows");
    }
    let first_rows: Vec<IdxSize> = firsts.iter().map(|&(seq, _)| seq).collect();
    let group_rows: Vec<IdxSize> = firsts.iter().map(|&(_, j)| j).collect();
    let (kept, group_positions) = set_and_rank(single, &first_rows);
    let merged = step(observer, "normalise: merge: filter", || {
        let selected = rows
            .lazy()
            .select(output)
            .collect()
            .ctx("merging rows by reference")?;
        keep_rows(selected, &kept)
    })?;
    let groups = groups
        .take(&IdxCa::from_vec("group".into(), group_rows))
        .ctx("merging rows by reference")?;
    let height = merged.height();
    let merged = step(observer, "normalise: merge: scatter", || {
        DataFrame::new(
            height,
            merged
                .into_columns()
                .into_iter()
                .zip(groups.columns())
                .map(|(column, values)| {
                    scatter(column, &group_positions, values).ctx("merging rows by reference")
                })
                .collect::<Result<Vec<_>>>()?,
        )
        .ctx("merging rows by reference")
    })?;
    // Every canonical field is a column, empty when the export does not have it.
    let mut columns: Vec<Expr> = Field::CANONICAL
        .iter()
        .map(|f| match fields.contains(f) {
            true => col(f.name()),
            false => lit(NULL).cast(f.dtype()).alias(f.name()),
        })
        .collect();
    // File names by index: a gather shares one copy of each name rather than making a million.
    let names = Series::new("names".into(), quality.file_names());
    columns.push(lit(names).gather(col(SOURCE_FILE), true).alias(SOURCE_FILE));
    columns.push(col(SOURCE_ROW));
    columns.extend(carried());
    merged
        .lazy()
        .select(columns)
        .collect()
        .ctx("merging rows by reference")
}
