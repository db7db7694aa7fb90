//! Disclosure control attacked as a reader would: small random exports go through the real
//! pipeline into the annual web edition's report data; the attacker reads only what that
//! edition prints and the sums any reader can see in it (rows, columns, months within
//! quarters, quarters within the year, a table against the chart of the same figures,
//! percentages against their bases, total ÷ mean), then solves for every hidden cell with its
//! own linear solver and range reasoning. No hidden cell may be pinned to one value.
//!
//! The relations are written here from the printed tables, not taken from the tool, so a sum
//! the tool forgot to declare is one the attacker still uses.

use std::collections::BTreeMap;
use std::path::Path;

use complaints_report::config::Config;
use complaints_report::ingest::Fingerprints;
use complaints_report::observe::Silent;
use complaints_report::pipeline::{Pipeline, Request};
use complaints_report::report::{Edition, Figures, ReportInputs, Suppression, build_annual};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

/// A printed cell as the reader knows it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Known {
    Value(f64),
    /// "<5": 1 to 4.
    Small,
    /// "*": hidden, at least 1.
    Hidden,
}

fn parse(cell: &str) -> Option<Known> {
    let cell = cell.trim();
    match cell {
        "<5" => Some(Known::Small),
        "*" => Some(Known::Hidden),
        _ => cell
            .trim_start_matches('£')
            .replace(',', "")
            .parse()
            .ok()
            .map(Known::Value),
    }
}

/// The reader's unknowns and equations: Σ coefficient × cell = 0.
#[derive(Default)]
struct Reader {
    cells: Vec<(String, Known)>,
    index: BTreeMap<String, usize>,
    equations: Vec<Vec<(usize, f64)>>,
}

impl Reader {
    /// The cell `table[row][col]` (row by its first cell), if printed as a number or hidden.
    fn cell(&mut self, data: &Value, table: &str, row: &str, col: usize) -> Option<usize> {
        let rows = tables(data).get(table)?.clone();
        let cells = rows.iter().find(|r| r[0].as_str() == Some(row))?;
        let text = cells.get(col)?.as_str()?;
        let known = parse(text)?;
        let key = format!("{table}|{row}|{col}");
        if let Some(&i) = self.index.get(&key) {
            return Some(i);
        }
        self.cells.push((key.clone(), known));
        self.index.insert(key, self.cells.len() - 1);
        Some(self.cells.len() - 1)
    }

    /// A new unknown the reader reasons about (e.g. a percentage's numerator).
    fn unknown(&mut self, name: String) -> usize {
        self.cells.push((format!("~{name}"), Known::Hidden));
        self.cells.len() - 1
    }

    /// total = Σ parts, when every cell is printed.
    fn sum(&mut self, total: Option<usize>, parts: &[Option<usize>]) {
        let (Some(total), Some(parts)) = (total, parts.iter().copied().collect::<Option<Vec<_>>>()) else {
            return;
        };
        let mut eq: Vec<(usize, f64)> = parts.into_iter().map(|p| (p, 1.0)).collect();
        eq.push((total, -1.0));
        self.equations.push(eq);
    }

    /// A shown percentage p of a base: Σ numerator = p/100 × base (to rounding, which is exact
    /// enough for small bases), an equation like any other.
    fn percentage(
        &mut self,
        data: &Value,
        table: &str,
        row: &str,
        col: usize,
        base: Option<usize>,
        numerator: &[Option<usize>],
    ) {
        let Some(text) = tables(data)
            .get(table)
            .and_then(|rows| rows.iter().find(|r| r[0].as_str() == Some(row)).cloned())
            .and_then(|r| r.get(col).and_then(Value::as_str).map(str::to_string))
        else {
            return;
        };
        let Some(pct) = text.split('%').next().and_then(|p| p.trim().parse::<f64>().ok()) else {
            return;
        };
        let (Some(base), Some(parts)) = (base, numerator.iter().copied().collect::<Option<Vec<_>>>()) else {
            return;
        };
        let mut eq: Vec<(usize, f64)> = parts.into_iter().map(|p| (p, 1.0)).collect();
        eq.push((base, -pct / 100.0));
        self.equations.push(eq);
    }

