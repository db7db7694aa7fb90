//! Keys for comparing what exports write, and text shortened for messages.

/// Normalises a header for matching: lower case, letters and digits only.
pub fn header_key(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Lower case, trimmed, inner whitespace collapsed: how value-map entries are compared.
pub fn value_key(value: &str) -> String {
    value
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// At most `max_chars` characters of `value`, with an ellipsis when cut (for messages).
pub fn truncate_text(value: &str, max_chars: usize) -> String {
    match value.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &value[..i]),
        None => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_keys_ignore_case_spaces_and_punctuation() {
        assert_eq!(header_key("Extension Required?"), "extensionrequired");
        assert_eq!(
            header_key(" Date  Final-Response_Sent (S2) "),
            "datefinalresponsesents2"
        );
    }

    #[test]
    fn values_compare_by_their_words_and_long_text_is_cut() {
        assert_eq!(value_key("  Partly   Upheld "), "partly upheld");
        assert_eq!(truncate_text("abcdef", 3), "abc…");
        assert_eq!(truncate_text("£é", 2), "£é");
    }
}
