//! `export`: the complaints table as CSV, Parquet or XLSX (with the exclusions ledger).

use polars::prelude::*;

use super::output;
use crate::cli::{ExportArgs, ExportFormat};
use crate::error::{Error, Result};
use crate::normalise::DataQuality;

pub fn run(args: &ExportArgs) -> Result<i32> {
    let analysis = super::analyse_for_analysts(&args.input, args.period.request(), args.keep_unmapped)?;
    let inputs = output::run_inputs(&analysis.config, analysis.quality(), None);
    if !output::is_stdout(&args.out) {
        output::check_not_input(&args.out, &inputs)?;
    }
    let mut table = analysis.complaints_table()?;
    let failed = |message: String| Error::Output {
        path: args.out.clone(),
        message,
    };
    let format = format_of(args)?;
    let bytes = match format {
        ExportFormat::Csv => output::csv_bytes(&table, !args.no_formula_guard)?.map_err(failed)?,
        ExportFormat::Parquet => parquet(&mut table).map_err(|e| failed(e.to_string()))?,
        ExportFormat::Xlsx => xlsx(&table, analysis.quality()).map_err(failed)?,
    };
    let detail = format!(" ({} complaints, {} columns)", table.height(), table.width());
    output::write_to(&args.out, &bytes, &inputs, &detail)?;
    Ok(0)
}

/// The table as Parquet whose Arrow schema declares plain (large) strings rather than the
/// string views polars uses inside, which readers before Arrow 16 reject. The Parquet column
/// types (UTF-8 byte arrays, dates, DECIMAL(18,2) money) are the same either way.
fn parquet(table: &mut DataFrame) -> PolarsResult<Vec<u8>> {
    use polars::io::parquet::write::KeyValueMetadata;
    let schema = table.schema().to_arrow(CompatLevel::oldest());
    let arrow_schema = polars_parquet::write::schema_to_metadata_key(&schema);
    let mut buffer = Vec::new();
    ParquetWriter::new(&mut buffer)
        .with_key_value_metadata(Some(KeyValueMetadata::Static(vec![arrow_schema])))
        .finish(table)?;
    Ok(buffer)
}

/// Complaints a sheet holds under its header: 1,048,576 rows in all.
const XLSX_ROWS: usize = 1_048_575;

/// Whether a table of `complaints` rows fits one sheet, or what to do instead.
fn fits_a_sheet(complaints: usize) -> std::result::Result<(), String> {
    match complaints <= XLSX_ROWS {
        true => Ok(()),
        false => Err(format!(
            "an XLSX sheet holds at most {XLSX_ROWS} complaints under its header and this table has {complaints}: export as .csv or .parquet instead"
        )),
    }
}

/// `--format`, else the format the `--out` file's extension names.
fn format_of(args: &ExportArgs) -> Result<ExportFormat> {
    if let Some(format) = args.format {
        return Ok(format);
    }
    match output::extension(&args.out).as_str() {
        "csv" => Ok(ExportFormat::Csv),
        "parquet" | "pq" => Ok(ExportFormat::Parquet),
        "xlsx" => Ok(ExportFormat::Xlsx),
        _ => Err(Error::Usage(format!(
            "export --out {}: give --format csv, parquet or xlsx (the name does not end in .csv, .parquet or .xlsx)",
            args.out.display()
        ))),
    }
}

/// Sheet "Complaints" with real date cells, money as pounds and pence, a filter on the header
/// and columns as wide as their contents; sheet "Exclusions" with the ledger.
fn xlsx(table: &DataFrame, quality: &DataQuality) -> std::result::Result<Vec<u8>, String> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    fits_a_sheet(table.height())?;
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    let money_format = Format::new().set_num_format("£#,##0.00");
    let sheet = book.add_worksheet();
    sheet.set_name("Complaints").map_err(e)?;
    for (c, column) in table.columns().iter().enumerate() {
        let c = c as u16;
        sheet
            .write_string_with_format(0, c, column.name().as_str(), &bold)
            .map_err(e)?;
        for i in 0..table.height() {
            let r = i as u32 + 1;
            match column.get(i).map_err(|x| x.to_string())? {
                AnyValue::Null => {}
                AnyValue::Date(days) => {
                    let date = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")
                        + chrono::Duration::days(days as i64);
                    use chrono::Datelike;
                    let cell =
                        ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)
                            .map_err(e)?;
                    sheet
                        .write_datetime_with_format(r, c, cell, &date_format)
                        .map_err(e)?;
                }
                AnyValue::Boolean(b) => {
                    sheet.write_boolean(r, c, b).map_err(e)?;
                }
                // Money: exact pence, divided once into the nearest number a cell holds.
                AnyValue::Decimal(v, _, scale) => {
                    let pounds = v as f64 / 10f64.powi(scale as i32);
                    sheet
                        .write_number_with_format(r, c, pounds, &money_format)
                        .map_err(e)?;
                }
                AnyValue::Float64(v) => {
                    sheet.write_number(r, c, v).map_err(e)?;
                }
                AnyValue::Int32(v) => {
                    sheet.write_number(r, c, v).map_err(e)?;
                }
                AnyValue::UInt32(v) => {
                    sheet.write_number(r, c, v).map_err(e)?;
                }
                AnyValue::String(s) => {
                    sheet.write_string(r, c, s).map_err(e)?;
                }
                other => {
                    sheet.write_string(r, c, other.to_string()).map_err(e)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(e)?;
    if table.width() > 0 {
        sheet
            .autofilter(0, 0, table.height() as u32, table.width() as u16 - 1)
            .map_err(e)?;
    }
    // Dates and long texts show in full rather than as ##### (400 pixels at most).
    sheet.set_autofit_max_width(400);
    sheet.autofit();
    let ledger = book.add_worksheet();
    ledger.set_name("Exclusions").map_err(e)?;
    for (c, h) in ["file", "row", "reference", "code", "reason"].iter().enumerate() {
        ledger
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(e)?;
    }
    for (i, x) in quality.exclusions.iter().enumerate() {
        let r = i as u32 + 1;
        ledger.write_string(r, 0, &x.file).map_err(e)?;
        ledger.write_number(r, 1, x.row as f64).map_err(e)?;
        ledger
            .write_string(r, 2, x.reference.as_deref().unwrap_or(""))
            .map_err(e)?;
        ledger.write_string(r, 3, x.code.as_str()).map_err(e)?;
        ledger.write_string(r, 4, &x.reason).map_err(e)?;
    }
    ledger.set_freeze_panes(1, 0).map_err(e)?;
    ledger.set_autofit_max_width(600);
    ledger.autofit();
    book.save_to_buffer().map_err(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_longer_than_a_sheet_is_sent_to_csv_or_parquet() {
        assert!(fits_a_sheet(1_048_575).is_ok());
        let refused = fits_a_sheet(1_048_576).unwrap_err();
        assert!(
            refused.contains("1048576") && refused.contains(".csv or .parquet"),
            "{refused}"
        );
    }
}
