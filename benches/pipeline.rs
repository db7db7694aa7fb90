//! Benchmark of every stage, over generated exports of 10k, 100k and 1M complaints.
//!
//!     cargo bench --bench pipeline                      # all sizes
//!     BENCH_SIZES=10000,100000 cargo bench --bench pipeline
//!
//! Prints a Markdown table (the README's benchmark table). Stage times are wall-clock seconds of
//! one run after a warm-up; the whole commands are timed over ten runs, as the best and the
//! median (the machine is shared, and its noise only ever adds time); peak RSS is the highest of
//! the `annual` runs, polled from /proc (Linux).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use complaints_report::classify::{self, Rules};
use complaints_report::commands::{Analysis, generate_sample};
use complaints_report::config::Config;
use complaints_report::ingest::{self, Fingerprints, ReadOptions};
use complaints_report::mapping::ColumnMatcher;
use complaints_report::report::world::{self, CompileInput, Templates};
use complaints_report::report::{Edition, ReportInputs, Suppression, build_annual};
use complaints_report::{metrics, normalise, sample};

// The binary's allocator, so the stage columns match the end-to-end runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

fn secs(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// Wall times of repeated runs of one command.
struct Runs {
    best: Duration,
    median: Duration,
}

impl std::fmt::Display for Runs {
    /// "best (median)": the best is what the code can do, the median what this host gave it.
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{} ({:.2})", secs(self.best), self.median.as_secs_f64())
    }
}

/// Runs the release binary `runs` times: its wall times, and the highest peak RSS in MiB.
fn whole_run(runs: usize, args: &[&str]) -> (Runs, f64) {
    let (mut times, peaks): (Vec<Duration>, Vec<f64>) = (0..runs).map(|_| one_run(args)).unzip();
    times.sort();
    let runs = Runs {
        best: times[0],
        median: times[times.len() / 2],
    };
    (runs, peaks.into_iter().fold(0.0, f64::max))
}

/// Runs the release binary once and returns (wall time, peak RSS in MiB). The child is reaped
/// with wait4, so the time ends exactly when it exits; its peak RSS is polled from /proc on
/// another thread meanwhile (wait4's own figure is no use: the child starts as a copy of this
/// process, whose memory it is charged for before it runs the binary).
#[expect(clippy::zombie_processes, reason = "the child is reaped by wait4")]
fn one_run(args: &[&str]) -> (Duration, f64) {
    let binary = env!("CARGO_BIN_EXE_complaints-report");
    let start = Instant::now();
    let child = Command::new(binary)
        .args(args)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("binary runs");
    let status_file = PathBuf::from(format!("/proc/{}/status", child.id()));
    let exited = std::sync::atomic::AtomicBool::new(false);
    let (elapsed, status, peak_kib) = std::thread::scope(|scope| {
        let poller = scope.spawn(|| {
            let mut peak_kib = 0u64;
            while !exited.load(std::sync::atomic::Ordering::Relaxed) {
                peak_kib = peak_kib.max(complaints_report::timings::peak_rss_kib(&status_file).unwrap_or(0));
                std::thread::sleep(Duration::from_millis(2));
            }
            peak_kib
        });
        let mut status = 0;
        // SAFETY: wait4 writes only into `status`; a null rusage pointer is allowed.
        let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, std::ptr::null_mut()) };
        let elapsed = start.elapsed();
        exited.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(pid > 0, "waiting for complaints-report failed");
        (elapsed, status, poller.join().expect("poller"))
    });
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "complaints-report {args:?} failed"
    );
    (elapsed, peak_kib as f64 / 1024.0)
}

