//! Narrative inputs (Markdown or plain text) turned into data: blocks of plain-text spans that
//! the templates lay out. Text is never Typst source, so "#", "$" or "[" in a board's response
//! prints as written.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

/// A run of text with its emphasis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    pub text: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub strong: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub emph: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    Heading {
        level: u8,
        spans: Vec<Span>,
    },
    Paragraph {
        spans: Vec<Span>,
    },
    List {
        ordered: bool,
        items: Vec<Vec<Span>>,
    },
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Quote {
        spans: Vec<Span>,
    },
}

type TableState = (Vec<String>, Vec<Vec<String>>, Vec<String>, bool);

/// Markdown (CommonMark with tables) to blocks. Plain text is Markdown without markup.
pub(crate) fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    let (mut strong, mut emph) = (0u32, 0u32);
    let mut list: Option<(bool, Vec<Vec<Span>>)> = None;
    // (header, rows, current row, still in the header)
    let mut table: Option<TableState> = None;
    let mut cell = String::new();
    let mut heading: Option<u8> = None;
    let mut quote = false;
    let push_text = |spans: &mut Vec<Span>, text: &str, strong: u32, emph: u32| {
        let (strong, emph) = (strong > 0, emph > 0);
        match spans.last_mut() {
            Some(last) if last.strong == strong && last.emph == emph => last.text.push_str(text),
            _ => spans.push(Span {
                text: text.to_string(),
                strong,
                emph,
            }),
        }
    };
    for event in Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some(level as u8),
            Event::End(TagEnd::Heading(_)) => {
                blocks.push(Block::Heading {
                    level: heading.take().unwrap_or(1),
                    spans: std::mem::take(&mut spans),
                });
            }
            Event::Start(Tag::BlockQuote(_)) => quote = true,
            Event::End(TagEnd::BlockQuote(_)) => quote = false,
            Event::End(TagEnd::Paragraph) if list.is_none() && table.is_none() => {
                let spans = std::mem::take(&mut spans);
                if !spans.is_empty() {
                    blocks.push(if quote {
                        Block::Quote { spans }
                    } else {
                        Block::Paragraph { spans }
                    });
                }
            }
            Event::Start(Tag::List(first)) => list = Some((first.is_some(), Vec::new())),
            Event::End(TagEnd::Item) => {
                if let Some((_, items)) = list.as_mut() {
                    items.push(std::mem::take(&mut spans));
                }
            }
            Event::End(TagEnd::List(_)) => {
                if let Some((ordered, items)) = list.take() {
                    blocks.push(Block::List { ordered, items });
                }
            }
            Event::Start(Tag::Table(_)) => table = Some((Vec::new(), Vec::new(), Vec::new(), true)),
            Event::End(TagEnd::TableHead) => {
                if let Some((header, _, row, in_head)) = table.as_mut() {
                    *header = std::mem::take(row);
                    *in_head = false;
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Some((_, rows, row, _)) = table.as_mut() {
                    rows.push(std::mem::take(row));
                }
            }
            Event::End(TagEnd::TableCell) => {
                if let Some((_, _, row, _)) = table.as_mut() {
                    row.push(std::mem::take(&mut cell).trim().to_string());
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some((header, rows, _, _)) = table.take() {
                    blocks.push(Block::Table { header, rows });
                }
            }
            Event::Start(Tag::Strong) => strong += 1,
            Event::End(TagEnd::Strong) => strong = strong.saturating_sub(1),
            Event::Start(Tag::Emphasis) => emph += 1,
            Event::End(TagEnd::Emphasis) => emph = emph.saturating_sub(1),
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                if table.is_some() {
                    cell.push_str(&t);
                } else {
                    push_text(&mut spans, &t, strong, emph);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if table.is_some() {
                    cell.push(' ');
                } else {
                    push_text(&mut spans, " ", strong, emph);
                }
            }
            _ => {}
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Span {
        Span {
            text: text.into(),
            strong: false,
            emph: false,
        }
    }

    #[test]
    fn markup_becomes_blocks_of_literal_text() {
        let blocks = parse(
            "# Response\n\nThe board *notes* the **#1** issue: $5 [sic] <b>x</b>.\n\n- one\n- two #x\n",
        );
        assert_eq!(
            blocks[0],
            Block::Heading {
                level: 1,
                spans: vec![plain("Response")]
            }
        );
        let Block::Paragraph { spans } = &blocks[1] else {
            panic!("{blocks:?}")
        };
        let text: String = spans.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(text, "The board notes the #1 issue: $5 [sic] <b>x</b>.");
        assert!(spans.iter().any(|s| s.strong && s.text == "#1"));
        assert_eq!(
            blocks[2],
            Block::List {
                ordered: false,
                items: vec![vec![plain("one")], vec![plain("two #x")]]
            }
        );
    }

    #[test]
    fn tables_and_empty_files() {
        let blocks = parse("| You said | We did |\n|---|---|\n| Repairs slow | New contractor |\n");
        assert_eq!(
            blocks,
            vec![Block::Table {
                header: vec!["You said".into(), "We did".into()],
                rows: vec![vec!["Repairs slow".into(), "New contractor".into()]]
            }]
        );
        assert!(parse("").is_empty());
        assert!(parse("  \n\n").is_empty());
    }
}
