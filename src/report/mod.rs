//! Stages 5 and 6 — report: everything the templates need, as one serialisable [`ReportData`]
//! per edition, with its charts, compiled to PDF by Typst in process ([`typeset`]). A report is
//! built from [`Figures`] the pipeline computed: it never re-derives a period or a figure.

mod annual;
pub(crate) mod charts;
pub(crate) mod determinations;
pub(crate) mod disclosure;
pub(crate) mod figures;
mod legend;
pub(crate) mod narrative;
mod points;
mod printable;
mod quarterly;
pub(crate) mod self_assessment;
pub(crate) mod table;
pub mod typeset;
pub mod web_page;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;

pub use annual::build_annual;
pub use points::points_to_check;
pub use quarterly::{OPEN_CASES_READ, QuarterFigures, build_quarterly, narrative_key};
pub use table::{Edition, Suppression, Table, thousands};

use crate::config::Config;
use crate::domain::period::Period;
use crate::domain::stage::CodeVersionBy;
use crate::error::Result;
use crate::metrics::Metrics;
use crate::normalise::DataQuality;
use charts::Chart;
use narrative::Block;
use self_assessment::SelfAssessment;

/// What a report is built from: its period, the figures for it, and the account of the data
/// and settings they came from.
pub struct Figures<'a> {
    pub config: &'a Config,
    pub period: Period,
    pub metrics: &'a Metrics,
    pub quality: &'a DataQuality,
}

/// The report templates: each is compiled from its own main file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    Annual,
    Quarterly,
}

impl Template {
    /// The template's main file among the templates.
    pub fn main(self) -> &'static str {
        match self {
            Template::Annual => "annual.typ",
            Template::Quarterly => "quarterly.typ",
        }
    }
}

/// The text `init` puts in every narrative file it writes: a file still holding it is a
/// placeholder, and a report using it is a draft.
pub const PLACEHOLDER_MARKER: &str = "complaints-report:placeholder";

/// What the landlord writes beside the data, read once per run.
#[derive(Debug, Clone, Default)]
pub struct ReportInputs {
    pub governing_body_response: Option<Vec<Block>>,
    pub narrative: BTreeMap<&'static str, Vec<Block>>,
    pub self_assessment: Option<SelfAssessment>,
    pub determinations: Option<determinations::Determinations>,
    pub warnings: Vec<String>,
    /// What the annual report still lacks (placeholders, empty files, provisions not stated).
    pub missing_annual: Vec<String>,
    /// What the quarterly report still lacks.
    pub missing_quarterly: Vec<String>,
}

/// A narrative file's blocks, or why it cannot be published yet.
fn read_narrative(path: &std::path::Path, key: &str) -> Result<std::result::Result<Vec<Block>, String>> {
    let text = std::fs::read_to_string(path).map_err(|e| crate::error::Error::io(path, e))?;
    let name = file_name(&path.display().to_string());
    if text.contains(PLACEHOLDER_MARKER) {
        return Ok(Err(format!(
            "{key}: {name} still holds the text `init` wrote (delete its placeholder line once the text is yours)"
        )));
    }
    let blocks = narrative::parse(&text);
    if blocks.is_empty() {
        return Ok(Err(format!(
            "{key}: {name} is empty (write \"None\" in it if there is nothing to report)"
        )));
    }
    Ok(Ok(blocks))
}

