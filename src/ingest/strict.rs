//! A reader for strictly well-formed delimited text, the shape nearly every export has: fields
//! unquoted or wholly quoted (a quote inside written twice), `\n` or `\r\n` line ends, every row
//! as wide as the header. Such text is split into parts at row boundaries and read on every
//! core, keeping only the wanted columns. Anything else is declined (`None`) and left to the
//! general readers, so this reader never has to guess. Cells come out tidy: trimmed, and
//! missing when blank.

use std::borrow::Cow;
use std::ops::Range;

use polars::prelude::*;

/// Data rows for the strict reader: UTF-8 text, or Windows-1252 bytes decoded a cell at a time
/// (only cells with a byte past ASCII need decoding; the file is never copied whole).
#[derive(Clone, Copy)]
pub(super) enum Source<'a> {
    Utf8(&'a str),
    Windows1252(&'a [u8]),
}

impl<'a> Source<'a> {
    fn bytes(&self) -> &'a [u8] {
        match self {
            Source::Utf8(text) => text.as_bytes(),
            Source::Windows1252(bytes) => bytes,
        }
    }

    /// A cell's text. The range starts and ends beside ASCII bytes (delimiters, quotes, line
    /// ends) or at the ends of the rows, so it never splits a UTF-8 character.
    fn cell(&self, range: Range<usize>) -> Cow<'a, str> {
        match self {
            Source::Utf8(text) => Cow::Borrowed(&text[range]),
            // ASCII cells (most) come back borrowed.
            Source::Windows1252(bytes) => {
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(&bytes[range])
                    .0
            }
        }
    }
}

/// Below this size one core reads the text: starting threads would cost more than they save.
const PARALLEL_FROM_BYTES: usize = 1 << 20;

/// The wanted columns (by position in the row, in the order given) of `source`, which holds
/// only data rows, as String columns named by `names`; `None` when `source` is not strictly
/// well-formed or `width` < 2 (a one-column file's blank line is a row, not a gap).
pub(super) fn read(
    source: Source,
    delimiter: u8,
    width: usize,
    wanted: &[usize],
    names: &[PlSmallStr],
) -> Option<Vec<StringChunked>> {
    if width < 2 || wanted.iter().any(|&w| w >= width) || delimiter == b'"' || delimiter >= 0x80 {
        return None;
    }
    let mut slot = vec![None; width];
    for (i, &w) in wanted.iter().enumerate() {
        slot[w] = Some(i);
    }
    let parts = parts(source.bytes());
    let format = Format {
        delimiter,
        width,
        slot: &slot,
        names,
    };
    let read =
        crate::parallel::in_parallel(&parts, |&(start, end)| Ok(read_part(source, start, end, &format)))
            .ok()?
            .into_iter()
            .collect::<Option<Vec<_>>>()?;
    let mut columns: Vec<StringChunked> = Vec::with_capacity(wanted.len());
    for part in read {
        for (i, column) in part.into_iter().enumerate() {
            match columns.get_mut(i) {
                Some(whole) => whole.append_owned(column).ok()?,
                None => columns.push(column),
            }
        }
    }
    Some(columns)
}

struct Format<'a> {
    delimiter: u8,
    width: usize,
    /// For each field of a row, the wanted column it goes to.
    slot: &'a [Option<usize>],
    names: &'a [PlSmallStr],
}

/// Where to split the text, one part per core: after a line end outside quotes. A guess when
/// the text is not well-formed; `read_part` checks each part ends exactly on a row boundary,
/// and since the first part starts at the true start, every boundary is then a true one.
fn parts(bytes: &[u8]) -> Vec<(usize, usize)> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    if cores == 1 || bytes.len() < PARALLEL_FROM_BYTES {
        return vec![(0, bytes.len())];
    }
    let mut bounds = vec![0];
    let (mut counted_to, mut quotes) = (0, 0usize);
    for k in 1..cores {
        let guess = (bytes.len() / cores * k).max(counted_to);
        quotes += memchr::memchr_iter(b'"', &bytes[counted_to..guess]).count();
        let mut in_quotes = quotes % 2 == 1;
        let mut bound = bytes.len();
        for (i, &b) in bytes[guess..].iter().enumerate() {
            match b {
                b'"' => in_quotes = !in_quotes,
                b'\n' if !in_quotes => {
                    bound = guess + i + 1;
                    break;
                }
                _ => {}
            }
        }
        quotes += memchr::memchr_iter(b'"', &bytes[guess..bound]).count();
        counted_to = bound;
        if bound > *bounds.last().expect("starts with 0") && bound < bytes.len() {
            bounds.push(bound);
        }
    }
    bounds.push(bytes.len());
    bounds.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Reads the rows in bytes `start..end` of `source`; `None` unless they are well-formed and
