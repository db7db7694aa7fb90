//! Stage 2 — normalise: map each file's headers to canonical fields, type every cell, set aside
//! the rows that cannot be analysed (the exclusions ledger), merge rows into one row per
//! complaint, and list everything the user should check (warnings).

pub mod dates;
mod quality;
pub mod values;

use std::collections::BTreeMap;

use polars::prelude::*;
use polars_arrow::array::BooleanArray;
use polars_arrow::bitmap::Bitmap;
use polars_arrow::datatypes::ArrowDataType;

pub use quality::{DataQuality, Example, Exclusion, FileSummary, Warning};

use crate::canonical::{Field, Kind, SOURCE_FILE, SOURCE_ROW, classes};
use crate::config::{Config, Shape};
use crate::error::{Error, PolarsContext, Result};
use crate::gather;
use crate::ingest::{CodedText, ROW_COLUMN, RawColumn, RawTable};
use crate::mapping::{ColumnMatcher, closest_header};
use crate::timings::step;
use dates::parse_date;
use values::{CellReader, Problem, Value};

/// The canonical complaints table and the account of how it was made.
#[derive(Debug, Clone)]
pub struct Normalised {
    /// One row per complaint; see [`crate::canonical`] for the columns.
    pub complaints: DataFrame,
    pub quality: DataQuality,
}

const FILE_COL: &str = "__file";
const SEQ_COL: &str = "__seq";
/// True on rows whose reference (ignoring case) is on other rows too: only those can be
/// duplicates or need merging, and they are few.
const SHARED_COL: &str = "__shared";
/// True on rows already in the exclusions ledger. Rows are only removed once, when merging:
/// filtering copies every column, and a million-row export would pay for it at every step.
const SET_ASIDE_COL: &str = "__set_aside";
const KEY_COL: &str = "__key";
const RAW_SUFFIX: &str = "__raw";

/// Turns the raw tables into the canonical complaints table. Takes the tables so their text
/// can be freed once it is typed.
pub fn normalise(mut raws: Vec<RawTable>, config: &Config) -> Result<Normalised> {
    let matcher = ColumnMatcher::new(&config.columns);
    let resolved = raws
        .iter()
        .map(|raw| resolve_file(raw, &matcher))
        .collect::<Result<Vec<_>>>()?;
    let mapped: Vec<Field> = Field::ALL
        .iter()
        .copied()
        .filter(|f| resolved.iter().any(|r| r.contains_key(f)))
        .collect();
    let long = match config.input.shape {
        Shape::Long => true,
        Shape::Wide => false,
        Shape::Auto => mapped.contains(&Field::Stage) && !mapped.iter().any(|f| f.is_stage2()),
    };
    if long && !mapped.contains(&Field::Stage) {
        return Err(Error::MissingColumn {
            path: raws[0].file.clone(),
            message:
                "[input] shape = \"long\" needs a stage column: map it with [columns] stage = \"<header>\""
                    .into(),
        });
    }

    let mut quality = DataQuality::new(&raws, &resolved, long);
    for (i, raw) in raws.iter().enumerate() {
        for rejected in &raw.rejected {
            quality.exclude(i, rejected.row, None, "unreadable_row", rejected.reason.clone());
        }
    }
    let reader = CellReader::new(&config.values, config.input.date_order);
    let q = &mut quality;
    let (mut rows, mut dictionaries) = step("normalise: combine", || combine(&mut raws, &resolved, &mapped))?;
    let raws = &raws;
    let unusable = step("normalise: unusable rows", || -> Result<BooleanChunked> {
        Ok(&repeated_headers(&rows, &dictionaries, &resolved, q)? | &missing_required(&rows, q)?)
    })?;
    set_aside(&mut rows, &unusable.with_name(SET_ASIDE_COL.into()))?;
    let rows = step("normalise: duplicates", || {
        exclude_exact_duplicates(rows, &mapped, q)
    })?;
    step("normalise: spellings", || {
        unify_spellings(&rows, &mut dictionaries, &mapped, q)
    })?;
    let mut rows = step("normalise: parse cells", || {
        parse_cells(rows, &dictionaries, &mapped, &reader, raws, q)
    })?;
    if long {
        rows = split_stage_rows(rows, &dictionaries, q)?;
    }
    let complaints = step("normalise: merge", || merge_by_reference(rows, long, q))?;
    let complaints = step("normalise: status", || derive_status(complaints))?;
    step("normalise: sequences", || quality.check_sequences(&complaints))?;
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
    Ok(Normalised { complaints, quality })
}

/// Finds each field's header in one file, or explains which required column is missing.
fn resolve_file(raw: &RawTable, matcher: &ColumnMatcher) -> Result<BTreeMap<Field, String>> {
    let resolved = matcher.resolve(&raw.headers);
    if let Some(missing) = matcher.missing_required(&resolved).first() {
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
        .into_iter()
        .map(|(field, i)| (field, raw.headers[i].clone()))
        .collect())
}

/// The distinct values of each coded column of the combined rows: every mapped field but the
/// reference, whose cells are codes into them.
type Dictionaries = BTreeMap<Field, Vec<String>>;

