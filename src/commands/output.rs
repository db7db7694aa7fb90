//! Writing what the commands make: files replaced whole, never an input of the run, the report
//! editions compiled and written side by side, and the lists of what was written.

use std::path::{Path, PathBuf};

use crate::cli::ReportArgs;
use crate::columnar::parallel::in_parallel;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::normalise::DataQuality;
use crate::observe::Observer;
use crate::report::typeset::{self, CompileInput, Templates};
use crate::report::{Edition, ReportData, Suppression, Template};

/// Refuses to write over one of the run's input files (or its config).
pub(super) fn check_not_input(path: &Path, config: &Config, quality: &DataQuality) -> Result<()> {
    let canonical = |p: &Path| {
        let parent = p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::canonicalize(parent)
            .ok()
            .map(|d| d.join(p.file_name().unwrap_or_default()))
    };
    let target = canonical(path);
    let inputs = quality
        .files
        .iter()
        .map(|f| PathBuf::from(&f.file))
        .chain(std::iter::once(config.path.clone()));
    for input in inputs {
        if target.is_some() && canonical(&input) == target {
            return Err(Error::Usage(format!(
                "{} is an input of this run: choose another output name or --out folder",
                path.display()
            )));
        }
    }
    Ok(())
}

/// Writes a file through a temporary file renamed into place, so a reader never sees half a
/// file and an interrupted run leaves the old one intact.
pub(super) fn write_output(path: &Path, bytes: &[u8]) -> Result<()> {
    let failed = |e: std::io::Error| Error::Output {
        path: path.to_path_buf(),
        message: format!("{e}; check the --out folder exists and can be written"),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".partial");
    std::fs::write(&temporary, bytes).map_err(failed)?;
    std::fs::rename(&temporary, path).map_err(failed)
}

/// [`write_output`], returning the path written.
pub(super) fn write(path: PathBuf, bytes: &[u8]) -> Result<PathBuf> {
    write_output(&path, bytes)?;
    Ok(path)
}

/// `--final` refuses while anything is a placeholder; otherwise the report is a draft and
/// says so on every page.
pub(super) fn refuse_if_final(final_: bool, missing: &[String]) -> Result<()> {
    if final_ && !missing.is_empty() {
        return Err(crate::error::Error::NotFinal(missing.to_vec()));
    }
    Ok(())
}

/// The web edition's small-number suppression, from `[publication]`.
pub(super) fn suppression(config: &Config) -> Suppression {
    let p = &config.publication;
    Suppression {
        threshold: p.suppression_threshold.max(1),
        min_denominator: p.min_denominator,
    }
}

/// The templates a report command uses: `--templates DIR`, else the built-in ones.
pub(super) fn templates(args: &ReportArgs) -> Result<Templates> {
    match &args.templates {
        Some(dir) => Templates::from_dir(dir),
        None => Ok(Templates::embedded()),
    }
}

/// Where a report's editions go, and under which names.
pub(super) struct Editions<'a> {
    pub out: &'a Path,
    pub templates: &'a Templates,
    pub template: Template,
    /// The PDFs' name, without "-web" and ".pdf".
    pub stem: String,
    /// The report data's name, without "-web" and ".json".
    pub data_stem: &'a str,
}

impl Editions<'_> {
    /// Lays out and writes the editions side by side, one per thread. Typst lays out a single
    /// document on about one and a half cores (its page runs in parallel), so two at once
    /// finish sooner than one after the other.
    pub(super) fn write(
        &self,
        editions: [Result<(Edition, ReportData)>; 2],
        observer: &dyn Observer,
    ) -> Result<Vec<PathBuf>> {
        let editions: Vec<(Edition, ReportData)> = editions.into_iter().collect::<Result<_>>()?;
        let written = in_parallel(&editions, |(edition, data)| {
            self.write_one(*edition, data, observer)
        })?;
        Ok(written.into_iter().flatten().collect())
    }

    /// Compiles one edition and writes its PDF, its report data and its charts.
    fn write_one(
        &self,
        edition: Edition,
        data: &ReportData,
        observer: &dyn Observer,
    ) -> Result<Vec<PathBuf>> {
        let web = if edition == Edition::Web { "-web" } else { "" };
        let stem = format!("{}{web}", self.stem);
        let json = serde_json::to_vec_pretty(data).expect("report data serialises");
        let assets: Vec<(String, Vec<u8>)> = data
            .charts
            .values()
            .map(|c| (c.path.clone(), c.svg.clone().into_bytes()))
            .collect();
        let pdf = typeset::compile(
            self.templates,
            CompileInput {
                template: self.template,
                data_json: json.clone(),
                assets: assets.clone(),
                today: chrono::NaiveDate::parse_from_str(&data.document_date, "%Y-%m-%d").unwrap_or_default(),
                accessible: edition == Edition::Web,
                ident: format!("{stem}-{}", data.organisation),
            },
            observer,
        )?;
        let mut written = vec![write(self.out.join(format!("{stem}.pdf")), &pdf)?];
        written.push(write(
            self.out.join(format!("{}{web}.json", self.data_stem)),
            &json,
        )?);
        for (path, svg) in assets {
            let file = Path::new(&path)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let file = if self.data_stem == "report-data" {
                file
            } else {
                format!("{}-{file}", self.data_stem)
            };
            written.push(write(
                self.out.join("charts").join(format!("{file}{web}.svg")),
                &svg,
            )?);
        }
        Ok(written)
    }
}

/// Prints the warnings, then what was written (charts counted, not listed).
pub(super) fn report_written(written: &[PathBuf], warnings: &[String], missing: &[String]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    if !missing.is_empty() {
        eprintln!(
            "DRAFT: every page says \"DRAFT — not for publication\" until these are filled in (then use --final):"
        );
        for m in missing {
            eprintln!("  - {m}");
        }
    }
    let charts = written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .count();
    for path in written
        .iter()
        .filter(|p| p.extension().is_none_or(|e| e != "svg"))
    {
        println!("wrote {}", path.display());
    }
    if let Some(dir) = written
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "svg"))
        .and_then(|p| p.parent())
    {
        println!("wrote {charts} charts in {}", dir.display());
    }
}

/// The exclusions ledger and the warnings as one CSV a spreadsheet user can filter.
pub(super) fn data_quality_csv(q: &DataQuality) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "kind",
        "file",
        "row",
        "reference",
        "field",
        "code",
        "count",
        "detail",
    ]);
    for e in &q.exclusions {
        let row = e.row.to_string();
        let _ = w.write_record([
            "excluded",
            &e.file,
            &row,
            e.reference.as_deref().unwrap_or(""),
            "",
            "",
            "1",
            &e.reason,
        ]);
    }
    for warning in &q.warnings {
        let count = warning.count.to_string();
        let code = warning.code.as_str();
        let field = warning.field.unwrap_or("");
        let _ = w.write_record(["warning", "", "", "", field, code, &count, &warning.message]);
        for x in &warning.examples {
            let row = x.row.to_string();
            let _ = w.write_record([
                "example",
                &x.file,
                &row,
                x.reference.as_deref().unwrap_or(""),
                field,
                code,
                "",
                x.value.as_deref().unwrap_or(""),
            ]);
        }
    }
    w.into_inner().unwrap_or_default()
}
