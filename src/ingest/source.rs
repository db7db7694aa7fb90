//! An input file's bytes: a large file is mapped straight from the operating system's cache
//! (reading a large export into fresh memory costs the kernel providing and clearing every
//! page; mapping it costs a few milliseconds), a small one read. Mapping needs `unsafe`, which
//! is allowed here.
#![allow(unsafe_code)]

use std::path::Path;

/// Files from this size on are mapped into memory rather than read into it.
const MAP_FROM_BYTES: u64 = 4 << 20;

/// The bytes of one input file, read or mapped; derefs to `[u8]`.
pub(super) enum FileBytes {
    Read(Vec<u8>),
    #[cfg(unix)]
    Mapped(memmap2::Mmap),
}

impl FileBytes {
    /// The file's bytes. A mapped file cut short by another program while it is read makes the
    /// process exit with code 1 and a message (see [`bus_errors`]), never crash silently.
    pub(super) fn open(path: &Path) -> std::io::Result<FileBytes> {
        let file = std::fs::File::open(path)?;
        #[cfg(unix)]
        if file.metadata()?.len() >= MAP_FROM_BYTES {
            bus_errors::report_as_changed_file();
            // SAFETY: a mapped file changed by another program while it is read would change
            // the bytes under the reader, and one cut short would fault on the lost pages. The
            // first cannot break memory safety here (the bytes are only ever read as bytes, and
            // text is checked as it is decoded), and the second is turned into an error message
            // and exit code 1 by `bus_errors` instead of a crash.
            let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }?;
            return Ok(FileBytes::Mapped(map));
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut &file, &mut bytes)?;
        Ok(FileBytes::Read(bytes))
    }
}

impl AsRef<[u8]> for FileBytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Read(bytes) => bytes,
            #[cfg(unix)]
            FileBytes::Mapped(map) => map,
        }
    }
}

/// A mapped input file cut short by another program while it is read makes the next read of a
/// lost page raise SIGBUS, which would kill the process without a word: the handler says what
/// happened and exits with code 1, as for a file that cannot be read.
#[cfg(unix)]
mod bus_errors {
    pub(super) const MESSAGE: &[u8] =
        b"error: an input file was changed (cut short) while it was being read: run again once it is complete\n";

    extern "C" fn changed_file(_signal: libc::c_int) {
        // SAFETY: write and _exit are async-signal-safe.
        unsafe {
            libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
            libc::_exit(1);
        }
    }

    pub(super) fn report_as_changed_file() {
        static INSTALLED: std::sync::Once = std::sync::Once::new();
        INSTALLED.call_once(|| {
            // SAFETY: a zeroed sigaction is valid (empty mask, no flags); the handler only calls
            // async-signal-safe functions.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = changed_file as extern "C" fn(libc::c_int) as libc::sighandler_t;
                libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut());
            }
        });
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// Set in the child process of the test below, which maps a file, cuts it short and reads
    /// the lost page.
    const CHILD: &str = "COMPLAINTS_REPORT_TEST_CUT_SHORT_FILE";

    #[test]
    fn a_file_cut_short_while_mapped_exits_1_with_a_message() {
        if let Some(path) = std::env::var_os(CHILD) {
            // The child: map a file big enough to be mapped, cut it to nothing, read past the cut.
            let bytes = FileBytes::open(Path::new(&path)).expect("opens");
            assert!(matches!(bytes, FileBytes::Mapped(_)), "mapped, not read");
            std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .and_then(|f| f.set_len(0))
                .expect("cut short");
            let last = bytes[bytes.len() - 1];
            // Unreachable: the read above faults, and the handler exits with code 1.
            panic!("read {last} from a page that was cut off");
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        std::fs::write(&path, vec![b'x'; MAP_FROM_BYTES as usize + 4096]).unwrap();
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "ingest::source::tests::a_file_cut_short_while_mapped_exits_1_with_a_message",
            ])
            .arg("--nocapture")
            .env(CHILD, &path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(std::str::from_utf8(bus_errors::MESSAGE).unwrap().trim()),
            "{stderr}"
        );
    }
}
