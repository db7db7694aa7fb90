//! Walking and counting a boolean column's set rows straight over its bits, and the integer
//! values beside them: polars' iterators of options, or a filter and a grouping, take several
//! times as long over a million rows.

use polars::prelude::*;
use polars_arrow::array::{BooleanArray, PrimitiveArray};
use polars_arrow::bitmap::{Bitmap, MutableBitmap};
use polars_arrow::datatypes::ArrowDataType;

use crate::error::{PolarsContext, Result};

/// The rows of a boolean chunk that hold: true and not missing.
fn holding(chunk: &BooleanArray) -> Bitmap {
    match chunk.validity() {
        None => chunk.values().clone(),
        Some(valid) => chunk.values() & valid,
    }
}

/// `mask` as one bitmap, missing values cleared.
pub(crate) fn holding_bitmap(mask: &BooleanChunked) -> Bitmap {
    let mut bits = MutableBitmap::with_capacity(mask.len());
    for chunk in mask.downcast_iter() {
        match chunk.validity() {
            None => bits.extend_from_bitmap(chunk.values()),
            Some(valid) => bits.extend_from_bitmap(&(chunk.values() & valid)),
        }
    }
    bits.into()
}

/// Calls `each` with the index of every row where `mask` holds (not where it is missing).
pub(crate) fn each_row_where(mask: &BooleanChunked, mut each: impl FnMut(usize)) {
    let mut offset = 0;
    for chunk in mask.downcast_iter() {
        holding(chunk).true_idx_iter().for_each(|row| each(offset + row));
        offset += chunk.len();
    }
}

/// Calls `each` with the integer columns' values in every row where the `mask` column holds and
/// none of them is missing (dates count as their days).
pub(crate) fn for_rows_where<const N: usize>(
    t: &DataFrame,
    mask: &str,
    columns: [&str; N],
    mut each: impl FnMut([i32; N]),
) -> Result<()> {
    let context = "counting rows";
    let mask = t.column(mask).ctx(context)?.bool().ctx(context)?;
    let columns = columns
        .iter()
        .map(|name| {
            let column = t.column(name).ctx(context)?.to_physical_repr();
            let column = column.cast(&DataType::Int32).ctx(context)?;
            Ok(column.i32().ctx(context)?.clone())
        })
        .collect::<Result<Vec<Int32Chunked>>>()?;
    let lengths = |chunks: &[ArrayRef]| chunks.iter().map(|c| c.len()).collect::<Vec<_>>();
    let aligned = columns
        .iter()
        .all(|c| lengths(c.chunks()) == lengths(mask.chunks()));
    if !aligned {
        let mut values: Vec<_> = columns.iter().map(|c| c.iter()).collect();
        for holds in mask.iter() {
            let row: Vec<Option<i32>> = values.iter_mut().map(|v| v.next().flatten()).collect();
            if holds == Some(true) && row.iter().all(Option::is_some) {
                each(std::array::from_fn(|i| row[i].unwrap_or_default()));
            }
        }
        return Ok(());
    }
    let chunks: Vec<Vec<&PrimitiveArray<i32>>> =
        columns.iter().map(|c| c.downcast_iter().collect()).collect();
    for (j, holds) in mask.downcast_iter().enumerate() {
        let mut counted = holding(holds);
        for validity in chunks.iter().filter_map(|c| c[j].validity()) {
            counted = &counted & validity;
        }
        let values: [&[i32]; N] = std::array::from_fn(|i| chunks[i][j].values().as_slice());
        counted
            .true_idx_iter()
            .for_each(|row| each(std::array::from_fn(|i| values[i][row])));
    }
    Ok(())
}

/// How many rows where the `mask` column holds have each index `0..n` in the `index` column (a
/// missing index, or one outside `0..n`, counts nowhere): one pass over the two columns.
pub(crate) fn counts_by_index(t: &DataFrame, index: &str, mask: &str, n: usize) -> Result<Vec<u64>> {
    let mut counts = vec![0u64; n];
    for_rows_where(t, mask, [index], |[i]| {
        if let Some(count) = usize::try_from(i).ok().and_then(|i| counts.get_mut(i)) {
            *count += 1;
        }
    })?;
    Ok(counts)
}

