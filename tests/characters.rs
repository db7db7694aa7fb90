//! Any Unicode in any free-text field: `annual` still succeeds, the web edition stays PDF/UA-1,
//! and the rows whose values held control characters are named. Exports are generated from a
//! seed, so a failure names the seed that reproduces it.

mod common;

use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Character pools an export has been seen to carry, and then anything at all.
const POOLS: &[(u32, u32)] = &[
    (0x4E00, 0x9FFF),   // CJK
    (0x0E01, 0x0E5B),   // Thai
    (0x0900, 0x097F),   // Devanagari
    (0x0600, 0x06FF),   // Arabic
    (0x0590, 0x05FF),   // Hebrew
    (0x0300, 0x036F),   // combining marks
    (0x1F300, 0x1F5FF), // emoji
    (0xE000, 0xF8FF),   // private use
    (0xFDD0, 0xFDEF),   // noncharacters
    (0xFFF0, 0xFFFF),   // specials, U+FFFE and U+FFFF among them
    (0x2000, 0x206F),   // punctuation: U+2028, zero-width and bidi controls
    (0x20, 0x7E),       // ASCII, Typst and HTML markup among it
    (0x0, 0x10FFFF),    // anything
];

fn random_text(rng: &mut ChaCha8Rng, allow_nul: bool) -> String {
    let len = rng.random_range(1..=12);
    let mut text = String::new();
    for _ in 0..len {
        if rng.random_bool(0.05) {
            text.push_str("_x000B_");
            continue;
        }
        // Control characters: C0 (NUL only after the first rows: see below), DEL and C1 with
        // U+0085. Few enough that the file is still text (many in the first kilobytes mean
        // binary noise).
        let (low, high) = match rng.random_bool(0.03) {
            true => [(0x00, 0x1F), (0x7F, 0x9F)][rng.random_range(0..2)],
            false => POOLS[rng.random_range(0..POOLS.len())],
        };
        let c = loop {
            if let Some(c) = char::from_u32(rng.random_range(low..=high))
                && (allow_nul || c != '\0')
            {
                break c;
            }
        };
        text.push(c);
    }
    text
}

/// An export of 150 complaints whose category, subcategory, channel, refusal reason and outcome
/// are random text (a few categories, channels and reasons, many subcategories and outcomes);
/// `seed` makes it again.
fn write_export(dir: &Path, seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Values used often enough to be shown in both editions, their charts among them.
    let mut several = |n: usize| -> Vec<String> { (0..n).map(|_| random_text(&mut rng, false)).collect() };
    let (categories, channels, reasons) = (several(6), several(4), several(3));
    let mut csv = csv::Writer::from_path(dir.join("export.csv")).unwrap();
    csv.write_record([
        "Ref",
        "Received",
        "Responded",
        "Outcome",
        "Tenure",
        "Category",
        "Subcategory",
        "Channel",
        "Refusal reason",
        "Status",
    ])
    .unwrap();
    for i in 0..150u32 {
        // A NUL in the first kilobytes makes the file binary noise, as it should; later ones
        // are a damaged cell.
        let nul = i > 100;
        let received = format!("2024-{:02}-{:02}", 4 + i % 9, 1 + i % 27);
        let responded = format!("2024-{:02}-{:02}", 5 + i % 9, 1 + i % 27);
        let refused = i % 10 == 0;
        let i = i as usize;
        csv.write_record([
            format!("R-{i}"),
            received,
            if refused { String::new() } else { responded },
            random_text(&mut rng, nul),
            ["General needs", "Shared ownership"][i % 2].to_string(),
            categories[i % 6].clone(),
            random_text(&mut rng, nul),
            channels[i % 4].clone(),
            if refused {
                reasons[i / 10 % 3].clone()
            } else {
                String::new()
            },
            if refused {
                "Refused".to_string()
            } else {
                "Closed".to_string()
            },
        ])
        .unwrap();
    }
    csv.flush().unwrap();
    std::fs::write(
        dir.join("themes.md"),
        format!("Themes: {}\n", random_text(&mut rng, false)),
    )
    .unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "homes = 2000\n[report]\norganisation = \"Test Homes 修理\"\nperiod = \"2024/25\"\n\
         [input]\nfiles = [\"export.csv\"]\n\
         [columns]\nreference = \"Ref\"\nreceived = \"Received\"\nstage1_responded = \"Responded\"\n\
         stage1_outcome = \"Outcome\"\ntenure = \"Tenure\"\ncategory = \"Category\"\n\
         subcategory = \"Subcategory\"\nchannel = \"Channel\"\nrefusal_reason = \"Refusal reason\"\n\
         status = \"Status\"\n[narrative]\nthemes = \"themes.md\"\n",
    )
    .unwrap();
}

