//! Suggesting a header for a field that was not found: by meaning first (a date field wants a
//! column of dates, a reference wants identifiers, not names or free text; a stage-2 field wants
//! a header that says stage 2), then by spelling. Only headers no other field uses are offered.

use crate::domain::canonical::{Field, Kind};
use crate::domain::dates::{DateOrder, parse_date};
use crate::domain::money::parse_money;
use crate::domain::text::header_key;

/// What a column's first values (and its header) say it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Looks {
    /// No values among the rows looked at.
    Empty,
    Dates,
    Numbers,
    /// People's names, addresses, e-mails or phone numbers.
    Names,
    /// Sentences: narratives, notes, descriptions.
    FreeText,
    /// Short repeated values or identifiers: categories, statuses, references.
    Codes,
}

impl Looks {
    /// How the column is described in messages.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Looks::Empty => "is empty in the first rows",
            Looks::Dates => "holds dates",
            Looks::Numbers => "holds numbers",
            Looks::Names => "holds names or contact details",
            Looks::FreeText => "holds free text",
            Looks::Codes => "holds short values",
        }
    }
}

/// Words in a header that mark personal details, whatever the values look like.
const PERSONAL_WORDS: [&str; 12] = [
    "name",
    "complainant",
    "address",
    "email",
    "phone",
    "telephone",
    "mobile",
    "postcode",
    "officer",
    "handler",
    "assignedto",
    "owner",
];

/// Words in a header that mark free text.
const TEXT_WORDS: [&str; 7] = [
    "narrative",
    "description",
    "notes",
    "details",
    "comments",
    "summary",
    "detail",
];

/// What a column holds, from its header and its first values.
pub(crate) fn looks(header: &str, values: &[&str]) -> Looks {
    let key = header_key(header);
    let values: Vec<&str> = values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    let share = |test: &dyn Fn(&str) -> bool| -> f64 {
        values.iter().filter(|v| test(v)).count() as f64 / values.len().max(1) as f64
    };
    if PERSONAL_WORDS.iter().any(|w| key.contains(w)) && !key.contains("date") {
        return Looks::Names;
    }
    if values.is_empty() {
        return Looks::Empty;
    }
    // Dates as exports write them: with separators or a month name (plain numbers are
    // identifiers or amounts, even when they could be read as Excel serial numbers).
    let is_date = |v: &str| {
        !v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && matches!(parse_date(v, DateOrder::DayFirst, false), Ok(Some(_)))
    };
    if share(&is_date) >= 0.6 {
        return Looks::Dates;
    }
    if share(&|v| matches!(parse_money(v), Some(Some(_)))) >= 0.8 {
        return Looks::Numbers;
    }
    let words = |v: &str| v.split_whitespace().count();
    let mean_words = values.iter().map(|v| words(v)).sum::<usize>() as f64 / values.len() as f64;
    if TEXT_WORDS.iter().any(|w| key.contains(w)) || mean_words >= 6.0 {
        return Looks::FreeText;
    }
    let distinct = values.iter().collect::<std::collections::HashSet<_>>().len();
    let personal = |v: &str| {
        v.contains('@')
            || (2..=4).contains(&words(v))
                && v.split_whitespace().all(|w| w.starts_with(char::is_uppercase))
                && !v.chars().any(|c| c.is_ascii_digit())
    };
    // Names rarely repeat within a few rows; categories written in title case do.
    if values.len() >= 3 && distinct == values.len() && share(&personal) >= 0.6 {
        return Looks::Names;
    }
    Looks::Codes
}

/// Whether a column holding `looks` can feed `field`.
pub(crate) fn fits(field: Field, looks: Looks) -> bool {
    match (field.kind(), looks) {
        (_, Looks::Empty) => true,
        (Kind::Date, l) => l == Looks::Dates,
        (Kind::Money, l) => l == Looks::Numbers,
        (_, Looks::Dates | Looks::Names) => false,
        (Kind::Flag, _) => looks != Looks::FreeText,
        (Kind::Text, Looks::FreeText) => field == Field::RefusalReason,
        (Kind::Text, _) => field != Field::Reference || matches!(looks, Looks::Codes | Looks::Numbers),
        (_, Looks::FreeText | Looks::Numbers) => false,
        _ => true,
    }
}

/// Which stage a header speaks of, if it says.
fn stage_of_header(header: &str) -> Option<u8> {
    let key = header_key(header);
    let said = |marks: &[&str]| marks.iter().any(|m| key.contains(m));
    if said(&["stage2", "stagetwo", "s2", "escalat", "review", "secondstage"]) {
        Some(2)
    } else if said(&["stage1", "stageone", "s1", "firststage"]) {
        Some(1)
    } else {
        None
    }
}

