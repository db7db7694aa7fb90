//! The library's error type. Every variant names what the user must look at and how to fix it;
//! the binary maps variants to the exit codes pinned in the README.

use std::path::PathBuf;

/// Result alias used across the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration file is missing, unreadable or invalid.
    #[error("config {path}: {message}")]
    Config { path: PathBuf, message: String },

    /// A file could not be opened or read (not found, permission denied, ...).
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The file was read but is not a table we can analyse (binary noise, corrupt workbook,
    /// no header row, empty file).
    #[error("{path}: {message}")]
    NotATable { path: PathBuf, message: String },

    /// A required column (reference or received date) was not found.
    #[error("{path}: {message}")]
    MissingColumn { path: PathBuf, message: String },

    /// Every data row was excluded, so nothing can be analysed.
    #[error("no usable rows: {message}")]
    NoUsableRows { message: String },

    /// A deadline the working-day calendar cannot compute.
    #[error("calendar: {0}")]
    Calendar(String),

    /// A report template failed to compile (file:line: message).
    #[error("{0}")]
    Template(String),

    /// Invalid command-line usage that clap could not catch (e.g. a bad --period).
    #[error("{0}")]
    Usage(String),

    /// `--final` with parts of the report still placeholders.
    #[error("not final: these parts of the report are still placeholders:\n  - {}\nfill them in, or run without --final to get a DRAFT", .0.join("\n  - "))]
    NotFinal(Vec<String>),

    /// Writing an output failed.
    #[error("could not write {path}: {message}")]
    Output { path: PathBuf, message: String },

    /// An internal data-frame operation failed; this is a bug, not a data problem.
    #[error("internal error in {context}: {source}")]
    Polars {
        context: &'static str,
        #[source]
        source: polars::error::PolarsError,
    },
}

impl Error {
    /// Exit code contract (README, "Exit codes"): 2 = the data cannot be analysed as given
    /// (missing required column, no usable row, not a table, invalid config or usage);
    /// 1 = other I/O and internal errors.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Config { .. }
            | Error::NotATable { .. }
            | Error::MissingColumn { .. }
            | Error::NoUsableRows { .. }
            | Error::Calendar(_)
            | Error::Usage(_)
            | Error::NotFinal(_) => 2,
            Error::Io { .. } | Error::Output { .. } | Error::Polars { .. } | Error::Template(_) => 1,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn not_a_table(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::NotATable {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Attaches a short context to polars errors, which otherwise say nothing about where they came from.
pub(crate) trait PolarsContext<T> {
    fn ctx(self, context: &'static str) -> Result<T>;
}

impl<T> PolarsContext<T> for polars::error::PolarsResult<T> {
    fn ctx(self, context: &'static str) -> Result<T> {
        self.map_err(|source| Error::Polars { context, source })
    }
}
