//! What the config's parse errors say: serde's words turned into a landlord's, and an
//! unknown key answered with the closest known one.

/// Serde's type names ("expected u64", "untagged enum Homes") said as a landlord would.
pub(super) fn in_plain_words(message: &str) -> String {
    const SAID: [(&str, &str); 8] = [
        (
            "data did not match any variant of untagged enum HomesSection",
            "homes: expected the number of homes (homes = 1200) or a [homes] table of whole numbers (LCRA = 1000, LCHO = 200), with an optional as_at date and a [homes.prior] table of the same keys",
        ),
        (
            "data did not match any variant of untagged enum SheetRef",
            "sheet: expected the sheet's name in quotes (sheet = \"Complaints\") or its position counting from 1 (sheet = 1)",
        ),
        ("expected usize", "expected a whole number (0 or more)"),
        ("expected u64", "expected a whole number (0 or more)"),
        ("expected u32", "expected a whole number (0 or more)"),
        ("expected u8", "expected a whole number (0 or more)"),
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
    ];
    SAID.iter().fold(message.to_string(), |text, (serde, plain)| {
        text.replace(serde, plain)
    })
}

/// A serde message about an unknown key, with the closest allowed key added.
pub(super) fn with_closest_key(message: &str) -> String {
    let unknown = ["unknown field `", "unknown variant `"]
        .iter()
        .find_map(|start| message.split_once(start))
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(name, _)| name);
    let allowed: Vec<&str> = message
        .split_once("expected one of ")
        .or_else(|| message.split_once("expected "))
        .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
        .unwrap_or_default();
    let closest = unknown.and_then(|name| {
        allowed
            .iter()
            .map(|a| (strsim::normalized_levenshtein(name, a), *a))
            .filter(|(score, _)| *score >= 0.5)
            .max_by(|a, b| a.0.total_cmp(&b.0))
    });
    match closest {
        Some((_, key)) => format!("{}\ndid you mean `{key}`?", message.trim_end()),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn an_unknown_key_is_answered_with_the_closest_known_one() {
        let err = toml::from_str::<Config>("[input]\nfile = [\"x.csv\"]").unwrap_err();
        assert!(with_closest_key(&err.to_string()).ends_with("did you mean `files`?"));
        let err = toml::from_str::<Config>("[columns]\nstage2_requestd = \"X\"").unwrap_err();
        assert!(with_closest_key(&err.to_string()).ends_with("did you mean `stage2_requested`?"));
        // Nothing close: no guess.
        let err = toml::from_str::<Config>("[input]\nwibble = 1").unwrap_err();
        assert!(!with_closest_key(&err.to_string()).contains("did you mean"));
    }

    #[test]
    fn type_names_are_said_in_plain_words() {
        let err = toml::from_str::<Config>("homes = \"lots\"").unwrap_err();
        assert!(in_plain_words(&err.to_string()).contains("homes: expected the number of homes"));
        let err = toml::from_str::<Config>("[input]\nheader_row = \"two\"").unwrap_err();
        assert!(in_plain_words(&err.to_string()).contains("expected a whole number (0 or more)"));
    }
}
