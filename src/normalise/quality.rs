//! The data-quality account of a run: rows read, the exclusions ledger and the warnings.
//! Serialised as the `validate` JSON (keys pinned in the README).

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::Serialize;

use super::rows::{FILE_COL, ROW_COLUMN, SET_ASIDE_COL, raw_column, row_refs};
use crate::columnar::gather::flags_by_codes;
use crate::columnar::parallel::in_parallel;
use crate::domain::canonical::{Field, Kind};
use crate::domain::dates::{DateOrder, OrderEvidence, order_evidence};
use crate::domain::text::truncate_text;
use crate::error::{PolarsContext, Result};
use crate::ingest::RawTable;

/// Examples kept per warning; the count always covers every row.
const MAX_EXAMPLES: usize = 5;

#[derive(Debug, Clone, Serialize)]
pub struct DataQuality {
    pub rows_read: usize,
    pub included: usize,
    pub excluded: usize,
    /// Complaints in the canonical table (rows of several stages or repeats merge into one).
    pub complaints: usize,
    /// "wide" (one row per complaint) or "long" (one row per complaint stage).
    pub shape: &'static str,
    pub exclusions: Vec<Exclusion>,
    pub warnings: Vec<Warning>,
    /// Canonical field → header used (headers of several files joined with " | " when they differ).
    pub columns: BTreeMap<String, String>,
    pub files: Vec<FileSummary>,
    #[serde(skip)]
    headers: Vec<BTreeMap<Field, String>>,
}

/// A data row left out of the analysis, and what to do about it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Exclusion {
    pub file: String,
    pub row: usize,
    pub reference: Option<String>,
    pub reason: String,
    pub code: ExclusionCode,
}

/// Why a row was left out: a stable kind, serialised in snake case (`validate` JSON,
/// data-quality.csv).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionCode {
    NoReference,
    NoReceivedDate,
    BadReceivedDate,
    Duplicate,
    UnreadableRow,
    UnknownStage,
    NoStage,
    NoStage1Row,
    RepeatedHeader,
}

impl ExclusionCode {
    /// The code as it is written out.
    pub fn as_str(self) -> &'static str {
        match self {
            ExclusionCode::NoReference => "no_reference",
            ExclusionCode::NoReceivedDate => "no_received_date",
            ExclusionCode::BadReceivedDate => "bad_received_date",
            ExclusionCode::Duplicate => "duplicate",
            ExclusionCode::UnreadableRow => "unreadable_row",
            ExclusionCode::UnknownStage => "unknown_stage",
            ExclusionCode::NoStage => "no_stage",
            ExclusionCode::NoStage1Row => "no_stage1_row",
            ExclusionCode::RepeatedHeader => "repeated_header",
        }
    }

    /// A heading for the kind of exclusion, for summaries.
    pub fn describe(self) -> &'static str {
        match self {
            ExclusionCode::NoReference => "No reference",
            ExclusionCode::NoReceivedDate => "No received date",
            ExclusionCode::BadReceivedDate => "Received date not a date",
            ExclusionCode::Duplicate => "Exact duplicate of an earlier row",
            ExclusionCode::UnreadableRow => "Row could not be read",
            ExclusionCode::UnknownStage => "Stage neither 1 nor 2",
            ExclusionCode::NoStage => "No stage",
            ExclusionCode::NoStage1Row => "Stage 2 row without a stage 1 row",
            ExclusionCode::RepeatedHeader => "Copy of the header row",
        }
    }
}

/// What a warning is about: a stable kind, serialised in snake case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    UnreadableDate,
    ImplausibleDate,
    UnreadableAmount,
    UnmappedValue,
    SpellingUnified,
    DateOrder,
    AmbiguousDates,
    ConflictingValues,
    DatesOutOfOrder,
}

