//! The command layer: one module per subcommand. Each `run` parses nothing (clap did), calls
//! the pipeline and the report, prints, and returns the process exit code or a library error.
//! What two commands share lives in `output` or below the commands, never in a sibling.

pub mod annual;
pub mod export;
pub mod generate_sample;
pub mod init;
pub mod metrics;
mod output;
mod progress;
pub mod quarterly;
pub mod query;
pub mod summary;
pub mod terminal;
pub mod validate;

use crate::cli::InputArgs;
use crate::error::Result;
use crate::ingest::Fingerprints;
use crate::pipeline::{Analysis, Pipeline, Request};
use progress::Progress;

/// Every stage, for a subcommand that reads exports, with progress shown on a terminal.
fn analyse(args: &InputArgs, request: Request, fingerprints: Fingerprints) -> Result<Analysis> {
    run(Pipeline::open(&args.config, &args.inputs)?, request, fingerprints)
}

/// Every stage, making the table analysts query and export (`all_unmapped`: `--keep-unmapped`).
fn analyse_for_analysts(args: &InputArgs, request: Request, all_unmapped: bool) -> Result<Analysis> {
    let pipeline = Pipeline::open(&args.config, &args.inputs)?.for_analysts(all_unmapped);
    run(pipeline, request, Fingerprints::NotPrinted)
}

fn run(pipeline: Pipeline, request: Request, fingerprints: Fingerprints) -> Result<Analysis> {
    let progress = Progress::for_inputs(pipeline.files());
    let analysis = pipeline.analyse(request, fingerprints, &progress);
    progress.finish();
    analysis
}
