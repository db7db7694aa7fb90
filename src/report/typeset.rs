//! Typst compiled in process: a World serving the templates, the report data (JSON) and the
//! charts (SVG) from memory, with fonts embedded in the binary. No system fonts, no files read
//! during compilation, a fixed "today": the same inputs give the same PDF bytes.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::fonts::FontStore;

use super::Template;
use super::printable;
use crate::columnar::parallel::detach;
use crate::error::{Error, Result};
use crate::observe::{Observer, step};

/// The template set: file path inside the set ("annual.typ", "common.typ") → bytes.
#[derive(Debug, Clone)]
pub struct Templates {
    pub files: BTreeMap<String, Vec<u8>>,
    /// Where they came from, for messages.
    pub origin: String,
}

/// Templates compiled into the binary from report-templates/.
const EMBEDDED_TEMPLATES: [(&str, &str); 5] = [
    ("common.typ", include_str!("../../report-templates/common.typ")),
    ("annual.html", include_str!("../../report-templates/annual.html")),
    ("page.css", include_str!("../../report-templates/page.css")),
    ("annual.typ", include_str!("../../report-templates/annual.typ")),
    (
        "quarterly.typ",
        include_str!("../../report-templates/quarterly.typ"),
    ),
];

/// The sans-serif body face (Inter), right-to-left fallbacks (Noto Sans Arabic and Hebrew) and
/// an emoji fallback (Twemoji), all under the SIL Open Font Licence
/// (report-templates/fonts/OFL.txt).
const EMBEDDED_FONTS: [&[u8]; 9] = [
    include_bytes!("../../report-templates/fonts/Inter-Regular.otf"),
    include_bytes!("../../report-templates/fonts/Inter-Bold.otf"),
    include_bytes!("../../report-templates/fonts/Inter-SemiBold.otf"),
    include_bytes!("../../report-templates/fonts/Inter-Italic.otf"),
    include_bytes!("../../report-templates/fonts/Inter-BoldItalic.otf"),
    include_bytes!("../../report-templates/fonts/NotoSansArabic-Regular.ttf"),
    include_bytes!("../../report-templates/fonts/NotoSansHebrew-Regular.ttf"),
    include_bytes!("../../report-templates/fonts/Twemoji.ttf"),
    // One glyph, U+FFFD: what a character no other font can draw is shown as.
    include_bytes!("../../report-templates/fonts/DejaVuSans-Replacement.ttf"),
];

impl Templates {
    pub fn embedded() -> Self {
        Templates {
            files: EMBEDDED_TEMPLATES
                .iter()
                .map(|(name, text)| (name.to_string(), text.as_bytes().to_vec()))
                .collect(),
            origin: "built-in templates".into(),
        }
    }

    /// A landlord's customised copy: every .typ file in DIR (missing ones fall back to the
    /// built-in templates, so a copy may override only what it changes).
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let mut templates = Templates::embedded();
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        for entry in entries {
            let path = entry.map_err(|e| Error::io(dir, e))?.path();
            if path
                .extension()
                .is_some_and(|e| e == "typ" || e == "html" || e == "css")
            {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
                templates.files.insert(name, bytes);
            }
        }
        templates.origin = format!("templates in {}", dir.display());
        Ok(templates)
    }

    /// The built-in templates as files (name, text), for `init` to write.
    pub fn embedded_files() -> impl Iterator<Item = (&'static str, &'static str)> {
        EMBEDDED_TEMPLATES.iter().copied()
    }
}

/// The fonts, loaded once per process, and the characters they can show.
struct Fonts {
    store: FontStore,
    /// Each face's family and the characters it has, in fallback order.
    coverage: Vec<(String, typst::text::Coverage)>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut store = FontStore::new();
        let mut coverage = Vec::new();
        // Only the faces the templates use are loaded: parsing fonts is a large part of a small
        // report's compile time.
        for font in EMBEDDED_FONTS
            .iter()
            .flat_map(|data| Font::iter(Bytes::new(*data)))
        {
            let info = font.info().clone();
            coverage.push((info.family.clone(), info.coverage.clone()));
            store.push((font, info));
        }
        Fonts { store, coverage }
    })
}

fn font_store() -> &'static FontStore {
    &fonts().store
}

/// Typst's standard library, built once per process and shared by every compilation.
fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::builder().build()))
}

/// Loads the fonts and builds the standard library on another thread, so that a report's
/// compilation finds them ready; the figures' computation hides the time they take.
pub fn warm_up_in_background() {
    detach(|| {
        fonts();
        library();
    });
}

/// A grapheme cluster as the embedded fonts draw it, whichever of them the text around it
/// sets it in: a digit after Hebrew is set in the Hebrew font, after Latin in Inter. The
/// cluster keeps the characters every font having its first character also has (an accent
/// one of them lacks goes). Comes with the family of the first such font in fallback order;
/// `None` when no font has the first character.
pub(crate) fn in_one_font(cluster: &str) -> Option<(&'static str, String)> {
    let first = cluster.chars().next()?;
    let having: Vec<&(String, typst::text::Coverage)> = fonts()
        .coverage
        .iter()
        .filter(|(_, coverage)| coverage.contains(first as u32))
        .collect();
    let (family, _) = having.first()?;
    let kept = cluster
        .chars()
        .filter(|&c| having.iter().all(|(_, coverage)| coverage.contains(c as u32)))
        .collect();
    Some((family, kept))
}

