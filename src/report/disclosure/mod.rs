//! Disclosure control for the web editions. Every figure a report prints is registered once in
//! a [`Ledger`] under a key naming what it counts (so a figure printed in a table and in a
//! chart's data table is one figure, hidden the same way), with the relations that hold between
//! figures (parts summing to a total, across rows, columns and time). [`Ledger::disclose`] then
//! hides counts from 1 to threshold − 1 (primary suppression) and keeps hiding the smallest
//! figure beside any hidden one a reader could work out (secondary suppression) until none can
//! be: see [`inference`] for what "work out" covers. Public figures (headline totals, the
//! Ombudsman's published findings) are never hidden.

#[cfg(test)]
mod attack;
mod inference;
pub(crate) mod labels;

use std::collections::HashMap;

use super::table::{Edition, Suppression};

/// A registered figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct FigureId(usize);

#[derive(Debug, Clone)]
pub(crate) struct Figure {
    pub value: f64,
    /// Never hidden.
    pub public: bool,
    /// An amount of money: hidden with the count it belongs to.
    pub money: bool,
    /// For money: the count of cases it is the total of.
    pub of: Option<FigureId>,
}

impl Figure {
    #[cfg(test)]
    fn count(v: u64) -> Figure {
        Figure {
            value: v as f64,
            public: false,
            money: false,
            of: None,
        }
    }
}

/// Σ coefficient × figure = 0.
#[derive(Debug, Clone)]
pub(crate) struct Relation {
    pub terms: Vec<(usize, i64)>,
}

/// How a figure appears in an edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Shown,
    /// A small count (primary suppression).
    Small,
    /// Hidden so that a hidden figure cannot be worked out (secondary suppression).
    Protected,
    /// Not printed anywhere: an unknown to the reader.
    Unprinted,
}

impl Status {
    pub(crate) fn is_hidden(self) -> bool {
        matches!(self, Status::Small | Status::Protected)
    }
}

/// Every figure a report prints and the relations between them.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    keys: HashMap<String, FigureId>,
    figures: Vec<Figure>,
    relations: Vec<Relation>,
}

impl Ledger {
    fn register(&mut self, key: String, figure: Figure) -> FigureId {
        if let Some(&id) = self.keys.get(&key) {
            // One key, one figure: a public registration makes the figure public everywhere.
            self.figures[id.0].public |= figure.public;
            return id;
        }
        let id = FigureId(self.figures.len());
        self.figures.push(figure);
        self.keys.insert(key, id);
        id
    }

    /// A count in a breakdown: hidden when small or when it would give away a hidden count.
    pub(crate) fn count(&mut self, key: impl Into<String>, n: u64) -> FigureId {
        self.register(
            key.into(),
            Figure {
                value: n as f64,
                public: false,
                money: false,
                of: None,
            },
        )
    }

    /// A headline total or a published fact: never hidden.
    pub(crate) fn public(&mut self, key: impl Into<String>, n: u64) -> FigureId {
        self.register(
            key.into(),
            Figure {
                value: n as f64,
                public: true,
                money: false,
                of: None,
            },
        )
    }

    /// An amount of money paid on `cases` complaints: hidden whenever that count is.
    pub(crate) fn money(&mut self, key: impl Into<String>, amount: f64, cases: FigureId) -> FigureId {
        self.register(
            key.into(),
            Figure {
                value: amount,
                public: false,
                money: true,
                of: Some(cases),
            },
        )
    }

    pub(crate) fn value(&self, id: FigureId) -> f64 {
        self.figures[id.0].value
    }

    /// Makes a registered figure public (it is printed as a headline elsewhere).
    pub(crate) fn mark_public(&mut self, id: FigureId) {
        self.figures[id.0].public = true;
    }

    /// `total` is the sum of `parts`. When the figures do not add up (the parts leave some cases
    /// out), the relation holds with an unprinted remainder, as a reader would see it.
    pub(crate) fn sum(&mut self, total: FigureId, parts: &[FigureId]) {
        let mut terms: Vec<(usize, i64)> = parts.iter().map(|p| (p.0, 1)).collect();
        terms.push((total.0, -1));
        let parts_sum: f64 = parts.iter().map(|p| self.value(*p)).sum();
        let gap = self.value(total) - parts_sum;
        if gap.abs() > 1e-6 {
            let remainder = self.figures.len();
            self.figures.push(Figure {
                value: gap.abs(),
                public: false,
                money: self.figures[total.0].money,
                of: None,
            });
            terms.push((remainder, if gap > 0.0 { 1 } else { -1 }));
        }
        self.relations.push(Relation { terms });
    }

    /// Decides what the edition shows: the board edition everything; the web edition hides
    /// small counts and whatever would give them away. `printed` lists every figure that
    /// appears somewhere in the document.
    pub(crate) fn disclose(&self, printed: &[FigureId], edition: Edition, s: &Suppression) -> Disclosed {
        let mut status = vec![Status::Unprinted; self.figures.len()];
        for id in printed {
            status[id.0] = Status::Shown;
        }
        if edition == Edition::Web {
            self.suppress(&mut status, s);
        }
        Disclosed {
            values: self.figures.iter().map(|f| f.value).collect(),
            status,
        }
    }

