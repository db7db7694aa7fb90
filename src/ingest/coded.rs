//! Text columns kept once per distinct value. An export's columns, but for the reference, hold
//! few distinct values (dates, categories, coded fields) over many rows: stored as a code per
//! row into the column's values, they are compared, counted and typed once per value.

use std::hash::BuildHasher;

use polars::prelude::*;

/// A column of text cells as codes into its distinct values.
#[derive(Debug, Clone, Default)]
pub(crate) struct CodedText {
    /// Each row's index into `values`; null where the cell is missing.
    pub codes: IdxCa,
    /// The distinct values, in order of first appearance, each once.
    pub values: Vec<String>,
}

impl CodedText {
    /// A column with every cell missing.
    pub(crate) fn missing(height: usize) -> Self {
        CodedText {
            codes: IdxCa::full_null(PlSmallStr::EMPTY, height),
            values: Vec::new(),
        }
    }

    /// Codes a text column; with `tidy`, cells are trimmed first and blank ones are missing.
    pub(crate) fn from_text(text: &StringChunked, tidy: bool) -> Self {
        let mut index: PlIndexSet<&str> = PlIndexSet::default();
        let codes: IdxCa = text
            .iter()
            .map(|cell| {
                let cell = match tidy {
                    true => cell.map(str::trim).filter(|c| !c.is_empty()),
                    false => cell,
                };
                cell.map(|c| index.insert_full(c).0 as IdxSize)
            })
            .collect();
        CodedText {
            codes,
            values: index.into_iter().map(str::to_string).collect(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.codes.len()
    }

    /// The text of the cell in `row`.
    #[cfg(test)]
    pub(crate) fn get(&self, row: usize) -> Option<&str> {
        self.codes
            .get(row)
            .map(|code| self.values[code as usize].as_str())
    }

    /// The cells as a text column.
    pub(crate) fn to_text(&self, name: PlSmallStr) -> StringChunked {
        let values = StringChunked::from_iter_values(name, self.values.iter().map(String::as_str));
        values
            .take(&self.codes)
            .unwrap_or_else(|_| StringChunked::full_null(PlSmallStr::EMPTY, self.len()))
    }

    /// `other`'s rows after these; its values join this column's, each still once.
    pub(crate) fn append(&mut self, other: CodedText) {
        let mut index: PlIndexSet<String> = std::mem::take(&mut self.values).into_iter().collect();
        let remap: Vec<IdxSize> = other
            .values
            .into_iter()
            .map(|v| index.insert_full(v).0 as IdxSize)
            .collect();
        let identity = remap.iter().enumerate().all(|(i, &c)| i as IdxSize == c);
        let codes = match identity {
            true => other.codes,
            false => other.codes.apply_values(|c| remap[c as usize]),
        };
        self.values = index.into_iter().collect();
        self.codes
            .append_owned(codes)
            .expect("codes columns have the same type");
    }
}

/// Codes cells as they are read: each distinct cell's bytes are kept once, side by side, and
/// found again by hash. A cell of up to 16 bytes (dates, coded values, most categories) is
/// looked up by its bytes loaded as two words, which the table entry holds: one probe of the
/// table, no call to compare memory (a million-row export is a few hundred distinct values
/// looked up tens of millions of times).
#[derive(Default)]
pub(super) struct Coder {
    table: hashbrown::HashTable<Entry>,
    /// Each code's bytes, as a span of `bytes`.
    spans: Vec<(usize, usize)>,
    bytes: Vec<u8>,
}

/// A table entry: the key's length and words (see [`words`]), its hash and its code.
#[derive(Clone, Copy)]
struct Entry {
    words: [u64; 2],
    len: u32,
    code: IdxSize,
    hash: u64,
}

/// Two words that, with its length, tell a key of up to 16 bytes from every other (read as
/// overlapping windows of its bytes); for a longer key, its first 16 bytes.
fn words(key: &[u8]) -> [u64; 2] {
    let word = |at: usize| u64::from_le_bytes(key[at..at + 8].try_into().expect("eight bytes"));
    let half = |at: usize| {
        u64::from(u32::from_le_bytes(
            key[at..at + 4].try_into().expect("four bytes"),
        ))
    };
    match key.len() {
        0 => [0, 0],
        n @ 1..=3 => [
            u64::from(key[0]) | u64::from(key[n / 2]) << 8 | u64::from(key[n - 1]) << 16,
            0,
        ],
        n @ 4..=7 => [half(0) | half(n - 4) << 32, 0],
        n @ 8..=16 => [word(0), word(n - 8)],
        _ => [word(0), word(8)],
    }
}

/// The hash of a key: a folded multiply of its words for a short key (as foldhash does), the
/// hash of all its bytes for a longer one.
fn hash_of(key: &[u8], [a, b]: [u64; 2]) -> u64 {
    const SEEDS: [u64; 2] = [0x243f_6a88_85a3_08d3, 0x1319_8a2e_0370_7344];
    if key.len() > 16 {
        return PlFixedStateQuality::default().hash_one(key);
    }
    let product = u128::from(a ^ SEEDS[0]) * u128::from(b ^ SEEDS[1] ^ key.len() as u64);
    (product as u64) ^ (product >> 64) as u64
}

impl Coder {
    /// The code of `cell`, given a new one if it is new.
    pub(super) fn code(&mut self, cell: &[u8]) -> IdxSize {
        let words = words(cell);
        let hash = hash_of(cell, words);
        let Coder { table, spans, bytes } = self;
        let same = |e: &Entry| {
            e.words == words && e.len as usize == cell.len() && {
                // Only a key longer than its words needs its bytes compared.
                cell.len() <= 16 || {
                    let (start, end) = spans[e.code as usize];
                    &bytes[start..end] == cell
                }
            }
        };
        match table.find(hash, same) {
            Some(entry) => entry.code,
            None => {
                let code = spans.len() as IdxSize;
                spans.push((bytes.len(), bytes.len() + cell.len()));
                bytes.extend_from_slice(cell);
                let entry = Entry {
                    words,
                    len: cell.len() as u32,
                    code,
                    hash,
                };
                table.insert_unique(hash, entry, |e| e.hash);
                code
            }
        }
    }

    /// The distinct cells, by code.
    pub(super) fn values(&self) -> impl Iterator<Item = &[u8]> {
        self.spans.iter().map(|&(start, end)| &self.bytes[start..end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(coded: &CodedText) -> Vec<Option<&str>> {
        (0..coded.len()).map(|r| coded.get(r)).collect()
    }

    #[test]
    fn codes_each_distinct_value_once_in_order_of_first_appearance() {
        let text: StringChunked = [Some("b"), Some(" a "), None, Some("b"), Some("  "), Some("a")]
            .into_iter()
            .collect();
        let tidied = CodedText::from_text(&text, true);
        assert_eq!(tidied.values, ["b", "a"]);
        assert_eq!(
            cells(&tidied),
            [Some("b"), Some("a"), None, Some("b"), None, Some("a")]
        );
        let raw = CodedText::from_text(&text, false);
        assert_eq!(raw.values, ["b", " a ", "  ", "a"]);
        assert_eq!(
            raw.to_text("x".into()).iter().collect::<Vec<_>>(),
            [Some("b"), Some(" a "), None, Some("b"), Some("  "), Some("a")]
        );
    }

    #[test]
    fn a_coder_gives_each_distinct_cell_one_code() {
        let mut coder = Coder::default();
        let cells: [&[u8]; 6] = [b"01/04/2024", b"Repairs", b"01/04/2024", b"", b"Repairs", b"r"];
        let codes: Vec<IdxSize> = cells.iter().map(|c| coder.code(c)).collect();
        assert_eq!(codes, [0, 1, 0, 2, 1, 3]);
        let values: Vec<&[u8]> = coder.values().collect();
        assert_eq!(values, [&b"01/04/2024"[..], b"Repairs", b"", b"r"]);
        // Enough values to grow the table several times.
        let many: Vec<String> = (0..5000).map(|i| format!("value {i}")).collect();
        let codes: Vec<IdxSize> = many.iter().map(|v| coder.code(v.as_bytes())).collect();
        let again: Vec<IdxSize> = many.iter().rev().map(|v| coder.code(v.as_bytes())).collect();
        assert_eq!(codes, (4..5004).collect::<Vec<IdxSize>>());
        assert_eq!(again, (4..5004).rev().collect::<Vec<IdxSize>>());
        // Keys of every length to past the words, alike but for one byte, or only in length.
        let mut coder = Coder::default();
        let mut keys: Vec<Vec<u8>> = Vec::new();
        for len in 0..=40 {
            for at in 0..len {
                let mut key = vec![b'a'; len];
                key[at] = b'b';
                keys.push(key);
            }
            keys.push(vec![b'a'; len]);
            keys.push(vec![0; len]);
        }
        let codes: Vec<IdxSize> = keys.iter().map(|k| coder.code(k)).collect();
        let mut distinct = keys.clone();
        distinct.sort();
        distinct.dedup();
        let mut seen: Vec<IdxSize> = codes.clone();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), distinct.len(), "one code per distinct key");
        let again: Vec<IdxSize> = keys.iter().map(|k| coder.code(k)).collect();
        assert_eq!(codes, again);
        let values: Vec<&[u8]> = coder.values().collect();
        for (key, code) in keys.iter().zip(&codes) {
            assert_eq!(values[*code as usize], key.as_slice());
        }
    }

    #[test]
    fn appending_merges_the_values() {
        let column = |cells: &[Option<&str>]| {
            CodedText::from_text(&cells.iter().copied().collect::<StringChunked>(), true)
        };
        let mut first = column(&[Some("x"), Some("y")]);
        first.append(column(&[Some("z"), None, Some("x")]));
        first.append(CodedText::missing(2));
        assert_eq!(first.values, ["x", "y", "z"]);
        assert_eq!(
            cells(&first),
            [Some("x"), Some("y"), Some("z"), None, Some("x"), None, None]
        );
    }
}
