//! Report text as the embedded fonts can print it. A character that is not text, or that no
//! embedded font has, would otherwise stop the web edition at its PDF/UA check or break a
//! chart's SVG; the export's values were already cleaned of control characters when they were
//! read, and this is the last word for everything a template or chart is given (the narrative
//! and config text included).

use unicode_segmentation::UnicodeSegmentation;

use super::charts::FONT;
use super::typeset::in_one_font;
use crate::domain::text::is_not_text;

/// What a cluster no embedded font can draw is shown as (a font is embedded for it).
const REPLACEMENT: &str = "\u{FFFD}";

/// Invisible formatting characters (soft hyphen, zero-width space, joiners, direction marks
/// and overrides, word joiner, variation selectors, byte-order mark, fillers): shaping drops them, or (in a chart,
/// where each character finds its own font) splits a cluster across fonts, leaving glyphs a
/// PDF/UA reader cannot map. Without them, joined emoji show one by one.
fn is_invisible_format(c: char) -> bool {
    // Unicode's default-ignorable characters: shown by no font, dropped by shapers.
    matches!(c, '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Whether `c` attaches to the character before it (a combining mark, a joiner, a variation
/// selector, a skin tone), by the Unicode segmentation rules: a cluster starting with one has
/// lost what it attached to, and a shaper would hang it on whatever came before, in whatever
/// font that was.
fn attaches(c: char) -> bool {
    let mut pair = String::from("a");
    pair.push(c);
    pair.graphemes(true).count() == 1
}

/// `text` as the fonts print it, grapheme cluster by cluster, each handed to `emit` with the
/// family of the font that draws it (`None` for spaces and `keep` characters, which any font
/// has): characters in `keep` as they are; control whitespace as a space; other control
/// characters, noncharacters and invisible formatting dropped, as is a cluster that starts
/// with a character that attaches; a cluster as the font of its first character draws it
/// ([`in_one_font`]), or as [`REPLACEMENT`] when no font has that character. Each cluster is
/// then shaped with one font, as the PDF/UA check needs.
fn each_cluster(text: &str, keep: &[char], emit: &mut dyn FnMut(Option<&'static str>, &str)) {
    for cluster in text.graphemes(true) {
        let mut visible = String::new();
        for c in cluster.chars() {
            match c {
                c if keep.contains(&c) => emit(None, c.encode_utf8(&mut [0; 4])),
                c if is_not_text(c) || is_invisible_format(c) => {
                    if c.is_whitespace() {
                        emit(None, " ");
                    }
                }
                c => visible.push(c),
            }
        }
        match visible.as_str() {
            "" => {}
            v if v.starts_with(attaches) => {}
            // A space shapes apart from what follows it: marks on it would be left without text.
            v if v.starts_with(char::is_whitespace) => emit(None, " "),
            v => match in_one_font(v) {
                // Marks on punctuation, digits or symbols ("_" with an accent) are noise that
                // shapers place badly; an emoji keeps its skin tone.
                Some((family, drawn)) if !v.starts_with(char::is_alphabetic) && !family.contains("moji") => {
                    emit(
                        Some(family),
                        &drawn[..drawn.chars().next().map_or(0, char::len_utf8)],
                    )
                }
                Some((family, drawn)) => emit(Some(family), &drawn),
                None => emit(in_one_font(REPLACEMENT).map(|f| f.0), REPLACEMENT),
            },
        }
    }
}

/// `text` as the fonts print it ([`each_cluster`]); `None` when it already is.
pub(crate) fn printable(text: &str, keep: &[char]) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    each_cluster(text, keep, &mut |_, piece| out.push_str(piece));
    (out != text).then_some(out)
}

/// A word longer than this many characters (a reference run together, a pasted code) may be
/// broken anywhere, every [`BREAK_EVERY`] characters: unbroken, it runs across the next
/// column of a table or off the page.
const LONG_WORD: usize = 24;
const BREAK_EVERY: usize = 12;

/// `text` with a line-break opportunity (a zero-width space) every [`BREAK_EVERY`] characters
/// of each word longer than [`LONG_WORD`]; `None` when it has no such word.
fn breakable(text: &str) -> Option<String> {
    let long = |word: &str| word.graphemes(true).nth(LONG_WORD).is_some();
    if !text.split_whitespace().any(long) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + text.len() / BREAK_EVERY * 3);
    for piece in text.split_word_bounds() {
        match piece.chars().all(char::is_whitespace) || !long(piece) {
            true => out.push_str(piece),
            false => {
                for (i, cluster) in piece.graphemes(true).enumerate() {
                    if i > 0 && i % BREAK_EVERY == 0 {
                        out.push('\u{200B}');
                    }
                    out.push_str(cluster);
                }
            }
        }
    }
    Some(out)
}

/// Every string of the report data made printable, line breaks kept (for the narrative), and
/// long words made breakable, but for fingerprints and paths, which are copied or followed
/// whole. Returns how many strings changed.
pub(crate) fn make_printable(value: &mut serde_json::Value) -> usize {
    printable_in(value, true)
}

/// Keys whose values are copied or followed as they are: never broken.
const WHOLE: [&str; 2] = ["sha256", "path"];

fn printable_in(value: &mut serde_json::Value, may_break: bool) -> usize {
    match value {
        serde_json::Value::String(text) => {
            let clean = printable(text, &['\n']);
            let broken = may_break
                .then(|| breakable(clean.as_deref().unwrap_or(text)))
                .flatten();
            match broken.or(clean) {
                Some(changed) => {
                    *text = changed;
                    1
                }
                None => 0,
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().map(|v| printable_in(v, may_break)).sum(),
        serde_json::Value::Object(map) => map
            .iter_mut()
            .map(|(key, v)| printable_in(v, may_break && !WHOLE.contains(&key.as_str())))
            .sum(),
        _ => 0,
    }
}

/// The report data as the templates read it: every string printable.
pub(crate) fn printable_json(json: Vec<u8>) -> Vec<u8> {
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&json) else {
        return json;
    };
    if make_printable(&mut value) == 0 {
        return json;
    }
    serde_json::to_vec(&value).unwrap_or(json)
}

/// A chart's SVG made printable: its labels come from the export; its markup and entity
/// references ("&amp;") are left as they are. Text another font draws is set in that font
/// (a `tspan`): left to the SVG renderer's own fallback, a label mixing fonts can come out
/// with glyphs missing.
pub(crate) fn printable_svg(svg: Vec<u8>) -> Vec<u8> {
    const KEEP: [char; 3] = ['\n', '\r', '\t'];
    let Ok(text) = std::str::from_utf8(&svg) else {
        return svg;
    };
    if text.is_ascii() {
        return svg;
    }
    let mut out = String::with_capacity(text.len() + 256);
    let mut rest = text;
    while !rest.is_empty() {
        // Markup up to its '>', an entity up to its ';', else text up to the next of either.
        let (piece, verbatim) = match rest.as_bytes()[0] {
            b'<' => (rest.find('>').map_or(rest.len(), |i| i + 1), true),
            b'&' => (rest.find(';').map_or(rest.len(), |i| i + 1), true),
            _ => (rest.find(['<', '&']).unwrap_or(rest.len()), false),
        };
        let (head, tail) = rest.split_at(piece);
        match verbatim {
            true => out.push_str(head),
            false => set_in_fonts(head, &KEEP, &mut out),
        }
        rest = tail;
    }
    out.into_bytes()
}

/// Text of a chart, each run another font draws wrapped in a `tspan` naming it.
fn set_in_fonts(text: &str, keep: &[char], out: &mut String) {
    let mut open: Option<&'static str> = None;
    each_cluster(text, keep, &mut |family, piece| {
        // Spaces and line ends are set in the chart's font (an emoji font has no space).
        let family = family.filter(|f| *f != FONT);
        if family != open {
            if open.is_some() {
                out.push_str("</tspan>");
            }
            if let Some(family) = family {
                out.push_str(&format!("<tspan font-family=\"{family}\">"));
            }
            open = family;
        }
        out.push_str(piece);
    });
    if open.is_some() {
        out.push_str("</tspan>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_words_can_break_every_twelve_characters() {
        assert_eq!(breakable("Damp and mould"), None);
        let word = "x".repeat(30);
        let broken = breakable(&format!("Repairs {word}")).unwrap();
        assert_eq!(
            broken,
            format!(
                "Repairs {}\u{200B}{}\u{200B}{}",
                &word[..12],
                &word[12..24],
                &word[24..]
            )
        );
        // Fingerprints and paths are copied or followed whole.
        let mut value = serde_json::json!({"sha256": "a".repeat(64), "inputs": [{"file": word.clone()}]});
        make_printable(&mut value);
        assert_eq!(value["sha256"], "a".repeat(64));
        assert_ne!(value["inputs"][0]["file"], word);
    }

    #[test]
    fn report_text_keeps_what_the_fonts_draw_and_replaces_the_rest() {
        for drawn in ["£", "é", "ש", "ع", "🙂", "\u{FFFD}", "e\u{301}", "👍🏽"] {
            assert_eq!(in_one_font(drawn).map(|f| f.1).as_deref(), Some(drawn));
        }
        // A digit's font has no Arabic mark: the digit alone; nor has every font with digits
        // an ogonek.
        assert_eq!(printable("9\u{64b}", &[]).as_deref(), Some("9"));
        assert_eq!(printable("4\u{328}", &[]).as_deref(), Some("4"));
        assert_eq!(printable("_\u{34f}\u{314}", &[]).as_deref(), Some("_"));
        assert_eq!(
            printable("\u{FFFB}_x_\u{30f}", &[]).as_deref(),
            Some("\u{FFFD}_x_")
        );
        let mut value = serde_json::json!({"a": ["Café \u{10FFFD}", {"b": "plain"}], "n": "one\ntwo"});
        assert_eq!(make_printable(&mut value), 1);
        assert_eq!(value["a"][0], "Café \u{FFFD}");
        assert_eq!(value["n"], "one\ntwo");
        // CJK, Thai and Devanagari have no embedded font: one replacement per cluster.
        assert_eq!(printable("\u{915}\u{93f}", &[]).as_deref(), Some("\u{FFFD}"));
        assert_eq!(printable("修理", &[]).as_deref(), Some("\u{FFFD}\u{FFFD}"));
        // A skin tone or accent with nothing to attach to goes.
        assert_eq!(printable("a\u{FFF7}\u{1F3FC}", &[]).as_deref(), Some("a"));
        assert_eq!(printable("a\u{E9C2}\u{1F3FC}", &[]).as_deref(), Some("a\u{FFFD}"));
        assert_eq!(printable("\u{301}x", &[]).as_deref(), Some("x"));
        // A Hebrew point after a character dropped as invisible has nothing left to mark.
        assert_eq!(printable("\u{FFFA}\u{5B1}W", &[]).as_deref(), Some("\u{FFFD}W"));
        // Control characters go; control whitespace becomes a space; invisible marks go.
        assert_eq!(
            printable("a\u{7f}b\u{85}c\u{b}d\u{1b}", &[]).as_deref(),
            Some("ab c d")
        );
        assert_eq!(
            printable("x\u{fffe}\u{200b}\u{202e}y", &[]).as_deref(),
            Some("xy")
        );
        assert_eq!(printable("plain text", &[]), None);
        let svg = "<svg>\r\n<text a=\"b\">Damp\u{c}&amp;修</text><text>&apos;\u{594}J</text></svg>";
        let clean = String::from_utf8(printable_svg(svg.as_bytes().to_vec())).unwrap();
        // The accent after an entity has nothing left to mark; the entity stays whole; the
        // replacement is set in its own font.
        assert_eq!(
            clean,
            "<svg>\r\n<text a=\"b\">Damp &amp;<tspan font-family=\"DejaVu Sans\">\u{FFFD}</tspan></text><text>&apos;J</text></svg>"
        );
        let mut out = String::new();
        set_in_fonts("Rent 🏠 ש ab", &[], &mut out);
        assert_eq!(
            out,
            "Rent <tspan font-family=\"Twemoji Mozilla\">🏠</tspan> <tspan font-family=\"Noto Sans Hebrew\">ש</tspan> ab"
        );
    }
}
