//! `quarterly`: the Code 9.7 report to the governing body for one quarter.

use crate::cli::QuarterlyArgs;
use crate::error::Result;
use crate::report::{Edition, ReportInputs, build_quarterly};

pub fn run(args: &QuarterlyArgs) -> Result<i32> {
    let analysis = super::analyse(&args.report.input, None, None)?;
    let inputs = ReportInputs::load(&analysis)?;
    let suppression = super::annual::suppression(&analysis);
    let templates = super::annual::templates(&args.report)?;
    let label = format!("{}-{:?}", analysis.metrics.period.label, args.quarter);
    let mut written = Vec::new();
    for edition in [Edition::Board, Edition::Web] {
        let data = build_quarterly(&analysis, &inputs, args.quarter, edition, &suppression)?;
        let suffix = if edition == Edition::Web { "-web" } else { "" };
        written.extend(super::annual::write_edition(
            &args.report.out,
            &templates,
            "quarterly.typ",
            &data,
            &format!("quarterly-report-{label}{suffix}"),
            "quarterly-data",
            edition,
        )?);
    }
    super::annual::report_written(&written, &[]);
    Ok(0)
}
