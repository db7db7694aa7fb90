//! sample-data/ is generated, never hand-written: regenerating it gives the same bytes.

mod common;

#[test]
fn committed_sample_data_is_what_the_generator_writes() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, status) = common::run(&["generate-sample", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{status}");
    assert!(
        status.contains("complaints-datix-2024-25.csv (2011 data rows)"),
        "{status}"
    );
    for name in ["complaints-2023-24.xlsx", "complaints-datix-2024-25.csv"] {
        let fresh = std::fs::read(dir.path().join(name)).unwrap();
        let committed = std::fs::read(common::sample(name)).unwrap();
        assert!(
            fresh == committed,
            "{name} differs from a fresh `generate-sample --out sample-data`"
        );
    }
}

#[test]
fn generator_scales_to_benchmark_sizes_in_one_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stdout) = common::run(&[
        "generate-sample",
        "--out",
        dir.path().to_str().unwrap(),
        "--layout",
        "csv",
        "--complaints-per-year",
        "5000",
        "--years",
        "2024/25",
    ]);
    assert_eq!(code, 0);
    assert!(stdout.contains("complaints.csv"), "{stdout}");
    let input = dir.path().join("complaints.csv");
    let (code, json) = common::validate_json(
        &common::sample("config.toml"),
        &["--input", input.to_str().unwrap()],
    );
    assert_eq!(code, 0);
    let read = json["rows_read"].as_u64().unwrap();
    assert_eq!(
        read,
        json["included"].as_u64().unwrap() + json["excluded"].as_u64().unwrap()
    );
    assert!(read >= 5000, "{read}");
}
