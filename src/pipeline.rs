//! The pipeline: the one place where the stages are chained — ingest → normalise → classify →
//! metrics — from settings resolved once (the config read once, the input files and the column
//! matcher resolved once, the period and calendar resolved once). Commands call it, then the
//! report; no stage below calls it back. What happens along the way is shown to an
//! [`Observer`] the caller passes in.

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::classify::{self, Rules};
use crate::config::Config;
use crate::domain::calendar::Calendar;
use crate::domain::canonical::{AS_AT, Field, Kind, PERIOD_END, PERIOD_START, SOURCE_FILE, SOURCE_ROW};
use crate::domain::dates::{date_lit, parse_config_date};
use crate::domain::period::Period;
use crate::domain::stage::{CODE_VERSION, Stage, StageColumn};
use crate::error::{Error, PolarsContext, Result};
use crate::ingest::{self, Fingerprint, Fingerprints, RawTable, ReadOptions};
use crate::mapping::{ColumnMatcher, Unmapped};
use crate::metrics::{self, Metrics, OpenCases, Records};
use crate::normalise::{self, DataQuality, Normalised};
use crate::observe::{Observer, step};

/// A run's settings, resolved once: the config, the files to read and the column matcher.
pub struct Pipeline {
    config: Config,
    files: Vec<PathBuf>,
    matcher: ColumnMatcher,
    calendar: Calendar,
    /// Whether the table is for analysts: fields' text as written and unmapped columns kept.
    for_analysts: bool,
}

/// What a run asks for beyond the config: `--period` and `--as-at` as given.
#[derive(Debug, Clone, Copy, Default)]
pub struct Request<'a> {
    pub period: Option<&'a str>,
    pub as_at: Option<&'a str>,
}

impl Pipeline {
    /// Reads the config file and resolves the input files: `inputs` (the `--input` flags) when
    /// given, else `[input] files`.
    pub fn open(config: &Path, inputs: &[PathBuf]) -> Result<Pipeline> {
        Pipeline::new(Config::load(config)?, inputs)
    }

    /// A pipeline for a config already read. Every command opens one, so every command
    /// judges a config alike: the files it names exist, its holidays file reads, and its
    /// period (when it sets one) lies within the working-day calendar.
    pub fn new(config: Config, inputs: &[PathBuf]) -> Result<Pipeline> {
        let files = config.input_files(inputs)?;
        config.check_referenced_files()?;
        let calendar = Calendar::load(
            config.calendar.division,
            config.holidays_file().as_deref(),
            &config.calendar.extra_closure_days,
        )?;
        if config.has_period() {
            let period = config.period(None, None)?;
            calendar.check_covers(period.start, period.end, period.as_at)?;
        }
        let matcher = ColumnMatcher::new(&config.columns);
        Ok(Pipeline {
            config,
            files,
            matcher,
            calendar,
            for_analysts: false,
        })
    }

