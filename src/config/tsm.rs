//! The inputs of the TSM complaint measures: `[homes]` (the CH01 denominators, this year and
//! last) and `[tsm]` (TP09 from the tenant survey; last year's measures as published).

use chrono::NaiveDate;
use serde::Deserialize;

use super::opt_date;
use crate::domain::homes::{Homes, Stock};
use crate::domain::period::Period;

/// `[tsm]`: the perception measure TP09, which comes from the tenant survey, not case data;
/// and the prior year's measures as they were published.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
pub struct TsmSection {
    pub TP09_LCRA: Option<f64>,
    pub TP09_LCHO: Option<f64>,
    pub TP09_prior_LCRA: Option<f64>,
    pub TP09_prior_LCHO: Option<f64>,
    /// Survey method and sample, printed with the figure.
    pub TP09_note: Option<String>,
    /// `[tsm.published_prior.LCRA]` and `.LCHO`: last year's CH01/CH02 as submitted to the
    /// Regulator, shown beside the figures recomputed from this export.
    #[serde(default)]
    pub published_prior: PublishedPrior,
}

/// The prior year's TSM complaint measures as published, by tenure.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedPrior {
    #[serde(rename = "LCRA")]
    pub lcra: Option<PublishedMeasures>,
    #[serde(rename = "LCHO")]
    pub lcho: Option<PublishedMeasures>,
}

/// CH01(1), CH01(2), CH02(1) and CH02(2) as published (per 1,000 homes; per cent).
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
pub struct PublishedMeasures {
    pub CH01_1: Option<f64>,
    pub CH01_2: Option<f64>,
    pub CH02_1: Option<f64>,
    pub CH02_2: Option<f64>,
}

impl PublishedPrior {
    /// One tenure's published measures ("LCRA" or "LCHO").
    pub fn tenure(&self, name: &str) -> Option<&PublishedMeasures> {
        match name {
            "LCRA" => self.lcra.as_ref(),
            "LCHO" => self.lcho.as_ref(),
            _ => None,
        }
    }
}

/// `[homes]`: a plain `homes = n` (all LCRA), or a table by tenure with the date the stock was
/// counted and `[homes.prior]` for the year before.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(untagged)]
pub enum HomesSection {
    Plain(u64),
    Table(HomesTable),
}

/// `[homes]` as a table.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HomesTable {
    #[serde(rename = "LCRA", default)]
    pub lcra: u64,
    #[serde(rename = "LCHO", default)]
    pub lcho: u64,
    /// When the stock was counted (default: the period end).
    #[serde(default, deserialize_with = "opt_date")]
    pub as_at: Option<NaiveDate>,
    /// `[homes.prior]`: the prior year's stock, for the prior year's CH01.
    pub prior: Option<PriorHomes>,
}

/// `[homes.prior]`: homes owned at the end of the prior year.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorHomes {
    #[serde(rename = "LCRA", default)]
    pub lcra: u64,
    #[serde(rename = "LCHO", default)]
    pub lcho: u64,
    /// When it was counted (default: the prior period's end).
    #[serde(default, deserialize_with = "opt_date")]
    pub as_at: Option<NaiveDate>,
}

/// Each year's stock: the CH01 denominators for the period and for the year before.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stocks {
    pub this_year: Option<Stock>,
    pub prior_year: Option<Stock>,
}

impl HomesSection {
    /// The stock for `period` and its prior year (counted at each period's end unless dated).
    pub fn stocks(&self, period: Period) -> Stocks {
        match *self {
            HomesSection::Plain(n) => Stocks {
                this_year: Some(Stock {
                    homes: Homes::All(n),
                    counted_on: period.end,
                }),
                prior_year: None,
            },
            HomesSection::Table(t) => Stocks {
                this_year: Some(Stock {
                    homes: Homes::ByTenure {
                        lcra: t.lcra,
                        lcho: t.lcho,
                    },
                    counted_on: t.as_at.unwrap_or(period.end),
                }),
                prior_year: t.prior.map(|p| Stock {
                    homes: Homes::ByTenure {
                        lcra: p.lcra,
                        lcho: p.lcho,
                    },
                    counted_on: p.as_at.unwrap_or(period.prior().end),
                }),
            },
        }
    }
}
