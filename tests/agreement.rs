//! One validation of the config for every command: what `metrics` and `annual` refuse,
//! `validate` refuses too, with the key named and the expected value said in plain words.

mod common;

use std::path::Path;

/// A folder with the wide fixture as `export.csv` and a config holding `extra` after the
/// input section.
fn config_with(dir: &Path, report: &str, extra: &str) -> std::path::PathBuf {
    std::fs::copy(common::fixture("wide_basic.csv"), dir.join("export.csv")).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!("homes = 1000\n[report]\n{report}\n[input]\nfiles = [\"export.csv\"]\n{extra}\n"),
    )
    .unwrap();
    config
}

#[test]
fn validate_refuses_what_the_report_commands_refuse() {
    for (report, extra, says) in [
        ("period = \"2024/26\"", "", "period"),
        (
            "start = \"2025-03-31\"\nend = \"2024-04-01\"",
            "",
            "is before start",
        ),
        (
            "period = \"2024/25\"",
            "[calendar]\nholidays_file = \"missing-holidays.json\"",
            "[calendar] holidays_file names",
        ),
        (
            "period = \"2024/25\"",
            "[narrative]\nthemes = \"narrative/themes.md\"",
            "[narrative] themes names",
        ),
        (
            "period = \"2024/25\"",
            "[quarterly.issues]\n\"2024-25 Q3\" = \"q3.md\"",
            "[quarterly.issues] \"2024-25 Q3\" names",
        ),
        (
            "period = \"2024/25\"\nas_at = \"2031-01-01\"",
            "",
            "as-at date 2031-01-01 is outside",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let config = config_with(dir.path(), report, extra);
        let out = dir.path().join("out");
        for command in [
            vec!["validate"],
            vec!["metrics"],
            vec!["annual", "--out", out.to_str().unwrap()],
        ] {
            let mut args = command.clone();
            args.extend(["--config", config.to_str().unwrap()]);
            let (code, _, stderr) = common::run(&args);
            assert_eq!(code, 2, "{command:?} with {report} {extra}: {stderr}");
            assert!(stderr.contains(says), "{command:?}: {stderr}");
        }
    }
}

#[test]
fn wrong_value_types_are_named_in_plain_words() {
    for (config, says) in [
        ("homes = \"lots\"", "homes: expected the number of homes"),
        (
            "[input]\nheader_row = \"two\"",
            "expected a whole number (0 or more)",
        ),
        (
            "[input]\nsheet = 1.5",
            "sheet: expected the sheet's name in quotes",
        ),
        (
            "[input.limits]\ncells = -1",
            "expected a whole number (0 or more)",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, config).unwrap();
        let (code, _, stderr) = common::run(&["validate", "--config", path.to_str().unwrap()]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(says), "{config}: {stderr}");
        assert!(
            !stderr.contains("untagged enum") && !stderr.contains("u64"),
            "{stderr}"
        );
    }
}
