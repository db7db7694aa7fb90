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

/// Whether a character is a Unicode noncharacter (U+FFFE, U+FFFF, U+FDD0–U+FDEF and the last
/// two of every plane): never text, often a sign of a damaged export.
fn is_noncharacter(c: char) -> bool {
    let c = c as u32;
    (0xFDD0..=0xFDEF).contains(&c) || c & 0xFFFE == 0xFFFE
}

/// Characters that are never text in an export's value: control characters (line breaks among
/// them), noncharacters, the line and paragraph separators, and a byte-order mark left inside
/// the text where two exports were joined. The whitespace among them prints as a space.
pub fn is_not_text(c: char) -> bool {
    c.is_control() || is_noncharacter(c) || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// A value as it can be printed anywhere: line breaks and other control whitespace (a pasted
/// line break, Excel's `_x000B_`, U+0085, U+2028) become a space, other control characters
/// and noncharacters go, and the spaces that leaves are collapsed. `None` when the value is
/// already clean.
pub fn printable_value(value: &str) -> Option<String> {
    if !value.chars().any(is_not_text) {
        return None;
    }
    let spaced: String = value
        .chars()
        .filter_map(|c| match c {
            c if c.is_whitespace() && is_not_text(c) => Some(' '),
            c if is_not_text(c) => None,
            c => Some(c),
        })
        .collect();
    Some(
        spaced
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// "1 complaint", "2 complaints": a count with its noun in the right number.
pub fn count_of(n: impl Into<u64>, singular: &str, plural: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// At most `max_chars` characters of `value`, with an ellipsis when cut (for messages).
pub fn truncate_text(value: &str, max_chars: usize) -> String {
    match value.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &value[..i]),
        None => value.to_string(),
    }
}

/// `text` in lines of at most `width` characters, broken between words, at most `lines` of
/// them (the last shortened with an ellipsis when the text is longer).
pub fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        out.push(current);
    }
    if out.len() > lines {
        let rest = out[lines - 1..].join(" ");
        out.truncate(lines - 1);
        out.push(rest);
    }
    out.into_iter().map(|l| truncate_text(&l, width)).collect()
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
    #[test]
    fn long_labels_wrap_between_words() {
        assert_eq!(
            wrap("Previously considered under the complaints procedure", 20, 3),
            ["Previously", "considered under the", "complaints procedure"]
        );
    }

    #[test]
    fn control_characters_and_noncharacters_leave_printable_text() {
        assert_eq!(printable_value("Repairs"), None);
        assert_eq!(
            printable_value("Damp\u{b}and mould").as_deref(),
            Some("Damp and mould")
        );
        assert_eq!(
            printable_value("Noise\r\n  nuisance").as_deref(),
            Some("Noise nuisance")
        );
        assert_eq!(
            printable_value("Es\u{1b}[31mcape\u{7f}").as_deref(),
            Some("Es[31mcape")
        );
        assert_eq!(printable_value("A\u{85}B\u{2028}C").as_deref(), Some("A B C"));
        assert_eq!(
            printable_value("x\u{fffe}\u{fdd0}\u{10ffff}y").as_deref(),
            Some("xy")
        );
        assert_eq!(printable_value("\u{0}").as_deref(), Some(""));
        assert_eq!(printable_value("\u{FEFF}C-1").as_deref(), Some("C-1"));
        // Letters of any script are text.
        assert_eq!(printable_value("修理 ซ่อม मरम्मत"), None);
    }
}
