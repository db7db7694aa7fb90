//! Progress on stderr for long runs (big exports), only when stderr is a terminal.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// Inputs bigger than this in total get a spinner.
const BIG_INPUT_BYTES: u64 = 50 * 1024 * 1024;

pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn none() -> Self {
        Progress { bar: None }
    }

    /// A spinner for the run's inputs (none if the config cannot be read: the run will say why).
    pub fn for_args(args: &crate::cli::InputArgs) -> Self {
        crate::config::Config::load(&args.config)
            .and_then(|c| c.input_files(&args.inputs))
            .map_or_else(|_| Progress::none(), |files| Progress::for_inputs(&files))
    }

    /// A spinner when the inputs are big and a person is watching stderr.
    pub fn for_inputs(files: &[PathBuf]) -> Self {
        let total: u64 = files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        if total < BIG_INPUT_BYTES || !std::io::stderr().is_terminal() {
            return Progress::none();
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar: Some(bar) }
    }

    pub fn stage(&self, message: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(message.to_string());
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