fn main() {
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000,1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    // Read at run time: a shared target directory may hold a binary built in another checkout.
    let root = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf());
    let config_path = root.join("sample-data/config.toml");
    println!(
        "| complaints | CSV MB | CSV read | XLSX read | normalise | classify | metrics | charts + report data | Typst compile (2 editions side by side) | `metrics` end to end, best (median) | `annual` end to end, best (median) | peak RSS (`annual`) | board PDF KB |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for n in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        let spec = sample::SampleSpec {
            years: vec![2024],
            complaints_per_year: n,
            extracted_on: NaiveDate::from_ymd_opt(2025, 4, 7).unwrap(),
            seed: 1,
        };
        let exports = sample::generate(&spec);
        let extracted = spec.extracted_on;
        let (csv, _) =
            generate_sample::write_csv(&dir.path().join("complaints.csv"), &exports, extracted).expect("csv");
        let xlsx = (n <= 100_000).then(|| {
            generate_sample::write_xlsx(&dir.path().join("complaints.xlsx"), &exports, extracted)
                .expect("xlsx")
                .0
        });
        drop(exports);
        let csv_mb = std::fs::metadata(&csv)
            .map(|m| m.len() as f64 / 1e6)
            .unwrap_or(0.0);

        let mut config = Config::load(&config_path).expect("config");
        config.input.files = vec![csv.clone()];
        config.narrative = Default::default();
        let matcher = ColumnMatcher::new(&config.columns);
        let options = ReadOptions {
            sheet: None,
            header_row: None,
            matcher: &matcher,
            fingerprints: Fingerprints::NotPrinted,
        };
        let _ = ingest::read_file(&csv, &options); // warm the page cache
        let (raw, csv_time) = time(|| ingest::read_file(&csv, &options).expect("csv read"));
        let xlsx_time = xlsx
            .as_ref()
            .map(|x| time(|| ingest::read_file(x, &options).expect("xlsx read")).1);
        let raws = vec![raw];
        let (normalised, normalise_time) = time(|| normalise::normalise(raws, &config).expect("normalise"));
        let period = config.period(None, None).expect("period");
        let calendar = config.calendar().expect("calendar");
        let rules = Rules::from_config(&config, period.as_at);
        let (classified, classify_time) =
            time(|| classify::classify(normalised.complaints.clone(), &calendar, &rules).expect("classify"));
        let (figures, metrics_time) = time(|| {
            metrics::compute(
                &classified,
                &normalised.quality,
                &config,
                &calendar,
                &rules,
                period,
            )
            .expect("metrics")
        });
        let analysis = Analysis {
            config_sha256: String::new(),
            config,
            normalised,
            classified,
            calendar,
            rules,
            metrics: figures,
        };
        let inputs = ReportInputs::default();
        let suppression = Suppression::default();
        let (data, report_time) = time(|| {
            [Edition::Board, Edition::Web]
                .map(|e| build_annual(&analysis, &inputs, e, &suppression).expect("report data"))
        });
        let templates = Templates::embedded();
        // Start from an empty Typst cache: each size is timed as a fresh run would see it.
        comemo::evict(0);
        // Side by side, as `annual` does.
        let (_, typst_time) = time(|| {
            complaints_report::parallel::in_parallel(&data, |d| {
                let assets = d
                    .charts
                    .values()
                    .map(|c| (c.path.clone(), c.svg.clone().into_bytes()))
                    .collect();
                world::compile(
                    &templates,
                    CompileInput {
                        main: "annual.typ",
                        data_json: serde_json::to_vec(d).expect("json"),
                        assets,
                        today: NaiveDate::from_ymd_opt(2025, 3, 31).unwrap(),
                        accessible: d.edition == Edition::Web,
                        ident: "bench".into(),
                    },
                )
            })
            .expect("typst");
        });
        drop(analysis);
        let config_arg = config_path.to_str().unwrap();
        let csv_arg = csv.to_str().unwrap();
        let out = dir.path().join("out");
        // The best of ten sees through the shared host's noise (fresh memory costs the most
        // and varies the most: see README, Performance), at every size.
        let runs = 10;
        let (metrics_run, _) = whole_run(runs, &["metrics", "--config", config_arg, "--input", csv_arg]);
        let (annual_run, peak) = whole_run(
            runs,
            &[
                "annual",
                "--config",
                config_arg,
                "--input",
                csv_arg,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        // The report's size must not grow with the input (no per-case tables).
        let pdf_kb = std::fs::read_dir(&out)
            .expect("annual wrote its output")
            .flatten()
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with("annual-report-") && name.ends_with(".pdf") && !name.ends_with("-web.pdf")
            })
            .map(|e| e.metadata().map_or(0, |m| m.len()) / 1024)
            .sum::<u64>();
        println!(
            "| {n} | {csv_mb:.1} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {peak:.0} MiB | {pdf_kb} |",
            secs(csv_time),
            xlsx_time.map_or("–".into(), secs),
            secs(normalise_time),
            secs(classify_time),
            secs(metrics_time),
            secs(report_time),
            secs(typst_time),
            metrics_run,
            annual_run,
        );
    }
}
