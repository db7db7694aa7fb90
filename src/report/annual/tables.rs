//! The annual report's tables: T1–T11, refusals, the TSM table and channels, numbered in the
//! order they are read. Counts come from the registered figures ([`super::register`]).

use super::Context;
use crate::config::PublishedMeasures;
use crate::metrics::pct;
use crate::report::determinations::Determinations;
use crate::report::figures::StageFigures;
use crate::report::figures::{TSM_MEASURES, tsm_cell};
use crate::report::table::{Cell, TableBuilder};
use crate::report::{long_date, outcome_cells};

/// The row of figures across every tenure, which the Regulator's measures do not use.
pub(crate) const ALL_TENURES: &str = "All complaints, every tenure (not a TSM measure)";

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
            &format!(
                "CH01(1) and CH01(2): complaints received at each stage per 1,000 homes of the same tenure owned on {}. Complaints from other tenures (leasehold, market rent, none recorded) have no stock to be divided by: they are counted in the last row only.",
                self.stock_date().map_or("the period end".into(), long_date)
            ),
            &[
                "Homes",
                "Number of homes",
                "Stage 1 received",
                "Stage 1 per 1,000",
                "Stage 2 received",
                "Stage 2 per 1,000",
            ],
        );
        for (tenure, name) in [
            ("LCRA", "Low cost rental (LCRA)"),
            ("LCHO", "Low cost home ownership (LCHO)"),
        ] {
            if let (Some(f), Some(ids)) = (self.m.tsm.get(tenure), self.f.tenures.get(tenure)) {
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
        t.row(vec![
            Cell::text(ALL_TENURES),
            Cell::text("–"),
            Cell::Fig(y1.received),
            Cell::text("–"),
            Cell::Fig(y2.received),
            Cell::text("–"),
        ])
    }

    /// The date this year's stock was counted (the CH01 denominators), when homes are given.
    fn stock_date(&self) -> Option<chrono::NaiveDate> {
        self.m.tsm.values().find_map(|f| f.stock_date)
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
            "Responses dated in the period, every tenure (all complaints, not a TSM measure: CH02 by tenure is in the TSM table). Within timescale = within the base timescale or a valid extension.",
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

    /// T4a: extensions, judged as the Code words them (6.4, 6.15).
    pub(super) fn t4_extensions(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "T4X",
            "T4a Extensions",
            "Responses dated in the period. The Code allows no more than 10 working days (stage 1) or 20 (stage 2) without good reason. Beyond without good reason: the deadline stops at 10/20 working days. Beyond with good reason: the agreed date is the deadline. No agreed date: counted as the full 10/20 working days. Notified late: the extension does not count.",
            &[
                "Stage",
                "Extensions used",
                "Beyond 10/20 working days without good reason",
                "Beyond 10/20 working days with good reason",
                "No agreed date recorded",
                "Notified late",
            ],
        );
        for (name, _, f) in self.stages() {
            t = t.row(vec![
                Cell::text(name),
                Cell::Fig(f.extensions_used),
                Cell::Fig(f.beyond_cap),
                Cell::Fig(f.beyond_with_good_reason),
                Cell::Fig(f.agreed_date_missing),
                Cell::Fig(f.notified_late),
            ]);
        }
        t
    }

    /// T4b: working days to respond, on the Code's clock (beside its target) and from receipt.
    pub(super) fn t4_days(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "T4D",
            "T4b Working days to respond",
            &format!(
                "Responses dated in the period. The Code's clock, which the target is about, starts at the acknowledgement: here it runs {}. The days from receipt add the time taken to acknowledge.",
                self.m.method.response_clock.describe()
            ),
            &[
                "Stage",
                "Code target",
                "Median on the Code's clock",
                "Mean on the Code's clock",
                "Median from receipt",
                "Mean from receipt",
            ],
        );
        for ((name, s, _), target) in self.stages().into_iter().zip(["10", "20"]) {
            t = t.row(vec![
                Cell::text(name),
                Cell::text(target),
                Cell::Ratio(s.median_working_days_from_ack, s.responded),
                Cell::Ratio(s.mean_working_days_from_ack, s.responded),
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
            let prior = self.period.prior();
            (
                Determinations::determinations(&d.within(self.period.start, self.period.end)),
                Determinations::determinations(&d.within(prior.start, prior.end)),
            )
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
        if let Some((now, before)) = referred {
            t = t.row(vec![
                Cell::text("Ombudsman determinations in the period"),
                Cell::Total(now),
                Cell::Total(before),
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
        let prior_stock = self.prior.and_then(|p| p.tsm.values().find_map(|f| f.stock_date));
        let mut t = TableBuilder::new(
            "TSM",
            "Tenant Satisfaction Measures: complaints",
            &format!(
                "The Regulator's measures for low cost rental (LCRA) and low cost home ownership (LCHO) homes, each with the counts it rests on. Homes owned on {}{}. CH02 counts responses within the Code's timescales, valid extensions included. TP09 comes from the tenant perception survey.",
                self.stock_date().map_or("the period end".into(), long_date),
                match (self.prior, prior_stock) {
                    (Some(_), Some(d)) => format!(" (prior year: {})", long_date(d)),
                    (Some(_), None) => " (prior year: not given, so its CH01 is not worked out)".into(),
                    (None, _) => String::new(),
                }
            ),
            &[
                "Measure",
                "LCRA this year",
                "LCRA prior year",
                "LCHO this year",
                "LCHO prior year",
            ],
        );
        for row in TSM_MEASURES {
            let cell = |m, ids, tenure| tsm_cell(row.pick, m, ids, tenure);
            t = t.row(vec![
                Cell::text(row.label),
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
        let s = &self.m.satisfaction;
        let before = self.prior.map(|p| &p.satisfaction);
        let own = |pct: Option<f64>, responses: u64| match responses {
            0 => Cell::text("no responses"),
            _ => Cell::Ratio(pct, responses),
        };
        t = t.row(vec![
            Cell::text("Own post-complaint survey: % satisfied with how the complaint was handled (all tenures, not a TSM measure)"),
            own(s.pct, s.responses),
            before.map_or(Cell::text("–"), |b| own(b.pct, b.responses)),
            Cell::text("–"),
            Cell::text("–"),
        ]);
        if let Some(note) = &config.tsm.TP09_note {
            t = t.note(format!("TP09: {note}"));
        }
        t.note(format!(
            "Own survey: the satisfaction recorded in the export for complaints answered in the period, {} answers (prior year: {}). TP09 asks tenants who complained in the last 12 months in the tenant perception survey, so the two differ in who is asked and when.",
            crate::report::thousands(s.responses),
            before.map_or("–".into(), |b| crate::report::thousands(b.responses))
        ))
    }

    /// The prior year's TSM measures as published (`[tsm.published_prior]`) beside the same
    /// measures recomputed from this export, with the difference.
    pub(super) fn tsm_published_prior(&self) -> Option<TableBuilder> {
        let published = &self.config.tsm.published_prior;
        if published.lcra.is_none() && published.lcho.is_none() {
            return None;
        }
        let mut t = TableBuilder::new(
            "TSMP",
            "Prior-year TSM measures: as published and as recomputed",
            "Published: the figures submitted to the Regulator last year ([tsm.published_prior]). Recomputed: the same measures from this export with the prior year's stock. Difference: recomputed minus published (per 1,000 homes, or percentage points); a difference means records changed since, or the basis did, and the published figure stands unless restated.",
            &["Measure", "Tenure", "Published", "Recomputed", "Difference"],
        );
        type Measure = (
            &'static str,
            &'static str,
            &'static str,
            fn(&PublishedMeasures) -> Option<f64>,
        );
        let measures: [Measure; 4] = [
            ("CH01(1)", " per 1,000 homes", "", |p| p.CH01_1),
            ("CH01(2)", " per 1,000 homes", "", |p| p.CH01_2),
            ("CH02(1)", " % within timescale", "%", |p| p.CH02_1),
            ("CH02(2)", " % within timescale", "%", |p| p.CH02_2),
        ];
        for tenure in ["LCRA", "LCHO"] {
            let Some(given) = published.tenure(tenure) else {
                continue;
            };
            for (code, name, unit, value) in measures {
                let Some(value) = value(given) else {
                    continue;
                };
                let row = TSM_MEASURES
                    .iter()
                    .find(|row| row.label.starts_with(code))
                    .expect("every measure has its row");
                let recomputed = tsm_cell(row.pick, self.prior, &self.f.prior_tenures, tenure);
                let difference = Cell::Difference {
                    value: recomputed.value().map(|r| r - value),
                    of: Box::new(recomputed.clone()),
                };
                t = t.row(vec![
                    Cell::text(format!("{code}{name}")),
                    Cell::text(tenure),
                    Cell::text(format!("{value:.1}{unit}")),
                    recomputed,
                    difference,
                ]);
            }
        }
        Some(t)
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
