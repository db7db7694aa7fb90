//! The configuration file (TOML). Its keys are a contract with users: every one is described in
//! docs/configuration.md, and README "Configuration" lists the tables.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use crate::domain::calendar::Division;
use crate::domain::canonical::Field;
use crate::domain::dates::{DateOrder, parse_config_date};
use crate::domain::period::Period;
use crate::domain::stage::{CodeVersionBy, ResponseClock};
use crate::error::{Error, Result};
use messages::{in_plain_words, with_closest_key};

mod messages;
mod ombudsman;
mod tsm;

pub use ombudsman::{OmbudsmanReport, report_for};
pub use tsm::{HomesSection, HomesTable, PriorHomes, PublishedMeasures, PublishedPrior, Stocks, TsmSection};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub report: ReportSection,
    #[serde(default)]
    pub input: InputSection,
    /// `[homes]` table or a plain `homes = n` (all LCRA).
    #[serde(default)]
    pub homes: Option<HomesSection>,
    #[serde(default)]
    pub columns: ColumnsSection,
    #[serde(default)]
    pub values: ValuesSection,
    #[serde(default)]
    pub calendar: CalendarSection,
    #[serde(default)]
    pub timeliness: TimelinessSection,
    #[serde(default)]
    pub narrative: NarrativeSection,
    #[serde(default)]
    pub tsm: TsmSection,
    #[serde(default)]
    pub publication: PublicationSection,
    #[serde(default)]
    pub quarterly: QuarterlySection,
    /// `[[ombudsman_report]]`: the Ombudsman's annual landlord performance reports (8.1(e)).
    #[serde(default, rename = "ombudsman_report")]
    pub ombudsman_reports: Vec<OmbudsmanReport>,
    /// Folder holding the config file; every relative path in the config resolves against it.
    #[serde(skip)]
    pub base_dir: PathBuf,
    #[serde(skip)]
    pub path: PathBuf,
    /// SHA-256 of the config file as read, for the methodology appendix.
    #[serde(skip)]
    pub sha256: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSection {
    pub organisation: Option<String>,
    /// Financial year such as "2024/25" (1 April 2024 – 31 March 2025).
    pub period: Option<String>,
    #[serde(default, deserialize_with = "opt_date")]
    pub start: Option<NaiveDate>,
    #[serde(default, deserialize_with = "opt_date")]
    pub end: Option<NaiveDate>,
    /// The snapshot date for open cases; defaults to the period end.
    #[serde(default, deserialize_with = "opt_date")]
    pub as_at: Option<NaiveDate>,
    /// When the governing body approved the report (printed on the cover; the document date).
    #[serde(default, deserialize_with = "opt_date")]
    pub approved_on: Option<NaiveDate>,
    /// Who approved it, e.g. "Board of Riverside Vale Homes".
    pub approved_by: Option<String>,
    /// Who completed the self-assessment, and when the governing body approved it (a TOML
    /// self-assessment can say so itself; these fill in what it does not).
    pub self_assessment_completed_by: Option<String>,
    #[serde(default, deserialize_with = "opt_date")]
    pub self_assessment_approved_on: Option<NaiveDate>,
    /// The most categories (channels, refusal reasons) a table or chart lists; the rest are
    /// one row, "Other (n categories)". The data files keep every value. Default 20.
    pub values_listed: Option<usize>,
}

impl ReportSection {
    /// `values_listed`, or its default.
    pub fn values_listed(&self) -> usize {
        self.values_listed.unwrap_or(20)
    }
}

