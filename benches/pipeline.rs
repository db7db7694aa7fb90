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

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::NaiveDate;
use complaints_report::config::Config;
use complaints_report::ingest::Fingerprints;
use complaints_report::observe::{Observer, Silent};
use complaints_report::pipeline::{Pipeline, Request};
use complaints_report::report::typeset::{self, CompileInput, Templates};
use complaints_report::report::{Edition, Figures, ReportInputs, Suppression, Template, build_annual};
use complaints_report::sample;

// The binary's allocator, so the stage columns match the end-to-end runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// Times the pipeline's steps by name, as it reports them.
#[derive(Default)]
struct StepTimes(Mutex<HashMap<String, Duration>>);

impl Observer for StepTimes {
    fn step(&self, name: &str, work: &mut dyn FnMut()) {
        let started = Instant::now();
        work();
        let took = started.elapsed();
        self.0.lock().unwrap().insert(name.to_string(), took);
    }
}

impl StepTimes {
    fn of(&self, name: &str) -> Duration {
        self.0.lock().unwrap().get(name).copied().unwrap_or_default()
    }
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
                peak_kib = peak_kib.max(complaints_report::trace::peak_rss_kib(&status_file).unwrap_or(0));
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
        let (csv, _) = write_sample(
            sample::csv_bytes,
            &dir.path().join("complaints.csv"),
            &exports,
            extracted,
        );
        let xlsx = (n <= 100_000).then(|| {
            write_sample(
                sample::xlsx_bytes,
                &dir.path().join("complaints.xlsx"),
                &exports,
                extracted,
            )
            .0
        });
        drop(exports);
        let csv_mb = std::fs::metadata(&csv)
            .map(|m| m.len() as f64 / 1e6)
            .unwrap_or(0.0);

        let mut config = Config::load(&config_path).expect("config");
        config.narrative = Default::default();
        let pipeline = |file: &Path| Pipeline::new(config.clone(), &[file.to_path_buf()]).expect("inputs");
        let _ = pipeline(&csv).ingest(Fingerprints::NotPrinted, &Silent); // warm the page cache
        let xlsx_time = xlsx.as_ref().map(|x| {
            time(|| {
                pipeline(x)
                    .ingest(Fingerprints::NotPrinted, &Silent)
                    .expect("xlsx read")
            })
            .1
        });
        let steps = StepTimes::default();
        let analysis = pipeline(&csv)
            .analyse(Request::default(), Fingerprints::NotPrinted, &steps)
            .expect("analysis");
        let inputs = ReportInputs::default();
        let suppression = Suppression::default();
        let figures = Figures {
            config: &analysis.config,
            period: analysis.period,
            metrics: &analysis.metrics,
            quality: analysis.quality(),
        };
        let (data, report_time) = time(|| {
            [Edition::Board, Edition::Web]
                .map(|e| build_annual(&figures, &inputs, e, &suppression).expect("report data"))
        });
        let templates = Templates::embedded();
        // Start from an empty Typst cache: each size is timed as a fresh run would see it.
        comemo::evict(0);
        // Side by side, as `annual` does.
        let (_, typst_time) = time(|| {
            std::thread::scope(|scope| {
                let compiling: Vec<_> = data
                    .iter()
                    .map(|d| {
                        let templates = &templates;
                        scope.spawn(move || {
                            let assets = d
                                .charts
                                .values()
                                .map(|c| (c.path.clone(), c.svg.clone().into_bytes()))
                                .collect();
                            let input = CompileInput {
                                template: Template::Annual,
                                data_json: serde_json::to_vec(d).expect("json"),
                                assets,
                                today: NaiveDate::from_ymd_opt(2025, 3, 31).unwrap(),
                                accessible: d.edition == Edition::Web,
                                ident: "bench".into(),
                            };
                            typeset::compile(templates, input, &Silent).expect("typst")
                        })
                    })
                    .collect();
                compiling.into_iter().for_each(|c| drop(c.join().expect("typst")));
            })
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
            secs(steps.of("ingest")),
            xlsx_time.map_or("–".into(), secs),
            secs(steps.of("normalise")),
            secs(steps.of("classify")),
            secs(steps.of("metrics")),
            secs(report_time),
            secs(typst_time),
            metrics_run,
            annual_run,
        );
    }
}

type MakeSample =
    fn(&Path, &[sample::YearExport], NaiveDate) -> complaints_report::error::Result<(Vec<u8>, usize)>;

/// Writes a sample export for the benchmark: its path and data rows.
fn write_sample(
    make: MakeSample,
    path: &Path,
    exports: &[sample::YearExport],
    extracted: NaiveDate,
) -> (PathBuf, usize) {
    let (bytes, rows) = make(path, exports, extracted).expect("sample file");
    std::fs::write(path, bytes).expect("sample file written");
    (path.to_path_buf(), rows)
}
