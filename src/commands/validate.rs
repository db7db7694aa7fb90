//! `validate`: the data-quality summary of an export.

use std::fmt::Write as _;

use super::progress::Progress;
use super::terminal;
use crate::cli::{OutputFormat, ValidateArgs};
use crate::domain::text::count_of;
use crate::error::Result;
use crate::ingest::Fingerprints;
use crate::normalise::{DataQuality, Normalised};
use crate::pipeline::{Pipeline, Request};
use crate::report::{ReportInputs, points_to_check};

pub fn run(args: &ValidateArgs) -> Result<i32> {
    match (args.format, load(args)) {
        (OutputFormat::Json, Ok((normalised, points))) => {
            let mut body = serde_json::to_value(&normalised.quality).expect("quality serialises");
            body["points_to_check"] = serde_json::json!(points);
            let text = serde_json::to_string_pretty(&body).expect("quality serialises");
            terminal::print_data(format!("{text}\n").as_bytes())?;
        }
        (OutputFormat::Text, Ok((normalised, points))) => {
            let text = render_text(&normalised.quality) + &render_points(&points);
            terminal::print_data(text.as_bytes())?;
        }
        (OutputFormat::Json, Err(error)) => {
            // Scripts get a JSON answer on stdout even when the data cannot be read.
            let body = serde_json::json!({ "error": error.to_string(), "exit_code": error.exit_code() });
            let text = serde_json::to_string_pretty(&body).expect("error serialises");
            terminal::print_data(format!("{text}\n").as_bytes())?;
            return Err(error);
        }
        (OutputFormat::Text, Err(error)) => return Err(error),
    }
    Ok(0)
}

/// The exports read and normalised, with their fingerprints; and, when the config sets a
/// period and names a self-assessment or last year's published TSM, the points to check
/// against the period's figures.
fn load(args: &ValidateArgs) -> Result<(Normalised, Vec<String>)> {
    let pipeline = Pipeline::open(&args.input.config, &args.input.inputs)?;
    let progress = Progress::for_inputs(pipeline.files());
    let loaded = pipeline.load(Fingerprints::Printed, &progress);
    progress.finish();
    let normalised = loaded?;
    let config = pipeline.config();
    let published = &config.tsm.published_prior;
    let worth_checking =
        config.narrative.self_assessment.is_some() || published.lcra.is_some() || published.lcho.is_some();
    if !config.has_period() || !worth_checking {
        return Ok((normalised, Vec::new()));
    }
    let inputs = ReportInputs::load(config)?;
    // The data's own account stands even when its figures cannot be worked out.
    match pipeline.judge(normalised.clone(), Request::default(), &Progress::timings_only()) {
        Ok(analysis) => {
            let points = points_to_check(&analysis.config, &analysis.metrics, &inputs);
            Ok((normalised, points))
        }
        Err(error) => Ok((
            normalised,
            vec![format!(
                "the self-assessment could not be checked against the figures: {error}"
            )],
        )),
    }
}

/// The points to check in what the landlord wrote, after the data's account.
fn render_points(points: &[String]) -> String {
    let mut out = String::new();
    if !points.is_empty() {
        let _ = writeln!(
            out,
            "\nPoints to check before the annual report ({})",
            points.len()
        );
        for point in points {
            let _ = writeln!(out, "  - {point}");
        }
    }
    out
}

