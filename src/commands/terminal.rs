//! What goes to the terminal, decided once from `--color`, `--quiet` and `NO_COLOR`: data on
//! standard output, status and progress on standard error, and a reader that stops reading
//! (`| head`) ending the run quietly rather than as an error.

use std::io::{IsTerminal, Write};
use std::sync::OnceLock;

use crate::cli::ColorChoice;
use crate::error::{Error, Result};

/// The settings for this process, resolved once by [`init`].
#[derive(Debug, Clone, Copy)]
struct Terminal {
    /// Colour on standard output.
    colour: bool,
    /// Status lines ("wrote …") and progress are not shown.
    quiet: bool,
}

static TERMINAL: OnceLock<Terminal> = OnceLock::new();

/// Resolves the flags: colour only on a terminal (`auto`) unless `NO_COLOR` is set to anything
/// non-empty, or always, or never.
pub fn init(color: ColorChoice, quiet: bool) {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let colour = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !no_color && std::io::stdout().is_terminal(),
    };
    let _ = TERMINAL.set(Terminal { colour, quiet });
}

fn get() -> Terminal {
    TERMINAL.get().copied().unwrap_or(Terminal {
        colour: false,
        quiet: false,
    })
}

/// Whether to colour what goes to standard output.
pub(super) fn colour() -> bool {
    get().colour
}

/// Whether status and progress are hidden.
pub(super) fn quiet() -> bool {
    get().quiet
}

/// A status line on standard error ("wrote …"), unless `--quiet`.
pub(super) fn status(line: std::fmt::Arguments) {
    if !quiet() {
        eprintln!("{line}");
    }
}

/// Data on standard output. A reader that has gone (a closed pipe) ends the output quietly:
/// what it did not read it did not want.
pub(super) fn print_data(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Output {
            path: "standard output".into(),
            message: e.to_string(),
        }),
        _ => Ok(()),
    }
}
