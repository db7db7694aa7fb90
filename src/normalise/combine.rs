//! Every file's mapped columns combined under canonical names, in input order, with the
//! helper columns of [`super::rows`].

use std::collections::BTreeMap;

use polars::prelude::*;

use super::rows::{FILE_COL, ROW_COLUMN, SEQ_COL};
use crate::columnar::parallel::in_parallel_owned;
use crate::domain::canonical::{AS_AT, Field, PERIOD_END, PERIOD_START, SOURCE_FILE, SOURCE_ROW};
use crate::domain::stage::{CODE_VERSION, REFUSED};
use crate::domain::text::header_key;
use crate::error::{PolarsContext, Result};
use crate::ingest::{CodedText, RawColumn, RawTable};

/// reference, whose cells are codes into them.
pub(super) type Dictionaries = BTreeMap<Field, Vec<String>>;

/// All files' mapped columns under canonical names, tidied (trimmed, blanks as null), in input
/// order: the reference as text, every other field coded; then the unmapped columns kept for
/// analysts, as text (their names are returned). The files' columns are taken, so their text is
/// let go as it is coded; a field is combined per core.
pub(super) fn combine(
    raws: &mut [RawTable],
    resolved: &[BTreeMap<Field, String>],
    file_stages: &[Option<u8>],
    mapped: &[Field],
) -> Result<(DataFrame, Dictionaries, Vec<String>)> {
    /// One file's column of a field: its cells (none when the file lacks the field), how many
    /// rows the file has, and whether its reader tidied them.
    #[derive(Clone)]
    struct FileColumn {
        cells: Option<RawColumn>,
        height: usize,
        tidy: bool,
    }
    let mut by_field: Vec<Vec<FileColumn>> = vec![Vec::new(); mapped.len()];
    let mut unmapped = Unmapped::default();
    for ((raw, headers), stage) in raws.iter_mut().zip(resolved).zip(file_stages) {
        let mut columns = std::mem::take(&mut raw.columns);
        unmapped.take(raw, &mut columns);
        for (i, f) in mapped.iter().enumerate() {
            let named_stage = stage.filter(|_| *f == Field::Stage);
            let cells = match named_stage {
                // A file of one stage: every row says so.
                Some(stage) => Some(RawColumn::Coded(CodedText {
                    codes: IdxCa::full(PlSmallStr::EMPTY, 0, raw.rows.len()),
                    values: vec![format!("stage{stage}")],
                })),
                None => headers.get(f).and_then(|header| {
                    let at = columns.iter().position(|(h, _)| h == header)?;
                    Some(columns.swap_remove(at).1)
                }),
            };
            by_field[i].push(FileColumn {
                cells,
                height: raw.rows.len(),
                tidy: raw.tidy,
            });
        }
    }
    let fields: Vec<(Field, Vec<FileColumn>)> = mapped.iter().copied().zip(by_field).collect();
    let combined = in_parallel_owned(fields, |(field, files)| {
        let name: PlSmallStr = field.name().into();
        if field == Field::Reference {
            let mut whole: Option<StringChunked> = None;
            for FileColumn { cells, height, tidy } in files {
                let text = match cells {
                    Some(cells) if tidy => cells.into_text(),
                    Some(cells) => tidy_text(cells.into_text()),
                    None => StringChunked::full_null(PlSmallStr::EMPTY, height),
                };
                match &mut whole {
                    None => whole = Some(text),
                    Some(whole) => whole.append_owned(text).ctx("combining input files")?,
                }
            }
            let text = whole.unwrap_or_default().with_name(name);
            return Ok((text.into_column(), None));
        }
        let mut whole: Option<CodedText> = None;
        for FileColumn { cells, height, tidy } in files {
            let coded = match cells {
                Some(cells) => cells.into_coded(!tidy),
                None => CodedText::missing(height),
            };
            match &mut whole {
                None => whole = Some(coded),
                Some(whole) => whole.append(coded),
            }
        }
        let CodedText { codes, values } = whole.unwrap_or_default();
        Ok((codes.with_name(name).into_column(), Some((field, values))))
    })?;
    let mut dictionaries = Dictionaries::new();
    let mut columns = Vec::with_capacity(combined.len() + 3);
    for (column, values) in combined {
        columns.push(column);
        dictionaries.extend(values);
    }
    let kept = unmapped.names();
    columns.extend(unmapped.into_columns()?);
    let files = raws
        .iter()
        .enumerate()
        .flat_map(|(i, raw)| std::iter::repeat_n(i as u32, raw.rows.len()));
    columns.push(Column::new(FILE_COL.into(), files.collect::<Vec<u32>>()));
    let row_numbers: Vec<u32> = raws.iter().flat_map(|raw| raw.rows.iter().copied()).collect();
    columns.push(Column::new(ROW_COLUMN.into(), row_numbers));
    let height = columns.last().map_or(0, Column::len);
    let rows = DataFrame::new(height, columns)
        .ctx("combining input files")?
        .with_row_index(SEQ_COL.into(), None)
        .ctx("combining input files")?;
    Ok((rows, dictionaries, kept))
}

