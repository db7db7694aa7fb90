//! Typing the cells: each distinct value of a column read once (dates, flags, money, value maps)
//! and spread back over the rows by its code. Rows whose received date cannot be read go to the
//! ledger.

use polars::prelude::*;

use super::Passenger;
use super::combine::Dictionaries;
use super::quality::{DataQuality, ExclusionCode};
use super::rows::{
    FILE_COL, ROW_COLUMN, RowRef, SEQ_COL, SET_ASIDE_COL, SHARED_COL, codes, kept, raw_column, row_refs,
    set_aside,
};
use super::values::{self, CellReader, Problem, Value};
use crate::columnar::bits::codes_present;
use crate::columnar::gather::{by_codes, flags_by_codes};
use crate::columnar::parallel::in_parallel;
use crate::domain::canonical::{Field, Kind};
use crate::domain::dates::{DateProblem, days_since_epoch, parse_date};
use crate::error::{PolarsContext, Result};
use crate::observe::{Observer, step};

/// The combined rows' columns, as [`parse_cells`] reads them.
pub(super) struct Cells<'a> {
    /// Each coded field's distinct values, which its codes index.
    pub(super) dictionaries: &'a Dictionaries,
    /// The values as written (made printable, spellings not unified) of the fields whose text
    /// the analysts' table keeps.
    pub(super) written: &'a Dictionaries,
    pub(super) mapped: &'a [Field],
    /// Columns carried to the complaints: the text as written, the unmapped columns kept.
    pub(super) passengers: &'a [Passenger],
}

/// Types every mapped column but the reference. Each distinct value is read once and spread
/// back over the rows by its code; columns are typed on every core. The fields in `written`
/// keep their text as written beside them (`<field>_raw`).
pub(super) fn parse_cells(
    mut rows: DataFrame,
    cells: &Cells,
    reader: &CellReader,
    excel_1904: bool,
    quality: &mut DataQuality,
    observer: &dyn Observer,
) -> Result<DataFrame> {
    let Cells {
        dictionaries,
        written,
        mapped,
        passengers,
    } = *cells;
    let to_type: Vec<Field> = mapped
        .iter()
        .copied()
        .filter(|&f| f != Field::Reference)
        .collect();
    let kept = &kept(&rows)?;
    let typed = step(observer, "normalise: parse cells: type", || {
        in_parallel(&to_type, |&f| {
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
        rows.rename(name, raw_column(field).into())
            .ctx("reading cell values")?;
        rows.with_column(value).ctx("reading cell values")?;
        if problem.iter().any(Option::is_some) {
            problems.push((field, problem));
        }
    }
    let mut parsed = rows;
    // Rows whose received date could not be read go to the ledger (their warnings are not repeated).
    let received = Field::Received.name();
    let bad = parsed
        .clone()
        .lazy()
        .filter(col(received).is_null().and(col(SET_ASIDE_COL).not()))
        .collect()
        .ctx("checking received dates")?;
    let raw_received = raw_column(Field::Received);
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
            Err(DateProblem::Implausible(_)) => {
                format!("received date \"{value}\" is outside 1990–2100: correct the {header} cell")
            }
            _ => format!(
                "received date \"{value}\" is not a date: correct the {header} cell (e.g. 03/05/2024 or 2024-05-03)"
            ),
        };
        quality.exclude(file, row, reference, ExclusionCode::BadReceivedDate, reason);
    }
    if bad.height() > 0 {
        let unreadable = parsed.column(received).ctx("checking received dates")?.is_null();
        set_aside(&mut parsed, &unreadable)?;
    }
    // Warnings about values count the rows still in the analysis only.
    step(observer, "normalise: parse cells: problems", || {
        quality.record_cell_problems(&parsed, dictionaries, &problems)
    })?;
    let mut keep: Vec<Expr> = mapped
        .iter()
        .map(|f| col(f.name()))
        .chain([FILE_COL, ROW_COLUMN, SEQ_COL, SHARED_COL, SET_ASIDE_COL].map(col))
        .collect();
    for passenger in passengers {
        match passenger.follows.map(|f| (f, written.get(&f))) {
            // The text as written, from the field's codes.
            Some((field, Some(values))) => keep.push(
                lit(Series::new("written".into(), values))
                    .gather(col(raw_column(field).as_str()), true)
                    .alias(passenger.name.as_str()),
            ),
            // A stage-2 field of a one-row-per-stage export: made when the rows are split.
            Some((_, None)) => {}
            None => keep.push(col(passenger.name.as_str())),
        }
    }
    // The stage as written is needed to explain rows whose stage is not 1 or 2.
    let raw_stage = raw_column(Field::Stage);
    if parsed.column(&raw_stage).is_ok() {
        keep.push(col(raw_stage.as_str()));
    }
    let mut typed = parsed.lazy().select(keep).collect().ctx("reading cell values")?;
    // The reference's chunks (one per part the reader split the file into) are joined once:
    // the merge's filters are faster over contiguous columns.
    step(observer, "normalise: parse cells: rechunk", || {
        typed.rechunk_mut_par()
    });
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
        Kind::Date => codes_present(codes, kept, values.len())?
            .into_iter()
            .zip(values)
            .filter(|(present, _)| *present)
            .map(|(_, v)| v.clone())
            .collect(),
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
        Problem::BadDate(DateProblem::Implausible(d)) => format!("implausible:{d}"),
        Problem::BadDate(DateProblem::Impossible) => "impossible".into(),
        Problem::BadDate(DateProblem::Unreadable) => "unreadable".into(),
        Problem::Unmapped => "unmapped".into(),
        Problem::BadMoney => "bad_money".into(),
    }
}

/// The typed column of a field: each row's distinct value (`values`, by code) typed, named
/// `__value`. Dates, flags and money are gathered by [`by_codes`]; text by polars (its gather
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
            by_codes::<Int32Type>(&days, codes)
                .with_name(name)
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
            flags_by_codes(&flags, codes).with_name(name).into_column()
        }
        Kind::Money => {
            let amounts: Vec<Option<f64>> = values
                .map(|v| match v {
                    Some(Value::Money(m)) => Some(m),
                    _ => None,
                })
                .collect();
            by_codes::<Float64Type>(&amounts, codes)
                .with_name(name)
                .into_column()
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
}
