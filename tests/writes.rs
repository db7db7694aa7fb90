//! Where outputs land: never on an input (whatever path or link leads there), never through a
//! planted link, one complete set when runs share a folder, and nothing left of a killed or
//! earlier run.

mod common;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

/// A folder with the wide fixture as `export.csv`, a holidays file and a narrative file, and a
/// config naming them.
fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(common::fixture("wide_basic.csv"), dir.path().join("export.csv")).unwrap();
    std::fs::write(
        dir.path().join("closures.txt"),
        "2024-12-25\n2024-12-26\n2025-01-01\n2025-12-25\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("themes.md"), "Repairs took too long.\n").unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "homes = 1000\n[report]\nperiod = \"2024/25\"\n[input]\nfiles = [\"export.csv\"]\n\
         [calendar]\nholidays_file = \"closures.txt\"\n[narrative]\nthemes = \"themes.md\"\n",
    )
    .unwrap();
    (dir, config)
}

fn annual(config: &Path, out: &Path) -> (i32, String) {
    let (code, _, stderr) = common::annual(config, out, &[]);
    (code, stderr)
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_link_planted_where_a_temporary_file_might_go_is_never_followed() {
    let (dir, config) = setup();
    let input = dir.path().join("export.csv");
    let before = std::fs::read(&input).unwrap();
    // The names the tool once used for its temporary files, each a link to the input.
    let out = dir.path().join("out.csv");
    symlink(&input, dir.path().join("out.csv.partial")).unwrap();
    let report = dir.path().join("report");
    std::fs::create_dir(&report).unwrap();
    symlink(&input, report.join("metrics.json.partial")).unwrap();

    let (code, _, stderr) = common::run(&[
        "export",
        "--config",
        config.to_str().unwrap(),
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stderr) = annual(&config, &report);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(std::fs::read(&input).unwrap(), before, "the input is untouched");
    // The planted link in --out is cleared away like any unfinished write.
    assert!(std::fs::symlink_metadata(report.join("metrics.json.partial")).is_err());
    assert!(!std::fs::symlink_metadata(&out).unwrap().is_symlink());
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("reference,"));
}

#[test]
fn no_output_lands_on_any_input_of_the_run() {
    let (dir, config) = setup();
    // An output named like an input in the --out folder: the config's own folder.
    for (input, output_name) in [
        ("closures.txt", "metrics.json"),
        ("themes.md", "data-quality.csv"),
        ("export.csv", "report-data.json"),
    ] {
        let (dir2, config2) = setup();
        let _ = &dir2;
        let text = std::fs::read_to_string(&config2)
            .unwrap()
            .replace(input, output_name);
        std::fs::write(&config2, text).unwrap();
        std::fs::rename(dir2.path().join(input), dir2.path().join(output_name)).unwrap();
        let before = std::fs::read(dir2.path().join(output_name)).unwrap();
        let (code, stderr) = annual(&config2, dir2.path());
        assert_eq!(code, 2, "{input}: {stderr}");
        assert!(stderr.contains("is an input of this run"), "{stderr}");
        assert_eq!(std::fs::read(dir2.path().join(output_name)).unwrap(), before);
    }
    // A link at an output's name leading to an input is refused too.
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    symlink(dir.path().join("themes.md"), out.join("metrics.json")).unwrap();
    let (code, stderr) = annual(&config, &out);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("themes.md")).unwrap(),
        "Repairs took too long.\n"
    );
}

#[test]
fn runs_into_one_folder_take_turns_and_leave_one_complete_set() {
    let (dir, config) = setup();
    let alone = dir.path().join("alone");
    assert_eq!(annual(&config, &alone).0, 0);
    let shared = dir.path().join("shared");
    let runs: Vec<_> = (0..3)
        .map(|_| {
            let (config, shared) = (config.clone(), shared.clone());
            std::thread::spawn(move || annual(&config, &shared))
        })
        .collect();
    for run in runs {
        let (code, stderr) = run.join().unwrap();
        assert_eq!(code, 0, "{stderr}");
    }
    assert_eq!(names(&shared), names(&alone));
    assert_eq!(names(&shared.join("charts")), names(&alone.join("charts")));
    for name in ["report-data.json", "metrics.json"] {
        assert_eq!(
            std::fs::read(shared.join(name)).unwrap(),
            std::fs::read(alone.join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn what_a_killed_or_earlier_run_left_is_cleared() {
    let (dir, config) = setup();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("charts")).unwrap();
    // A killed run's temporary files; a chart an earlier run drew; a quarterly's chart.
    for stale in [
        ".metrics.json.Ab12Cd.partial",
        "charts/.C1.svg.Xy34Zw.partial",
        "charts/C99.svg",
    ] {
        std::fs::write(out.join(stale), "stale").unwrap();
    }
    std::fs::write(out.join("charts/quarterly-data-2024-25-Q1-C1.svg"), "<svg/>").unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let (code, stderr) = annual(&config, &out);
    assert_eq!(code, 0, "{stderr}");
    let all = [names(&out), names(&out.join("charts"))].concat();
    assert!(
        !all.iter().any(|n| n.ends_with(".partial") || n == "C99.svg"),
        "{all:?}"
    );
    assert!(all.contains(&"quarterly-data-2024-25-Q1-C1.svg".to_string()));
    assert!(all.contains(&"notes.txt".to_string()), "files not ours stay");
}

#[test]
fn outputs_are_as_readable_as_any_new_file() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, config) = setup();
    let out = dir.path().join("out");
    let (code, stderr) = annual(&config, &out);
    assert_eq!(code, 0, "{stderr}");
    // The tool is run with the test's umask: a report is 0666 less it, as any file the user
    // creates, not the 0600 of a temporary file.
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let umask = status
        .lines()
        .find_map(|l| l.strip_prefix("Umask:"))
        .map(|m| u32::from_str_radix(m.trim(), 8).unwrap())
        .unwrap();
    for name in [
        "annual-report-2024-25.pdf",
        "annual-report-2024-25.html",
        "metrics.json",
    ] {
        let mode = std::fs::metadata(out.join(name)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !umask, "{name}: {mode:o}");
    }
}