impl WarningCode {
    /// The code as it is written out.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::UnreadableDate => "unreadable_date",
            WarningCode::ImplausibleDate => "implausible_date",
            WarningCode::UnreadableAmount => "unreadable_amount",
            WarningCode::UnmappedValue => "unmapped_value",
            WarningCode::SpellingUnified => "spelling_unified",
            WarningCode::DateOrder => "date_order",
            WarningCode::AmbiguousDates => "ambiguous_dates",
            WarningCode::ConflictingValues => "conflicting_values",
            WarningCode::DatesOutOfOrder => "dates_out_of_order",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Warning {
    pub code: WarningCode,
    pub field: Option<&'static str>,
    pub message: String,
    /// Rows (or complaints) affected.
    pub count: usize,
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Example {
    pub file: String,
    pub row: usize,
    pub reference: Option<String>,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    pub file: String,
    /// The file's SHA-256: empty until the run has it (only commands that print it ask).
    pub sha256: String,
    pub format: String,
    pub header_row: usize,
    pub rows_read: usize,
    pub notes: Vec<String>,
}

impl DataQuality {
    pub(super) fn new(raws: &[RawTable], headers: &[BTreeMap<Field, String>], shape: &'static str) -> Self {
        let mut columns: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for file in headers {
            for (field, header) in file {
                let used = columns.entry(field.name().to_string()).or_default();
                if !used.contains(header) {
                    used.push(header.clone());
                }
            }
        }
        let files = raws
            .iter()
            .map(|raw| FileSummary {
                file: raw.file.display().to_string(),
                sha256: String::new(),
                format: raw.format.clone(),
                header_row: raw.header_row,
                rows_read: raw.rows_read(),
                notes: raw.notes.clone(),
            })
            .collect::<Vec<_>>();
        DataQuality {
            rows_read: files.iter().map(|f| f.rows_read).sum(),
            included: 0,
            excluded: 0,
            complaints: 0,
            shape,
            exclusions: Vec::new(),
            warnings: Vec::new(),
            columns: columns.into_iter().map(|(k, v)| (k, v.join(" | "))).collect(),
            files,
            headers: headers.to_vec(),
        }
    }

    pub(super) fn file_name(&self, file: usize) -> String {
        self.files.get(file).map(|f| f.file.clone()).unwrap_or_default()
    }

    pub(super) fn file_names(&self) -> Vec<String> {
        self.files.iter().map(|f| f.file.clone()).collect()
    }

    /// The export's header for a field, quoted, for messages.
    pub(super) fn header_of(&self, file: usize, field: Field) -> String {
        self.headers
            .get(file)
            .and_then(|h| h.get(&field))
            .map_or_else(|| field.name().to_string(), |h| format!("\"{h}\""))
    }

    pub(super) fn exclude(
        &mut self,
        file: usize,
        row: usize,
        reference: Option<String>,
        code: ExclusionCode,
        reason: String,
    ) {
        self.exclusions.push(Exclusion {
            file: self.file_name(file),
            row,
            reference,
            reason,
            code,
        });
    }

    pub(super) fn finish(&mut self, complaints: usize) {
        let order: BTreeMap<String, usize> = self
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.file.clone(), i))
            .collect();
        self.exclusions
            .sort_by_key(|e| (order.get(&e.file).copied().unwrap_or(0), e.row));
        self.excluded = self.exclusions.len();
        self.included = self.rows_read - self.excluded;
        self.complaints = complaints;
    }

    fn warn(
        &mut self,
        code: WarningCode,
        field: Option<Field>,
        count: usize,
        message: String,
        examples: Vec<Example>,
    ) {
        self.warnings.push(Warning {
            code,
            field: field.map(Field::name),
            message,
            count,
            examples,
        });
    }

