//! The annual report's tables: T1–T11, refusals, the TSM table and channels.

use super::Context;
use crate::metrics::{Metrics, Outcomes, TsmFigures, pct, per_1000};
use crate::report::determinations::Determinations;
use crate::report::table::{Cell, TableBuilder};
use crate::report::{long_date, outcome_cells};

impl Context<'_> {
    pub(super) fn t1_volumes(&self) -> TableBuilder {
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
        for q in &self.m.quarters {
            t = t.row(vec![
                Cell::text(format!(
                    "{} (from {})",
                    q.label,
                    q.start.map(long_date).unwrap_or_default()
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
        let rate = |n: u64| per_1000(n, homes_total);
        t.row(vec![
            Cell::text("All homes"),
            Cell::Total(homes_total),
            Cell::Total(self.m.stage1.received),
            Cell::Number(rate(self.m.stage1.received)),
            Cell::Total(self.m.stage2.received),
            Cell::Number(rate(self.m.stage2.received)),
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

    pub(super) fn t4_timeliness(&self) -> TableBuilder {
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

    pub(super) fn t5_open(&self) -> TableBuilder {
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
        for (name, s) in [("Stage 1", &self.m.stage1), ("Stage 2", &self.m.stage2)] {
            let o = &s.outcomes;
            let decided = o.upheld + o.partly_upheld + o.not_upheld;
            let mut cells = outcome_cells(name, s);
            cells.push(Cell::Pct(pct(o.upheld + o.partly_upheld, decided), decided));
            t = t.row(cells);
        }
        t.row_total_column = Some(5);
        t
    }

    pub(super) fn t7_categories(&self) -> TableBuilder {
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

    pub(super) fn t8_category_outcomes(&self) -> TableBuilder {
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
            let total = |o: &Outcomes| o.upheld + o.partly_upheld + o.not_upheld + o.other;
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

    pub(super) fn t9_resolution(&self) -> TableBuilder {
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

    pub(super) fn t10_remedies(&self) -> TableBuilder {
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

    pub(super) fn t11_ombudsman(&self) -> Option<TableBuilder> {
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

    pub(super) fn refused_table(&self) -> TableBuilder {
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

    pub(super) fn tsm_table(&self) -> TableBuilder {
        let config = self.config;
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
        type Pick = fn(&TsmFigures) -> Cell;
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
            let cell = |f: Option<TsmFigures>| f.map_or(Cell::text("–"), |f| pick(&f));
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

    pub(super) fn channels_table(&self) -> TableBuilder {
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
}
