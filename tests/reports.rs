//! `annual`, `quarterly` and `init` end to end: the files written, the text of both PDFs (read
//! back with the pdf-extract crate, as a reader would copy it), PDF/UA-1 in the web edition,
//! reproducibility and template smoke tests over edge inputs.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The text of a PDF, as a reader would copy it, a line per line of text (a table row's cells
/// on one line).
fn pdf_lines(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    pdf_extract::extract_text_from_mem(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text of a PDF on single spaces: lines wrap wherever the layout breaks them.
fn pdf_text(path: &Path) -> String {
    pdf_lines(path).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Table cells reading exactly "<5".
fn suppressed_cells(path: &Path) -> usize {
    pdf_lines(path).split_whitespace().filter(|w| *w == "<5").count()
}

/// Runs a command that must succeed; returns what it said on stderr (status lines: "wrote …").
fn run_ok(args: &[&str]) -> String {
    let (code, stdout, stderr) = common::run(args);
    assert_eq!(code, 0, "{args:?}\n{stderr}");
    assert_eq!(stdout, "", "status goes to stderr, not stdout");
    stderr
}

/// `annual`, which must succeed; returns its status lines (stderr).
fn annual(config: &Path, out: &Path, extra: &[&str]) -> String {
    let (code, stdout, stderr) = common::annual(config, out, extra);
    assert_eq!(code, 0, "annual {extra:?}\n{stderr}");
    assert_eq!(stdout, "", "status goes to stderr, not stdout");
    stderr
}

/// `quarterly` on the sample data for `quarter`, into `out`.
fn sample_quarterly(quarter: &str, out: &Path, extra: &[&str]) -> String {
    let config = common::sample("config.toml");
    let mut args = vec![
        "quarterly",
        "--config",
        config.to_str().unwrap(),
        "--quarter",
        quarter,
    ];
    args.extend_from_slice(&["--out", out.to_str().unwrap()]);
    args.extend_from_slice(extra);
    run_ok(&args)
}

fn thousands(n: u64) -> String {
    complaints_report::report::thousands(n)
}

const SECTIONS: [&str; 13] = [
    "The governing body’s response",
    "Executive summary",
    "Self-assessment against the Complaint Handling Code (8.1a)",
    "Complaint handling performance (8.1b)",
    "Complaints we refused to accept (8.1b)",
    "Themes and learning from complaints (8.1b)",
    "Ombudsman findings of non-compliance with the Code (8.1c)",
    "Service improvements from complaints (8.1d)",
    "The Ombudsman’s annual report on our performance (8.1e)",
    "Other Ombudsman reports and publications (8.1f)",
    "Tenant Satisfaction Measures: complaints",
    "Methodology and data quality",
    "Contents",
];

#[test]
fn annual_report_on_sample_data() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let stdout = annual(&common::sample("config.toml"), out, &[]);
    for name in [
        "annual-report-2024-25.pdf",
        "annual-report-2024-25-web.pdf",
        "metrics.json",
        "report-data.json",
        "data-quality.csv",
    ] {
        assert!(out.join(name).is_file(), "{name} missing");
        assert!(stdout.contains(name), "{stdout}");
    }
    assert!(out.join("charts/C1.svg").is_file());
    assert!(out.join("charts/C1-web.svg").is_file());

    let metrics: Value = serde_json::from_slice(&std::fs::read(out.join("metrics.json")).unwrap()).unwrap();
    let board = pdf_text(&out.join("annual-report-2024-25.pdf"));
    let web = pdf_text(&out.join("annual-report-2024-25-web.pdf"));
    for text in [&board, &web] {
        for section in SECTIONS {
            assert!(text.contains(section), "missing section {section}");
        }
        // Headline figures, as metrics.json has them.
        let s1 = &metrics["stage1"];
        assert!(text.contains(&thousands(s1["received"].as_u64().unwrap())));
        assert!(text.contains(&format!("{:.1}%", s1["within_timescale_pct"].as_f64().unwrap())));
        assert!(text.contains(&format!(
            "{:.1}%",
            metrics["escalation_rate_pct"].as_f64().unwrap()
        )));
        let ch01 = metrics["tsm"]["LCRA"]["CH01_stage1_per_1000"].as_f64().unwrap();
        assert!(text.contains(&format!("{ch01:.1}")));
        assert!(text.contains("Riverside Vale Homes"));
        // No case references from the export in either annual edition.
        assert!(!text.contains("RVH-2"), "case reference printed");
    }
    assert!(board.contains("Approved by the Board of Riverside Vale Homes on 24 Jun 2025"));
    // Every page's footer names its own edition (the second edition reuses the first's layout).
    let pages = |text: &str| text.matches("Page ").count();
    assert_eq!(
        board.matches("Board edition").count(),
        pages(&board) + 1,
        "footers and cover"
    );
    assert_eq!(
        web.matches("Web edition").count(),
        pages(&web) + 1,
        "footers and cover"
    );
    assert!(!web.contains("Board edition") && !board.contains("Web edition"));
    assert!(board.contains("None. The Housing Ombudsman made no findings of non-compliance"));
    assert!(board.contains("Repair appointments were missed without warning"));
    // The refused summary names each reason with its count.
    for (reason, n) in metrics["refused"]["by_reason"].as_object().unwrap() {
        assert!(board.contains(reason.as_str()), "{reason}");
        let _ = n;
    }
    // Small numbers are suppressed in the web edition only.
    assert!(suppressed_cells(&out.join("annual-report-2024-25-web.pdf")) > 0);
    assert_eq!(suppressed_cells(&out.join("annual-report-2024-25.pdf")), 0);

    let raw = std::fs::read(out.join("annual-report-2024-25-web.pdf")).unwrap();
    let raw = String::from_utf8_lossy(&raw);
    assert!(raw.contains("pdfuaid:part>1<"), "web edition declares PDF/UA-1");
    assert!(raw.contains("/StructTreeRoot"), "web edition is tagged");
    assert!(raw.contains("en-GB") || raw.contains("(en-GB)"), "language set");

    let data: Value = serde_json::from_slice(&std::fs::read(out.join("report-data.json")).unwrap()).unwrap();
    assert_eq!(data["edition"], "board");
    assert_eq!(data["self_assessment"]["summary"].as_array().unwrap().len(), 10);
    assert!(
        data["charts"]["C1"]["alt"]
            .as_str()
            .unwrap()
            .starts_with("Bar chart")
    );
    // The methodology's fingerprints are the inputs' SHA-256, as `sha256sum` prints them.
    let inputs = data["methodology"]["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2);
    for input in inputs {
        let bytes = std::fs::read(common::sample(input["file"].as_str().unwrap())).unwrap();
        let expected = format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(&bytes));
        assert_eq!(input["sha256"], expected.as_str(), "{}", input["file"]);
    }
    let csv = std::fs::read_to_string(out.join("data-quality.csv")).unwrap();
    assert_eq!(csv.lines().filter(|l| l.starts_with("excluded,")).count(), 24);
}

#[test]
fn identical_inputs_give_identical_pdfs() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let config = common::fixture("metrics_small.toml");
    annual(&config, a.path(), &[]);
    annual(&config, b.path(), &[]);
    for name in ["annual-report-2024-25.pdf", "annual-report-2024-25-web.pdf"] {
        let (x, y) = (
            std::fs::read(a.path().join(name)).unwrap(),
            std::fs::read(b.path().join(name)).unwrap(),
        );
        assert!(x == y, "{name} differs between runs");
    }
}

#[test]
fn quarterly_report_lists_open_cases_in_the_board_edition_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    sample_quarterly("Q3", out, &[]);
    let board = pdf_text(&out.join("quarterly-report-2024-25-Q3.pdf"));
    let web = pdf_text(&out.join("quarterly-report-2024-25-Q3-web.pdf"));
    for text in [&board, &web] {
        assert!(text.contains("Volumes, categories, outcomes and performance (9.7a)"));
        assert!(text.contains("Issues and trends (9.7b)"));
        assert!(text.contains("Housing Ombudsman: determinations and orders (9.7c)"));
        assert!(text.contains("Annual report (9.7d)"));
        assert!(text.contains("The last four quarters"));
    }
    assert!(board.contains("Exceptions: open complaints needing attention"));
    assert!(
        board.contains("RVH-24-"),
        "board edition lists the exceptions' references"
    );
    assert!(!web.contains("RVH-2"), "web edition lists no references");
    let data: Value =
        serde_json::from_slice(&std::fs::read(out.join("quarterly-data-2024-25-Q3.json")).unwrap()).unwrap();
    let open = data["quarter"]["open_cases_total"].as_u64().unwrap();
    assert!(board.contains(&format!("{open} complaint stages were open at 31 Dec 2024")));
}

