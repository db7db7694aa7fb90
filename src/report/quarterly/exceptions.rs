//! The exceptions a governing body acts on: open stages that are overdue, older than
//! `[quarterly] exception_age_days`, or in a watched category.

use serde::Serialize;

use super::QuarterFigures;
use crate::config::Config;
use crate::metrics::OpenCase;

/// Why an open stage is an exception.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Reason {
    Overdue,
    Old,
    WatchedCategory,
}

impl Reason {
    pub(super) const ALL: [Reason; 3] = [Reason::Overdue, Reason::Old, Reason::WatchedCategory];

    pub(super) fn describe(self) -> &'static str {
        match self {
            Reason::Overdue => "overdue",
            Reason::Old => "old",
            Reason::WatchedCategory => "watched category",
        }
    }
}

/// An open stage with why it is an exception.
pub(super) struct Exception<'a> {
    pub case: &'a OpenCase,
    pub reasons: Vec<Reason>,
}

/// The open stages that are exceptions: overdue first, then the oldest.
pub(super) fn exceptions<'a>(f: &'a QuarterFigures) -> Vec<Exception<'a>> {
    let mut out: Vec<Exception> = f
        .open_cases
        .first
        .iter()
        .map(|case| Exception {
            case,
            reasons: reasons(case, f.config),
        })
        .filter(|e| !e.reasons.is_empty())
        .collect();
    out.sort_by(|a, b| {
        b.case
            .overdue
            .cmp(&a.case.overdue)
            .then(b.case.age_working_days.cmp(&a.case.age_working_days))
            .then(a.case.reference.cmp(&b.case.reference))
    });
    out
}

fn reasons(case: &OpenCase, config: &Config) -> Vec<Reason> {
    let q = &config.quarterly;
    let watched = match &q.exception_categories {
        Some(list) => list
            .iter()
            .any(|c| c.trim().eq_ignore_ascii_case(case.category.trim())),
        None => {
            let c = case.category.to_lowercase();
            c.contains("damp") || c.contains("mould")
        }
    };
    [
        (Reason::Overdue, case.overdue),
        (
            Reason::Old,
            case.age_working_days.is_some_and(|a| a > q.exception_age_days),
        ),
        (Reason::WatchedCategory, watched),
    ]
    .into_iter()
    .filter_map(|(reason, applies)| applies.then_some(reason))
    .collect()
}
