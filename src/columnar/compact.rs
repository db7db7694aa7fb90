//! Changing a frame's columns within their own buffers: keeping the chosen rows of a frame that
//! is not needed whole any more (each column's kept values moved forward), and writing a few
//! values over chosen rows. Polars' filter writes every column anew, which over a large table
//! is mostly the kernel providing and clearing fresh pages.
#![allow(unsafe_code)]

use polars::prelude::{
    BooleanChunked, ChunkFilter, ChunkedArray, ChunkedSet, Column, DataFrame, DataType, IdxSize, IntoColumn,
    IntoSeries, PolarsNumericType, PolarsResult, StringChunked, polars_err,
};
use polars_arrow::array::{PrimitiveArray, Utf8ViewArray};
use polars_arrow::bitmap::utils::SlicesIterator;
use polars_arrow::bitmap::{Bitmap, MutableBitmap};

use super::bits::holding_bitmap;
use crate::error::{PolarsContext, Result};

/// The rows of `frame` where `kept` is true (missing counts as false), in order. Columns that
/// own their one buffer (numbers, dates, text) are compacted in place, side by side; any other
/// column is filtered by polars.
pub(crate) fn keep_rows(frame: DataFrame, kept: &BooleanChunked) -> Result<DataFrame> {
    let context = "keeping rows";
    let kept_bits = holding_bitmap(kept);
    let height = kept_bits.set_bits();
    if height == frame.height() {
        return Ok(frame);
    }
    let columns = super::parallel::in_parallel_owned(frame.into_columns(), |column| {
        keep_in_column(column, &kept_bits, kept).ctx(context)
    })?;
    DataFrame::new(height, columns).ctx(context)
}

/// `work` done on a column's physical values (a date column as its days, an Int32), which it
/// is handed as their only owner, so that it may change them in place; its result is named and
/// typed as the column was. (The logical series is dropped at the end of the statement that
/// takes its physical values; `work` clones the typed array out and drops the series it is
/// given, which leaves the clone the buffer's only owner.)
fn on_physical(
    column: Column,
    work: impl FnOnce(polars::prelude::Series) -> PolarsResult<polars::prelude::Series>,
) -> PolarsResult<Column> {
    let (name, dtype) = (column.name().clone(), column.dtype().clone());
    let physical = column.take_materialized_series().to_physical_repr().into_owned();
    Ok(work(physical)?.cast(&dtype)?.with_name(name).into_column())
}

/// `column` with `values[k]` written at `positions[k]` (a few values over chosen rows). The
/// column is taken so that, owned once, it is written in place rather than copied.
pub(crate) fn scatter(column: Column, positions: &[IdxSize], values: &Column) -> PolarsResult<Column> {
    if positions.is_empty() {
        return Ok(column);
    }
    let values = values.to_physical_repr();
    // Dates are days in an Int32: written as such, then typed again.
    on_physical(column, |physical| {
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
            other => Err(polars_err!(InvalidOperation: "cannot write into a {other} column")),
        }
    })
}

fn keep_in_column(column: Column, kept: &Bitmap, kept_ca: &BooleanChunked) -> PolarsResult<Column> {
    on_physical(column, |physical| {
        macro_rules! owned {
            ($as:ident, $keep:ident) => {{
                let ca = physical.$as()?.clone();
                drop(physical);
                $keep(ca, kept, kept_ca)?.into_series()
            }};
        }
        Ok(match physical.dtype() {
            DataType::Int32 => owned!(i32, numbers),
            DataType::Int64 => owned!(i64, numbers),
            DataType::UInt32 => owned!(u32, numbers),
            DataType::UInt64 => owned!(u64, numbers),
            DataType::Float64 => owned!(f64, numbers),
            DataType::String => owned!(str, text),
            _ => physical.filter(kept_ca)?,
        })
    })
}

fn numbers<T: PolarsNumericType>(
    ca: ChunkedArray<T>,
    kept: &Bitmap,
    kept_ca: &BooleanChunked,
) -> PolarsResult<ChunkedArray<T>>
where
    ChunkedArray<T>: ChunkFilter<T>,
{
    if ca.chunks().len() != 1 {
        return ca.filter(kept_ca);
    }
    let name = ca.name().clone();
    let array = ca.downcast_into_iter().next().expect("one chunk");
    let (dtype, mut values, validity) = array.into_inner();
    let Some(slice) = values.get_mut_slice() else {
        let array = PrimitiveArray::new(dtype, values, validity);
        return ChunkedArray::with_chunk(name, array).filter(kept_ca);
    };
    let height = compact(slice, kept);
    let array = PrimitiveArray::new(
        dtype,
        values.sliced(..height),
        validity.map(|v| kept_bits_of(&v, kept)),
    );
    Ok(ChunkedArray::with_chunk(name, array))
}

