//! A reader for strictly well-formed delimited text, the shape nearly every export has: fields
//! unquoted or wholly quoted (a quote inside written twice), `\n` or `\r\n` line ends, every row
//! as wide as the header. Such text is split into parts at row boundaries and read on every
//! core, keeping only the wanted columns. Anything else is declined (`None`) and left to the
//! general readers, so this reader never has to guess. Cells come out tidy: trimmed, and
//! missing when blank.

use std::borrow::Cow;
use std::ops::Range;

use polars::prelude::*;
use polars_arrow::bitmap::BitmapBuilder;

mod scan;

use super::RawColumn;
use super::coded::{CodedText, Coder};
use crate::columnar::parallel::{map_in_parallel, map_in_parallel_owned, part_count};
use scan::field_end;

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

    /// A cell's bytes, trimmed of whitespace (as `str::trim` would trim its text) and with
    /// doubled quotes undone. The range starts and ends beside ASCII bytes (delimiters, quotes,
    /// line ends) or at the ends of the rows, so it never splits a UTF-8 character.
    fn trimmed(&self, range: Range<usize>, doubled: bool) -> Cow<'a, [u8]> {
        match self {
            Source::Utf8(text) => match doubled {
                false => Cow::Borrowed(text[range].trim().as_bytes()),
                true => Cow::Owned(text[range].replace("\"\"", "\"").trim().as_bytes().to_vec()),
            },
            Source::Windows1252(bytes) => {
                // Windows-1252's only whitespace past ASCII is the no-break space, 0xA0.
                let space = |b: &u8| matches!(b, b'\t'..=b'\r' | b' ' | 0xA0);
                let trim = |cell: &'a [u8]| -> &'a [u8] {
                    let start = cell.iter().position(|b| !space(b)).unwrap_or(cell.len());
                    let end = cell.iter().rposition(|b| !space(b)).map_or(start, |e| e + 1);
                    &cell[start..end]
                };
                let cell = &bytes[range];
                match doubled {
                    false => Cow::Borrowed(trim(cell)),
                    true => {
                        // Inside the quotes, quote marks come in pairs: the second of each goes.
                        let mut unquoted = Vec::with_capacity(cell.len());
                        let mut second = false;
                        for &b in trim(cell) {
                            if b == b'"' {
                                second = !second;
                                if !second {
                                    continue;
                                }
                            }
                            unquoted.push(b);
                        }
                        Cow::Owned(unquoted)
                    }
                }
            }
        }
    }

    /// A cell's text from its bytes (ASCII cells, most, come back borrowed).
    fn text<'b>(&self, cell: &'b [u8]) -> Cow<'b, str> {
        match self {
            Source::Utf8(_) => String::from_utf8_lossy(cell),
            Source::Windows1252(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(cell).0,
        }
    }
}

/// How a wanted column comes out of the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keep {
    /// A text column (for a column of mostly distinct values: the reference).
    Text,
    /// Coded: each distinct value once (every other column).
    Coded,
}

/// Below this size one core reads the text: starting threads would cost more than they save.
const PARALLEL_FROM_BYTES: usize = 1 << 20;

/// The wanted columns (by position in the row, in the order given, each read as `keep` says)
/// of `source`, which holds only data rows, named by `names`; `None` when `source` is not
/// strictly well-formed or `width` < 2 (a one-column file's blank line is a row, not a gap).
pub(super) fn read(
    source: Source,
    delimiter: u8,
    width: usize,
    wanted: &[(usize, Keep)],
    names: &[PlSmallStr],
) -> Option<Vec<RawColumn>> {
    if width < 2 || wanted.iter().any(|&(w, _)| w >= width) || delimiter == b'"' || delimiter >= 0x80 {
        return None;
    }
    let mut slot = vec![None; width];
    for (i, &(w, _)) in wanted.iter().enumerate() {
        slot[w] = Some(i);
    }
    let parts = parts(source.bytes());
    let format = Format {
        delimiter,
        width,
        slot: &slot,
        keep: &wanted.iter().map(|&(_, k)| k).collect::<Vec<_>>(),
        names,
    };
    let read = map_in_parallel(&parts, |&(start, end)| read_part(source, start, end, &format))
        .into_iter()
        .collect::<Option<Vec<_>>>()?;
    // The parts' columns joined, a column per core.
    let mut by_column: Vec<Vec<PartColumn>> = (0..wanted.len()).map(|_| Vec::new()).collect();
    for part in read {
        for (i, column) in part.into_iter().enumerate() {
            by_column[i].push(column);
        }
    }
    map_in_parallel_owned(by_column, |parts| join_parts(source, parts))
        .into_iter()
        .collect()
}

