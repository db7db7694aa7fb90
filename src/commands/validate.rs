//! `validate`: the data-quality summary of an export.

use std::fmt::Write as _;

use super::progress::Progress;
use crate::cli::{OutputFormat, ValidateArgs};
use crate::error::Result;
use crate::ingest::Fingerprints;
use crate::normalise::{DataQuality, Normalised};
use crate::pipeline::Pipeline;

pub fn run(args: &ValidateArgs) -> Result<i32> {
    match (args.format, load(args)) {
        (OutputFormat::Json, Ok(normalised)) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&normalised.quality).expect("quality serialises")
            );
        }
        (OutputFormat::Text, Ok(normalised)) => print!("{}", render_text(&normalised.quality)),
        (OutputFormat::Json, Err(error)) => {
            // Scripts get a JSON answer on stdout even when the data cannot be read.
            let body = serde_json::json!({ "error": error.to_string(), "exit_code": error.exit_code() });
            println!(
                "{}",
                serde_json::to_string_pretty(&body).expect("error serialises")
            );
            return Err(error);
        }
        (OutputFormat::Text, Err(error)) => return Err(error),
    }
    Ok(0)
}

/// The exports read and normalised, with their fingerprints.
fn load(args: &ValidateArgs) -> Result<Normalised> {
    let pipeline = Pipeline::open(&args.input.config, &args.input.inputs)?;
    let progress = Progress::for_inputs(pipeline.files());
    let loaded = pipeline.load(Fingerprints::Printed, &progress);
    progress.finish();
    loaded
}

/// The human-readable summary.
pub fn render_text(q: &DataQuality) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Files");
    for f in &q.files {
        let _ = writeln!(
            out,
            "  {}: {}, header on row {}, {} data row(s)",
            f.file, f.format, f.header_row, f.rows_read
        );
        for note in &f.notes {
            let _ = writeln!(out, "    note: {note}");
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
        "\nRows: {} read = {} included + {} excluded; {} complaint(s)",
        q.rows_read, q.included, q.excluded, q.complaints
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
    let verdict = if q.warnings.is_empty() {
        "ready to analyse"
    } else {
        "ready to analyse; review the warnings above"
    };
    let _ = writeln!(out, "\nResult: {verdict}");
    out
}
