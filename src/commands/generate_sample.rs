//! `generate-sample`: writes the fictional landlord's exports (sample-data/ is made with the
//! defaults) or large files of the same shape for benchmarks.

use chrono::Datelike;

use crate::cli::{GenerateArgs, SampleLayout};
use crate::domain::dates::parse_config_date;
use crate::domain::period::Period;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

use super::output::write_output;
use crate::sample::{self, SampleSpec, YearExport, csv_bytes, fy_label, xlsx_bytes};

pub fn run(args: &GenerateArgs) -> Result<i32> {
    let years = args
        .years
        .iter()
        .map(|y| Period::financial_year(y).map(|(start, _)| start.year()))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(Error::Usage)?;
    let extracted_on = parse_config_date(&args.extracted_on).map_err(Error::Usage)?;
    let spec = SampleSpec {
        years,
        complaints_per_year: args.complaints_per_year,
        extracted_on,
        seed: args.seed,
    };
    std::fs::create_dir_all(&args.out).map_err(|e| Error::io(&args.out, e))?;
    let exports = sample::generate(&spec);
    let written = match args.layout {
        SampleLayout::Sample => {
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
        SampleLayout::Csv => vec![write_csv(
            &args.out.join("complaints.csv"),
            &exports,
            extracted_on,
        )?],
        SampleLayout::Xlsx => vec![write_xlsx(
            &args.out.join("complaints.xlsx"),
            &exports,
            extracted_on,
        )?],
    };
    for (path, rows) in written {
        super::terminal::status(format_args!("wrote {} ({rows} data rows)", path.display()));
    }
    Ok(0)
}

type MakeFile = fn(&Path, &[YearExport], chrono::NaiveDate) -> Result<(Vec<u8>, usize)>;

/// Writes one sample file as every output is written (whole, never through a link).
fn write_with(
    make: MakeFile,
    path: &Path,
    exports: &[YearExport],
    extracted_on: chrono::NaiveDate,
) -> Result<(PathBuf, usize)> {
    let (bytes, rows) = make(path, exports, extracted_on)?;
    write_output(path, &bytes)?;
    Ok((path.to_path_buf(), rows))
}

fn write_csv(
    path: &Path,
    exports: &[YearExport],
    extracted_on: chrono::NaiveDate,
) -> Result<(PathBuf, usize)> {
    write_with(csv_bytes, path, exports, extracted_on)
}

fn write_xlsx(
    path: &Path,
    exports: &[YearExport],
    extracted_on: chrono::NaiveDate,
) -> Result<(PathBuf, usize)> {
    write_with(xlsx_bytes, path, exports, extracted_on)
}
