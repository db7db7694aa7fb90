//! Rows that cannot be analysed go to the exclusions ledger, each with the reason and what to do:
//! copies of the header row, footer and summary rows, rows without a reference or received
//! date, exact duplicates.

use std::borrow::Cow;
use std::collections::BTreeMap;

use polars::prelude::*;

use super::combine::Dictionaries;
use super::quality::{DataQuality, ExclusionCode};
use super::rows::{FILE_COL, ROW_COLUMN, SEQ_COL, SHARED_COL, codes, kept, row_refs, set_aside, text_column};
use crate::columnar::frame::texts;
use crate::columnar::gather::flags_by_codes;
use crate::columnar::keys::repeated_keys;
use crate::domain::canonical::Field;
use crate::domain::dates::{DateOrder, parse_date};
use crate::domain::money::parse_money;
use crate::domain::text::truncate_text;
use crate::error::{PolarsContext, Result};

/// Returns the rows to set aside.
pub(super) fn repeated_headers(
    rows: &DataFrame,
    dictionaries: &Dictionaries,
    resolved: &[BTreeMap<Field, String>],
    quality: &mut DataQuality,
) -> Result<BooleanChunked> {
    let context = "finding repeated headers";
    let same = |cell: &str, header: &str| cell.chars().flat_map(char::to_lowercase).eq(header.chars());
    let headers: Vec<[String; 2]> = resolved
        .iter()
        .map(|h| [Field::Reference, Field::Received].map(|f| h[&f].trim().to_lowercase()))
        .collect();
    // Each file's received header among the received values (usually in none).
    let received_values = dictionaries.get(&Field::Received).map_or(&[][..], Vec::as_slice);
    let header_codes: Vec<Vec<IdxSize>> = headers
        .iter()
        .map(|[_, received]| {
            (0..received_values.len() as IdxSize)
                .filter(|&code| same(&received_values[code as usize], received))
                .collect()
        })
        .collect();
    if header_codes.iter().all(Vec::is_empty) {
        return Ok(BooleanChunked::full(PlSmallStr::EMPTY, false, rows.height()));
    }
    let references = text_column(rows, Field::Reference.name(), context)?;
    let received = codes(rows, Field::Received, context)?;
    let files = rows.column(FILE_COL).ctx(context)?.u32().ctx(context)?;
    let repeated: BooleanChunked = files
        .iter()
        .zip(references.iter())
        .zip(received.iter())
        .map(|((file, reference), received)| {
            let file = file.map_or(usize::MAX, |f| f as usize);
            let is_header = |code: IdxSize| header_codes.get(file).is_some_and(|codes| codes.contains(&code));
            Some(received.is_some_and(is_header) && reference.is_some_and(|r| same(r, &headers[file][0])))
        })
        .collect();
    if repeated.any() {
        let copies = rows.filter(&repeated).ctx(context)?;
        for r in row_refs(&copies, None, &quality.file_names())? {
            quality.exclude(
                r.file,
                r.row,
                None,
                ExclusionCode::RepeatedHeader,
                "repeats the header row (exports pasted together?): not a complaint; nothing to fix".into(),
            );
        }
    }
    Ok(repeated)
}

/// Words that open a footer or summary line ("Total cases: 300", "Report generated 03/12/2026").
const FOOTER_OPENINGS: [&str; 16] = [
    "total",
    "totals",
    "grand total",
    "sub total",
    "subtotal",
    "count",
    "sum",
    "number of",
    "no. of",
    "report generated",
    "generated",
    "printed",
    "run date",
    "report run",
    "end of report",
    "page",
];

/// Whether a cell reads as a footer or summary line. Runs on every reference, so it compares
/// in place rather than building a lower-case copy.
fn is_footer_text(cell: &str) -> bool {
    let cell = cell.trim_start();
    FOOTER_OPENINGS.iter().any(|opening| {
        cell.get(..opening.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(opening))
            && cell[opening.len()..]
                .chars()
                .next()
                .is_none_or(|c| c.is_whitespace() || c == ':' || c == '=' || c.is_ascii_digit())
    })
}