    /// One warning per field and kind of problem, with each distinct bad value's frequency.
    /// `problems` holds, for each field with any, the problem of each of its values by code.
    pub(super) fn record_cell_problems(
        &mut self,
        parsed: &DataFrame,
        dictionaries: &BTreeMap<Field, Vec<String>>,
        problems: &[(Field, Vec<Option<String>>)],
    ) -> Result<()> {
        let problems: Vec<&(Field, Vec<Option<String>>)> = problems
            .iter()
            .filter(|(field, _)| *field != Field::Received)
            .collect();
        // Each field's rows with a problem are found on the next free core (a pass over the
        // whole column each); they are tallied in field order.
        let found = in_parallel(&problems, |(field, problem_of)| {
            let raw_col = raw_column(*field);
            // Whether each value has a problem, gathered by each row's code.
            let has_problem: Vec<Option<bool>> = problem_of.iter().map(|p| Some(p.is_some())).collect();
            let codes = parsed
                .column(&raw_col)
                .ctx("collecting cell problems")?
                .idx()
                .ctx("collecting cell problems")?;
            let has_problem = flags_by_codes(&has_problem, codes);
            let set_aside = parsed
                .column(SET_ASIDE_COL)
                .ctx("collecting cell problems")?
                .bool()
                .ctx("collecting cell problems")?;
            parsed
                .select([raw_col.as_str(), FILE_COL, ROW_COLUMN, Field::Reference.name()])
                .ctx("collecting cell problems")?
                .filter(&(&has_problem & &!set_aside))
                .ctx("collecting cell problems")
        })?;
        for (&(field, ref problem_of), bad) in problems.into_iter().zip(found) {
            let values = dictionaries.get(&field).map_or(&[][..], Vec::as_slice);
            let raw_col = raw_column(field);
            let problems: Vec<Option<&String>> = bad
                .column(&raw_col)
                .ctx("collecting cell problems")?
                .idx()
                .ctx("collecting cell problems")?
                .iter()
                .map(|code| code.and_then(|c| problem_of[c as usize].as_ref()))
                .collect();
            let mut by_problem: BTreeMap<String, ProblemTally> = BTreeMap::new();
            for (r, problem) in row_refs(&bad, Some((&raw_col, values)), &self.file_names())?
                .into_iter()
                .zip(problems)
            {
                let class = problem
                    .map_or("", |p| p.as_str())
                    .split(':')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                let value = r.value.unwrap_or_default();
                let tally = by_problem.entry(class).or_default();
                tally.count += 1;
                *tally.frequencies.entry(value.clone()).or_insert(0) += 1;
                if tally.examples.len() < MAX_EXAMPLES {
                    tally.examples.push(Example {
                        file: self.file_name(r.file),
                        row: r.row,
                        reference: r.reference,
                        value: Some(value),
                    });
                }
            }
            for (
                class,
                ProblemTally {
                    count,
                    frequencies,
                    examples,
                },
            ) in by_problem
            {
                let listed = frequency_list(&frequencies);
                let name = field.name();
                let (code, message) = match class.as_str() {
                    "unreadable" | "impossible" => (
                        WarningCode::UnreadableDate,
                        format!(
                            "{count} {name} value(s) are not dates and were left empty ({listed}); write dates as dd/mm/yyyy or yyyy-mm-dd"
                        ),
                    ),
                    "implausible" => (
                        WarningCode::ImplausibleDate,
                        format!(
                            "{count} {name} value(s) are dates outside 1990–2100 and were left empty ({listed}); correct them in the export"
                        ),
                    ),
                    "bad_money" => (
                        WarningCode::UnreadableAmount,
                        format!(
                            "{count} {name} value(s) are not amounts of pounds and were left empty ({listed}); write amounts like 250.00"
                        ),
                    ),
                    _ => (
                        WarningCode::UnmappedValue,
                        format!(
                            "{count} row(s) have {name} values not in [values.{}] ({listed}); {}",
                            values_section(field),
                            unmapped_consequence(field)
                        ),
                    ),
                };
                self.warn(code, Some(field), count, message, examples);
            }
        }
        Ok(())
    }

    /// Values of a grouping field that differed only in case or spacing were merged.
    pub(super) fn note_spellings(&mut self, field: Field, count: usize, changes: Vec<String>) {
        let shown = changes.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
        let more = changes.len().saturating_sub(10);
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        self.warn(
            WarningCode::SpellingUnified,
            Some(field),
            count,
            format!(
                "{}: {count} spelling(s) differing only in case or spacing were merged ({shown}{tail}); {}",
                field.name(),
                if field == Field::Category {
                    "map them under [values.category] to choose the names yourself"
                } else {
                    "correct them in the export to choose the spelling yourself"
                }
            ),
            vec![],
        );
    }

