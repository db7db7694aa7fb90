//! Every file's mapped columns combined under canonical names, in input order, with the
//! helper columns of [`super::rows`].

use std::collections::BTreeMap;

use polars::prelude::*;

use super::rows::{FILE_COL, ROW_COLUMN, SEQ_COL};
use crate::columnar::parallel::in_parallel_owned;
use crate::domain::canonical::Field;
use crate::error::{PolarsContext, Result};
use crate::ingest::{CodedText, RawColumn, RawTable};

/// reference, whose cells are codes into them.
pub(super) type Dictionaries = BTreeMap<Field, Vec<String>>;

/// All files' mapped columns under canonical names, tidied (trimmed, blanks as null), in input
/// order: the reference as text, every other field coded. The files' columns are taken, so
/// their text is let go as it is coded; a field is combined per core.
pub(super) fn combine(
    raws: &mut [RawTable],
    resolved: &[BTreeMap<Field, String>],
    file_stages: &[Option<u8>],
    mapped: &[Field],
) -> Result<(DataFrame, Dictionaries)> {
    /// One file's column of a field: its cells (none when the file lacks the field), how many
    /// rows the file has, and whether its reader tidied them.
    #[derive(Clone)]
    struct FileColumn {
        cells: Option<RawColumn>,
        height: usize,
        tidy: bool,
    }
    let mut by_field: Vec<Vec<FileColumn>> = vec![Vec::new(); mapped.len()];
    for ((raw, headers), stage) in raws.iter_mut().zip(resolved).zip(file_stages) {
        let mut columns = std::mem::take(&mut raw.columns);
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
    Ok((rows, dictionaries))
}

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
