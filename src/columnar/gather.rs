//! Gathers from a small table (a column's distinct values, a value per calendar day) by a
//! column of positions. Polars gathers by nullable indices one option at a time, several times
//! slower over a million rows; these copy the values in one pass and work out which rows have
//! one in another.

use polars::prelude::{
    BooleanChunked, ChunkedArray, Column, DataType, Expr, Field, IdxCa, IdxSize, Int32Chunked, IntoColumn,
    PlSmallStr, PolarsNumericType,
};
use polars_arrow::array::{BooleanArray, PrimitiveArray};
use polars_arrow::bitmap::Bitmap;
use polars_arrow::datatypes::ArrowDataType;
use polars_arrow::types::NativeType;

/// `table[position(index)]` for every index: missing where the index is, where `position`
/// gives none or one past the table, or where the table's entry is.
fn primitive<T: NativeType, I: NativeType>(
    table: &[Option<T>],
    indices: &PrimitiveArray<I>,
    position: impl Fn(I) -> Option<usize>,
) -> PrimitiveArray<T> {
    let values: Vec<T> = table.iter().map(|v| v.unwrap_or_default()).collect();
    let gathered: Vec<T> = indices
        .values()
        .iter()
        .map(|&i| {
            position(i)
                .and_then(|p| values.get(p))
                .copied()
                .unwrap_or_default()
        })
        .collect();
    let validity = validity(table, indices, position);
    PrimitiveArray::new(T::PRIMITIVE.into(), gathered.into(), validity)
}

/// Each row's value from its code into a column's distinct values (`table`): missing where the
/// code or the value is. Chunked as `codes` is.
pub(crate) fn by_codes<T: PolarsNumericType>(table: &[Option<T::Native>], codes: &IdxCa) -> ChunkedArray<T> {
    ChunkedArray::from_chunk_iter(
        PlSmallStr::EMPTY,
        codes.downcast_iter().map(|c| primitive(table, c, code_position)),
    )
}

/// [`by_codes`] for a table of flags.
pub(crate) fn flags_by_codes(table: &[Option<bool>], codes: &IdxCa) -> BooleanChunked {
    BooleanChunked::from_chunk_iter(
        PlSmallStr::EMPTY,
        codes.downcast_iter().map(|c| flags(table, c, code_position)),
    )
}

fn code_position(code: IdxSize) -> Option<usize> {
    Some(code as usize)
}

/// An expression giving, for each date of a Date column, `table[date - first]` (days since 1970)
/// as `dtype`: null for a missing date, one outside the table, or an empty entry.
pub(crate) fn by_date(table: Vec<Option<i32>>, first: i32, date: Expr, dtype: DataType) -> Expr {
    let output = dtype.clone();
    date.map(
        move |dates: Column| {
            let days = dates.cast(&DataType::Int32)?;
            let position = |day: i32| usize::try_from(i64::from(day) - i64::from(first)).ok();
            let gathered = Int32Chunked::from_chunk_iter(
                dates.name().clone(),
                days.i32()?
                    .downcast_iter()
                    .map(|days| primitive(&table, days, position)),
            );
            gathered.into_column().cast(&dtype)
        },
        move |_, field| Ok(Field::new(field.name().clone(), output.clone())),
    )
}

/// [`primitive`] for a table of flags.
fn flags<I: NativeType>(
    table: &[Option<bool>],
    indices: &PrimitiveArray<I>,
    position: impl Fn(I) -> Option<usize>,
) -> BooleanArray {
    let gathered: Bitmap = indices
        .values()
        .iter()
        .map(|&i| {
            position(i)
                .and_then(|p| table.get(p).copied().flatten())
                .unwrap_or(false)
        })
        .collect();
    let validity = validity(table, indices, position);
    BooleanArray::new(ArrowDataType::Boolean, gathered, validity)
}

/// Which rows have a value: an index, a position for it in the table, and an entry there.
fn validity<T, I: NativeType>(
    table: &[Option<T>],
    indices: &PrimitiveArray<I>,
    position: impl Fn(I) -> Option<usize>,
) -> Option<Bitmap> {
    let present: Vec<bool> = table.iter().map(Option::is_some).collect();
    let has_value = |i: I| position(i).and_then(|p| present.get(p).copied()).unwrap_or(false);
    Some(match indices.validity() {
        None => indices.values().iter().map(|&i| has_value(i)).collect(),
        Some(indexed) => indices
            .values()
            .iter()
            .zip(indexed.iter())
            .map(|(&i, indexed)| indexed && has_value(i))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_where_the_index_the_position_or_the_entry_is() {
        let table = [Some(10i32), None, Some(30)];
        // Indices: 2, missing, 1 (an empty entry), 7 (past the table), -1 (no position), 0.
        let indices = PrimitiveArray::<i32>::from([Some(2), None, Some(1), Some(7), Some(-1), Some(0)]);
        let gathered = primitive(&table, &indices, |i| usize::try_from(i).ok());
        let got: Vec<Option<i32>> = gathered.iter().map(|v| v.copied()).collect();
        assert_eq!(got, [Some(30), None, None, None, None, Some(10)]);
        let flags = flags(&[Some(true), Some(false)], &indices, |i| usize::try_from(i).ok());
        let got: Vec<Option<bool>> = flags.iter().collect();
        assert_eq!(got, [None, None, Some(false), None, None, Some(true)]);
        // An empty table (a column with no values): every row missing.
        let none = primitive::<f64, u32>(&[], &PrimitiveArray::from([None, Some(0)]), |c| Some(c as usize));
        assert_eq!(none.iter().filter(Option::is_none).count(), 2);
    }
}