impl ReportInputs {
    /// Reads the files named under `[narrative]`.
    pub fn load(config: &Config) -> Result<Self> {
        let n = &config.narrative;
        let mut inputs = ReportInputs::default();
        let mut read = |key: &'static str, path: &Option<PathBuf>| -> Result<Option<Vec<Block>>> {
            let Some(path) = path else {
                inputs
                    .missing_annual
                    .push(format!("{key}: no file named under [narrative] {key}"));
                return Ok(None);
            };
            Ok(match read_narrative(&config.resolve(path), key)? {
                Ok(blocks) => Some(blocks),
                Err(why) => {
                    inputs.missing_annual.push(why);
                    None
                }
            })
        };
        let response = read("governing_body_response", &n.governing_body_response)?;
        let mut narrative = BTreeMap::new();
        for (key, path) in [
            ("themes", &n.themes),
            ("non_compliance", &n.non_compliance),
            ("improvements", &n.improvements),
            ("ombudsman", &n.ombudsman),
            ("ombudsman_other", &n.ombudsman_other),
        ] {
            if let Some(blocks) = read(key, path)? {
                narrative.insert(key, blocks);
            }
        }
        if let Some(path) = &n.resident_summary {
            match read_narrative(&config.resolve(path), "resident_summary")? {
                Ok(blocks) => {
                    narrative.insert("resident_summary", blocks);
                }
                Err(why) => inputs.missing_annual.push(why),
            }
        }
        inputs.governing_body_response = response;
        inputs.narrative = narrative;
        if let Some(path) = &n.self_assessment {
            let mut sa = self_assessment::read(&config.resolve(path))?;
            let r = &config.report;
            sa.completed_by = sa.completed_by.or(r.self_assessment_completed_by.clone());
            sa.approved_on = sa.approved_on.or(r.self_assessment_approved_on.map(long_date));
            if sa.completed_by.is_none() || sa.approved_on.is_none() {
                inputs.missing_annual.push(
                    "self_assessment: who completed it and when the governing body approved it are not recorded ([report] self_assessment_completed_by and self_assessment_approved_on)".into(),
                );
            }
            inputs
                .warnings
                .extend(sa.warnings.iter().map(|w| format!("self-assessment: {w}")));
            let not_stated = sa.summary.last().map_or(0, |t| t.not_stated);
            if not_stated > 0 {
                inputs.missing_annual.push(format!(
                    "self_assessment: {not_stated} provisions are \"Not stated\" (fill in comply for each provision)"
                ));
            }
            inputs.self_assessment = Some(sa);
        } else {
            inputs.missing_annual.push(
                "self_assessment: no file named under [narrative] self_assessment (Code 8.1(a))".into(),
            );
        }
        if let Some(path) = &n.ombudsman_determinations {
            inputs.determinations = Some(determinations::read(&config.resolve(path))?);
        }
        Ok(inputs)
    }

    /// Reads a quarter's issues-and-trends and actions files from `[quarterly]` (keys such
    /// as "2024-25 Q3").
    pub fn load_quarter(&mut self, config: &Config, key: &str) -> Result<()> {
        let q = &config.quarterly;
        for (name, files, slot) in [
            ("issues", &q.issues, "quarter_issues"),
            ("actions", &q.actions, "quarter_actions"),
        ] {
            match files.get(key) {
                None => self.missing_quarterly.push(format!(
                    "quarterly {name}: no file for \"{key}\" under [quarterly.{name}]"
                )),
                Some(path) => match read_narrative(&config.resolve(path), &format!("quarterly {name}"))? {
                    Ok(blocks) => {
                        self.narrative.insert(slot, blocks);
                    }
                    Err(why) => self.missing_quarterly.push(why),
                },
            }
        }
        Ok(())
    }

    /// What a report made from these inputs still lacks: empty when it can be published.
    pub fn placeholders(&self, template: Template) -> Vec<String> {
        match template {
            Template::Annual => self.missing_annual.clone(),
            Template::Quarterly => self.missing_quarterly.clone(),
        }
    }
}

