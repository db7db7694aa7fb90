//! `summary`: the headline figures and the top categories as a terminal table.

use comfy_table::{Attribute, Cell, Color, Table};

use crate::cli::SummaryArgs;
use crate::error::Result;
use crate::ingest::Fingerprints;
use crate::metrics::Metrics;
use crate::report::thousands;

/// Categories listed.
const TOP: usize = 10;

pub fn run(args: &SummaryArgs) -> Result<i32> {
    let analysis = super::analyse(&args.input, args.period.request(), Fingerprints::NotPrinted)?;
    super::terminal::print_data(render(&analysis.metrics, super::terminal::colour()).as_bytes())?;
    Ok(0)
}

pub fn render(m: &Metrics, colour: bool) -> String {
    let head = |text: &str| {
        let cell = Cell::new(text);
        if colour {
            cell.add_attribute(Attribute::Bold).fg(Color::Cyan)
        } else {
            cell
        }
    };
    let prior = m.prior.as_deref();
    let mut headline = styled(colour);
    headline.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    headline.set_header(vec![
        head("Measure"),
        head("Stage 1"),
        head("Stage 2"),
        head("Stage 1 prior year"),
    ]);
    type Pick = fn(&Metrics) -> (String, String);
    let rows: [(&str, Pick); 8] = [
        ("Received", |m| {
            (thousands(m.stage1.received), thousands(m.stage2.received))
        }),
        ("Acknowledged on time", |m| {
            (
                pct(m.stage1.acknowledged_on_time_pct),
                pct(m.stage2.acknowledged_on_time_pct),
            )
        }),
        ("Responded", |m| {
            (thousands(m.stage1.responded), thousands(m.stage2.responded))
        }),
        ("Within timescale (all complaints)", |m| {
            (
                pct(m.stage1.within_timescale_pct),
                pct(m.stage2.within_timescale_pct),
            )
        }),
        ("Median working days from acknowledgement", |m| {
            (
                days(m.stage1.median_working_days_from_ack),
                days(m.stage2.median_working_days_from_ack),
            )
        }),
        ("Median working days from receipt", |m| {
            (
                days(m.stage1.median_working_days_to_respond),
                days(m.stage2.median_working_days_to_respond),
            )
        }),
        ("Open at period end", |m| {
            (thousands(m.stage1.open_at_end), thousands(m.stage2.open_at_end))
        }),
        ("Overdue at period end", |m| {
            (
                thousands(m.stage1.open_overdue_at_end),
                thousands(m.stage2.open_overdue_at_end),
            )
        }),
    ];
    for (name, pick) in rows.iter() {
        let (s1, s2) = pick(m);
        let before = prior.map_or_else(|| "–".to_string(), |p| pick(p).0);
        headline.add_row(vec![name.to_string(), s1, s2, before]);
    }
    let mut categories = styled(colour);
    categories.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    categories.set_header(vec![head("Category"), head("Stage 1"), head("Stage 2")]);
    let mut ranked: Vec<_> = m.categories.iter().collect();
    ranked.sort_by(|a, b| {
        (b.1.stage1 + b.1.stage2)
            .cmp(&(a.1.stage1 + a.1.stage2))
            .then(a.0.cmp(b.0))
    });
    for (name, c) in ranked.into_iter().take(TOP) {
        categories.add_row(vec![name.clone(), thousands(c.stage1), thousands(c.stage2)]);
    }
    format!(
        "{} to {} (open cases as at {}): {} complaints from {} rows\n{headline}\nEscalation rate {}  ·  resolved at stage 1 {}  ·  refused {}\n\nTop categories (received in the period)\n{categories}\n",
        m.period.start,
        m.period.end,
        m.period.as_at,
        thousands(m.records.complaints as u64),
        thousands(m.records.rows_read as u64),
        pct(m.escalation_rate_pct),
        pct(m.resolved_at_stage1_pct),
        thousands(m.refused.total),
    )
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_string(), |v| format!("{v:.1}%"))
}

fn days(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_string(), |v| format!("{v:.1}"))
}

/// A table styled only when colour is wanted: comfy-table would otherwise decide by itself
/// whether stdout is a terminal, and keep bold when NO_COLOR asks for none.
fn styled(colour: bool) -> Table {
    let mut table = Table::new();
    match colour {
        true => table.enforce_styling(),
        false => table.force_no_tty(),
    };
    table
}
