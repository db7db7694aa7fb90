//! The text of a delimited file: its encoding found (UTF-8, UTF-8 or UTF-16 with a byte-order
//! mark, else Windows-1252), decoded only as far as the reader needs.

use std::borrow::Cow;
use std::ops::Range;

use super::strict;

/// A delimited file's text, as far as it has been decoded.
pub(super) struct Decoded<'a> {
    /// The text: the file's own bytes when they are UTF-8 (checked once, here).
    pub text: Cow<'a, str>,
    pub encoding: &'static str,
    /// Whether the text covers the whole file: a Windows-1252 file may be decoded only as far
    /// as its head.
    pub whole: bool,
}

impl<'a> Decoded<'a> {
    /// The data rows, from `start` (an offset in the text).
    pub(super) fn into_data(self, start: usize, bytes: &'a [u8]) -> DataRows<'a> {
        if self.whole {
            return DataRows::Text(self.text, start);
        }
        // Windows-1252 is one byte per character, so characters count bytes of the file.
        let rest = &bytes[self.text[..start].chars().count()..];
        match rest.is_ascii() {
            true => match std::str::from_utf8(rest) {
                Ok(ascii) => DataRows::Text(Cow::Borrowed(ascii), 0),
                Err(_) => DataRows::Windows1252(rest),
            },
            false => DataRows::Windows1252(rest),
        }
    }
}

/// A delimited file's data rows.
pub(super) enum DataRows<'a> {
    /// UTF-8 text (the file's own bytes, or decoded), from an offset.
    Text(Cow<'a, str>, usize),
    /// Windows-1252 bytes of the file, not decoded yet.
    Windows1252(&'a [u8]),
}

impl<'a> DataRows<'a> {
    pub(super) fn source(&self) -> strict::Source<'_> {
        match self {
            DataRows::Text(text, start) => strict::Source::Utf8(&text[*start..]),
            DataRows::Windows1252(bytes) => strict::Source::Windows1252(bytes),
        }
    }

    /// The rows as UTF-8 text: decoded text (returned) or, when `None` is returned, a span of
    /// the file's bytes (so that the caller may let the bytes go once they are decoded).
    pub(super) fn into_text(self, bytes: &[u8]) -> (Option<String>, Range<usize>) {
        let in_file = |text: &str| {
            let start = text.as_ptr() as usize - bytes.as_ptr() as usize;
            start..start + text.len()
        };
        match self {
            DataRows::Text(Cow::Owned(text), start) => {
                let end = text.len();
                (Some(text), start..end)
            }
            DataRows::Text(Cow::Borrowed(text), start) => (None, in_file(&text[start..])),
            DataRows::Windows1252(rows) => {
                let text = windows_1252_to_utf8(rows);
                let end = text.len();
                (Some(text), 0..end)
            }
        }
    }
}

/// The file's text and the name of its encoding. Windows-1252 is the fallback because every
/// byte decodes, so a "£" from an Excel export never fails the read; such a file is decoded
/// only to the line end before `head_bytes`, and the rest when its data rows need it.
pub(super) fn decode(bytes: &[u8], head_bytes: usize) -> Decoded<'_> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        // A UTF-8 mark on text that is not UTF-8 (a tool added it to a Windows export): decoded
        // as UTF-8, every "£" and "é" would become U+FFFD.
        if encoding == encoding_rs::UTF_8 && std::str::from_utf8(&bytes[bom_len..]).is_err() {
            return Decoded {
                text: Cow::Owned(windows_1252_to_utf8(&bytes[bom_len..])),
                encoding: BOM_THEN_WINDOWS_1252,
                whole: true,
            };
        }
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        let name = if encoding == encoding_rs::UTF_8 {
            "UTF-8 with BOM"
        } else {
            encoding.name()
        };
        return Decoded {
            text,
            encoding: name,
            whole: true,
        };
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        return Decoded {
            text,
            encoding: if encoding == encoding_rs::UTF_16LE {
                "UTF-16LE without byte-order mark"
            } else {
                "UTF-16BE without byte-order mark"
            },
            whole: true,
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: Cow::Borrowed(text),
            encoding: "UTF-8",
            whole: true,
        };
    }
    let head_end = match bytes.len() > head_bytes {
        true => memchr::memrchr(b'\n', &bytes[..head_bytes]).map_or(bytes.len(), |i| i + 1),
        false => bytes.len(),
    };
    Decoded {
        text: Cow::Owned(windows_1252_to_utf8(&bytes[..head_end])),
        encoding: "Windows-1252",
        whole: head_end == bytes.len(),
    }
}