/// All files' mapped columns under canonical names, tidied (trimmed, blanks as null), in input
/// order: the reference as text, every other field coded. The files' columns are taken, so
/// their text is let go as it is coded; a field is combined per core.
fn combine(
    raws: &mut [RawTable],
    resolved: &[BTreeMap<Field, String>],
    mapped: &[Field],
) -> Result<(DataFrame, Dictionaries)> {
    /// One file's column of a field: its cells (none when the file lacks the field), how many
    /// rows the file has, and whether its reader tidied them.
    #[derive(Clone)]
    struct FileColumn {
        cells: Option<RawColumn>,
        height: usize,
        tidy: bool,
    }
    let mut by_field: Vec<Vec<FileColumn>> = vec![Vec::new(); mapped.len()];
    for (raw, headers) in raws.iter_mut().zip(resolved) {
        let mut columns = std::mem::take(&mut raw.columns);
        for (i, f) in mapped.iter().enumerate() {
            let cells = headers.get(f).and_then(|header| {
                let at = columns.iter().position(|(h, _)| h == header)?;
                Some(columns.swap_remove(at).1)
            });
            by_field[i].push(FileColumn {
                cells,
                height: raw.rows.len(),
                tidy: raw.tidy,
            });
        }
    }
    let fields: Vec<(Field, Vec<FileColumn>)> = mapped.iter().copied().zip(by_field).collect();
    let combined = crate::parallel::in_parallel_owned(fields, |(field, files)| {
        let name: PlSmallStr = field.name().into();
        if field == Field::Reference {
            let mut whole: Option<StringChunked> = None;
            for FileColumn { cells, height, tidy } in files {
                let text = match cells {
                    Some(cells) if tidy => cells.into_text(),
                    Some(cells) => tidy_text(cells.into_text()),
                    None => StringChunked::full_null(PlSmallStr::EMPTY, height),
                };
                match &mut whole {
                    None => whole = Some(text),
                    Some(whole) => whole.append_owned(text).ctx("combining input files")?,
                }
            }
            let text = whole.unwrap_or_default().with_name(name);
            return Ok((text.into_column(), None));
        }
        let mut whole: Option<CodedText> = None;
        for FileColumn { cells, height, tidy } in files {
            let coded = match cells {
                Some(cells) => cells.into_coded(!tidy),
                None => CodedText::missing(height),
            };
            match &mut whole {
                None => whole = Some(coded),
                Some(whole) => whole.append(coded),
            }
        }
        let CodedText { codes, values } = whole.unwrap_or_default();
        Ok((codes.with_name(name).into_column(), Some((field, values))))
    })?;
    let mut dictionaries = Dictionaries::new();
    let mut columns = Vec::with_capacity(combined.len() + 3);
    for (column, values) in combined {
        columns.push(column);
        dictionaries.extend(values);
    }
    let files = raws
        .iter()
        .enumerate()
        .flat_map(|(i, raw)| std::iter::repeat_n(i as u32, raw.rows.len()));
    columns.push(Column::new(FILE_COL.into(), files.collect::<Vec<u32>>()));
    let row_numbers: Vec<u32> = raws.iter().flat_map(|raw| raw.rows.iter().copied()).collect();
    columns.push(Column::new(ROW_COLUMN.into(), row_numbers));
    let height = columns.last().map_or(0, Column::len);
    let rows = DataFrame::new(height, columns)
        .ctx("combining input files")?
        .with_row_index(SEQ_COL.into(), None)
        .ctx("combining input files")?;
    Ok((rows, dictionaries))
}

/// Cells trimmed, blank cells null (the strict CSV reader and the workbook reader do this as
/// they read). A column needing neither is passed on as it is rather than copied.
fn tidy_text(text: StringChunked) -> StringChunked {
    let untidy =
        |v: &str| v.is_empty() || v.starts_with(char::is_whitespace) || v.ends_with(char::is_whitespace);
    if !text.iter().flatten().any(untidy) {
        return text;
    }
    text.iter()
        .map(|v| v.map(str::trim).filter(|v| !v.is_empty()))
        .collect()
}

/// A coded column of the rows.
fn codes<'a>(rows: &'a DataFrame, field: Field, context: &'static str) -> Result<&'a IdxCa> {
    rows.column(field.name()).ctx(context)?.idx().ctx(context)
}

/// A copy of the header row among the data (exports pasted together) is not a complaint.
/// Returns the rows to set aside.
fn repeated_headers(
    rows: &DataFrame,
    dictionaries: &Dictionaries,
    resolved: &[BTreeMap<Field, String>],
    quality: &mut DataQuality,
) -> Result<BooleanChunked> {
    let context = "finding repeated headers";
    let same = |cell: &str, header: &str| cell.chars().flat_map(char::to_lowercase).eq(header.chars());
    let headers: Vec<[String; 2]> = resolved
        .iter()
        .map(|h| [Field::Reference, Field::Received].map(|f| h[&f].trim().to_lowercase()))
        .collect();
    // Each file's received header among the received values (usually in none).
    let received_values = dictionaries.get(&Field::Received).map_or(&[][..], Vec::as_slice);
    let header_codes: Vec<Vec<IdxSize>> = headers
        .iter()
        .map(|[_, received]| {
            (0..received_values.len() as IdxSize)
                .filter(|&code| same(&received_values[code as usize], received))
                .collect()
        })
        .collect();
    if header_codes.iter().all(Vec::is_empty) {
        return Ok(BooleanChunked::full(PlSmallStr::EMPTY, false, rows.height()));
    }
    let references = text_column(rows, Field::Reference.name(), context)?;
    let received = codes(rows, Field::Received, context)?;
    let files = rows.column(FILE_COL).ctx(context)?.u32().ctx(context)?;
    let repeated: BooleanChunked = files
        .iter()
        .zip(references.iter())
        .zip(received.iter())
        .map(|((file, reference), received)| {
            let file = file.map_or(usize::MAX, |f| f as usize);
            let is_header = |code: IdxSize| header_codes.get(file).is_some_and(|codes| codes.contains(&code));
            Some(received.is_some_and(is_header) && reference.is_some_and(|r| same(r, &headers[file][0])))
        })
        .collect();
    if repeated.any() {
        let copies = rows.filter(&repeated).ctx(context)?;
        for r in row_refs(&copies, None, &quality.file_names())? {
            quality.exclude(
                r.file,
                r.row,
                None,
                "repeated_header",
                "repeats the header row (exports pasted together?): not a complaint; nothing to fix".into(),
            );
        }
    }
    Ok(repeated)
}

