//! What a workbook may cost before calamine opens it. XLSX, XLSB and ODS are ZIP archives of
//! XML: a few kilobytes can unpack to gigabytes, one shared string can be a gigabyte long, and
//! the shared-string table declares a count calamine reserves memory for. Each part is unpacked
//! once here, streamed and counted but never held, so a bomb stops with the limit named.

use std::io::{Cursor, Read};

use crate::config::ReadLimits;

const MB: u64 = 1 << 20;

/// Why a workbook is refused, in words naming the `[input.limits]` key to raise.
pub(super) fn check_unpacked(bytes: &[u8], limits: &ReadLimits) -> Result<(), String> {
    // Not a ZIP (an old .xls): calamine's own reader bounds it by the format's 65,536 rows.
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let budget = limits.unpacked_mb.saturating_mul(MB);
    let mut unpacked = 0u64;
    for i in 0..archive.len() {
        let Ok(mut part) = archive.by_index(i) else {
            // A damaged part: calamine says which when it reaches it.
            continue;
        };
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        // The declared size is checked first (an honest bomb stops here at once); the count
        // below catches a part that declares less than it holds.
        if unpacked.saturating_add(part.size()) > budget {
            return Err(too_big(&name, limits));
        }
        let mut scan = PartScan::new(name.ends_with(".xml"), limits);
        // An ODS sheet's repeated rows and cells are expanded by calamine into a full grid.
        let mut grid = (name == "content.xml").then(OdsGrid::default);
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let n = match part.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            unpacked += n as u64;
            if unpacked > budget {
                return Err(too_big(&name, limits));
            }
            scan.feed(&buffer[..n]).map_err(|m| format!("{name}: {m}"))?;
            if let Some(grid) = &mut grid {
                grid.feed(&buffer[..n]);
                if grid.cells() > limits.cells {
                    return Err(format!(
                        "its repeated rows and cells make a sheet of more than {} cells, far more than a complaints export: \
                         if the file is genuine, raise [input.limits] cells, or save the sheet as CSV",
                        limits.cells
                    ));
                }
            }
        }
        if name.ends_with("sharedStrings.xml") {
            check_declared_strings(&scan.head, limits).map_err(|m| format!("{name}: {m}"))?;
        }
    }
    Ok(())
}

fn too_big(part: &str, limits: &ReadLimits) -> String {
    format!(
        "the workbook unpacks to more than {} MB (at {part}), which is far more than a complaints export holds: \
         if the file is genuine, raise [input.limits] unpacked_mb, or save the sheet as CSV",
        limits.unpacked_mb
    )
}

/// Watches one unpacked part for text too long to be a cell, and keeps its first bytes.
struct PartScan {
    xml: bool,
    longest_allowed: u64,
    run: u64,
    head: Vec<u8>,
    cell_kb: u64,
}

const HEAD_BYTES: usize = 4096;

impl PartScan {
    fn new(xml: bool, limits: &ReadLimits) -> Self {
        PartScan {
            xml,
            // XML escapes ("&amp;") make text up to six times its length.
            longest_allowed: limits.cell_kb.saturating_mul(1024).saturating_mul(6),
            run: 0,
            head: Vec::new(),
            cell_kb: limits.cell_kb,
        }
    }

    fn feed(&mut self, bytes: &[u8]) -> Result<(), String> {
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(bytes.len());
            self.head.extend_from_slice(&bytes[..take]);
        }
        if !self.xml {
            return Ok(());
        }
        // The text between two tags is at most one cell's (or one shared string's) text.
        let mut rest = bytes;
        while let Some(at) = memchr::memchr(b'<', rest) {
            self.check(self.run + at as u64)?;
            self.run = 0;
            rest = &rest[at + 1..];
        }
        self.run += rest.len() as u64;
        self.check(self.run)
    }

    fn check(&self, run: u64) -> Result<(), String> {
        match run > self.longest_allowed {
            true => Err(format!(
                "holds a text more than {} KB long, longer than any cell of a real export: \
                 if the file is genuine, raise [input.limits] cell_kb",
                self.cell_kb
            )),
            false => Ok(()),
        }
    }
}

/// The grid an ODS workbook's sheets expand to: an ODS row or cell can say it repeats a million
/// times, and calamine lays every sheet out as rows × columns up to its last value.
#[derive(Default)]
struct OdsGrid {
    /// The tag being read when a buffer ended inside it.
    partial: Option<Vec<u8>>,
    /// Cells of the sheets finished.
    done: u64,
    /// The sheet being read: rows so far, and rows and columns up to its last value.
    rows: u64,
    height: u64,
    width: u64,
    /// The row being read: its repeat count, columns so far, columns up to its last value.
    row_repeat: u64,
    column: u64,
    row_width: u64,
}

impl OdsGrid {
    fn cells(&self) -> u64 {
        self.done.saturating_add(self.height.saturating_mul(self.width))
    }