#[test]
fn init_writes_a_starter_set_that_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("landlord");
    let stdout = run_ok(&["init", target.to_str().unwrap()]);
    for name in [
        "config.toml",
        "self-assessment.csv",
        "narrative/governing-body-response.md",
        "templates/annual.typ",
        "templates/common.typ",
    ] {
        assert!(target.join(name).is_file(), "{name}");
    }
    assert!(stdout.contains("config.toml"));
    std::fs::write(target.join("config.toml"), "# mine\n").unwrap();
    let again = run_ok(&["init", target.to_str().unwrap()]);
    assert!(again.contains("kept"), "{again}");
    assert_eq!(
        std::fs::read_to_string(target.join("config.toml")).unwrap(),
        "# mine\n"
    );
    let assessment = std::fs::read_to_string(target.join("self-assessment.csv")).unwrap();
    assert_eq!(assessment.lines().count(), 73);
}

#[test]
fn customised_templates_are_used() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("annual.typ"),
        "#let data = json(\"/data.json\")\n#set document(title: data.title)\n#set text(lang: \"en\", region: \"gb\")\n= Custom #data.organisation\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    annual(
        &common::fixture("metrics_small.toml"),
        &out,
        &["--templates", templates.to_str().unwrap()],
    );
    assert!(pdf_text(&out.join("annual-report-2024-25.pdf")).contains("Custom Fixture Homes"));

    std::fs::write(
        templates.join("annual.typ"),
        "#let data = json(\"/data.json\")\n#data.nonexistent\n",
    )
    .unwrap();
    let (code, _, stderr) = common::annual(
        &common::fixture("metrics_small.toml"),
        &out,
        &["--templates", templates.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("annual.typ:2:"),
        "names the template file and line: {stderr}"
    );

    // A template cannot read outside its folder; the hint speaks of our flags, not Typst's.
    std::fs::write(templates.join("annual.typ"), "#read(\"../../../etc/passwd\")\n").unwrap();
    let (code, _, stderr) = common::annual(
        &common::fixture("metrics_small.toml"),
        &out,
        &["--templates", templates.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        !stderr.contains("--root") && !stderr.contains("root:"),
        "{stderr}"
    );
}

/// Writes an export and a config for a smoke test; returns the config.
fn smoke_case(dir: &Path, rows: &[String], organisation: &str, narrative: &str) -> PathBuf {
    let mut csv =
        String::from("Reference,Received,Category,Stage 1 acknowledged,Stage 1 responded,Stage 1 outcome\n");
    for row in rows {
        csv.push_str(row);
        csv.push('\n');
    }
    std::fs::write(dir.join("export.csv"), csv).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!("homes = 500\n[report]\norganisation = {organisation:?}\nperiod = \"2024/25\"\n[input]\nfiles = [\"export.csv\"]\n{narrative}"),
    )
    .unwrap();
    config
}

