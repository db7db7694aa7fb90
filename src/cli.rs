//! The command line (clap derive). Subcommand and flag names are a contract: see README.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::period::Quarter;
use crate::pipeline::Request;

#[derive(Debug, Parser)]
#[command(
    name = "complaints-report",
    version,
    about = "Complaint Handling Code and TSM reports from complaint case exports"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Colour on standard output: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// No status lines ("wrote …") or progress; data, warnings and errors are still printed.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check an export: rows read, included and excluded (with reasons), warnings, columns used.
    Validate(ValidateArgs),
    /// Compute the Code, 8.1 and TSM figures for a period (JSON for scripts, text for people).
    Metrics(MetricsArgs),
    /// Write the annual complaints performance and service improvement report (Code 8.1):
    /// board and web editions, metrics.json, report-data.json, charts and data-quality.csv.
    Annual(AnnualArgs),
    /// Write the quarterly report to the governing body (Code 9.7) for a quarter of the year.
    Quarterly(QuarterlyArgs),
    /// Start a landlord's set-up: a starter config, narrative files, a self-assessment and the templates.
    Init(InitArgs),
    /// Run SQL over the table `complaints` (the normalised complaints with each stage's judgement).
    Query(QueryArgs),
    /// Write the complaints table as CSV, Parquet or XLSX (XLSX adds the exclusions ledger).
    Export(ExportArgs),
    /// Print the headline figures and the top categories.
    Summary(SummaryArgs),
    /// Write a fictional landlord's exports (the sample data, or large files for benchmarks).
    GenerateSample(GenerateArgs),
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
    #[command(flatten)]
    pub period: PeriodArgs,
    #[arg(long, value_enum, default_value_t = MetricsFormat::Json)]
    pub format: MetricsFormat,
}

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum MetricsFormat {
    #[default]
    Json,
    Text,
}

/// `--period` and `--as-at`, for every command that reports on a period.
#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// Financial year to report, e.g. 2024/25 (default: [report] in the config).
    #[arg(long)]
    pub period: Option<String>,
    /// Snapshot date for open cases, yyyy-mm-dd (default: [report] as_at, else the period end).
    #[arg(long, value_name = "DATE")]
    pub as_at: Option<String>,
}

impl PeriodArgs {
    /// What the pipeline is asked for.
    pub fn request(&self) -> Request<'_> {
        Request {
            period: self.period.as_deref(),
            as_at: self.as_at.as_deref(),
        }
    }
}

/// Options shared by the report commands.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Refuse (exit 2) while anything is still a placeholder, instead of stamping DRAFT.
    #[arg(long = "final")]
    pub final_: bool,
    /// Folder for the outputs (created if needed).
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// A customised copy of the templates (from `init`); files it lacks fall back to the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AnnualArgs {
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct QuarterlyArgs {
    #[command(flatten)]
    pub report: ReportArgs,
    /// The quarter of the configured year: Q1 is its first three months.
    #[arg(long, value_enum, ignore_case = true)]
    pub quarter: QuarterArg,
}

/// `--quarter`: a quarter of the reporting year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QuarterArg {
    Q1,
    Q2,
    Q3,
    Q4,
}

impl From<QuarterArg> for Quarter {
    fn from(q: QuarterArg) -> Quarter {
        match q {
            QuarterArg::Q1 => Quarter::Q1,
            QuarterArg::Q2 => Quarter::Q2,
            QuarterArg::Q3 => Quarter::Q3,
            QuarterArg::Q4 => Quarter::Q4,
        }
    }
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to set up (created if needed); existing files are never overwritten.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// table, csv or json; by default from the --out file's extension (.csv, .json), else table.
    #[arg(long, value_enum)]
    pub format: Option<QueryFormat>,
    /// The file to write the answer to; "-" (the default) is standard output.
    #[arg(long, value_name = "FILE", default_value = "-")]
    pub out: PathBuf,
    /// CSV: write text cells that begin with = + - @ as they are, for programs rather than
    /// spreadsheets (by default they get a leading apostrophe, so no cell runs as a formula).
    #[arg(long)]
    pub no_formula_guard: bool,
    /// Carry every export column no field uses into the table, as text, under its header
    /// (`[input] keep_unmapped` names some to carry on every run).
    #[arg(long)]
    pub keep_unmapped: bool,
    /// A value for `$name` in the query (repeatable): numbers as numbers, anything else as
    /// quoted text, e.g. --param from=2024-04-01 --param category="Damp and mould".
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// The query, e.g. "SELECT category, count(*) FROM complaints GROUP BY category".
    pub sql: String,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum QueryFormat {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// csv, parquet or xlsx; by default from the --out file's extension.
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// The file to write; "-" is standard output.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// CSV: write text cells that begin with = + - @ as they are, for programs rather than
    /// spreadsheets (by default they get a leading apostrophe, so no cell runs as a formula).
    #[arg(long)]
    pub no_formula_guard: bool,
    /// Carry every export column no field uses into the table, as text, under its header
    /// (`[input] keep_unmapped` names some to carry on every run).
    #[arg(long)]
    pub keep_unmapped: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Parquet,
    Xlsx,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub period: PeriodArgs,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Folder to write into (created if needed).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Complaints received per financial year.
    #[arg(long, default_value_t = 2000)]
    pub complaints_per_year: usize,
    /// Financial years, comma separated.
    #[arg(long, default_value = "2023/24,2024/25", value_delimiter = ',')]
    pub years: Vec<String>,
    /// The day the export was taken: later events are not in it.
    #[arg(long, default_value = "2025-04-07")]
    pub extracted_on: String,
    #[arg(long, default_value_t = 20250407)]
    pub seed: u64,
    /// sample: first year as XLSX, later years as a Datix CSV; csv / xlsx: one file of all years.
    #[arg(long, value_enum, default_value_t = SampleLayout::Sample)]
    pub layout: SampleLayout,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SampleLayout {
    Sample,
    Csv,
    Xlsx,
}