    /// Indices of hidden cells the reader can pin to one value.
    fn recovered(&self) -> Vec<String> {
        let mut found = linear(self);
        found.extend(ranges(self));
        found.sort();
        found.dedup();
        found
            .into_iter()
            .filter(|&i| !self.cells[i].0.starts_with('~'))
            .map(|i| self.cells[i].0.clone())
            .collect()
    }
}

fn tables(data: &Value) -> BTreeMap<String, Vec<Vec<Value>>> {
    let mut out = BTreeMap::new();
    for (id, t) in data["tables"].as_object().unwrap() {
        out.insert(id.clone(), rows(t));
    }
    for (id, c) in data["charts"].as_object().unwrap() {
        out.insert(format!("{id}-data"), rows(&c["table"]));
    }
    out
}

fn rows(t: &Value) -> Vec<Vec<Value>> {
    t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_array().unwrap().clone())
        .collect()
}

/// Gaussian elimination over the unknown cells (f64, partial pivoting): an unknown is pinned
/// when a reduced equation holds it alone.
fn linear(r: &Reader) -> Vec<usize> {
    let unknown: Vec<usize> = (0..r.cells.len())
        .filter(|&i| !matches!(r.cells[i].1, Known::Value(_)))
        .collect();
    let col = |i: usize| unknown.iter().position(|&u| u == i);
    let mut m: Vec<Vec<f64>> = r
        .equations
        .iter()
        .map(|eq| {
            let mut row = vec![0.0; unknown.len()];
            for &(i, c) in eq {
                if let Some(k) = col(i) {
                    row[k] += c;
                }
            }
            row
        })
        .collect();
    let mut pivot = 0;
    let mut pivots = Vec::new();
    for c in 0..unknown.len() {
        let Some(best) = (pivot..m.len()).max_by(|&a, &b| m[a][c].abs().total_cmp(&m[b][c].abs())) else {
            break;
        };
        if m[best][c].abs() < 1e-9 {
            continue;
        }
        m.swap(pivot, best);
        let p = m[pivot][c];
        for v in m[pivot].iter_mut() {
            *v /= p;
        }
        let prow = m[pivot].clone();
        for (k, row) in m.iter_mut().enumerate() {
            if k != pivot && row[c].abs() > 1e-12 {
                let f = row[c];
                for (v, pv) in row.iter_mut().zip(&prow) {
                    *v -= f * pv;
                }
            }
        }
        pivots.push((pivot, c));
        pivot += 1;
    }
    pivots
        .into_iter()
        .filter(|&(row, _)| m[row].iter().filter(|v| v.abs() > 1e-9).count() == 1)
        .map(|(_, c)| unknown[c])
        .filter(|&i| r.cells[i].1 != Known::Value(0.0))
        .collect()
}

/// Each equation narrows its unknowns' ranges ("<5" is 1–4, "*" at least 1).
fn ranges(r: &Reader) -> Vec<usize> {
    let big = 1e12;
    let mut range: Vec<(f64, f64)> = r
        .cells
        .iter()
        .map(|(_, k)| match k {
            Known::Value(v) => (*v, *v),
            Known::Small => (1.0, 4.0),
            Known::Hidden => (1.0, big),
        })
        .collect();
    for _ in 0..50 {
        for eq in &r.equations {
            for &(i, ci) in eq {
                let (mut lo, mut hi) = (0.0, 0.0);
                for &(j, cj) in eq {
                    if j != i {
                        let (a, b) = (-cj * range[j].0, -cj * range[j].1);
                        lo += a.min(b);
                        hi += a.max(b);
                    }
                }
                let (lo, hi) = if ci > 0.0 {
                    (lo / ci, hi / ci)
                } else {
                    (hi / ci, lo / ci)
                };
                range[i] = (range[i].0.max(lo), range[i].1.min(hi));
            }
        }
    }
    (0..r.cells.len())
        .filter(|&i| !matches!(r.cells[i].1, Known::Value(_)) && (range[i].1 - range[i].0).abs() < 0.5)
        .collect()
}