/// The words of a header, split at spaces, punctuation and between letters and digits.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let boundary = !c.is_alphanumeric()
            || word
                .chars()
                .last()
                .is_some_and(|last| last.is_ascii_digit() != c.is_ascii_digit());
        if boundary && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        if c.is_alphanumeric() {
            word.push(c);
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// How close `header` is to any of `wanted` in spelling or in words, from 0 to 1.
pub(crate) fn spelling_score(header: &str, wanted: &[&str]) -> f64 {
    let header_words = words(header);
    wanted
        .iter()
        .map(|w| {
            let spelled = strsim::normalized_levenshtein(&header_key(w), &header_key(header));
            let wanted_words = words(w);
            let shared = wanted_words.iter().filter(|x| header_words.contains(x)).count();
            let union = header_words.len() + wanted_words.len() - shared;
            let worded = shared as f64 / union.max(1) as f64;
            spelled.max(worded)
        })
        .fold(0.0, f64::max)
}

/// A header proposed for a field.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Suggestion {
    pub header: String,
    /// False when the closest header's values do not fit the field (a name column offered as
    /// the reference): the message says so rather than proposing it.
    pub fits: bool,
    pub looks: Looks,
}

/// The unused header most likely to hold `field`: spelling and the header's stage weigh in,
/// and headers whose values fit the field rank above those that do not.
pub(crate) fn suggest(field: Field, unused: &[(&str, Looks)]) -> Option<Suggestion> {
    let synonyms = field.synonyms();
    unused
        .iter()
        .filter_map(|&(header, looks)| {
            let mut score = spelling_score(header, synonyms);
            match (field.stage_number(), stage_of_header(header)) {
                (Some(1) | None, Some(2)) => return None,
                (Some(2), Some(2)) => score = (score + 0.2).min(1.0),
                (Some(2), _) => score *= 0.5,
                _ => {}
            }
            (score >= 0.4).then_some((fits(field, looks), score, header, looks))
        })
        .max_by(|a, b| {
            (a.0, a.1)
                .partial_cmp(&(b.0, b.1))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .map(|(fits, _, header, looks)| Suggestion {
            header: header.to_string(),
            fits,
            looks,
        })
}

/// Whether a header for the received date names when a case was logged or opened on the
/// system, which can be later than when the complaint was received.
pub(crate) fn is_logging_date(header: &str) -> bool {
    let key = header_key(header);
    ["logged", "opened", "created", "entered", "recorded"]
        .iter()
        .any(|w| key.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_told_apart_by_their_values() {
        assert_eq!(looks("Complainant", &["Jane Smith", "A. Khan"]), Looks::Names);
        assert_eq!(
            looks("Raised by", &["Jane Smith", "Amir Khan", "Li Wei", "Ann Lee"]),
            Looks::Names
        );
        assert_eq!(
            looks(
                "Service",
                &["Repairs Service", "Repairs Service", "Anti Social Behaviour"]
            ),
            Looks::Codes
        );
        assert_eq!(looks("When", &["03/05/2024", "2024-05-04", ""]), Looks::Dates);
        assert_eq!(looks("Case No", &["10231", "10232", "10240"]), Looks::Numbers);
        assert_eq!(
            looks(
                "What happened",
                &["The repair was booked twice and nobody came to the flat"]
            ),
            Looks::FreeText
        );
        assert_eq!(looks("Anything", &["", " "]), Looks::Empty);
    }

    #[test]
    fn suggestions_rank_meaning_before_spelling() {
        let unused = [
            ("Complainant", Looks::Names),
            ("Case Num", Looks::Numbers),
            ("Date of escalation request", Looks::Dates),
        ];
        let s = suggest(Field::Reference, &unused).unwrap();
        assert_eq!((s.header.as_str(), s.fits), ("Case Num", true));
        // Only a name column is near: it is named, but as not fitting.
        let s = suggest(Field::Reference, &unused[..1]).unwrap();
        assert_eq!((s.header.as_str(), s.fits), ("Complainant", false));
        // A stage-2 field wants a stage-2 header; a stage-1 field never takes one.
        let dates = [("Stage 2 Logged", Looks::Dates), ("Logged", Looks::Dates)];
        assert_eq!(
            suggest(Field::Stage2Requested, &dates).unwrap().header,
            "Stage 2 Logged"
        );
        assert_eq!(suggest(Field::Received, &dates).unwrap().header, "Logged");
        // A date field is not offered a column of text.
        let s = suggest(Field::Stage1Responded, &[("Response", Looks::Codes)]).unwrap();
        assert!(!s.fits);
    }

    #[test]
    fn logging_dates_are_recognised() {
        assert!(is_logging_date("Date Logged"));
        assert!(is_logging_date("Opened"));
        assert!(!is_logging_date("Date Received"));
    }
}
