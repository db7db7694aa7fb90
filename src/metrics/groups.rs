//! Figures by group: categories (received, and outcomes of responses), channels, refusal
//! reasons, and the Code version complaints are judged under.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::batch::{Answers, Batch, Count};
use super::masks::{Mask, between};
use super::{Outcomes, Refused, StageCounts};
use crate::columnar::bits::each_row_where;
use crate::domain::canonical::Field;
use crate::domain::dates::date_lit;
use crate::domain::period::Period;
use crate::domain::stage::{CODE_VERSION, CodeVersion, REFUSED, Stage, StageColumn};
use crate::error::{PolarsContext, Result};

/// Label used for a blank category, reason or channel.
pub const NOT_RECORDED: &str = "Not recorded";

/// For each value of a text `key` (blank keys as "Not recorded"), the rows where each of the
/// masks holds, counted, in the masks' order. The key and masks are worked out once as columns;
/// each row's key is then numbered and each mask's rows counted straight over its bits. Values
/// no mask holds for are left out.
fn sums_by_text<const N: usize>(
    t: &DataFrame,
    key: Expr,
    masks: [Expr; N],
) -> Result<BTreeMap<String, [u64; N]>> {
    let context = "counting by group";
    let mut columns = vec![key.cast(DataType::String).alias("__key")];
    columns.extend(
        masks
            .into_iter()
            .enumerate()
            .map(|(i, m)| m.alias(format!("__mask{i}"))),
    );
    let frame = t.clone().lazy().select(columns).collect().ctx(context)?;
    // Each row's key as a number, in order of first appearance.
    let mut numbers: PlHashMap<Option<&str>, u32> = PlHashMap::default();
    let mut keys: Vec<Option<&str>> = Vec::new();
    let row_keys: Vec<u32> = frame
        .column("__key")
        .ctx(context)?
        .str()
        .ctx(context)?
        .iter()
        .map(|key| {
            *numbers.entry(key).or_insert_with(|| {
                keys.push(key);
                keys.len() as u32 - 1
            })
        })
        .collect();
    // For each mask, its count by key number.
    let mut by_mask = Vec::with_capacity(N);
    for i in 0..N {
        let mask = frame
            .column(&format!("__mask{i}"))
            .ctx(context)?
            .bool()
            .ctx(context)?;
        let mut counts = vec![0u64; keys.len()];
        each_row_where(mask, |row| counts[row_keys[row] as usize] += 1);
        by_mask.push(counts);
    }
    let mut by_key: BTreeMap<String, [u64; N]> = BTreeMap::new();
    for (k, key) in keys.into_iter().enumerate() {
        let counts: [u64; N] = std::array::from_fn(|i| by_mask[i][k]);
        if counts.iter().all(|&n| n == 0) {
            continue;
        }
        // A blank key joins any written "Not recorded".
        let sums = by_key
            .entry(key.map_or_else(|| NOT_RECORDED.to_string(), str::to_string))
            .or_insert([0; N]);
        for (sum, n) in sums.iter_mut().zip(counts) {
            *sum += n;
        }
    }
    Ok(by_key)
}

/// Rows where `mask` holds, grouped by a text `key` (blank keys as "Not recorded").
fn count_by(t: &DataFrame, key: Expr, mask: Expr) -> Result<BTreeMap<String, u64>> {
    Ok(sums_by_text(t, key, [mask])?
        .into_iter()
        .map(|(key, [n])| (key, n))
        .filter(|(_, n)| *n > 0)
        .collect())
}

