//! Commands in pipes and scripts: data on stdout, status on stderr, `-` for standard output, a
//! closed pipe ending quietly, outputs that are not regular files refused, colour and quiet.

mod common;

use std::io::Read;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{bin, run, sample};

fn config() -> String {
    sample("config.toml").to_str().unwrap().to_string()
}

#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    // The export is megabytes: far more than a pipe holds, so the writer meets the closed end.
    for args in [
        vec!["export", "--config", &config(), "--format", "csv", "--out", "-"],
        vec![
            "query",
            "--config",
            &config(),
            "--format",
            "csv",
            "SELECT * FROM complaints",
        ],
    ] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("complaints-report"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 64];
        child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("error"), "{args:?}: {stderr}");
        assert!(first.starts_with(b"reference,"));
    }
}

#[test]
fn dash_is_standard_output_and_status_goes_to_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let output = bin()
        .current_dir(dir.path())
        .args(["export", "--config", &config(), "--format", "csv", "--out", "-"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("reference,received,"));
    assert!(!dir.path().join("-").exists(), "no file named \"-\"");

    let out = dir.path().join("answer.csv");
    let (code, stdout, stderr) = run(&[
        "query",
        "--config",
        &config(),
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
        "SELECT count(*) AS n FROM complaints",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "");
    assert!(stderr.contains("wrote"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "n\n3992\n");
}

#[test]
fn quiet_leaves_out_the_status_lines_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.csv");
    let (code, stdout, stderr) = run(&[
        "export",
        "-q",
        "--config",
        &config(),
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));
    assert!(out.exists());
}

/// `export` to `target`; returns (exit code, stderr).
fn export_to(target: &Path) -> (i32, String) {
    let (code, _, stderr) = run(&[
        "export",
        "--config",
        &config(),
        "--format",
        "csv",
        "--out",
        target.to_str().unwrap(),
    ]);
    (code, stderr)
}

#[test]
fn an_output_that_is_not_a_regular_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // A link (a synced folder's file, /dev/stdout): the link and what it points to stay.
    let target = dir.path().join("kept.csv");
    std::fs::write(&target, "mine\n").unwrap();
    let link = dir.path().join("link.csv");
    symlink(&target, &link).unwrap();
    let (code, stderr) = export_to(&link);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("is a symbolic link"), "{stderr}");
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine\n");
    // A folder, a FIFO and a device.
    let folder = dir.path().join("folder.csv");
    std::fs::create_dir(&folder).unwrap();
    let fifo = dir.path().join("fifo.csv");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    for (target, kind) in [
        (folder.as_path(), "a folder"),
        (fifo.as_path(), "a FIFO"),
        (Path::new("/dev/null"), "a device"),
    ] {
        let (code, stderr) = export_to(target);
        assert_eq!(code, 1, "{target:?}: {stderr}");
        assert!(stderr.contains(kind), "{target:?}: {stderr}");
    }
    assert!(folder.is_dir());
    // A report folder's file that is a link is refused the same way.
    let report = dir.path().join("report");
    std::fs::create_dir(&report).unwrap();
    symlink(&target, report.join("metrics.json")).unwrap();
    let (code, _, stderr) = common::annual(&sample("config.toml"), &report, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("metrics.json") && stderr.contains("symbolic link"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine\n");
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let summary = |extra: &[&str], no_color: bool| {
        let mut command = bin();
        command.args(["summary", "--config", &config()]).args(extra);
        if no_color {
            command.env("NO_COLOR", "1");
        } else {
            command.env_remove("NO_COLOR");
        }
        String::from_utf8(command.output().unwrap().stdout).unwrap()
    };
    assert!(summary(&["--color", "always"], false).contains('\u{1b}'));
    assert!(!summary(&["--color", "never"], false).contains('\u{1b}'));
    // Not a terminal: no colour whatever NO_COLOR says.
    assert!(!summary(&[], false).contains('\u{1b}'));
    // On a terminal (script(1) gives the run one), colour unless NO_COLOR is set.
    if Path::new("/usr/bin/script").exists() {
        let on_terminal = |no_color: bool| {
            let line = format!(
                "{} summary --config {}",
                assert_cmd::cargo::cargo_bin("complaints-report").display(),
                config()
            );
            let mut command = Command::new("script");
            command.args(["-qec", &line, "/dev/null"]);
            if no_color {
                command.env("NO_COLOR", "1");
            } else {
                command.env_remove("NO_COLOR");
            }
            String::from_utf8_lossy(&command.output().unwrap().stdout).into_owned()
        };
        assert!(on_terminal(false).contains('\u{1b}'));
        assert!(!on_terminal(true).contains('\u{1b}'));
    }
}

#[test]
fn a_missing_config_file_is_a_file_error() {
    let (code, _, stderr) = run(&["validate", "--config", "no-such-config.toml"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("no-such-config.toml"), "{stderr}");
}

/// An export whose text cells look like formulas (one of them only after trimming), and a row
/// left out (no received date) whose reference is one.
fn formula_export(dir: &Path) -> std::path::PathBuf {
    std::fs::write(
        dir.join("complaints.csv"),
        "Ref,Date received,Category,Channel,Stage 1 responded\n\
         F1,01/05/2024,=2+2,@SUM(1),10/05/2024\n\
         F2,02/05/2024, =HYPERLINK(\"http://x\"),-1+1,10/05/2024\n\
         F3,03/05/2024,Repairs,+44 20,10/05/2024\n\
         =cmd,,Repairs,Phone,\n",
    )
    .unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        "[report]\nperiod = \"2024/25\"\n[input]\nfiles = [\"complaints.csv\"]\n[homes]\nLCRA = 100\n",
    )
    .unwrap();
    config
}

#[test]
fn cells_that_look_like_formulas_stay_text() {
    let dir = tempfile::tempdir().unwrap();
    let config = formula_export(dir.path());
    let config = config.to_str().unwrap();
    let export = |extra: &[&str]| {
        let mut args = vec!["export", "--config", config, "--format", "csv", "--out", "-"];
        args.extend_from_slice(extra);
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 0, "{stderr}");
        stdout
    };
    let guarded = export(&[]);
    for cell in [
        "'=2+2",
        "'@SUM(1)",
        "'=HYPERLINK(\"\"http://x\"\")",
        "'-1+1",
        "'+44 20",
    ] {
        assert!(guarded.contains(cell), "{cell} in\n{guarded}");
    }
    assert!(!guarded.contains(",=2+2"), "{guarded}");
    let raw = export(&["--no-formula-guard"]);
    assert!(raw.contains(",=2+2,"), "{raw}");
    // query's CSV too.
    let (code, stdout, stderr) = run(&[
        "query",
        "--config",
        config,
        "--format",
        "csv",
        "SELECT category FROM complaints ORDER BY reference",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "category\n'=2+2\n\"'=HYPERLINK(\"\"http://x\"\")\"\nRepairs\n"
    );
    // data-quality.csv: the left-out row's reference.
    let out = dir.path().join("out");
    let (code, _, stderr) = common::annual(Path::new(config), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    let quality = std::fs::read_to_string(out.join("data-quality.csv")).unwrap();
    assert!(quality.contains(",'=cmd,"), "{quality}");
    // XLSX: the same cells are text cells, not formulas.
    let xlsx = dir.path().join("t.xlsx");
    let (code, _, stderr) = run(&[
        "export",
        "--config",
        config,
        "--format",
        "xlsx",
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    use calamine::{Data, Reader, open_workbook_auto};
    let mut book = open_workbook_auto(&xlsx).unwrap();
    let sheet = book.worksheet_range("Complaints").unwrap();
    let texts: Vec<&Data> = sheet.rows().skip(1).map(|r| &r[3]).collect();
    assert_eq!(texts[0], &Data::String("=2+2".into()));
    assert!(
        book.worksheet_formula("Complaints")
            .unwrap()
            .used_cells()
            .next()
            .is_none(),
        "no formulas"
    );
}

#[test]
fn the_xlsx_opens_ready_to_read_and_the_format_follows_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("complaints.xlsx");
    // No --format: the extension says it.
    let (code, _, stderr) = run(&["export", "--config", &config(), "--out", xlsx.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
    let mut part = |name: &str| {
        let mut text = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
        text
    };
    let sheet = part("xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<autoFilter ref=\"A1:"), "a filter on the header");
    assert!(
        sheet.contains("<pane ") && sheet.contains("state=\"frozen\""),
        "the header frozen"
    );
    assert!(
        sheet.contains("<cols>") && sheet.contains("customWidth=\"1\""),
        "columns sized"
    );
    let styles = part("xl/styles.xml");
    assert!(styles.contains("£#,##0.00"), "money in pounds and pence");
    assert!(styles.contains("dd/mm/yyyy"), "dates as dates");
    // A name that says nothing needs --format.
    let (code, _, stderr) = run(&["export", "--config", &config(), "--out", "-"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("give --format"), "{stderr}");
}

#[test]
fn a_query_written_to_json_keeps_the_select_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("answer.json");
    let (code, _, stderr) = run(&[
        "query",
        "--config",
        &config(),
        "--out",
        out.to_str().unwrap(),
        "SELECT status, reference FROM complaints ORDER BY reference LIMIT 1",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        text,
        "[\n  {\"status\": \"closed\", \"reference\": \"RVH-23-000001\"}\n]\n"
    );
    let rows: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(rows[0]["reference"], "RVH-23-000001");
}

#[test]
fn named_parameters_fill_in_the_query() {
    let config = config();
    let answer = |sql: &str, params: &[&str]| {
        let mut args = vec!["query", "--config", config.as_str(), "--format", "csv"];
        args.extend_from_slice(params);
        args.push(sql);
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 0, "{stderr}");
        stdout
    };
    let literal = answer(
        "SELECT count(*) AS n FROM complaints WHERE category = 'Damp and mould' AND received >= '2024-04-01'",
        &[],
    );
    let bound = answer(
        "SELECT count(*) AS n FROM complaints WHERE category = $category AND received >= $from",
        &["--param", "category=Damp and mould", "--param", "from=2024-04-01"],
    );
    assert_eq!(bound, literal);
    let (code, _, stderr) = run(&["query", "--config", &config, "SELECT $nope"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--param nope=VALUE"), "{stderr}");
}