    /// Warns when every numeric date of a column could be read either way round, or when values
    /// contradict the configured order.
    pub(super) fn check_date_order(&mut self, field: Field, distinct: &[String], order: DateOrder) {
        let mut ambiguous = 0;
        let mut day_first = 0;
        let mut month_first = Vec::new();
        for value in distinct {
            match order_evidence(value) {
                OrderEvidence::Ambiguous => ambiguous += 1,
                OrderEvidence::DayFirstOnly => day_first += 1,
                OrderEvidence::MonthFirstOnly => month_first.push(value.clone()),
                OrderEvidence::NotApplicable => {}
            }
        }
        let name = field.name();
        if order != DateOrder::MonthFirst && !month_first.is_empty() && day_first == 0 {
            self.warn(
                WarningCode::DateOrder,
                Some(field),
                month_first.len(),
                format!(
                    "{name}: {} value(s) such as \"{}\" only make sense month-first; if the export writes mm/dd/yyyy set [input] date_order = \"month_first\"",
                    month_first.len(),
                    month_first[0]
                ),
                vec![],
            );
        } else if ambiguous > 0 && day_first == 0 && month_first.is_empty() {
            let reading = if order == DateOrder::MonthFirst {
                "month-first"
            } else {
                "day-first"
            };
            self.warn(
                WarningCode::AmbiguousDates,
                Some(field),
                ambiguous,
                format!("{name}: every numeric date has day and month both 12 or less, so the order cannot be checked; read {reading} as [input] date_order says"),
                vec![],
            );
        }
    }

    /// Complaints whose rows disagree on a field: the first value was kept.
    pub(super) fn record_conflicts(&mut self, merged: &DataFrame, fields: &[Field]) -> Result<()> {
        for &field in fields {
            let distinct = format!("{}__distinct", field.name());
            if merged.column(&distinct).is_err() {
                continue;
            }
            let conflicting = merged
                .clone()
                .lazy()
                .filter(col(distinct.as_str()).gt(lit(1)))
                .collect()
                .ctx("finding conflicting rows")?;
            if conflicting.height() == 0 {
                continue;
            }
            let examples = self.examples(&conflicting)?;
            self.warn(
                WarningCode::ConflictingValues,
                Some(field),
                conflicting.height(),
                format!(
                    "{} complaint(s) have several rows with different {} values; the first row's value was kept",
                    conflicting.height(),
                    field.name()
                ),
                examples,
            );
        }
        Ok(())
    }

    /// Dates out of order (E9): the complaint stays in the volumes; timeliness sets it aside.
    pub(super) fn check_sequences(&mut self, complaints: &DataFrame) -> Result<()> {
        let checks = [
            (
                Field::Stage1Acknowledged,
                Field::Received,
                "stage 1 acknowledged before it was received",
            ),
            (
                Field::Stage1Responded,
                Field::Received,
                "stage 1 response dated before the complaint was received",
            ),
            (
                Field::Stage2Requested,
                Field::Stage1Responded,
                "stage 2 requested before the stage 1 response",
            ),
            (
                Field::Stage2Requested,
                Field::Received,
                "stage 2 requested before the complaint was received",
            ),
            (
                Field::Stage2Acknowledged,
                Field::Stage2Requested,
                "stage 2 acknowledged before it was requested",
            ),
            (
                Field::Stage2Responded,
                Field::Stage2Requested,
                "stage 2 response dated before the escalation request",
            ),
        ];
        for (later, earlier, what) in checks {
            if complaints.column(later.name()).is_err() || complaints.column(earlier.name()).is_err() {
                continue;
            }
            let bad = complaints
                .clone()
                .lazy()
                .filter(col(later.name()).lt(col(earlier.name())))
                .collect()
                .ctx("checking date order")?;
            if bad.height() > 0 {
                let examples = self.examples(&bad)?;
                self.warn(
                    WarningCode::DatesOutOfOrder,
                    Some(later),
                    bad.height(),
                    format!("{} complaint(s): {what}; they count as received but are left out of timeliness for that stage — check the dates in the export", bad.height()),
                    examples,
                );
            }
        }
        Ok(())
    }