/// The encoding name of a file marked UTF-8 that is Windows-1252 after the mark.
pub(super) const BOM_THEN_WINDOWS_1252: &str = "Windows-1252 after a UTF-8 byte-order mark";

/// UTF-16 text without a byte-order mark: mostly ASCII, so every other byte of its start is
/// zero (the second of each pair in little-endian, the first in big-endian), which no 8-bit
/// text has.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    if head.len() < 8 {
        return None;
    }
    let pairs = head.len() / 2;
    let zeros = |offset: usize| head.iter().skip(offset).step_by(2).filter(|&&b| b == 0).count();
    let (even, odd) = (zeros(0), zeros(1));
    match (even * 10 >= pairs * 7, odd * 10 >= pairs * 7) {
        (false, true) if even == 0 => Some(encoding_rs::UTF_16LE),
        (true, false) if odd == 0 => Some(encoding_rs::UTF_16BE),
        _ => None,
    }
}

/// Windows-1252 is one byte per character, so the text can be decoded in blocks, and the
/// (usual) all-ASCII blocks copied as they are.
pub(super) fn windows_1252_to_utf8(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 64);
    for block in bytes.chunks(8192) {
        match std::str::from_utf8(block) {
            Ok(ascii) if block.is_ascii() => text.push_str(ascii),
            _ => text.push_str(&encoding_rs::WINDOWS_1252.decode_without_bom_handling(block).0),
        }
    }
    text
}

/// NUL bytes or many control characters in the first few kilobytes mean this is not text.
pub(super) fn looks_binary(text: &str) -> bool {
    let sample: Vec<char> = text.chars().take(8192).collect();
    let control = sample
        .iter()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .count();
    sample.contains(&'\0') || control * 20 > sample.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole text and encoding name, as the reader sees them.
    fn decode_all(bytes: &[u8]) -> (String, &'static str) {
        let decoded = decode(bytes, usize::MAX);
        (decoded.text.to_string(), decoded.encoding)
    }

    #[test]
    fn decodes_utf8_bom_and_windows_1252() {
        assert_eq!(decode_all(b"\xEF\xBB\xBFRef,\xC2\xA3").0, "Ref,£");
        assert_eq!(decode_all(b"\xEF\xBB\xBFRef").1, "UTF-8 with BOM");
        let (text, name) = decode_all(b"Ref,Amount\nA1,\xA350");
        assert_eq!((text.as_str(), name), ("Ref,Amount\nA1,£50", "Windows-1252"));
        assert_eq!(decode_all("Ref,£".as_bytes()).1, "UTF-8");
        // UTF-16 little-endian with BOM, as Excel's "Unicode text" writes.
        assert_eq!(decode_all(b"\xFF\xFER\x00e\x00f\x00").0, "Ref");
    }

    #[test]
    fn utf16_without_a_mark_and_a_mark_on_windows_1252_are_read_as_what_they_are() {
        let le: Vec<u8> = "Ref,Received\nA1,£5\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(
            decode_all(&le),
            (
                "Ref,Received\nA1,£5\n".to_string(),
                "UTF-16LE without byte-order mark"
            )
        );
        let be: Vec<u8> = "Ref,Received\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(decode_all(&be).0, "Ref,Received\n");
        // Noise with NULs here and there is not UTF-16.
        assert_eq!(utf16_without_bom(b"\0\x01\x02abc\0\0xyz\x05\x06"), None);
        let marked = b"\xEF\xBB\xBFRef,Amount\nA1,\xA350 caf\xE9\n";
        assert_eq!(
            decode_all(marked),
            ("Ref,Amount\nA1,£50 café\n".to_string(), BOM_THEN_WINDOWS_1252)
        );
    }

    #[test]
    fn binary_noise_is_not_text() {
        assert!(looks_binary("\0\u{1}\u{2}abc"));
        assert!(!looks_binary("Ref,Date\nA,1\n"));
    }
}
