//! The sample exports as files: a Datix-style CSV and an XLSX, byte-identical run to run.

use std::path::Path;

use chrono::{Datelike, NaiveDate};

use super::{Cell, DateStyle, HEADERS, ORGANISATION, YearExport};
use crate::error::{Error, Result};

/// "2024-25" for the financial year starting in 2024, as file names write it.
pub fn fy_label(year: i32) -> String {
    format!("{year}-{:02}", (year + 1) % 100)
}

fn title_rows(extracted_on: NaiveDate) -> [String; 2] {
    [
        format!("{} — Datix complaints export", ORGANISATION),
        format!(
            "Run on {} 08:12 by Performance Team",
            extracted_on.format("%d/%m/%Y")
        ),
    ]
}

/// A Datix-style CSV: Windows-1252, two title rows above the header, dd/mm/yyyy dates. Returns
/// the file's bytes and its data rows; `path` names it in errors.
pub fn csv_bytes(path: &Path, exports: &[YearExport], extracted_on: NaiveDate) -> Result<(Vec<u8>, usize)> {
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let failed = |e: csv::Error| Error::Output {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    for title in title_rows(extracted_on) {
        writer.write_record([title]).map_err(failed)?;
    }
    writer.write_record(HEADERS).map_err(failed)?;
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
    Ok((bytes.into_owned(), rows))
}

/// An XLSX: a title row, a blank row, the header, then real date cells (some dates typed as
/// text). Returns the file's bytes and its data rows; `path` names it in errors.
pub fn xlsx_bytes(path: &Path, exports: &[YearExport], extracted_on: NaiveDate) -> Result<(Vec<u8>, usize)> {
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
    for (c, header) in HEADERS.iter().enumerate() {
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
    Ok((workbook.save_to_buffer().map_err(failed)?, (r - 3) as usize))
}