    fn suppress(&self, status: &mut [Status], s: &Suppression) {
        let threshold = s.threshold as f64;
        for (i, f) in self.figures.iter().enumerate() {
            if status[i] == Status::Shown && !f.public && !f.money && f.value > 0.0 && f.value < threshold {
                status[i] = Status::Small;
            }
        }
        // Figures a reader can work out whatever else is hidden: shown, as hiding them hides nothing.
        let mut exposed = vec![false; self.figures.len()];
        loop {
            self.hide_money_of_hidden_counts(status);
            let found = inference::determined(&self.figures, status, &self.relations, s.threshold);
            let Some(&target) = found.first() else {
                break;
            };
            match self.cover_for(target, status, &exposed) {
                Some(cover) => status[cover] = Status::Protected,
                None => {
                    status[target] = Status::Shown;
                    exposed[target] = true;
                }
            }
        }
    }

    fn hide_money_of_hidden_counts(&self, status: &mut [Status]) {
        for (i, f) in self.figures.iter().enumerate() {
            if let Some(of) = f.of
                && !f.public
                && status[i] == Status::Shown
                && status[of.0].is_hidden()
            {
                status[i] = Status::Protected;
            }
        }
    }

    /// The figure to hide so that `target` can no longer be worked out: the smallest shown,
    /// non-public, non-zero figure in a relation with it, preferring the relation with the
    /// fewest hidden figures (the one giving it away most directly).
    fn cover_for(&self, target: usize, status: &[Status], exposed: &[bool]) -> Option<usize> {
        self.relations
            .iter()
            .filter(|r| r.terms.iter().any(|&(i, _)| i == target))
            .filter_map(|r| {
                let hidden = r
                    .terms
                    .iter()
                    .filter(|&&(i, _)| status[i] != Status::Shown)
                    .count();
                r.terms
                    .iter()
                    .map(|&(i, _)| i)
                    .filter(|&i| {
                        let f = &self.figures[i];
                        status[i] == Status::Shown && !f.public && !exposed[i] && f.value > 0.0
                    })
                    .min_by(|&a, &b| {
                        self.figures[a]
                            .value
                            .total_cmp(&self.figures[b].value)
                            .then(a.cmp(&b))
                    })
                    .map(|i| (hidden, i))
            })
            .min_by(|a, b| {
                a.0.cmp(&b.0)
                    .then(self.figures[a.1].value.total_cmp(&self.figures[b.1].value))
                    .then(a.1.cmp(&b.1))
            })
            .map(|(_, i)| i)
    }

    /// The relations, as (figure, coefficient) lists: for tests that attack the suppression
    /// independently.
    #[cfg(test)]
    pub(crate) fn relations(&self) -> impl Iterator<Item = &[(usize, i64)]> {
        self.relations.iter().map(|r| r.terms.as_slice())
    }
}

/// What an edition shows of each figure.
#[derive(Debug, Clone)]
pub(crate) struct Disclosed {
    values: Vec<f64>,
    status: Vec<Status>,
}

impl Disclosed {
    pub(crate) fn value(&self, id: FigureId) -> f64 {
        self.values[id.0]
    }

    pub(crate) fn status(&self, id: FigureId) -> Status {
        self.status[id.0]
    }

    pub(crate) fn shown(&self, id: FigureId) -> bool {
        self.status[id.0] == Status::Shown
    }

    /// Every figure's value and status (for tests).
    #[cfg(test)]
    pub(crate) fn all(&self) -> impl Iterator<Item = (f64, Status)> + '_ {
        self.values.iter().copied().zip(self.status.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overdue_count_is_not_open_minus_in_time() {
        // T5: open 19 (public) = in time 18 + overdue 1.
        let mut l = Ledger::default();
        let open = l.public("open", 19);
        let in_time = l.count("in_time", 18);
        let overdue = l.count("overdue", 1);
        l.sum(open, &[in_time, overdue]);
        let d = l.disclose(&[open, in_time, overdue], Edition::Web, &Suppression::default());
        assert_eq!(d.status(overdue), Status::Small);
        assert_eq!(d.status(in_time), Status::Protected);
        assert!(d.shown(open));
        let board = l.disclose(&[open, in_time, overdue], Edition::Board, &Suppression::default());
        assert!(board.shown(overdue));
    }

    #[test]
    fn money_is_hidden_with_its_count_and_its_siblings() {
        // T10: stage 1 8 cases £800, stage 2 2 cases £550, all 10 cases £1,350 (public).
        let mut l = Ledger::default();
        let all = l.public("n", 10);
        let n1 = l.count("n1", 8);
        let n2 = l.count("n2", 2);
        l.sum(all, &[n1, n2]);
        let m1 = l.money("m1", 800.0, n1);
        let m2 = l.money("m2", 550.0, n2);
        let total = l.money("m", 1350.0, all);
        l.sum(total, &[m1, m2]);
        let printed = [all, n1, n2, m1, m2, total];
        let d = l.disclose(&printed, Edition::Web, &Suppression::default());
        assert!(!d.shown(n2) && !d.shown(m2));
        assert!(!d.shown(n1), "n1 = 10 − n2");
        assert!(!d.shown(m1) || !d.shown(total), "£ stage 2 = £ all − £ stage 1");
    }

    #[test]
    fn a_figure_fixed_by_public_totals_alone_is_shown() {
        // One part of a public total of 3: it is the total.
        let mut l = Ledger::default();
        let total = l.public("t", 3);
        let part = l.count("p", 3);
        l.sum(total, &[part]);
        let d = l.disclose(&[total, part], Edition::Web, &Suppression::default());
        assert!(d.shown(part));
    }
}