    fn feed(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        if let Some(mut tag) = self.partial.take() {
            match memchr::memchr(b'>', rest) {
                Some(end) => {
                    tag.extend_from_slice(&rest[..end]);
                    self.tag(&tag);
                    rest = &rest[end + 1..];
                }
                None => {
                    // A tag longer than any real one is not followed further.
                    if tag.len() < 1 << 16 {
                        tag.extend_from_slice(rest);
                    }
                    self.partial = Some(tag);
                    return;
                }
            }
        }
        while let Some(start) = memchr::memchr(b'<', rest) {
            match memchr::memchr(b'>', &rest[start..]) {
                Some(end) => {
                    self.tag(&rest[start + 1..start + end]);
                    rest = &rest[start + end + 1..];
                }
                None => {
                    self.partial = Some(rest[start + 1..].to_vec());
                    return;
                }
            }
        }
    }

    /// One tag, without its angle brackets.
    fn tag(&mut self, tag: &[u8]) {
        let repeat = |name: &[u8]| -> u64 {
            memchr::memmem::find(tag, name)
                .map(|at| &tag[at + name.len()..])
                .and_then(|value| {
                    let digits: Vec<u8> = value.iter().copied().take_while(u8::is_ascii_digit).collect();
                    std::str::from_utf8(&digits).ok()?.parse().ok()
                })
                .unwrap_or(1)
        };
        let closes_itself = tag.ends_with(b"/");
        if tag.starts_with(b"table:table ") || tag == b"table:table" {
            self.done = self.cells();
            (self.rows, self.height, self.width) = (0, 0, 0);
        } else if tag.starts_with(b"table:table-row") {
            self.row_repeat = repeat(b"table:number-rows-repeated=\"");
            (self.column, self.row_width) = (0, 0);
            if closes_itself {
                self.end_row();
            }
        } else if tag.starts_with(b"/table:table-row") {
            self.end_row();
        } else if tag.starts_with(b"table:table-cell") || tag.starts_with(b"table:covered-table-cell") {
            self.column = self
                .column
                .saturating_add(repeat(b"table:number-columns-repeated=\""));
            if memchr::memmem::find(tag, b"office:value-type").is_some() {
                self.row_width = self.column;
            }
        }
    }

    fn end_row(&mut self) {
        self.rows = self.rows.saturating_add(self.row_repeat);
        if self.row_width > 0 {
            self.height = self.rows;
            self.width = self.width.max(self.row_width);
        }
    }
}

/// calamine reserves room for the count the shared-string table declares: a false count of
/// billions would take the memory before a single string is read.
fn check_declared_strings(head: &[u8], limits: &ReadLimits) -> Result<(), String> {
    let head = String::from_utf8_lossy(head);
    let declared = ["uniqueCount=\"", "uniqueCount='"].iter().find_map(|key| {
        let (_, rest) = head.split_once(key)?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        Some(digits.parse::<u64>().unwrap_or(u64::MAX))
    });
    match declared {
        Some(count) if count > limits.cells => Err(format!(
            "declares {count} distinct texts, more than the {} cells a sheet may hold: \
             if the file is genuine, raise [input.limits] cells",
            limits.cells
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> ReadLimits {
        ReadLimits {
            unpacked_mb: 1,
            cells: 100,
            cell_kb: 1,
        }
    }

    #[test]
    fn a_text_run_longer_than_a_cell_is_refused_even_across_reads() {
        let mut scan = PartScan::new(true, &limits());
        // 6 KB allowed (1 KB of text, escaped); fed in pieces, no '<' between them.
        for _ in 0..6 {
            scan.feed(&[b'a'; 1024]).expect("within the limit so far");
        }
        assert!(scan.feed(b"a").is_err());
        let mut scan = PartScan::new(true, &limits());
        for _ in 0..100 {
            scan.feed(b"<t>short</t>").expect("short texts pass");
        }
    }

    #[test]
    fn an_ods_sheet_is_measured_as_the_grid_its_repeats_expand_to() {
        let content = br#"<table:table table:name="A"><table:table-row><table:table-cell office:value-type="string"><text:p>Ref</text:p></table:table-cell><table:table-cell table:number-columns-repeated="3" office:value-type="float"/><table:table-cell table:number-columns-repeated="16000"/></table:table-row><table:table-row table:number-rows-repeated="9"><table:table-cell office:value-type="string"/></table:table-row><table:table-row table:number-rows-repeated="1048000"/></table:table>"#;
        // Fed in pieces that split tags: 10 rows to the last value, 4 columns to the last value.
        let mut grid = OdsGrid::default();
        for piece in content.chunks(7) {
            grid.feed(piece);
        }
        assert_eq!(grid.cells(), 10 * 4);
    }

    #[test]
    fn a_declared_string_count_beyond_the_cell_limit_is_refused() {
        let head = br#"<?xml version="1.0"?><sst count="5" uniqueCount="99999999999">"#;
        assert!(check_declared_strings(head, &limits()).is_err());
        let head = br#"<sst xmlns="x" count="5" uniqueCount="5">"#;
        assert!(check_declared_strings(head, &limits()).is_ok());
    }
}
