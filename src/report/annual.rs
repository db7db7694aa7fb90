//! The annual complaints performance and service improvement report (Code 8.1): its tables
//! (T1–T11), charts (C1–C10) and headline tiles, built from the metrics.

use std::collections::BTreeMap;

use super::table::{Cell, Edition, Suppression, TableBuilder};
use super::{Approval, ReportData, ReportInputs, Tile, determinations::Determinations};
use crate::charts::{self, ChartSpec, Layout, Series};
use crate::commands::Analysis;
use crate::error::Result;
use crate::metrics::{Metrics, StageMetrics, pct};

/// Categories shown in the top-categories chart.
const TOP_CATEGORIES: usize = 10;

pub fn build_annual(
    analysis: &Analysis,
    inputs: &ReportInputs,
    edition: Edition,
    suppression: &Suppression,
) -> Result<ReportData> {
    let m = &analysis.metrics;
    let config = &analysis.config;
    let period = config.period(None, Some(m.period.as_at))?;
    let period_label = super::period_label(&period);
    let prior_label = m
        .prior
        .as_ref()
        .map(|_| super::period_label(&crate::metrics::prior_period(period)));
    let ctx = Context {
        m,
        prior: m.prior.as_deref(),
        determinations: inputs.determinations.as_ref(),
        period,
    };
    let mut tables = BTreeMap::new();
    let mut specs = Vec::new();
    for builder in [
        ctx.t1_volumes(),
        ctx.t1_quarters(),
        ctx.t2_rates(config),
        ctx.t3_acknowledgement(),
        ctx.t4_timeliness(),
        ctx.t5_open(),
        ctx.t6_outcomes(),
        ctx.t7_categories(),
        ctx.t8_category_outcomes(),
        ctx.t9_resolution(),
        ctx.t10_remedies(),
        ctx.refused_table(),
        ctx.tsm_table(config),
        ctx.channels_table(),
        super::exclusions_table(&analysis.normalised.quality),
    ] {
        tables.insert(builder.id.clone(), builder.render(edition, suppression));
    }
    if let Some(t11) = ctx.t11_ombudsman() {
        tables.insert(t11.id.clone(), t11.render(edition, suppression));
    }
    specs.extend([
        (ctx.c1_received(), "Month"),
        (ctx.c2_timeliness(), "Month"),
        (ctx.c3_days(), "Month"),
        (ctx.c4_outcomes(), "Stage"),
        (ctx.c5_categories(), "Category"),
        (ctx.c6_tsm(), "Measure"),
        (ctx.c7_ageing(), "Age (working days)"),
        (ctx.c10_refusals(), "Reason"),
    ]);
    specs.extend(ctx.c8_findings().map(|c| (c, "Finding")));
    specs.extend(ctx.c9_trend().map(|c| (c, "Year")));
    let mut charts = BTreeMap::new();
    for (spec, heading) in specs.into_iter().filter(|(s, _)| !s.categories.is_empty()) {
        let chart = charts::draw(&spec, heading, edition, suppression)?;
        charts.insert(chart.id.clone(), chart);
    }
    let mut warnings = inputs.warnings.clone();
    warnings.extend(m.warnings.iter().cloned());
    let organisation = super::organisation(config);
    Ok(ReportData {
        kind: "annual",
        edition,
        title: format!("Annual complaints performance and service improvement report {period_label}"),
        organisation,
        period: super::period_text(&period),
        prior_label,
        approval: Approval {
            date: config.report.approved_on.map(super::long_date),
            by: config.report.approved_by.clone(),
        },
        document_date: config.report.approved_on.unwrap_or(m.period.as_at).to_string(),
        governing_body_response: inputs.governing_body_response.clone(),
        tiles: ctx.tiles(config),
        self_assessment: inputs.self_assessment.clone(),
        tables,
        charts,
        narrative: inputs.narrative.clone(),
        methodology: super::methodology(analysis, suppression),
        warnings,
        quarter: None,
    })
}