/// `[narrative]`: text and tables written by the landlord (Markdown or plain text, CSV or TOML).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrativeSection {
    /// The governing body's response to the report (Code 8.2).
    pub governing_body_response: Option<PathBuf>,
    /// Themes, root causes and case studies (qualitative analysis, 8.1(b)).
    pub themes: Option<PathBuf>,
    /// Ombudsman findings of non-compliance with the Code (8.1(c)).
    pub non_compliance: Option<PathBuf>,
    /// Service improvements from learning: "You said, we did" (8.1(d)).
    pub improvements: Option<PathBuf>,
    /// The Ombudsman's annual report on the landlord's performance (8.1(e)).
    pub ombudsman: Option<PathBuf>,
    /// Other Ombudsman reports and publications about the landlord (8.1(f)).
    pub ombudsman_other: Option<PathBuf>,
    /// The self-assessment against the Code (8.1(a)): TOML or CSV.
    pub self_assessment: Option<PathBuf>,
    /// Ombudsman determinations, one row per finding (CSV).
    pub ombudsman_determinations: Option<PathBuf>,
    /// A short summary for residents at the top of the web page (optional: a plain-English
    /// default explains the figures).
    pub resident_summary: Option<PathBuf>,
}

/// `[quarterly]`: the Code 9.7 report to the governing body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuarterlySection {
    /// Open stages older than this many working days are exceptions (as are overdue ones).
    #[serde(default = "default_exception_age")]
    pub exception_age_days: i64,
    /// Categories whose open stages are always exceptions (default: any naming damp or mould).
    pub exception_categories: Option<Vec<String>>,
    /// Exceptions listed at most (the rest are counted).
    #[serde(default = "default_exceptions_listed")]
    pub exceptions_listed: usize,
    /// Per quarter ("2024-25 Q3"): issues and trends (Markdown or text).
    #[serde(default)]
    pub issues: BTreeMap<String, PathBuf>,
    /// Per quarter: actions taken or proposed.
    #[serde(default)]
    pub actions: BTreeMap<String, PathBuf>,
    /// Cover block: why the paper comes to the board, what it is asked to do, who wrote it.
    pub purpose: Option<String>,
    pub recommendation: Option<String>,
    pub author: Option<String>,
}

impl Default for QuarterlySection {
    fn default() -> Self {
        QuarterlySection {
            exception_age_days: default_exception_age(),
            exception_categories: None,
            exceptions_listed: default_exceptions_listed(),
            issues: BTreeMap::new(),
            actions: BTreeMap::new(),
            purpose: None,
            recommendation: None,
            author: None,
        }
    }
}

fn default_exception_age() -> i64 {
    40
}

fn default_exceptions_listed() -> usize {
    25
}

/// `[publication]`: disclosure control in the web edition.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicationSection {
    #[serde(default = "default_threshold")]
    pub suppression_threshold: u64,
    #[serde(default = "default_min_denominator")]
    pub min_denominator: u64,
    /// The category values the web edition may print (others are grouped as "Other").
    pub publish_categories: Option<Vec<String>>,
    pub publish_channels: Option<Vec<String>>,
    pub publish_refusal_reasons: Option<Vec<String>>,
    /// How residents can complain, for the web page (default: any way, to any member of staff).
    pub how_to_complain: Option<String>,
}

impl Default for PublicationSection {
    fn default() -> Self {
        PublicationSection {
            suppression_threshold: default_threshold(),
            min_denominator: default_min_denominator(),
            publish_categories: None,
            publish_channels: None,
            publish_refusal_reasons: None,
            how_to_complain: None,
        }
    }
}

fn default_threshold() -> u64 {
    5
}