struct Format<'a> {
    delimiter: u8,
    width: usize,
    /// For each field of a row, the wanted column it goes to.
    slot: &'a [Option<usize>],
    keep: &'a [Keep],
    names: &'a [PlSmallStr],
}

/// One wanted column of one part of the rows.
enum PartColumn {
    Text(StringChunkedBuilder),
    /// Each row's code into `values` (trimmed bytes as stored), and whether it has one (a blank
    /// cell has code 0 and no value).
    Coded {
        codes: Vec<IdxSize>,
        present: BitmapBuilder,
        values: Coder,
    },
}

/// The parts of one column, in order, as one column.
fn join_parts(source: Source, parts: Vec<PartColumn>) -> Option<RawColumn> {
    let mut parts = parts.into_iter();
    match parts.next()? {
        PartColumn::Text(first) => {
            let mut whole = first.finish();
            for part in parts {
                let PartColumn::Text(part) = part else { return None };
                whole.append_owned(part.finish()).ok()?;
            }
            Some(RawColumn::Text(whole))
        }
        PartColumn::Coded {
            mut codes,
            mut present,
            mut values,
        } => {
            // A later part's codes are appended to the first's (whose capacity, guessed from
            // its bytes, nearly always holds them all), renumbered where its values join the
            // first's in another order: the column is one chunk without another copy.
            for part in parts {
                let PartColumn::Coded {
                    codes: more,
                    present: more_present,
                    values: more_values,
                } = part
                else {
                    return None;
                };
                let renumbered: Vec<IdxSize> = more_values.values().map(|v| values.code(v)).collect();
                if renumbered.iter().enumerate().all(|(i, &c)| i as IdxSize == c) {
                    codes.extend_from_slice(&more);
                } else {
                    // A blank cell's code (0) may have no value to renumber.
                    codes.extend(
                        more.iter()
                            .map(|&code| renumbered.get(code as usize).copied().unwrap_or(0)),
                    );
                }
                present.extend_from_bitmap(&more_present.freeze());
            }
            let whole = IdxCa::from_vec_validity(PlSmallStr::EMPTY, codes, present.into_opt_validity());
            Some(RawColumn::Coded(CodedText {
                codes: whole,
                values: values.values().map(|v| source.text(v).into_owned()).collect(),
            }))
        }
    }
}

