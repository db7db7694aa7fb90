//! The quarterly report's tables (QV, QT, QR, QC, QO, QX, QF, QA, QE) and charts (QC1, QC2).

use super::register::QuarterContext;
use super::{no_data, quarter_label};
use crate::metrics::Metrics;
use crate::report::charts::{ChartSpec, Layout, Series};
use crate::report::disclosure::FigureId;
use crate::report::figures::{StageFigures, TSM_MEASURES, tsm_cell};
use crate::report::table::{Cell, Edition, TableBuilder};

impl QuarterContext<'_> {
    /// QV: the quarter beside the year to date, with the counts behind each percentage.
    pub(super) fn volumes(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "QV",
            "Volumes and performance",
            "Received by date received; responses and timeliness by response date; open and overdue at the end of each span.",
            &["Measure", "This quarter", "Year to date"],
        );
        t.counts_beside_pct = true;
        type Pick = fn(&Metrics, &[StageFigures; 2]) -> Cell;
        let rows: [(&str, Pick); 11] = [
            ("Stage 1 received", |_, f| Cell::Fig(f[0].received)),
            ("Stage 2 received", |_, f| Cell::Fig(f[1].received)),
            ("Stage 1 acknowledged on time", |m, f| {
                StageFigures::pct(m.stage1.acknowledged_on_time_pct, f[0].ack_on_time, f[0].received)
            }),
            ("Stage 1 responded", |_, f| Cell::Fig(f[0].responded)),
            ("Stage 1 within timescale", |m, f| {
                StageFigures::pct(m.stage1.within_timescale_pct, f[0].within, f[0].responded)
            }),
            ("Stage 2 responded", |_, f| Cell::Fig(f[1].responded)),
            ("Stage 2 within timescale", |m, f| {
                StageFigures::pct(m.stage2.within_timescale_pct, f[1].within, f[1].responded)
            }),
            ("Stage 1 open at end", |_, f| Cell::Fig(f[0].open)),
            ("Stage 1 overdue at end", |_, f| Cell::Fig(f[0].overdue)),
            ("Stage 2 open at end", |_, f| Cell::Fig(f[1].open)),
            ("Stage 2 overdue at end", |_, f| Cell::Fig(f[1].overdue)),
        ];
        for (name, pick) in rows {
            t = t.row(vec![
                Cell::text(name),
                pick(&self.f.this, &self.this),
                pick(&self.f.to_date, &self.to_date),
            ]);
        }
        t
    }

    /// QT: CH01 and CH02 for the year to date, LCRA and LCHO.
    pub(super) fn tsm_to_date(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "QT",
            "Tenant Satisfaction Measures, year to date",
            "CH01: complaints per 1,000 homes in the year so far (not annualised); CH02: responses within the Code timescale.",
            &["Measure", "LCRA", "LCHO"],
        );
        t.counts_beside_pct = true;
        // The percentages print their counts beside them.
        for row in TSM_MEASURES.iter().filter(|row| !row.count_behind) {
            let cell = |tenure| tsm_cell(row.pick, Some(&self.f.to_date), &self.tenures, tenure);
            t = t.row(vec![Cell::text(row.label), cell("LCRA"), cell("LCHO")]);
        }
        t
    }

    /// QR: the last four quarters, each judged at its own end; "no data" where the export
    /// holds nothing for a quarter.
    pub(super) fn rolling(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "QR",
            "The last four quarters",
            "Each quarter judged at its own end. \"No data\": the export holds no complaint received, answered or open in that quarter.",
            &[
                "Quarter",
                "Stage 1 received",
                "Stage 2 received",
                "Stage 1 within timescale",
                "Stage 2 within timescale",
                "Open at end",
                "Overdue at end",
            ],
        );
        t.counts_beside_pct = true;
        for (((p, m), f), open) in self
            .f
            .last_four
            .iter()
            .zip(&self.last_four)
            .zip(&self.last_four_open)
        {
            if no_data(m) {
                let mut row = vec![Cell::text(quarter_label(p))];
                row.extend((0..6).map(|_| Cell::text("no data")));
                t = t.row(row);
                continue;
            }
            t = t.row(vec![
                Cell::text(quarter_label(p)),
                Cell::Fig(f[0].received),
                Cell::Fig(f[1].received),
                StageFigures::pct(m.stage1.within_timescale_pct, f[0].within, f[0].responded),
                StageFigures::pct(m.stage2.within_timescale_pct, f[1].within, f[1].responded),
                Cell::Fig(open[0]),
                Cell::Fig(open[1]),
            ]);
        }
        t
    }

    /// QC: stage 1 categories this quarter beside the year to date.
    pub(super) fn categories(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "QC",
            "Categories of stage 1 complaints",
            "Stage 1 complaints received, by category, most frequent in the year to date first.",
            &["Category", "This quarter", "Year to date"],
        );
        for (label, q, ytd) in &self.categories {
            t = t.row(vec![Cell::text(label.clone()), Cell::Fig(*q), Cell::Fig(*ytd)]);
        }
        t.row(vec![
            Cell::text("All categories"),
            Cell::Fig(self.this[0].received),
            Cell::Fig(self.to_date[0].received),
        ])
    }

    /// QO: the outcomes of the quarter's responses.
    pub(super) fn outcomes(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "QO",
            "Outcomes this quarter",
            "Responses dated in the quarter.",
            &[
                "Stage",
                "Upheld",
                "Partly upheld",
                "Not upheld",
                "Other",
                "Responded",
            ],
        );
        for (name, f) in ["Stage 1", "Stage 2"].into_iter().zip(&self.this) {
            t = t.row(crate::report::outcome_cells(name, f));
        }
        t
    }

    /// QX: compensation and extensions on the quarter's responses.
    pub(super) fn remedies(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "QX",
            "Compensation and extensions this quarter",
            "Final responses in the quarter with compensation above zero; extensions on responses in the quarter.",
            &[
                "Stage",
                "Compensated",
                "Amount",
                "Mean",
                "Extensions used",
                "Beyond 10/20 working days without good reason",
                "Notified late",
            ],
        );
        let rows = self.compensation.cells(&self.f.this.compensation);
        for (i, (name, money)) in rows.into_iter().enumerate() {
            let ext = |pick: fn(&StageFigures) -> FigureId| {
                self.this.get(i).map_or(Cell::text("–"), |f| Cell::Fig(pick(f)))
            };
            let mut row = vec![Cell::text(name)];
            row.extend(money);
            row.extend([
                ext(|f| f.extensions_used),
                ext(|f| f.beyond_cap),
                ext(|f| f.notified_late),
            ]);
            t = t.row(row);
        }
        t
    }

    /// QF: refusals this quarter by reason.
    pub(super) fn refusals(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "QF",
            "Complaints refused this quarter, by reason",
            "Complaints not accepted under the complaints policy, by date received.",
            &["Reason", "Complaints"],
        );
        for (reason, id) in &self.refusals {
            t = t.row(vec![Cell::text(reason.clone()), Cell::Fig(*id)]);
        }
        t.row(vec![Cell::text("All refused"), Cell::Fig(self.refused)])
    }

    /// QA: open stages at the quarter end by age.
    pub(super) fn ageing(&self) -> TableBuilder {
        let mut t = TableBuilder::new(
            "QA",
            "Open complaints at the quarter end, by age",
            "Working days since receipt at the quarter end.",
            &[
                "Stage",
                "Open",
                "Overdue",
                "0–10 days",
                "11–20 days",
                "21–40 days",
                "Over 40 days",
            ],
        );
        for (name, f) in ["Stage 1", "Stage 2"].into_iter().zip(&self.this) {
            let mut row = vec![Cell::text(name), Cell::Fig(f.open), Cell::Fig(f.overdue)];
            row.extend(f.bands.iter().map(|b| Cell::Fig(*b)));
            t = t.row(row);
        }
        t
    }

    /// QE: the exceptions a board acts on. The board edition lists them (capped); the web
    /// edition has no case data.
    pub(super) fn exceptions(&self, edition: Edition) -> TableBuilder {
        let q = &self.f.config.quarterly;
        let cases = &self.exceptions;
        let mut t = TableBuilder::new(
            "QE",
            "Exceptions: open complaints needing attention",
            &format!(
                "Open at the quarter end and overdue, older than {} working days, or in a watched category; overdue first, then the oldest. {} of {} open stages.",
                q.exception_age_days,
                cases.len(),
                self.f.open_cases.total
            ),
            &[
                "Reference",
                "Stage",
                "Category",
                "Received",
                "Deadline",
                "Why",
                "Age (working days)",
            ],
        );
        t.numeric_from = 6;
        if edition == Edition::Web {
            t.header = vec!["Why".into(), "Open stages".into()];
            for (reason, id) in &self.exceptions_by_reason {
                t = t.row(vec![Cell::text(reason.describe()), Cell::Fig(*id)]);
            }
            return t;
        }
        for e in cases.iter().take(q.exceptions_listed) {
            let c = e.case;
            let date = |s: &str| {
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_or_else(|_| s.to_string(), crate::report::long_date)
            };
            t = t.row(vec![
                Cell::text(c.reference.clone()),
                Cell::text(c.stage.clone()),
                Cell::text(c.category.clone()),
                Cell::text(date(&c.received)),
                Cell::text(date(&c.deadline)),
                Cell::text(
                    e.reasons
                        .iter()
                        .map(|r| r.describe())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                c.age_working_days
                    .map_or(Cell::text("–"), |a| Cell::Total(a.max(0) as u64)),
            ]);
        }
        if cases.len() > q.exceptions_listed {
            t = t.note(format!(
                "{} more exceptions are not listed ([quarterly] exceptions_listed = {}).",
                cases.len() - q.exceptions_listed,
                q.exceptions_listed
            ));
        }
        t
    }

    /// QC1 and QC2: the last four quarters' volumes and timeliness.
    pub(super) fn charts(&self) -> Vec<ChartSpec> {
        let covered: Vec<usize> = (0..self.f.last_four.len())
            .filter(|&i| !no_data(&self.f.last_four[i].1))
            .collect();
        let labels: Vec<String> = covered
            .iter()
            .map(|&i| quarter_label(&self.f.last_four[i].0))
            .collect();
        let mut received = ChartSpec::new(
            "QC1",
            "Complaints received, last four quarters",
            labels.clone(),
            Layout::Grouped,
            "Complaints received",
        );
        received.bars = (0..2)
            .map(|s| {
                Series::counts(
                    ["Stage 1", "Stage 2"][s],
                    covered.iter().map(|&i| self.last_four[i][s].received),
                )
            })
            .collect();
        let mut timeliness = ChartSpec::new(
            "QC2",
            "Responses within timescale, last four quarters",
            labels,
            Layout::Lines,
            "% within timescale",
        );
        timeliness.percent = true;
        timeliness.lines = (0..2)
            .map(|s| {
                Series::new(
                    ["Stage 1", "Stage 2"][s],
                    covered
                        .iter()
                        .map(|&i| {
                            let m = &self.f.last_four[i].1;
                            let pct = if s == 0 {
                                m.stage1.within_timescale_pct
                            } else {
                                m.stage2.within_timescale_pct
                            };
                            let f = &self.last_four[i][s];
                            StageFigures::pct(pct, f.within, f.responded)
                        })
                        .collect(),
                )
            })
            .collect();
        timeliness.target = Some((100.0, "Target 100%".into()));
        vec![received, timeliness]
            .into_iter()
            .filter(|c| !c.categories.is_empty())
            .collect()
    }
}
