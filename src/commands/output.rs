//! Writing what the commands make: files replaced whole, never an input of the run, the report
//! editions compiled and written side by side, and the lists of what was written.

use std::path::{Path, PathBuf};

use polars::prelude::{CsvWriter, DataFrame, DataType, IntoColumn, SerWriter, StringChunked};

use super::terminal;
use crate::cli::ReportArgs;
use crate::columnar::parallel::in_parallel;
use crate::config::Config;
use crate::error::{Error, PolarsContext, Result};
use crate::normalise::DataQuality;
use crate::observe::Observer;
use crate::report::typeset::{self, CompileInput, Templates};
use crate::report::{Edition, ReportData, Suppression, Template};

/// Every file a run reads, which no output may replace: the exports, the config, the files
/// the config names, and the report templates.
pub(super) fn run_inputs(config: &Config, quality: &DataQuality, templates: Option<&Path>) -> Vec<PathBuf> {
    let mut inputs: Vec<PathBuf> = quality.files.iter().map(|f| PathBuf::from(&f.file)).collect();
    inputs.push(config.path.clone());
    inputs.extend(config.referenced_files().into_iter().map(|(_, file)| file));
    if let Some(dir) = templates
        && let Ok(entries) = std::fs::read_dir(dir)
    {
        inputs.extend(entries.flatten().map(|e| e.path()));
    }
    inputs
}

/// Refuses to write over one of the run's inputs: the same file, whatever the path says
/// (a link, "..", another name for the folder).
pub(super) fn check_not_input(path: &Path, inputs: &[PathBuf]) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    // An output that does not exist yet cannot be an input; one that exists must also be a
    // regular file (checked second, so that a link to an input is named as such).
    let Ok(target) = std::fs::metadata(path) else {
        return check_target(path);
    };
    let is_target = |input: &PathBuf| {
        std::fs::metadata(input).is_ok_and(|m| (m.dev(), m.ino()) == (target.dev(), target.ino()))
    };
    match inputs.iter().find(|input| is_target(input)) {
        Some(input) => Err(Error::Usage(format!(
            "{} is an input of this run ({}): choose another output name or --out folder",
            path.display(),
            input.display()
        ))),
        None => check_target(path),
    }
}

/// An output's name may be new or an existing regular file, which it replaces. Anything else
/// there — a link (perhaps into a synced folder), a device such as /dev/stdout, a FIFO, a
/// folder — is refused: never replaced, never written through.
pub(super) fn check_target(path: &Path) -> Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    let kind = meta.file_type();
    use std::os::unix::fs::FileTypeExt;
    let what = if kind.is_file() {
        return Ok(());
    } else if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    };
    Err(Error::Output {
        path: path.to_path_buf(),
        message: format!(
            "it is {what}, which is neither replaced nor written through: name a regular file (or \"-\" for standard output)"
        ),
    })
}

/// Writes `bytes` to `path`, or to standard output when `path` is "-" (`export`, `query`);
/// a file written is reported as "wrote <path><detail>".
pub(super) fn write_to(path: &Path, bytes: &[u8], inputs: &[PathBuf], detail: &str) -> Result<()> {
    if is_stdout(path) {
        return terminal::print_data(bytes);
    }
    check_not_input(path, inputs)?;
    write_output(path, bytes)?;
    terminal::status(format_args!("wrote {}{detail}", path.display()));
    Ok(())
}

/// A file name's extension in lower case ("" when it has none): what `--out` names a format by.
pub(super) fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// "-": standard output.
pub(super) fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Writes one file on its own (`export`, `init`): [`OutFolder`] for a report's set of files.
pub(super) fn write_output(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = parent_of(path);
    create_folder(dir, path)?;
    let _lock = FolderLock::take(dir, path)?;
    check_target(path)?;
    replace_whole(path, bytes)
}

fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn output_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Output {
        path: path.to_path_buf(),
        message: format!("{e}; check the --out folder exists and can be written"),
    }
}

fn create_folder(dir: &Path, for_path: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| output_error(for_path, e))
}

