//! Free text in the web editions: category, channel and refusal-reason values come from case
//! rows as typed, so a value is printed only when enough complaints share it and it does not
//! look like personal data; everything else is grouped under [`OTHER`]. A landlord can name the
//! values it publishes (`[publication] publish_categories` and friends): then only those are
//! printed, as named.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::report::table::{Edition, Suppression};

/// The group for values the web edition does not print.
pub(crate) const OTHER: &str = "Other";

/// E-mail addresses, UK postcodes, phone numbers, case references (a run of digits, or letters
/// and digits joined), and a title followed by a name.
static PERSONAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}",
        r"|\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b",
        r"|(?:\+|\b)[0-9][0-9 ()-]{8,}[0-9]\b",
        r"|\b[0-9]{4,}\b",
        r"|\b[A-Z]+[-/]?[0-9]{3,}\b|\b[0-9]{3,}[-/][A-Z0-9]+\b",
        r"|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Dame|Lady|Lord)\.?\s+[A-Z][a-z]",
    ))
    .expect("the pattern is valid")
});

/// The order breakdown rows print in: largest first, ties by name, "Other" last.
pub(crate) fn ranked(a: (&str, u64), b: (&str, u64)) -> std::cmp::Ordering {
    (a.0 == OTHER)
        .cmp(&(b.0 == OTHER))
        .then(b.1.cmp(&a.1))
        .then(a.0.cmp(b.0))
}

/// True when the text holds something that identifies a person or a case.
pub(crate) fn looks_personal(text: &str) -> bool {
    PERSONAL.is_match(text)
}

/// How one field's values are printed in an edition.
#[derive(Debug, Clone, Default)]
pub(crate) struct Labels {
    published: Option<BTreeMap<String, String>>,
}

impl Labels {
    /// `uses` is each value with the number of complaints using it; `allowed` the landlord's
    /// list for the field, if any.
    pub(crate) fn new(
        uses: &BTreeMap<String, u64>,
        allowed: Option<&[String]>,
        edition: Edition,
        s: &Suppression,
    ) -> Self {
        if edition == Edition::Board {
            return Labels { published: None };
        }
        let allowed: Option<BTreeSet<&str>> = allowed.map(|a| a.iter().map(|v| v.trim()).collect());
        let published = uses
            .iter()
            .map(|(value, &n)| {
                let named = match &allowed {
                    Some(list) => list.contains(value.trim()),
                    None => !looks_personal(value),
                };
                let label = if named && n >= s.threshold {
                    value.clone()
                } else {
                    OTHER.to_string()
                };
                (value.clone(), label)
            })
            .collect();
        Labels {
            published: Some(published),
        }
    }

    /// The label printed for `value`.
    pub(crate) fn label<'a>(&'a self, value: &'a str) -> &'a str {
        match &self.published {
            None => value,
            Some(map) => map.get(value).map_or(OTHER, String::as_str),
        }
    }

    /// Adds each value's counts into its printed label's.
    pub(crate) fn group<T: Default + Clone>(
        &self,
        values: &BTreeMap<String, T>,
        add: impl Fn(&mut T, &T),
    ) -> BTreeMap<String, T> {
        let mut out: BTreeMap<String, T> = BTreeMap::new();
        for (value, v) in values {
            add(out.entry(self.label(value).to_string()).or_default(), v);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_is_recognised() {
        for text in [
            "Refused: see jane.doe@example.com",
            "Flat 2, 14 High St, LS1 4AB",
            "call 07700 900123",
            "duplicate of CMP-2024-0012",
            "duplicate of 20240012",
            "Mrs Smith complained before",
            "raised by Mr. Jones",
        ] {
            assert!(looks_personal(text), "{text}");
        }
        for text in [
            "Repairs",
            "Damp and mould",
            "Out of time (over 12 months)",
            "Anti-social behaviour",
            "Insurance claim",
            "Stage 2 escalation",
        ] {
            assert!(!looks_personal(text), "{text}");
        }
    }

    #[test]
    fn rare_and_personal_values_are_grouped_as_other_in_the_web_edition_only() {
        let uses: BTreeMap<String, u64> = [
            ("Repairs".to_string(), 40),
            ("Noise".to_string(), 3),
            ("Mrs Smith's fence".to_string(), 12),
        ]
        .into();
        let s = Suppression::default();
        let web = Labels::new(&uses, None, Edition::Web, &s);
        assert_eq!(web.label("Repairs"), "Repairs");
        assert_eq!(web.label("Noise"), OTHER);
        assert_eq!(web.label("Mrs Smith's fence"), OTHER);
        let grouped = web.group(&uses, |a, b| *a += b);
        assert_eq!(
            grouped,
            [("Other".to_string(), 15), ("Repairs".to_string(), 40)].into()
        );
        let board = Labels::new(&uses, None, Edition::Board, &s);
        assert_eq!(board.label("Noise"), "Noise");
        let listed = Labels::new(&uses, Some(&["Mrs Smith's fence".to_string()]), Edition::Web, &s);
        assert_eq!(listed.label("Repairs"), OTHER);
        assert_eq!(listed.label("Mrs Smith's fence"), "Mrs Smith's fence");
    }
}
