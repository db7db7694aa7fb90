//! The command line (clap derive). Subcommand and flag names are a contract: see README.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "complaints-report",
    version,
    about = "Complaint Handling Code and TSM reports from complaint case exports"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check an export: rows read, included and excluded (with reasons), warnings, columns used.
    Validate(ValidateArgs),
    /// Compute the Code, 8.1 and TSM figures for a period (JSON for scripts, text for people).
    Metrics(MetricsArgs),
    /// Write a fictional landlord's exports (the sample data, or large files for benchmarks).
    GenerateSample(crate::commands::generate_sample::GenerateArgs),
}

/// The config file and the input files, shared by every subcommand that reads exports.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// The configuration file (TOML).
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// An export to read instead of [input] files; repeat for several files.
    #[arg(long = "input", value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// text (for people) or json (for scripts).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct MetricsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Financial year to report, e.g. 2024/25 (default: [report] in the config).
    #[arg(long)]
    pub period: Option<String>,
    /// Snapshot date for open cases, yyyy-mm-dd (default: [report] as_at, else the period end).
    #[arg(long, value_name = "DATE")]
    pub as_at: Option<String>,
    #[arg(long, value_enum, default_value_t = MetricsFormat::Json)]
    pub format: MetricsFormat,
}

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum MetricsFormat {
    #[default]
    Json,
    Text,
}
