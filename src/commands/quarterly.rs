//! `quarterly`: the Code 9.7 report to the governing body for one quarter.

use crate::cli::QuarterlyArgs;
use crate::error::Result;
use crate::report::{Edition, ReportInputs, build_quarterly};

pub fn run(args: &QuarterlyArgs) -> Result<i32> {
    crate::report::world::warm_up_in_background();
    let analysis = super::analyse(&args.report.input, None, None, super::Fingerprints::Printed)?;
    let inputs = ReportInputs::load(&analysis)?;
    let suppression = super::annual::suppression(&analysis);
    let templates = super::annual::templates(&args.report)?;
    let label = format!("{}-{:?}", analysis.metrics.period.label, args.quarter);
    let editions = [Edition::Board, Edition::Web].map(|edition| {
        build_quarterly(&analysis, &inputs, args.quarter, edition, &suppression).map(|data| (edition, data))
    });
    let written: Vec<_> = super::annual::compile_editions(
        &args.report.out,
        &templates,
        "quarterly.typ",
        &format!("quarterly-report-{label}"),
        "quarterly-data",
        editions,
    )?
    .into_iter()
    .flatten()
    .collect();
    super::annual::report_written(&written, &[]);
    Ok(0)
}