/// Everything a template receives (also written out as report-data.json).
#[derive(Debug, Clone, Serialize)]
pub struct ReportData {
    pub kind: &'static str,
    pub edition: Edition,
    pub title: String,
    pub organisation: String,
    pub period: PeriodText,
    pub prior_label: Option<String>,
    pub approval: Approval,
    /// yyyy-mm-dd: the approval date, else the as-at date (never the clock).
    pub document_date: String,
    pub governing_body_response: Option<Vec<Block>>,
    pub tiles: Vec<Tile>,
    pub self_assessment: Option<SelfAssessment>,
    pub tables: BTreeMap<String, Table>,
    pub charts: BTreeMap<String, Chart>,
    pub narrative: BTreeMap<&'static str, Vec<Block>>,
    /// Annual reports: what section 8.1(e) says of the Ombudsman's annual landlord report.
    pub ombudsman_report: Option<String>,
    /// Board edition: where what the landlord wrote disagrees with the figures.
    pub points_to_check: Vec<String>,
    pub methodology: Methodology,
    pub warnings: Vec<String>,
    /// What is still a placeholder: non-empty makes every page say "DRAFT — not for publication".
    pub draft: Vec<String>,
    /// Quarterly reports: the quarter, and (board edition only) the open case references.
    pub quarter: Option<quarterly::QuarterText>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodText {
    pub label: String,
    pub start: String,
    pub end: String,
    pub as_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Approval {
    pub date: Option<String>,
    pub by: Option<String>,
}

/// A headline figure with last year's beside it.
#[derive(Debug, Clone, Serialize)]
pub struct Tile {
    pub label: String,
    pub value: String,
    pub prior: Option<String>,
    pub change: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Methodology {
    pub rules: Vec<String>,
    pub inputs: Vec<InputFile>,
    pub config: InputFile,
    pub tool_version: String,
    pub calendar: String,
    pub suppression: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct InputFile {
    pub file: String,
    pub sha256: String,
}

/// The organisation's name from `[report]`, or a neutral stand-in.
fn organisation(config: &Config) -> String {
    config
        .report
        .organisation
        .clone()
        .unwrap_or_else(|| "The landlord".into())
}

/// "1 Apr 2024": the one date format of both reports.
pub(crate) fn long_date(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// "2024/25" for a financial year, else "1 April 2024 to 30 June 2024".
pub(crate) fn period_label(p: &Period) -> String {
    let label = p.label();
    match label.split_once('-') {
        Some((a, b)) if a.len() == 4 && b.len() == 2 => format!("{a}/{b}"),
        _ => format!("{} to {}", long_date(p.start), long_date(p.end)),
    }
}

fn period_text(p: &Period) -> PeriodText {
    PeriodText {
        label: period_label(p),
        start: long_date(p.start),
        end: long_date(p.end),
        as_at: long_date(p.as_at),
    }
}

/// The methodology appendix: every rule, the inputs with their SHA-256, the tool version. The
/// Code-version counts are the report's own period's.
fn methodology(figures: &Figures, suppression: &Suppression) -> Methodology {
    let m = &figures.metrics.method;
    let versions = &figures.metrics.code_versions;
    let clock = m.response_clock.describe();
    let metrics = figures.metrics;
    let responded = &metrics.code_versions_responded;
    let split = |v: &BTreeMap<String, u64>| {
        (
            v.get("2022").copied().unwrap_or(0),
            v.get("2024").copied().unwrap_or(0),
        )
    };
    let ((r1_2022, r1_2024), (r2_2022, r2_2024)) = (split(&responded.stage1), split(&responded.stage2));
    let judged_by = match m.code_version_by {
        CodeVersionBy::ComplaintReceived => {
            "by the date the complaint was received at stage 1, at both stages"
        }
        CodeVersionBy::StageReceived => {
            "by the date each stage began: stage 1 by the date received, stage 2 by the date of the escalation request"
        }
    };
    let closures = if m.closure_days.is_empty() {
        "No local closure days are treated as non-working days.".to_string()
    } else {
        format!(
            "Local closure days treated as non-working days: {}.",
            m.closure_days
                .iter()
                .map(|d| long_date(*d))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let rules = vec![
        format!("Working days are Monday to Friday except bank holidays ({}, covering {} to {}). {closures}", m.calendar_source, long_date(m.calendar_covers[0]), long_date(m.calendar_covers[1])),
        "Deadlines count from the day after the starting event: \"within 5 working days of receipt\" is the fifth working day after the day of receipt. A response on the deadline day is in time.".into(),
        format!(
            "The Code a stage is judged by is chosen {judged_by} ([timeliness] code_version_by): before {} the 2022 Code, from then the 2024 Code. Of the stage 1 complaints received in this period, {} were judged by the 2022 Code and {} by the 2024 Code. Of the responses dated in the period, {r1_2022} at stage 1 and {r2_2022} at stage 2 were judged by the 2022 Code, and {r1_2024} at stage 1 and {r2_2024} at stage 2 by the 2024 Code.",
            long_date(m.code_2024_from),
            versions.get("2022").copied().unwrap_or(0),
            versions.get("2024").copied().unwrap_or(0),
        ),
        "Acknowledgement is due 5 working days after receipt (stage 2: after the escalation request). A missing acknowledgement is not on time.".into(),
        format!("The response deadline is 10 working days (stage 2: 20) counted {clock}."),
        format!(
            "{} Extensions flagged with no agreed date are counted in T4a (\"No agreed date recorded\").",
            m.extension_rule
        ),
        "Working days to respond are shown two ways, each labelled: from the start of the Code's response clock (the acknowledgement), the count the 10 and 20 working-day targets are about; and from receipt.".into(),
        "Received counts use each stage's received date (stage 2: the escalation request); responses, timeliness and outcomes use the response date; open cases are those received by the as-at date with no response by then.".into(),
        "Refused complaints are shown only in the refused summary. Withdrawn complaints count as received and are never responded or open. Responses dated before their stage was received are left out of timeliness.".into(),
        "CH01(1) and CH01(2): stage one and stage two complaints received in the year per 1,000 homes owned at the year end ([homes]; the prior year by [homes.prior]), LCRA and LCHO separately; complaints of any other tenure are in no TSM measure. CH02(1) and CH02(2): responses within the Code's timescales (valid extensions included) as a share of the stage's responses in the year, LCRA and LCHO separately. Figures across every tenure are labelled \"all complaints (not a TSM measure)\". Percentages and rates are rounded half up to one decimal place from exact counts.".into(),
    ];
    Methodology {
        rules,
        inputs: figures
            .quality
            .files
            .iter()
            .map(|f| InputFile {
                file: file_name(&f.file),
                sha256: f.sha256.clone(),
            })
            .collect(),
        config: InputFile {
            file: file_name(&figures.config.path.display().to_string()),
            sha256: figures.config.sha256.clone(),
        },
        tool_version: format!("complaints-report {}", env!("CARGO_PKG_VERSION")),
        calendar: m.calendar_source.clone(),
        suppression: format!(
            "In the web edition, counts from 1 to {} are shown as \"<{}\"; percentages and rates of fewer than {} cases as \"n/a (n<{})\". Every figure is registered with the sums it belongs to (rows, columns, months within quarters, quarters within the year, the same figure in a table and a chart), and further figures are hidden (\"*\"), smallest first, until no hidden figure can be worked out from the shown ones by any of those sums or by the ranges \"<{}\" implies. Money totals and means are hidden with their count. Headline totals and the Ombudsman's published findings are shown in full. Categories, channels and refusal reasons used by fewer than {} complaints, or that look like personal details (names, addresses, e-mail addresses, phone numbers, case references), are grouped as \"Other\".",
            suppression.threshold - 1,
            suppression.threshold,
            suppression.min_denominator,
            suppression.min_denominator,
            suppression.threshold,
            suppression.threshold
        ),
    }
}

/// An edition's tables and charts, from one disclosure decision over every figure it prints.
struct Published {
    tables: BTreeMap<String, Table>,
    charts: BTreeMap<String, Chart>,
    disclosed: disclosure::Disclosed,
}

/// Discloses what the edition may show of the figures in `builders`, `specs` (each chart with
/// its data table's first heading) and `also` (figures printed elsewhere, such as tiles), then
/// renders the tables and draws the charts from that decision.
fn publish(
    ledger: &disclosure::Ledger,
    builders: &[table::TableBuilder],
    specs: &[(charts::ChartSpec, &str)],
    also: &[disclosure::FigureId],
    edition: Edition,
    s: &Suppression,
) -> Result<Published> {
    let printed: Vec<disclosure::FigureId> = builders
        .iter()
        .flat_map(|t| t.figures(edition, s, ledger))
        .chain(specs.iter().flat_map(|(c, _)| c.figures(edition, s, ledger)))
        .chain(also.iter().copied())
        .collect();
    let disclosed = ledger.disclose(&printed, edition, s);
    let tables = builders
        .iter()
        .map(|b| (b.id.clone(), b.render(edition, s, &disclosed)))
        .collect();
    let mut charts = BTreeMap::new();
    for (spec, heading) in specs {
        let chart = charts::draw(spec, heading, edition, s, &disclosed)?;
        charts.insert(chart.id.clone(), chart);
    }
    Ok(Published {
        tables,
        charts,
        disclosed,
    })
}

/// The file's name without its folders (reports do not reveal local paths).
fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// A stage's outcomes as table cells: the stage, upheld, partly upheld, not upheld, other, and
/// the responses they are of.
fn outcome_cells(stage: &str, f: &figures::StageFigures) -> Vec<table::Cell> {
    vec![
        table::Cell::text(stage),
        table::Cell::Fig(f.upheld),
        table::Cell::Fig(f.partly_upheld),
        table::Cell::Fig(f.not_upheld),
        table::Cell::Fig(f.other),
        table::Cell::Fig(f.responded),
    ]
}

/// Rows left out of the analysis, by kind (the appendix's exclusions summary).
fn exclusions_table(quality: &DataQuality) -> table::TableBuilder {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for e in &quality.exclusions {
        *counts.entry(e.code.describe()).or_insert(0) += 1;
    }
    let mut t = table::TableBuilder::new(
        "TX",
        "Records read and left out",
        "Every row of the export is either analysed or left out for one of these reasons (listed row by row in data-quality.csv).",
        &["", "Rows"],
    )
    .row(vec![table::Cell::text("Rows read"), table::Cell::Total(quality.rows_read as u64)]);
    for (kind, n) in counts {
        t = t.row(vec![
            table::Cell::text(format!("Left out: {kind}")),
            table::Cell::Total(n),
        ]);
    }
    t.row(vec![
        table::Cell::text("Rows analysed"),
        table::Cell::Total(quality.included as u64),
    ])
    .row(vec![
        table::Cell::text("Complaints (rows merged by reference)"),
        table::Cell::Total(quality.complaints as u64),
    ])
}