#[test]
fn any_unicode_in_free_text_fields_never_stops_a_report() {
    // UNICODE_SEEDS=200 (or 150-400) searches further.
    let seeds = std::env::var("UNICODE_SEEDS").unwrap_or_else(|_| "4".into());
    let (first, last) = match seeds.split_once('-') {
        Some((a, b)) => (a.parse().unwrap(), b.parse().unwrap()),
        None => (1u64, seeds.parse().unwrap()),
    };
    for seed in first..=last {
        let dir = tempfile::tempdir().unwrap();
        // UNICODE_KEEP=1 also writes each export to <temp>/seed<N>, to look at a failure.
        if std::env::var_os("UNICODE_KEEP").is_some() {
            let kept = std::env::temp_dir().join(format!("seed{seed}"));
            let _ = std::fs::create_dir_all(&kept);
            write_export(&kept, seed);
        }
        write_export(dir.path(), seed);
        let config = dir.path().join("config.toml");
        let out = dir.path().join("out");
        let (code, _, stderr) = common::annual(&config, &out, &[]);
        assert_eq!(code, 0, "seed {seed}: {stderr}");
        let web = std::fs::read(out.join("annual-report-2024-25-web.pdf")).unwrap();
        let web = String::from_utf8_lossy(&web);
        assert!(web.contains("pdfuaid:part>1<"), "seed {seed}: PDF/UA-1");
        assert!(web.contains("/StructTreeRoot"), "seed {seed}: tagged");
        assert!(out.join("annual-report-2024-25.pdf").exists());

        // The rows whose values held control characters are named, the values shown escaped.
        let (code, json) = common::validate_json(&config, &[]);
        assert_eq!(code, 0, "seed {seed}");
        let warning =
            common::warning(&json, "unprintable_characters").unwrap_or_else(|| panic!("seed {seed}: {json}"));
        assert!(warning["count"].as_u64().unwrap() > 0);
        assert!(warning["examples"][0]["row"].as_u64().unwrap() >= 2);
    }
}

#[test]
fn a_pasted_line_break_in_a_workbook_is_one_line_in_the_report() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (j, header) in ["Ref", "Received", "Category"].iter().enumerate() {
        sheet.write_string(0, j as u16, *header).unwrap();
    }
    for i in 1..=12u32 {
        sheet.write_string(i, 0, format!("W-{i}")).unwrap();
        sheet.write_string(i, 1, "2024-05-07").unwrap();
        // Excel writes the vertical tab of a pasted line break as _x000B_.
        sheet.write_string(i, 2, "Damp\u{b}and mould").unwrap();
    }
    workbook.save(dir.path().join("export.xlsx")).unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "homes = 500\n[report]\nperiod = \"2024/25\"\n[input]\nfiles = [\"export.xlsx\"]\n\
         [columns]\nreference = \"Ref\"\nreceived = \"Received\"\ncategory = \"Category\"\n",
    )
    .unwrap();
    let metrics = common::metrics(&config, &[]);
    let categories = metrics["categories"].to_string();
    assert!(categories.contains("\"Damp and mould\""), "{categories}");
    let (_, json) = common::validate_json(&config, &[]);
    let warning = common::warning(&json, "unprintable_characters").expect("warned");
    assert_eq!(warning["count"], 12);
    assert_eq!(warning["field"], "category");
    assert_eq!(warning["examples"][0]["row"], 2);
}
