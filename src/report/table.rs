//! Report tables: typed cells rendered to text per edition. Counts are figures of the report's
//! [`Ledger`]; the web edition prints what [`Disclosed`] allows: "<5" for small counts, "*" for
//! figures hidden to protect them, "n/a (n<10)" for percentages and rates of too few cases.

use serde::Serialize;

use super::disclosure::{Disclosed, FigureId, Ledger, Status};

/// Which document is being made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Edition {
    /// For the governing body: full figures, case references allowed.
    Board,
    /// For the website: accessible PDF, suppressed small numbers, no case data.
    Web,
}

/// Suppression settings (`[publication]`).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Suppression {
    /// Counts from 1 to threshold − 1 are hidden (default 5: 1–4 show as "<5").
    pub threshold: u64,
    /// Percentages need at least this many cases (default 10).
    pub min_denominator: u64,
}

impl Default for Suppression {
    fn default() -> Self {
        Suppression {
            threshold: 5,
            min_denominator: 10,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    /// A figure from the report's ledger: shown, or hidden as "<5" or "*" in the web edition.
    Fig(FigureId),
    /// A number shown as it is (row counts of the data, the Ombudsman's published findings).
    Total(u64),
    /// A percentage of `den` cases, `num` of them counted.
    Pct {
        value: Option<f64>,
        num: FigureId,
        den: FigureId,
    },
    /// A rate per 1,000 homes of `num` cases (the homes are public).
    Rate {
        value: Option<f64>,
        num: FigureId,
    },
    /// A number of days or a published rate: shown as it is.
    Number(Option<f64>),
    /// A value (such as a median) computed from this many cases.
    Ratio(Option<f64>, u64),
    /// An amount from the ledger (hidden with its count).
    Money(FigureId),
    /// An amount shown as it is (published Ombudsman orders).
    Amount(f64),
    /// The mean of `total` over `count` cases: shown only when both are.
    Mean {
        value: Option<f64>,
        total: FigureId,
        count: FigureId,
    },
}

impl Cell {
    pub(crate) fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// The ledger figures a reader learns from this cell as the edition prints it.
    pub(crate) fn figures(&self, edition: Edition, s: &Suppression, ledger: &Ledger) -> Vec<FigureId> {
        let few = |id: FigureId| edition == Edition::Web && ledger.value(id) < s.min_denominator as f64;
        match self {
            Cell::Fig(id) | Cell::Money(id) => vec![*id],
            Cell::Pct { num, den, .. } if !few(*den) => vec![*num, *den],
            Cell::Rate { num, .. } if !few(*num) => vec![*num],
            Cell::Mean { total, count, .. } => vec![*total, *count],
            _ => Vec::new(),
        }
    }

    /// The cell's value as a chart draws it: `None` when the edition does not show it.
    pub(crate) fn plot_value(&self, edition: Edition, s: &Suppression, d: &Disclosed) -> Option<f64> {
        match self {
            Cell::Fig(id) | Cell::Money(id) => d.shown(*id).then(|| d.value(*id)),
            Cell::Total(n) => Some(*n as f64),
            Cell::Pct { value, num, den } => {
                let few = edition == Edition::Web && d.value(*den) < s.min_denominator as f64;
                if few || !d.shown(*num) || !d.shown(*den) {
                    None
                } else {
                    *value
                }
            }
            Cell::Rate { value, num } => {
                let few = edition == Edition::Web && d.value(*num) < s.min_denominator as f64;
                if few || !d.shown(*num) { None } else { *value }
            }
            Cell::Ratio(v, n) => {
                let few = *n == 0 || (edition == Edition::Web && *n < s.min_denominator);
                if few { None } else { *v }
            }
            Cell::Number(v) => *v,
            Cell::Amount(v) => Some(*v),
            Cell::Mean { value, total, count } => {
                (d.shown(*total) && d.shown(*count)).then_some(*value).flatten()
            }
            Cell::Text(_) => None,
        }
    }

    fn hidden(d: &Disclosed, id: FigureId, s: &Suppression) -> Option<String> {
        match d.status(id) {
            Status::Small => Some(format!("<{}", s.threshold)),
            Status::Protected => Some("*".into()),
            Status::Shown | Status::Unprinted => None,
        }
    }

    /// The cell's text in the edition.
    pub(crate) fn display(&self, edition: Edition, s: &Suppression, d: &Disclosed) -> String {
        self.render(edition, s, d, false)
    }

    fn render(&self, edition: Edition, s: &Suppression, d: &Disclosed, counts_beside: bool) -> String {
        let few_text = || format!("n/a (n<{})", s.min_denominator);
        let count = |id: FigureId| d.value(id) as u64;
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Fig(id) => Cell::hidden(d, *id, s).unwrap_or_else(|| thousands(count(*id))),
            Cell::Total(n) => thousands(*n),
            Cell::Pct { value, num, den } => {
                if edition == Edition::Web && count(*den) > 0 && count(*den) < s.min_denominator {
                    return few_text();
                }
                if !d.shown(*num) || !d.shown(*den) {
                    return "*".into();
                }
                match value {
                    None => "n/a".into(),
                    Some(v) if counts_beside => format!(
                        "{v:.1}% ({} of {})",
                        thousands(count(*num)),
                        thousands(count(*den))
                    ),
                    Some(v) => format!("{v:.1}%"),
                }
            }
            Cell::Rate { value, num } => {
                if edition == Edition::Web && count(*num) > 0 && count(*num) < s.min_denominator {
                    return few_text();
                }
                if !d.shown(*num) {
                    return "*".into();
                }
                value.map_or_else(|| "n/a".into(), |v| format!("{v:.1}"))
            }
            Cell::Ratio(_, n) if edition == Edition::Web && *n < s.min_denominator => few_text(),
            Cell::Number(v) | Cell::Ratio(v, _) => v.map_or_else(|| "n/a".into(), |v| format!("{v:.1}")),
            Cell::Money(id) => Cell::hidden(d, *id, s).map_or_else(|| money(d.value(*id)), |_| "*".into()),
            Cell::Amount(v) => money(*v),
            Cell::Mean { value, total, count } => {
                if !d.shown(*total) || !d.shown(*count) {
                    return "*".into();
                }
                value.map_or_else(|| "n/a".into(), money)
            }
        }
    }
}

/// 12345 → "12,345".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// 1234.5 → "£1,234.50".
pub(crate) fn money(amount: f64) -> String {
    let pence = (amount * 100.0).round() as i64;
    let sign = if pence < 0 { "−" } else { "" };
    let pence = pence.unsigned_abs();
    format!("{sign}£{}.{:02}", thousands(pence / 100), pence % 100)
}

/// A table as the templates receive it: text only.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub id: String,
    pub title: String,
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns from this index on hold numbers (right-aligned).
    pub numeric_from: usize,
    pub note: Option<String>,
}