/// Footer and summary rows ("Total cases: 300", a row of totals with no reference) are not
/// complaints: they go to the ledger under their own code. Returns the rows to set aside.
pub(super) fn footer_rows(
    rows: &DataFrame,
    dictionaries: &Dictionaries,
    mapped: &[Field],
    quality: &mut DataQuality,
) -> Result<BooleanChunked> {
    let context = "finding footer rows";
    let references = text_column(rows, Field::Reference.name(), context)?;
    let received_values = dictionaries.get(&Field::Received).map_or(&[][..], Vec::as_slice);
    // A footer has no received date: only rows whose received cell is empty or not a date
    // (each distinct value judged once) are looked at, which on a real export is a handful.
    let not_a_date: Vec<Option<bool>> = received_values
        .iter()
        .map(|v| {
            let date = |order| matches!(parse_date(v, order, false), Ok(Some(_)));
            Some(is_footer_text(v) || !(date(DateOrder::DayFirst) || date(DateOrder::MonthFirst)))
        })
        .collect();
    let received_codes = codes(rows, Field::Received, context)?;
    let candidates = flags_by_codes(&not_a_date, received_codes)
        .fill_null_with_values(true)
        .ctx(context)?;
    let candidates = &candidates & &kept(rows)?;
    // A row of totals: no reference, and every cell a number or a footer line.
    let numberish = |v: &str| is_footer_text(v) || matches!(parse_money(v), Some(Some(_)));
    let coded: Vec<(&IdxCa, &[String])> = mapped
        .iter()
        .filter(|&&f| f != Field::Reference)
        .map(|f| {
            Ok((
                codes(rows, *f, context)?,
                dictionaries.get(f).map_or(&[][..], Vec::as_slice),
            ))
        })
        .collect::<Result<_>>()?;
    let mut footer = vec![false; rows.height()];
    for (i, candidate) in candidates.iter().enumerate() {
        if candidate != Some(true) {
            continue;
        }
        let received = received_codes
            .get(i)
            .and_then(|c| received_values.get(c as usize));
        footer[i] = match references.get(i) {
            Some(reference) => is_footer_text(reference) || received.is_some_and(|r| is_footer_text(r)),
            None => {
                let cells: Vec<&str> = coded
                    .iter()
                    .filter_map(|(codes, values)| codes.get(i).and_then(|c| values.get(c as usize)))
                    .map(String::as_str)
                    .collect();
                !cells.is_empty() && cells.iter().all(|c| numberish(c))
            }
        };
    }
    let footer = BooleanChunked::from_slice(PlSmallStr::EMPTY, &footer);
    if footer.any() {
        let found = rows.filter(&footer).ctx(context)?;
        let received_codes = codes(&found, Field::Received, context)?;
        for (r, code) in row_refs(&found, None, &quality.file_names())?
            .into_iter()
            .zip(received_codes.iter())
        {
            let line = r
                .reference
                .clone()
                .or_else(|| code.and_then(|c| received_values.get(c as usize)).cloned());
            let shown = line
                .map(|l| format!(" (\"{}\")", truncate_text(&l, 60)))
                .unwrap_or_default();
            quality.exclude(
                r.file,
                r.row,
                None,
                ExclusionCode::FooterRow,
                format!("a footer or summary row{shown}, not a complaint: nothing to fix"),
            );
        }
    }
    Ok(footer)
}

/// Rows with no reference or no received date cannot be counted: they go to the ledger.
/// Returns the rows to set aside.
pub(super) fn missing_required(rows: &DataFrame, quality: &mut DataQuality) -> Result<BooleanChunked> {
    let reference = Field::Reference.name();
    let received = Field::Received.name();
    let is_null = |name: &str| -> Result<BooleanChunked> {
        Ok(rows
            .column(name)
            .ctx("finding rows without reference or received date")?
            .is_null())
    };
    let missing = &(&is_null(reference)? | &is_null(received)?) & &kept(rows)?;
    if !missing.any() {
        return Ok(missing);
    }
    let missing_rows = rows
        .filter(&missing)
        .ctx("finding rows without reference or received date")?;
    let received_codes = codes(
        &missing_rows,
        Field::Received,
        "finding rows without a received date",
    )?;
    let refs = row_refs(&missing_rows, None, &quality.file_names())?;
    for (r, received_code) in refs.into_iter().zip(received_codes.iter()) {
        let (file, row, reference_value) = (r.file, r.row, r.reference);
        let has_received = received_code.is_some();
        let (code, reason) = match (&reference_value, has_received) {
            (None, false) => (ExclusionCode::NoReference, "no reference and no received date: fill both in the export, or delete the row if it is not a complaint".to_string()),
            (None, true) => (ExclusionCode::NoReference, format!("no reference: every complaint needs one; fill in the {} cell", quality.header_of(file, Field::Reference))),
            (Some(_), _) => (ExclusionCode::NoReceivedDate, format!("no received date: fill in the {} cell (e.g. 03/05/2024)", quality.header_of(file, Field::Received))),
        };
        quality.exclude(file, row, reference_value, code, reason);
    }
    Ok(missing)
}

