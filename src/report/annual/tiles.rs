//! The executive summary's headline figures, each with last year's beside it.

use super::{Context, signed};
use crate::metrics::pct;
use crate::report::Tile;
use crate::report::determinations::Determinations;
use crate::report::disclosure::{Disclosed, FigureId, Ledger};
use crate::report::table::{self, Cell, Edition, Suppression};

/// A headline figure before the edition decides what it shows: its value as a cell, and a
/// change from last year that is printed only when every figure it rests on is shown.
pub(crate) struct TileSpec {
    tile: Tile,
    value: Option<Cell>,
    rests_on: Vec<FigureId>,
}

impl TileSpec {
    fn plain(tile: Tile) -> Self {
        TileSpec {
            tile,
            value: None,
            rests_on: Vec::new(),
        }
    }

    pub(crate) fn figures(&self) -> Vec<FigureId> {
        self.rests_on.clone()
    }

    pub(crate) fn render(&self, edition: Edition, s: &Suppression, d: &Disclosed) -> Tile {
        let mut tile = self.tile.clone();
        if let Some(cell) = &self.value
            && cell.plot_value(edition, s, d).is_none()
        {
            tile.value = cell.display(edition, s, d);
            tile.prior = None;
            tile.change = None;
        }
        if self.rests_on.iter().any(|id| !d.shown(*id)) {
            tile.change = None;
        }
        tile
    }
}

/// "£222,010" (headline amounts to the pound).
fn pounds(amount: f64) -> String {
    let rounded = amount.round();
    let sign = if rounded < 0.0 { "−" } else { "" };
    format!("{sign}£{}", table::thousands(rounded.abs() as u64))
}

impl Context<'_> {
    pub(super) fn tiles(&self, l: &mut Ledger) -> Vec<TileSpec> {
        let config = self.config;
        let m = self.m;
        let p = self.prior;
        let count_tile = |label: &str, now: u64, before: Option<u64>| Tile {
            label: label.into(),
            value: table::thousands(now),
            prior: before.map(table::thousands),
            change: before.map(|b| {
                let diff = now as f64 - b as f64;
                match pct(now.abs_diff(b), b) {
                    Some(rel) if b > 0 => format!(
                        "{}, {}%",
                        signed(diff, "", 0),
                        if diff < 0.0 {
                            format!("−{rel:.1}")
                        } else {
                            format!("+{rel:.1}")
                        }
                    ),
                    _ => signed(diff, "", 0),
                }
            }),
        };
        let pct_tile = |label: &str, now: Option<f64>, before: Option<Option<f64>>| Tile {
            label: label.into(),
            value: now.map_or("n/a".into(), |v| format!("{v:.1}%")),
            prior: before.map(|b| b.map_or("n/a".into(), |v| format!("{v:.1}%"))),
            change: match (now, before.flatten()) {
                (Some(a), Some(b)) => Some(signed(a - b, " pts", 1)),
                _ => None,
            },
        };
        let lcra = m.tsm.get("LCRA");
        let prior_lcra = p.and_then(|p| p.tsm.get("LCRA"));
        let mut tiles: Vec<Tile> = vec![
            count_tile(
                "Stage 1 complaints received",
                m.stage1.received,
                p.map(|p| p.stage1.received),
            ),
            count_tile(
                "Stage 2 complaints received",
                m.stage2.received,
                p.map(|p| p.stage2.received),
            ),
            pct_tile(
                "Stage 1 responded within timescale (all complaints, not a TSM measure)",
                m.stage1.within_timescale_pct,
                p.map(|p| p.stage1.within_timescale_pct),
            ),
            pct_tile(
                "Stage 2 responded within timescale (all complaints, not a TSM measure)",
                m.stage2.within_timescale_pct,
                p.map(|p| p.stage2.within_timescale_pct),
            ),
            pct_tile(
                "Escalated to stage 2",
                m.escalation_rate_pct,
                p.map(|p| p.escalation_rate_pct),
            ),
        ];
        let mut specs: Vec<TileSpec> = tiles.drain(..).map(TileSpec::plain).collect();
        if let (Some(f), Some(ids)) = (lcra, self.f.tenures.get("LCRA")) {
            let value = Cell::Rate {
                value: f.CH01_stage1_per_1000,
                num: ids.received[0],
            };
            let before = prior_lcra.and_then(|t| t.CH01_stage1_per_1000);
            let mut rests_on = vec![ids.received[0]];
            rests_on.extend(self.f.prior_tenures.get("LCRA").map(|t| t.received[0]));
            specs.insert(
                2,
                TileSpec {
                    tile: Tile {
                        label: "CH01(1) Stage 1 complaints per 1,000 LCRA homes".into(),
                        value: f.CH01_stage1_per_1000.map_or("n/a".into(), |v| format!("{v:.1}")),
                        prior: prior_lcra
                            .map(|t| t.CH01_stage1_per_1000.map_or("n/a".into(), |v| format!("{v:.1}"))),
                        change: f
                            .CH01_stage1_per_1000
                            .zip(before)
                            .map(|(a, b)| signed(a - b, "", 1)),
                    },
                    value: Some(value),
                    rests_on,
                },
            );
        }
        if let Some(tp09) = config.tsm.TP09_LCRA {
            specs.push(TileSpec::plain(pct_tile(
                "Satisfied with complaint handling (TP09, LCRA)",
                Some(tp09),
                config.tsm.TP09_prior_LCRA.map(Some),
            )));
        }
        if let Some(d) = self.determinations {
            let now = d.within(self.period.start, self.period.end);
            let prior = self.period.prior();
            let before = d.within(prior.start, prior.end);
            specs.push(TileSpec::plain(count_tile(
                "Ombudsman determinations",
                Determinations::determinations(&now),
                Some(Determinations::determinations(&before)),
            )));
            specs.push(TileSpec::plain(count_tile(
                "Ombudsman adverse findings (severe maladministration, maladministration, service failure)",
                Determinations::adverse(&now),
                Some(Determinations::adverse(&before)),
            )));
        }
        // The headline amount is published: it is registered as public, so the stage amounts
        // are what hides when a stage's count is small.
        let total = l.money(
            "year.compensation",
            self.m.compensation.total,
            self.f.compensation.count[2],
        );
        l.mark_public(total);
        specs.push(TileSpec {
            tile: Tile {
                label: "Compensation on final responses".into(),
                value: pounds(self.m.compensation.total),
                prior: p.map(|p| pounds(p.compensation.total)),
                change: p.map(|p| {
                    let diff = self.m.compensation.total - p.compensation.total;
                    let text = pounds(diff.abs());
                    if diff < 0.0 {
                        format!("−{text}")
                    } else {
                        format!("+{text}")
                    }
                }),
            },
            value: None,
            rests_on: [Some(total), self.f.prior_compensation]
                .into_iter()
                .flatten()
                .collect(),
        });
        specs
    }
}