/// Writes a file through a temporary file renamed into place, so a reader never sees half a
/// file and an interrupted run leaves the old one intact. The temporary file has a name no
/// one can guess and is created exclusively: a link planted where it would go is never
/// followed. The rename replaces a link at `path` itself, never what it points to.
fn replace_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = parent_of(path);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    // Readable as any new file would be (0666 less the umask), not the temporary file's 0600: a
    // report is made to be published.
    let mut temporary = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(PARTIAL)
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
        .tempfile_in(dir)
        .map_err(|e| output_error(path, e))?;
    temporary.write_all(bytes).map_err(|e| output_error(path, e))?;
    temporary.persist(path).map_err(|e| output_error(path, e.error))?;
    Ok(())
}

/// How the temporary files of an unfinished write end.
const PARTIAL: &str = ".partial";

/// An exclusive lock on an output folder while a run writes into it: runs into one folder
/// take turns, so each leaves a complete set and the last run's set is the one found.
struct FolderLock {
    _folder: std::fs::File,
}

impl FolderLock {
    fn take(dir: &Path, for_path: &Path) -> Result<Self> {
        let folder = std::fs::File::open(dir).map_err(|e| output_error(for_path, e))?;
        folder.lock().map_err(|e| output_error(for_path, e))?;
        Ok(FolderLock { _folder: folder })
    }
}

/// A report's --out folder, locked while the run writes its files, every file checked against
/// the run's inputs. Temporary files a killed run left are removed when the folder is taken;
/// charts an earlier run drew that this one did not are removed when it is done.
pub(super) struct OutFolder {
    dir: PathBuf,
    inputs: Vec<PathBuf>,
    _lock: FolderLock,
}

/// The folder charts are written into, inside --out.
const CHARTS: &str = "charts";

impl OutFolder {
    pub(super) fn take(dir: &Path, inputs: Vec<PathBuf>) -> Result<Self> {
        create_folder(dir, dir)?;
        let lock = FolderLock::take(dir, dir)?;
        for folder in [dir.to_path_buf(), dir.join(CHARTS)] {
            for stale in files_in(&folder).filter(|f| is_partial(f)) {
                let _ = std::fs::remove_file(stale);
            }
        }
        Ok(OutFolder {
            dir: dir.to_path_buf(),
            inputs,
            _lock: lock,
        })
    }

    /// Writes `name` (a path inside the folder), unless it is one of the run's inputs.
    pub(super) fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf> {
        let path = self.dir.join(name);
        check_not_input(&path, &self.inputs)?;
        create_folder(parent_of(&path), &path)?;
        check_target(&path)?;
        replace_whole(&path, bytes)?;
        Ok(path)
    }

    /// Fails before anything is written if one of `names` is an input of the run.
    pub(super) fn check(&self, names: &[&str]) -> Result<()> {
        names
            .iter()
            .try_for_each(|name| check_not_input(&self.dir.join(name), &self.inputs))
    }

    /// Removes the charts `ours` says this report draws but this run did not write.
    pub(super) fn remove_stale_charts(&self, written: &[PathBuf], ours: impl Fn(&str) -> bool) {
        for chart in files_in(&self.dir.join(CHARTS)) {
            let name = chart
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            if name.ends_with(".svg") && ours(&name) && !written.contains(&chart) {
                let _ = std::fs::remove_file(&chart);
            }
        }
    }
}

/// The files and links in `dir` (not followed; folders left out).
fn files_in(dir: &Path) -> impl Iterator<Item = PathBuf> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
        .map(|e| e.path())
}

/// A temporary file of [`replace_whole`]'s (".name.XXXXXX.partial"), or of an earlier
/// version's ("name.partial"). Removing a link removes the link, never what it points to.
fn is_partial(path: &Path) -> bool {
    path.file_name()
        .map(|n| n.to_string_lossy())
        .is_some_and(|n| n.ends_with(PARTIAL))
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
    pub out: &'a OutFolder,
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
        let mut written = vec![self.out.write(&format!("{stem}.pdf"), &pdf)?];
        written.push(self.out.write(&format!("{}{web}.json", self.data_stem), &json)?);
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
            written.push(self.out.write(&format!("{CHARTS}/{file}{web}.svg"), &svg)?);
        }
        Ok(written)
    }
}

