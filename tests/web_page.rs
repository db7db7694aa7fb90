//! The web page edition (`annual-report-<period>.html`): one self-contained, accessible page
//! from the web edition's report data, checked as a resident's browser reads it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{annual, project_root, sample};
use serde_json::Value;

/// The sample's annual report, written once per test into its own folder.
fn sample_page() -> (tempfile::TempDir, PathBuf, String) {
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = annual(&sample("config.toml"), out.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let path = out.path().join("annual-report-2024-25.html");
    let html = std::fs::read_to_string(&path).unwrap();
    (out, path, html)
}

/// Text as the page escapes it (MiniJinja's HTML escaping).
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

#[test]
fn the_page_is_one_self_contained_semantic_document() {
    let (_out, _, html) = sample_page();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..200]);
    assert!(html.contains("<html lang=\"en-GB\">"));
    assert_eq!(html.matches("<h1").count(), 1, "one h1");
    // Headings never skip a level going down.
    let mut last = 1;
    for (at, _) in html.match_indices("<h") {
        let Some(level) = html[at + 2..].chars().next().and_then(|c| c.to_digit(10)) else {
            continue;
        };
        assert!(level <= last + 1, "h{level} after h{last} at byte {at}");
        last = level;
    }
    for landmark in [
        "<header",
        "<nav",
        "<main id=\"main\"",
        "<footer",
        "href=\"#main\"",
    ] {
        assert!(html.contains(landmark), "{landmark}");
    }
    // Nothing to fetch and nothing to run: no scripts, no external styles, images or fonts.
    for fetch in ["<script", "<link", " src=", "@import", "url("] {
        assert!(!html.contains(fetch), "{fetch}");
    }
    // Every chart is an image with a title and a description, followed by its data table.
    assert!(html.matches("role=\"img\" aria-labelledby=\"svg-").count() >= 8);
    assert!(html.contains("<title id=\"svg-C1-title\">"));
    assert!(html.contains("id=\"table-chart-C1\""));
    // A link to the PDF edition, and the governing body's response near the top.
    assert!(html.contains("href=\"annual-report-2024-25-web.pdf\""));
    let response = html.find("id=\"response\"").unwrap();
    assert!(response < html.find("id=\"self-assessment\"").unwrap());
    // The Ombudsman's contact details for residents (Code 3.5).
    assert!(html.contains("0300 111 3000"));
    assert!(html.contains("@media print"));
}

#[test]
fn every_figure_is_the_web_editions() {
    let (out, _, html) = sample_page();
    let data: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("report-data-web.json")).unwrap())
            .unwrap();
    // Each table's cells appear in the page in order, as the web PDF prints them.
    for (id, table) in data["tables"].as_object().unwrap() {
        let start = html
            .find(&format!("id=\"table-{id}\""))
            .unwrap_or_else(|| panic!("table {id} is not on the page"));
        let mut at = start;
        for cell in table["rows"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r.as_array().unwrap())
        {
            let text = escaped(cell.as_str().unwrap());
            let found = html[at..]
                .find(&format!(">{text}</t"))
                .unwrap_or_else(|| panic!("table {id}: {text:?} is not where it should be"));
            at += found;
        }
    }
    for tile in data["tiles"].as_array().unwrap() {
        let value = escaped(tile["value"].as_str().unwrap());
        assert!(
            html.contains(&format!("<p class=\"value\">{value}</p>")),
            "{value}"
        );
    }
    // The web page carries no case reference and none of the board's points to check.
    assert!(!html.contains("RVH-"));
    assert!(!html.contains("Points to check"));
}

#[test]
fn two_runs_give_the_same_page() {
    let (_a, _, first) = sample_page();
    let (_b, _, second) = sample_page();
    assert!(first == second, "the page differs between runs");
}

/// A small export whose free text is markup, to be shown as text.
fn hostile_page(dir: &Path) -> String {
    let mut csv = String::from("Ref,Date received,Category,Stage 1 responded\n");
    for i in 0..12 {
        csv.push_str(&format!(
            "H{i},0{}/05/2024,\"<img src=x onerror=alert(1)> & <b>Repairs</b>\",2{}/05/2024\n",
            1 + i % 9,
            i % 9
        ));
    }
    std::fs::write(dir.join("complaints.csv"), csv).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "[report]\norganisation = \"<script>alert('org')</script>\"\nperiod = \"2024/25\"\n[input]\nfiles = [\"complaints.csv\"]\n[homes]\nLCRA = 100\n",
    )
    .unwrap();
    let out = dir.join("out");
    let (code, _, stderr) = annual(&dir.join("config.toml"), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    std::fs::read_to_string(out.join("annual-report-2024-25.html")).unwrap()
}

#[test]
fn export_text_is_text_on_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let html = hostile_page(dir.path());
    assert!(!html.contains("<img"), "markup from the export reached the page");
    assert!(
        !html.contains("<script"),
        "markup from the config reached the page"
    );
    assert!(!html.contains("<b>Repairs"));
    assert!(html.contains(&escaped("<img src=x onerror=alert(1)> & <b>Repairs</b>")));
    assert!(html.contains(&escaped("<script>alert('org')</script>")));
}

/// Where the browser check runs: Debian's Chromium and the npm packages `.ci/run` installs.
fn browser_ready() -> Result<PathBuf, String> {
    let dir = project_root().join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Err(format!("no browser at {chromium} (apt-get install chromium)"));
    }
    if !dir.join("node_modules/axe-core").exists() || !dir.join("node_modules/playwright-core").exists() {
        return Err("no axe-core or playwright-core (cd tests/browser && npm ci)".into());
    }
    Ok(dir)
}

#[test]
fn axe_finds_nothing_in_chromium_and_the_page_fits_a_phone() {
    let dir = match browser_ready() {
        Ok(dir) => dir,
        // CI installs the browser (.ci/run sets COMPLAINTS_REPORT_BROWSER=required); a developer
        // without it is told how to get it.
        Err(why) if std::env::var("COMPLAINTS_REPORT_BROWSER").as_deref() != Ok("required") => {
            eprintln!("browser check skipped: {why}");
            return;
        }
        Err(why) => panic!("browser check required but {why}"),
    };
    for page in [sample_page(), {
        let dir = tempfile::tempdir().unwrap();
        let html = hostile_page(dir.path());
        let path = dir.path().join("out/annual-report-2024-25.html");
        (dir, path, html)
    }] {
        let (out, path, _) = page;
        let output = Command::new("node")
            .arg(dir.join("check-page.mjs"))
            .arg(&path)
            .arg(out.path())
            .output()
            .expect("node runs");
        let report = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{report}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let result: Value = serde_json::from_str(&report).unwrap();
        assert_eq!(result["violations"], Value::Array(vec![]), "{report}");
        assert_eq!(result["requests"], Value::Array(vec![]), "{report}");
        assert_eq!(result["widths"]["320"]["scroll"], 320, "{report}");
        assert_eq!(result["widths"]["375"]["scroll"], 375, "{report}");
        assert!(out.path().join("page-375-top.png").exists());
        // COMPLAINTS_REPORT_SCREENSHOTS=DIR keeps the sample's screenshots (docs/screenshots).
        if let Ok(keep) = std::env::var("COMPLAINTS_REPORT_SCREENSHOTS")
            && path.ends_with("annual-report-2024-25.html")
            && !path.to_string_lossy().contains("/out/")
        {
            for name in ["page-375-top.png", "page-375-tables.png", "page-1280-top.png"] {
                std::fs::copy(out.path().join(name), Path::new(&keep).join(name)).unwrap();
            }
        }
    }
}