/// Complaints received in the period by category, per stage, and stage responses in the period
/// (both stages) by category and outcome: one grouping by category.
pub(super) fn by_category(
    t: &DataFrame,
) -> Result<(BTreeMap<String, StageCounts>, BTreeMap<String, Outcomes>)> {
    let responses = |stage: Stage| {
        [
            Mask::RespondedIn,
            Mask::Upheld,
            Mask::PartlyUpheld,
            Mask::NotUpheld,
            Mask::NoOutcome,
        ]
        .map(|mask| mask.col(stage))
    };
    let [r1, r2] = Stage::BOTH.map(|stage| Mask::ReceivedIn.col(stage));
    let [t1, u1, p1, n1, m1] = responses(Stage::One);
    let [t2, u2, p2, n2, m2] = responses(Stage::Two);
    let masks = [r1, r2, t1, u1, p1, n1, m1, t2, u2, p2, n2, m2];
    let groups = sums_by_text(t, col(Field::Category.name()), masks)?;
    let mut categories: BTreeMap<String, StageCounts> = BTreeMap::new();
    let mut outcomes: BTreeMap<String, Outcomes> = BTreeMap::new();
    for (name, sums) in groups {
        let [r1, r2, t1, u1, p1, n1, m1, t2, u2, p2, n2, m2] = sums;
        if r1 + r2 > 0 {
            categories.insert(
                name.clone(),
                StageCounts {
                    stage1: r1,
                    stage2: r2,
                },
            );
        }
        if t1 + t2 > 0 {
            let o = outcomes.entry(name).or_default();
            for [total, upheld, partly_upheld, not_upheld, missing] in
                [[t1, u1, p1, n1, m1], [t2, u2, p2, n2, m2]]
            {
                o.upheld += upheld;
                o.partly_upheld += partly_upheld;
                o.not_upheld += not_upheld;
                o.other += total - upheld - partly_upheld - not_upheld;
                o.not_recorded += missing;
            }
        }
    }
    Ok((categories, outcomes))
}

/// Stage-1 complaints received in the period by channel.
pub(super) fn channels(t: &DataFrame) -> Result<BTreeMap<String, u64>> {
    count_by(t, col(Field::Channel.name()), Mask::ReceivedIn.col(Stage::One))
}

/// Complaints refused, received in the period, by reason.
pub(super) fn refused(t: &DataFrame, p: Period) -> Result<Refused> {
    let in_period = between(col(Field::Received.name()), date_lit(p.start), date_lit(p.end));
    let by_reason = count_by(t, col(Field::RefusalReason.name()), col(REFUSED).and(in_period))?;
    Ok(Refused {
        total: by_reason.values().sum(),
        by_reason,
    })
}

/// Stage-1 complaints received in the period by the Code version they are judged under.
pub(super) fn ask_code_versions(batch: &mut Batch) -> [Count; 2] {
    CodeVersion::ALL.map(|version| {
        batch.count(
            Mask::ReceivedIn
                .col(Stage::One)
                .and(col(CODE_VERSION).eq(lit(version.name()))),
        )
    })
}

/// Each stage's responses in the period by the Code they were judged by.
pub(super) fn ask_code_versions_responded(batch: &mut Batch) -> [[Count; 2]; 2] {
    Stage::BOTH.map(|stage| {
        CodeVersion::ALL.map(|version| {
            batch.count(
                Mask::RespondedIn
                    .col(stage)
                    .and(col(StageColumn::CodeVersion.name(stage)).eq(lit(version.name()))),
            )
        })
    })
}

pub(super) fn code_versions(a: &Answers, asked: [Count; 2]) -> BTreeMap<String, u64> {
    CodeVersion::ALL
        .into_iter()
        .zip(asked)
        .map(|(version, count)| (version.name().to_string(), a.count(count)))
        .filter(|(_, n)| *n > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_by_text_count_each_mask_by_key_with_blank_keys_as_not_recorded() {
        let t = df![
            "key" => [Some("Repairs"), None, Some("Repairs"), Some("Not recorded"), Some("Noise"), Some("Damp"), None],
            "a" => [Some(true), Some(true), Some(true), Some(true), Some(false), Some(false), None],
            "b" => [Some(false), Some(true), Some(true), Some(false), None, Some(false), Some(true)],
        ]
        .unwrap();
        let sums = sums_by_text(&t, col("key"), [col("a"), col("b")]).unwrap();
        // "Damp" and "Noise" have no row where a mask holds (a missing mask is not a hold).
        assert_eq!(sums.keys().collect::<Vec<_>>(), ["Not recorded", "Repairs"]);
        assert_eq!(sums["Repairs"], [2, 1]);
        // The two blank keys and the written "Not recorded" are one group.
        assert_eq!(sums["Not recorded"], [2, 2]);
        let counts = count_by(&t, col("key"), col("b")).unwrap();
        assert_eq!(
            counts,
            BTreeMap::from([("Not recorded".to_string(), 2), ("Repairs".to_string(), 1)])
        );
    }
}