/// Rows with no reference or no received date cannot be counted: they go to the ledger.
/// Returns the rows to set aside.
fn missing_required(rows: &DataFrame, quality: &mut DataQuality) -> Result<BooleanChunked> {
    let reference = Field::Reference.name();
    let received = Field::Received.name();
    let is_null = |name: &str| -> Result<BooleanChunked> {
        Ok(rows
            .column(name)
            .ctx("finding rows without reference or received date")?
            .is_null())
    };
    let missing = &is_null(reference)? | &is_null(received)?;
    if !missing.any() {
        return Ok(missing);
    }
    let missing_rows = rows
        .filter(&missing)
        .ctx("finding rows without reference or received date")?;
    let received_codes = codes(
        &missing_rows,
        Field::Received,
        "finding rows without a received date",
    )?;
    let refs = row_refs(&missing_rows, None, &quality.file_names())?;
    for (r, received_code) in refs.into_iter().zip(received_codes.iter()) {
        let (file, row, reference_value) = (r.file, r.row, r.reference);
        let has_received = received_code.is_some();
        let (code, reason) = match (&reference_value, has_received) {
            (None, false) => ("no_reference", "no reference and no received date: fill both in the export, or delete the row if it is not a complaint".to_string()),
            (None, true) => ("no_reference", format!("no reference: every complaint needs one; fill in the {} cell", quality.header_of(file, Field::Reference))),
            (Some(_), _) => ("no_received_date", format!("no received date: fill in the {} cell (e.g. 03/05/2024)", quality.header_of(file, Field::Received))),
        };
        quality.exclude(file, row, reference_value, code, reason);
    }
    Ok(missing)
}

/// Marks rows as set aside (they are in the ledger), in [`SET_ASIDE_COL`].
fn set_aside(rows: &mut DataFrame, marked: &BooleanChunked) -> Result<()> {
    let marked = match rows.column(SET_ASIDE_COL) {
        Ok(already) => already.bool().ctx("setting rows aside")? | marked,
        Err(_) => marked.clone(),
    };
    rows.with_column(marked.with_name(SET_ASIDE_COL.into()).into_column())
        .ctx("setting rows aside")?;
    Ok(())
}

/// The rows not set aside.
fn kept(rows: &DataFrame) -> Result<BooleanChunked> {
    let set_aside = rows
        .column(SET_ASIDE_COL)
        .ctx("setting rows aside")?
        .bool()
        .ctx("setting rows aside")?;
    Ok(!set_aside)
}

/// A row whose every mapped value equals an earlier row's is the same record exported twice.
fn exclude_exact_duplicates(
    mut rows: DataFrame,
    mapped: &[Field],
    quality: &mut DataQuality,
) -> Result<DataFrame> {
    let shared = shared_references(&rows, &kept(&rows)?)?;
    let any_shared = shared.any();
    rows.with_column(shared.into_column())
        .ctx("finding duplicate rows")?;
    if !any_shared {
        return Ok(rows);
    }
    // Exact duplicates share their reference: only rows whose reference repeats are compared.
    let keys: Vec<Expr> = mapped.iter().map(|f| col(f.name())).collect();
    let first = |name: &str, alias: &str| -> Result<Expr> {
        Ok(col(name).first().over(&keys).ctx("duplicates")?.alias(alias))
    };
    let mask = rows
        .column(SHARED_COL)
        .ctx("duplicates")?
        .bool()
        .ctx("duplicates")?
        .clone();
    let subset = rows.filter(&mask).ctx("duplicates")?;
    let duplicates = subset
        .lazy()
        .with_columns([
            first(SEQ_COL, "__first_seq")?,
            first(FILE_COL, "__first_file")?,
            first(ROW_COLUMN, "__first_row")?,
        ])
        .filter(col(SEQ_COL).neq(col("__first_seq")))
        .collect()
        .ctx("finding duplicate rows")?;
    if duplicates.height() == 0 {
        return Ok(rows);
    }
    let first_files = texts(&duplicates, "__first_file")?;
    let first_rows = texts(&duplicates, "__first_row")?;
    let names = quality.file_names();
    for ((r, first_file), first_row) in row_refs(&duplicates, None, &names)?
        .into_iter()
        .zip(first_files)
        .zip(first_rows)
    {
        let first_file: usize = first_file.and_then(|f| f.parse().ok()).unwrap_or(0);
        let first_row = first_row.unwrap_or_default();
        let earlier = if r.file == first_file {
            format!("row {first_row}")
        } else {
            format!("row {first_row} of {}", quality.file_name(first_file))
        };
        quality.exclude(
            r.file,
            r.row,
            r.reference,
            "duplicate",
            format!("exact duplicate of {earlier}: the same record exported twice; nothing to fix unless it is a different complaint"),
        );
    }
    // A row's sequence number is its position: rows are only removed at the merge.
    let mut dropped = vec![false; rows.height()];
    let seqs = duplicates.column(SEQ_COL).ctx("dropping duplicate rows")?;
    for seq in seqs.idx().ctx("dropping duplicate rows")?.iter().flatten() {
        dropped[seq as usize] = true;
    }
    set_aside(
        &mut rows,
        &BooleanChunked::from_slice(PlSmallStr::EMPTY, &dropped),
    )?;
    Ok(rows)
}

/// The reference as a merge key: case does not distinguish complaints.
fn reference_key(reference: &str) -> std::borrow::Cow<'_, str> {
    if reference.is_ascii() && !reference.bytes().any(|b| b.is_ascii_lowercase()) {
        std::borrow::Cow::Borrowed(reference)
    } else {
        std::borrow::Cow::Owned(reference.to_uppercase())
    }
}

/// A text column of the table, with `context` in the error if it is missing or not text.
fn text_column<'a>(rows: &'a DataFrame, name: &str, context: &'static str) -> Result<&'a StringChunked> {
    rows.column(name).ctx(context)?.str().ctx(context)
}

