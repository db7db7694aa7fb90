//! A fictional landlord's complaint exports, generated from a fixed seed: the sample data and
//! the large files the benchmarks read. The records carry the imperfections real exports have
//! (title rows, sentinel dates, mixed date formats, duplicates, conflicting repeats, missing
//! references, unreadable dates, unmapped values, Windows-1252 text with "£" and line breaks).

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod files;

pub use files::{csv_bytes, fy_label, xlsx_bytes};

pub const ORGANISATION: &str = "Riverside Vale Homes";

/// Headers of the Datix-style export (landlord-defined UDF names, as in spec §5.2).
pub const HEADERS: [&str; 26] = [
    "Complaint ID",
    "Date Received",
    "Method of receipt",
    "Subject Description",
    "Sub-Subject Description",
    "Tenure",
    "Current Stage Description",
    "Status",
    "Refusal reason",
    "Stage1 Date Formal Complaint Acknowledged",
    "Stage1 Date Final Response Sent",
    "Extension Required?",
    "Stage1 Extension Notified",
    "FC Stage 1 Ext Target Date",
    "Outcome",
    "Date Formal Complaint Opened (S2)",
    "Date Formal Complaint Acknowledged S2",
    "Date Final Response Sent (S2)",
    "Extension Required (S2)",
    "Stage 2 extension notified",
    "FC Stage 2 Ext Target Date",
    "Outcome (S2)",
    "Compensation To Be Awarded",
    "Satisfaction with complaint handling",
    "Date Closed",
    "Description",
];

/// One cell: text, or a date (written as a date cell in XLSX and as text in CSV).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Date(NaiveDate, DateStyle),
}

/// How a date is written in the CSV, as different Datix fields and users write them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DateStyle {
    /// dd/mm/yyyy (Datix UDF output, CONVERT 103).
    Uk,
    /// yyyy-mm-dd hh:mm:ss.fff (raw SQL Server datetime).
    SqlServer,
    /// 3 May 2024 (typed by hand).
    Long,
    /// A date that must stay text in the XLSX too (typed into a text cell).
    UkText,
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Date(d, DateStyle::Uk | DateStyle::UkText) => d.format("%d/%m/%Y").to_string(),
            Cell::Date(d, DateStyle::SqlServer) => format!(
                "{} {:02}:{:02}:00.000",
                d.format("%Y-%m-%d"),
                8 + d.day() % 9,
                d.ordinal() % 60
            ),
            Cell::Date(d, DateStyle::Long) => format!("{} {}", d.day(), d.format("%B %Y")),
        }
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct SampleSpec {
    /// Financial years, each as its first year (2024 = 2024/25).
    pub years: Vec<i32>,
    pub complaints_per_year: usize,
    /// The date the export was taken: later events are unknown.
    pub extracted_on: NaiveDate,
    pub seed: u64,
}

/// The rows of one financial year's export (after the header).
pub struct YearExport {
    pub year: i32,
    pub rows: Vec<Vec<Cell>>,
}

pub fn generate(spec: &SampleSpec) -> Vec<YearExport> {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let mut next_id = 1;
    spec.years
        .iter()
        .map(|&year| {
            let mut rows = Vec::with_capacity(spec.complaints_per_year + spec.complaints_per_year / 50);
            let start = NaiveDate::from_ymd_opt(year, 4, 1).expect("valid year");
            let days = (NaiveDate::from_ymd_opt(year + 1, 4, 1).expect("valid year") - start).num_days();
            let mut received: Vec<NaiveDate> = (0..spec.complaints_per_year)
                .map(|_| receipt_day(&mut rng, start, days))
                .filter(|d| *d <= spec.extracted_on)
                .collect();
            received.sort();
            for day in received {
                let id = format!("RVH-{:02}-{:06}", year % 100, next_id);
                next_id += 1;
                let row = complaint(&mut rng, &id, day, spec.extracted_on);
                add_with_imperfections(&mut rng, &mut rows, row);
            }
            YearExport { year, rows }
        })
        .collect()
}