/// For the rows where the `mask` column holds, how many have each (`key`, `value`) pair of the
/// integer columns so named (rows missing either are not counted), sorted.
pub(crate) fn pair_counts(t: &DataFrame, mask: &str, key: &str, value: &str) -> Result<Vec<(i64, i64, u64)>> {
    let mut counts: PlHashMap<(i32, i32), u64> = PlHashMap::default();
    for_rows_where(t, mask, [key, value], |pair| {
        *counts.entry(pair.into()).or_insert(0) += 1;
    })?;
    let mut out: Vec<(i64, i64, u64)> = counts
        .into_iter()
        .map(|((key, value), n)| (i64::from(key), i64::from(value), n))
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// `mask` with the rows `also` (ascending) set too, and the place each of `also` takes among
/// all the set rows: the number of set rows before it.
pub(crate) fn set_and_rank(mask: &BooleanChunked, also: &[IdxSize]) -> (BooleanChunked, Vec<IdxSize>) {
    let mut bits = holding_bitmap(mask).make_mut();
    for &row in also {
        bits.set(row as usize, true);
    }
    let bits = Bitmap::from(bits);
    let mut places = Vec::with_capacity(also.len());
    let (mut place, mut counted_to) = (0usize, 0usize);
    for &row in also {
        place += bits
            .clone()
            .sliced(counted_to, row as usize - counted_to)
            .set_bits();
        counted_to = row as usize;
        places.push(place as IdxSize);
    }
    let set = BooleanChunked::from_chunk_iter(
        PlSmallStr::EMPTY,
        [BooleanArray::new(ArrowDataType::Boolean, bits, None)],
    );
    (set, places)
}

/// Which of the codes `0..n` appear in `codes` on a row where `kept` holds.
pub(crate) fn codes_present(codes: &IdxCa, kept: &BooleanChunked, n: usize) -> Result<Vec<bool>> {
    let mut present = vec![false; n];
    let mut mark = |code: IdxSize| {
        if let Some(on) = present.get_mut(code as usize) {
            *on = true;
        }
    };
    for codes in codes.filter(kept).ctx("reading cell values")?.downcast_iter() {
        match codes.validity() {
            None => codes.values().iter().for_each(|&code| mark(code)),
            Some(valid) => codes
                .values()
                .iter()
                .zip(valid.iter())
                .filter(|(_, valid)| *valid)
                .for_each(|(&code, _)| mark(code)),
        }
    }
    Ok(present)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_index_take_the_rows_that_hold_with_an_index_in_range() {
        // Indices 0, 0, 2 (twice) and 1 hold; the others are left out: not holding, a missing
        // or null mask, no index, an index below the range (-1) or past it (3).
        let t = df![
            "month" => [Some(0), Some(0), Some(2), Some(1), Some(0), None, Some(-1), Some(3), Some(2), Some(1)],
            "holds" => [Some(true), Some(true), Some(true), Some(true), Some(false), Some(true), Some(true), Some(true), Some(true), None],
        ]
        .unwrap();
        assert_eq!(counts_by_index(&t, "month", "holds", 3).unwrap(), [2, 1, 2]);
        // Columns split into chunks at different rows are counted alike.
        let mut split = t.slice(0, 3);
        split.vstack_mut(&t.slice(3, 7)).unwrap();
        let mask = t.column("holds").unwrap().clone();
        let mut split = split.drop("holds").unwrap();
        split.with_column(mask).unwrap();
        assert_ne!(
            split.column("month").unwrap().n_chunks(),
            split.column("holds").unwrap().n_chunks()
        );
        assert_eq!(counts_by_index(&split, "month", "holds", 3).unwrap(), [2, 1, 2]);
    }

    #[test]
    fn pair_counts_count_each_pair_under_the_mask() {
        let t = df![
            "keep" => [true, true, true, false, true, true, true],
            "month" => [Some(0), Some(0), Some(11), Some(0), None, Some(3), Some(0)],
            "days" => [Some(5), Some(5), Some(-2), Some(5), Some(1), None, Some(30)],
        ]
        .unwrap();
        let counts = pair_counts(&t, "keep", "month", "days").unwrap();
        // Rows with a missing key or value are not counted; the unkept row is not either.
        assert_eq!(counts, vec![(0, 5, 2), (0, 30, 1), (11, -2, 1)]);
        let mut split = t.select(["month", "days"]).unwrap().slice(0, 2);
        split
            .vstack_mut(&t.select(["month", "days"]).unwrap().slice(2, 5))
            .unwrap();
        split.with_column(t.column("keep").unwrap().clone()).unwrap();
        assert_eq!(pair_counts(&split, "keep", "month", "days").unwrap(), counts);
    }

    #[test]
    fn rows_set_among_others_are_ranked_by_the_set_rows_before_them() {
        // Set: 0, 3, 4; missing counts as unset. Rows 1 and 6 are set too.
        let mask = BooleanChunked::new(
            "m".into(),
            [
                Some(true),
                Some(false),
                None,
                Some(true),
                Some(true),
                Some(false),
                Some(false),
            ],
        );
        let (set, places) = set_and_rank(&mask, &[1, 6]);
        let set: Vec<Option<bool>> = set.iter().collect();
        assert_eq!(set, [true, true, false, true, true, false, true].map(Some));
        assert_eq!(places, [1, 4]);
        let mut walked = Vec::new();
        each_row_where(&mask, |row| walked.push(row));
        assert_eq!(walked, [0, 3, 4]);
    }

    #[test]
    fn codes_present_on_kept_rows() {
        let codes = IdxCa::new("c".into(), [Some(0), Some(2), None, Some(2), Some(1)]);
        let kept = BooleanChunked::new("k".into(), [true, true, true, false, false]);
        assert_eq!(
            codes_present(&codes, &kept, 4).unwrap(),
            [true, false, true, false]
        );
    }
}
