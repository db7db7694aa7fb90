//! Text columns kept once per distinct value. An export's columns, but for the reference, hold
//! few distinct values (dates, categories, coded fields) over many rows: stored as a code per
//! row into the column's values, they are compared, counted and typed once per value.

use std::hash::BuildHasher;

use polars::prelude::*;

/// A column of text cells as codes into its distinct values.
#[derive(Debug, Clone, Default)]
pub struct CodedText {
    /// Each row's index into `values`; null where the cell is missing.
    pub codes: IdxCa,
    /// The distinct values, in order of first appearance, each once.
    pub values: Vec<String>,
}

impl CodedText {
    /// A column with every cell missing.
    pub fn missing(height: usize) -> Self {
        CodedText {
            codes: IdxCa::full_null(PlSmallStr::EMPTY, height),
            values: Vec::new(),
        }
    }

    /// Codes a text column; with `tidy`, cells are trimmed first and blank ones are missing.
    pub fn from_text(text: &StringChunked, tidy: bool) -> Self {
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

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The text of the cell in `row`.
    pub fn get(&self, row: usize) -> Option<&str> {
        self.codes
            .get(row)
            .map(|code| self.values[code as usize].as_str())
    }

    /// The cells as a text column.
    pub fn to_text(&self, name: PlSmallStr) -> StringChunked {
        let values = StringChunked::from_iter_values(name, self.values.iter().map(String::as_str));
        values
            .take(&self.codes)
            .unwrap_or_else(|_| StringChunked::full_null(PlSmallStr::EMPTY, self.len()))
    }

    /// `other`'s rows after these; its values join this column's, each still once.
    pub fn append(&mut self, other: CodedText) {
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

/// Codes cells as they are read: each distinct cell's bytes are kept once, side by side (so a
/// column's few hundred values stay in the cache while millions of cells are looked up), and
/// found again by their hash.
#[derive(Default)]
pub(super) struct Coder {
    table: hashbrown::HashTable<IdxSize>,
    /// Each code's hash, for growing the table.
    hashes: Vec<u64>,
    /// Each code's bytes, as a span of `bytes`.
    spans: Vec<(usize, usize)>,
    bytes: Vec<u8>,
}

impl Coder {
    /// The code of `cell`, given a new one if it is new.
    pub fn code(&mut self, cell: &[u8]) -> IdxSize {
        let hash = PlFixedStateQuality::default().hash_one(cell);
        let Coder {
            table,
            hashes,
            spans,
            bytes,
        } = self;
        let same = |&code: &IdxSize| {
            let (start, end) = spans[code as usize];
            &bytes[start..end] == cell
        };
        match table.find(hash, same) {
            Some(&code) => code,
            None => {
                let code = spans.len() as IdxSize;
                spans.push((bytes.len(), bytes.len() + cell.len()));
                bytes.extend_from_slice(cell);
                hashes.push(hash);
                table.insert_unique(hash, code, |&c| hashes[c as usize]);
                code
            }
        }
    }

    /// The distinct cells, by code.
    pub fn values(&self) -> impl Iterator<Item = &[u8]> {
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
