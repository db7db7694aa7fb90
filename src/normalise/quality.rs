//! The data-quality account of a run: rows read, the exclusions ledger and the warnings.
//! Serialised as the `validate` JSON (keys pinned in the README).

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::Serialize;

use super::coverage::{Coverage, MissingField, UnusedHeader};
use super::merge::WITHIN_STAGE;
use super::rows::row_refs;
use crate::domain::canonical::Field;
use crate::domain::dates::{DateOrder, OrderEvidence, order_evidence};
use crate::error::{PolarsContext, Result};
use crate::ingest::RawTable;
use crate::mapping::is_logging_date;

/// Examples kept per warning; the count always covers every row.
pub(super) const MAX_EXAMPLES: usize = 5;

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
    /// Headers that feed no field: the checklist of what to map next.
    pub unused_headers: Vec<UnusedHeader>,
    /// Fields found in no file, with the figures each costs.
    pub missing_fields: Vec<MissingField>,
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
    FooterRow,
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
            ExclusionCode::FooterRow => "footer_row",
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
            ExclusionCode::FooterRow => "Footer or summary row",
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
    ReceivedFromLoggedDate,
    UnprintableCharacters,
    ProbableFreeText,
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
            WarningCode::ReceivedFromLoggedDate => "received_from_logged_date",
            WarningCode::UnprintableCharacters => "unprintable_characters",
            WarningCode::ProbableFreeText => "probable_free_text",
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
    /// A workbook's sheets, when it has more than one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sheets: Vec<crate::ingest::SheetSummary>,
}

impl DataQuality {
    pub(super) fn new(
        raws: &[RawTable],
        headers: &[BTreeMap<Field, String>],
        shape: &'static str,
        coverage: Coverage,
    ) -> Self {
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
                sheets: raw.sheets.clone(),
            })
            .collect::<Vec<_>>();
        let mut quality = DataQuality {
            rows_read: files.iter().map(|f| f.rows_read).sum(),
            included: 0,
            excluded: 0,
            complaints: 0,
            shape,
            exclusions: Vec::new(),
            warnings: Vec::new(),
            columns: columns.into_iter().map(|(k, v)| (k, v.join(" | "))).collect(),
            files,
            unused_headers: coverage.unused_headers,
            missing_fields: coverage.missing_fields,
            headers: headers.to_vec(),
        };
        quality.check_received_header();
        quality
    }

    /// A received date read from a logging or opening date can only be later than the day the
    /// complaint arrived, which flatters timeliness: say so.
    fn check_received_header(&mut self) {
        let logged: Vec<String> = self
            .headers
            .iter()
            .filter_map(|h| h.get(&Field::Received))
            .filter(|h| is_logging_date(h))
            .cloned()
            .collect();
        if let Some(header) = logged.first() {
            self.warn(
                WarningCode::ReceivedFromLoggedDate,
                Some(Field::Received),
                logged.len(),
                format!(
                    "received is read from \"{header}\", the date a case was logged or opened: when cases are logged after the complaint arrives, every deadline starts late and timeliness looks better than it was; if the export has the date the complaint was received, map it with received = \"<header>\" under [columns]"
                ),
                vec![],
            );
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

    pub(super) fn warn(
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
            let within_stage = format!("{}{WITHIN_STAGE}", field.name());
            let (distinct, kept) = match merged.column(&within_stage) {
                Ok(_) => (within_stage, "rows of the same stage with different"),
                Err(_) => (
                    format!("{}__distinct", field.name()),
                    "several rows with different",
                ),
            };
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
                    "{} complaint(s) have {kept} {} values; the first row's value was kept{}",
                    conflicting.height(),
                    field.name(),
                    if kept.starts_with("rows of") {
                        " (a stage 2 row's value wins over stage 1's)"
                    } else {
                        ""
                    }
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
            (ExclusionCode::FooterRow, "footer_row"),
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
            (WarningCode::ReceivedFromLoggedDate, "received_from_logged_date"),
            (WarningCode::UnprintableCharacters, "unprintable_characters"),
            (WarningCode::ProbableFreeText, "probable_free_text"),
        ];
        for (code, name) in warnings {
            assert_eq!(code.as_str(), name);
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{name}\""));
        }
    }
}
