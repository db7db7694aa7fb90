//! complaints-report: turns a social landlord's complaint case export into the Housing
//! Ombudsman Complaint Handling Code (2024) reports and the TSM complaint figures.
//!
//! The [`pipeline`] chains the stages, each a module: [`ingest`] (read CSV/XLSX into raw text
//! tables) → [`normalise`] (map columns, type cells, exclusions ledger → the canonical
//! complaints table) → [`classify`] (every stage judged against the Code in working days) →
//! [`metrics`] (the figures). The [`report`] turns figures into documents. [`domain`] is the
//! vocabulary they share; [`commands`] and [`cli`] are the command line's.
//!
//! `unsafe` is denied here and allowed only in the files that need it for speed or for the
//! operating system: `columnar/compact.rs`, `ingest/source.rs`, `ingest/strict/scan.rs` and
//! `trace.rs` (README, "Development").
#![deny(unsafe_code)]
#![warn(unreachable_pub)]

pub mod classify;
pub mod cli;
pub(crate) mod columnar;
pub mod commands;
pub mod config;
pub(crate) mod digest;
pub mod domain;
pub mod error;
pub mod ingest;
pub(crate) mod mapping;
pub mod metrics;
pub mod normalise;
pub mod observe;
pub mod pipeline;
pub mod report;
pub mod sample;
pub mod trace;

pub use error::{Error, Result};
