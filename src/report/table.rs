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
    /// How far a cell's value is from a published one: shown only when that cell's value is
    /// (the published figure and the difference would give it away).
    Difference {
        value: Option<f64>,
        of: Box<Cell>,
    },
}

impl Cell {
    pub(crate) fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// The exact value a rate, percentage or number cell carries (before any edition hides it).
    pub(crate) fn value(&self) -> Option<f64> {
        match self {
            Cell::Pct { value, .. }
            | Cell::Rate { value, .. }
            | Cell::Number(value)
            | Cell::Ratio(value, _)
            | Cell::Mean { value, .. }
            | Cell::Difference { value, .. } => *value,
            Cell::Amount(v) => Some(*v),
            Cell::Total(n) => Some(*n as f64),
            Cell::Text(_) | Cell::Fig(_) | Cell::Money(_) => None,
        }
    }

    /// The ledger figures a reader learns from this cell as the edition prints it.
    pub(crate) fn figures(&self, edition: Edition, s: &Suppression, ledger: &Ledger) -> Vec<FigureId> {
        let few = |id: FigureId| too_few(edition, s, ledger.value(id));
        match self {
            Cell::Fig(id) | Cell::Money(id) => vec![*id],
            Cell::Pct { num, den, .. } if !few(*den) => vec![*num, *den],
            Cell::Rate { num, .. } if !few(*num) => vec![*num],
            Cell::Mean { total, count, .. } => vec![*total, *count],
            Cell::Difference { of, .. } => of.figures(edition, s, ledger),
            _ => Vec::new(),
        }
    }

    /// What the edition shows of the cell: the one place that decides it, for tables and
    /// charts alike.
    fn shows(&self, edition: Edition, s: &Suppression, d: &Disclosed) -> Shows {
        let hidden = |id: FigureId| match d.status(id) {
            Status::Small => Some(Shows::Small),
            Status::Protected => Some(Shows::Protected),
            Status::Shown | Status::Unprinted => None,
        };
        let value = |v: Option<f64>| v.map_or(Shows::NotAvailable, Shows::Value);
        match self {
            Cell::Text(t) => Shows::Text(t.clone()),
            Cell::Difference { value: v, of } => match of.shows(edition, s, d) {
                Shows::Value(_) => value(*v),
                Shows::Text(_) => Shows::NotAvailable,
                hidden => hidden,
            },
            Cell::Fig(id) | Cell::Money(id) => hidden(*id).unwrap_or(Shows::Value(d.value(*id))),
            Cell::Total(n) => Shows::Value(*n as f64),
            Cell::Amount(v) => Shows::Value(*v),
            Cell::Number(v) => value(*v),
            Cell::Ratio(v, n) if edition == Edition::Web && *n < s.min_denominator => Shows::TooFew,
            Cell::Ratio(v, _) => value(*v),
            Cell::Pct { den: base, .. } | Cell::Rate { num: base, .. }
                if too_few(edition, s, d.value(*base)) =>
            {
                Shows::TooFew
            }
            Cell::Pct { num, den, .. } if !d.shown(*num) || !d.shown(*den) => Shows::Protected,
            Cell::Rate { num, .. } if !d.shown(*num) => Shows::Protected,
            Cell::Mean { total, count, .. } if !d.shown(*total) || !d.shown(*count) => Shows::Protected,
            Cell::Pct { value: v, .. } | Cell::Rate { value: v, .. } | Cell::Mean { value: v, .. } => {
                value(*v)
            }
        }
    }

    /// The cell's value as a chart draws it: `None` when the edition does not show it.
    pub(crate) fn plot_value(&self, edition: Edition, s: &Suppression, d: &Disclosed) -> Option<f64> {
        match self.shows(edition, s, d) {
            Shows::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The cell's text in the edition.
    pub(crate) fn display(&self, edition: Edition, s: &Suppression, d: &Disclosed) -> String {
        self.render(edition, s, d, false)
    }

    fn render(&self, edition: Edition, s: &Suppression, d: &Disclosed, counts_beside: bool) -> String {
        let v = match self.shows(edition, s, d) {
            Shows::Text(t) => return t,
            Shows::NotAvailable => return "n/a".into(),
            Shows::TooFew => return format!("n/a (n<{})", s.min_denominator),
            Shows::Small => return format!("<{}", s.threshold),
            Shows::Protected => return "*".into(),
            Shows::Value(v) => v,
        };
        match self {
            Cell::Fig(_) | Cell::Total(_) => thousands(v as u64),
            Cell::Money(_) | Cell::Amount(_) | Cell::Mean { .. } => money(v),
            Cell::Pct { num, den, .. } if counts_beside => format!(
                "{v:.1}% ({} of {})",
                thousands(d.value(*num) as u64),
                thousands(d.value(*den) as u64)
            ),
            Cell::Pct { .. } => format!("{v:.1}%"),
            Cell::Difference { .. } if format!("{:.1}", v.abs()) == "0.0" => "same".into(),
            Cell::Difference { .. } => format!("{}{:.1}", if v < 0.0 { "−" } else { "+" }, v.abs()),
            _ => format!("{v:.1}"),
        }
    }
}

/// What an edition shows of a cell.
enum Shows {
    Text(String),
    Value(f64),
    /// No value (e.g. a percentage of nothing).
    NotAvailable,
    /// A percentage, rate or median of too few cases for the web edition.
    TooFew,
    /// A small count ("<5").
    Small,
    /// Hidden to protect another figure ("*").
    Protected,
}

/// The web edition's rule for percentages and rates: at least `min_denominator` cases.
fn too_few(edition: Edition, s: &Suppression, cases: f64) -> bool {
    edition == Edition::Web && cases > 0.0 && cases < s.min_denominator as f64
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