/// The unmapped columns kept for analysts, combined across files by header (ignoring case,
/// spaces and punctuation), as tidied text: a file without one has it empty.
#[derive(Default)]
struct Unmapped {
    /// Each column's name and its cells, file by file.
    columns: Vec<(String, Vec<StringChunked>)>,
    /// Rows of the files taken so far.
    height: usize,
}

impl Unmapped {
    /// Takes a file's kept unmapped columns out of `columns` (the file's columns read).
    fn take(&mut self, raw: &RawTable, columns: &mut Vec<(String, RawColumn)>) {
        let rows = raw.rows.len();
        let mut seen = vec![false; self.columns.len()];
        for &i in &raw.resolved.kept {
            let header = &raw.headers[i];
            let Some(at) = columns.iter().position(|(h, _)| h == header) else {
                continue;
            };
            let text = tidy_text(columns.swap_remove(at).1.into_text());
            let key = header_key(header);
            let j = match self.columns.iter().position(|(name, _)| header_key(name) == key) {
                Some(j) => j,
                None => {
                    let earlier = StringChunked::full_null(PlSmallStr::EMPTY, self.height);
                    self.columns.push((header.clone(), vec![earlier]));
                    seen.push(false);
                    self.columns.len() - 1
                }
            };
            if !seen[j] {
                seen[j] = true;
                self.columns[j].1.push(text);
            }
        }
        for (j, (_, parts)) in self.columns.iter_mut().enumerate() {
            if !seen[j] {
                parts.push(StringChunked::full_null(PlSmallStr::EMPTY, rows));
            }
        }
        self.height += rows;
    }

    /// The columns' names in the table: the header, or "<header> (export)" when that is a
    /// name the table already uses.
    fn names(&self) -> Vec<String> {
        self.columns.iter().map(|(header, _)| kept_name(header)).collect()
    }

    fn into_columns(self) -> Result<Vec<Column>> {
        let names = self.names();
        self.columns
            .into_iter()
            .zip(names)
            .map(|((_, parts), name)| {
                let mut whole = StringChunked::full_null(name.as_str().into(), 0);
                for part in parts {
                    whole.append_owned(part).ctx("combining input files")?;
                }
                Ok(whole.with_name(name.as_str().into()).into_column())
            })
            .collect()
    }
}

/// An unmapped column's name in the analysts' table: its header, unless the table has a column
/// of that name already.
fn kept_name(header: &str) -> String {
    let lower = header.to_lowercase();
    let taken = Field::ALL
        .iter()
        .any(|f| f.name() == lower || f.raw_name() == lower)
        || lower.starts_with("stage1_")
        || lower.starts_with("stage2_")
        || lower.contains("__")
        || RESERVED.contains(&lower.as_str());
    match taken {
        true => format!("{header} (export)"),
        false => header.to_string(),
    }
}

/// Names of the analysts' table that are no field's.
const RESERVED: [&str; 7] = [
    CODE_VERSION,
    REFUSED,
    AS_AT,
    PERIOD_START,
    PERIOD_END,
    SOURCE_FILE,
    SOURCE_ROW,
];

/// Cells trimmed, blank cells null (the strict CSV reader and the workbook reader do this as
/// they read). A column needing neither is passed on as it is rather than copied.
fn tidy_text(text: StringChunked) -> StringChunked {
    let untidy =
        |v: &str| v.is_empty() || v.starts_with(char::is_whitespace) || v.ends_with(char::is_whitespace);
    if !text.iter().flatten().any(untidy) {
        return text;
    }
    text.iter()
        .map(|v| v.map(str::trim).filter(|v| !v.is_empty()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unmapped_column_never_takes_a_name_the_table_uses() {
        assert_eq!(kept_name("Team"), "Team");
        assert_eq!(kept_name("Property ref"), "Property ref");
        for taken in [
            "category",
            "Tenure_raw",
            "stage1_due",
            "as_at",
            "source_row",
            "x__raw",
        ] {
            assert_eq!(kept_name(taken), format!("{taken} (export)"));
        }
    }
}
