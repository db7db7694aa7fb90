//! Stage 2 — normalise: map each file's headers to canonical fields, type every cell, set aside
//! the rows that cannot be analysed (the exclusions ledger), merge rows into one row per
//! complaint, and list everything the user should check (warnings).

pub mod dates;
mod quality;
pub mod values;

use std::collections::BTreeMap;

use polars::prelude::*;

pub use quality::{DataQuality, Example, Exclusion, FileSummary, Warning};

use crate::canonical::{Field, Kind, SOURCE_FILE, SOURCE_ROW};
use crate::config::{Config, Shape};
use crate::error::{Error, PolarsContext, Result};
use crate::ingest::{ROW_COLUMN, RawTable};
use crate::mapping::{ColumnMatcher, closest_header};
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
const KEY_COL: &str = "__key";
const PROBLEM_SUFFIX: &str = "__problem";
const RAW_SUFFIX: &str = "__raw";

/// Turns the raw tables into the canonical complaints table.
pub fn normalise(raws: &[RawTable], config: &Config) -> Result<Normalised> {
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

    let mut quality = DataQuality::new(raws, &resolved, long);
    for (i, raw) in raws.iter().enumerate() {
        for rejected in &raw.rejected {
            quality.exclude(i, rejected.row, None, "unreadable_row", rejected.reason.clone());
        }
    }
    let reader = CellReader::new(&config.values, config.input.date_order);
    let rows = combine(raws, &resolved, &mapped)?;
    let rows = exclude_repeated_headers(rows, &resolved, &mut quality)?;
    let rows = exclude_missing_required(rows, &mut quality)?;
    let rows = exclude_exact_duplicates(rows, &mapped, &mut quality)?;
    let rows = unify_spellings(rows, &mapped, &mut quality)?;
    let mut rows = parse_cells(rows, &mapped, &reader, raws, &mut quality)?;
    if long {
        rows = split_stage_rows(rows, &mut quality)?;
    }
    let complaints = merge_by_reference(rows, long, &mut quality)?;
    let complaints = derive_status(complaints)?;
    quality.check_sequences(&complaints)?;
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

/// All files' mapped columns under canonical names, trimmed, blanks as null, in input order.
fn combine(raws: &[RawTable], resolved: &[BTreeMap<Field, String>], mapped: &[Field]) -> Result<DataFrame> {
    let frames: Vec<LazyFrame> = raws
        .iter()
        .zip(resolved)
        .enumerate()
        .map(|(i, (raw, columns))| {
            let mut exprs: Vec<Expr> = mapped
                .iter()
                .map(|f| match columns.get(f) {
                    Some(header) => col(header.as_str()).alias(f.name()),
                    None => lit(NULL).cast(DataType::String).alias(f.name()),
                })
                .collect();
            exprs.push(lit(i as u32).cast(DataType::UInt32).alias(FILE_COL));
            exprs.push(col(ROW_COLUMN));
            raw.data.clone().lazy().select(exprs)
        })
        .collect();
    let cleaned: Vec<Expr> = mapped
        .iter()
        .map(|f| blank_as_null(col(f.name()).str().strip_chars(lit(NULL))).alias(f.name()))
        .collect();
    concat(frames, UnionArgs::default())
        .ctx("combining input files")?
        .with_columns(cleaned)
        .with_row_index(SEQ_COL, None)
        .collect()
        .ctx("combining input files")
}

fn blank_as_null(expr: Expr) -> Expr {
    when(expr.clone().eq(lit("")))
        .then(lit(NULL).cast(DataType::String))
        .otherwise(expr)
}

/// A copy of the header row among the data (exports pasted together) is not a complaint.
fn exclude_repeated_headers(
    rows: DataFrame,
    resolved: &[BTreeMap<Field, String>],
    quality: &mut DataQuality,
) -> Result<DataFrame> {
    let same = |field: Field, header: &str| {
        col(field.name())
            .str()
            .to_lowercase()
            .eq(lit(header.trim().to_lowercase()))
            .fill_null(lit(false))
    };
    let repeated = resolved
        .iter()
        .enumerate()
        .map(|(i, headers)| {
            col(FILE_COL)
                .eq(lit(i as u32))
                .and(same(Field::Reference, &headers[&Field::Reference]))
                .and(same(Field::Received, &headers[&Field::Received]))
        })
        .reduce(Expr::or)
        .unwrap_or(lit(false));
    let copies = rows
        .clone()
        .lazy()
        .filter(repeated.clone())
        .collect()
        .ctx("finding repeated headers")?;
    if copies.height() == 0 {
        return Ok(rows);
    }
    for r in row_refs(&copies, None, &quality.file_names())? {
        quality.exclude(
            r.file,
            r.row,
            None,
            "repeated_header",
            "repeats the header row (exports pasted together?): not a complaint; nothing to fix".into(),
        );
    }
    rows.lazy()
        .filter(repeated.not())
        .collect()
        .ctx("dropping repeated headers")
}

/// Rows with no reference or no received date cannot be counted: they go to the ledger.
fn exclude_missing_required(rows: DataFrame, quality: &mut DataQuality) -> Result<DataFrame> {
    let reference = Field::Reference.name();
    let received = Field::Received.name();
    let missing = rows
        .clone()
        .lazy()
        .filter(col(reference).is_null().or(col(received).is_null()))
        .collect()
        .ctx("finding rows without reference or received date")?;
    for r in row_refs(&missing, Some(received), &quality.file_names())? {
        let (file, row, reference_value, received_value) = (r.file, r.row, r.reference, r.value);
        let (code, reason) = match (&reference_value, &received_value) {
            (None, None) => ("no_reference", "no reference and no received date: fill both in the export, or delete the row if it is not a complaint".to_string()),
            (None, Some(_)) => ("no_reference", format!("no reference: every complaint needs one; fill in the {} cell", quality.header_of(file, Field::Reference))),
            (Some(_), _) => ("no_received_date", format!("no received date: fill in the {} cell (e.g. 03/05/2024)", quality.header_of(file, Field::Received))),
        };
        quality.exclude(file, row, reference_value, code, reason);
    }
    rows.lazy()
        .filter(col(reference).is_not_null().and(col(received).is_not_null()))
        .collect()
        .ctx("dropping rows without reference or received date")
}

/// A row whose every mapped value equals an earlier row's is the same record exported twice.
fn exclude_exact_duplicates(
    rows: DataFrame,
    mapped: &[Field],
    quality: &mut DataQuality,
) -> Result<DataFrame> {
    let keys: Vec<Expr> = mapped.iter().map(|f| col(f.name())).collect();
    // Exact duplicates share their reference: only rows whose reference repeats are compared.
    let counted = rows
        .lazy()
        .with_column(
            len()
                .over([col(Field::Reference.name())])
                .ctx("duplicates")?
                .alias("__same_ref"),
        )
        .collect()
        .ctx("finding duplicate rows")?;
    let unique_refs = counted
        .clone()
        .lazy()
        .filter(col("__same_ref").eq(lit(1)))
        .drop(by_name(["__same_ref"], true, false));
    let marked = counted
        .lazy()
        .filter(col("__same_ref").gt(lit(1)))
        .drop(by_name(["__same_ref"], true, false))
        .with_columns([
            col(SEQ_COL)
                .first()
                .over(&keys)
                .ctx("duplicates")?
                .alias("__first_seq"),
            col(FILE_COL)
                .first()
                .over(&keys)
                .ctx("duplicates")?
                .alias("__first_file"),
            col(ROW_COLUMN)
                .first()
                .over(&keys)
                .ctx("duplicates")?
                .alias("__first_row"),
        ])
        .collect()
        .ctx("finding duplicate rows")?;
    let duplicates = marked
        .clone()
        .lazy()
        .filter(col(SEQ_COL).neq(col("__first_seq")))
        .collect()
        .ctx("finding duplicate rows")?;
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
    let kept = marked
        .lazy()
        .filter(col(SEQ_COL).eq(col("__first_seq")))
        .drop(by_name(
            ["__first_seq", "__first_file", "__first_row"],
            true,
            false,
        ));
    concat([unique_refs, kept], UnionArgs::default())
        .ctx("dropping duplicate rows")?
        .sort([SEQ_COL], SortMultipleOptions::default())
        .collect()
        .ctx("dropping duplicate rows")
}

/// Free-text groupings typed differently ("Repairs", "REPAIRS", "repairs ") are one group: each
/// takes its most frequent spelling (the first seen on a tie), and the change is reported.
fn unify_spellings(rows: DataFrame, mapped: &[Field], quality: &mut DataQuality) -> Result<DataFrame> {
    let mut lazy = rows.clone().lazy();
    for &field in mapped {
        if !matches!(
            field,
            Field::Category | Field::Subcategory | Field::Channel | Field::RefusalReason
        ) {
            continue;
        }
        let name = field.name();
        let spellings = rows
            .clone()
            .lazy()
            .filter(col(name).is_not_null())
            .group_by_stable([col(name)])
            .agg([len().cast(DataType::UInt64).alias("__n")])
            .collect()
            .ctx("comparing spellings")?;
        let values = texts(&spellings, name)?;
        let counts = texts(&spellings, "__n")?;
        let mut best: std::collections::HashMap<String, (String, u64)> = std::collections::HashMap::new();
        for (value, n) in values.iter().flatten().zip(counts.iter().flatten()) {
            let n: u64 = n.parse().unwrap_or(0);
            let entry = best
                .entry(values::value_key(value))
                .or_insert_with(|| (value.clone(), n));
            if n > entry.1 {
                *entry = (value.clone(), n);
            }
        }
        let mut from = Vec::new();
        let mut to = Vec::new();
        let mut changed = Vec::new();
        for (value, n) in values.iter().flatten().zip(counts.iter().flatten()) {
            let (chosen, _) = &best[&values::value_key(value)];
            if chosen != value {
                from.push(value.clone());
                to.push(chosen.clone());
                changed.push(format!("\"{value}\" ×{n} read as \"{chosen}\""));
            }
        }
        if from.is_empty() {
            continue;
        }
        let count = from.len();
        quality.note_spellings(field, count, changed);
        let map = DataFrame::new(
            from.len(),
            vec![Column::new("__from".into(), from), Column::new("__to".into(), to)],
        )
        .ctx("unifying spellings")?;
        lazy = lazy
            .join(
                map.lazy(),
                [col(name)],
                [col("__from")],
                JoinArgs::new(JoinType::Left),
            )
            .with_column(col("__to").fill_null(col(name)).alias(name))
            .drop(by_name(["__to"], true, false));
    }
    lazy.sort([SEQ_COL], SortMultipleOptions::default())
        .collect()
        .ctx("unifying spellings")
}

/// Types every mapped column. Each distinct text is read once and joined back, so a million
/// rows cost as much as their distinct values.
fn parse_cells(
    rows: DataFrame,
    mapped: &[Field],
    reader: &CellReader,
    raws: &[RawTable],
    quality: &mut DataQuality,
) -> Result<DataFrame> {
    let mut lazy = rows.clone().lazy();
    let any_1904 = raws.iter().any(|r| r.excel_1904);
    for &field in mapped {
        if field.kind() == Kind::Text && field != Field::Category {
            continue;
        }
        // Excel serials depend on the workbook's date system; mixing systems across files is rare
        // enough that one flag for the whole run is used, and reported.
        // Distinct values come from the rows as read, not from the growing plan of joins.
        let lookup = value_lookup(&rows, field, reader, any_1904, quality)?;
        let name = field.name();
        let raw = format!("{name}{RAW_SUFFIX}");
        lazy = lazy
            .rename([name], [raw.as_str()], true)
            .join(
                lookup.lazy(),
                [col(raw.as_str())],
                [col("__key")],
                JoinArgs::new(JoinType::Left),
            )
            .rename(
                ["__value", "__problem"],
                [name.to_string(), format!("{name}{PROBLEM_SUFFIX}")],
                true,
            );
    }
    let parsed = lazy
        .sort([SEQ_COL], SortMultipleOptions::default())
        .collect()
        .ctx("reading cell values")?;
    quality.record_cell_problems(&parsed, mapped)?;
    // Rows whose received date could not be read go to the ledger (their warnings are not repeated).
    let received = Field::Received.name();
    let bad = parsed
        .clone()
        .lazy()
        .filter(col(received).is_null())
        .collect()
        .ctx("checking received dates")?;
    let raw_received = format!("{received}{RAW_SUFFIX}");
    for RowRef {
        file,
        row,
        reference,
        value,
    } in row_refs(&bad, Some(&raw_received), &quality.file_names())?
    {
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
    let mut keep: Vec<Expr> = mapped
        .iter()
        .map(|f| col(f.name()))
        .chain([col(FILE_COL), col(ROW_COLUMN), col(SEQ_COL)])
        .collect();
    // The stage as written is needed to explain rows whose stage is not 1 or 2.
    let raw_stage = format!("{}{RAW_SUFFIX}", Field::Stage.name());
    if parsed.column(&raw_stage).is_ok() {
        keep.push(col(raw_stage.as_str()));
    }
    parsed
        .lazy()
        .filter(col(received).is_not_null())
        .select(keep)
        .collect()
        .ctx("reading cell values")
}

/// key (text as exported) → typed value and problem, for the distinct values of one column.
fn value_lookup(
    rows: &DataFrame,
    field: Field,
    reader: &CellReader,
    excel_1904: bool,
    quality: &mut DataQuality,
) -> Result<DataFrame> {
    let distinct = rows
        .clone()
        .lazy()
        .select([col(field.name()).drop_nulls().unique()])
        .collect()
        .ctx("listing distinct values")?;
    let keys: Vec<String> = distinct
        .column(field.name())
        .ctx("listing distinct values")?
        .str()
        .ctx("listing distinct values")?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect();
    if field.kind() == Kind::Date {
        quality.check_date_order(field, &keys, reader.date_order);
    }
    let parsed: Vec<values::Parsed> = keys.iter().map(|k| reader.read(field, k, excel_1904)).collect();
    let problems: Vec<Option<String>> = parsed
        .iter()
        .map(|p| p.problem.as_ref().map(problem_code))
        .collect();
    let value = typed_column(field, parsed.into_iter().map(|p| p.value))?;
    DataFrame::new(
        keys.len(),
        vec![
            Column::new("__key".into(), keys),
            value,
            Column::new("__problem".into(), problems),
        ],
    )
    .ctx("building value lookup")
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

/// The typed column for a field's values (named `__value`).
fn typed_column(field: Field, values: impl Iterator<Item = Option<Value>>) -> Result<Column> {
    let name: PlSmallStr = "__value".into();
    let column = match field.kind() {
        Kind::Date => {
            let days: Vec<Option<i32>> = values
                .map(|v| match v {
                    Some(Value::Date(d)) => Some(days_since_epoch(d)),
                    _ => None,
                })
                .collect();
            Column::new(name, days)
                .cast(&DataType::Date)
                .ctx("typing dates")?
        }
        Kind::Flag => Column::new(
            name,
            values
                .map(|v| match v {
                    Some(Value::Flag(b)) => Some(b),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
        Kind::Money => Column::new(
            name,
            values
                .map(|v| match v {
                    Some(Value::Money(m)) => Some(m),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
        _ => Column::new(
            name,
            values
                .map(|v| match v {
                    Some(Value::Text(t)) => Some(t),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
    };
    Ok(column)
}

pub fn days_since_epoch(date: chrono::NaiveDate) -> i32 {
    (date - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

/// One-row-per-stage exports: a stage-2 row's dates and outcome belong in the stage-2 columns.
fn split_stage_rows(rows: DataFrame, quality: &mut DataQuality) -> Result<DataFrame> {
    let stage = Field::Stage.name();
    let unknown = rows
        .clone()
        .lazy()
        .filter(col(stage).is_null())
        .collect()
        .ctx("reading stages")?;
    let raw_stage = format!("{stage}{RAW_SUFFIX}");
    let raw_stage = if unknown.column(&raw_stage).is_ok() {
        raw_stage
    } else {
        stage.to_string()
    };
    for RowRef {
        file,
        row,
        reference,
        value,
    } in row_refs(&unknown, Some(&raw_stage), &quality.file_names())?
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
    rows.lazy()
        .filter(col(stage).is_not_null())
        .with_columns(moves)
        .collect()
        .ctx("splitting stage rows")
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
    let keyed = rows
        .lazy()
        .with_column(col(Field::Reference.name()).str().to_uppercase().alias(KEY_COL))
        .with_columns([
            col(received)
                .is_not_null()
                .any(true)
                .over([col(KEY_COL)])
                .ctx("merging rows")?
                .alias("__has_stage1"),
            len()
                .over([col(KEY_COL)])
                .ctx("merging rows")?
                .alias("__rows_of_key"),
        ])
        .collect()
        .ctx("merging rows by reference")?;
    // A complaint with only stage-2 rows has no stage-1 received date.
    let orphans = keyed
        .clone()
        .lazy()
        .filter(col("__has_stage1").not())
        .collect()
        .ctx("merging rows")?;
    for RowRef {
        file, row, reference, ..
    } in row_refs(&orphans, None, &quality.file_names())?
    {
        quality.exclude(file, row, reference, "no_stage1_row", "stage 2 row with no stage 1 row for this reference: add the complaint's stage 1 row (it holds the date the complaint was received)".into());
    }
    // Most references have one row: only the others need grouping, which is costly with an
    // aggregation per field.
    let shared = col("__rows_of_key").gt(lit(1));
    let merged = keyed
        .clone()
        .lazy()
        .filter(col("__has_stage1").and(shared.clone()))
        .group_by_stable([col(KEY_COL)])
        .agg(aggs)
        .collect()
        .ctx("merging rows by reference")?;
    quality.record_conflicts(&merged, &fields)?;
    let mut single_columns: Vec<Expr> = fields.iter().map(|f| col(f.name())).collect();
    single_columns.extend([
        col(FILE_COL).alias(SOURCE_FILE),
        col(ROW_COLUMN).alias(SOURCE_ROW),
        col(SEQ_COL),
    ]);
    let mut merged_columns: Vec<Expr> = fields.iter().map(|f| col(f.name())).collect();
    merged_columns.extend([col(SOURCE_FILE), col(SOURCE_ROW), col(SEQ_COL)]);
    let singles = keyed
        .lazy()
        .filter(col("__has_stage1").and(shared.not()))
        .select(single_columns);
    let merged = concat(
        [singles, merged.lazy().select(merged_columns)],
        UnionArgs::default(),
    )
    .ctx("merging rows by reference")?
    .sort([SEQ_COL], SortMultipleOptions::default())
    .collect()
    .ctx("merging rows by reference")?;
    // Every canonical field is a column, empty when the export does not have it.
    let mut columns: Vec<Expr> = Field::CANONICAL
        .iter()
        .map(|f| match fields.contains(f) {
            true => col(f.name()),
            false => lit(NULL).cast(f.dtype()).alias(f.name()),
        })
        .collect();
    columns.push(col(SOURCE_FILE).map(
        {
            let names = quality.file_names();
            move |c| {
                let ca = c.u32()?;
                let out: StringChunked = ca
                    .iter()
                    .map(|i| i.and_then(|i| names.get(i as usize).cloned()))
                    .collect();
                Ok(out.into_column())
            }
        },
        |_, f| Ok(polars::prelude::Field::new(f.name().clone(), DataType::String)),
    ));
    columns.push(col(SOURCE_ROW));
    merged
        .lazy()
        .select(columns)
        .collect()
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
    let status = when(present(Field::RefusalReason).or(equals(Field::Status, "refused")))
        .then(lit("refused"))
        .when(
            equals(Field::Status, "withdrawn")
                .or(equals(Field::Stage1Outcome, "withdrawn"))
                .or(equals(Field::Stage2Outcome, "withdrawn")),
        )
        .then(lit("withdrawn"))
        .when(status_col.clone().is_not_null())
        .then(status_col)
        .when(finished)
        .then(lit("closed"))
        .otherwise(lit("open"))
        .alias(Field::Status.name());
    complaints
        .lazy()
        .with_column(status)
        .collect()
        .ctx("deriving status")
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

/// Row references of a small frame, before (file index columns) or after merging (file names).
pub(super) fn row_refs(frame: &DataFrame, value: Option<&str>, file_names: &[String]) -> Result<Vec<RowRef>> {
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
    let values = match value {
        Some(name) => texts(frame, name)?,
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