fn text(ca: StringChunked, kept: &Bitmap, kept_ca: &BooleanChunked) -> PolarsResult<StringChunked> {
    if ca.chunks().len() != 1 {
        return ca.filter(kept_ca);
    }
    let name = ca.name().clone();
    let array = ca.downcast_into_iter().next().expect("one chunk");
    let dtype = polars_arrow::array::Array::dtype(&array).clone();
    let (mut views, buffers, validity, total_bytes_len, total_buffer_len) = array.into_inner();
    let Some(slice) = views.get_mut_slice() else {
        // SAFETY: the parts of a valid array, put back together unchanged.
        let array = unsafe {
            Utf8ViewArray::new_unchecked(dtype, views, buffers, validity, total_bytes_len, total_buffer_len)
        };
        return StringChunked::with_chunk(name, array).filter(kept_ca);
    };
    let height = compact(slice, kept);
    let validity = validity.map(|v| kept_bits_of(&v, kept));
    // SAFETY: every kept view is one of the array's own, over the same data buffers; the byte
    // total is left for the array to work out again.
    let array = unsafe {
        Utf8ViewArray::new_unchecked_unknown_md(
            dtype,
            views.sliced(..height),
            buffers,
            validity,
            Some(total_buffer_len),
        )
    };
    Ok(StringChunked::with_chunk(name, array))
}

/// Moves the kept values to the front, in order; returns how many there are.
fn compact<T: Copy>(values: &mut [T], kept: &Bitmap) -> usize {
    let mut written = 0;
    for (start, len) in SlicesIterator::new(kept) {
        if start != written {
            values.copy_within(start..start + len, written);
        }
        written += len;
    }
    written
}

/// The bits of `bits` at the kept positions.
fn kept_bits_of(bits: &Bitmap, kept: &Bitmap) -> Bitmap {
    let mut out = MutableBitmap::with_capacity(kept.set_bits());
    for (start, len) in SlicesIterator::new(kept) {
        out.extend_from_bitmap(&bits.clone().sliced(start, len));
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    #[test]
    fn kept_rows_stay_in_order_in_every_column_type_and_missing_kept_counts_as_dropped() {
        let frame = df!(
            "n" => [Some(1i32), None, Some(3), Some(4), None, Some(6)],
            "f" => [Some(0.5f64), Some(1.5), None, Some(3.5), Some(4.5), Some(5.5)],
            "u" => [10u32, 11, 12, 13, 14, 15],
            "t" => [Some("a"), Some("a longer text than twelve bytes"), None, Some("d"), Some("e"), Some("another text over twelve bytes")],
            "b" => [Some(true), Some(false), None, Some(true), Some(false), Some(true)],
        )
        .unwrap()
        .lazy()
        .with_column(col("n").cast(DataType::Date).alias("d"))
        .collect()
        .unwrap();
        // Rows 0, 1, 3 and 5 kept; row 2 dropped, row 4's missing flag drops it too.
        let kept = BooleanChunked::new(
            "kept".into(),
            [Some(true), Some(true), Some(false), Some(true), None, Some(true)],
        );
        let expected = frame.filter(&kept.fill_null_with_values(false).unwrap()).unwrap();
        let buffer = |frame: &DataFrame, name: &str| {
            frame
                .column(name)
                .unwrap()
                .u32()
                .unwrap()
                .downcast_iter()
                .next()
                .unwrap()
                .values()
                .as_ptr() as usize
        };
        let before = buffer(&frame, "u");
        let got = keep_rows(frame, &kept).unwrap();
        assert_eq!(got.height(), 4);
        assert!(got.equals_missing(&expected), "{got}\n{expected}");
        // Compacted within its own buffer, not copied.
        assert_eq!(buffer(&got, "u"), before);
        assert_eq!(got.column("d").unwrap().dtype(), &DataType::Date);
        let texts: Vec<Option<&str>> = got.column("t").unwrap().str().unwrap().iter().collect();
        assert_eq!(
            texts,
            [
                Some("a"),
                Some("a longer text than twelve bytes"),
                Some("d"),
                Some("another text over twelve bytes")
            ]
        );
    }

    #[test]
    fn a_column_shared_with_another_frame_is_copied_not_changed() {
        let frame = df!("n" => [1i32, 2, 3, 4]).unwrap();
        let other = frame.clone();
        let kept = BooleanChunked::new("kept".into(), [false, true, false, true]);
        let got = keep_rows(frame, &kept).unwrap();
        let n: Vec<Option<i32>> = got.column("n").unwrap().i32().unwrap().iter().collect();
        assert_eq!(n, [Some(2), Some(4)]);
        let untouched: Vec<Option<i32>> = other.column("n").unwrap().i32().unwrap().iter().collect();
        assert_eq!(untouched, [Some(1), Some(2), Some(3), Some(4)]);
    }

    #[test]
    fn runs_of_kept_values_move_forward() {
        let mut values = [1, 2, 3, 4, 5, 6, 7];
        let kept = Bitmap::from([true, false, false, true, true, false, true]);
        assert_eq!(compact(&mut values, &kept), 4);
        assert_eq!(&values[..4], [1, 4, 5, 7]);
        let all = Bitmap::from([true; 7]);
        assert_eq!(compact(&mut values, &all), 7);
    }

    #[test]
    fn scatter_writes_values_over_their_rows_in_every_column_type() {
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
}