/// Where to split the text, one part per core: after a line end outside quotes. A guess when
/// the text is not well-formed; `read_part` checks each part ends exactly on a row boundary,
/// and since the first part starts at the true start, every boundary is then a true one.
fn parts(bytes: &[u8]) -> Vec<(usize, usize)> {
    let cores = part_count();
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
fn read_part(source: Source, start: usize, end: usize, format: &Format) -> Option<Vec<PartColumn>> {
    let bytes = source.bytes();
    let rows_guess = (end - start) / (format.width * 4).max(1);
    let mut columns: Vec<PartColumn> = format
        .names
        .iter()
        .zip(format.keep)
        .map(|(name, keep)| match keep {
            Keep::Text => PartColumn::Text(StringChunkedBuilder::new(name.clone(), rows_guess)),
            Keep::Coded => PartColumn::Coded {
                codes: Vec::with_capacity(rows_guess),
                present: BitmapBuilder::with_capacity(rows_guess),
                values: Coder::default(),
            },
        })
        .collect();
    let mut pos = start;
    let mut field = 0;
    while pos < end {
        // One field (the span of its text, and whether it holds doubled quotes), then what
        // ends it.
        let (span, doubled, after) = if bytes[pos] == b'"' {
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
            (pos + 1..close, doubled, close + 1)
        } else {
            let stop = field_end(bytes, pos, format.delimiter);
            (pos..stop, false, stop)
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
            let cell = source.trimmed(span, doubled);
            match &mut columns[column] {
                PartColumn::Text(builder) => match cell.is_empty() {
                    true => builder.append_null(),
                    false => builder.append_value(source.text(&cell)),
                },
                PartColumn::Coded {
                    codes,
                    present,
                    values,
                } => {
                    present.push(!cell.is_empty());
                    codes.push(match cell.is_empty() {
                        true => 0,
                        false => values.code(&cell),
                    });
                }
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
    (pos == end && field == 0).then_some(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<PlSmallStr> {
        (0..n).map(|i| format!("c{i}").into()).collect()
    }

    fn cells(columns: &[RawColumn]) -> Vec<Vec<Option<String>>> {
        columns.iter().map(RawColumn::cells).collect()
    }

    /// Every column coded, but for the first (text), as the reference is.
    fn keep(columns: &[usize]) -> Vec<(usize, Keep)> {
        columns
            .iter()
            .enumerate()
            .map(|(i, &c)| (c, if i == 0 { Keep::Text } else { Keep::Coded }))
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
        let read = read(Source::Utf8(data), b',', 3, &keep(&[0, 1, 2]), &names(3)).expect("well-formed");
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
    fn coded_columns_hold_each_value_once_and_windows_1252_is_trimmed_as_its_text_would_be() {
        // No-break spaces (0xA0 in Windows-1252) around a value are whitespace; "£" (0xA3) is not.
        let data = b"A1,\xA0Repairs\xA0,\xA350\nA2,Repairs,\"say \"\"\xA3\"\"\"\nA3,\"Repairs \",\xA350\n";
        let read =
            read(Source::Windows1252(data), b',', 3, &keep(&[0, 1, 2]), &names(3)).expect("well-formed");
        let some = |v: &str| Some(v.to_string());
        assert_eq!(
            cells(&read),
            [
                vec![some("A1"), some("A2"), some("A3")],
                vec![some("Repairs"), some("Repairs"), some("Repairs")],
                vec![some("£50"), some("say \"£\""), some("£50")],
            ]
        );
        let RawColumn::Coded(category) = &read[1] else {
            panic!("coded")
        };
        assert_eq!(category.values, ["Repairs"]);
        let RawColumn::Coded(amount) = &read[2] else {
            panic!("coded")
        };
        assert_eq!(amount.values, ["£50", "say \"£\""]);
    }

    #[test]
    fn keeps_only_the_wanted_columns_in_the_order_asked() {
        let read =
            read(Source::Utf8("1,2,3\n4,5,6"), b',', 3, &keep(&[2, 0]), &names(2)).expect("well-formed");
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
                read(Source::Utf8(data), b',', 2, &keep(&[0, 1]), &names(2)).is_none(),
                "{data:?}"
            );
        }
        assert!(
            read(Source::Utf8("a\nb\n"), b',', 1, &keep(&[0]), &names(1)).is_none(),
            "one column"
        );
    }

    #[test]
    fn a_quote_never_closed_is_declined_when_the_text_is_read_in_parts() {
        // Over a megabyte, so the rows are split among the cores; one quote mark in the middle
        // opens a field that never closes (the caller no longer counts quote marks first).
        let rows = "a,b\n".repeat(PARALLEL_FROM_BYTES / 4);
        let text = format!("{rows}a,\"b\n{rows}");
        assert!(read(Source::Utf8(&text), b',', 2, &keep(&[0, 1]), &names(2)).is_none());
        let balanced = format!("{rows}a,\"b\"\n{rows}");
        assert!(read(Source::Utf8(&balanced), b',', 2, &keep(&[0, 1]), &names(2)).is_some());
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
        let read = read(Source::Utf8(&data), b',', 3, &keep(&[0, 1, 2]), &names(3)).expect("well-formed");
        let quoted = read[1].cells();
        assert_eq!(quoted.len(), data.len() / row.len());
        assert!(
            quoted
                .iter()
                .all(|v| v.as_deref() == Some("two\nlines, \"quoted\""))
        );
    }
}
