//! The web page edition: the web edition's report data as one accessible HTML file, for the
//! complaints page of the landlord's website (Code 8.2). The page is rendered by MiniJinja from
//! templates read at run time (`annual.html`, `page.css`; `--templates` replaces them), with
//! every value from the data HTML-escaped by the engine. The only markup the tool inserts is
//! each chart's SVG, which it drew itself (its text already XML-escaped), given a title and a
//! description for screen readers.

use std::collections::BTreeMap;

use minijinja::{Environment, UndefinedBehavior, Value, context};
use serde::Serialize;

use super::narrative::Block;
use super::typeset::Templates;
use super::{ReportData, Template};
use crate::error::{Error, Result};

/// What the page says beyond the report data: its resident summary and how to complain.
#[derive(Debug, Clone, Serialize)]
pub struct PageText {
    /// The landlord's own summary for residents (`[narrative] resident_summary`); empty for the
    /// template's plain-English default.
    pub summary: Vec<Block>,
    /// How to complain (`[publication] how_to_complain`, else a default).
    pub how_to_complain: String,
    /// Counts below this are shown as "<threshold".
    pub threshold: u64,
}

/// How to complain when the config does not say: the Code's 3.2 (any way, any member of staff).
pub const HOW_TO_COMPLAIN: &str = "You can complain to us in any way: by phone, e-mail or letter, through our website, or in person to any member of staff. Our complaints policy, on our website, explains what happens next and how long each stage takes.";

/// The page template's file name among the templates.
pub fn page_template(template: Template) -> Option<&'static str> {
    match template {
        Template::Annual => Some("annual.html"),
        Template::Quarterly => None,
    }
}

/// Renders the page for the web edition's `data`, linking to the PDF named `pdf`.
pub fn render(
    templates: &Templates,
    template: Template,
    data: &ReportData,
    pdf: &str,
    page: &PageText,
) -> Result<String> {
    let name = page_template(template)
        .ok_or_else(|| Error::Template(format!("no web page template for {}", template.main())))?;
    let files = templates.files.clone();
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_loader(move |file| Ok(files.get(file).map(|b| String::from_utf8_lossy(b).into_owned())));
    let svg: BTreeMap<&str, Value> = data
        .charts
        .iter()
        .map(|(id, c)| {
            (
                id.as_str(),
                Value::from_safe_string(chart_svg(id, &c.title, &c.alt, &c.svg)),
            )
        })
        .collect();
    let page_error = |e: minijinja::Error| {
        Error::Template(format!(
            "{name} ({}): {e}{}",
            templates.origin,
            e.line().map_or(String::new(), |l| format!(" at line {l}"))
        ))
    };
    let tmpl = env.get_template(name).map_err(page_error)?;
    tmpl.render(context! { data => data, svg => svg, pdf => pdf, page => page })
        .map_err(page_error)
}

/// A chart's SVG for inlining: an image with its title and description as its accessible name.
fn chart_svg(id: &str, title: &str, alt: &str, svg: &str) -> String {
    let body = svg.trim_start_matches(|c: char| c != '<');
    let body = match body.strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map_or(rest, |(_, after)| after)
            .trim_start(),
        None => body,
    };
    let Some(open_end) = body
        .find("<svg")
        .and_then(|at| body[at..].find('>').map(|end| at + end))
    else {
        return String::new();
    };
    let (open, rest) = body.split_at(open_end);
    format!(
        "{open} role=\"img\" aria-labelledby=\"svg-{id}-title svg-{id}-desc\"><title id=\"svg-{id}-title\">{}</title><desc id=\"svg-{id}-desc\">{}</desc>{}",
        escape(title),
        escape(alt),
        &rest[1..]
    )
}

/// Text for XML or HTML: the five characters with meaning there, as entities.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_gets_its_title_and_description_escaped() {
        let svg = "<svg width=\"9\" viewBox=\"0 0 9 9\"><text>a &amp; b</text></svg>";
        let out = chart_svg("C1", "Repairs <& damp>", "\"Most\" in May", svg);
        assert_eq!(
            out,
            "<svg width=\"9\" viewBox=\"0 0 9 9\" role=\"img\" aria-labelledby=\"svg-C1-title svg-C1-desc\"><title id=\"svg-C1-title\">Repairs &lt;&amp; damp&gt;</title><desc id=\"svg-C1-desc\">&quot;Most&quot; in May</desc><text>a &amp; b</text></svg>"
        );
    }
}
