//! `quarterly`: the Code 9.7 report to the governing body for one quarter.

use super::output::{self, Editions, OutFolder};
use super::progress::Progress;
use crate::cli::QuarterlyArgs;
use crate::error::Result;
use crate::ingest::Fingerprints;
use crate::report::typeset::warm_up_in_background;
use crate::report::{
    Edition, OPEN_CASES_READ, QuarterFigures, ReportInputs, Template, build_quarterly, narrative_key,
};

pub fn run(args: &QuarterlyArgs) -> Result<i32> {
    warm_up_in_background();
    let analysis = super::analyse(
        &args.report.input,
        args.report.period.request(),
        Fingerprints::Printed,
    )?;
    let observer = Progress::timings_only();
    let quarter = args.quarter.into();
    let year = analysis.period;
    let q = year.quarter(quarter);
    let last_four = (0..4)
        .rev()
        .map(|back| {
            let p = q.quarters_back(back);
            analysis.figures_for(p, &observer).map(|m| (p, m))
        })
        .collect::<Result<_>>()?;
    let figures = QuarterFigures {
        config: &analysis.config,
        quality: analysis.quality(),
        year,
        quarter,
        this: analysis.figures_for(q, &observer)?,
        to_date: analysis.figures_for(year.through(&q), &observer)?,
        last_four,
        open_cases: analysis.open_cases(q, OPEN_CASES_READ)?,
    };
    let mut inputs = ReportInputs::load(&analysis.config)?;
    inputs.load_quarter(&analysis.config, &narrative_key(&year, quarter))?;
    let missing = inputs.placeholders(Template::Quarterly);
    output::refuse_if_final(args.report.final_, &missing)?;
    let suppression = output::suppression(&analysis.config);
    let templates = output::templates(&args.report)?;
    let editions = [Edition::Board, Edition::Web]
        .map(|edition| build_quarterly(&figures, &inputs, edition, &suppression).map(|data| (edition, data)));
    let out = OutFolder::take(
        &args.report.out,
        output::run_inputs(
            &analysis.config,
            analysis.quality(),
            args.report.templates.as_deref(),
        ),
    )?;
    let stem = format!("quarterly-report-{}-{}", year.label(), quarter.name());
    let data_stem = format!("quarterly-data-{}-{}", year.label(), quarter.name());
    out.check(&[
        &format!("{stem}.pdf"),
        &format!("{stem}-web.pdf"),
        &format!("{data_stem}.json"),
        &format!("{data_stem}-web.json"),
    ])?;
    let written = Editions {
        out: &out,
        templates: &templates,
        template: Template::Quarterly,
        stem,
        data_stem: &data_stem,
    }
    .write(editions, &observer)?;
    out.remove_stale_charts(&written, |name| name.starts_with(&format!("{data_stem}-")));
    output::report_written(&written, &[], &[], &missing);
    Ok(0)
}
