//! `init`: a starting point for a landlord: config, narrative files, self-assessment, templates.

use std::path::Path;

use super::terminal;
use crate::cli::InitArgs;
use crate::error::{Error, Result};
use crate::report::self_assessment::PROVISIONS;
use crate::report::typeset::Templates;

const CONFIG: &str = include_str!("init-config.toml");

/// Opens every narrative file `init` writes: the report recognises it (see
/// [`crate::report::PLACEHOLDER_MARKER`]) and stays a draft until the text is replaced.
const MARK: &str = "<!-- complaints-report:placeholder — delete this line when the text below is yours -->\n";

const NARRATIVE: [(&str, &str); 6] = [
    (
        "narrative/governing-body-response.md",
        "# The governing body's response\n\nReplace this text with the governing body's response to the report (Code 8.2). It is published with the report.\n",
    ),
    (
        "narrative/themes.md",
        "## Themes and learning\n\nDescribe the main themes and root causes in this year's complaints, with short, anonymised examples.\n",
    ),
    ("narrative/non-compliance.md", ""),
    (
        "narrative/improvements.md",
        "| You said | We did | Status |\n|---|---|---|\n| Example: repairs appointments were missed | Example: text reminders the day before | Complete |\n",
    ),
    (
        "narrative/ombudsman.md",
        "Anything to add to the Housing Ombudsman's annual report on our performance: its figures come from [[ombudsman_report]] in config.toml.\n",
    ),
    ("narrative/ombudsman-other.md", ""),
];

pub fn run(args: &InitArgs) -> Result<i32> {
    let dir = &args.dir;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut files: Vec<(String, String)> = vec![("config.toml".into(), CONFIG.into())];
    files.extend(
        NARRATIVE
            .iter()
            .map(|(p, t)| (p.to_string(), format!("{MARK}{t}"))),
    );
    let mut assessment = String::from("provision,comply,evidence,commentary,action,owner,target_date\n");
    for (id, _) in PROVISIONS {
        assessment.push_str(&format!("{id},,,,,,\n"));
    }
    files.push(("self-assessment.csv".into(), assessment));
    files.push((
        "ombudsman-determinations.csv".into(),
        "reference,date,finding,orders,compensation_ordered,order_due,order_status\n".into(),
    ));
    for (path, text) in files {
        write_new(&dir.join(path), text.as_bytes())?;
    }
    let templates = dir.join("templates");
    if templates.exists() {
        terminal::status(format_args!("kept {} (already there)", templates.display()));
    } else {
        for (name, text) in Templates::embedded_files() {
            let path = templates.join(name);
            super::output::write_output(&path, text.as_bytes())?;
            terminal::status(format_args!("wrote {}", path.display()));
        }
    }
    terminal::status(format_args!(
        "\nNext: put your export beside config.toml, set [input] files, then run\n  complaints-report validate --config {}\nand map under [columns] the fields it lists as not found.",
        dir.join("config.toml").display()
    ));
    Ok(0)
}

/// Writes a file unless it already exists (init never overwrites a landlord's work).
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.exists() {
        terminal::status(format_args!("kept {} (already there)", path.display()));
        return Ok(());
    }
    super::output::write_output(path, bytes)?;
    terminal::status(format_args!("wrote {}", path.display()));
    Ok(())
}
