//! Stage 2 — normalise: map each file's headers to canonical fields, type every cell, set aside
//! the rows that cannot be analysed (the exclusions ledger), merge rows into one row per
//! complaint, and list everything the user should check (warnings).
//!
//! The steps work on one frame of every file's rows, whose helper columns are described in
//! `rows`; each step is a module.

mod cell_problems;
mod characters;
mod columns;
mod combine;
mod coverage;
mod exclusions;
mod merge;
mod passengers;
mod quality;
mod rows;
mod shape;
mod spellings;
mod status;
mod typing;
mod values;

use polars::prelude::*;

pub use coverage::{MissingField, UnusedHeader};
pub use quality::{DataQuality, Example, Exclusion, ExclusionCode, FileSummary, Warning, WarningCode};

use crate::config::Config;
use crate::domain::canonical::Field;
use crate::error::{Error, Result};
use crate::ingest::RawTable;
use crate::mapping::ColumnMatcher;
use crate::observe::{Observer, step};
use passengers::Passenger;
use shape::ExportShape;
use values::CellReader;

/// The canonical complaints table and the account of how it was made.
#[derive(Debug, Clone)]
pub struct Normalised {
    /// One row per complaint; see [`crate::domain::canonical`] for the columns. For analysts
    /// ([`normalise`]'s `for_analysts`), the `raw_text` and `unmapped` columns follow.
    pub complaints: DataFrame,
    pub quality: DataQuality,
    /// The text as written of each mapped field that keeps it ([`Field::keeps_raw_text`]).
    pub raw_text: Vec<String>,
    /// The unmapped export columns kept ([`crate::mapping::Unmapped`]), as text.
    pub unmapped: Vec<String>,
}

/// Turns the raw tables into the canonical complaints table. Takes the tables so their text
/// can be freed once it is typed. `for_analysts` adds the coded fields' text as written and
/// the unmapped columns the matcher kept.
pub fn normalise(
    mut raws: Vec<RawTable>,
    config: &Config,
    matcher: &ColumnMatcher,
    for_analysts: bool,
    observer: &dyn Observer,
) -> Result<Normalised> {
    passengers::check_named(&raws, matcher)?;
    let resolved = raws
        .iter()
        .map(|raw| columns::resolve_file(raw, matcher, config))
        .collect::<Result<Vec<_>>>()?;
    // Files named in [input.file_stage] carry their stage as if in a column.
    let file_stages: Vec<Option<u8>> = raws.iter().map(|raw| config.file_stage(&raw.file)).collect();
    let mapped: Vec<Field> = Field::ALL
        .iter()
        .copied()
        .filter(|&f| {
            resolved.iter().any(|r| r.contains_key(&f))
                || (f == Field::Stage && file_stages.iter().any(Option::is_some))
        })
        .collect();
    let first_file = raws.first().map(|r| r.file.clone()).unwrap_or_default();
    let split_by_file = file_stages.iter().any(Option::is_some);
    let shape = ExportShape::of(config.input.shape, &mapped, split_by_file, &first_file)?;
    let coverage = coverage::check(&raws, &resolved, shape, config)?;
    let mut quality = DataQuality::new(&raws, &resolved, shape.name(), coverage);
    for (i, raw) in raws.iter().enumerate() {
        for rejected in &raw.rejected {
            quality.exclude(
                i,
                rejected.row,
                None,
                ExclusionCode::UnreadableRow,
                rejected.reason.clone(),
            );
        }
    }
    // Excel serials depend on the workbook's date system; mixing systems across files is rare
    // enough that one flag for the whole run is used, and reported.
    let excel_1904 = raws.iter().any(|r| r.excel_1904);
    let reader = CellReader::new(&config.values, config.input.date_order);
    let q = &mut quality;
    let (mut rows, mut dictionaries, unmapped) = step(observer, "normalise: combine", || {
        combine::combine(&mut raws, &resolved, &file_stages, &mapped)
    })?;
    drop(raws);
    let unusable = step(
        observer,
        "normalise: unusable rows",
        || -> Result<BooleanChunked> {
            let repeated = exclusions::repeated_headers(&rows, &dictionaries, &resolved, q)?;
            rows::set_aside(&mut rows, &repeated)?;
            let footers = exclusions::footer_rows(&rows, &dictionaries, &mapped, q)?;
            rows::set_aside(&mut rows, &footers)?;
            exclusions::missing_required(&rows, q)
        },
    )?;
    rows::set_aside(&mut rows, &unusable)?;
    step(observer, "normalise: references", || {
        characters::clean_references(&mut rows, q)
    })?;
    let rows = step(observer, "normalise: duplicates", || {
        exclusions::exclude_exact_duplicates(rows, &mapped, q)
    })?;
    step(observer, "normalise: characters", || {
        characters::clean_characters(&rows, &mut dictionaries, q)
    })?;
    // The text as written (made printable) of the fields that keep it, before spellings unify.
    let written = passengers::written(&dictionaries, for_analysts);
    step(observer, "normalise: spellings", || {
        spellings::unify_spellings(&rows, &mut dictionaries, &mapped, q)
    })?;
    let (raw_text, passengers) = passengers::passengers(&written, &unmapped, shape);
    let cells = typing::Cells {
        dictionaries: &dictionaries,
        written: &written,
        mapped: &mapped,
        passengers: &passengers,
    };
    let mut rows = step(observer, "normalise: parse cells", || {
        typing::parse_cells(rows, &cells, &reader, excel_1904, q, observer)
    })?;
    if shape == ExportShape::Long {
        rows = shape::split_stage_rows(rows, &dictionaries, q)?;
    }
    let complaints = step(observer, "normalise: merge", || {
        merge::merge_by_reference(rows, shape, &passengers, q, observer)
    })?;
    let complaints = step(observer, "normalise: status", || {
        status::derive_status(complaints)
    })?;
    step(observer, "normalise: sequences", || {
        quality.check_sequences(&complaints)
    })?;
    quality.finish(complaints.height());
    if complaints.height() == 0 {
        return Err(Error::NoUsableRows {
            message: format!(
                "all {} data row(s) were excluded; the first reason: {}",
                quality.rows_read,
                quality
                    .exclusions
                    .first()
                    .map_or("the files have no data rows", |e| e.reason.as_str())
            ),
        });
    }
    Ok(Normalised {
        complaints,
        quality,
        raw_text,
        unmapped,
    })
}
