//! `generate-sample`: writes the fictional landlord's exports (sample-data/ is made with the
//! defaults) or large files of the same shape for benchmarks.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use clap::{Args, ValueEnum};

use crate::error::{Error, Result};
use crate::sample::{self, Cell, DateStyle, SampleSpec, YearExport};

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Folder to write into (created if needed).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Complaints received per financial year.
    #[arg(long, default_value_t = 2000)]
    pub complaints_per_year: usize,
    /// Financial years, comma separated.
    #[arg(long, default_value = "2023/24,2024/25", value_delimiter = ',')]
    pub years: Vec<String>,
    /// The day the export was taken: later events are not in it.
    #[arg(long, default_value = "2025-04-07")]
    pub extracted_on: String,
    #[arg(long, default_value_t = 20250407)]
    pub seed: u64,
    /// sample: first year as XLSX, later years as a Datix CSV; csv / xlsx: one file of all years.
    #[arg(long, value_enum, default_value_t = Layout::Sample)]
    pub layout: Layout,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Layout {
    Sample,
    Csv,
    Xlsx,
}

pub fn run(args: &GenerateArgs) -> Result<i32> {
    let years = args
        .years
        .iter()
        .map(|y| crate::config::Period::financial_year(y).map(|(start, _)| start.year()))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(Error::Usage)?;
    let extracted_on = crate::config::parse_config_date(&args.extracted_on).map_err(Error::Usage)?;
    let spec = SampleSpec {
        years,
        complaints_per_year: args.complaints_per_year,
        extracted_on,
        seed: args.seed,
    };
    std::fs::create_dir_all(&args.out).map_err(|e| Error::io(&args.out, e))?;
    let exports = sample::generate(&spec);
    let written = match args.layout {
        Layout::Sample => {
            let (first, rest) = exports
                .split_first()
                .ok_or_else(|| Error::Usage("--years is empty".into()))?;
            let mut files = vec![write_xlsx(
                &args.out.join(format!("complaints-{}.xlsx", fy_label(first.year))),
                std::slice::from_ref(first),
                extracted_on,
            )?];
            for export in rest {
                files.push(write_csv(
                    &args
                        .out
                        .join(format!("complaints-datix-{}.csv", fy_label(export.year))),
                    std::slice::from_ref(export),
                    extracted_on,
                )?);
            }
            files
        }
        Layout::Csv => vec![write_csv(
            &args.out.join("complaints.csv"),
            &exports,
            extracted_on,
        )?],
        Layout::Xlsx => vec![write_xlsx(
            &args.out.join("complaints.xlsx"),
            &exports,
            extracted_on,
        )?],
    };
    for (path, rows) in written {
        println!("wrote {} ({rows} data rows)", path.display());
    }
    Ok(0)
}

fn fy_label(year: i32) -> String {
    format!("{year}-{:02}", (year + 1) % 100)
}

fn title_rows(extracted_on: NaiveDate) -> [String; 2] {
    [
        format!("{} — Datix complaints export", sample::ORGANISATION),
        format!(
            "Run on {} 08:12 by Performance Team",
            extracted_on.format("%d/%m/%Y")
        ),
    ]
}

/// A Datix-style CSV: Windows-1252, two title rows above the header, dd/mm/yyyy dates.
pub fn write_csv(path: &Path, exports: &[YearExport], extracted_on: NaiveDate) -> Result<(PathBuf, usize)> {
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let failed = |e: csv::Error| Error::Output {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    for title in title_rows(extracted_on) {
        writer.write_record([title]).map_err(failed)?;
    }
    writer.write_record(sample::HEADERS).map_err(failed)?;
    let mut rows = 0;
    for export in exports {
        for row in &export.rows {
            writer.write_record(row.iter().map(Cell::text)).map_err(failed)?;
            rows += 1;
        }
    }
    let text = String::from_utf8(writer.into_inner().map_err(|e| Error::Output {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?)
    .expect("csv writes the UTF-8 it is given");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    std::fs::write(path, &bytes).map_err(|e| Error::io(path, e))?;
    Ok((path.to_path_buf(), rows))
}

/// An XLSX: a title row, a blank row, the header, then real date cells (some dates typed as text).
pub fn write_xlsx(path: &Path, exports: &[YearExport], extracted_on: NaiveDate) -> Result<(PathBuf, usize)> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let failed = |e: rust_xlsxwriter::XlsxError| Error::Output {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut workbook = Workbook::new();
    // A fixed creation time keeps the file byte-identical between runs.
    let created = ExcelDateTime::from_ymd(
        extracted_on.year() as u16,
        extracted_on.month() as u8,
        extracted_on.day() as u8,
    )
    .map_err(failed)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    let sheet = workbook.add_worksheet();
    sheet.set_name("Complaints").map_err(failed)?;
    sheet
        .write_string(0, 0, title_rows(extracted_on)[0].as_str())
        .map_err(failed)?;
    for (c, header) in sample::HEADERS.iter().enumerate() {
        sheet.write_string(2, c as u16, *header).map_err(failed)?;
    }
    let mut r = 3u32;
    for export in exports {
        for row in &export.rows {
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Empty => {}
                    Cell::Date(d, style) if *style != DateStyle::UkText => {
                        let date = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                            .map_err(failed)?;
                        sheet
                            .write_datetime_with_format(r, c, &date, &date_format)
                            .map_err(failed)?;
                    }
                    other => {
                        sheet.write_string(r, c, other.text()).map_err(failed)?;
                    }
                }
            }
            r += 1;
        }
    }
    workbook.save(path).map_err(failed)?;
    Ok((path.to_path_buf(), (r - 3) as usize))
}
