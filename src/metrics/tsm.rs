//! The Regulator's Tenant Satisfaction Measures for complaints, by tenure: CH01 (complaints per
//! 1,000 homes) and CH02 (responses within the Code's timescales).

use std::collections::BTreeMap;

use polars::prelude::*;

use super::batch::{Answers, Batch, Count};
use super::masks::Mask;
use super::{TsmFigures, pct, per_1000};
use crate::domain::canonical::Field;
use crate::domain::homes::{Homes, Stock};
use crate::domain::stage::Stage;

/// The TSM tenure groups: low cost rental (LCRA) and low cost home ownership (LCHO).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tenure {
    Lcra,
    Lcho,
}

impl Tenure {
    pub(super) const BOTH: [Tenure; 2] = [Tenure::Lcra, Tenure::Lcho];

    /// The value of the `tenure` column, and the key of the `tsm` JSON.
    pub(super) fn name(self) -> &'static str {
        match self {
            Tenure::Lcra => "LCRA",
            Tenure::Lcho => "LCHO",
        }
    }

    /// The column flagging each complaint of this tenure (see [`tenure_columns`]).
    fn column(self) -> &'static str {
        match self {
            Tenure::Lcra => "__lcra",
            Tenure::Lcho => "__lcho",
        }
    }

    /// The flag, read from its column.
    pub(super) fn col(self) -> Expr {
        col(self.column())
    }

    fn homes(self, homes: Homes) -> u64 {
        match self {
            Tenure::Lcra => homes.lcra(),
            Tenure::Lcho => homes.lcho(),
        }
    }
}

/// Whether each complaint is LCRA, and whether LCHO, as columns for the TSM split (every other
/// tenure is neither). With a plain `homes = n` and no tenure column, every complaint is LCRA.
pub(super) fn tenure_columns(t: &DataFrame, homes: Option<Homes>, warnings: &mut Vec<String>) -> [Expr; 2] {
    let all_unknown = t
        .column(Field::Tenure.name())
        .map(|c| c.null_count() == c.len())
        .unwrap_or(true);
    let plain_homes = matches!(homes, Some(Homes::All(_)));
    if all_unknown && !plain_homes {
        warnings.push("no tenure column: the TSM figures by LCRA/LCHO cannot be split; map [columns] tenure or give a plain homes = n (all LCRA)".into());
    }
    Tenure::BOTH.map(|tenure| {
        let flag = match all_unknown && plain_homes {
            true => lit(tenure == Tenure::Lcra),
            false => col(Field::Tenure.name())
                .eq(lit(tenure.name()))
                .fill_null(lit(false)),
        };
        flag.alias(tenure.column())
    })
}

/// The counts one tenure's figures are read from.
pub(super) struct TsmCounts {
    tenure: Tenure,
    received: [Count; 2],
    responded: [Count; 2],
    within: [Count; 2],
    within_base: [Count; 2],
}

impl TsmCounts {
    pub(super) fn ask(batch: &mut Batch, tenure: Tenure) -> TsmCounts {
        let mut per_stage =
            |mask: Mask| Stage::BOTH.map(|stage| batch.count(mask.col(stage).and(tenure.col())));
        TsmCounts {
            tenure,
            received: per_stage(Mask::ReceivedIn),
            responded: per_stage(Mask::RespondedIn),
            within: per_stage(Mask::Within),
            within_base: per_stage(Mask::WithinBase),
        }
    }

    fn figures(&self, a: &Answers, stock: Option<Stock>) -> TsmFigures {
        let [r1, r2] = self.received.map(|c| a.count(c));
        let [d1, d2] = self.responded.map(|c| a.count(c));
        let [w1, w2] = self.within.map(|c| a.count(c));
        let [b1, b2] = self.within_base.map(|c| a.count(c));
        let homes = stock.map(|s| self.tenure.homes(s.homes));
        let rate = |n: u64| homes.and_then(|h| per_1000(n, h));
        TsmFigures {
            homes,
            stock_date: stock.map(|s| s.counted_on),
            stage1_received: r1,
            stage2_received: r2,
            CH01_stage1_per_1000: rate(r1),
            CH01_stage2_per_1000: rate(r2),
            stage1_responded: d1,
            stage2_responded: d2,
            stage1_within: w1,
            stage2_within: w2,
            CH02_stage1_pct: pct(w1, d1),
            CH02_stage2_pct: pct(w2, d2),
            CH02_stage1_base_only_pct: pct(b1, d1),
            CH02_stage2_base_only_pct: pct(b2, d2),
        }
    }
}

/// Both tenures' figures, keyed by their names.
pub(super) fn tsm(a: &Answers, asked: &[TsmCounts], stock: Option<Stock>) -> BTreeMap<String, TsmFigures> {
    asked
        .iter()
        .map(|counts| (counts.tenure.name().to_string(), counts.figures(a, stock)))
        .collect()
}