fn default_min_denominator() -> u64 {
    10
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputSection {
    #[serde(default)]
    pub files: Vec<PathBuf>,
    pub sheet: Option<SheetRef>,
    /// Spreadsheet row number (counting from 1) of the header; found automatically when absent.
    pub header_row: Option<usize>,
    #[serde(default)]
    pub date_order: DateOrder,
    /// "auto" (default), "wide" (one row per complaint) or "long" (one row per complaint stage).
    #[serde(default)]
    pub shape: Shape,
    /// Fields the export truly does not record: a stage found only in part goes on without them
    /// rather than stopping the run.
    #[serde(default)]
    pub not_recorded: Vec<Field>,
    /// An export split into one file per stage, with no stage column: file (as listed in
    /// `files`, or its name) = the stage its rows describe (1 or 2).
    #[serde(default)]
    pub file_stage: BTreeMap<String, u8>,
    /// `[input.limits]`: how much a spreadsheet may unpack to before the run stops.
    #[serde(default)]
    pub limits: ReadLimits,
    /// Export columns no field uses that `query` and `export` carry into their table, by header
    /// (`--keep-unmapped` carries every one).
    #[serde(default)]
    pub keep_unmapped: Vec<String>,
}

/// Bounds on what one spreadsheet may cost to read. A workbook is a ZIP of XML: a few kilobytes
/// can unpack to gigabytes, so each bound stops the run with its key named rather than letting
/// a hostile or damaged file exhaust the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReadLimits {
    /// Megabytes the workbook's parts may unpack to, all together.
    pub unpacked_mb: u64,
    /// Cells a sheet may hold (Excel's own sheets hold at most 17 billion, real exports a few
    /// million).
    pub cells: u64,
    /// Kilobytes one cell's text may take (Excel stops at 32,767 characters).
    pub cell_kb: u64,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            unpacked_mb: 512,
            cells: 20_000_000,
            cell_kb: 256,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    #[default]
    Auto,
    Wide,
    Long,
}

/// A worksheet chosen by name or by position (1 = the first sheet).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum SheetRef {
    Index(usize),
    Name(String),
}

/// `[columns]`: canonical field = header in the export.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct ColumnsSection {
    pub fields: BTreeMap<Field, String>,
}

/// `[calendar]`: which days are working days.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarSection {
    #[serde(default)]
    pub division: Division,
    /// A gov.uk bank-holidays.json or a one-date-per-line file replacing the embedded holidays.
    pub holidays_file: Option<PathBuf>,
    /// Local closure days (e.g. 27–31 December) treated as non-working days.
    #[serde(default, deserialize_with = "date_list")]
    pub extra_closure_days: Vec<NaiveDate>,
}

/// `[timeliness]`: how the response deadline is counted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelinessSection {
    #[serde(default)]
    pub response_clock: ResponseClock,
    /// First date judged under the 2024 Code (earlier: the 2022 Code).
    #[serde(default, deserialize_with = "opt_date")]
    pub code_2024_from: Option<NaiveDate>,
    /// Which date that is compared with: the complaint's stage-1 receipt (default) or each
    /// stage's own start (stage 2: the escalation request).
    #[serde(default)]
    pub code_version_by: CodeVersionBy,
}

/// One `[values.<field>]` table: canonical value = list of export values meaning it.
pub type ValueMapConfig = Option<BTreeMap<String, Vec<String>>>;

/// `[values.<field>]`: canonical value = list of export values meaning it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValuesSection {
    /// Maps that replace the built-in one rather than add to it.
    #[serde(default)]
    pub replace_built_in: Vec<String>,
    pub tenure: ValueMapConfig,
    pub status: ValueMapConfig,
    pub satisfaction: ValueMapConfig,
    pub outcome: ValueMapConfig,
    pub stage: ValueMapConfig,
    pub boolean: ValueMapConfig,
    pub category: ValueMapConfig,
    /// Extension reasons (`stageN_extension_reason`): `good_reason` lists the reasons that
    /// are good reason for an extension beyond 10/20 working days (Code 6.4, 6.15); `other`
    /// the reasons that are not.
    pub extension_reason: ValueMapConfig,
}

pub(super) fn opt_date<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<NaiveDate>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Toml(toml::value::Datetime),
        Text(String),
    }
    let raw = Option::<Raw>::deserialize(d)?;
    let text = match raw {
        None => return Ok(None),
        Some(Raw::Toml(dt)) => dt.to_string(),
        Some(Raw::Text(s)) => s,
    };
    parse_config_date(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

fn date_list<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<NaiveDate>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Toml(toml::value::Datetime),
        Text(String),
    }
    Vec::<Raw>::deserialize(d)?
        .into_iter()
        .map(|raw| {
            let text = match raw {
                Raw::Toml(dt) => dt.to_string(),
                Raw::Text(s) => s,
            };
            parse_config_date(&text).map_err(serde::de::Error::custom)
        })
        .collect()
}