pub(super) struct Context<'a> {
    pub m: &'a Metrics,
    pub prior: Option<&'a Metrics>,
    pub determinations: Option<&'a Determinations>,
    pub period: crate::config::Period,
}

/// Signed change: "+12", "−3", "0".
fn signed(v: f64, unit: &str, dp: usize) -> String {
    let sign = if v > 0.0 {
        "+"
    } else if v < 0.0 {
        "−"
    } else {
        ""
    };
    format!("{sign}{:.dp$}{unit}", v.abs())
}

impl Context<'_> {
    fn month_labels(&self) -> Vec<String> {
        self.m
            .months
            .iter()
            .map(|r| {
                r.start
                    .map_or_else(|| r.label.clone(), |d| d.format("%b %y").to_string())
            })
            .collect()
    }

    fn tiles(&self, config: &crate::config::Config) -> Vec<Tile> {
        let m = self.m;
        let p = self.prior;
        let count_tile = |label: &str, now: u64, before: Option<u64>| Tile {
            label: label.into(),
            value: super::table::thousands(now),
            prior: before.map(super::table::thousands),
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
            let prior = crate::metrics::prior_period(self.period);
            let before = d.within(prior.start, prior.end);
            let refs = |f: &[&super::determinations::Finding]| {
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
            value: super::table::money(self.m.compensation.total),
            prior: p.map(|p| super::table::money(p.compensation.total)),
            change: p.map(|p| {
                let diff = self.m.compensation.total - p.compensation.total;
                let text = super::table::money(diff.abs());
                if diff < 0.0 {
                    format!("−{text}")
                } else {
                    format!("+{text}")
                }
            }),
        });
        tiles
    }

    fn both<T>(&self, f: impl Fn(&StageMetrics) -> T) -> [T; 2] {
        [f(&self.m.stage1), f(&self.m.stage2)]
    }

    fn t1_volumes(&self) -> TableBuilder {
        let m = self.m;
        let p = self.prior;
        let prior_count = |f: &dyn Fn(&Metrics) -> u64| p.map_or(Cell::text("–"), |p| Cell::Total(f(p)));
        let prior_pct = |f: &dyn Fn(&Metrics) -> (Option<f64>, u64)| {
            p.map_or(Cell::text("–"), |p| {
                let (v, n) = f(p);
                Cell::Pct(v, n)
            })
        };
        TableBuilder::new("T1", "T1 Complaint volumes", "Received by the date received at each stage; refused complaints were not accepted under the complaints policy.", &["Measure", "This year", "Prior year"])
            .row(vec![Cell::text("Stage 1 complaints received"), Cell::Total(m.stage1.received), prior_count(&|p| p.stage1.received)])
            .row(vec![Cell::text("Stage 2 complaints received"), Cell::Total(m.stage2.received), prior_count(&|p| p.stage2.received)])
            .row(vec![
                Cell::text("Escalation rate (stage 2 ÷ stage 1 received)"),
                Cell::Pct(m.escalation_rate_pct, m.stage1.received),
                prior_pct(&|p| (p.escalation_rate_pct, p.stage1.received)),
            ])
            .row(vec![Cell::text("Complaints refused (not accepted)"), Cell::Total(m.refused.total), prior_count(&|p| p.refused.total)])
            .row(vec![Cell::text("Stage 1 complaints withdrawn"), Cell::Count(m.stage1.withdrawn), prior_count(&|p| p.stage1.withdrawn)])
            .row(vec![Cell::text("Stage 2 complaints withdrawn"), Cell::Count(m.stage2.withdrawn), prior_count(&|p| p.stage2.withdrawn)])
    }

    fn t1_quarters(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "T1Q",
            "T1a Complaints by quarter",
            "Received by date received; responses and timeliness by response date.",
            &[
                "Quarter",
                "Stage 1 received",
                "Stage 2 received",
                "Stage 1 responded",
                "Stage 1 within timescale",
                "Stage 2 responded",
                "Stage 2 within timescale",
            ],
        );
        for q in &self.m.quarters {
            t = t.row(vec![
                Cell::text(format!(
                    "{} (from {})",
                    q.label,
                    q.start.map(super::long_date).unwrap_or_default()
                )),
                Cell::Total(q.stage1_received),
                Cell::Total(q.stage2_received),
                Cell::Total(q.stage1_responded),
                Cell::Pct(q.stage1_within_pct, q.stage1_responded),
                Cell::Total(q.stage2_responded),
                Cell::Pct(q.stage2_within_pct, q.stage2_responded),
            ]);
        }
        t
    }

    fn t2_rates(&self, config: &crate::config::Config) -> TableBuilder {
        let mut t = TableBuilder::new(
            "T2",
            "T2 Complaints per 1,000 homes (CH01)",
            "Homes owned at the period end; complaints whose tenure is neither LCRA nor LCHO count only in the all-homes row.",
            &[
                "Homes",
                "Number of homes",
                "Stage 1 received",
                "Stage 1 per 1,000",
                "Stage 2 received",
                "Stage 2 per 1,000",
            ],
        );
        let mut homes_total = 0;
        for (tenure, name) in [
            ("LCRA", "Low cost rental (LCRA)"),
            ("LCHO", "Low cost home ownership (LCHO)"),
        ] {
            if let Some(f) = self.m.tsm.get(tenure) {
                homes_total += f.homes.unwrap_or(0);
                t = t.row(vec![
                    Cell::text(name),
                    f.homes.map_or(Cell::text("not given"), Cell::Total),
                    Cell::Total(f.stage1_received),
                    Cell::Number(f.CH01_stage1_per_1000),
                    Cell::Total(f.stage2_received),
                    Cell::Number(f.CH01_stage2_per_1000),
                ]);
            }
        }
        let rate = |n: u64| crate::metrics::per_1000(n, homes_total);
        let _ = config;
        t.row(vec![
            Cell::text("All homes"),
            Cell::Total(homes_total),
            Cell::Total(self.m.stage1.received),
            Cell::Number(rate(self.m.stage1.received)),
            Cell::Total(self.m.stage2.received),
            Cell::Number(rate(self.m.stage2.received)),
        ])
    }

    fn t3_acknowledgement(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "T3",
            "T3 Acknowledgement within 5 working days",
            "Stages received in the period; a missing acknowledgement date is not on time.",
            &[
                "Stage",
                "Received",
                "Acknowledged on time",
                "Late",
                "No acknowledgement date",
                "% on time",
            ],
        );
        let missing = [
            self.m.data_quality.acknowledgement_missing.stage1,
            self.m.data_quality.acknowledgement_missing.stage2,
        ];
        for (i, (name, s)) in [("Stage 1", &self.m.stage1), ("Stage 2", &self.m.stage2)]
            .into_iter()
            .enumerate()
        {
            let late = s.received.saturating_sub(s.acknowledged_on_time + missing[i]);
            t = t.row(vec![
                Cell::text(name),
                Cell::Total(s.received),
                Cell::Count(s.acknowledged_on_time),
                Cell::Count(late),
                Cell::Count(missing[i]),
                Cell::Pct(s.acknowledged_on_time_pct, s.received),
            ]);
        }
        t
    }

    fn t4_timeliness(&self) -> TableBuilder {
        let ext = [&self.m.extensions.stage1, &self.m.extensions.stage2];
        let mut t = TableBuilder::new(
            "T4",
            "T4 Response timeliness",
            "Responses dated in the period. Within timescale = within the base timescale or a valid extension (CH02).",
            &[
                "Stage",
                "Responded",
                "Within base",
                "Within extension",
                "Late",
                "% within timescale",
                "% within base",
                "Extensions used",
                "Beyond Code maximum",
                "Notified late",
                "Median working days",
                "Mean working days",
            ],
        );
        for (i, (name, s)) in [("Stage 1", &self.m.stage1), ("Stage 2", &self.m.stage2)]
            .into_iter()
            .enumerate()
        {
            t = t.row(vec![
                Cell::text(name),
                Cell::Total(s.responded),
                Cell::Count(s.within_base),
                Cell::Count(s.within_extension),
                Cell::Count(s.late),
                Cell::Pct(s.within_timescale_pct, s.responded),
                Cell::Pct(s.within_base_pct, s.responded),
                Cell::Count(ext[i].used),
                Cell::Count(ext[i].beyond_cap),
                Cell::Count(ext[i].notified_late),
                Cell::Number(s.median_working_days_to_respond),
                Cell::Number(s.mean_working_days_to_respond),
            ]);
        }
        t
    }

    fn t5_open(&self) -> TableBuilder {
        let bands = [&self.m.open_age_bands.stage1, &self.m.open_age_bands.stage2];
        let mut t = TableBuilder::new(
            "T5",
            "T5 Open complaints at the period end",
            "Received on or before the as-at date with no response by then; age in working days since receipt.",
            &[
                "Stage",
                "Open",
                "In time",
                "Overdue",
                "0–10 days",
                "11–20 days",
                "21–40 days",
                "Over 40 days",
            ],
        );
        for (i, (name, s)) in [("Stage 1", &self.m.stage1), ("Stage 2", &self.m.stage2)]
            .into_iter()
            .enumerate()
        {
            t = t.row(vec![
                Cell::text(name),
                Cell::Total(s.open_at_end),
                Cell::Count(s.open_at_end - s.open_overdue_at_end),
                Cell::Count(s.open_overdue_at_end),
                Cell::Count(bands[i].up_to_10),
                Cell::Count(bands[i].from_11_to_20),
                Cell::Count(bands[i].from_21_to_40),
                Cell::Count(bands[i].over_40),
            ]);
        }
        t.row_total_column = Some(1);
        t
    }

    fn t6_outcomes(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "T6",
            "T6 Outcomes of responses",
            "Responses dated in the period; percentages are of responses with a decision (upheld, partly upheld or not upheld).",
            &[
                "Stage",
                "Upheld",
                "Partly upheld",
                "Not upheld",
                "Other or not recorded",
                "Responded",
                "% upheld in full or part",
            ],
        );
        for (name, s) in [("Stage 1", &self.m.stage1), ("Stage 2", &self.m.stage2)] {
            let o = &s.outcomes;
            let decided = o.upheld + o.partly_upheld + o.not_upheld;
            t = t.row(vec![
                Cell::text(name),
                Cell::Count(o.upheld),
                Cell::Count(o.partly_upheld),
                Cell::Count(o.not_upheld),
                Cell::Count(o.other),
                Cell::Total(s.responded),
                Cell::Pct(pct(o.upheld + o.partly_upheld, decided), decided),
            ]);
        }
        t.row_total_column = Some(5);
        t
    }

    /// Categories ordered by complaints received (most first), then name.
    fn categories_ranked(&self) -> Vec<(&String, u64, u64)> {
        let mut rows: Vec<(&String, u64, u64)> = self
            .m
            .categories
            .iter()
            .map(|(k, v)| (k, v.stage1, v.stage2))
            .collect();
        rows.sort_by(|a, b| (b.1 + b.2).cmp(&(a.1 + a.2)).then(a.0.cmp(b.0)));
        rows
    }

    fn t7_categories(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "T7",
            "T7 Complaints by category",
            "Complaints received in the period at each stage, by the category recorded in the case system.",
            &["Category", "Stage 1", "Stage 2", "Total", "Prior year total"],
        );
        for (name, s1, s2) in self.categories_ranked() {
            let prior = self
                .prior
                .map(|p| p.categories.get(name).map_or(0, |c| c.stage1 + c.stage2));
            t = t.row(vec![
                Cell::text(name.clone()),
                Cell::Count(s1),
                Cell::Count(s2),
                Cell::Count(s1 + s2),
                prior.map_or(Cell::text("–"), Cell::Count),
            ]);
        }
        let total_row = t.rows.len();
        t = t.row(vec![
            Cell::text("All categories"),
            Cell::Total(self.m.stage1.received),
            Cell::Total(self.m.stage2.received),
            Cell::Total(self.m.stage1.received + self.m.stage2.received),
            self.prior.map_or(Cell::text("–"), |p| {
                Cell::Total(p.stage1.received + p.stage2.received)
            }),
        ]);
        t.row_total_column = Some(3);
        t.column_total_row = Some(total_row);
        t
    }

    fn t8_category_outcomes(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "T8",
            "T8 Outcomes by category",
            "Responses at either stage dated in the period.",
            &[
                "Category",
                "Upheld",
                "Partly upheld",
                "Not upheld",
                "Other",
                "Responses",
            ],
        );
        let mut rows: Vec<_> = self.m.category_outcomes.iter().collect();
        rows.sort_by(|a, b| {
            let total = |o: &crate::metrics::Outcomes| o.upheld + o.partly_upheld + o.not_upheld + o.other;
            total(b.1).cmp(&total(a.1)).then(a.0.cmp(b.0))
        });
        for (name, o) in rows {
            t = t.row(vec![
                Cell::text(name.clone()),
                Cell::Count(o.upheld),
                Cell::Count(o.partly_upheld),
                Cell::Count(o.not_upheld),
                Cell::Count(o.other),
                Cell::Count(o.upheld + o.partly_upheld + o.not_upheld + o.other),
            ]);
        }
        t.row_total_column = Some(5);
        t
    }

    fn t9_resolution(&self) -> TableBuilder {
        let m = self.m;
        let referred = self.determinations.map(|d| {
            let f = d.within(self.period.start, self.period.end);
            f.iter()
                .map(|x| x.reference.clone())
                .collect::<std::collections::BTreeSet<_>>()
                .len() as u64
        });
        let mut t = TableBuilder::new(
            "T9",
            "T9 Where complaints were resolved",
            "Resolved at stage 1: stage 1 responses in the period whose complaint was not escalated.",
            &["Measure", "This year", "Prior year"],
        )
        .row(vec![
            Cell::text("Resolved at stage 1"),
            Cell::Pct(m.resolved_at_stage1_pct, m.stage1.responded),
            self.prior.map_or(Cell::text("–"), |p| {
                Cell::Pct(p.resolved_at_stage1_pct, p.stage1.responded)
            }),
        ])
        .row(vec![
            Cell::text("Escalated to stage 2"),
            Cell::Pct(m.escalation_rate_pct, m.stage1.received),
            self.prior.map_or(Cell::text("–"), |p| {
                Cell::Pct(p.escalation_rate_pct, p.stage1.received)
            }),
        ]);
        if let Some(n) = referred {
            t = t.row(vec![
                Cell::text("Ombudsman determinations in the period"),
                Cell::Total(n),
                Cell::text("–"),
            ]);
        }
        t
    }

    fn t10_remedies(&self) -> TableBuilder {
        let c = &self.m.compensation;
        let mut t = TableBuilder::new(
            "T10",
            "T10 Compensation (financial remedies)",
            "Complaints whose final response in the period included compensation above zero.",
            &[
                "Stage of final response",
                "Complaints with compensation",
                "Total",
                "Mean",
            ],
        );
        for (name, f) in [("Stage 1", &c.by_stage.stage1), ("Stage 2", &c.by_stage.stage2)] {
            t = t.row(vec![
                Cell::text(name),
                Cell::Count(f.count),
                Cell::Money(f.total),
                f.mean.map_or(Cell::text("n/a"), Cell::Money),
            ]);
        }
        t.row(vec![
            Cell::text("All"),
            Cell::Total(c.count),
            Cell::Money(c.total),
            c.mean.map_or(Cell::text("n/a"), Cell::Money),
        ])
    }

    fn t11_ombudsman(&self) -> Option<TableBuilder> {
        let d = self.determinations?;
        let findings = d.within(self.period.start, self.period.end);
        let mut t = TableBuilder::new(
            "T11",
            "T11 Housing Ombudsman findings",
            "Findings in determinations made in the period (one determination can contain several findings).",
            &["Finding", "Findings", "Compensation ordered"],
        );
        for (name, n) in Determinations::by_finding(&findings) {
            let ordered: f64 = findings
                .iter()
                .filter(|f| f.finding == name)
                .map(|f| f.compensation_ordered)
                .sum();
            t = t.row(vec![Cell::text(name), Cell::Count(n), Cell::Money(ordered)]);
        }
        let total: f64 = findings.iter().map(|f| f.compensation_ordered).sum();
        let rate = pct(
            Determinations::maladministration(&findings),
            findings.len() as u64,
        );
        t = t.row(vec![
            Cell::text("All findings"),
            Cell::Total(findings.len() as u64),
            Cell::Money(total),
        ]);
        Some(t.note(format!(
            "Maladministration rate (severe maladministration, maladministration, partial maladministration and service failure as a share of findings): {}.",
            rate.map_or("n/a".into(), |r| format!("{r:.1}%"))
        )))
    }

    fn refused_table(&self) -> TableBuilder {
        let mut reasons: Vec<(&String, &u64)> = self.m.refused.by_reason.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let mut t = TableBuilder::new(
            "TR",
            "Complaints refused, by reason",
            "Complaints not accepted under the complaints policy (Code section 2), by date received.",
            &["Reason", "Complaints", "Prior year"],
        );
        for (reason, n) in reasons {
            let prior = self
                .prior
                .map(|p| p.refused.by_reason.get(reason).copied().unwrap_or(0));
            t = t.row(vec![
                Cell::text(reason.clone()),
                Cell::Count(*n),
                prior.map_or(Cell::text("–"), Cell::Count),
            ]);
        }
        let total_row = t.rows.len();
        t = t.row(vec![
            Cell::text("All refused"),
            Cell::Total(self.m.refused.total),
            self.prior
                .map_or(Cell::text("–"), |p| Cell::Total(p.refused.total)),
        ]);
        t.column_total_row = Some(total_row);
        t
    }

    fn tsm_table(&self, config: &crate::config::Config) -> TableBuilder {
        let get = |m: Option<&Metrics>, tenure: &str| m.and_then(|m| m.tsm.get(tenure).cloned());
        let mut t = TableBuilder::new(
            "TSM",
            "Tenant Satisfaction Measures: complaints",
            "CH01 per 1,000 homes; CH02 counts responses within the Code timescale including valid extensions; TP09 from the tenant perception survey.",
            &[
                "Measure",
                "LCRA this year",
                "LCRA prior year",
                "LCHO this year",
                "LCHO prior year",
            ],
        );
        type Pick = fn(&crate::metrics::TsmFigures) -> Cell;
        let measures: [(&str, Pick); 4] = [
            ("CH01(1) Stage 1 complaints per 1,000 homes", |f| {
                Cell::Number(f.CH01_stage1_per_1000)
            }),
            ("CH01(2) Stage 2 complaints per 1,000 homes", |f| {
                Cell::Number(f.CH01_stage2_per_1000)
            }),
            ("CH02(1) Stage 1 responded within timescale", |f| {
                Cell::Pct(f.CH02_stage1_pct, f.stage1_responded)
            }),
            ("CH02(2) Stage 2 responded within timescale", |f| {
                Cell::Pct(f.CH02_stage2_pct, f.stage2_responded)
            }),
        ];
        for (name, pick) in measures {
            let cell = |f: Option<crate::metrics::TsmFigures>| f.map_or(Cell::text("–"), |f| pick(&f));
            t = t.row(vec![
                Cell::text(name),
                cell(get(Some(self.m), "LCRA")),
                cell(get(self.prior, "LCRA")),
                cell(get(Some(self.m), "LCHO")),
                cell(get(self.prior, "LCHO")),
            ]);
        }
        let tp = |v: Option<f64>| v.map_or(Cell::text("not given"), |v| Cell::text(format!("{v:.1}%")));
        t = t.row(vec![
            Cell::text("TP09 Satisfied with the approach to complaints handling"),
            tp(config.tsm.TP09_LCRA),
            tp(config.tsm.TP09_prior_LCRA),
            tp(config.tsm.TP09_LCHO),
            tp(config.tsm.TP09_prior_LCHO),
        ]);
        match &config.tsm.TP09_note {
            Some(note) => t.note(format!("TP09: {note}")),
            None => t,
        }
    }

    fn channels_table(&self) -> TableBuilder {
        let mut rows: Vec<(&String, &u64)> = self.m.channels.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let mut t = TableBuilder::new(
            "TC",
            "How stage 1 complaints were made",
            "Stage 1 complaints received in the period, by channel.",
            &["Channel", "Complaints"],
        );
        for (channel, n) in rows {
            t = t.row(vec![Cell::text(channel.clone()), Cell::Count(*n)]);
        }
        let total_row = t.rows.len();
        t = t.row(vec![
            Cell::text("All channels"),
            Cell::Total(self.m.stage1.received),
        ]);
        t.column_total_row = Some(total_row);
        t
    }

    fn c1_received(&self) -> ChartSpec {
        let mut c = ChartSpec::new(
            "C1",
            "Complaints received by month",
            self.month_labels(),
            Layout::Grouped,
            "Complaints received",
        );
        c.bars = vec![
            Series::counts("Stage 1", self.m.months.iter().map(|r| r.stage1_received)),
            Series::counts("Stage 2", self.m.months.iter().map(|r| r.stage2_received)),
        ];
        if let Some(p) = self.prior {
            c.lines = vec![Series::counts(
                "Stage 1, prior year",
                p.months.iter().map(|r| r.stage1_received),
            )];
        }
        c
    }

    fn c2_timeliness(&self) -> ChartSpec {
        let mut c = ChartSpec::new(
            "C2",
            "Responses within timescale by month",
            self.month_labels(),
            Layout::Lines,
            "% within timescale",
        );
        c.percent = true;
        let months = &self.m.months;
        c.lines = vec![
            Series::ratios(
                "Stage 1",
                months.iter().map(|r| r.stage1_within_pct).collect(),
                months.iter().map(|r| r.stage1_responded).collect(),
                true,
            ),
            Series::ratios(
                "Stage 2",
                months.iter().map(|r| r.stage2_within_pct).collect(),
                months.iter().map(|r| r.stage2_responded).collect(),
                true,
            ),
        ];
        c.target = Some((100.0, "Target 100%".into()));
        c
    }

    fn c3_days(&self) -> ChartSpec {
        let mut c = ChartSpec::new(
            "C3",
            "Stage 1 responses and median working days to respond",
            self.month_labels(),
            Layout::Grouped,
            "Stage 1 responses",
        );
        let months = &self.m.months;
        c.bars = vec![Series::counts(
            "Stage 1 responses",
            months.iter().map(|r| r.stage1_responded),
        )];
        c.secondary = Some((
            Series::ratios(
                "Median working days",
                months.iter().map(|r| r.median_working_days_stage1).collect(),
                months.iter().map(|r| r.stage1_responded).collect(),
                false,
            ),
            "Median working days".into(),
        ));
        c
    }

    fn c4_outcomes(&self) -> ChartSpec {
        let mut c = ChartSpec::new(
            "C4",
            "Outcomes of responses by stage",
            vec!["Stage 1".into(), "Stage 2".into()],
            Layout::Stacked,
            "Responses",
        );
        let [o1, o2] = self.both(|s| s.outcomes.clone());
        c.bars = vec![
            Series::counts("Upheld", [o1.upheld, o2.upheld]),
            Series::counts("Partly upheld", [o1.partly_upheld, o2.partly_upheld]),
            Series::counts("Not upheld", [o1.not_upheld, o2.not_upheld]),
            Series::counts("Other", [o1.other, o2.other]),
        ];
        c
    }

    fn c5_categories(&self) -> ChartSpec {
        let top: Vec<(&String, u64, u64)> = self
            .categories_ranked()
            .into_iter()
            .take(TOP_CATEGORIES)
            .collect();
        let mut c = ChartSpec::new(
            "C5",
            &format!("Top {} categories of complaint (stage 1 and 2)", top.len()),
            top.iter().map(|(n, ..)| n.to_string()).collect(),
            Layout::Horizontal,
            "Complaints received",
        );
        c.bars = vec![Series::counts("This year", top.iter().map(|(_, a, b)| a + b))];
        if let Some(p) = self.prior {
            c.markers = Some(Series::counts(
                "Prior year",
                top.iter()
                    .map(|(n, ..)| p.categories.get(*n).map_or(0, |c| c.stage1 + c.stage2)),
            ));
        }
        c
    }

    fn c6_tsm(&self) -> ChartSpec {
        let labels = vec![
            "CH02(1) LCRA".into(),
            "CH02(2) LCRA".into(),
            "CH02(1) LCHO".into(),
            "CH02(2) LCHO".into(),
        ];
        let series = |name: &str, m: &Metrics| -> Series {
            let (mut values, mut bases) = (Vec::new(), Vec::new());
            for tenure in ["LCRA", "LCHO"] {
                let f = m.tsm.get(tenure);
                values.push(f.and_then(|f| f.CH02_stage1_pct));
                bases.push(f.map_or(0, |f| f.stage1_responded));
                values.push(f.and_then(|f| f.CH02_stage2_pct));
                bases.push(f.map_or(0, |f| f.stage2_responded));
            }
            Series::ratios(name, values, bases, true)
        };
        let mut c = ChartSpec::new(
            "C6",
            "Complaints responded to within timescale (CH02) against the prior year",
            labels,
            Layout::Grouped,
            "%",
        );
        c.percent = true;
        c.bars = vec![series("This year", self.m)];
        if let Some(p) = self.prior {
            c.bars.push(series("Prior year", p));
        }
        c
    }

    fn c7_ageing(&self) -> ChartSpec {
        let bands = ["0–10", "11–20", "21–40", "Over 40"];
        let values = |b: &crate::metrics::AgeBands| [b.up_to_10, b.from_11_to_20, b.from_21_to_40, b.over_40];
        let mut c = ChartSpec::new(
            "C7",
            "Open complaints at the period end by age (working days)",
            bands.iter().map(|b| b.to_string()).collect(),
            Layout::Grouped,
            "Open complaints",
        );
        c.bars = vec![
            Series::counts("Stage 1", values(&self.m.open_age_bands.stage1)),
            Series::counts("Stage 2", values(&self.m.open_age_bands.stage2)),
        ];
        c
    }

    fn c8_findings(&self) -> Option<ChartSpec> {
        let d = self.determinations?;
        let findings = d.within(self.period.start, self.period.end);
        let counts = Determinations::by_finding(&findings);
        let mut c = ChartSpec::new(
            "C8",
            "Housing Ombudsman findings",
            counts.iter().map(|(n, _)| n.clone()).collect(),
            Layout::Horizontal,
            "Findings",
        );
        c.bars = vec![Series::counts("Findings", counts.iter().map(|(_, n)| *n))];
        Some(c)
    }

    fn c9_trend(&self) -> Option<ChartSpec> {
        let prior = self.prior?;
        let labels = vec![
            super::period_label(&crate::metrics::prior_period(self.period)),
            super::period_label(&self.period),
        ];
        let mut c = ChartSpec::new(
            "C9",
            "Complaints received: trend",
            labels,
            Layout::Lines,
            "Complaints received",
        );
        c.lines = vec![
            Series::counts("Stage 1", [prior.stage1.received, self.m.stage1.received]),
            Series::counts("Stage 2", [prior.stage2.received, self.m.stage2.received]),
        ];
        Some(c)
    }

    fn c10_refusals(&self) -> ChartSpec {
        let mut reasons: Vec<(&String, &u64)> = self.m.refused.by_reason.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let mut c = ChartSpec::new(
            "C10",
            "Complaints refused, by reason",
            reasons.iter().map(|(r, _)| r.to_string()).collect(),
            Layout::Horizontal,
            "Complaints refused",
        );
        c.bars = vec![Series::counts("Refused", reasons.iter().map(|(_, n)| **n))];
        c
    }
}