fn receipt_day(rng: &mut ChaCha8Rng, start: NaiveDate, days: i64) -> NaiveDate {
    loop {
        let d = start + Duration::days(rng.random_range(0..days));
        // Most complaints arrive on working days; web forms and emails also come at weekends.
        if !is_weekend(d) || rng.random_bool(0.25) {
            return d;
        }
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Adds n weekdays (the generator does not need bank holidays to look realistic).
fn add_weekdays(mut d: NaiveDate, n: u32) -> NaiveDate {
    let mut left = n;
    while left > 0 {
        d += Duration::days(1);
        if !is_weekend(d) {
            left -= 1;
        }
    }
    d
}

fn pick<'a>(rng: &mut ChaCha8Rng, weighted: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut r = rng.random_range(0..total);
    for (value, weight) in weighted {
        if r < *weight {
            return value;
        }
        r -= weight;
    }
    weighted[0].0
}

const CATEGORIES: &[(&str, &[&str], u32)] = &[
    (
        "Repairs",
        &[
            "Responsive repairs",
            "Repair appointment missed",
            "Quality of repair",
        ],
        30,
    ),
    ("Damp and mould", &["Damp and mould", "Condensation"], 12),
    (
        "Heating and hot water",
        &["No heating", "No hot water", "Boiler servicing"],
        8,
    ),
    (
        "Anti-social behaviour",
        &["Noise nuisance", "Harassment", "Case handling"],
        8,
    ),
    (
        "Estate services",
        &["Grounds maintenance", "Communal cleaning", "Fly-tipping"],
        9,
    ),
    (
        "Customer service",
        &["Staff conduct", "Communication", "Call handling"],
        12,
    ),
    (
        "Rent and service charges",
        &["Rent account", "Service charge", "Arrears action"],
        8,
    ),
    (
        "Lettings and allocations",
        &["Allocation decision", "Void property standard"],
        5,
    ),
    ("Planned works", &["Kitchen and bathroom", "Windows and doors"], 5),
    ("Neighbourhood management", &["Tenancy management", "Parking"], 3),
];

fn complaint(rng: &mut ChaCha8Rng, id: &str, received: NaiveDate, extracted: NaiveDate) -> Vec<Cell> {
    let mut cells = vec![Cell::Empty; HEADERS.len()];
    let date = |rng: &mut ChaCha8Rng, d: NaiveDate| -> Cell {
        if d > extracted {
            return Cell::Empty;
        }
        let style = match rng.random_range(0..100) {
            0..=84 => DateStyle::Uk,
            85..=94 => DateStyle::SqlServer,
            95..=97 => DateStyle::Long,
            _ => DateStyle::UkText,
        };
        Cell::Date(d, style)
    };
    let total: u32 = CATEGORIES.iter().map(|c| c.2).sum();
    let mut r = rng.random_range(0..total);
    let (category, subcategories) = CATEGORIES
        .iter()
        .find(|c| {
            let hit = r < c.2;
            r = r.saturating_sub(c.2);
            hit
        })
        .map(|c| (c.0, c.1))
        .unwrap_or((CATEGORIES[0].0, CATEGORIES[0].1));
    cells[0] = Cell::Text(id.to_string());
    cells[1] = date(rng, received);
    cells[2] = Cell::Text(
        pick(
            rng,
            &[
                ("Phone", 35),
                ("Email", 30),
                ("Web form", 20),
                ("Letter", 5),
                ("In person", 5),
                ("Social media", 5),
            ],
        )
        .into(),
    );
    // A few subjects are typed differently from the landlord's list, as in real exports.
    cells[3] = Cell::Text(if rng.random_bool(0.01) {
        format!("{} ", category.to_uppercase())
    } else {
        category.to_string()
    });
    cells[4] = Cell::Text(subcategories[rng.random_range(0..subcategories.len())].into());
    cells[5] = match pick(
        rng,
        &[
            ("General Needs", 78),
            ("Supported Housing", 7),
            ("Shared Ownership", 8),
            ("Leasehold", 5),
            ("Market Rent", 1),
            ("", 1),
        ],
    ) {
        "" => Cell::Empty,
        t => Cell::Text(t.into()),
    };
    cells[25] = Cell::Text(description(rng, category));

    let fate = rng.random_range(0..100);
    if fate < 4 {
        let reason = pick(
            rng,
            &[
                ("Issue more than 12 months old", 35),
                ("Legal proceedings started", 15),
                ("Previously considered under the complaints policy", 20),
                ("Service request, not a complaint", 20),
                ("Not the landlord's responsibility", 10),
            ],
        );
        cells[6] = Cell::Text("Stage 1".into());
        cells[7] = Cell::Text(
            if rng.random_bool(0.5) {
                "Refused"
            } else {
                "Rejected"
            }
            .into(),
        );
        cells[8] = Cell::Text(reason.into());
        let closed = add_weekdays(received, rng.random_range(1..6));
        cells[24] = date(rng, closed);
        return cells;
    }

    // Stage 1: acknowledgement, response, extension.
    let ack_delay = match rng.random_range(0..100) {
        0..=79 => rng.random_range(0..4),
        80..=91 => rng.random_range(4..6),
        _ => rng.random_range(6..10),
    };
    let acknowledged = add_weekdays(received, ack_delay);
    cells[9] = match rng.random_range(0..100) {
        0..=2 => Cell::Text("01/01/1900".into()),
        3..=4 => Cell::Empty,
        _ => date(rng, acknowledged),
    };
    cells[6] = Cell::Text("Stage 1".into());
    if fate < 7 {
        cells[7] = Cell::Text("Withdrawn".into());
        cells[14] = Cell::Text("Withdrawn".into());
        let closed = add_weekdays(acknowledged, rng.random_range(1..8));
        cells[24] = date(rng, closed);
        return cells;
    }
    let base_due = add_weekdays(acknowledged.min(add_weekdays(received, 5)), 10);
    let (responded, extended) = match rng.random_range(0..100) {
        0..=74 => (add_weekdays(acknowledged, rng.random_range(2..11)), None),
        75..=86 => {
            let agreed = add_weekdays(base_due, rng.random_range(5..13));
            let notified = if rng.random_bool(0.85) {
                add_weekdays(base_due, 0) - Duration::days(rng.random_range(0..4))
            } else {
                add_weekdays(base_due, rng.random_range(1..4))
            };
            let responded = if rng.random_bool(0.8) {
                add_weekdays(base_due, rng.random_range(1..9))
            } else {
                add_weekdays(agreed, rng.random_range(1..6))
            };
            (responded, Some((notified, agreed)))
        }
        _ => (add_weekdays(base_due, rng.random_range(1..15)), None),
    };
    if let Some((notified, agreed)) = extended {
        cells[11] = Cell::Text(if rng.random_bool(0.7) { "Y" } else { "Yes" }.into());
        cells[12] = if rng.random_bool(0.9) {
            date(rng, notified)
        } else {
            Cell::Empty
        };
        cells[13] = date(rng, agreed);
    } else {
        cells[11] = Cell::Text(if rng.random_bool(0.6) { "N" } else { "" }.into());
    }
    if responded > extracted {
        cells[7] = Cell::Text("Open".into());
        return cells;
    }
    cells[10] = date(rng, responded);
    let outcome = pick(
        rng,
        &[
            ("Upheld", 30),
            ("Partially upheld", 20),
            ("Partly upheld", 5),
            ("Not upheld", 35),
            ("Justified", 3),
            ("No fault", 5),
            ("Resolved", 2),
        ],
    );
    cells[14] = Cell::Text(outcome.into());
    if outcome != "Not upheld" && outcome != "No fault" && rng.random_bool(0.35) {
        cells[22] = Cell::Text(match rng.random_range(0..20) {
            0 => "TBC".into(),
            1..=6 => format!("{}", rng.random_range(1..30) * 10),
            _ => format!("£{}.00", rng.random_range(1..60) * 25),
        });
    }
    if rng.random_bool(0.25) {
        cells[23] = Cell::Text(
            pick(
                rng,
                &[
                    ("Very satisfied", 15),
                    ("Fairly satisfied", 20),
                    ("Neither", 15),
                    ("Fairly dissatisfied", 20),
                    ("Very dissatisfied", 30),
                ],
            )
            .into(),
        );
    }

    // Stage 2 for about one in six responses.
    let mut closed = add_weekdays(responded, rng.random_range(0..4));
    if rng.random_bool(0.16) {
        let requested = responded + Duration::days(rng.random_range(2..40));
        if requested <= extracted {
            cells[6] = Cell::Text("Stage 2".into());
            cells[15] = date(rng, requested);
            let ack2 = add_weekdays(
                requested,
                if rng.random_bool(0.85) {
                    rng.random_range(0..5)
                } else {
                    rng.random_range(5..9)
                },
            );
            cells[16] = date(rng, ack2);
            let due2 = add_weekdays(ack2.min(add_weekdays(requested, 5)), 20);
            let responded2 = match rng.random_range(0..100) {
                0..=69 => add_weekdays(ack2, rng.random_range(5..21)),
                70..=84 => {
                    cells[18] = Cell::Text("Y".into());
                    let notified = due2 - Duration::days(rng.random_range(1..5));
                    cells[19] = date(rng, notified);
                    let agreed = add_weekdays(due2, rng.random_range(5..25));
                    cells[20] = date(rng, agreed);
                    add_weekdays(due2, rng.random_range(1..22))
                }
                _ => add_weekdays(due2, rng.random_range(1..20)),
            };
            if responded2 > extracted {
                cells[7] = Cell::Text("Open".into());
                return cells;
            }
            cells[17] = date(rng, responded2);
            cells[21] = Cell::Text(
                pick(
                    rng,
                    &[("Upheld", 25), ("Partially upheld", 25), ("Not upheld", 50)],
                )
                .into(),
            );
            closed = add_weekdays(responded2, rng.random_range(0..4));
        }
    }
    cells[7] = Cell::Text("Closed".into());
    cells[24] = date(rng, closed.min(extracted));
    cells
}

fn description(rng: &mut ChaCha8Rng, category: &str) -> String {
    let openings = [
        "Resident reports",
        "Tenant says",
        "Caller unhappy about",
        "Email complaint about",
    ];
    let mut text = format!(
        "{} {} issue",
        openings[rng.random_range(0..openings.len())],
        category.to_lowercase()
    );
    if rng.random_bool(0.1) {
        text.push_str(&format!(
            "; asks for £{} for damaged items",
            rng.random_range(2..40) * 5
        ));
    }
    if rng.random_bool(0.05) {
        text.push_str(", see notes:\n\"follow up next week\"");
    }
    text
}

/// Real exports repeat rows, leave references blank, and mistype dates.
fn add_with_imperfections(rng: &mut ChaCha8Rng, rows: &mut Vec<Vec<Cell>>, mut row: Vec<Cell>) {
    match rng.random_range(0..1000) {
        0..=2 => {
            rows.push(row.clone());
            rows.push(row);
        }
        3..=4 => {
            let mut repeat = row.clone();
            repeat[3] = Cell::Text("Customer service".into());
            rows.push(row);
            rows.push(repeat);
        }
        5 => {
            row[0] = Cell::Empty;
            rows.push(row);
        }
        6 => {
            row[1] = Cell::Text("TBC".into());
            rows.push(row);
        }
        7..=9 => {
            // A response typed with the wrong year lands before the receipt.
            if let Cell::Date(d, style) = row[10] {
                row[10] = Cell::Date(d.with_year(d.year() - 1).unwrap_or(d), style);
            }
            rows.push(row);
        }
        _ => rows.push(row),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_data() {
        let spec = SampleSpec {
            years: vec![2024],
            complaints_per_year: 200,
            extracted_on: NaiveDate::from_ymd_opt(2025, 4, 7).unwrap(),
            seed: 7,
        };
        let a: Vec<Vec<String>> = generate(&spec)[0]
            .rows
            .iter()
            .map(|r| r.iter().map(Cell::text).collect())
            .collect();
        let b: Vec<Vec<String>> = generate(&spec)[0]
            .rows
            .iter()
            .map(|r| r.iter().map(Cell::text).collect())
            .collect();
        assert_eq!(a, b);
        assert!(a.len() >= 195, "{}", a.len());
    }

    #[test]
    fn weekday_arithmetic() {
        let fri = NaiveDate::from_ymd_opt(2024, 5, 3).unwrap();
        assert_eq!(add_weekdays(fri, 1), NaiveDate::from_ymd_opt(2024, 5, 6).unwrap());
        assert_eq!(add_weekdays(fri, 0), fri);
    }
}