/// What to map next, first: the fields not found (with what they cost and the likeliest
/// header) and the headers nothing reads.
fn render_checklist(q: &DataQuality, out: &mut String) {
    let to_map: Vec<_> = q.missing_fields.iter().filter(|m| !m.not_recorded).collect();
    if !to_map.is_empty() {
        let _ = writeln!(
            out,
            "Fields not found ({}): map them under [columns] if the export has them",
            to_map.len()
        );
        for m in to_map {
            let _ = writeln!(out, "  [ ] {:<26} costs: {}", m.field, m.affects);
            if let Some(header) = &m.suggestion {
                let _ = writeln!(out, "      try: {} = \"{header}\"", m.field);
            }
        }
        out.push('\n');
    }
    if !q.unused_headers.is_empty() {
        let _ = writeln!(
            out,
            "Headers not used ({}): nothing is read from them",
            q.unused_headers.len()
        );
        let several_files = q.files.len() > 1;
        for u in &q.unused_headers {
            match several_files {
                true => {
                    let _ = writeln!(out, "  \"{}\" ({})", u.header, u.file);
                }
                false => {
                    let _ = writeln!(out, "  \"{}\"", u.header);
                }
            }
        }
        out.push('\n');
    }
}

/// The human-readable summary.
pub fn render_text(q: &DataQuality) -> String {
    let mut out = String::new();
    render_checklist(q, &mut out);
    let _ = writeln!(out, "Files");
    for f in &q.files {
        let _ = writeln!(
            out,
            "  {}: {}, header on row {}, {}",
            f.file,
            f.format,
            f.header_row,
            count_of(f.rows_read as u64, "data row", "data rows")
        );
        for note in &f.notes {
            let _ = writeln!(out, "    note: {note}");
        }
        for sheet in &f.sheets {
            let rows = sheet.rows.map_or("cannot be read".to_string(), |n| {
                count_of(n as u64, "row", "rows")
            });
            let read = if sheet.read { ", read" } else { "" };
            let _ = writeln!(
                out,
                "    sheet '{}': {}, {rows}{read}",
                sheet.name, sheet.visibility
            );
        }
    }
    let _ = writeln!(
        out,
        "\nColumns used ({} shape: {})",
        q.shape,
        if q.shape == "long" {
            "one row per complaint stage"
        } else {
            "one row per complaint"
        }
    );
    for (field, header) in &q.columns {
        let _ = writeln!(out, "  {field:<26} <- \"{header}\"");
    }
    let _ = writeln!(
        out,
        "\nRows: {} read = {} included + {} excluded; {}",
        q.rows_read,
        q.included,
        q.excluded,
        count_of(q.complaints as u64, "complaint", "complaints")
    );
    if !q.exclusions.is_empty() {
        let _ = writeln!(out, "\nExcluded rows ({})", q.exclusions.len());
        for e in &q.exclusions {
            let reference = e
                .reference
                .as_deref()
                .map(|r| format!(" [{r}]"))
                .unwrap_or_default();
            let _ = writeln!(out, "  {} row {}{reference}: {}", e.file, e.row, e.reason);
        }
    }
    if !q.warnings.is_empty() {
        let _ = writeln!(out, "\nWarnings ({})", q.warnings.len());
        for w in &q.warnings {
            let _ = writeln!(out, "  - {}", w.message);
            for x in &w.examples {
                let reference = x
                    .reference
                    .as_deref()
                    .map(|r| format!(" [{r}]"))
                    .unwrap_or_default();
                let value = x
                    .value
                    .as_deref()
                    .map(|v| format!(": \"{v}\""))
                    .unwrap_or_default();
                let _ = writeln!(out, "      e.g. {} row {}{reference}{value}", x.file, x.row);
            }
        }
    }
    let not_found = q.missing_fields.iter().filter(|m| !m.not_recorded).count();
    let verdict = match (q.warnings.is_empty(), not_found) {
        (true, 0) => "ready to analyse".to_string(),
        (false, 0) => "ready to analyse; review the warnings above".to_string(),
        (true, n) => format!(
            "ready to analyse; {} not found: see the checklist at the top",
            count_of(n as u64, "field", "fields")
        ),
        (false, n) => format!(
            "ready to analyse; {} not found (see the checklist at the top) and warnings to review",
            count_of(n as u64, "field", "fields")
        ),
    };
    let _ = writeln!(out, "\nResult: {verdict}");
    out
}
