//! Fingerprints of the run's inputs (the export files and the config), printed in the
//! methodology so a report can be matched to the data it was made from.

use sha2::Digest;

/// Lower-case hex SHA-256 of some bytes, as `sha256sum` prints it.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", sha2::Sha256::digest(bytes))
}
