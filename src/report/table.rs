//! Report tables: typed cells rendered to text per edition. The web edition applies small-number
//! suppression (spec E23): counts of 1–4 in breakdowns show as "<5", percentages of fewer than
//! 10 cases as "n/a (n<10)", headline totals are never suppressed, and a second cell is hidden
//! wherever one suppressed cell could be worked back from a total (secondary suppression).

use serde::Serialize;

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
    /// A count in a breakdown (suppressible).
    Count(u64),
    /// A headline total (never suppressed).
    Total(u64),
    /// A percentage with the number of cases it is of.
    Pct(Option<f64>, u64),
    /// A rate (per 1,000 homes) or a number of days: shown as it is.
    Number(Option<f64>),
    /// A value (such as a median) computed from this many cases.
    Ratio(Option<f64>, u64),
    Money(f64),
    /// A breakdown count hidden to protect another suppressed cell.
    Hidden,
}

impl Cell {
    pub(crate) fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn is_primary_suppressed(&self, s: &Suppression) -> bool {
        matches!(self, Cell::Count(n) if *n > 0 && *n < s.threshold)
    }

    fn render(&self, edition: Edition, s: &Suppression) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(n) if edition == Edition::Web && *n > 0 && *n < s.threshold => {
                format!("<{}", s.threshold)
            }
            Cell::Count(n) | Cell::Total(n) => thousands(*n),
            Cell::Hidden if edition == Edition::Web => "*".into(),
            Cell::Hidden => String::new(),
            Cell::Pct(_, n) if edition == Edition::Web && *n < s.min_denominator && *n > 0 => {
                format!("n/a (n<{})", s.min_denominator)
            }
            Cell::Pct(v, _) => v.map_or_else(|| "n/a".into(), |v| format!("{v:.1}%")),
            Cell::Ratio(_, n) if edition == Edition::Web && *n < s.min_denominator => {
                format!("n/a (n<{})", s.min_denominator)
            }
            Cell::Number(v) | Cell::Ratio(v, _) => v.map_or_else(|| "n/a".into(), |v| format!("{v:.1}")),
            Cell::Money(m) => money(*m),
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
    /// Column holding each row's total of the breakdown columns (for secondary suppression).
    pub row_total_column: Option<usize>,
    /// Row holding each column's total.
    pub column_total_row: Option<usize>,
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
            row_total_column: None,
            column_total_row: None,
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

    pub(crate) fn render(mut self, edition: Edition, s: &Suppression) -> Table {
        if edition == Edition::Web {
            self.secondary_suppression(s);
        }
        Table {
            id: self.id,
            title: self.title,
            caption: self.caption,
            header: self.header,
            rows: self
                .rows
                .iter()
                .map(|r| r.iter().map(|c| c.render(edition, s)).collect())
                .collect(),
            numeric_from: 1,
            note: self.note,
        }
    }

    /// Hides the smallest other count in any row or column where exactly one count is
    /// suppressed and a total would reveal it; repeats until nothing changes.
    fn secondary_suppression(&mut self, s: &Suppression) {
        let suppressed = |c: &Cell| c.is_primary_suppressed(s) || *c == Cell::Hidden;
        loop {
            let mut changed = false;
            if let Some(total_col) = self.row_total_column {
                for r in 0..self.rows.len() {
                    if Some(r) == self.column_total_row {
                        continue;
                    }
                    let lines: Vec<(usize, usize)> = (0..self.rows[r].len())
                        .filter(|&c| c != total_col)
                        .map(|c| (r, c))
                        .collect();
                    changed |= self.protect(&lines, &suppressed);
                }
            }
            if let Some(total_row) = self.column_total_row {
                let width = self.rows.first().map_or(0, Vec::len);
                for c in 0..width {
                    let lines: Vec<(usize, usize)> = (0..self.rows.len())
                        .filter(|&r| r != total_row)
                        .map(|r| (r, c))
                        .collect();
                    changed |= self.protect(&lines, &suppressed);
                }
            }
            if !changed {
                break;
            }
        }
    }

    fn protect(&mut self, cells: &[(usize, usize)], suppressed: &dyn Fn(&Cell) -> bool) -> bool {
        let hidden = cells
            .iter()
            .filter(|(r, c)| suppressed(&self.rows[*r][*c]))
            .count();
        if hidden != 1 {
            return false;
        }
        let smallest = cells
            .iter()
            .filter_map(|&(r, c)| match self.rows[r][c] {
                Cell::Count(n) if n > 0 && !suppressed(&self.rows[r][c]) => Some((n, r, c)),
                _ => None,
            })
            .min();
        match smallest {
            Some((_, r, c)) => {
                self.rows[r][c] = Cell::Hidden;
                true
            }
            None => false,
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
        assert_eq!(Cell::Count(3).render(Edition::Web, &s), "<5");
        assert_eq!(Cell::Count(3).render(Edition::Board, &s), "3");
        assert_eq!(Cell::Count(0).render(Edition::Web, &s), "0");
        assert_eq!(Cell::Total(3).render(Edition::Web, &s), "3");
        assert_eq!(Cell::Pct(Some(50.0), 4).render(Edition::Web, &s), "n/a (n<10)");
        assert_eq!(Cell::Pct(Some(50.0), 4).render(Edition::Board, &s), "50.0%");
        assert_eq!(Cell::Pct(None, 0).render(Edition::Web, &s), "n/a");
    }

    #[test]
    fn a_lone_suppressed_cell_is_protected_from_its_total() {
        // Rows: categories; columns: stage 1, stage 2, total. Row "B" has stage 2 = 2.
        let t = TableBuilder {
            row_total_column: Some(3),
            column_total_row: Some(2),
            ..TableBuilder::new("t", "t", "", &["", "S1", "S2", "Total"])
        }
        .row(vec![
            Cell::text("A"),
            Cell::Count(40),
            Cell::Count(12),
            Cell::Total(52),
        ])
        .row(vec![
            Cell::text("B"),
            Cell::Count(30),
            Cell::Count(2),
            Cell::Total(32),
        ])
        .row(vec![
            Cell::text("All"),
            Cell::Total(70),
            Cell::Total(14),
            Cell::Total(84),
        ]);
        let web = t.clone().render(Edition::Web, &Suppression::default());
        // B's stage 2 (2) is primary; its row then hides 30, and the stage-2 column hides 12,
        // which in turn makes row A hide 40.
        assert_eq!(web.rows[1], ["B", "*", "<5", "32"]);
        assert_eq!(web.rows[0], ["A", "*", "*", "52"]);
        assert_eq!(web.rows[2], ["All", "70", "14", "84"]);
        let board = t.render(Edition::Board, &Suppression::default());
        assert_eq!(board.rows[1], ["B", "30", "2", "32"]);
    }
}