/// Runs `annual` on a generated case; returns the text of (board edition, web edition).
fn smoke(rows: Vec<String>, organisation: &str, narrative: &str, files: &[(&str, &str)]) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let config = smoke_case(dir.path(), &rows, organisation, narrative);
    let out = dir.path().join("out");
    annual(&config, &out, &[]);
    let board = out.join("annual-report-2024-25.pdf");
    let web = out.join("annual-report-2024-25-web.pdf");
    assert!(std::fs::metadata(&board).unwrap().len() > 20_000);
    assert!(std::fs::metadata(&web).unwrap().len() > 20_000);
    (pdf_text(&board), pdf_text(&web))
}

#[test]
fn smoke_one_complaint() {
    let (text, _) = smoke(
        vec!["A1,08/04/2024,Repairs,10/04/2024,24/04/2024,Upheld".into()],
        "One Complaint Homes",
        "",
        &[],
    );
    assert!(text.contains("Repairs"));
}

#[test]
fn smoke_no_complaints_in_the_period() {
    // The only complaint is from 2022/23: the 2024/25 report has zeros everywhere.
    let (text, _) = smoke(
        vec!["A1,08/04/2022,Repairs,10/04/2022,24/04/2022,Upheld".into()],
        "Quiet Homes",
        "",
        &[],
    );
    assert!(text.contains("No complaints were refused in 2024/25"));
    assert!(text.contains("n/a"));
}

#[test]
fn smoke_sixty_categories() {
    let rows = (0..60)
        .map(|i| format!("C{i},{:02}/05/2024,Category number {i},,,", 1 + i % 28))
        .collect();
    let (text, _) = smoke(rows, "Many Categories Homes", "", &[]);
    // Tables and charts list 20 rows: the 19 first (each used once, so by name) and the rest
    // as one.
    assert!(text.contains("Category number 0") && text.contains("Category number 25"));
    assert!(!text.contains("Category number 59"));
    assert!(text.contains("Other (41 categories)"));
}

