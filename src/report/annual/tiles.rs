//! The executive summary's headline figures, each with last year's beside it.

use super::{Context, signed};
use crate::metrics::pct;
use crate::report::Tile;
use crate::report::determinations::{Determinations, Finding};
use crate::report::table;

impl Context<'_> {
    pub(super) fn tiles(&self) -> Vec<Tile> {
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
                        "{} ({}%)",
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
        let mut tiles = vec![
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
            Tile {
                label: "Stage 1 complaints per 1,000 homes (CH01, LCRA)".into(),
                value: lcra
                    .and_then(|t| t.CH01_stage1_per_1000)
                    .map_or("n/a".into(), |v| format!("{v:.1}")),
                prior: prior_lcra.map(|t| t.CH01_stage1_per_1000.map_or("n/a".into(), |v| format!("{v:.1}"))),
                change: match (
                    lcra.and_then(|t| t.CH01_stage1_per_1000),
                    prior_lcra.and_then(|t| t.CH01_stage1_per_1000),
                ) {
                    (Some(a), Some(b)) => Some(signed(a - b, "", 1)),
                    _ => None,
                },
            },
            pct_tile(
                "Stage 1 responded within timescale (CH02)",
                m.stage1.within_timescale_pct,
                p.map(|p| p.stage1.within_timescale_pct),
            ),
            pct_tile(
                "Stage 2 responded within timescale (CH02)",
                m.stage2.within_timescale_pct,
                p.map(|p| p.stage2.within_timescale_pct),
            ),
            pct_tile(
                "Escalated to stage 2",
                m.escalation_rate_pct,
                p.map(|p| p.escalation_rate_pct),
            ),
        ];
        if let Some(tp09) = config.tsm.TP09_LCRA {
            tiles.push(pct_tile(
                "Satisfied with complaint handling (TP09, LCRA)",
                Some(tp09),
                config.tsm.TP09_prior_LCRA.map(Some),
            ));
        }
        if let Some(d) = self.determinations {
            let now = d.within(self.period.start, self.period.end);
            let prior = self.period.prior();
            let before = d.within(prior.start, prior.end);
            let refs = |f: &[&Finding]| {
                f.iter()
                    .map(|x| x.reference.clone())
                    .collect::<std::collections::BTreeSet<_>>()
                    .len() as u64
            };
            tiles.push(count_tile(
                "Ombudsman determinations",
                refs(&now),
                Some(refs(&before)),
            ));
            tiles.push(count_tile(
                "Maladministration findings",
                Determinations::maladministration(&now),
                Some(Determinations::maladministration(&before)),
            ));
        }
        tiles.push(Tile {
            label: "Compensation on final responses".into(),
            value: table::money(self.m.compensation.total),
            prior: p.map(|p| table::money(p.compensation.total)),
            change: p.map(|p| {
                let diff = self.m.compensation.total - p.compensation.total;
                let text = table::money(diff.abs());
                if diff < 0.0 {
                    format!("−{text}")
                } else {
                    format!("+{text}")
                }
            }),
        });
        tiles
    }
}
