//! Step timings on stderr when `COMPLAINTS_REPORT_TIMINGS` is set: the profile of a run, for
//! finding what dominates without a profiler (docs/performance.md). Silent otherwise. Reads the
//! process's resource use through libc, so `unsafe` is allowed here.
#![allow(unsafe_code)]

use std::time::Instant;

use crate::observe::Observer;

/// Times every step it observes, when `COMPLAINTS_REPORT_TIMINGS` is set.
#[derive(Debug, Clone, Copy)]
pub struct Trace {
    on: bool,
}

impl Trace {
    /// On when `COMPLAINTS_REPORT_TIMINGS` is set.
    pub fn from_env() -> Trace {
        Trace {
            on: std::env::var_os("COMPLAINTS_REPORT_TIMINGS").is_some(),
        }
    }
}

impl Observer for Trace {
    fn step(&self, name: &str, work: &mut dyn FnMut()) {
        if self.on {
            timed(name, work);
        } else {
            work();
        }
    }
}

/// Runs `work`, printing how long it took under `name`.
fn timed(name: &str, work: &mut dyn FnMut()) {
    let started = Instant::now();
    let before = Usage::now();
    work();
    let wall = started.elapsed().as_secs_f64();
    // CPU time beside wall time shows how many cores a step kept busy; the kernel's share and
    // the page faults show how much of it went on providing fresh memory.
    let usage = match (before, Usage::now()) {
        (Some(before), Some(after)) => format!(
            "{:.3} s, kernel {:.3} s, {} page faults",
            after.cpu - before.cpu,
            after.kernel - before.kernel,
            after.page_faults - before.page_faults
        ),
        _ => "?".into(),
    };
    // Anonymous memory held now (the mapped input is not in it): memory the allocator keeps for
    // reuse counts, so its growth over a step is the fresh memory the step took.
    let status = std::path::Path::new("/proc/self/status");
    let mib = |k: Option<u64>| k.map_or("?".into(), |k| (k / 1024).to_string());
    eprintln!(
        "timing: {name}: {wall:.3} s (CPU {usage}, anonymous RSS {} MiB, peak RSS so far {} MiB)",
        mib(status_kib(status, "RssAnon:")),
        mib(peak_rss_kib(status)),
    );
}

/// The whole process's resource use so far, every thread included (Unix only).
struct Usage {
    /// User and system CPU seconds.
    cpu: f64,
    /// System CPU seconds alone.
    kernel: f64,
    /// Minor page faults: nearly all of them a fresh page the kernel had to provide and clear.
    page_faults: i64,
}

impl Usage {
    fn now() -> Option<Usage> {
        #[cfg(unix)]
        {
            // SAFETY: getrusage only writes the struct it is given.
            let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
            if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
                return None;
            }
            let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
            let kernel = seconds(usage.ru_stime);
            Some(Usage {
                cpu: seconds(usage.ru_utime) + kernel,
                kernel,
                page_faults: usage.ru_minflt as i64,
            })
        }
        #[cfg(not(unix))]
        None
    }
}

/// A process's peak resident set size in KiB (VmHWM), from its status file under /proc
/// ("/proc/self/status" for this one): Linux only, `None` elsewhere.
pub fn peak_rss_kib(status_file: &std::path::Path) -> Option<u64> {
    status_kib(status_file, "VmHWM:")
}

/// A KiB figure of a /proc status file, by its label.
fn status_kib(status_file: &std::path::Path, label: &str) -> Option<u64> {
    let status = std::fs::read_to_string(status_file).ok()?;
    let line = status.lines().find(|l| l.starts_with(label))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
