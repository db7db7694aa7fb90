//! Reading one cell of each kind: value maps for coded fields, flags, money.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::config::{ValueMapConfig, ValuesSection};
use crate::domain::canonical::{Field, Kind};
use crate::domain::dates::{DateOrder, DateProblem, parse_date};
use crate::domain::money::parse_money;
use crate::domain::text::value_key;

/// A parsed cell: its typed value and, when it could not be read as intended, why.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Parsed {
    pub value: Option<Value>,
    pub problem: Option<Problem>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Date(NaiveDate),
    Flag(bool),
    Money(f64),
    Text(String),
}

/// What went wrong with a cell; decides the warning it is listed under.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Problem {
    /// Not a date: the field is left empty.
    BadDate(DateProblem),
    /// Not in the value map: the fallback value is used.
    Unmapped,
    /// Not a number of pounds.
    BadMoney,
}

/// A value map: export value (normalised) → canonical value.
#[derive(Debug, Clone, Default)]
pub(super) struct ValueMap {
    entries: HashMap<String, String>,
    /// Canonical value for values not in the map (`None`: keep the export value).
    fallback: Option<&'static str>,
}

impl ValueMap {
    /// The built-in map extended by the configured one (a configured value wins over a built-in
    /// one), or the configured one alone when `replace`.
    fn new(
        configured: Option<&std::collections::BTreeMap<String, Vec<String>>>,
        defaults: &[(&str, &[&str])],
        replace: bool,
        fallback: Option<&'static str>,
    ) -> Self {
        let mut entries = HashMap::new();
        if !(replace && configured.is_some()) {
            for (canonical, values) in defaults {
                for v in values.iter().chain(std::iter::once(canonical)) {
                    entries.insert(value_key(v), canonical.to_string());
                }
            }
        }
        for (canonical, values) in configured.into_iter().flatten() {
            // The canonical name itself is always accepted.
            for v in values.iter().chain(std::iter::once(canonical)) {
                entries.insert(value_key(v), canonical.clone());
            }
        }
        ValueMap { entries, fallback }
    }

    /// Like `lookup`, but an unmapped value has no value at all (only the problem).
    fn lookup_known(&self, raw: &str) -> Parsed {
        let parsed = self.lookup(raw);
        match parsed.problem {
            Some(_) => Parsed {
                value: None,
                ..parsed
            },
            None => parsed,
        }
    }

    fn lookup(&self, raw: &str) -> Parsed {
        match self.entries.get(&value_key(raw)) {
            Some(v) => Parsed {
                value: Some(Value::Text(v.clone())),
                problem: None,
            },
            None => Parsed {
                value: Some(Value::Text(
                    self.fallback.map_or_else(|| raw.to_string(), str::to_string),
                )),
                problem: Some(Problem::Unmapped),
            },
        }
    }
}

const OUTCOMES: &[(&str, &[&str])] = &[
    ("upheld", &["Upheld", "Fully upheld", "Justified"]),
    (
        "partly_upheld",
        &[
            "Partly upheld",
            "Partially upheld",
            "Partially justified",
            "Part upheld",
        ],
    ),
    (
        "not_upheld",
        &["Not upheld", "Unjustified", "No fault", "Not justified"],
    ),
    ("withdrawn", &["Withdrawn"]),
];
const BOOLEANS: &[(&str, &[&str])] = &[
    ("true", &["Y", "Yes", "True", "1"]),
    ("false", &["N", "No", "False", "0"]),
];
const TENURES: &[(&str, &[&str])] = &[
    (
        "LCRA",
        &[
            "General needs",
            "Supported housing",
            "Supported",
            "Housing for older people",
            "Intermediate rent",
            "Temporary social housing",
            "Social rent",
            "Affordable rent",
            "Secure",
            "Assured",
        ],
    ),
    (
        "LCHO",
        &["Shared ownership", "Shared owner", "Low cost home ownership"],
    ),
    (
        "OTHER",
        &[
            "Leasehold",
            "Leaseholder",
            "Market rent",
            "Non-resident",
            "Commercial",
            "Freehold",
            "Freeholder",
            "Other",
        ],
    ),
];
const STATUSES: &[(&str, &[&str])] = &[
    (
        "open",
        &[
            "Open",
            "In progress",
            "Active",
            "Ongoing",
            "Pending",
            "Awaiting response",
        ],
    ),
    (
        "closed",
        &["Closed", "Resolved", "Complete", "Completed", "Responded"],
    ),
    ("withdrawn", &["Withdrawn"]),
    ("refused", &["Refused", "Rejected", "Not accepted", "Declined"]),
];
const SATISFACTION: &[(&str, &[&str])] = &[
    (
        "satisfied",
        &["Very satisfied", "Fairly satisfied", "Satisfied", "Yes", "Y"],
    ),
    (
        "dissatisfied",
        &[
            "Very dissatisfied",
            "Fairly dissatisfied",
            "Dissatisfied",
            "No",
            "N",
        ],
    ),
    (
        "neutral",
        &["Neither", "Neither satisfied nor dissatisfied", "Neutral"],
    ),
];
const STAGES: &[(&str, &[&str])] = &[
    (
        "stage1",
        &[
            "1",
            "Stage 1",
            "S1",
            "Formal Stage 1",
            "Stage One",
            "Stage1",
            "Formal complaint stage 1",
        ],
    ),
    (
        "stage2",
        &[
            "2",
            "Stage 2",
            "S2",
            "Formal Stage 2",
            "Stage Two",
            "Stage2",
            "Formal complaint stage 2",
        ],
    ),
];

/// Everything needed to read one cell of any field.
#[derive(Debug, Clone)]
pub(super) struct CellReader {
    pub date_order: DateOrder,
    outcome: ValueMap,
    boolean: ValueMap,
    tenure: ValueMap,
    status: ValueMap,
    satisfaction: ValueMap,
    stage: ValueMap,
    category: Option<ValueMap>,
}