#[test]
fn smoke_long_names_and_empty_narrative_without_self_assessment() {
    let long = "Very long category name ".repeat(21);
    let organisation = "A Housing Association With An Extremely Long Name ".repeat(10);
    let narrative = "[narrative]\ngoverning_body_response = \"empty.md\"\nthemes = \"empty.md\"\nimprovements = \"empty.md\"\n";
    let (text, _) = smoke(
        vec![format!(
            "A1,08/04/2024,{},10/04/2024,24/04/2024,Upheld",
            long.trim()
        )],
        organisation.trim(),
        narrative,
        &[("empty.md", "")],
    );
    assert!(text.contains("No self-assessment was supplied"));
    assert!(text.contains("has not been recorded yet"));
}

#[test]
fn typst_markup_in_data_and_narrative_prints_literally() {
    let hostile = "Rent #set page(width: 1cm) [x] $y$ @ref <b>html</b> \\ *bold* _u_ `code` שלום 🙂";
    let rows = vec![
        format!("A1,08/04/2024,\"{hostile}\",10/04/2024,24/04/2024,Upheld"),
        format!("A2,09/04/2024,\"{hostile}\",10/04/2024,24/04/2024,Upheld"),
        format!("A3,10/04/2024,\"{hostile}\",11/04/2024,24/04/2024,Upheld"),
        format!("A4,11/04/2024,\"{hostile}\",12/04/2024,24/04/2024,Upheld"),
        format!("A5,12/04/2024,\"{hostile}\",15/04/2024,24/04/2024,Upheld"),
    ];
    let narrative = "[narrative]\ngoverning_body_response = \"response.md\"\n";
    let response =
        "The board notes #pagebreak() and $x^2$ and [link](#) and <script>alert(1)</script> \\\\ end.";
    let (board, web) = smoke(
        rows,
        "Hash #Homes [Ltd] $",
        narrative,
        &[("response.md", response)],
    );
    for text in [&board, &web] {
        assert!(
            text.contains("Hash #Homes [Ltd] $"),
            "organisation printed literally"
        );
        assert!(
            text.contains("Rent #set page(width: 1cm) [x] $y$ @ref <b>html</b>"),
            "category printed literally"
        );
        assert!(
            text.contains("The board notes #pagebreak() and $x^2$"),
            "narrative printed literally"
        );
        assert!(text.contains("<script>alert(1)</script>"));
        // A PDF holds right-to-left glyphs in the order they are drawn; readers differ in
        // whether they turn them back into reading order.
        let reversed: String = "שלום".chars().rev().collect();
        assert!(
            text.contains("שלום") || text.contains(&reversed),
            "right-to-left text kept"
        );
        assert!(text.contains("🙂"), "emoji kept");
    }
}

#[test]
fn web_edition_hides_small_numbers_and_protects_them_from_totals() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows: Vec<String> = (0..20)
        .map(|i| format!("PRIV-{i:03},{:02}/05/2024,Cat Alpha,,,", 1 + i % 28))
        .collect();
    rows.extend((20..23).map(|i| format!("PRIV-{i:03},{:02}/06/2024,Cat Beta,,,", 1 + i % 28)));
    let config = smoke_case(dir.path(), &rows, "Privacy Homes", "");
    let out = dir.path().join("out");
    annual(&config, &out, &[]);
    let web = pdf_lines(&out.join("annual-report-2024-25-web.pdf"));
    let board = pdf_lines(&out.join("annual-report-2024-25.pdf"));
    let t7 = |text: &str, category: &str| -> Vec<String> {
        let start = text
            .find("Complaints by category")
            .expect("category table present");
        let line = text[start..]
            .lines()
            .find(|l| l.trim_start().starts_with(category))
            .expect("category row")
            .to_string();
        let words = category.split_whitespace().count();
        line.split_whitespace().skip(words).map(str::to_string).collect()
    };
    // Board: full figures (stage 1, stage 2, prior year stage 1). Web: Beta, used by 3
    // complaints, is grouped as "Other" and its 3 is "<5"; Alpha's 20 is hidden ("*") because
    // the column total (23) would otherwise give the 3 away.
    assert_eq!(t7(&board, "Cat Beta"), ["3", "0", "–"]);
    assert!(
        !web.contains("Cat Beta"),
        "a category of fewer than 5 complaints is not named"
    );
    assert_eq!(t7(&web, "Other"), ["<5", "0", "–"]);
    assert_eq!(t7(&web, "Cat Alpha"), ["*", "0", "–"]);
    assert!(web.contains("23"), "headline totals are never suppressed");
    for text in [&web, &board] {
        assert!(!text.contains("PRIV-"), "no case references in the annual report");
    }
}

