//! Warnings about cell values: one per field and kind of problem (not a date, not an amount,
//! not in the value map), with each bad value's frequency and a few rows to look at.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::quality::{DataQuality, Example, MAX_EXAMPLES, WarningCode};
use super::rows::{FILE_COL, ROW_COLUMN, SET_ASIDE_COL, raw_column, row_refs};
use crate::columnar::gather::flags_by_codes;
use crate::columnar::parallel::in_parallel;
use crate::domain::canonical::{Field, Kind};
use crate::domain::text::truncate_text;
use crate::error::{PolarsContext, Result};

impl DataQuality {
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
