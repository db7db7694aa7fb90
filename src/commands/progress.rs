//! What a person at a terminal sees of a long run: a spinner naming the stage (big inputs
//! only, and only when stderr is a terminal), and the step timings `COMPLAINTS_REPORT_TIMINGS`
//! asks for.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::observe::Observer;
use crate::trace::Trace;

/// Inputs bigger than this in total get a spinner.
const BIG_INPUT_BYTES: u64 = 50 * 1024 * 1024;

/// The pipeline's observer for the commands.
pub(super) struct Progress {
    bar: Option<ProgressBar>,
    trace: Trace,
}

impl Progress {
    /// A spinner when the inputs are big and a person is watching stderr.
    pub(super) fn for_inputs(files: &[PathBuf]) -> Self {
        let trace = Trace::from_env();
        let total: u64 = files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        if total < BIG_INPUT_BYTES || !std::io::stderr().is_terminal() || super::terminal::quiet() {
            return Progress { bar: None, trace };
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress {
            bar: Some(bar),
            trace,
        }
    }

    /// Only the step timings, if asked for (commands with nothing long to show).
    pub(super) fn timings_only() -> Self {
        Progress {
            bar: None,
            trace: Trace::from_env(),
        }
    }

    pub(super) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// What the spinner says while a stage of the pipeline runs.
fn message(step: &str) -> Option<&'static str> {
    Some(match step {
        "ingest" => "reading the exports",
        "normalise" => "normalising",
        "classify" => "classifying against the Code",
        "metrics" => "computing the figures",
        _ => return None,
    })
}

impl Observer for Progress {
    fn step(&self, name: &str, work: &mut dyn FnMut()) {
        if let (Some(bar), Some(message)) = (&self.bar, message(name)) {
            bar.set_message(message);
        }
        self.trace.step(name, work);
    }
}
