//! Which rows' keys repeat among a text column's rows, without a grouping of every row.

use std::borrow::Cow;
use std::hash::BuildHasher;

use polars::prelude::*;

use super::parallel::{in_parallel, row_parts};
use crate::error::Result;

/// Polars' row indices are 32-bit.
const ROW_BITS: u32 = u32::BITS;

/// For every row, whether its key (`key` of its text) is also the key of another row where
/// `kept` holds; false on rows that are missing or not kept.
///
/// Each kept row's key is hashed (a part of the rows per core) and packed with its row as one
/// word: the hash's top 32 bits, then the row. Sorting the words (split among the cores by the
/// hash's top bit) brings rows with equal top bits together, in row order; they are then
/// compared by their keys, so equal bits never join two different keys.
pub(crate) fn repeated_keys(
    texts: &StringChunked,
    kept: &BooleanChunked,
    key: impl Fn(&str) -> Cow<'_, str> + Sync,
) -> Result<Vec<bool>> {
    let bounds = row_parts(texts.len(), 0);
    let state = PlFixedStateQuality::default();
    let packed: Vec<[Vec<u64>; 2]> = in_parallel(&bounds, |&(start, end)| {
        let part_texts = texts.slice(start as i64, end - start);
        let part_kept = kept.slice(start as i64, end - start);
        let mut shares = [(); 2].map(|_| Vec::with_capacity((end - start) / 2 + 16));
        for (row, (text, kept)) in part_texts.iter().zip(part_kept.iter()).enumerate() {
            let Some(text) = text.filter(|_| kept == Some(true)) else {
                continue;
            };
            let hash = state.hash_one(key(text).as_bytes());
            shares[(hash >> 63) as usize].push((hash >> ROW_BITS) << ROW_BITS | (start + row) as u64);
        }
        Ok(shares)
    })?;
    let shares: Vec<usize> = (0..2).collect();
    let repeated_rows = in_parallel(&shares, |&share| {
        let mut keyed: Vec<u64> = packed.iter().flat_map(|p| p[share].iter().copied()).collect();
        keyed.sort_unstable();
        let mut repeated: Vec<IdxSize> = Vec::new();
        for run in keyed
            .chunk_by(|a, b| a >> ROW_BITS == b >> ROW_BITS)
            .filter(|run| run.len() > 1)
        {
            let rows = run.iter().map(|&word| (word & u64::from(u32::MAX)) as IdxSize);
            let keys: Vec<Option<Cow<str>>> = rows
                .clone()
                .map(|row| texts.get(row as usize).map(&key))
                .collect();
            let mut counts: PlHashMap<&Option<Cow<str>>, usize> = PlHashMap::default();
            for k in &keys {
                *counts.entry(k).or_insert(0) += 1;
            }
            repeated.extend(rows.zip(&keys).filter(|(_, k)| counts[k] > 1).map(|(row, _)| row));
        }
        Ok(repeated)
    })?;
    let mut repeated = vec![false; texts.len()];
    for row in repeated_rows.into_iter().flatten() {
        repeated[row as usize] = true;
    }
    Ok(repeated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_repeat_in_any_case_among_kept_rows_only() {
        // Enough rows that every core's share holds some keys.
        let mut texts: Vec<Option<String>> = (0..500).map(|i| Some(format!("REF-{i}"))).collect();
        texts.extend([
            Some("ref-7".into()), // REF-7 again, in lower case
            Some("REF-99".into()),
            Some("REF-99".into()),
            None,
            Some("SOLO".into()),
            Some("REF-250".into()), // a repeat, but not kept
        ]);
        let kept: BooleanChunked = (0..texts.len()).map(|i| Some(i != 505)).collect();
        let texts: StringChunked = texts.iter().map(|t| t.as_deref()).collect();
        let repeated = repeated_keys(&texts, &kept, |t| Cow::Owned(t.to_uppercase())).unwrap();
        let rows: Vec<usize> = repeated
            .iter()
            .enumerate()
            .filter(|(_, r)| **r)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(rows, [7, 99, 500, 501, 502]);
    }
}