/// A table being built, with typed cells.
#[derive(Debug, Clone)]
pub(crate) struct TableBuilder {
    pub id: String,
    pub title: String,
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Percentages print the counts they are of: "95.0% (19 of 20)".
    pub counts_beside_pct: bool,
    /// Columns from this index on hold numbers (right-aligned).
    pub numeric_from: usize,
    pub note: Option<String>,
}

impl TableBuilder {
    pub(crate) fn new(id: &str, title: &str, caption: &str, header: &[&str]) -> Self {
        TableBuilder {
            id: id.into(),
            title: title.into(),
            caption: caption.into(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            counts_beside_pct: false,
            numeric_from: 1,
            note: None,
        }
    }

    pub(crate) fn row(mut self, cells: Vec<Cell>) -> Self {
        self.rows.push(cells);
        self
    }

    pub(crate) fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// The ledger figures the table prints in this edition.
    pub(crate) fn figures(&self, edition: Edition, s: &Suppression, ledger: &Ledger) -> Vec<FigureId> {
        self.rows
            .iter()
            .flatten()
            .flat_map(|c| c.figures(edition, s, ledger))
            .collect()
    }

    pub(crate) fn render(&self, edition: Edition, s: &Suppression, d: &Disclosed) -> Table {
        Table {
            id: self.id.clone(),
            title: self.title.clone(),
            caption: self.caption.clone(),
            header: self.header.clone(),
            rows: self
                .rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| c.render(edition, s, d, self.counts_beside_pct))
                        .collect()
                })
                .collect(),
            numeric_from: self.numeric_from,
            note: self.note.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(money(1234.5), "£1,234.50");
        assert_eq!(money(0.0), "£0.00");
    }

    #[test]
    fn web_edition_suppresses_small_counts_and_small_bases() {
        let s = Suppression::default();
        let mut l = Ledger::default();
        let (three, four, forty) = (l.count("a", 3), l.count("b", 4), l.count("c", 40));
        let cells = [
            Cell::Fig(three),
            Cell::Pct {
                value: Some(75.0),
                num: three,
                den: four,
            },
            Cell::Pct {
                value: Some(10.0),
                num: four,
                den: forty,
            },
        ];
        let printed: Vec<FigureId> = cells
            .iter()
            .flat_map(|c| c.figures(Edition::Web, &s, &l))
            .collect();
        let web = l.disclose(&printed, Edition::Web, &s);
        let board = l.disclose(&printed, Edition::Board, &s);
        let show = |d: &Disclosed, e| {
            cells
                .iter()
                .map(|c| c.render(e, &s, d, false))
                .collect::<Vec<_>>()
        };
        assert_eq!(show(&web, Edition::Web), ["<5", "n/a (n<10)", "*"]);
        assert_eq!(show(&board, Edition::Board), ["3", "75.0%", "10.0%"]);
        assert_eq!(
            cells[2].render(Edition::Board, &s, &board, true),
            "10.0% (4 of 40)"
        );
    }
}
