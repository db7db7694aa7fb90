//! The performance kit: work over polars' columns and arrow's buffers and bits, and the sharing
//! of work among the cores. No word of the complaints domain here: callers in the pipeline say
//! what to count or keep; these say how, fast.
//!
//! With `ingest::source`, `ingest::strict` and `trace`, this is the only code that may touch
//! `polars_arrow`, `libc`, `std::arch` or start threads; `compact` is the one file here with
//! `unsafe` (see the Development section of the README).

pub(crate) mod bits;
pub(crate) mod compact;
pub(crate) mod frame;
pub(crate) mod gather;
pub(crate) mod keys;
pub(crate) mod parallel;
