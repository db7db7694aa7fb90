//! The shared vocabulary of the pipeline: canonical fields, the Code's stages, dates, money,
//! periods, homes and the working-day calendar. Nothing here imports any other module of the
//! crate but [`crate::error`]: every stage may use it, and it depends on none of them.

pub mod calendar;
pub mod canonical;
pub mod dates;
pub mod homes;
pub mod money;
pub mod period;
pub mod stage;
pub mod text;