/// Prints the warnings, then what was written (charts counted, not listed).
pub(super) fn report_written(
    written: &[PathBuf],
    warnings: &[String],
    points: &[String],
    missing: &[String],
) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    for point in points {
        eprintln!("check: {point}");
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
        terminal::status(format_args!("wrote {}", path.display()));
    }
    if let Some(dir) = written
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "svg"))
        .and_then(|p| p.parent())
    {
        terminal::status(format_args!("wrote {charts} charts in {}", dir.display()));
    }
}

/// The exclusions ledger and the warnings as one CSV a spreadsheet user can filter.
/// A CSV cell that a spreadsheet would run as a formula (it begins with = + - @, a tab or a
/// carriage return) is given a leading apostrophe, the usual guard: Excel then shows it as
/// text, and a value from an export can never run.
pub(super) fn formula_safe(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{text}")),
        _ => std::borrow::Cow::Borrowed(text),
    }
}

/// `frame` as CSV: money (decimal) as its exact text, and with `guard` every text cell made
/// [`formula_safe`]. Export and query write their CSVs with it.
pub(super) fn csv_bytes(frame: &DataFrame, guard: bool) -> Result<std::result::Result<Vec<u8>, String>> {
    let columns = frame
        .columns()
        .iter()
        .map(|column| match column.dtype() {
            DataType::String if guard => {
                let texts = column.str().ctx("guarding formulas")?;
                let needs_guard = |t: &str| matches!(formula_safe(t), std::borrow::Cow::Owned(_));
                // Nearly every column has no such cell: it is written as it is, not copied.
                if !texts.iter().flatten().any(needs_guard) {
                    return Ok(column.clone());
                }
                let safe: StringChunked = texts.iter().map(|t| t.map(formula_safe)).collect();
                Ok(safe.with_name(column.name().clone()).into_column())
            }
            // Polars' CSV writer has no decimals: their text is exact ("250.00").
            DataType::Decimal(_, _) => column.cast(&DataType::String).ctx("writing money"),
            _ => Ok(column.clone()),
        })
        .collect::<Result<Vec<_>>>()?;
    let mut frame = DataFrame::new(frame.height(), columns).ctx("writing CSV")?;
    let mut bytes = Vec::new();
    Ok(CsvWriter::new(&mut bytes)
        .finish(&mut frame)
        .map(|()| bytes)
        .map_err(|e| e.to_string()))
}

pub(super) fn data_quality_csv(q: &DataQuality) -> Vec<u8> {
    let mut w = FormulaSafe(csv::Writer::from_writer(Vec::new()));
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
    w.0.into_inner().unwrap_or_default()
}

/// A CSV writer whose every field is [`formula_safe`].
struct FormulaSafe(csv::Writer<Vec<u8>>);

impl FormulaSafe {
    fn write_record<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) -> csv::Result<()> {
        self.0
            .write_record(fields.into_iter().map(|f| formula_safe(f).into_owned()))
    }
}

#[cfg(test)]
mod tests {
    use polars::prelude::*;

    use super::*;

    #[test]
    fn a_csv_guards_formula_cells_and_writes_money_exactly() {
        let mut frame = df![
            "reference" => ["A1", "A2"],
            "team" => [Some("=1+1"), None],
            "note" => [" -2", "@x"],
        ]
        .unwrap();
        let pounds = Series::new("compensation".into(), [0.29, 1250.1])
            .cast(&DataType::Decimal(18, 2))
            .unwrap();
        frame.with_column(pounds.into_column()).unwrap();
        let csv = |guard| String::from_utf8(csv_bytes(&frame, guard).unwrap().unwrap()).unwrap();
        assert_eq!(
            csv(true),
            "reference,team,note,compensation\nA1,'=1+1, -2,0.29\nA2,,'@x,1250.10\n"
        );
        assert_eq!(
            csv(false),
            "reference,team,note,compensation\nA1,=1+1, -2,0.29\nA2,,@x,1250.10\n"
        );
    }
}