/// [`SHARED_COL`] for every row (false on rows set aside).
fn shared_references(rows: &DataFrame, kept: &BooleanChunked) -> Result<BooleanChunked> {
    let references = text_column(rows, Field::Reference.name(), "comparing references")?;
    // Each kept reference's key is hashed (a part of the rows per core) and packed with its row
    // as one word: the hash's top 32 bits, then the row. Sorting the words (the keys split among
    // the cores by the hash's top bit) brings rows with equal top bits together, in row order;
    // they are then compared by their keys, so equal bits never join two references.
    let bounds = crate::parallel::row_parts(references.len(), 0);
    let state = PlFixedStateQuality::default();
    use std::hash::BuildHasher;
    // Polars' row indices are 32-bit.
    const ROW_BITS: u32 = u32::BITS;
    let packed: Vec<[Vec<u64>; 2]> = crate::parallel::in_parallel(&bounds, |&(start, end)| {
        let part = |c: &StringChunked| c.slice(start as i64, end - start);
        let (part_references, part_kept) = (part(references), kept.slice(start as i64, end - start));
        let mut shares = [(); 2].map(|_| Vec::with_capacity((end - start) / 2 + 16));
        for (row, (reference, kept)) in part_references.iter().zip(part_kept.iter()).enumerate() {
            let Some(reference) = reference.filter(|_| kept == Some(true)) else {
                continue;
            };
            let hash = state.hash_one(reference_key(reference).as_bytes());
            shares[(hash >> 63) as usize].push((hash >> ROW_BITS) << ROW_BITS | (start + row) as u64);
        }
        Ok(shares)
    })?;
    let shares: Vec<usize> = (0..2).collect();
    let shared_rows = crate::parallel::in_parallel(&shares, |&share| {
        let mut keyed: Vec<u64> = packed.iter().flat_map(|p| p[share].iter().copied()).collect();
        keyed.sort_unstable();
        let mut shared: Vec<IdxSize> = Vec::new();
        for run in keyed
            .chunk_by(|a, b| a >> ROW_BITS == b >> ROW_BITS)
            .filter(|run| run.len() > 1)
        {
            let rows = run.iter().map(|&word| (word & u64::from(u32::MAX)) as IdxSize);
            let keys: Vec<Option<std::borrow::Cow<str>>> = rows
                .clone()
                .map(|row| references.get(row as usize).map(reference_key))
                .collect();
            let mut counts: PlHashMap<&Option<std::borrow::Cow<str>>, usize> = PlHashMap::default();
            for key in &keys {
                *counts.entry(key).or_insert(0) += 1;
            }
            shared.extend(
                rows.zip(&keys)
                    .filter(|(_, key)| counts[key] > 1)
                    .map(|(row, _)| row),
            );
        }
        Ok(shared)
    })?;
    let mut shared = vec![false; references.len()];
    for row in shared_rows.into_iter().flatten() {
        shared[row as usize] = true;
    }
    Ok(BooleanChunked::from_slice(SHARED_COL.into(), &shared))
}

/// Free-text groupings typed differently ("Repairs", "REPAIRS", "repairs ") are one group: each
/// takes its most frequent spelling (the first seen on a tie), and the change is reported.
fn unify_spellings(
    rows: &DataFrame,
    dictionaries: &mut Dictionaries,
    mapped: &[Field],
    quality: &mut DataQuality,
) -> Result<()> {
    let kept = kept(rows)?;
    let groupings: Vec<Field> = mapped
        .iter()
        .copied()
        .filter(|f| {
            matches!(
                f,
                Field::Category | Field::Subcategory | Field::Channel | Field::RefusalReason
            )
        })
        .collect();
    let dictionaries_read = &*dictionaries;
    let unified = crate::parallel::in_parallel(&groupings, |&field| {
        let values = dictionaries_read.get(&field).map_or(&[][..], Vec::as_slice);
        Ok(unify_column(
            codes(rows, field, "comparing spellings")?,
            values,
            &kept,
        ))
    })?;
    for (field, unified) in groupings.into_iter().zip(unified) {
        if let Some(Unified {
            renamed,
            changes,
            values,
        }) = unified
        {
            quality.note_spellings(field, renamed, changes);
            dictionaries.insert(field, values);
        }
    }
    Ok(())
}

/// A grouping column's values with each spelling replaced by its group's.
struct Unified {
    /// How many spellings changed, and a note for each.
    renamed: usize,
    changes: Vec<String>,
    values: Vec<String>,
}

/// `None` when every group has one spelling among the rows kept.
fn unify_column(codes: &IdxCa, values: &[String], kept: &BooleanChunked) -> Option<Unified> {
    let keys: Vec<String> = values.iter().map(|v| values::value_key(v)).collect();
    let mut groups: PlHashMap<&str, usize> = PlHashMap::default();
    for key in &keys {
        *groups.entry(key.as_str()).or_insert(0) += 1;
    }
    if groups.values().all(|&n| n == 1) {
        return None;
    }
    // Each spelling's rows among those kept, and the first of them.
    let mut count = vec![0u64; values.len()];
    let mut first = vec![usize::MAX; values.len()];
    for (row, (code, kept)) in codes.iter().zip(kept.iter()).enumerate() {
        if let (Some(code), Some(true)) = (code, kept) {
            let code = code as usize;
            count[code] += 1;
            first[code] = first[code].min(row);
        }
    }
    // Spellings in order of first appearance; each group takes its most frequent (the first
    // seen on a tie).
    let mut spellings: Vec<usize> = (0..values.len()).filter(|&c| count[c] > 0).collect();
    spellings.sort_by_key(|&c| first[c]);
    let mut best: PlHashMap<&str, usize> = PlHashMap::default();
    for &c in &spellings {
        let chosen = best.entry(keys[c].as_str()).or_insert(c);
        if count[c] > count[*chosen] {
            *chosen = c;
        }
    }
    let mut unified = values.to_vec();
    let mut changes = Vec::new();
    for &c in &spellings {
        let chosen = best[keys[c].as_str()];
        if chosen != c {
            unified[c] = values[chosen].clone();
            changes.push(format!(
                "\"{}\" ×{} read as \"{}\"",
                values[c], count[c], values[chosen]
            ));
        }
    }
    (!changes.is_empty()).then_some(Unified {
        renamed: changes.len(),
        changes,
        values: unified,
    })
}