impl Config {
    pub fn load(path: &Path) -> Result<Self> {
        // A config file that is missing or unreadable is a file error (exit 1), as for any
        // other file; one that reads but is wrong is a config error (exit 2).
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let mut config: Config = toml::from_str(&text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            message: in_plain_words(&with_closest_key(&e.to_string())),
        })?;
        config.path = path.to_path_buf();
        config.sha256 = crate::digest::sha256_hex(text.as_bytes());
        config.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        config.check()?;
        Ok(config)
    }

    fn config_error(&self, message: String) -> Error {
        Error::Config {
            path: self.path.clone(),
            message,
        }
    }

    fn check(&self) -> Result<()> {
        if let Some(SheetRef::Index(0)) = self.input.sheet {
            return Err(self.config_error(
                "[input] sheet = 0: sheet positions count from 1 (sheet = 1 is the first sheet)".into(),
            ));
        }
        if self.input.header_row == Some(0) {
            return Err(
                self.config_error("[input] header_row = 0: rows count from 1, as in a spreadsheet".into())
            );
        }
        if !self.input.file_stage.is_empty() && self.input.shape == Shape::Wide {
            return Err(self.config_error(
                "[input.file_stage] gives each file's stage, so the export has a row per stage: remove shape = \"wide\"".into(),
            ));
        }
        for (file, &stage) in &self.input.file_stage {
            if !(1..=2).contains(&stage) {
                return Err(self.config_error(format!(
                    "[input.file_stage] \"{file}\" = {stage}: the stage is 1 or 2"
                )));
            }
        }
        self.columns.check().map_err(|m| self.config_error(m))?;
        self.values.check().map_err(|m| self.config_error(m))
    }

    /// The stage a file's rows describe, when `[input.file_stage]` names it (by the path listed
    /// in `files` or by its file name).
    pub fn file_stage(&self, file: &Path) -> Option<u8> {
        self.input.file_stage.iter().find_map(|(name, &stage)| {
            let named = Path::new(name);
            (self.base_dir.join(named) == file
                || file == named
                || file.file_name() == Some(named.as_os_str()))
            .then_some(stage)
        })
    }

    /// Input files: the `--input` flags when given (relative to the working directory), otherwise
    /// `[input] files` resolved against the config file's folder.
    pub fn input_files(&self, cli_inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
        let files: Vec<PathBuf> = if cli_inputs.is_empty() {
            self.input.files.iter().map(|f| self.base_dir.join(f)).collect()
        } else {
            cli_inputs.to_vec()
        };
        if files.is_empty() {
            return Err(self.config_error(
                "no input files: list them under [input] files = [\"export.csv\"] or pass --input FILE"
                    .into(),
            ));
        }
        Ok(files)
    }

    /// A path from the config, resolved against the config file's folder.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        self.base_dir.join(path)
    }

    /// Every file the config names for the run to read (holidays, narrative, self-assessment,
    /// determinations, the quarterly's issues and actions), resolved, each with the key that
    /// names it: outputs must never land on one of them, and each must exist.
    pub fn referenced_files(&self) -> Vec<(String, PathBuf)> {
        let n = &self.narrative;
        let named = [
            ("[calendar] holidays_file", &self.calendar.holidays_file),
            ("[narrative] governing_body_response", &n.governing_body_response),
            ("[narrative] themes", &n.themes),
            ("[narrative] non_compliance", &n.non_compliance),
            ("[narrative] improvements", &n.improvements),
            ("[narrative] ombudsman", &n.ombudsman),
            ("[narrative] ombudsman_other", &n.ombudsman_other),
            ("[narrative] self_assessment", &n.self_assessment),
            (
                "[narrative] ombudsman_determinations",
                &n.ombudsman_determinations,
            ),
            ("[narrative] resident_summary", &n.resident_summary),
        ];
        let per_quarter = |table: &str, files: &BTreeMap<String, PathBuf>| -> Vec<(String, PathBuf)> {
            files
                .iter()
                .map(|(quarter, file)| (format!("[quarterly.{table}] \"{quarter}\""), self.resolve(file)))
                .collect()
        };
        named
            .into_iter()
            .filter_map(|(key, file)| Some((key.to_string(), self.resolve(file.as_ref()?))))
            .chain(per_quarter("issues", &self.quarterly.issues))
            .chain(per_quarter("actions", &self.quarterly.actions))
            .collect()
    }

    /// Every file the config names exists: a run stops at once, naming the key, rather than
    /// after reading the exports (or not at all, for a command that would not have read it).
    pub fn check_referenced_files(&self) -> Result<()> {
        for (key, file) in self.referenced_files() {
            if !file.is_file() {
                return Err(self.config_error(format!(
                    "{key} names {}, which is not a file: create it, or correct the path (relative paths start from the config file's folder)",
                    file.display()
                )));
            }
        }
        Ok(())
    }

    /// Whether `[report]` sets a period (a financial year, or start and end dates).
    pub fn has_period(&self) -> bool {
        self.report.period.is_some() || (self.report.start.is_some() && self.report.end.is_some())
    }

    /// The holidays file named under `[calendar]`, resolved against the config file's folder.
    pub fn holidays_file(&self) -> Option<PathBuf> {
        self.calendar.holidays_file.as_ref().map(|f| self.resolve(f))
    }

    /// Resolves the period from `--period`/`--as-at` overrides or the `[report]` section.
    /// The homes owned in `period` and the year before, as `[homes]` gives them.
    pub fn stocks(&self, period: Period) -> Stocks {
        self.homes.map(|h| h.stocks(period)).unwrap_or_default()
    }

    pub fn period(&self, period_override: Option<&str>, as_at_override: Option<NaiveDate>) -> Result<Period> {
        let (start, end) = match (
            period_override,
            &self.report.period,
            self.report.start,
            self.report.end,
        ) {
            (Some(label), ..) => Period::financial_year(label).map_err(Error::Usage)?,
            (None, _, Some(start), Some(end)) => (start, end),
            (None, Some(label), _, _) => Period::financial_year(label)
                .map_err(|m| self.config_error(format!("[report] period: {m}")))?,
            (None, None, _, _) => {
                return Err(
                    self.config_error("[report] needs period = \"2024/25\", or start and end dates".into())
                );
            }
        };
        if end < start {
            return Err(self.config_error(format!("[report] end {end} is before start {start}")));
        }
        let as_at = as_at_override.or(self.report.as_at).unwrap_or(end);
        Ok(Period { start, end, as_at })
    }
}

