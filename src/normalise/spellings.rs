//! Free-text groupings typed differently ("Repairs", "REPAIRS", "repairs ") are one group.

use polars::prelude::*;

use super::combine::Dictionaries;
use super::quality::DataQuality;
use super::rows::{codes, kept};
use crate::columnar::parallel::in_parallel;
use crate::domain::canonical::Field;
use crate::domain::text::value_key;
use crate::error::Result;

/// Free-text groupings typed differently ("Repairs", "REPAIRS", "repairs ") are one group: each
/// takes its most frequent spelling (the first seen on a tie), and the change is reported.
pub(super) fn unify_spellings(
    rows: &DataFrame,
    dictionaries: &mut Dictionaries,
    mapped: &[Field],
    quality: &mut DataQuality,
) -> Result<()> {
    let kept = kept(rows)?;
    let groupings: Vec<Field> = mapped.iter().copied().filter(|f| f.is_grouping()).collect();
    let dictionaries_read = &*dictionaries;
    let unified = in_parallel(&groupings, |&field| {
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
    let keys: Vec<String> = values.iter().map(|v| value_key(v)).collect();
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
