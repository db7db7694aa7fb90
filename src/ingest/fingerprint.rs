//! A file's SHA-256, worked out on a thread of its own while the run goes on (hashing a large
//! export takes a noticeable share of a core; waiting for it at the end of reading held the
//! next stage back). Asking for the value waits for the thread. Only the commands that print
//! fingerprints have them worked out at all.

use std::sync::Arc;

use crate::columnar::parallel::Background;
use crate::digest::sha256_hex;

/// Whether a command prints its inputs' fingerprints (`validate`, the reports' methodology):
/// only then are they worked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fingerprints {
    Printed,
    NotPrinted,
}

/// A file's SHA-256, pending or known.
#[derive(Clone)]
pub struct Fingerprint(Arc<Background<String>>);

impl Fingerprint {
    /// An empty fingerprint: one the command did not ask for.
    pub fn not_taken() -> Self {
        Fingerprint(Arc::new(Background::ready(String::new())))
    }

    /// The SHA-256 of `bytes`, started now on another thread.
    pub fn of(bytes: Arc<impl AsRef<[u8]> + Send + Sync + 'static>) -> Self {
        Fingerprint(Arc::new(Background::start(move || {
            sha256_hex(bytes.as_ref().as_ref())
        })))
    }

    /// The lowercase hex digest, once the hashing thread has finished (empty if it failed).
    pub fn get(&self) -> &str {
        self.0.get().map_or("", String::as_str)
    }
}

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.get())
    }
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
        assert_eq!(Fingerprint::not_taken().get(), "");
    }
}
