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
        peak_rss_kib(std::path::Path::new("/proc/self/status"))
            .map_or("?".into(), |k| (k / 1024).to_string())
    );
    value
}

/// A process's peak resident set size in KiB (VmHWM), from its status file under /proc
/// ("/proc/self/status" for this one): Linux only, `None` elsewhere.
pub fn peak_rss_kib(status_file: &std::path::Path) -> Option<u64> {
    let status = std::fs::read_to_string(status_file).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