/// end exactly at `end`.
fn read_part(source: Source, start: usize, end: usize, format: &Format) -> Option<Vec<StringChunked>> {
    let bytes = source.bytes();
    let rows_guess = (end - start) / (format.width * 4).max(1);
    let mut builders: Vec<StringChunkedBuilder> = format
        .names
        .iter()
        .map(|name| StringChunkedBuilder::new(name.clone(), rows_guess))
        .collect();
    let mut pos = start;
    let mut field = 0;
    while pos < end {
        // One field, then what ends it.
        let (value, after): (Option<Cow<str>>, usize) = if bytes[pos] == b'"' {
            let mut close = pos + 1;
            let mut doubled = false;
            loop {
                close += memchr::memchr(b'"', &bytes[close..])?;
                if bytes.get(close + 1) == Some(&b'"') {
                    doubled = true;
                    close += 2;
                } else {
                    break;
                }
            }
            let inner = source.cell(pos + 1..close);
            let value = match doubled {
                true => Cow::Owned(inner.replace("\"\"", "\"")),
                false => inner,
            };
            (Some(value), close + 1)
        } else {
            let mut stop = pos;
            while let Some(&b) = bytes.get(stop) {
                if b == format.delimiter || b == b'\n' || b == b'\r' || b == b'"' {
                    break;
                }
                stop += 1;
            }
            let value = (stop > pos).then(|| source.cell(pos..stop));
            (value, stop)
        };
        let (row_ends, next) = match bytes.get(after) {
            None => (true, after),
            Some(b'\n') => (true, after + 1),
            Some(b'\r') if bytes.get(after + 1) == Some(&b'\n') => (true, after + 2),
            Some(&b) if b == format.delimiter => (false, after + 1),
            // A quote inside an unquoted field, text after a closing quote, a lone \r.
            Some(_) => return None,
        };
        if let Some(column) = format.slot[field] {
            // Trimmed, and blank cells missing, as normalising would make them anyway.
            match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                Some(value) => builders[column].append_value(value),
                None => builders[column].append_null(),
            }
        }
        field += 1;
        pos = next;
        if row_ends {
            if field != format.width {
                return None;
            }
            field = 0;
        } else if field == format.width || pos >= end {
            // Too many fields, or a row cut off by the end of its part.
            return None;
        }
    }
    (pos == end && field == 0).then(|| builders.into_iter().map(|b| b.finish()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<PlSmallStr> {
        (0..n).map(|i| format!("c{i}").into()).collect()
    }

    fn cells(columns: &[StringChunked]) -> Vec<Vec<Option<String>>> {
        columns
            .iter()
            .map(|c| c.iter().map(|v| v.map(str::to_string)).collect())
            .collect()
    }

    fn text(cells: &[&str]) -> Vec<Option<String>> {
        cells
            .iter()
            .map(|c| (!c.is_empty()).then(|| c.to_string()))
            .collect()
    }

    #[test]
    fn reads_quoted_fields_line_ends_and_empty_cells() {
        let data = "a,\"b, with comma\", c \r\n,\"say \"\"hi\"\"\",\"two\nlines\"\n\"\",x,\"  \"\n";
        let read = read(Source::Utf8(data), b',', 3, &[0, 1, 2], &names(3)).expect("well-formed");
        let some = |v: &str| Some(v.to_string());
        assert_eq!(
            cells(&read),
            [
                // Cells come out tidy: trimmed, and missing when blank, quoted or not.
                vec![some("a"), None, None],
                vec![some("b, with comma"), some("say \"hi\""), some("x")],
                vec![some("c"), some("two\nlines"), None],
            ]
        );
    }

    #[test]
    fn keeps_only_the_wanted_columns_in_the_order_asked() {
        let read = read(Source::Utf8("1,2,3\n4,5,6"), b',', 3, &[2, 0], &names(2)).expect("well-formed");
        assert_eq!(cells(&read), [text(&["3", "6"]), text(&["1", "4"])]);
    }

    #[test]
    fn declines_anything_not_strictly_well_formed() {
        for data in [
            "a,b\nc\n",     // short row
            "a,b\na,b,c\n", // long row
            "a,b\n\nc,d\n", // blank line
            "a,b\"c\n",     // quote inside an unquoted field
            "\"a\"x,b\n",   // text after a closing quote
            "a,b\rc,d\n",   // lone carriage return
            "a,\"b\n",      // quote never closed
            "a,b,",         // row cut off at the end
        ] {
            assert!(
                read(Source::Utf8(data), b',', 2, &[0, 1], &names(2)).is_none(),
                "{data:?}"
            );
        }
        assert!(
            read(Source::Utf8("a\nb\n"), b',', 1, &[0], &names(1)).is_none(),
            "one column"
        );
    }

    #[test]
    fn parts_split_after_line_ends_outside_quotes() {
        // Rows with a quoted line break, long enough to be split among the cores.
        let row = "1,\"two\nlines, \"\"quoted\"\"\",3\n";
        let data = row.repeat(PARALLEL_FROM_BYTES / row.len() + 7);
        let parts = parts(data.as_bytes());
        assert_eq!(parts.first().map(|p| p.0), Some(0));
        assert_eq!(parts.last().map(|p| p.1), Some(data.len()));
        for (start, _) in &parts {
            assert_eq!(start % row.len(), 0, "{start} is a row boundary");
        }
        let read = read(Source::Utf8(&data), b',', 3, &[0, 1, 2], &names(3)).expect("well-formed");
        assert_eq!(read[1].len(), data.len() / row.len());
        assert!(read[1].iter().all(|v| v == Some("two\nlines, \"quoted\"")));
    }
}