/// The sums a reader can see in the annual report's tables and charts.
fn read_annual(data: &Value) -> Reader {
    let mut r = Reader::default();
    let t = tables(data);
    let labels = |id: &str| -> Vec<String> {
        t.get(id)
            .map(|rows| {
                rows.iter()
                    .filter_map(|row| row[0].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    for stage in ["Stage 1", "Stage 2"] {
        // T3: received = on time + late + missing; % on time.
        let c: Vec<Option<usize>> = (1..=4).map(|k| r.cell(data, "T3", stage, k)).collect();
        r.sum(c[0], &c[1..]);
        r.percentage(data, "T3", stage, 5, c[0], &[c[1]]);
        // T4: responded = within base + within extension + late; the two percentages.
        let c: Vec<Option<usize>> = (1..=4).map(|k| r.cell(data, "T4", stage, k)).collect();
        r.sum(c[0], &c[1..]);
        r.percentage(data, "T4", stage, 5, c[0], &[c[1], c[2]]);
        r.percentage(data, "T4", stage, 6, c[0], &[c[1]]);
        // T5: open = in time + overdue = the four age bands; C7 draws the bands.
        let c: Vec<Option<usize>> = (1..=7).map(|k| r.cell(data, "T5", stage, k)).collect();
        r.sum(c[0], &c[1..3]);
        r.sum(c[0], &c[3..]);
        let col = if stage == "Stage 1" { 1 } else { 2 };
        for (k, band) in ["0–10", "11–20", "21–40", "Over 40"].into_iter().enumerate() {
            let drawn = r.cell(data, "C7-data", band, col);
            r.sum(c[3 + k], &[drawn]);
        }
        // T6: responded = the four outcomes; % upheld in full or part of those decided; C4.
        let c: Vec<Option<usize>> = (1..=5).map(|k| r.cell(data, "T6", stage, k)).collect();
        r.sum(c[4], &c[..4]);
        let decided = r.unknown(format!("T6|{stage} decided"));
        r.sum(Some(decided), &c[..3]);
        r.percentage(data, "T6", stage, 6, Some(decided), &c[..2]);
        for (k, &shown) in c[..4].iter().enumerate() {
            let drawn = r.cell(data, "C4-data", stage, k + 1);
            r.sum(shown, &[drawn]);
        }
    }
    // T1a quarters sum to the year (T1, T4); months (C1, C2, C3) sum to their quarters.
    let quarters = labels("T1Q");
    let year = [
        r.cell(data, "T1", "Stage 1 complaints received", 1),
        r.cell(data, "T1", "Stage 2 complaints received", 1),
        r.cell(data, "T4", "Stage 1", 1),
        r.cell(data, "T4", "Stage 2", 1),
    ];
    let months = labels("C1-data");
    for (k, col) in [1, 2, 3, 5].into_iter().enumerate() {
        let parts: Vec<Option<usize>> = quarters.iter().map(|q| r.cell(data, "T1Q", q, col)).collect();
        r.sum(year[k], &parts);
        for (qi, q) in quarters.iter().enumerate() {
            let inside: Vec<Option<usize>> = months
                .iter()
                .skip(3 * qi)
                .take(3)
                .map(|m| match col {
                    1 => r.cell(data, "C1-data", m, 1),
                    2 => r.cell(data, "C1-data", m, 2),
                    3 => r.cell(data, "C3-data", m, 1),
                    _ => None,
                })
                .collect();
            let quarter = r.cell(data, "T1Q", q, col);
            r.sum(quarter, &inside);
        }
    }
    // Categories: each stage's column sums to "All categories"; C5 draws stage 1.
    for (table, total, cols) in [
        ("T7", "All categories", vec![1, 2]),
        ("TR", "All refused", vec![1]),
        ("TC", "All channels", vec![1]),
    ] {
        for col in cols {
            let parts: Vec<Option<usize>> = labels(table)
                .iter()
                .filter(|l| l.as_str() != total)
                .map(|l| r.cell(data, table, l, col))
                .collect();
            let all = r.cell(data, table, total, col);
            r.sum(all, &parts);
        }
    }
    for category in labels("C5-data") {
        let drawn = r.cell(data, "C5-data", &category, 1);
        let shown = r.cell(data, "T7", &category, 1);
        r.sum(shown, &[drawn]);
    }
    for reason in labels("C10-data") {
        let drawn = r.cell(data, "C10-data", &reason, 1);
        let shown = r.cell(data, "TR", &reason, 1);
        r.sum(shown, &[drawn]);
    }
    let all_categories = r.cell(data, "T7", "All categories", 1);
    r.sum(all_categories, &[year[0]]);
    // T8: rows sum to responses; each outcome column to the two stages' in T6.
    let categories = labels("T8");
    for c in &categories {
        let cells: Vec<Option<usize>> = (1..=5).map(|k| r.cell(data, "T8", c, k)).collect();
        r.sum(cells[4], &cells[..4]);
    }
    for k in 1..=4 {
        let parts: Vec<Option<usize>> = categories.iter().map(|c| r.cell(data, "T8", c, k)).collect();
        let both = r.unknown(format!("T8 column {k}"));
        r.sum(Some(both), &parts);
        let stages = [r.cell(data, "T6", "Stage 1", k), r.cell(data, "T6", "Stage 2", k)];
        r.sum(Some(both), &stages);
    }
    // T10: counts and amounts add up; a shown mean with its count gives the amount.
    for col in [1, 2] {
        let parts = [
            r.cell(data, "T10", "Stage 1", col),
            r.cell(data, "T10", "Stage 2", col),
        ];
        let all = r.cell(data, "T10", "All", col);
        r.sum(all, &parts);
    }
    for stage in ["Stage 1", "Stage 2", "All"] {
        let (n, total, mean) = (
            r.cell(data, "T10", stage, 1),
            r.cell(data, "T10", stage, 2),
            r.cell(data, "T10", stage, 3),
        );
        if let (Some(n), Some(total), Some(mean)) = (n, total, mean)
            && let Known::Value(m) = r.cells[mean].1
            && m > 0.0
        {
            // total = mean × count, linear once the mean is shown.
            r.equations.push(vec![(total, 1.0), (n, -m)]);
        }
    }
    r
}

const CATEGORIES: [&str; 5] = ["Repairs", "Damp and mould", "Noise", "Staff conduct", "Rent"];
const OUTCOMES: [&str; 4] = ["Upheld", "Partly upheld", "Not upheld", ""];
const REASONS: [&str; 3] = ["Out of time", "Insurance claim", "Legal proceedings"];
const CHANNELS: [&str; 3] = ["Phone", "Email", "Web form"];

/// A small export for 2024/25: mostly small counts, some escalations, late responses,
/// refusals and compensation.
fn random_export(rng: &mut ChaCha8Rng, dir: &Path) -> std::path::PathBuf {
    let start = chrono::NaiveDate::from_ymd_opt(2024, 4, 1).unwrap();
    let mut csv = String::from(
        "Reference,Received,Category,Complaint channel,Complaint status,Refusal reason,Stage 1 acknowledged,Stage 1 responded,Stage 1 outcome,Stage 2 requested,Stage 2 responded,Stage 2 outcome,Compensation amount,Tenure type\n",
    );
    let n = rng.random_range(12..60);
    for i in 0..n {
        let received = start + chrono::Duration::days(rng.random_range(0..364));
        let day = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
        let category = CATEGORIES[rng.random_range(0..CATEGORIES.len())];
        let channel = CHANNELS[rng.random_range(0..CHANNELS.len())];
        let tenure = if rng.random_bool(0.8) {
            "General needs"
        } else {
            "Shared ownership"
        };
        if rng.random_bool(0.1) {
            let reason = REASONS[rng.random_range(0..REASONS.len())];
            csv.push_str(&format!(
                "R-{i},{},{category},{channel},Refused,{reason},,,,,,,,{tenure}\n",
                day(received)
            ));
            continue;
        }
        let ack = received + chrono::Duration::days(rng.random_range(1..9));
        let responded = received + chrono::Duration::days(rng.random_range(5..30));
        let answered =
            responded < chrono::NaiveDate::from_ymd_opt(2025, 3, 31).unwrap() && rng.random_bool(0.85);
        let outcome = OUTCOMES[rng.random_range(0..OUTCOMES.len())];
        let (s1r, s1o) = if answered {
            (day(responded), outcome)
        } else {
            (String::new(), "")
        };
        let escalate = answered && rng.random_bool(0.25);
        let (s2q, s2r, s2o) = if escalate {
            let asked = responded + chrono::Duration::days(rng.random_range(1..20));
            let done = asked + chrono::Duration::days(rng.random_range(10..40));
            let done_text = if done < chrono::NaiveDate::from_ymd_opt(2025, 3, 31).unwrap() {
                day(done)
            } else {
                String::new()
            };
            (day(asked), done_text, OUTCOMES[rng.random_range(0..3)])
        } else {
            (String::new(), String::new(), "")
        };
        let compensation = if answered && rng.random_bool(0.2) {
            format!("{}", 25 * rng.random_range(1..12))
        } else {
            String::new()
        };
        csv.push_str(&format!(
            "C-{i},{},{category},{channel},,,{},{s1r},{s1o},{s2q},{s2r},{s2o},{compensation},{tenure}\n",
            day(received),
            day(ack)
        ));
    }
    std::fs::write(dir.join("export.csv"), csv).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        "homes = 400\n[report]\norganisation = \"Attack Homes\"\nperiod = \"2024/25\"\n[input]\nfiles = [\"export.csv\"]\n",
    )
    .unwrap();
    config
}

fn web_report(config: &Path) -> (Value, Value) {
    let config = Config::load(config).unwrap();
    let analysis = Pipeline::new(config, &[])
        .unwrap()
        .analyse(Request::default(), Fingerprints::NotPrinted, &Silent)
        .unwrap();
    let figures = Figures {
        config: &analysis.config,
        period: analysis.period,
        metrics: &analysis.metrics,
        quality: analysis.quality(),
    };
    let inputs = ReportInputs::default();
    let s = Suppression::default();
    let json = |edition| serde_json::to_value(build_annual(&figures, &inputs, edition, &s).unwrap()).unwrap();
    (json(Edition::Web), json(Edition::Board))
}

#[test]
fn no_hidden_figure_of_a_small_export_can_be_worked_out_from_the_web_edition() {
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    let mut hidden = 0;
    for case in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let config = random_export(&mut rng, dir.path());
        let (web, board) = web_report(&config);
        let reader = read_annual(&web);
        hidden += reader
            .cells
            .iter()
            .filter(|(_, k)| *k != Known::Value(0.0) && !matches!(k, Known::Value(_)))
            .count();
        let found = reader.recovered();
        assert!(
            found.is_empty(),
            "case {case}: the web edition gives away {found:?}\nboard tables: {}",
            board["tables"]
        );
        // The board edition hides nothing.
        let board_reader = read_annual(&board);
        assert!(
            board_reader
                .cells
                .iter()
                .all(|(name, k)| matches!(k, Known::Value(_)) || name.starts_with('~'))
        );
    }
    assert!(
        hidden > 50,
        "the exports exercise suppression ({hidden} hidden cells)"
    );
}

#[test]
fn the_reader_recovers_a_lone_small_count_from_an_unprotected_table() {
    // The attacker is real: given T5 as plain small-number suppression would print it
    // (open 19, in time 18, overdue "<5"), it finds the overdue count.
    let data: Value = serde_json::json!({
        "tables": {"T5": {"rows": [["Stage 1", "19", "18", "<5", "15", "4", "0", "0"]]}},
        "charts": {}
    });
    let found = read_annual(&data).recovered();
    assert_eq!(found, ["T5|Stage 1|3"]);
}