impl ColumnsSection {
    /// One header feeds one field: two fields named to the same header is a mistake.
    fn check(&self) -> std::result::Result<(), String> {
        let mut seen: BTreeMap<String, Field> = BTreeMap::new();
        for (&field, header) in &self.fields {
            if let Some(other) = seen.insert(crate::domain::text::header_key(header), field) {
                return Err(format!(
                    "[columns] maps both `{}` and `{}` to \"{header}\": a header feeds one field; remove one of them",
                    other.name(),
                    field.name()
                ));
            }
        }
        Ok(())
    }
}

impl ValuesSection {
    /// Whether `[values] replace_built_in` lists the map.
    pub fn replaces(&self, map: &str) -> bool {
        self.replace_built_in.iter().any(|m| m == map)
    }

    fn check(&self) -> std::result::Result<(), String> {
        const MAPS: [&str; 7] = [
            "tenure",
            "status",
            "satisfaction",
            "outcome",
            "stage",
            "boolean",
            "category",
        ];
        for name in &self.replace_built_in {
            if !MAPS.contains(&name.as_str()) {
                return Err(format!(
                    "[values] replace_built_in names `{name}`; the maps are {}",
                    MAPS.join(", ")
                ));
            }
        }
        let maps = [
            &self.tenure,
            &self.status,
            &self.satisfaction,
            &self.outcome,
            &self.stage,
            &self.boolean,
            &self.category,
        ];
        for (name, map) in MAPS.iter().zip(maps) {
            let mut seen: BTreeMap<String, &str> = BTreeMap::new();
            for (canonical, values) in map.iter().flatten() {
                for value in values {
                    let key = crate::domain::text::value_key(value);
                    match seen.insert(key, canonical) {
                        Some(other) if other != canonical => {
                            return Err(format!(
                                "[values.{name}] lists \"{value}\" under both `{other}` and `{canonical}`: a value means one thing; keep it under one"
                            ));
                        }
                        _ => {}
                    }
                }
            }
        }
        let allowed: [(&str, &ValueMapConfig, &[&str]); 7] = [
            ("tenure", &self.tenure, &["LCRA", "LCHO", "OTHER"]),
            (
                "status",
                &self.status,
                &["open", "closed", "withdrawn", "refused"],
            ),
            (
                "satisfaction",
                &self.satisfaction,
                &["satisfied", "dissatisfied", "neutral"],
            ),
            (
                "outcome",
                &self.outcome,
                &["upheld", "partly_upheld", "not_upheld", "withdrawn", "other"],
            ),
            ("stage", &self.stage, &["stage1", "stage2"]),
            ("boolean", &self.boolean, &["true", "false"]),
            (
                "extension_reason",
                &self.extension_reason,
                &["good_reason", "other"],
            ),
        ];
        for (field, map, keys) in allowed {
            for key in map.iter().flat_map(|m| m.keys()) {
                if !keys.contains(&key.as_str()) {
                    return Err(format!(
                        "[values.{field}] has key `{key}`; the keys allowed are {}",
                        keys.join(", ")
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homes_plain_or_by_tenure() {
        let year = Period {
            start: NaiveDate::from_ymd_opt(2024, 4, 1).unwrap(),
            end: NaiveDate::from_ymd_opt(2025, 3, 31).unwrap(),
            as_at: NaiveDate::from_ymd_opt(2025, 3, 31).unwrap(),
        };
        let c: Config = toml::from_str("homes = 1200").unwrap();
        let stocks = c.homes.unwrap().stocks(year);
        assert_eq!(stocks.this_year.unwrap().homes.lcra(), 1200);
        assert_eq!(stocks.prior_year, None);
        let c: Config = toml::from_str(
            "[homes]\nLCRA = 900\nLCHO = 40\n[homes.prior]\nLCRA = 880\nLCHO = 30\nas_at = 2024-03-30",
        )
        .unwrap();
        let stocks = c.homes.unwrap().stocks(year);
        let this = stocks.this_year.unwrap();
        assert_eq!((this.homes.lcra(), this.homes.lcho()), (900, 40));
        assert_eq!(this.counted_on, year.end);
        let prior = stocks.prior_year.unwrap();
        assert_eq!((prior.homes.lcra(), prior.homes.lcho()), (880, 30));
        assert_eq!(prior.counted_on, NaiveDate::from_ymd_opt(2024, 3, 30).unwrap());
    }

    #[test]
    fn unknown_keys_are_rejected_with_the_allowed_names() {
        let err = toml::from_str::<Config>("[columns]\nrefrence = \"Ref\"").unwrap_err();
        assert!(err.to_string().contains("refrence"), "{err}");
        let c: Config = toml::from_str("[report]\nstart = 2024-04-01\nend = \"31/03/2025\"").unwrap();
        assert_eq!(c.report.end, NaiveDate::from_ymd_opt(2025, 3, 31));
    }
}