/// Types every mapped column but the reference. Each distinct value is read once and spread
/// back over the rows by its code; columns are typed on every core.
fn parse_cells(
    mut rows: DataFrame,
    dictionaries: &Dictionaries,
    mapped: &[Field],
    reader: &CellReader,
    raws: &[RawTable],
    quality: &mut DataQuality,
) -> Result<DataFrame> {
    // Excel serials depend on the workbook's date system; mixing systems across files is rare
    // enough that one flag for the whole run is used, and reported.
    let excel_1904 = raws.iter().any(|r| r.excel_1904);
    let to_type: Vec<Field> = mapped
        .iter()
        .copied()
        .filter(|&f| f != Field::Reference)
        .collect();
    let kept = &kept(&rows)?;
    let typed = step("normalise: parse cells: type", || {
        crate::parallel::in_parallel(&to_type, |&f| {
            let values = dictionaries.get(&f).map_or(&[][..], Vec::as_slice);
            type_column(&rows, values, kept, f, reader, excel_1904)
        })
    })?;
    let mut problems = Vec::new();
    for TypedColumn {
        field,
        distinct,
        value,
        problem,
    } in typed
    {
        let name = field.name();
        if field.kind() == Kind::Date {
            quality.check_date_order(field, &distinct, reader.date_order);
        }
        rows.rename(name, format!("{name}{RAW_SUFFIX}").into())
            .ctx("reading cell values")?;
        rows.with_column(value).ctx("reading cell values")?;
        if problem.iter().any(Option::is_some) {
            problems.push((field, problem));
        }
    }
    let mut parsed = rows;
    step("normalise: parse cells: problems", || {
        quality.record_cell_problems(&parsed, dictionaries, &problems)
    })?;
    // Rows whose received date could not be read go to the ledger (their warnings are not repeated).
    let received = Field::Received.name();
    let bad = parsed
        .clone()
        .lazy()
        .filter(col(received).is_null().and(col(SET_ASIDE_COL).not()))
        .collect()
        .ctx("checking received dates")?;
    let raw_received = format!("{received}{RAW_SUFFIX}");
    let received_values = dictionaries.get(&Field::Received).map_or(&[][..], Vec::as_slice);
    for RowRef {
        file,
        row,
        reference,
        value,
    } in row_refs(
        &bad,
        Some((&raw_received, received_values)),
        &quality.file_names(),
    )? {
        let value = value.unwrap_or_default();
        let header = quality.header_of(file, Field::Received);
        let reason = match parse_date(&value, reader.date_order, false) {
            Ok(None) => format!(
                "received date \"{value}\" is a placeholder meaning no date: fill in the real date in the {header} cell"
            ),
            Err(dates::DateProblem::Implausible(_)) => {
                format!("received date \"{value}\" is outside 1990–2100: correct the {header} cell")
            }
            _ => format!(
                "received date \"{value}\" is not a date: correct the {header} cell (e.g. 03/05/2024 or 2024-05-03)"
            ),
        };
        quality.exclude(file, row, reference, "bad_received_date", reason);
    }
    if bad.height() > 0 {
        let unreadable = parsed.column(received).ctx("checking received dates")?.is_null();
        set_aside(&mut parsed, &unreadable)?;
    }
    let mut keep: Vec<Expr> = mapped
        .iter()
        .map(|f| col(f.name()))
        .chain([FILE_COL, ROW_COLUMN, SEQ_COL, SHARED_COL, SET_ASIDE_COL].map(col))
        .collect();
    // The stage as written is needed to explain rows whose stage is not 1 or 2.
    let raw_stage = format!("{}{RAW_SUFFIX}", Field::Stage.name());
    if parsed.column(&raw_stage).is_ok() {
        keep.push(col(raw_stage.as_str()));
    }
    let mut typed = parsed.lazy().select(keep).collect().ctx("reading cell values")?;
    // The reference's chunks (one per part the reader split the file into) are joined once:
    // the merge's filters are faster over contiguous columns.
    step("normalise: parse cells: rechunk", || typed.rechunk_mut_par());
    Ok(typed)
}

/// One column typed: the typed values, the problem found in each distinct value (indexed by
/// code) and the distinct values of the rows kept (dates only: for the check of their order).
struct TypedColumn {
    field: Field,
    distinct: Vec<String>,
    value: Column,
    problem: Vec<Option<String>>,
}

fn type_column(
    rows: &DataFrame,
    values: &[String],
    kept: &BooleanChunked,
    field: Field,
    reader: &CellReader,
    excel_1904: bool,
) -> Result<TypedColumn> {
    let name = field.name();
    let codes = codes(rows, field, "reading cell values")?;
    // Which values are on a row still in the analysis (rows set aside are typed too, but say
    // nothing about the column's date order).
    let distinct = match field.kind() {
        Kind::Date => {
            let mut on_kept_row = vec![false; values.len()];
            let mut mark = |code: IdxSize| {
                if let Some(on) = on_kept_row.get_mut(code as usize) {
                    *on = true;
                }
            };
            // Straight over the codes and their validity: an iterator of options is several
            // times slower over a million rows.
            for codes in codes.filter(kept).ctx("reading cell values")?.downcast_iter() {
                match codes.validity() {
                    None => codes.values().iter().for_each(|&code| mark(code)),
                    Some(present) => codes
                        .values()
                        .iter()
                        .zip(present.iter())
                        .filter(|(_, present)| *present)
                        .for_each(|(&code, _)| mark(code)),
                }
            }
            values
                .iter()
                .zip(on_kept_row)
                .filter(|(_, kept)| *kept)
                .map(|(v, _)| v.clone())
                .collect()
        }
        _ => Vec::new(),
    };
    let parsed: Vec<values::Parsed> = values.iter().map(|v| reader.read(field, v, excel_1904)).collect();
    let problem = parsed
        .iter()
        .map(|p| p.problem.as_ref().map(problem_code))
        .collect();
    let value = typed_column(field, parsed.into_iter().map(|p| p.value), codes)?.with_name(name.into());
    Ok(TypedColumn {
        field,
        distinct,
        value,
        problem,
    })
}

fn problem_code(problem: &Problem) -> String {
    match problem {
        Problem::BadDate(dates::DateProblem::Implausible(d)) => format!("implausible:{d}"),
        Problem::BadDate(dates::DateProblem::Impossible) => "impossible".into(),
        Problem::BadDate(dates::DateProblem::Unreadable) => "unreadable".into(),
        Problem::Unmapped => "unmapped".into(),
        Problem::BadMoney => "bad_money".into(),
    }
}

