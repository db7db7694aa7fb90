//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The checkout being tested. Read at run time: cargo reuses test binaries across checkouts
/// sharing one target directory (CI and a local clone), so a compile-time path can be stale.
pub fn project_root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf())
}

pub fn fixture(name: &str) -> PathBuf {
    project_root().join("tests/fixtures").join(name)
}

pub fn sample(name: &str) -> PathBuf {
    project_root().join("sample-data").join(name)
}

pub fn bin() -> Command {
    Command::cargo_bin("complaints-report").expect("binary built")
}

/// Runs the binary; returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let output = bin().args(args).output().expect("runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `annual --config <config> --out <out> <extra>…`; returns (exit code, stdout, stderr).
pub fn annual(config: &Path, out: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "annual",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// The warning with `code` in a `validate --format json` answer.
pub fn warning<'a>(json: &'a serde_json::Value, code: &str) -> Option<&'a serde_json::Value> {
    json["warnings"].as_array()?.iter().find(|w| w["code"] == code)
}

/// `<command> --format json --config <config> <extra>…`: the arguments of a JSON run.
fn json_args<'a>(command: &'a str, config: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![command, "--format", "json", "--config", config.to_str().unwrap()];
    args.extend_from_slice(extra);
    args
}

/// `validate --format json` on a config; returns (exit code, parsed JSON).
pub fn validate_json(config: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let (code, stdout, stderr) = run(&json_args("validate", config, extra));
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (code, json)
}

/// `metrics --format json` on a config, which must succeed; returns the parsed JSON.
pub fn metrics(config: &Path, extra: &[&str]) -> serde_json::Value {
    let (code, stdout, stderr) = run(&json_args("metrics", config, extra));
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}
