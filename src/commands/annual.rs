//! `annual`: the Code 8.1 report in two editions, with its data and charts beside it.

use super::output::{self, Editions, OutFolder};
use super::progress::Progress;
use crate::cli::AnnualArgs;
use crate::config::Config;
use crate::error::Result;
use crate::ingest::Fingerprints;
use crate::observe::step;
use crate::report::typeset::warm_up_in_background;
use crate::report::web_page::{self, HOW_TO_COMPLAIN, PageText};
use crate::report::{Edition, Figures, ReportData, ReportInputs, Suppression, Template, build_annual};

pub fn run(args: &AnnualArgs) -> Result<i32> {
    warm_up_in_background();
    let analysis = super::analyse(
        &args.report.input,
        args.report.period.request(),
        Fingerprints::Printed,
    )?;
    let config = &analysis.config;
    let inputs = ReportInputs::load(config)?;
    let missing = inputs.placeholders(Template::Annual);
    output::refuse_if_final(args.report.final_, &missing)?;
    let suppression = output::suppression(config);
    let templates = output::templates(&args.report)?;
    let stem = format!("annual-report-{}", analysis.period.label());
    let out = OutFolder::take(
        &args.report.out,
        output::run_inputs(config, analysis.quality(), args.report.templates.as_deref()),
    )?;
    let page_name = format!("{stem}.html");
    out.check(&[
        &format!("{stem}.pdf"),
        &format!("{stem}-web.pdf"),
        &page_name,
        "metrics.json",
        "data-quality.csv",
        "report-data.json",
        "report-data-web.json",
    ])?;
    let figures = Figures {
        config,
        period: analysis.period,
        metrics: &analysis.metrics,
        quality: analysis.quality(),
    };
    let observer = Progress::timings_only();
    let editions = step(&observer, "charts and report data", || {
        [Edition::Board, Edition::Web]
            .map(|edition| build_annual(&figures, &inputs, edition, &suppression).map(|data| (edition, data)))
    });
    let web = editions
        .iter()
        .flatten()
        .find(|(edition, _)| *edition == Edition::Web)
        .map(|(_, data)| data.clone());
    // The board edition already holds the points to check: they are printed from it, not
    // worked out again.
    let points = editions
        .iter()
        .flatten()
        .find(|(edition, _)| *edition == Edition::Board)
        .map(|(_, data)| data.points_to_check.clone())
        .unwrap_or_default();
    let pdf_name = format!("{stem}-web.pdf");
    let mut written = Editions {
        out: &out,
        templates: &templates,
        template: Template::Annual,
        stem,
        data_stem: "report-data",
    }
    .write(editions, &observer)?;
    if let Some(web) = web {
        let page = step(&observer, "web page", || {
            web_page::render(
                &templates,
                Template::Annual,
                &web,
                &pdf_name,
                &page_text(config, &web, &suppression),
            )
        })?;
        written.push(out.write(&page_name, page.as_bytes())?);
    }
    // The quarterly's charts share the folder, under their own names.
    out.remove_stale_charts(&written, |name| !name.starts_with("quarterly-data-"));
    let metrics = serde_json::to_vec_pretty(&analysis.metrics).expect("metrics serialise");
    written.push(out.write("metrics.json", &metrics)?);
    written.push(out.write("data-quality.csv", &output::data_quality_csv(analysis.quality()))?);
    let mut warnings = inputs.warnings.clone();
    warnings.extend(analysis.metrics.warnings.iter().cloned());
    output::report_written(&written, &warnings, &points, &missing);
    Ok(0)
}

/// What the web page says beyond the report data.
fn page_text(config: &Config, web: &ReportData, suppression: &Suppression) -> PageText {
    PageText {
        summary: web.narrative.get("resident_summary").cloned().unwrap_or_default(),
        how_to_complain: config
            .publication
            .how_to_complain
            .clone()
            .unwrap_or_else(|| HOW_TO_COMPLAIN.to_string()),
        threshold: suppression.threshold,
    }
}