/// The typed column of a field: each row's distinct value (`values`, by code) typed, named
/// `__value`. Dates, flags and money are gathered by [`gather`]; text by polars (its gather
/// of text views is fast).
fn typed_column(field: Field, values: impl Iterator<Item = Option<Value>>, codes: &IdxCa) -> Result<Column> {
    let name: PlSmallStr = "__value".into();
    let column = match field.kind() {
        Kind::Date => {
            let days: Vec<Option<i32>> = values
                .map(|v| match v {
                    Some(Value::Date(d)) => Some(days_since_epoch(d)),
                    _ => None,
                })
                .collect();
            Int32Chunked::from_chunk_iter(name, gather::by_codes(&days, codes))
                .into_date()
                .into_column()
        }
        Kind::Flag => {
            let flags: Vec<Option<bool>> = values
                .map(|v| match v {
                    Some(Value::Flag(b)) => Some(b),
                    _ => None,
                })
                .collect();
            BooleanChunked::from_chunk_iter(name, gather::flags_by_codes(&flags, codes)).into_column()
        }
        Kind::Money => {
            let amounts: Vec<Option<f64>> = values
                .map(|v| match v {
                    Some(Value::Money(m)) => Some(m),
                    _ => None,
                })
                .collect();
            Float64Chunked::from_chunk_iter(name, gather::by_codes(&amounts, codes)).into_column()
        }
        _ => Column::new(
            name,
            values
                .map(|v| match v {
                    Some(Value::Text(t)) => Some(t),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        )
        .take(codes)
        .ctx("reading cell values")?,
    };
    Ok(column)
}

pub fn days_since_epoch(date: chrono::NaiveDate) -> i32 {
    (date - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

/// One-row-per-stage exports: a stage-2 row's dates and outcome belong in the stage-2 columns.
fn split_stage_rows(
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
    let raw_stage = format!("{stage}{RAW_SUFFIX}");
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
            "unknown_stage"
        } else {
            "no_stage"
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
    for &field in Field::ALL {
        let Some(target) = field.long_shape_stage2_target() else {
            continue;
        };
        if schema.get(field.name()).is_none() {
            continue;
        }
        let existing = if schema.get(target.name()).is_some() {
            col(target.name())
        } else {
            lit(NULL).cast(schema.get(field.name()).cloned().unwrap_or(DataType::String))
        };
        moves.push(
            when(is_stage2.clone())
                .then(col(field.name()))
                .otherwise(existing)
                .alias(target.name()),
        );
        if field != Field::Received {
            moves.push(
                when(is_stage2.clone())
                    .then(lit(NULL).cast(schema.get(field.name()).cloned().unwrap_or(DataType::String)))
                    .otherwise(col(field.name()))
                    .alias(field.name()),
            );
        }
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

/// One row per complaint: rows sharing a reference (ignoring case and surrounding spaces) are
/// merged; for each field the first row's value wins and differing later values are listed.
fn merge_by_reference(rows: DataFrame, long: bool, quality: &mut DataQuality) -> Result<DataFrame> {
    let fields: Vec<Field> = Field::ALL
        .iter()
        .copied()
        .filter(|f| rows.column(f.name()).is_ok() && *f != Field::Stage)
        .collect();
    // In a one-row-per-stage export the latest row knows the current status and closure.
    let latest_wins = |f: Field| long && matches!(f, Field::Status | Field::Closed);
    let mut aggs: Vec<Expr> = Vec::new();
    for &f in &fields {
        let values = col(f.name()).drop_nulls();
        let pick = if latest_wins(f) {
            values.clone().last()
        } else {
            values.clone().first()
        };
        aggs.push(pick.alias(f.name()));
        if !latest_wins(f) && f != Field::Reference {
            aggs.push(values.n_unique().alias(format!("{}__distinct", f.name())));
        }
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
        quality.exclude(file, row, reference, "no_stage1_row", "stage 2 row with no stage 1 row for this reference: add the complaint's stage 1 row (it holds the date the complaint was received)".into());
    }
    let mut output: Vec<Expr> = fields.iter().map(|f| col(f.name())).collect();
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
    let mut group_columns: Vec<Expr> = fields.iter().map(|f| col(f.name())).collect();
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
    // rows kept are the single ones and those first rows, worked out over the bits.
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
    let mut kept = crate::compact::kept_bitmap(single).make_mut();
    for &(seq, _) in &firsts {
        kept.set(seq as usize, true);
    }
    let kept = Bitmap::from(kept);
    // Each group's place among the rows kept: the kept rows before its first row.
    let (mut group_positions, mut group_rows) =
        (Vec::with_capacity(firsts.len()), Vec::with_capacity(firsts.len()));
    let (mut position, mut counted_to) = (0usize, 0usize);
    for &(seq, j) in &firsts {
        position += kept
            .clone()
            .sliced(counted_to, seq as usize - counted_to)
            .set_bits();
        counted_to = seq as usize;
        group_positions.push(position as IdxSize);
        group_rows.push(j);
    }
    let kept = BooleanChunked::from_chunk_iter(
        PlSmallStr::EMPTY,
        [BooleanArray::new(ArrowDataType::Boolean, kept, None)],
    );
    let merged = step("normalise: merge: filter", || {
        let selected = rows
            .lazy()
            .select(output)
            .collect()
            .ctx("merging rows by reference")?;
        crate::compact::keep_rows(selected, &kept)
    })?;
    let groups = groups
        .take(&IdxCa::from_vec("group".into(), group_rows))
        .ctx("merging rows by reference")?;
    let height = merged.height();
    let merged = step("normalise: merge: scatter", || {
        DataFrame::new(
            height,
            merged
                .into_columns()
                .into_iter()
                .zip(groups.columns())
                .map(|(column, values)| scatter(column, &group_positions, values))
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
    merged
        .lazy()
        .select(columns)
        .collect()
        .ctx("merging rows by reference")
}

/// `column` with `values[k]` written at `positions[k]` (a few merged groups over their first
/// rows). The column is taken so that, owned once, it is written in place rather than copied.
fn scatter(column: Column, positions: &[IdxSize], values: &Column) -> Result<Column> {
    if positions.is_empty() {
        return Ok(column);
    }
    let values = values.to_physical_repr();
    // Dates are days in an Int32: written as such, then typed again.
    crate::compact::on_physical(column, |physical| {
        macro_rules! write {
            ($as:ident) => {{
                let mut ca = physical.$as()?.clone();
                drop(physical);
                (&mut ca).scatter(positions, values.$as()?.iter())
            }};
        }
        match physical.dtype() {
            DataType::String => write!(str),
            DataType::Boolean => write!(bool),
            DataType::Int32 => write!(i32),
            DataType::UInt32 => write!(u32),
            DataType::UInt64 => write!(u64),
            DataType::Float64 => write!(f64),
            other => Err(polars_err!(InvalidOperation: "cannot merge a {other} column")),
        }
    })
    .ctx("merging rows by reference")
}

/// status = refused when a refusal reason is given; withdrawn when the status or an outcome says
/// so; otherwise the mapped status; otherwise closed when a final response or closure is recorded,
/// else open.
fn derive_status(complaints: DataFrame) -> Result<DataFrame> {
    let has = |f: Field| complaints.column(f.name()).is_ok();
    let present = |f: Field| {
        if has(f) {
            col(f.name()).is_not_null()
        } else {
            lit(false)
        }
    };
    let equals = |f: Field, v: &str| {
        if has(f) {
            col(f.name()).eq(lit(v)).fill_null(lit(false))
        } else {
            lit(false)
        }
    };
    let status_col = if has(Field::Status) {
        col(Field::Status.name())
    } else {
        lit(NULL).cast(DataType::String)
    };
    let finished = present(Field::Closed)
        .or(present(Field::Stage2Responded))
        .or(present(Field::Stage1Responded).and(present(Field::Stage2Requested).not()));
    // The derived status as a class (none where the mapped status stands).
    const DERIVED: [&str; 4] = ["refused", "withdrawn", "closed", "open"];
    let derived = |name: &str| classes::index(&DERIVED, name);
    let class = when(present(Field::RefusalReason).or(equals(Field::Status, "refused")))
        .then(derived("refused"))
        .when(
            equals(Field::Status, "withdrawn")
                .or(equals(Field::Stage1Outcome, "withdrawn"))
                .or(equals(Field::Stage2Outcome, "withdrawn")),
        )
        .then(derived("withdrawn"))
        .when(status_col.clone().is_not_null())
        .then(classes::none())
        .when(finished)
        .then(derived("closed"))
        .otherwise(derived("open"));
    let status = coalesce(&[classes::named(&DERIVED, class), status_col]).alias(Field::Status.name());
    // Polars works one expression out on one core: the rows are split among the cores.
    let context = "deriving status";
    let parts = crate::parallel::row_parts(complaints.height(), 100_000);
    let parts = crate::parallel::in_parallel(&parts, |&(start, end)| {
        let part = complaints.slice(start as i64, end - start).lazy();
        let status = part.select([status.clone()]).collect().ctx(context)?;
        Ok(status.column(Field::Status.name()).ctx(context)?.clone())
    })?;
    let mut status = Column::new_empty(Field::Status.name().into(), &DataType::String);
    for part in parts {
        status.append_owned(part).ctx(context)?;
    }
    let status = status.rechunk();
    let mut complaints = complaints;
    complaints.with_column(status).ctx(context)?;
    Ok(complaints)
}

/// Where a row came from, and the text of one of its columns (for the ledger and warnings).
pub(super) struct RowRef {
    pub file: usize,
    pub row: usize,
    pub reference: Option<String>,
    pub value: Option<String>,
}

/// The text of a column, whatever its type.
pub(crate) fn texts(frame: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let column = frame
        .column(name)
        .ctx("reading rows")?
        .cast(&DataType::String)
        .ctx("reading rows")?;
    Ok(column
        .str()
        .ctx("reading rows")?
        .iter()
        .map(|v| v.map(str::to_string))
        .collect())
}

/// Row references of a small frame, before (file index columns) or after merging (file names),
/// with the text of a coded column (its name and values) when one is asked for.
pub(super) fn row_refs(
    frame: &DataFrame,
    value: Option<(&str, &[String])>,
    file_names: &[String],
) -> Result<Vec<RowRef>> {
    let pick = |a: &'static str, b: &'static str| if frame.column(a).is_ok() { a } else { b };
    let files: Vec<usize> = texts(frame, pick(FILE_COL, SOURCE_FILE))?
        .into_iter()
        .map(|f| {
            let f = f.unwrap_or_default();
            f.parse()
                .ok()
                .or_else(|| file_names.iter().position(|n| *n == f))
                .unwrap_or(0)
        })
        .collect();
    let rows = texts(frame, pick(ROW_COLUMN, SOURCE_ROW))?;
    let references = texts(frame, Field::Reference.name())?;
    let values: Vec<Option<String>> = match value {
        Some((name, values)) => {
            let codes = frame
                .column(name)
                .ctx("reading rows")?
                .idx()
                .ctx("reading rows")?;
            codes
                .iter()
                .map(|code| code.and_then(|c| values.get(c as usize)).cloned())
                .collect()
        }
        None => vec![None; frame.height()],
    };
    Ok(files
        .into_iter()
        .zip(rows)
        .zip(references)
        .zip(values)
        .map(|(((file, row), reference), value)| RowRef {
            file,
            row: row.and_then(|r| r.parse().ok()).unwrap_or(0),
            reference,
            value,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_gathered_by_code_missing_where_the_code_or_the_value_is() {
        // Rows: code 1, blank (code 0, no value), code 0, code 2 (a value that did not parse).
        let codes = IdxCa::new("codes".into(), [Some(1), None, Some(0), Some(2)]);
        let days = typed_column(
            Field::Received,
            [
                Some(Value::Date(d(2024, 4, 1))),
                Some(Value::Date(d(2024, 4, 2))),
                None,
            ]
            .into_iter(),
            &codes,
        )
        .unwrap();
        assert_eq!(days.dtype(), &DataType::Date);
        let days: Vec<Option<i32>> = days.to_physical_repr().i32().unwrap().iter().collect();
        assert_eq!(days, [Some(19815), None, Some(19814), None]);
        let flags = typed_column(
            Field::Stage1Extension,
            [Some(Value::Flag(true)), Some(Value::Flag(false))].into_iter(),
            &codes.slice(0, 3),
        )
        .unwrap();
        let flags: Vec<Option<bool>> = flags.bool().unwrap().iter().collect();
        assert_eq!(flags, [Some(false), None, Some(true)]);
        // A column with no values at all: every row missing, whatever its codes hold.
        let blank = IdxCa::new("codes".into(), [None::<IdxSize>, None]);
        let money = typed_column(Field::Compensation, std::iter::empty(), &blank).unwrap();
        assert_eq!(money.null_count(), 2);
        // Every value present and no blank rows: nothing missing.
        let full = IdxCa::from_vec("codes".into(), vec![1, 0, 1]);
        let money = typed_column(
            Field::Compensation,
            [Some(Value::Money(50.0)), Some(Value::Money(12.5))].into_iter(),
            &full,
        )
        .unwrap();
        let money: Vec<Option<f64>> = money.f64().unwrap().iter().collect();
        assert_eq!(money, [Some(12.5), Some(50.0), Some(12.5)]);
    }

    fn d(y: i32, m: u32, day: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn status_is_derived_alike_in_every_part_of_a_large_table() {
        // Six cases, each with its status worked out from the rule by hand, repeated over
        // 150,000 rows: enough for the rows to be split among the cores.
        struct Case {
            status: Option<&'static str>,
            refusal: Option<&'static str>,
            outcome: Option<&'static str>,
            /// Stage 1 responded, stage 2 requested, closed.
            days: [Option<i32>; 3],
            derived: &'static str,
        }
        let case = |status, refusal, outcome, days, derived| Case {
            status,
            refusal,
            outcome,
            days,
            derived,
        };
        let day = Some(20_000);
        let cases = [
            case(
                Some("closed"),
                Some("Out of time"),
                None,
                [None, None, None],
                "refused",
            ),
            case(None, None, Some("withdrawn"), [None, None, None], "withdrawn"),
            case(Some("open"), None, None, [day, None, None], "open"),
            case(None, None, None, [None, None, day], "closed"),
            // Responded at stage 1, then escalated: still open.
            case(None, None, None, [day, day, None], "open"),
            case(None, None, None, [day, None, None], "closed"),
        ];
        let n = 150_000;
        let texts =
            |f: fn(&Case) -> Option<&'static str>| (0..n).map(|i| f(&cases[i % 6])).collect::<Vec<_>>();
        let days = |k: usize| (0..n).map(|i| cases[i % 6].days[k]).collect::<Vec<_>>();
        let frame = df![
            "status" => texts(|c| c.status),
            "refusal_reason" => texts(|c| c.refusal),
            "stage1_outcome" => texts(|c| c.outcome),
            "stage1_responded" => days(0),
            "stage2_requested" => days(1),
            "closed" => days(2),
        ]
        .unwrap()
        .lazy()
        .with_columns(["stage1_responded", "stage2_requested", "closed"].map(|c| col(c).cast(DataType::Date)))
        .collect()
        .unwrap();
        let derived = derive_status(frame).unwrap();
        let status = derived.column("status").unwrap();
        assert_eq!(status.n_chunks(), 1);
        let status: Vec<Option<&str>> = status.str().unwrap().iter().collect();
        for (i, got) in status.iter().enumerate() {
            assert_eq!(*got, Some(cases[i % 6].derived), "row {i}");
        }
    }

    #[test]
    fn scatter_writes_merged_values_over_their_rows_in_every_column_type() {
        let date = |d: i32| Some(d);
        let frame = df![
            "text" => [Some("a"), None, Some("a long value past the inline limit"), Some("d")],
            "flag" => [Some(true), None, Some(false), Some(true)],
            "money" => [Some(1.5), None, Some(2.0), None],
            "row" => [1u32, 2, 3, 4],
            "day" => [date(1), None, date(3), date(4)],
        ]
        .unwrap()
        .lazy()
        .with_column(col("day").cast(DataType::Date))
        .collect()
        .unwrap();
        let merged = df![
            "text" => [None, Some("another long value past the inline limit")],
            "flag" => [Some(false), Some(true)],
            "money" => [Some(9.25), None],
            "row" => [20u32, 40],
            "day" => [None, date(40)],
        ]
        .unwrap()
        .lazy()
        .with_column(col("day").cast(DataType::Date))
        .collect()
        .unwrap();
        let positions: [IdxSize; 2] = [0, 3];
        let written: Vec<Column> = frame
            .columns()
            .iter()
            .zip(merged.columns())
            .map(|(column, values)| scatter(column.clone(), &positions, values).unwrap())
            .collect();
        let expected = df![
            "text" => [None, None, Some("a long value past the inline limit"), Some("another long value past the inline limit")],
            "flag" => [Some(false), None, Some(false), Some(true)],
            "money" => [Some(9.25), None, Some(2.0), None],
            "row" => [20u32, 2, 3, 40],
            "day" => [None, None, date(3), date(40)],
        ]
        .unwrap()
        .lazy()
        .with_column(col("day").cast(DataType::Date))
        .collect()
        .unwrap();
        let written = DataFrame::new(4, written).unwrap();
        assert!(written.equals_missing(&expected), "{written}");
        // The frame the columns came from is unchanged (they were shared, so they were copied).
        assert_eq!(frame.column("row").unwrap().u32().unwrap().get(0), Some(1));
    }

    #[test]
    fn references_are_shared_when_they_repeat_in_any_case_among_kept_rows() {
        // Enough rows that every core's share holds some keys.
        let mut references: Vec<Option<String>> = (0..500).map(|i| Some(format!("REF-{i}"))).collect();
        references.extend([
            Some("ref-7".into()), // REF-7 again, in lower case
            Some("REF-99".into()),
            Some("REF-99".into()),
            None,
            Some("SOLO".into()),
            Some("REF-250".into()), // a repeat, but set aside
        ]);
        let kept: BooleanChunked = (0..references.len()).map(|i| Some(i != 505)).collect();
        let rows = df!(Field::Reference.name() => references).unwrap();
        let shared = shared_references(&rows, &kept).unwrap();
        let shared_rows: Vec<usize> = shared
            .iter()
            .enumerate()
            .filter(|(_, s)| *s == Some(true))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(shared_rows, [7, 99, 500, 501, 502]);
        assert_eq!(shared.name().as_str(), SHARED_COL);
    }
}
