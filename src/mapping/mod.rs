//! Column mapping: which header of an export holds each canonical field.
//!
//! A field named in `[columns]` must be found under exactly that header (ignoring case, spaces and
//! punctuation); any other field is looked for under its built-in synonyms.

mod suggest;

use std::collections::{BTreeMap, HashMap};

pub(crate) use suggest::{Looks, Suggestion, is_logging_date, looks, suggest};

use crate::config::ColumnsSection;
use crate::domain::canonical::Field;
use crate::domain::text::header_key;

/// The headers resolved for one file: field → index into the file's headers, and the unmapped
/// headers kept for analysts.
#[derive(Debug, Clone, Default)]
pub struct ResolvedColumns {
    pub by_field: BTreeMap<Field, usize>,
    /// Headers no field uses that are read anyway ([`Unmapped`]), in file order.
    pub kept: Vec<usize>,
}

/// Which export columns no field uses are read and carried into the analysts' table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Unmapped {
    /// None: free-text narratives are often the bulk of an export and never analysed.
    #[default]
    Dropped,
    /// Every one (`--keep-unmapped`).
    All,
    /// Those named (`[input] keep_unmapped`), matched as headers are (ignoring case, spaces
    /// and punctuation).
    Named(Vec<String>),
}

/// Matches export headers to canonical fields.
#[derive(Debug, Clone)]
pub struct ColumnMatcher {
    /// field → header keys to accept, in priority order.
    candidates: Vec<(Field, Vec<String>, bool)>,
    /// The headers named in `[columns]`, as written.
    configured: BTreeMap<Field, String>,
    /// The unmapped columns to read too.
    unmapped: Unmapped,
}

impl ColumnMatcher {
    pub fn new(columns: &ColumnsSection) -> Self {
        let explicit_keys: Vec<String> = columns.fields.values().map(|h| header_key(h)).collect();
        let candidates = Field::ALL
            .iter()
            .map(|&field| match columns.fields.get(&field) {
                Some(header) => (field, vec![header_key(header)], true),
                // A synonym that another field claims explicitly is not offered to this one.
                None => (
                    field,
                    field
                        .synonyms()
                        .iter()
                        .map(|s| header_key(s))
                        .filter(|k| !explicit_keys.contains(k))
                        .collect(),
                    false,
                ),
            })
            .collect();
        ColumnMatcher {
            candidates,
            configured: columns.fields.clone(),
            unmapped: Unmapped::Dropped,
        }
    }

    /// The same matcher, reading the unmapped columns `unmapped` names too.
    pub fn keeping(self, unmapped: Unmapped) -> Self {
        ColumnMatcher { unmapped, ..self }
    }

    /// Fields named in `[columns]` whose header is not in this header row, with the header
    /// given.
    pub fn missing_configured<'a>(&'a self, resolved: &ResolvedColumns) -> Vec<(Field, &'a str)> {
        self.configured
            .iter()
            .filter(|(field, _)| !resolved.by_field.contains_key(field))
            .map(|(&field, header)| (field, header.as_str()))
            .collect()
    }

    /// Resolves every field against one header row. Each header serves at most one field.
    pub fn resolve(&self, headers: &[String]) -> ResolvedColumns {
        let mut index: HashMap<String, usize> = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            index.entry(header_key(h)).or_insert(i);
        }
        let mut taken = vec![false; headers.len()];
        let mut by_field = BTreeMap::new();
        // Explicit mappings first, so a synonym never steals a configured header.
        for pass_explicit in [true, false] {
            for (field, keys, explicit) in &self.candidates {
                if *explicit != pass_explicit {
                    continue;
                }
                if let Some(&i) = keys.iter().filter_map(|k| index.get(k)).find(|&&i| !taken[i]) {
                    taken[i] = true;
                    by_field.insert(*field, i);
                }
            }
        }
        let wanted = |h: &String| match &self.unmapped {
            Unmapped::Dropped => false,
            Unmapped::All => true,
            Unmapped::Named(names) => names.iter().any(|n| header_key(n) == header_key(h)),
        };
        let kept = (0..headers.len())
            .filter(|&i| !taken[i] && wanted(&headers[i]))
            .collect();
        ResolvedColumns { by_field, kept }
    }

    /// The unmapped columns named to keep that no header row in `files` has.
    pub fn named_but_absent<'a>(&'a self, files: &[&[String]]) -> Vec<&'a str> {
        let Unmapped::Named(names) = &self.unmapped else {
            return Vec::new();
        };
        names
            .iter()
            .filter(|n| {
                let key = header_key(n);
                !files
                    .iter()
                    .any(|headers| headers.iter().any(|h| header_key(h) == key))
            })
            .map(String::as_str)
            .collect()
    }

    /// True when a row holds the reference and received headers: this is the header row.
    pub fn is_header_row(&self, cells: &[String]) -> bool {
        let resolved = self.resolve(cells);
        Field::REQUIRED.iter().all(|f| resolved.by_field.contains_key(f))
    }
}