/// A table's rows by their first cell.
fn table_rows<'a>(data: &'a Value, table: &str) -> Vec<&'a Vec<Value>> {
    data["tables"][table]["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("table {table}"))
        .iter()
        .map(|r| r.as_array().unwrap())
        .collect()
}

fn tile<'a>(data: &'a Value, label: &str) -> &'a Value {
    data["tiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == label)
        .unwrap_or_else(|| panic!("tile {label}"))
}

#[test]
fn annual_for_another_year_is_that_years_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    annual(&common::sample("config.toml"), out, &["--period", "2023/24"]);
    let metrics: Value = serde_json::from_slice(&std::fs::read(out.join("metrics.json")).unwrap()).unwrap();
    assert_eq!(metrics["period"]["start"], "2023-04-01");
    for name in ["report-data.json", "report-data-web.json"] {
        let data: Value = serde_json::from_slice(&std::fs::read(out.join(name)).unwrap()).unwrap();
        assert_eq!(
            data["title"],
            "Annual complaints performance and service improvement report 2023/24"
        );
        assert_eq!(data["period"]["label"], "2023/24");
        assert_eq!(data["period"]["start"], "1 Apr 2023");
        assert_eq!(data["period"]["end"], "31 Mar 2024");
        // The export starts in April 2023: no year before it is covered.
        assert_eq!(metrics["prior"], Value::Null);
        assert_eq!(data["prior_label"], Value::Null);
        // sample-data/ombudsman-determinations.csv: in 2023/24, 202209871 (12 October 2023,
        // maladministration, £600) and 202210452 (20 February 2024, no maladministration);
        // none in 2022/23.
        assert_eq!(tile(&data, "Ombudsman determinations")["value"], "2");
        assert_eq!(tile(&data, "Ombudsman determinations")["prior"], "0");
        assert_eq!(
            tile(
                &data,
                "Ombudsman adverse findings (severe maladministration, maladministration, service failure)"
            )["value"],
            "1"
        );
        let t11 = table_rows(&data, "T11");
        let findings: Vec<(&str, &str, &str)> = t11
            .iter()
            .map(|r| {
                (
                    r[0].as_str().unwrap(),
                    r[1].as_str().unwrap(),
                    r[2].as_str().unwrap(),
                )
            })
            .collect();
        // Both findings were considered, one adverse: too few for a rate in the web edition.
        let rate = if name == "report-data.json" {
            "50.0"
        } else {
            "n/a (n<10)"
        };
        assert_eq!(
            findings,
            [
                ("Maladministration", "1", "£600.00"),
                ("No maladministration", "1", "£0.00"),
                ("All findings", "2", "£600.00"),
                ("Considered findings (the rate's denominator)", "2", "–"),
                ("Adverse findings", "1", "–"),
                ("Maladministration rate, % of considered findings", rate, "–"),
            ]
        );
    }
    let board = pdf_text(&out.join("annual-report-2023-24.pdf"));
    assert!(board.contains("Annual complaints performance and service improvement report 2023/24"));
    assert!(board.contains("1 Apr 2023 to 31 Mar 2024"));
    assert!(!board.contains("report 2024/25"));
}

#[test]
fn the_quarterly_methodology_counts_the_quarters_complaints() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    for quarter in ["Q1", "Q4"] {
        sample_quarterly(quarter, out, &[]);
        let data: Value = serde_json::from_slice(
            &std::fs::read(out.join(format!("quarterly-data-2024-25-{quarter}.json"))).unwrap(),
        )
        .unwrap();
        let received: u64 = table_rows(&data, "QV")
            .iter()
            .find(|r| r[0] == "Stage 1 received")
            .map(|r| r[1].as_str().unwrap().replace(',', "").parse().unwrap())
            .unwrap();
        let rule = data["methodology"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .find(|r| r.contains("were judged by the 2022 Code"))
            .unwrap();
        // "Of the stage 1 complaints received in this period, A were judged by the 2022 Code
        // and B by the 2024 Code."
        let counts = rule.split("in this period, ").nth(1).unwrap();
        let count_before = |marker: &str| -> u64 {
            let before = counts.split(marker).next().unwrap();
            before.split_whitespace().last().unwrap().parse().unwrap()
        };
        let (code_2022, code_2024) = (count_before(" were judged"), count_before(" by the 2024 Code"));
        assert_eq!(code_2022 + code_2024, received, "{quarter}: {rule}");
        // The year's stage-1 complaints are many more than a quarter's.
        assert!(received > 0 && received < 1000, "{quarter}: {received}");
    }
}

