//! A file's SHA-256, worked out on a thread of its own, at the lowest priority, while the run
//! goes on. Hashing a 200 MB export takes about 0.15 s of one core: waiting for it at the end of
//! reading held the next stage back, and it took a core from the parse, whereas later stages
//! leave a core idle for part of their time. Asking for the value waits for the thread. Only
//! the commands that print fingerprints have them worked out at all: even at the lowest
//! priority, hashing cost `metrics` about 0.1 s at 1M rows.

use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use sha2::Digest;

/// Whether a command prints its inputs' fingerprints (`validate`, the reports' methodology):
/// only then are they worked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fingerprints {
    Printed,
    NotPrinted,
}

#[derive(Clone)]
pub struct Fingerprint(Arc<State>);

struct State {
    value: OnceLock<String>,
    hashing: Mutex<Option<JoinHandle<String>>>,
}

impl Fingerprint {
    /// An empty fingerprint: one the command did not ask for, or a file's until it is taken.
    pub fn not_taken() -> Self {
        Fingerprint(Arc::new(State {
            value: OnceLock::from(String::new()),
            hashing: Mutex::new(None),
        }))
    }

    /// The SHA-256 of `bytes`, started now on another thread.
    pub fn of(bytes: Arc<impl AsRef<[u8]> + Send + Sync + 'static>) -> Self {
        let hashing = std::thread::spawn(move || {
            lowest_priority();
            sha256_hex(bytes.as_ref().as_ref())
        });
        Fingerprint(Arc::new(State {
            value: OnceLock::new(),
            hashing: Mutex::new(Some(hashing)),
        }))
    }

    /// The lowercase hex digest, once the hashing thread has finished.
    pub fn get(&self) -> &str {
        self.0.value.get_or_init(|| {
            let hashing = self
                .0
                .hashing
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take();
            // Hashing bytes cannot fail; a thread that did not finish leaves the fingerprint empty.
            hashing.and_then(|h| h.join().ok()).unwrap_or_default()
        })
    }
}

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.get())
    }
}

impl serde::Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.get())
    }
}

/// Lets the calling thread run only on a core nothing else wants (Linux: nice 19 for this
/// thread alone), so that hashing never slows the parse or the passes that keep both cores
/// busy. A thread waiting for the digest leaves a core free, so it is never starved.
fn lowest_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid and setpriority only read their arguments; a refusal changes nothing.
    unsafe {
        let thread = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, thread, 19);
    }
}

/// Lower-case hex SHA-256 of some bytes (inputs and config are identified by it in reports).
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", sha2::Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_background_digest_is_the_files_sha256() {
        // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let fingerprint = Fingerprint::of(Arc::new(b"abc".to_vec()));
        let copy = fingerprint.clone();
        assert_eq!(fingerprint.get(), abc);
        assert_eq!(copy.get(), abc);
        assert_eq!(serde_json::to_string(&copy).unwrap(), format!("\"{abc}\""));
        assert_eq!(Fingerprint::not_taken().get(), "");
    }
}