/// What one compilation needs besides the templates.
pub struct CompileInput {
    pub template: Template,
    pub data_json: Vec<u8>,
    /// Virtual path ("charts/c1.svg") → SVG bytes.
    pub assets: Vec<(String, Vec<u8>)>,
    pub today: NaiveDate,
    /// Tagged PDF/UA-1 (the web edition).
    pub accessible: bool,
    /// Stable document identifier (the same report gives the same PDF ID).
    pub ident: String,
}

struct ReportWorld {
    main: FileId,
    files: HashMap<FileId, Bytes>,
    /// The templates parsed once: Typst asks for a source again whenever it checks a memoised
    /// result.
    sources: HashMap<FileId, Source>,
    names: HashMap<FileId, String>,
    today: Datetime,
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(format!("/{}", path.trim_start_matches('/'))).expect("valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        font_store().book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if let Some(source) = self.sources.get(&id) {
            return Ok(source.clone());
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_string()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        font_store().font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// Compiles `input.main` from the templates to PDF bytes (tagged PDF/UA-1 for the accessible
/// edition). Layouts are memoised process-wide (comemo), so a compilation reuses whatever
/// another has already laid out the same way.
pub fn compile(templates: &Templates, input: CompileInput, observer: &dyn Observer) -> Result<Vec<u8>> {
    let mut options = typst_pdf::PdfOptions {
        ident: Smart::Custom(input.ident.clone()),
        creator: Smart::Custom(Some(format!("complaints-report {}", env!("CARGO_PKG_VERSION")))),
        ..Default::default()
    };
    if input.accessible {
        options.standards = typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::Ua_1])
            .map_err(|e| Error::Template(format!("{:?}", e)))?;
    }
    let main = input.template.main();
    let world = report_world(templates, input)?;
    options.timestamp = Some(typst_pdf::Timestamp::new_utc(world.today));
    let fail = |errors: &[SourceDiagnostic]| Error::Template(describe(&world, errors, &templates.origin));
    let document = step(observer, &format!("typst: {main}: layout"), || {
        typst::compile::<typst_layout::PagedDocument>(&world).output
    })
    .map_err(|errors| fail(&errors))?;
    step(observer, &format!("typst: {main}: PDF"), || {
        typst_pdf::pdf(&document, &options)
    })
    .map_err(|errors| fail(&errors))
}

/// The World one compilation reads: the templates, the report data and the charts.
fn report_world(templates: &Templates, input: CompileInput) -> Result<ReportWorld> {
    let mut files = HashMap::new();
    let mut names = HashMap::new();
    let mut add = |path: &str, bytes: Vec<u8>| {
        let id = file_id(path);
        names.insert(id, path.to_string());
        files.insert(id, Bytes::new(bytes));
    };
    for (name, bytes) in &templates.files {
        add(name, bytes.clone());
    }
    add("data.json", printable::printable_json(input.data_json));
    for (path, bytes) in input.assets {
        add(&path, printable::printable_svg(bytes));
    }
    let main = input.template.main();
    if !templates.files.contains_key(main) {
        return Err(Error::Template(format!("{} has no {main}", templates.origin)));
    }
    let today = Datetime::from_ymd(
        input.today.year(),
        input.today.month() as u8,
        input.today.day() as u8,
    )
    .ok_or_else(|| Error::Template(format!("invalid document date {}", input.today)))?;
    let sources = templates
        .files
        .iter()
        .filter_map(|(name, bytes)| {
            let id = file_id(name);
            let text = std::str::from_utf8(bytes).ok()?;
            Some((id, Source::new(id, text.to_string())))
        })
        .collect();
    Ok(ReportWorld {
        main: file_id(main),
        files,
        sources,
        names,
        today,
    })
}

/// Typst diagnostics as "file:line:column: message (hint: ...)".
fn describe(world: &ReportWorld, diagnostics: &[SourceDiagnostic], origin: &str) -> String {
    use typst::WorldExt;
    let lines: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let place = d
                .span
                .id()
                .and_then(|id| {
                    let name = world.names.get(&id)?.clone();
                    let range = world.range(d.span)?;
                    let source = world.source(id).ok()?;
                    let (line, column) = source.lines().byte_to_line_column(range.start)?;
                    Some(format!("{name}:{}:{}: ", line + 1, column + 1))
                })
                .unwrap_or_default();
            // Typst's hints speak of its own command line ("--root"), which our users do not have.
            let hints: String = d
                .hints
                .iter()
                .map(|h| match h.v.contains("--root") {
                    true => " (hint: a template can read only the files in its --templates folder, and the report's data and charts)".to_string(),
                    false => format!(" (hint: {})", h.v),
                })
                .collect();
            format!("{place}{}{hints}", d.message)
        })
        .collect();
    format!("the report template failed ({origin}): {}", lines.join("; "))
}