    /// The same run, making the table analysts query and export: each coded field's text as
    /// written (`<field>_raw`) and the unmapped export columns `[input] keep_unmapped` names,
    /// or every one with `all_unmapped` (`--keep-unmapped`). A name no input file has is a
    /// usage error, found when the files are read.
    pub fn for_analysts(self, all_unmapped: bool) -> Pipeline {
        let unmapped = match (all_unmapped, self.config.input.keep_unmapped.is_empty()) {
            (true, _) => Unmapped::All,
            (false, true) => Unmapped::Dropped,
            (false, false) => Unmapped::Named(self.config.input.keep_unmapped.clone()),
        };
        Pipeline {
            matcher: self.matcher.keeping(unmapped),
            for_analysts: true,
            ..self
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The input files, in the order they are read.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Stage 1: every input file read into a raw table.
    pub fn ingest(&self, fingerprints: Fingerprints, observer: &dyn Observer) -> Result<Vec<RawTable>> {
        let options = ReadOptions {
            sheet: self.config.input.sheet.as_ref(),
            header_row: self.config.input.header_row,
            limits: self.config.input.limits,
            matcher: &self.matcher,
            fingerprints,
            observer,
        };
        step(observer, "ingest", || ingest::ingest(&self.files, &options))
    }

    /// Stage 2: the canonical table, with its files' fingerprints once they are worked out.
    pub fn normalise(&self, raws: Vec<RawTable>, observer: &dyn Observer) -> Result<Normalised> {
        let (mut normalised, fingerprints) = self.normalise_now(raws, observer)?;
        await_fingerprints(&mut normalised.quality, &fingerprints);
        Ok(normalised)
    }

    /// Stage 2, leaving the files' fingerprints to be worked out while the run goes on.
    fn normalise_now(
        &self,
        raws: Vec<RawTable>,
        observer: &dyn Observer,
    ) -> Result<(Normalised, Vec<Fingerprint>)> {
        let fingerprints = raws.iter().map(|raw| raw.sha256.clone()).collect();
        let normalised = step(observer, "normalise", || {
            normalise::normalise(raws, &self.config, &self.matcher, self.for_analysts, observer)
        })?;
        Ok((normalised, fingerprints))
    }

    /// Stages 1 and 2: the canonical table and the account of how it was made.
    pub fn load(&self, fingerprints: Fingerprints, observer: &dyn Observer) -> Result<Normalised> {
        let raws = self.ingest(fingerprints, observer)?;
        self.normalise(raws, observer)
    }

    /// Every stage: the canonical table classified against the Code, and the figures for the
    /// period asked for (and the year before, when the data covers it).
    pub fn analyse(
        self,
        request: Request,
        fingerprints: Fingerprints,
        observer: &dyn Observer,
    ) -> Result<Analysis> {
        let raws = self.ingest(fingerprints, observer)?;
        let (normalised, pending) = self.normalise_now(raws, observer)?;
        let mut analysis = self.judge(normalised, request, observer)?;
        await_fingerprints(&mut analysis.normalised.quality, &pending);
        Ok(analysis)
    }

    /// Stages 3 and 4 on a table already normalised: classified against the Code, and the
    /// figures for the period asked for (and the year before, when the data covers it).
    pub fn judge(
        self,
        normalised: Normalised,
        request: Request,
        observer: &dyn Observer,
    ) -> Result<Analysis> {
        let Pipeline { config, calendar, .. } = self;
        let as_at = request
            .as_at
            .map(|d| parse_config_date(d).map_err(|m| Error::Usage(format!("--as-at: {m}"))))
            .transpose()?;
        let period = config.period(request.period, as_at)?;
        calendar.check_covers(period.start, period.end, period.as_at)?;
        let rules = Rules::from_config(&config, period.as_at);
        let classified = step(observer, "classify", || {
            classify::classify(normalised.complaints.clone(), &calendar, &rules)
        })?;
        let input = metrics::Input {
            table: &classified,
            records: records(&normalised.quality),
            stocks: config.stocks(period),
            calendar: &calendar,
            rules: &rules,
        };
        let metrics = step(observer, "metrics", || metrics::compute(&input, period, observer))?;
        Ok(Analysis {
            config,
            period,
            calendar,
            rules,
            normalised,
            classified,
            metrics,
        })
    }
}

/// The counts of rows and complaints the figures print.
fn records(quality: &DataQuality) -> Records {
    Records {
        rows_read: quality.rows_read,
        included: quality.included,
        excluded: quality.excluded,
        complaints: quality.complaints,
    }
}

/// Fills in each file's fingerprint, waiting for any still being worked out.
fn await_fingerprints(quality: &mut DataQuality, fingerprints: &[Fingerprint]) {
    for (file, fingerprint) in quality.files.iter_mut().zip(fingerprints) {
        file.sha256 = fingerprint.get().to_string();
    }
}

/// A run's data analysed: the settings it was judged by, the canonical and classified tables,
/// and the figures for its period.
pub struct Analysis {
    pub config: Config,
    /// The period the figures are for, and the as-at date open cases are judged at.
    pub period: Period,
    pub calendar: Calendar,
    pub rules: Rules,
    pub normalised: Normalised,
    /// The canonical table with classify's columns.
    pub classified: DataFrame,
    /// The figures for the period (with the year before, when the data covers it).
    pub metrics: Metrics,
}

impl Analysis {
    /// The data-quality account: rows read, the exclusions ledger, the warnings.
    pub fn quality(&self) -> &DataQuality {
        &self.normalised.quality
    }

    /// The figures for any other span (a quarter, a year to date), without the year before.
    pub fn figures_for(&self, period: Period, observer: &dyn Observer) -> Result<Metrics> {
        let input = metrics::Input {
            table: &self.classified,
            records: records(&self.normalised.quality),
            stocks: self.config.stocks(self.period),
            calendar: &self.calendar,
            rules: &self.rules,
        };
        metrics::compute_period(&input, period, observer)
    }

    /// The stages open at `period`'s as-at date; the first `listed` of them listed.
    pub fn open_cases(&self, period: Period, listed: usize) -> Result<OpenCases> {
        metrics::open_cases(&self.classified, period, listed, &self.calendar)
    }

    /// The table analysts query and export: the canonical columns and the text as written of
    /// those kept ([`Pipeline::for_analysts`]), the Code version and each stage's judgement,
    /// the dates they are as at, where each complaint came from, then the unmapped columns kept.
    pub fn complaints_table(&self) -> Result<DataFrame> {
        let mut columns: Vec<Expr> = Field::CANONICAL
            .iter()
            .map(|f| match f.kind() {
                // Pounds and pence exactly, never a binary fraction: sums stay to the penny.
                Kind::Money => col(f.name()).cast(DataType::Decimal(18, 2)),
                _ => col(f.name()),
            })
            .collect();
        columns.extend(self.normalised.raw_text.iter().map(|name| col(name.as_str())));
        columns.push(col(CODE_VERSION));
        // A complaint never escalated has no stage 2: its stage-2 judgements are empty, not
        // "false".
        let escalated = col(Field::Stage2Requested.name()).is_not_null();
        for stage in Stage::BOTH {
            columns.extend(StageColumn::FOR_ANALYSTS.map(|c| {
                match stage {
                    Stage::One => col(c.name(stage)),
                    Stage::Two => when(escalated.clone())
                        .then(col(c.name(stage)))
                        .otherwise(lit(NULL))
                        .alias(c.name(stage)),
                }
            }));
        }
        // What the judgements are as at, and the period asked for.
        columns.extend([
            date_lit(self.period.as_at).alias(AS_AT),
            date_lit(self.period.start).alias(PERIOD_START),
            date_lit(self.period.end).alias(PERIOD_END),
        ]);
        columns.push(col(SOURCE_FILE));
        columns.push(col(SOURCE_ROW));
        columns.extend(self.normalised.unmapped.iter().map(|name| col(name.as_str())));
        let as_at =
            Stage::BOTH.map(|stage| classify::as_at_columns(stage, self.period.as_at, &self.calendar));
        self.classified
            .clone()
            .lazy()
            .with_columns(as_at.concat())
            .select(columns)
            .collect()
            .ctx("selecting the complaints table")
    }
}
