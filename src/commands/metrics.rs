//! `metrics`: the figures for a period, as JSON (the contract in the README) or as text.

use std::fmt::Write as _;

use crate::cli::{MetricsArgs, MetricsFormat};
use crate::error::Result;
use crate::ingest::Fingerprints;
use crate::metrics::{Metrics, StageMetrics};

pub fn run(args: &MetricsArgs) -> Result<i32> {
    let request = args.period.request();
    let analysis = super::analyse(&args.input, request, Fingerprints::NotPrinted)?;
    let text = match args.format {
        MetricsFormat::Json => {
            serde_json::to_string_pretty(&analysis.metrics).expect("metrics serialise") + "\n"
        }
        MetricsFormat::Text => render_text(&analysis.metrics),
    };
    super::terminal::print_data(text.as_bytes())?;
    Ok(0)
}

fn show(value: Option<f64>, unit: &str) -> String {
    value.map_or_else(|| "n/a".to_string(), |v| format!("{v:.1}{unit}"))
}

fn stage_lines(out: &mut String, name: &str, s: &StageMetrics) {
    let _ = writeln!(out, "{name}");
    let _ = writeln!(out, "  received {:>8}   withdrawn {}", s.received, s.withdrawn);
    let _ = writeln!(
        out,
        "  acknowledged on time {} ({})",
        s.acknowledged_on_time,
        show(s.acknowledged_on_time_pct, "%")
    );
    let _ = writeln!(
        out,
        "  responded {:>7}   within base {}, within extension {}, late {}  →  {} within timescale",
        s.responded,
        s.within_base,
        s.within_extension,
        s.late,
        show(s.within_timescale_pct, "%")
    );
    let _ = writeln!(
        out,
        "  median working days to respond: {} from acknowledgement (the Code's clock), {} from receipt",
        show(s.median_working_days_from_ack, ""),
        show(s.median_working_days_to_respond, "")
    );
    let _ = writeln!(
        out,
        "  open at end {} (overdue {})",
        s.open_at_end, s.open_overdue_at_end
    );
    let o = &s.outcomes;
    let _ = writeln!(
        out,
        "  outcomes: upheld {}, partly upheld {}, not upheld {}, other {}",
        o.upheld, o.partly_upheld, o.not_upheld, o.other
    );
}

pub fn render_text(m: &Metrics) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Period {} to {} (open cases as at {})",
        m.period.start, m.period.end, m.period.as_at
    );
    let r = &m.records;
    let _ = writeln!(
        out,
        "Records: {} rows read, {} included, {} excluded; {} complaints\n",
        r.rows_read, r.included, r.excluded, r.complaints
    );
    stage_lines(&mut out, "Stage 1", &m.stage1);
    stage_lines(&mut out, "Stage 2", &m.stage2);
    let _ = writeln!(
        out,
        "\nEscalation rate {}   resolved at stage 1 {}",
        show(m.escalation_rate_pct, "%"),
        show(m.resolved_at_stage1_pct, "%")
    );
    let _ = writeln!(
        out,
        "Refused {}   satisfaction {} of {} ({})",
        m.refused.total,
        m.satisfaction.satisfied,
        m.satisfaction.responses,
        show(m.satisfaction.pct, "%")
    );
    let _ = writeln!(out, "\nTSM          homes   CH01 S1  CH01 S2   CH02 S1  CH02 S2");
    for (tenure, t) in &m.tsm {
        let _ = writeln!(
            out,
            "  {tenure:<6} {:>9} {:>8} {:>8} {:>9} {:>8}",
            t.homes.map_or("-".into(), |h| h.to_string()),
            show(t.CH01_stage1_per_1000, ""),
            show(t.CH01_stage2_per_1000, ""),
            show(t.CH02_stage1_pct, "%"),
            show(t.CH02_stage2_pct, "%")
        );
    }
    for w in &m.warnings {
        let _ = writeln!(out, "\nwarning: {w}");
    }
    out
}