/// A row whose every mapped value equals an earlier row's is the same record exported twice.
pub(super) fn exclude_exact_duplicates(
    mut rows: DataFrame,
    mapped: &[Field],
    quality: &mut DataQuality,
) -> Result<DataFrame> {
    let shared = shared_references(&rows, &kept(&rows)?)?;
    let any_shared = shared.any();
    rows.with_column(shared.into_column())
        .ctx("finding duplicate rows")?;
    if !any_shared {
        return Ok(rows);
    }
    // Exact duplicates share their reference: only rows whose reference repeats are compared.
    let keys: Vec<Expr> = mapped.iter().map(|f| col(f.name())).collect();
    let first = |name: &str, alias: &str| -> Result<Expr> {
        Ok(col(name).first().over(&keys).ctx("duplicates")?.alias(alias))
    };
    let mask = rows
        .column(SHARED_COL)
        .ctx("duplicates")?
        .bool()
        .ctx("duplicates")?
        .clone();
    let subset = rows.filter(&mask).ctx("duplicates")?;
    let duplicates = subset
        .lazy()
        .with_columns([
            first(SEQ_COL, "__first_seq")?,
            first(FILE_COL, "__first_file")?,
            first(ROW_COLUMN, "__first_row")?,
        ])
        .filter(col(SEQ_COL).neq(col("__first_seq")))
        .collect()
        .ctx("finding duplicate rows")?;
    if duplicates.height() == 0 {
        return Ok(rows);
    }
    let first_files = texts(&duplicates, "__first_file")?;
    let first_rows = texts(&duplicates, "__first_row")?;
    let names = quality.file_names();
    for ((r, first_file), first_row) in row_refs(&duplicates, None, &names)?
        .into_iter()
        .zip(first_files)
        .zip(first_rows)
    {
        let first_file: usize = first_file.and_then(|f| f.parse().ok()).unwrap_or(0);
        let first_row = first_row.unwrap_or_default();
        let earlier = if r.file == first_file {
            format!("row {first_row}")
        } else {
            format!("row {first_row} of {}", quality.file_name(first_file))
        };
        quality.exclude(
            r.file,
            r.row,
            r.reference,
            ExclusionCode::Duplicate,
            format!("exact duplicate of {earlier}: the same record exported twice; nothing to fix unless it is a different complaint"),
        );
    }
    // A row's sequence number is its position: rows are only removed at the merge.
    let mut dropped = vec![false; rows.height()];
    let seqs = duplicates.column(SEQ_COL).ctx("dropping duplicate rows")?;
    for seq in seqs.idx().ctx("dropping duplicate rows")?.iter().flatten() {
        dropped[seq as usize] = true;
    }
    set_aside(
        &mut rows,
        &BooleanChunked::from_slice(PlSmallStr::EMPTY, &dropped),
    )?;
    Ok(rows)
}

/// The reference as a merge key: case does not distinguish complaints.
fn reference_key(reference: &str) -> Cow<'_, str> {
    if reference.is_ascii() && !reference.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Borrowed(reference)
    } else {
        Cow::Owned(reference.to_uppercase())
    }
}

/// [`SHARED_COL`] for every row: its reference is also on another kept row (false on rows set
/// aside).
fn shared_references(rows: &DataFrame, kept: &BooleanChunked) -> Result<BooleanChunked> {
    let references = text_column(rows, Field::Reference.name(), "comparing references")?;
    let shared = repeated_keys(references, kept, reference_key)?;
    Ok(BooleanChunked::from_slice(SHARED_COL.into(), &shared))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footer_lines_are_told_from_references() {
        for footer in [
            "Total cases: 300",
            "TOTAL",
            "Count: 41",
            "Report generated 03/12/2026 by Datix",
            "Page 3 of 4",
            "Totals",
        ] {
            assert!(is_footer_text(footer), "{footer}");
        }
        for cell in [
            "TOTAL-123",
            "C-1001",
            "Countryside Homes",
            "Summary of case",
            "03/05/2024",
        ] {
            assert!(!is_footer_text(cell), "{cell}");
        }
    }

    #[test]
    fn references_are_shared_when_they_repeat_in_any_case_among_kept_rows() {
        let references = [
            Some("A-1"),
            Some("a-1"),
            Some("B-2"),
            None,
            Some("C-3"),
            Some("c-3"),
            Some("B-2"),
        ];
        // The last row is set aside: B-2 then repeats on no other kept row.
        let kept: BooleanChunked = (0..references.len()).map(|i| Some(i != 6)).collect();
        let rows = df!(Field::Reference.name() => references).unwrap();
        let shared = shared_references(&rows, &kept).unwrap();
        let shared: Vec<Option<bool>> = shared.iter().collect();
        assert_eq!(shared, [true, true, false, false, true, true, false].map(Some));
    }
}
