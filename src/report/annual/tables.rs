//! The annual report's tables: T1–T11, refusals, the TSM table and channels, numbered in the
//! order they are read. Counts come from the registered figures ([`super::register`]).

use super::Context;
use crate::metrics::{pct, per_1000};
use crate::report::determinations::Determinations;
use crate::report::figures::StageFigures;
use crate::report::figures::{TSM_MEASURES, tsm_cell};
use crate::report::table::{Cell, TableBuilder};
use crate::report::{long_date, outcome_cells};

impl Context<'_> {
    pub(super) fn t1_volumes(&self) -> TableBuilder {
        let m = self.m;
        let [y1, y2] = &self.f.year;
        let prior = self.f.prior.as_ref();
        let before = |pick: &dyn Fn(&[StageFigures; 2]) -> Cell| prior.map_or(Cell::text("–"), pick);
        TableBuilder::new("T1", "T1 Complaint volumes", "Received by the date received at each stage; refused complaints were not accepted under the complaints policy.", &["Measure", "This year", "Prior year"])
            .row(vec![Cell::text("Stage 1 complaints received"), Cell::Fig(y1.received), before(&|p| Cell::Fig(p[0].received))])
            .row(vec![Cell::text("Stage 2 complaints received"), Cell::Fig(y2.received), before(&|p| Cell::Fig(p[1].received))])
            .row(vec![
                Cell::text("Escalation rate (stage 2 ÷ stage 1 received)"),
                StageFigures::pct(m.escalation_rate_pct, y2.received, y1.received),
                before(&|p| StageFigures::pct(self.prior.and_then(|p| p.escalation_rate_pct), p[1].received, p[0].received)),
            ])
            .row(vec![Cell::text("Complaints refused (not accepted)"), Cell::Fig(self.f.refused), self.f.prior_refused.map_or(Cell::text("–"), Cell::Fig)])
            .row(vec![Cell::text("Stage 1 complaints withdrawn"), Cell::Fig(y1.withdrawn), before(&|p| Cell::Fig(p[0].withdrawn))])
            .row(vec![Cell::text("Stage 2 complaints withdrawn"), Cell::Fig(y2.withdrawn), before(&|p| Cell::Fig(p[1].withdrawn))])
    }

    pub(super) fn t1_quarters(&self) -> TableBuilder {
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
        for (q, f) in self.m.quarters.iter().zip(&self.f.quarters) {
            t = t.row(vec![
                Cell::text(format!(
                    "{} (from {})",
                    q.label,
                    q.start.map(long_date).unwrap_or_default()
                )),
                Cell::Fig(f.received[0]),
                Cell::Fig(f.received[1]),
                Cell::Fig(f.responded[0]),
                StageFigures::pct(q.stage1_within_pct, f.within[0], f.responded[0]),
                Cell::Fig(f.responded[1]),
                StageFigures::pct(q.stage2_within_pct, f.within[1], f.responded[1]),
            ]);
        }
        t
    }

    pub(super) fn t2_rates(&self) -> TableBuilder {
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
            if let (Some(f), Some(ids)) = (self.m.tsm.get(tenure), self.f.tenures.get(tenure)) {
                homes_total += f.homes.unwrap_or(0);
                t = t.row(vec![
                    Cell::text(name),
                    f.homes.map_or(Cell::text("not given"), Cell::Total),
                    Cell::Fig(ids.received[0]),
                    Cell::Rate {
                        value: f.CH01_stage1_per_1000,
                        num: ids.received[0],
                    },
                    Cell::Fig(ids.received[1]),
                    Cell::Rate {
                        value: f.CH01_stage2_per_1000,
                        num: ids.received[1],
                    },
                ]);
            }
        }
        let [y1, y2] = &self.f.year;
        let rate = |n: u64| per_1000(n, homes_total);
        t.row(vec![
            Cell::text("All homes"),
            Cell::Total(homes_total),
            Cell::Fig(y1.received),
            Cell::Rate {
                value: rate(self.m.stage1.received),
                num: y1.received,
            },
            Cell::Fig(y2.received),
            Cell::Rate {
                value: rate(self.m.stage2.received),
                num: y2.received,
            },
        ])
    }

    pub(super) fn t3_acknowledgement(&self) -> TableBuilder {
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
        for (name, s, f) in self.stages() {
            t = t.row(vec![
                Cell::text(name),
                Cell::Fig(f.received),
                Cell::Fig(f.ack_on_time),
                Cell::Fig(f.ack_late),
                Cell::Fig(f.ack_missing),
                StageFigures::pct(s.acknowledged_on_time_pct, f.ack_on_time, f.received),
            ]);
        }
        t
    }

    pub(super) fn t4_timeliness(&self) -> TableBuilder {
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
            ],
        );
        for (name, s, f) in self.stages() {
            t = t.row(vec![
                Cell::text(name),
                Cell::Fig(f.responded),
                Cell::Fig(f.within_base),
                Cell::Fig(f.within_extension),
                Cell::Fig(f.late),
                StageFigures::pct(s.within_timescale_pct, f.within, f.responded),
                StageFigures::pct(s.within_base_pct, f.within_base, f.responded),
            ]);
        }
        t
    }

    /// T4a: extensions and days to respond (apart from T4, so neither table is too wide to read).
    pub(super) fn t4_extensions(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "T4X",
            "T4a Extensions and working days to respond",
            "Responses dated in the period. Beyond Code maximum: the agreed date was capped. Notified late: the extension does not count.",
            &[
                "Stage",
                "Extensions used",
                "Beyond Code maximum",
                "Notified late",
                "Median working days",
                "Mean working days",
            ],
        );
        for (name, s, f) in self.stages() {
            t = t.row(vec![
                Cell::text(name),
                Cell::Fig(f.extensions_used),
                Cell::Fig(f.beyond_cap),
                Cell::Fig(f.notified_late),
                Cell::Ratio(s.median_working_days_to_respond, s.responded),
                Cell::Ratio(s.mean_working_days_to_respond, s.responded),
            ]);
        }
        t
    }

    pub(super) fn t5_open(&self) -> TableBuilder {
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
        for (name, _, f) in self.stages() {
            let mut row = vec![
                Cell::text(name),
                Cell::Fig(f.open),
                Cell::Fig(f.open_in_time),
                Cell::Fig(f.overdue),
            ];
            row.extend(f.bands.iter().map(|b| Cell::Fig(*b)));
            t = t.row(row);
        }
        t
    }

    pub(super) fn t6_outcomes(&self) -> TableBuilder {
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
        for (name, s, f) in self.stages() {
            let o = &s.outcomes;
            let mut cells = outcome_cells(name, f);
            cells.push(StageFigures::pct(
                pct(
                    o.upheld + o.partly_upheld,
                    o.upheld + o.partly_upheld + o.not_upheld,
                ),
                f.upheld_in_full_or_part,
                f.decided,
            ));
            t = t.row(cells);
        }
        t
    }

    pub(super) fn t7_categories(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "T7",
            "T9 Complaints by category",
            "Complaints received in the period at each stage, by the category recorded in the case system. An escalated complaint counts once at each stage, so the stages are not added together.",
            &["Category", "Stage 1", "Stage 2", "Prior year stage 1"],
        );
        for row in &self.f.categories {
            t = t.row(vec![
                Cell::text(row.label.clone()),
                Cell::Fig(row.received[0]),
                Cell::Fig(row.received[1]),
                row.prior_stage1.map_or(Cell::text("–"), Cell::Fig),
            ]);
        }
        let [y1, y2] = &self.f.year;
        t.row(vec![
            Cell::text("All categories"),
            Cell::Fig(y1.received),
            Cell::Fig(y2.received),
            self.f
                .prior
                .as_ref()
                .map_or(Cell::text("–"), |p| Cell::Fig(p[0].received)),
        ])
    }

    pub(super) fn t8_category_outcomes(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "T8",
            "T10 Outcomes by category",
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
        for (label, ids) in &self.f.category_outcomes {
            let mut row = vec![Cell::text(label.clone())];
            row.extend(ids.iter().map(|id| Cell::Fig(*id)));
            t = t.row(row);
        }
        t
    }

    pub(super) fn t9_resolution(&self) -> TableBuilder {
        let m = self.m;
        let [y1, y2] = &self.f.year;
        let referred = self.determinations.map(|d| {
            let f = d.within(self.period.start, self.period.end);
            f.iter()
                .map(|x| x.reference.clone())
                .collect::<std::collections::BTreeSet<_>>()
                .len() as u64
        });
        let prior = self.prior.zip(self.f.prior.as_ref());
        let mut t = TableBuilder::new(
            "T9",
            "T7 Where complaints were resolved",
            "Resolved at stage 1: stage 1 responses in the period whose complaint was not escalated.",
            &["Measure", "This year", "Prior year"],
        )
        .row(vec![
            Cell::text("Resolved at stage 1"),
            StageFigures::pct(m.resolved_at_stage1_pct, self.f.resolved_at_stage1, y1.responded),
            prior
                .zip(self.f.prior_resolved_at_stage1)
                .map_or(Cell::text("–"), |((p, f), resolved)| {
                    StageFigures::pct(p.resolved_at_stage1_pct, resolved, f[0].responded)
                }),
        ])
        .row(vec![
            Cell::text("Escalated to stage 2"),
            StageFigures::pct(m.escalation_rate_pct, y2.received, y1.received),
            prior.map_or(Cell::text("–"), |(p, f)| {
                StageFigures::pct(p.escalation_rate_pct, f[1].received, f[0].received)
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

    pub(super) fn t10_remedies(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "T10",
            "T8 Compensation (financial remedies)",
            "Complaints whose final response in the period included compensation above zero.",
            &[
                "Stage of final response",
                "Complaints with compensation",
                "Total",
                "Mean",
            ],
        );
        for (name, cells) in self.f.compensation.cells(&self.m.compensation) {
            let mut row = vec![Cell::text(name)];
            row.extend(cells);
            t = t.row(row);
        }
        t
    }

    pub(super) fn t11_ombudsman(&self) -> Option<TableBuilder> {
        let d = self.determinations?;
        let findings = d.within(self.period.start, self.period.end);
        let mut t = TableBuilder::new(
            "T11",
            "T11 Housing Ombudsman findings",
            "Findings in determinations made in the period (one determination can contain several findings). The Ombudsman publishes its determinations, so these figures are shown in full.",
            &["Finding", "Findings", "Compensation ordered"],
        );
        for (name, id) in &self.f.findings {
            let ordered: f64 = findings
                .iter()
                .filter(|f| &f.finding == name)
                .map(|f| f.compensation_ordered)
                .sum();
            t = t.row(vec![
                Cell::text(name.clone()),
                Cell::Fig(*id),
                Cell::Amount(ordered),
            ]);
        }
        let total: f64 = findings.iter().map(|f| f.compensation_ordered).sum();
        let rate = pct(
            Determinations::maladministration(&findings),
            findings.len() as u64,
        );
        t = t.row(vec![
            Cell::text("All findings"),
            Cell::Total(findings.len() as u64),
            Cell::Amount(total),
        ]);
        Some(t.note(format!(
            "Maladministration rate (severe maladministration, maladministration, partial maladministration and service failure as a share of findings): {}.",
            rate.map_or("n/a".into(), |r| format!("{r:.1}%"))
        )))
    }

    pub(super) fn refused_table(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "TR",
            "Complaints refused, by reason",
            "Complaints not accepted under the complaints policy (Code section 2), by date received.",
            &["Reason", "Complaints", "Prior year"],
        );
        for (reason, id, before) in &self.f.refusals {
            t = t.row(vec![
                Cell::text(reason.clone()),
                Cell::Fig(*id),
                before.map_or(Cell::text("–"), Cell::Fig),
            ]);
        }
        t.row(vec![
            Cell::text("All refused"),
            Cell::Fig(self.f.refused),
            self.f.prior_refused.map_or(Cell::text("–"), Cell::Fig),
        ])
    }

    pub(super) fn tsm_table(&self) -> TableBuilder {
        let config = self.config;
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
        for (name, pick) in TSM_MEASURES {
            let cell = |m, ids, tenure| tsm_cell(pick, m, ids, tenure);
            t = t.row(vec![
                Cell::text(name),
                cell(Some(self.m), &self.f.tenures, "LCRA"),
                cell(self.prior, &self.f.prior_tenures, "LCRA"),
                cell(Some(self.m), &self.f.tenures, "LCHO"),
                cell(self.prior, &self.f.prior_tenures, "LCHO"),
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

    pub(super) fn channels_table(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "TC",
            "How stage 1 complaints were made",
            "Stage 1 complaints received in the period, by channel.",
            &["Channel", "Complaints"],
        );
        for (channel, id) in &self.f.channels {
            t = t.row(vec![Cell::text(channel.clone()), Cell::Fig(*id)]);
        }
        t.row(vec![
            Cell::text("All channels"),
            Cell::Fig(self.f.year[0].received),
        ])
    }
}
