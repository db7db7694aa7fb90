//! The homes a landlord owns, by the Regulator's tenure groups: the CH01 denominators.

use chrono::NaiveDate;

/// Homes owned, by tenure group. A plain `homes = n` in the config is all LCRA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Homes {
    All(u64),
    ByTenure { lcra: u64, lcho: u64 },
}

impl Homes {
    /// Low cost rental accommodation.
    pub fn lcra(&self) -> u64 {
        match *self {
            Homes::All(n) => n,
            Homes::ByTenure { lcra, .. } => lcra,
        }
    }

    /// Low cost home ownership.
    pub fn lcho(&self) -> u64 {
        match *self {
            Homes::All(_) => 0,
            Homes::ByTenure { lcho, .. } => lcho,
        }
    }
}

/// Homes owned on a date: one year's CH01 denominators and the date the stock was counted
/// (the Regulator's basis is the stock at the year end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stock {
    pub homes: Homes,
    pub counted_on: NaiveDate,
}