#[test]
fn a_report_straight_after_init_is_a_draft_and_final_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let landlord = dir.path().join("landlord");
    run_ok(&["init", landlord.to_str().unwrap()]);
    std::fs::copy(
        common::sample("complaints-datix-2024-25.csv"),
        landlord.join("complaints-export.csv"),
    )
    .unwrap();
    let config = landlord.join("config.toml");
    let out = dir.path().join("out");
    let (code, _, stderr) = common::run(&[
        "annual",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    // What is missing is listed: the placeholders init wrote, the empty files and the
    // self-assessment's 72 provisions with no answer.
    assert!(stderr.contains("DRAFT"), "{stderr}");
    for missing in [
        "governing_body_response: governing-body-response.md still holds the text `init` wrote",
        "themes: themes.md still holds",
        "non_compliance: non-compliance.md still holds",
        "self_assessment: 72 provisions are \"Not stated\"",
    ] {
        assert!(stderr.contains(missing), "{missing}\n{stderr}");
    }
    for edition in ["annual-report-2024-25.pdf", "annual-report-2024-25-web.pdf"] {
        let text = pdf_text(&out.join(edition));
        let pages = text.matches("Page ").count();
        // Every page carries the stamp (the cover also has the list of what is missing).
        assert!(
            text.matches("DRAFT — not for publication").count() > pages,
            "{edition}"
        );
        for placeholder in [
            "Replace this text",
            "Describe the main themes",
            "Example: repairs appointments",
            "Every provision is assessed as compliant",
            "None. The Housing Ombudsman",
        ] {
            assert!(!text.contains(placeholder), "{edition} prints {placeholder:?}");
        }
    }
    // --final refuses, with exit code 2, and writes nothing.
    let final_out = dir.path().join("final");
    let (code, _, stderr) = common::run(&[
        "annual",
        "--config",
        config.to_str().unwrap(),
        "--out",
        final_out.to_str().unwrap(),
        "--final",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("still placeholders"), "{stderr}");
    assert!(!final_out.join("annual-report-2024-25.pdf").exists());
}

#[test]
fn a_quarterly_for_an_earlier_year_is_a_board_paper() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    sample_quarterly("Q2", out, &["--period", "2023/24"]);
    let data: Value =
        serde_json::from_slice(&std::fs::read(out.join("quarterly-data-2023-24-Q2.json")).unwrap()).unwrap();
    assert_eq!(
        data["title"],
        "Complaints report to the governing body: Q2 2023/24"
    );
    assert_eq!(data["period"]["start"], "1 Jul 2023");
    assert_eq!(data["period"]["end"], "30 Sep 2023");
    // The sample export starts in April 2023: the two quarters before are "no data", not 0.
    let rolling = table_rows(&data, "QR");
    let first: Vec<&str> = rolling.iter().map(|r| r[1].as_str().unwrap()).collect();
    assert_eq!(first[..2], ["no data", "no data"]);
    assert!(first[2..].iter().all(|c| c.parse::<u64>().is_ok()), "{first:?}");
    // Every percentage has its counts beside it.
    for row in table_rows(&data, "QV") {
        for cell in &row[1..] {
            let cell = cell.as_str().unwrap();
            if cell.ends_with(')') && cell.contains('%') {
                assert!(cell.contains(" of "), "{cell}");
            }
        }
    }
    for table in [
        "QV", "QT", "QR", "QC", "QO", "QX", "QF", "QA", "QE", "QH", "QS", "QD",
    ] {
        assert!(data["tables"][table].is_object(), "{table} missing");
    }
    // The board paper: exceptions, not every open case; a date format of its own nowhere.
    let board = pdf_text(&out.join("quarterly-report-2023-24-Q2.pdf"));
    assert!(board.contains("Exceptions: open complaints needing attention"));
    assert!(board.contains("Orders after severe maladministration findings"));
    assert!(!board.contains("2023-0"), "ISO dates printed");
    // No per-quarter narrative is configured for 2023-24: a draft, saying so.
    assert!(board.contains("Not yet provided: the issues and trends for this quarter."));
    assert!(board.contains("DRAFT — not for publication"));
}