    fn examples(&self, frame: &DataFrame) -> Result<Vec<Example>> {
        let head = frame.head(Some(MAX_EXAMPLES));
        Ok(row_refs(&head, None, &self.file_names())?
            .into_iter()
            .map(|r| Example {
                file: self.file_name(r.file),
                row: r.row,
                reference: r.reference,
                value: None,
            })
            .collect())
    }
}

/// Rows with one kind of problem in one field: how many, which values, a few examples.
#[derive(Default)]
struct ProblemTally {
    count: usize,
    frequencies: BTreeMap<String, usize>,
    examples: Vec<Example>,
}

fn frequency_list(frequencies: &BTreeMap<String, usize>) -> String {
    let mut sorted: Vec<(&String, &usize)> = frequencies.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let shown: Vec<String> = sorted
        .iter()
        .take(10)
        .map(|(v, n)| format!("\"{}\" ×{n}", truncate_text(v, 60)))
        .collect();
    let more = sorted.len().saturating_sub(10);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

fn values_section(field: Field) -> &'static str {
    match field.kind() {
        Kind::Outcome => "outcome",
        Kind::Flag => "boolean",
        Kind::Tenure => "tenure",
        Kind::Status => "status",
        Kind::Satisfaction => "satisfaction",
        Kind::Stage => "stage",
        _ => field.name(),
    }
}

fn unmapped_consequence(field: Field) -> &'static str {
    match field.kind() {
        Kind::Outcome => {
            "they count as outcome \"other\"; add them to [values.outcome] upheld / partly_upheld / not_upheld / withdrawn"
        }
        Kind::Flag => "they were left empty; add them to [values.boolean] true = [...] or false = [...]",
        Kind::Tenure => {
            "they count as OTHER (outside the TSM LCRA/LCHO figures); add them to [values.tenure] LCRA = [...] or LCHO = [...]"
        }
        Kind::Status => "the status was worked out from the dates instead; add them to [values.status]",
        Kind::Satisfaction => {
            "they count as neutral; add them to [values.satisfaction] satisfied = [...] or dissatisfied = [...]"
        }
        _ => "they were kept as written; add them to the value map to group them",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_written_as_the_snake_case_names_the_json_has_always_used() {
        let exclusions = [
            (ExclusionCode::NoReference, "no_reference"),
            (ExclusionCode::NoReceivedDate, "no_received_date"),
            (ExclusionCode::BadReceivedDate, "bad_received_date"),
            (ExclusionCode::Duplicate, "duplicate"),
            (ExclusionCode::UnreadableRow, "unreadable_row"),
            (ExclusionCode::UnknownStage, "unknown_stage"),
            (ExclusionCode::NoStage, "no_stage"),
            (ExclusionCode::NoStage1Row, "no_stage1_row"),
            (ExclusionCode::RepeatedHeader, "repeated_header"),
        ];
        for (code, name) in exclusions {
            assert_eq!(code.as_str(), name);
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{name}\""));
        }
        let warnings = [
            (WarningCode::UnreadableDate, "unreadable_date"),
            (WarningCode::ImplausibleDate, "implausible_date"),
            (WarningCode::UnreadableAmount, "unreadable_amount"),
            (WarningCode::UnmappedValue, "unmapped_value"),
            (WarningCode::SpellingUnified, "spelling_unified"),
            (WarningCode::DateOrder, "date_order"),
            (WarningCode::AmbiguousDates, "ambiguous_dates"),
            (WarningCode::ConflictingValues, "conflicting_values"),
            (WarningCode::DatesOutOfOrder, "dates_out_of_order"),
        ];
        for (code, name) in warnings {
            assert_eq!(code.as_str(), name);
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{name}\""));
        }
    }
}
