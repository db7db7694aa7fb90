//! `query`: SQL (polars SQL) over the table `complaints`.

use std::io::Write as _;

use polars::prelude::*;
use polars::sql::SQLContext;

use crate::cli::{QueryArgs, QueryFormat};
use crate::columnar::frame::texts;
use crate::domain::text::count_of;
use crate::error::{Error, Result};

pub fn run(args: &QueryArgs) -> Result<i32> {
    let analysis = super::analyse_for_analysts(&args.input, args.period.request(), args.keep_unmapped)?;
    let table = analysis.complaints_table()?;
    let sql = bind_params(&args.sql, &args.params)?;
    let result = execute(&table, &sql)?;
    let mut bytes = Vec::new();
    let format = args
        .format
        .unwrap_or(match super::output::extension(&args.out).as_str() {
            "csv" => QueryFormat::Csv,
            "json" => QueryFormat::Json,
            _ => QueryFormat::Table,
        });
    let written = match format {
        QueryFormat::Table => writeln!(bytes, "{}", render_table(&result)?).map_err(|e| e.to_string()),
        QueryFormat::Csv => super::output::csv_bytes(&result, !args.no_formula_guard)?.map(|csv| bytes = csv),
        QueryFormat::Json => writeln!(bytes, "{}", to_json(&result)?).map_err(|e| e.to_string()),
    };
    written.map_err(|message| Error::Output {
        path: args.out.clone(),
        message,
    })?;
    let inputs = super::output::run_inputs(&analysis.config, analysis.quality(), None);
    super::output::write_to(&args.out, &bytes, &inputs, "")?;
    Ok(0)
}

/// Runs a query against `complaints`; a bad query says what is wrong and which columns exist.
fn execute(table: &DataFrame, sql: &str) -> Result<DataFrame> {
    let mut context = SQLContext::new();
    context.register("complaints", table.clone().lazy());
    context.execute(sql).and_then(LazyFrame::collect).map_err(|e| {
        let columns: Vec<String> = table.get_column_names().iter().map(|c| c.to_string()).collect();
        Error::Usage(format!(
            "the query cannot be run: {}\nThe table is `complaints`; its columns are: {}",
            first_line(&e.to_string()),
            columns.join(", ")
        ))
    })
}

/// The query with each `$name` outside quotes replaced by its `--param name=value`: a number
/// as it is, anything else as a quoted SQL string (quotes doubled), so a value is never SQL.
fn bind_params(sql: &str, params: &[String]) -> Result<String> {
    let mut values = std::collections::BTreeMap::new();
    for param in params {
        let (name, value) = param
            .split_once('=')
            .ok_or_else(|| Error::Usage(format!("--param {param}: write it as name=value")))?;
        let literal = match value.parse::<f64>() {
            Ok(n) if n.is_finite() => value.to_string(),
            _ => format!("'{}'", value.replace('\'', "''")),
        };
        values.insert(name.trim().to_string(), literal);
    }
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c != '$' || quoted {
            out.push(c);
            continue;
        }
        let mut name = String::new();
        while let Some(&n) = chars.peek().filter(|n| n.is_alphanumeric() || **n == '_') {
            name.push(n);
            chars.next();
        }
        match values.get(&name) {
            Some(literal) => out.push_str(literal),
            None => {
                return Err(Error::Usage(format!(
                    "the query uses ${name}: give it with --param {name}=VALUE"
                )));
            }
        }
    }
    Ok(out)
}

fn first_line(message: &str) -> &str {
    message
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(message)
        .trim()
}

/// Every column as text (dates as yyyy-mm-dd, empty for missing values).
fn text_columns(frame: &DataFrame) -> Result<Vec<(String, Vec<String>)>> {
    frame
        .get_column_names()
        .iter()
        .map(|name| {
            let values = texts(frame, name)?;
            Ok((
                name.to_string(),
                values.into_iter().map(Option::unwrap_or_default).collect(),
            ))
        })
        .collect()
}

fn render_table(frame: &DataFrame) -> Result<String> {
    let columns = text_columns(frame)?;
    let mut table = comfy_table::Table::new();
    // Plain text whatever the terminal: the answer is data.
    table.force_no_tty();
    table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header(columns.iter().map(|(name, _)| name.clone()));
    for i in 0..frame.height() {
        table.add_row(columns.iter().map(|(_, values)| values[i].clone()));
    }
    Ok(format!(
        "{table}\n{}",
        count_of(frame.height() as u64, "row", "rows")
    ))
}

/// Rows as JSON objects with typed values (numbers, booleans, dates as yyyy-mm-dd strings).
/// The rows as a JSON array of objects, one per line, each with its columns in the SELECT's
/// order (a JSON map would sort them).
fn to_json(frame: &DataFrame) -> Result<String> {
    let names: Vec<String> = frame.get_column_names().iter().map(|c| c.to_string()).collect();
    let texts = text_columns(frame)?;
    let mut rows = Vec::with_capacity(frame.height());
    for i in 0..frame.height() {
        let mut object = Vec::with_capacity(names.len());
        for (c, name) in names.iter().enumerate() {
            let column = frame.column(name).map_err(|e| Error::Usage(e.to_string()))?;
            let value = match column.get(i).map_err(|e| Error::Usage(e.to_string()))? {
                // Money: its exact decimal text is a JSON number as it stands.
                AnyValue::Decimal(..) => {
                    object.push(format!(
                        "{}: {}",
                        serde_json::Value::from(name.as_str()),
                        texts[c].1[i]
                    ));
                    continue;
                }
                AnyValue::Null => serde_json::Value::Null,
                AnyValue::Boolean(b) => b.into(),
                AnyValue::Int8(v) => v.into(),
                AnyValue::Int16(v) => v.into(),
                AnyValue::Int32(v) => v.into(),
                AnyValue::Int64(v) => v.into(),
                AnyValue::UInt8(v) => v.into(),
                AnyValue::UInt16(v) => v.into(),
                AnyValue::UInt32(v) => v.into(),
                AnyValue::UInt64(v) => v.into(),
                AnyValue::Float32(v) => f64::from(v).into(),
                AnyValue::Float64(v) => v.into(),
                _ => texts[c].1[i].clone().into(),
            };
            let key = serde_json::Value::from(name.as_str());
            object.push(format!("{key}: {value}"));
        }
        rows.push(format!("  {{{}}}", object.join(", ")));
    }
    Ok(match rows.is_empty() {
        true => "[]".to_string(),
        false => format!("[\n{}\n]", rows.join(",\n")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_become_literals_and_never_sql() {
        let params = [
            "from=2024-04-01".to_string(),
            "cat=Damp 'n' mould".to_string(),
            "n=40".to_string(),
        ];
        let sql = bind_params(
            "SELECT '$cat' AS x FROM complaints WHERE received >= $from AND category = $cat AND age > $n",
            &params,
        )
        .unwrap();
        assert_eq!(
            sql,
            "SELECT '$cat' AS x FROM complaints WHERE received >= '2024-04-01' AND category = 'Damp ''n'' mould' AND age > 40"
        );
        assert!(bind_params("SELECT $missing", &[]).is_err());
        assert!(bind_params("SELECT 1", &["novalue".to_string()]).is_err());
    }
}
