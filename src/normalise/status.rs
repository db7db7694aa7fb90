//! Each complaint's status, from what the export says and what its dates show.

use polars::prelude::*;

use crate::columnar::parallel::select_in_parts;
use crate::domain::canonical::{Field, classes};
use crate::error::{PolarsContext, Result};

/// status = refused when a refusal reason is given; withdrawn when the status or an outcome says
/// so; otherwise the mapped status; otherwise closed when a final response or closure is recorded,
/// else open.
pub(super) fn derive_status(complaints: DataFrame) -> Result<DataFrame> {
    let has = |f: Field| complaints.column(f.name()).is_ok();
    let present = |f: Field| {
        if has(f) {
            col(f.name()).is_not_null()
        } else {
            lit(false)
        }
    };
    let equals = |f: Field, v: &str| {
        if has(f) {
            col(f.name()).eq(lit(v)).fill_null(lit(false))
        } else {
            lit(false)
        }
    };
    let status_col = if has(Field::Status) {
        col(Field::Status.name())
    } else {
        lit(NULL).cast(DataType::String)
    };
    let finished = present(Field::Closed)
        .or(present(Field::Stage2Responded))
        .or(present(Field::Stage1Responded).and(present(Field::Stage2Requested).not()));
    // The derived status as a class (none where the mapped status stands).
    const DERIVED: [&str; 4] = ["refused", "withdrawn", "closed", "open"];
    let [refused, withdrawn, closed, open] = [0, 1, 2, 3].map(classes::at);
    let class = when(present(Field::RefusalReason).or(equals(Field::Status, "refused")))
        .then(refused)
        .when(
            equals(Field::Status, "withdrawn")
                .or(equals(Field::Stage1Outcome, "withdrawn"))
                .or(equals(Field::Stage2Outcome, "withdrawn")),
        )
        .then(withdrawn)
        .when(status_col.clone().is_not_null())
        .then(classes::none())
        .when(finished)
        .then(closed)
        .otherwise(open);
    let status = coalesce(&[classes::named(&DERIVED, class), status_col]).alias(Field::Status.name());
    // Polars works one expression out on one core: the rows are split among the cores.
    let context = "deriving status";
    let status = select_in_parts(&complaints, status, 100_000).ctx(context)?;
    let mut complaints = complaints;
    complaints.with_column(status).ctx(context)?;
    Ok(complaints)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_is_derived_alike_in_every_part_of_a_large_table() {
        // Six cases, each with its status worked out from the rule by hand, repeated over
        // 150,000 rows: enough for the rows to be split among the cores.
        struct Case {
            status: Option<&'static str>,
            refusal: Option<&'static str>,
            outcome: Option<&'static str>,
            /// Stage 1 responded, stage 2 requested, closed.
            days: [Option<i32>; 3],
            derived: &'static str,
        }
        let case = |status, refusal, outcome, days, derived| Case {
            status,
            refusal,
            outcome,
            days,
            derived,
        };
        let day = Some(20_000);
        let cases = [
            case(
                Some("closed"),
                Some("Out of time"),
                None,
                [None, None, None],
                "refused",
            ),
            case(None, None, Some("withdrawn"), [None, None, None], "withdrawn"),
            case(Some("open"), None, None, [day, None, None], "open"),
            case(None, None, None, [None, None, day], "closed"),
            // Responded at stage 1, then escalated: still open.
            case(None, None, None, [day, day, None], "open"),
            case(None, None, None, [day, None, None], "closed"),
        ];
        let n = 150_000;
        let texts =
            |f: fn(&Case) -> Option<&'static str>| (0..n).map(|i| f(&cases[i % 6])).collect::<Vec<_>>();
        let days = |k: usize| (0..n).map(|i| cases[i % 6].days[k]).collect::<Vec<_>>();
        let frame = df![
            "status" => texts(|c| c.status),
            "refusal_reason" => texts(|c| c.refusal),
            "stage1_outcome" => texts(|c| c.outcome),
            "stage1_responded" => days(0),
            "stage2_requested" => days(1),
            "closed" => days(2),
        ]
        .unwrap()
        .lazy()
        .with_columns(["stage1_responded", "stage2_requested", "closed"].map(|c| col(c).cast(DataType::Date)))
        .collect()
        .unwrap();
        let derived = derive_status(frame).unwrap();
        let status = derived.column("status").unwrap();
        assert_eq!(status.n_chunks(), 1);
        let status: Vec<Option<&str>> = status.str().unwrap().iter().collect();
        for (i, got) in status.iter().enumerate() {
            assert_eq!(*got, Some(cases[i % 6].derived), "row {i}");
        }
    }
}
