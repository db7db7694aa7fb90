//! One module per subcommand. Each `run` returns the process exit code or a library error.

pub mod generate_sample;
pub mod validate;

use crate::cli::InputArgs;
use crate::config::Config;
use crate::error::Result;
use crate::ingest::{self, ReadOptions};
use crate::mapping::ColumnMatcher;
use crate::normalise::{self, Normalised};

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
