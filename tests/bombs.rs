//! Workbook bombs (tests/fixtures/bombs/, written by make.py): each is under 10 MB and claims or
//! unpacks to far more than any export. Each must finish in seconds under a memory cap, either
//! reading the three complaints it hides or stopping with exit 2 and the `[input.limits]` key
//! to raise.
//!
//! This file runs alone in its own test binary so the peak memory of the commands it starts
//! (`getrusage(RUSAGE_CHILDREN)`) is theirs.

mod common;

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;

/// Address space each command may reserve: more than a run needs (the report's renderer
/// reserves more than it touches), far less than the bombs asked for before.
const ADDRESS_SPACE: u64 = 4 << 30;
/// What any command may hold in memory.
const RESIDENT: i64 = 1 << 30;

fn bomb(name: &str) -> String {
    common::fixture("bombs").join(name).to_str().unwrap().to_string()
}

/// Runs the binary under the address-space cap: (exit code, stdout, stderr).
fn capped(args: &[&str]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_complaints-report"));
    command.args(args);
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: ADDRESS_SPACE,
                rlim_max: ADDRESS_SPACE,
            };
            match libc::setrlimit(libc::RLIMIT_AS, &limit) {
                0 => Ok(()),
                _ => Err(std::io::Error::last_os_error()),
            }
        });
    }
    let out = command.output().expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        !stderr.contains("panicked") && !stderr.contains("memory allocation"),
        "{args:?}: {stderr}"
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        stderr,
    )
}

/// The largest resident set of any command this test binary has waited for.
fn peak_child_memory() -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a whole rusage into the pointer it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    usage.ru_maxrss * 1024
}

/// `validate --format json` on a bomb of the corpus, capped.
fn validate(file: &str) -> (i32, serde_json::Value, String) {
    validate_path(&bomb(file))
}

/// `validate --format json` on any export, capped, with the bombs' config.
fn validate_path(path: &str) -> (i32, serde_json::Value, String) {
    let (code, stdout, stderr) = capped(&[
        "validate",
        "--format",
        "json",
        "--config",
        &bomb("bombs.toml"),
        "--input",
        path,
    ]);
    (code, serde_json::from_str(&stdout).unwrap_or_default(), stderr)
}

#[test]
fn workbook_bombs_are_read_within_bounds_or_refused_naming_the_limit() {
    for (file, refused_with) in [
        // The dimension tag claims 17 billion cells; a far cell sits in the last one.
        ("range.xlsx", None),
        // A stray value in column XFD on every row.
        ("stray-far-cell.xlsx", None),
        ("xml-inflation.xlsx", Some("[input.limits] unpacked_mb")),
        // Declares a small size: the ZIP reader stops at the declared size.
        ("xml-inflation-lying.xlsx", Some("larger than its declared")),
        ("shared-string.xlsx", Some("[input.limits] cell_kb")),
        ("string-count.xlsx", Some("[input.limits] cells")),
        ("many-cells.xlsx", Some("[input.limits] cells")),
        // An ODS row repeated 90,000 times with a value in 1,000 columns (2 KB).
        ("ods-repeats.ods", Some("[input.limits] cells")),
        ("three.ods", None),
    ] {
        let size = std::fs::metadata(bomb(file)).unwrap().len();
        assert!(size < 10 << 20, "{file} is a small file");
        let (code, json, stderr) = validate(file);
        match refused_with {
            None => {
                assert_eq!(code, 0, "{file}: {stderr}");
                assert!(json["included"].as_u64().unwrap() >= 3, "{file}: {json}");
            }
            Some(says) => {
                assert_eq!(code, 2, "{file}: {stderr}");
                assert!(stderr.contains(says) && stderr.contains(file), "{file}: {stderr}");
            }
        }
        assert!(
            peak_child_memory() < RESIDENT,
            "{file}: a command held {} MB",
            peak_child_memory() >> 20
        );
    }
}

#[test]
fn the_range_bomb_reads_its_three_complaints_and_rules_out_the_far_cell() {
    let (code, json, stderr) = validate("range.xlsx");
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["included"], 3);
    // Row 1,048,576 holds a value but no reference: in the ledger, not lost.
    let excluded: Vec<u64> = json["exclusions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_u64().unwrap())
        .collect();
    assert_eq!(excluded, [1_048_576]);
}

#[test]
fn a_limit_raised_in_the_config_lets_a_large_sheet_through() {
    let dir = tempfile::tempdir().unwrap();
    let config: PathBuf = dir.path().join("raised.toml");
    let text = std::fs::read_to_string(bomb("bombs.toml")).unwrap();
    std::fs::write(&config, format!("{text}\n[input.limits]\ncells = 40000000\n")).unwrap();
    let (code, stdout, stderr) = capped(&[
        "validate",
        "--format",
        "json",
        "--config",
        config.to_str().unwrap(),
        "--input",
        &bomb("many-cells.xlsx"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["included"], 3);
}

#[test]
fn delimited_bombs_are_refused_or_read_within_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let commas = ",".repeat(5_000_000);
    // A header of five million columns; a data row of five million fields under a header of
    // two; both 5 MB.
    let wide_header = format!("Reference,Date received{commas}\nC-1,2024-05-01\n");
    let wide_row = format!("Reference,Date received\nC-1,2024-05-01{commas}\nC-2,2024-05-02\n");
    for (name, text, refused_with) in [
        (
            "wide-header.csv",
            wide_header,
            Some("more than the 16384 columns"),
        ),
        ("wide-row.csv", wide_row, None),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let (code, json, stderr) = validate_path(path.to_str().unwrap());
        match refused_with {
            Some(says) => {
                assert_eq!(code, 2, "{name}: {stderr}");
                assert!(stderr.contains(says), "{name}: {stderr}");
            }
            None => {
                assert_eq!(code, 0, "{name}: {stderr}");
                // Empty fields beyond the header are nothing to lose: both rows are read.
                assert_eq!(json["included"], 2, "{name}");
            }
        }
        assert!(
            peak_child_memory() < RESIDENT,
            "{name}: {} MB",
            peak_child_memory() >> 20
        );
    }
}
