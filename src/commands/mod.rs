//! One module per subcommand. Each `run` returns the process exit code or a library error.

pub mod generate_sample;
pub mod metrics;
pub mod validate;

use crate::classify::{self, Rules};
use crate::cli::InputArgs;
use crate::config::Config;
use crate::error::Result;
use crate::ingest::{self, ReadOptions};
use crate::mapping::ColumnMatcher;
use crate::metrics::{self as figures, Metrics};
use crate::normalise::{self, Normalised};
use chrono::NaiveDate;

/// ingest → normalise, the start of every subcommand that reads exports.
pub fn load(args: &InputArgs) -> Result<(Config, Normalised)> {
    let config = Config::load(&args.config)?;
    let files = config.input_files(&args.inputs)?;
    let matcher = ColumnMatcher::new(&config.columns);
    let options = ReadOptions {
        sheet: config.input.sheet.as_ref(),
        header_row: config.input.header_row,
        matcher: &matcher,
    };
    let raws = ingest::ingest(&files, &options)?;
    let normalised = normalise::normalise(&raws, &config)?;
    Ok((config, normalised))
}

/// Everything a report needs: the config, the canonical table, the classified table, the figures.
pub struct Analysis {
    pub config: Config,
    pub normalised: Normalised,
    pub classified: polars::prelude::DataFrame,
    pub metrics: Metrics,
}

/// ingest → normalise → classify → metrics.
pub fn analyse(args: &InputArgs, period: Option<&str>, as_at: Option<&str>) -> Result<Analysis> {
    let (config, normalised) = load(args)?;
    let as_at = as_at
        .map(|d| {
            crate::config::parse_config_date(d).map_err(|m| crate::Error::Usage(format!("--as-at: {m}")))
        })
        .transpose()?;
    let period = config.period(period, as_at)?;
    let calendar = config.calendar()?;
    let rules = Rules {
        response_clock: config.timeliness.response_clock,
        code_2024_from: config
            .timeliness
            .code_2024_from
            .unwrap_or(NaiveDate::from_ymd_opt(2024, 4, 1).expect("valid date")),
        as_at: period.as_at,
    };
    let classified = classify::classify(normalised.complaints.clone(), &calendar, &rules)?;
    let metrics = figures::compute(
        &classified,
        &normalised.quality,
        &config,
        &calendar,
        &rules,
        period,
    )?;
    Ok(Analysis {
        config,
        normalised,
        classified,
        metrics,
    })
}
