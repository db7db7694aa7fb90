//! The homes a landlord owns, by the Regulator's tenure groups: the CH01 denominators.

use serde::Deserialize;

/// `[homes]` in the config: a table by tenure, or a plain number (all LCRA).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Homes {
    All(u64),
    ByTenure {
        #[serde(rename = "LCRA", default)]
        lcra: u64,
        #[serde(rename = "LCHO", default)]
        lcho: u64,
    },
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