impl CellReader {
    pub(super) fn new(values: &ValuesSection, date_order: DateOrder) -> Self {
        let map = |name: &str, configured: &ValueMapConfig, defaults, fallback| {
            ValueMap::new(configured.as_ref(), defaults, values.replaces(name), fallback)
        };
        CellReader {
            date_order,
            outcome: map("outcome", &values.outcome, OUTCOMES, Some("other")),
            boolean: map("boolean", &values.boolean, BOOLEANS, None),
            tenure: map("tenure", &values.tenure, TENURES, Some("OTHER")),
            status: map("status", &values.status, STATUSES, None),
            satisfaction: map(
                "satisfaction",
                &values.satisfaction,
                SATISFACTION,
                Some("neutral"),
            ),
            stage: map("stage", &values.stage, STAGES, None),
            category: values
                .category
                .as_ref()
                .map(|m| ValueMap::new(Some(m), &[], true, None)),
        }
    }

    /// Reads a non-empty, trimmed cell of `field`.
    pub(super) fn read(&self, field: Field, raw: &str, excel_1904: bool) -> Parsed {
        match field.kind() {
            Kind::Date => match parse_date(raw, self.date_order, excel_1904) {
                Ok(date) => Parsed {
                    value: date.map(Value::Date),
                    problem: None,
                },
                Err(p) => Parsed {
                    value: None,
                    problem: Some(Problem::BadDate(p)),
                },
            },
            Kind::Flag => {
                let parsed = self.boolean.lookup(raw);
                match parsed.value {
                    Some(Value::Text(t)) if parsed.problem.is_none() => Parsed {
                        value: Some(Value::Flag(t == "true")),
                        problem: None,
                    },
                    _ => Parsed {
                        value: None,
                        problem: Some(Problem::Unmapped),
                    },
                }
            }
            Kind::Money => match parse_money(raw) {
                Some(amount) => Parsed {
                    value: amount.map(Value::Money),
                    problem: None,
                },
                None => Parsed {
                    value: None,
                    problem: Some(Problem::BadMoney),
                },
            },
            Kind::Outcome => self.outcome.lookup(raw),
            Kind::Tenure => self.tenure.lookup(raw),
            // An unknown status says nothing: the status is derived from the dates instead.
            Kind::Status => self.status.lookup_known(raw),
            Kind::Satisfaction => self.satisfaction.lookup(raw),
            Kind::Stage => self.stage.lookup_known(raw),
            Kind::Text if field == Field::Category => match &self.category {
                Some(map) => map.lookup(raw),
                None => Parsed {
                    value: Some(Value::Text(raw.to_string())),
                    problem: None,
                },
            },
            Kind::Text => Parsed {
                value: Some(Value::Text(raw.to_string())),
                problem: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader() -> CellReader {
        CellReader::new(&ValuesSection::default(), DateOrder::DayFirst)
    }

    fn text(p: Parsed) -> Option<String> {
        match p.value {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        }
    }

    #[test]
    fn default_outcome_synonyms() {
        let r = reader();
        assert_eq!(
            text(r.read(Field::Stage1Outcome, "Fully Upheld", false)).as_deref(),
            Some("upheld")
        );
        assert_eq!(
            text(r.read(Field::Stage2Outcome, " partially  justified ", false)).as_deref(),
            Some("partly_upheld")
        );
        assert_eq!(
            text(r.read(Field::Stage1Outcome, "No fault", false)).as_deref(),
            Some("not_upheld")
        );
        let other = r.read(Field::Stage1Outcome, "Resolved informally", false);
        assert_eq!(other.problem, Some(Problem::Unmapped));
        assert_eq!(text(other).as_deref(), Some("other"));
    }

    #[test]
    fn default_booleans() {
        let r = reader();
        for (raw, want) in [
            ("Y", true),
            ("yes", true),
            ("TRUE", true),
            ("1", true),
            ("n", false),
            ("No", false),
            ("0", false),
        ] {
            assert_eq!(
                r.read(Field::Stage1Extension, raw, false).value,
                Some(Value::Flag(want)),
                "{raw}"
            );
        }
        assert_eq!(
            r.read(Field::Stage1Extension, "maybe", false).problem,
            Some(Problem::Unmapped)
        );
    }

    #[test]
    fn a_configured_map_adds_to_the_built_in_one_unless_it_replaces_it() {
        let mut values = ValuesSection {
            outcome: Some(
                [("other".to_string(), vec!["Resolved".to_string()])]
                    .into_iter()
                    .collect(),
            ),
            ..Default::default()
        };
        let r = CellReader::new(&values, DateOrder::DayFirst);
        assert_eq!(
            text(r.read(Field::Stage1Outcome, "resolved", false)).as_deref(),
            Some("other")
        );
        assert_eq!(r.read(Field::Stage1Outcome, "resolved", false).problem, None);
        // The built-in values still count as they always did.
        assert_eq!(
            text(r.read(Field::Stage1Outcome, "Upheld", false)).as_deref(),
            Some("upheld")
        );
        assert_eq!(
            text(r.read(Field::Stage1Outcome, "Not upheld", false)).as_deref(),
            Some("not_upheld")
        );
        values.replace_built_in = vec!["outcome".into()];
        let r = CellReader::new(&values, DateOrder::DayFirst);
        assert_eq!(
            r.read(Field::Stage1Outcome, "Upheld", false).problem,
            Some(Problem::Unmapped)
        );
        // Other maps keep their built-in values.
        assert_eq!(
            text(r.read(Field::Tenure, "General needs", false)).as_deref(),
            Some("LCRA")
        );
    }
}
