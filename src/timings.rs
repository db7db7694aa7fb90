//! Stage timings on stderr when `COMPLAINTS_REPORT_TIMINGS` is set: the profile of a run, for
//! finding what dominates without a profiler. Silent otherwise.

use std::sync::OnceLock;
use std::time::Instant;

pub fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("COMPLAINTS_REPORT_TIMINGS").is_some())
}

/// Runs `work`, printing how long it took under `name`.
pub fn step<T>(name: &str, work: impl FnOnce() -> T) -> T {
    if !enabled() {
        return work();
    }
    let started = Instant::now();
    let value = work();
    eprintln!(
        "timing: {name}: {:.3} s (peak RSS so far {} MiB)",
        started.elapsed().as_secs_f64(),
        peak_rss_kib().map_or("?".into(), |k| (k / 1024).to_string())
    );
    value
}

/// The process's peak resident set size (Linux; `None` elsewhere).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
