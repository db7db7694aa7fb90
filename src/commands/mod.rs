//! One module per subcommand. Each `run` returns the process exit code or a library error.

pub mod annual;
pub mod export;
pub mod generate_sample;
pub mod init;
pub mod metrics;
mod progress;
pub mod quarterly;
pub mod query;
pub mod summary;
pub mod validate;

use progress::Progress;

use crate::classify::{self, Rules};
use crate::cli::InputArgs;
use crate::config::Config;
use crate::error::Result;
use crate::ingest::{self, ReadOptions};
use crate::mapping::ColumnMatcher;
use crate::metrics::{self as figures, Metrics};
use crate::normalise::{self, Normalised};
use crate::timings::step;

pub use crate::ingest::Fingerprints;

/// ingest → normalise, the start of every subcommand that reads exports.
pub fn load(args: &InputArgs, fingerprints: Fingerprints) -> Result<(Config, Normalised)> {
    let progress = Progress::for_args(args);
    let loaded = load_with(args, fingerprints, &progress);
    progress.finish();
    loaded
}

fn load_with(
    args: &InputArgs,
    fingerprints: Fingerprints,
    progress: &Progress,
) -> Result<(Config, Normalised)> {
    let config = Config::load(&args.config)?;
    let files = config.input_files(&args.inputs)?;
    progress.stage("reading the exports");
    let matcher = ColumnMatcher::new(&config.columns);
    let options = ReadOptions {
        sheet: config.input.sheet.as_ref(),
        header_row: config.input.header_row,
        matcher: &matcher,
        fingerprints,
    };
    let raws = step("ingest", || ingest::ingest(&files, &options))?;
    progress.stage("normalising");
    let normalised = step("normalise", || normalise::normalise(raws, &config))?;
    Ok((config, normalised))
}

/// Everything a report needs: the config, the canonical table, the classified table, the figures.
pub struct Analysis {
    pub config: Config,
    /// SHA-256 of the config file, for the methodology appendix.
    pub config_sha256: String,
    pub normalised: Normalised,
    pub classified: polars::prelude::DataFrame,
    pub calendar: crate::calendar::Calendar,
    pub rules: Rules,
    pub metrics: Metrics,
}

/// ingest → normalise → classify → metrics.
pub fn analyse(
    args: &InputArgs,
    period: Option<&str>,
    as_at: Option<&str>,
    fingerprints: Fingerprints,
) -> Result<Analysis> {
    let progress = Progress::for_args(args);
    let (config, normalised) = load_with(args, fingerprints, &progress)?;
    let as_at = as_at
        .map(|d| {
            crate::config::parse_config_date(d).map_err(|m| crate::Error::Usage(format!("--as-at: {m}")))
        })
        .transpose()?;
    let period = config.period(period, as_at)?;
    let calendar = config.calendar()?;
    let rules = Rules::from_config(&config, period.as_at);
    progress.stage("classifying against the Code");
    let classified = step("classify", || {
        classify::classify(normalised.complaints.clone(), &calendar, &rules)
    })?;
    progress.stage("computing the figures");
    let metrics = step("metrics", || {
        figures::compute(
            &classified,
            &normalised.quality,
            &config,
            &calendar,
            &rules,
            period,
        )
    })?;
    progress.finish();
    let config_bytes = std::fs::read(&config.path).map_err(|e| crate::Error::io(&config.path, e))?;
    Ok(Analysis {
        config_sha256: ingest::sha256_hex(&config_bytes),
        config,
        normalised,
        classified,
        calendar,
        rules,
        metrics,
    })
}

/// Refuses to write over one of the run's input files (or its config).
pub fn check_not_input(path: &std::path::Path, analysis: &Analysis) -> Result<()> {
    let canonical = |p: &std::path::Path| {
        let parent = p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        std::fs::canonicalize(parent)
            .ok()
            .map(|d| d.join(p.file_name().unwrap_or_default()))
    };
    let target = canonical(path);
    let inputs = analysis
        .normalised
        .quality
        .files
        .iter()
        .map(|f| std::path::PathBuf::from(&f.file))
        .chain(std::iter::once(analysis.config.path.clone()));
    for input in inputs {
        if target.is_some() && canonical(&input) == target {
            return Err(crate::Error::Usage(format!(
                "{} is an input of this run: choose another output name or --out folder",
                path.display()
            )));
        }
    }
    Ok(())
}

/// Writes a file through a temporary file renamed into place, so a reader never sees half a
/// file and an interrupted run leaves the old one intact.
pub fn write_output(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let failed = |e: std::io::Error| crate::Error::Output {
        path: path.to_path_buf(),
        message: format!("{e}; check the --out folder exists and can be written"),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".partial");
    std::fs::write(&temporary, bytes).map_err(failed)?;
    std::fs::rename(&temporary, path).map_err(failed)
}

/// The table analysts query and export: the canonical columns plus each stage's judgement.
pub fn complaints_table(analysis: &Analysis) -> Result<polars::prelude::DataFrame> {
    use polars::prelude::*;
    let mut columns: Vec<Expr> = crate::canonical::Field::CANONICAL
        .iter()
        .map(|f| col(f.name()))
        .collect();
    columns.push(col("code_version"));
    for k in [1u8, 2] {
        for name in classify::ANALYST_COLUMNS {
            columns.push(col(classify::stage_col(k, name).as_str()));
        }
    }
    columns.push(col(crate::canonical::SOURCE_FILE));
    columns.push(col(crate::canonical::SOURCE_ROW));
    crate::error::PolarsContext::ctx(
        analysis.classified.clone().lazy().select(columns).collect(),
        "selecting the complaints table",
    )
}