/// The header of `headers` closest to `wanted` in spelling or words, if any is reasonably close.
pub(crate) fn closest_header<'a>(wanted: &str, headers: &'a [String]) -> Option<&'a str> {
    headers
        .iter()
        .filter(|h| !h.trim().is_empty())
        .map(|h| (suggest::spelling_score(h, &[wanted]), h))
        .filter(|(score, _)| *score >= 0.4)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, h)| h.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn synonyms_match_datix_headers() {
        let m = ColumnMatcher::new(&ColumnsSection::default());
        let h = headers(&[
            "Complaint ID",
            "Date Received",
            "Stage1 Date Formal Complaint Acknowledged",
            "Outcome (S2)",
        ]);
        let r = m.resolve(&h);
        assert_eq!(r.by_field[&Field::Reference], 0);
        assert_eq!(r.by_field[&Field::Received], 1);
        assert_eq!(r.by_field[&Field::Stage1Acknowledged], 2);
        assert_eq!(r.by_field[&Field::Stage2Outcome], 3);
        assert!(m.is_header_row(&h));
        assert!(!m.is_header_row(&headers(&["Complaints export", "", ""])));
    }

    #[test]
    fn explicit_mapping_wins_and_is_exclusive() {
        let mut columns = ColumnsSection::default();
        columns.fields.insert(Field::Received, "Opened".into());
        let m = ColumnMatcher::new(&columns);
        let r = m.resolve(&headers(&["Ref", "Date Received", "OPENED"]));
        assert_eq!(r.by_field[&Field::Received], 2);
        // "Date Received" is not a synonym of any other field, so it stays unused.
        assert_eq!(r.by_field.len(), 2);
    }

    #[test]
    fn unmapped_columns_are_kept_when_asked() {
        let h = headers(&["Ref", "Date Received", "Team", "Property ref", "Notes"]);
        let m = ColumnMatcher::new(&ColumnsSection::default());
        assert!(m.resolve(&h).kept.is_empty());
        let named = m
            .clone()
            .keeping(Unmapped::Named(vec!["property REF".into(), "Ref".into()]));
        // "Ref" is the reference, already read: only the unmapped one named is kept.
        assert_eq!(named.resolve(&h).kept, [3]);
        assert_eq!(m.keeping(Unmapped::All).resolve(&h).kept, [2, 3, 4]);
    }

    #[test]
    fn a_configured_header_not_in_the_file_is_reported_with_the_closest() {
        let mut columns = ColumnsSection::default();
        columns.fields.insert(Field::Reference, "Case Ref No".into());
        let m = ColumnMatcher::new(&columns);
        let h = headers(&["Case Ref. Number", "Date Received"]);
        let missing = m.missing_configured(&m.resolve(&h));
        assert_eq!(missing, [(Field::Reference, "Case Ref No")]);
        assert_eq!(closest_header("Case Ref No", &h), Some("Case Ref. Number"));
        assert_eq!(closest_header("Date Recieved", &h), Some("Date Received"));
    }
}
