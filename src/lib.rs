//! complaints-report: turns a social landlord's complaint case export into the Housing
//! Ombudsman Complaint Handling Code (2024) reports and the TSM complaint figures.
//!
//! The pipeline, one module per stage: [`ingest`] (read CSV/XLSX into raw text tables) →
//! [`normalise`] (map columns, type cells, exclusions ledger → the [`canonical`] complaints table).
//! Subcommands live in [`commands`], one module each; [`cli`] defines the command line.

pub mod calendar;
pub mod canonical;
pub mod charts;
pub mod classify;
pub mod cli;
pub mod commands;
pub mod compact;
pub mod config;
pub mod error;
pub mod gather;
pub mod ingest;
pub mod mapping;
pub mod metrics;
pub mod normalise;
pub mod parallel;
pub mod report;
pub mod sample;
pub mod timings;

pub use error::{Error, Result};
