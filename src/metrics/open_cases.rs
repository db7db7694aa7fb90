//! The stages open at a period's as-at date, case by case (the quarterly board report lists
//! them), by the same definitions of "open" and "overdue" as every figure
//! ([`crate::classify::open_at`]).

use chrono::NaiveDate;
use polars::prelude::*;

use crate::domain::calendar::Calendar;
use serde::Serialize;

use super::groups::NOT_RECORDED;
use super::masks::{open_at, overdue_at};
use crate::columnar::frame::texts;
use crate::domain::canonical::Field;
use crate::domain::period::Period;
use crate::domain::stage::{Stage, StageColumn};
use crate::error::{PolarsContext, Result};

/// Stages open at the as-at date: how many, and the first of them, most overdue first.
#[derive(Debug, Clone, Default)]
pub struct OpenCases {
    pub total: u64,
    pub first: Vec<OpenCase>,
}

/// One open stage.
#[derive(Debug, Clone, Serialize)]
pub struct OpenCase {
    pub reference: String,
    pub stage: String,
    pub received: String,
    pub deadline: String,
    /// "Overdue" or "In time" at the as-at date.
    pub status: String,
    /// Open past its deadline at the as-at date (what `status` says).
    #[serde(skip)]
    pub overdue: bool,
    pub category: String,
    /// Working days from receipt to the as-at date (none when the calendar does not cover them).
    pub age_working_days: Option<i64>,
}

/// The stages open at `p`'s as-at date in the classified table `t`, ordered by deadline, then
/// reference; at most `listed` of them are listed.
pub fn open_cases(t: &DataFrame, p: Period, listed: usize, calendar: &Calendar) -> Result<OpenCases> {
    let frames = Stage::BOTH.map(|stage| {
        t.clone().lazy().filter(open_at(stage, p)).select([
            col(Field::Reference.name()),
            lit(format!("Stage {}", stage.number())).alias("stage"),
            col(StageColumn::Received.name(stage)).alias("received"),
            col(StageColumn::Deadline.name(stage)).alias("deadline"),
            overdue_at(stage, p).alias("overdue"),
            col(Field::Category.name())
                .fill_null(lit(NOT_RECORDED))
                .alias("category"),
        ])
    });
    let open = concat(frames, UnionArgs::default())
        .ctx("listing open cases")?
        .sort(["deadline", "reference"], SortMultipleOptions::default())
        .collect()
        .ctx("listing open cases")?;
    let total = open.height() as u64;
    let open = open.head(Some(listed));
    let text = |name: &str| texts(&open, name);
    let (references, stages, received, deadlines, categories, overdue) = (
        text(Field::Reference.name())?,
        text("stage")?,
        text("received")?,
        text("deadline")?,
        text("category")?,
        text("overdue")?,
    );
    let first = (0..open.height())
        .map(|i| {
            let deadline = deadlines[i].clone().unwrap_or_default();
            let overdue = overdue[i].as_deref() == Some("true");
            let received_text = received[i].clone().unwrap_or_default();
            let age_working_days = NaiveDate::parse_from_str(&received_text, "%Y-%m-%d")
                .ok()
                .and_then(|d| calendar.wd_between(d, p.as_at).ok());
            OpenCase {
                reference: references[i].clone().unwrap_or_default(),
                stage: stages[i].clone().unwrap_or_default(),
                received: received_text,
                deadline,
                status: if overdue { "Overdue" } else { "In time" }.into(),
                overdue,
                category: categories[i].clone().unwrap_or_default(),
                age_working_days,
            }
        })
        .collect();
    Ok(OpenCases { total, first })
}
