//! Free text in the reports: category, channel and refusal-reason values come from case rows
//! as typed. In the web edition a value is printed only when enough complaints share it and it
//! does not look like personal data; everything else is grouped under [`OTHER`]. A landlord can
//! name the values it publishes (`[publication] publish_categories` and friends): then only
//! those are printed, as named. In both editions a table or chart lists at most
//! `[report] values_listed` values, the rest grouped as "Other (n categories)", and a value
//! longer than [`LABEL_CHARS`] (free text mapped as a category) is shortened with an ellipsis.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::domain::text::truncate_text;
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

/// The longest label printed, in characters: a category is a few words; anything longer is
/// free text mapped as a category, and would run off a page.
pub(crate) const LABEL_CHARS: usize = 80;

/// Whether a printed label is the group of values not printed on their own.
pub(crate) fn is_other(label: &str) -> bool {
    label == OTHER || label.starts_with("Other (")
}

/// The order breakdown rows print in: largest first, ties by name, "Other" last.
pub(crate) fn ranked(a: (&str, u64), b: (&str, u64)) -> std::cmp::Ordering {
    is_other(a.0)
        .cmp(&is_other(b.0))
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
    /// Each value's label; `None` when every value prints as itself.
    published: Option<BTreeMap<String, String>>,
    /// The label of values not printed on their own (and of values seen in another span only).
    other: String,
}

/// How many values a table or chart lists, and what they are called ("categories").
#[derive(Debug, Clone, Copy)]
pub(crate) struct Listing {
    pub most: usize,
    pub noun: &'static str,
}

impl Labels {
    /// `uses` is each value with the number of complaints using it; `allowed` the landlord's
    /// list for the field, if any.
    pub(crate) fn new(
        uses: &BTreeMap<String, u64>,
        allowed: Option<&[String]>,
        edition: Edition,
        s: &Suppression,
        listing: Listing,
    ) -> Self {
        let allowed: Option<BTreeSet<&str>> = allowed.map(|a| a.iter().map(|v| v.trim()).collect());
        let printed = |value: &str, n: u64| match (edition, &allowed) {
            (Edition::Board, _) => true,
            (Edition::Web, Some(list)) => list.contains(value.trim()) && n >= s.threshold,
            (Edition::Web, None) => !looks_personal(value) && n >= s.threshold,
        };
        let mut named: Vec<(&String, u64)> = uses
            .iter()
            .filter(|(value, n)| printed(value, **n))
            .map(|(value, n)| (value, *n))
            .collect();
        // The most used values are listed; one row is kept for the rest.
        let tail = named.len() > listing.most.max(2);
        if tail {
            named.sort_by(|a, b| ranked((a.0, a.1), (b.0, b.1)));
            named.truncate(listing.most.max(2) - 1);
        }
        let named: BTreeSet<&String> = named.into_iter().map(|(value, _)| value).collect();
        let grouped = uses.len() - named.len();
        let other = match tail {
            true => format!("{OTHER} ({grouped} {})", listing.noun),
            false => OTHER.to_string(),
        };
        let shortened = uses.keys().any(|v| v.chars().count() > LABEL_CHARS);
        if edition == Edition::Board && !tail && !shortened {
            return Labels {
                published: None,
                other,
            };
        }
        let published = uses
            .keys()
            .map(|value| {
                let label = match named.contains(value) {
                    true => truncate_text(value, LABEL_CHARS),
                    false => other.clone(),
                };
                (value.clone(), label)
            })
            .collect();
        Labels {
            published: Some(published),
            other,
        }
    }

    /// The label printed for `value`.
    pub(crate) fn label<'a>(&'a self, value: &'a str) -> &'a str {
        match &self.published {
            None => value,
            Some(map) => map.get(value).unwrap_or(&self.other),
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

    const LISTING: Listing = Listing {
        most: 20,
        noun: "categories",
    };

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
        let web = Labels::new(&uses, None, Edition::Web, &s, LISTING);
        assert_eq!(web.label("Repairs"), "Repairs");
        assert_eq!(web.label("Noise"), OTHER);
        assert_eq!(web.label("Mrs Smith's fence"), OTHER);
        let grouped = web.group(&uses, |a, b| *a += b);
        assert_eq!(
            grouped,
            [("Other".to_string(), 15), ("Repairs".to_string(), 40)].into()
        );
        let board = Labels::new(&uses, None, Edition::Board, &s, LISTING);
        assert_eq!(board.label("Noise"), "Noise");
        let listed = Labels::new(
            &uses,
            Some(&["Mrs Smith's fence".to_string()]),
            Edition::Web,
            &s,
            LISTING,
        );
        assert_eq!(listed.label("Repairs"), OTHER);
        assert_eq!(listed.label("Mrs Smith's fence"), "Mrs Smith's fence");
    }

    #[test]
    fn a_long_tail_is_grouped_and_long_values_are_shortened_in_both_editions() {
        // 30 categories used 30, 29, ... 1 times, and one pasted description.
        let mut uses: BTreeMap<String, u64> = (1..=30).map(|n| (format!("Category {n:02}"), n)).collect();
        let description = "The tenant reported that ".repeat(20);
        uses.insert(description.clone(), 50);
        let s = Suppression::default();
        let listing = Listing {
            most: 10,
            noun: "categories",
        };
        for edition in [Edition::Board, Edition::Web] {
            let labels = Labels::new(&uses, None, edition, &s, listing);
            let grouped = labels.group(&uses, |a, b| *a += b);
            assert_eq!(grouped.len(), 10, "{edition:?}: {grouped:?}");
            // The nine most used (the description and categories 30 to 23) are listed; the
            // other 22 values are one row.
            assert_eq!(labels.label("Category 30"), "Category 30");
            assert_eq!(labels.label("Category 23"), "Category 23");
            assert_eq!(labels.label("Category 22"), "Other (22 categories)");
            assert_eq!(grouped["Other (22 categories)"], (1..=22).sum::<u64>());
            let short = labels.label(&description);
            assert_eq!(short.chars().count(), LABEL_CHARS + 1);
            assert!(short.ends_with('…'));
            // A value seen in another span only is in the group.
            assert_eq!(labels.label("Unseen"), "Other (22 categories)");
        }
    }
}
