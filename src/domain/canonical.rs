//! The canonical complaints table: the contract between normalise and everything after it.
//!
//! One row per complaint, with the column names below (the `[columns]` names of the config),
//! typed: dates as `Date`, flags as `Boolean`, compensation as `Float64` pounds, coded values as
//! lower-case text (`status`: open | closed | withdrawn | refused; outcomes: upheld |
//! partly_upheld | not_upheld | withdrawn | other; `tenure`: LCRA | LCHO | OTHER;
//! `satisfaction`: satisfied | dissatisfied | neutral), free text trimmed. Two provenance columns
//! follow: `source_file` and `source_row` (the first row the complaint came from).

use serde::{Deserialize, Serialize};

/// What kind of value a field holds, which decides how it is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Date,
    Flag,
    Money,
    Outcome,
    Tenure,
    Status,
    Satisfaction,
    Stage,
}

macro_rules! fields {
    ($( $variant:ident => $name:literal, $kind:ident, [$($syn:literal),* $(,)?] );* $(;)?) => {
        /// A canonical field: a column of the canonical table and a key of `[columns]`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Field { $($variant),* }

        impl Field {
            pub const ALL: &'static [Field] = &[$(Field::$variant),*];

            pub fn name(self) -> &'static str {
                match self { $(Field::$variant => $name),* }
            }

            pub fn kind(self) -> Kind {
                match self { $(Field::$variant => Kind::$kind),* }
            }

            /// Headers this field is looked for under when `[columns]` does not name it
            /// (Datix UDF names and generic names; matched ignoring case, spaces and punctuation).
            pub fn synonyms(self) -> &'static [&'static str] {
                match self { $(Field::$variant => &[$name, $($syn),*]),* }
            }
        }
    };
}

fields! {
    Reference => "reference", Text, ["Ref", "Complaint ID", "Complaint Reference", "Complaint Ref", "Case ID", "Case Reference", "Case Ref", "Case Number", "ID", "recordid", "Case No", "Complaint No", "Complaint Number", "Reference Number", "Ref No", "Complaint Ref No", "Case Ref No"];
    Received => "received", Date, ["Received date", "Date Received", "Date Formal Complaint Received", "Stage1 Date Formal Complaint Opened", "Date Complaint Received", "Stage 1 Received", "Opened", "Date Opened", "Date logged", "Date Complaint Logged", "Complaint Date", "Date of Complaint", "Received On", "Stage 1 Date Received", "Stage 1 Received Date", "Logged Date"];
    Channel => "channel", Text, ["Method of receipt", "Method of receipt description", "Received via", "Contact method", "Complaint channel", "Source", "How received", "Contact channel", "Complaint source", "Method received"];
    Category => "category", Text, ["Subject", "Subject Description", "Service area", "Complaint category", "Complaint Reason", "Business Stream", "Complaint type", "Type of complaint", "Service", "Department", "Theme"];
    Subcategory => "subcategory", Text, ["Sub-Subject Description", "Sub-subject", "Sub category", "Subject detail", "Sub-category", "Subcategory description"];
    Status => "status", Status, ["Complaint status", "Case status", "Current status", "Status description"];
    RefusalReason => "refusal_reason", Text, ["Refusal reason", "Reason refused", "Reason for refusal", "Reason not accepted", "Rejection reason", "Reason for not accepting", "Refused reason"];
    Tenure => "tenure", Tenure, ["Tenure type", "Tenancy type", "Tenure description", "Tenancy"];
    Stage1Acknowledged => "stage1_acknowledged", Date, ["Acknowledged date", "Date Acknowledged", "Stage1 Date Formal Complaint Acknowledged", "Stage 1 acknowledged", "Stage 1 acknowledged date", "Stage 1 ack date", "Stage 1 acknowledgement date", "Acknowledgement date", "Date acknowledgement sent"];
    Stage1Responded => "stage1_responded", Date, ["Response date", "Date responded", "Stage1 Date Final Response Sent", "Stage 1 Decision Date", "Date Final Response Sent", "Stage 1 response date", "Stage 1 responded", "Stage 1 responded on", "Stage 1 date responded", "Stage 1 response sent", "Stage 1 final response date"];
    Stage1Extension => "stage1_extension", Flag, ["Extension Required?", "Extension required", "Extended", "Extension", "Stage 1 extension", "Stage 1 extended", "Extension agreed"];
    Stage1ExtensionNotified => "stage1_extension_notified", Date, ["Extension notified", "Date extension notified", "Stage 1 extension notified", "Stage1 Extension Notified"];
    Stage1ExtendedDue => "stage1_extended_due", Date, ["FC Stage 1 Ext Target Date", "Extended due date", "Extended target date", "Stage 1 extended due date"];
    Stage1ExtensionReason => "stage1_extension_reason", Text, ["Extension reason", "Reason for extension", "Stage 1 extension reason", "Extension reason (S1)"];
    Stage1Outcome => "stage1_outcome", Outcome, ["Outcome", "Subject Outcome Description", "Stage 1 Decision", "Stage 1 outcome", "Stage 1 result"];
    Stage2Requested => "stage2_requested", Date, ["Date escalated", "Escalation date", "Escalation request date", "Date Formal Complaint Opened (S2)", "Stage 2 requested", "Stage 2 received", "Stage 2 Date Logged", "Escalated On", "Escalated date", "Date escalated to stage 2", "Stage 2 date received", "Stage 2 received date", "Stage 2 request date", "Date of escalation", "Stage 2 opened", "Stage 2 start date"];
    Stage2Acknowledged => "stage2_acknowledged", Date, ["Date Formal Complaint Acknowledged S2", "Stage 2 acknowledged", "Stage 2 acknowledged date", "Stage 2 ack date", "Stage 2 acknowledgement date"];
    Stage2Responded => "stage2_responded", Date, ["Date Final Response Sent (S2)", "Stage 2 Decision Date", "Stage 2 response date", "Stage 2 responded", "Stage 2 responded on", "Stage 2 date responded", "Stage 2 response sent", "Stage 2 final response date"];
    Stage2Extension => "stage2_extension", Flag, ["Extension Required (S2)", "Stage 2 extension", "Stage 2 extended", "Extension (S2)"];
    Stage2ExtensionNotified => "stage2_extension_notified", Date, ["Extension notified (S2)", "Stage 2 extension notified"];
    Stage2ExtendedDue => "stage2_extended_due", Date, ["FC Stage 2 Ext Target Date", "Stage 2 extended due date", "Stage 2 extended target date"];
    Stage2ExtensionReason => "stage2_extension_reason", Text, ["Extension reason (S2)", "Stage 2 extension reason", "Reason for extension (S2)"];
    Stage2Outcome => "stage2_outcome", Outcome, ["Outcome (S2)", "Stage 2 Decision", "Stage 2 outcome", "Stage 2 result"];
    Satisfaction => "satisfaction", Satisfaction, ["Satisfied", "Satisfaction with complaint handling", "Satisfied with handling"];
    Compensation => "compensation", Money, ["Compensation To Be Awarded", "Compensation amount", "Compensation paid", "Stage 1 Financial Redress Amount", "Compensation offered", "Financial redress", "Redress amount"];
    Closed => "closed", Date, ["Closed date", "Date Closed", "Date completed", "Closed on", "Closure date", "Date case closed"];
    Stage => "stage", Stage, ["Current Stage Description", "Complaint stage", "Stage name", "Current stage"];
}

impl Field {
    /// Free-text groupings: values the export's users type, counted and listed as they are.
    pub fn is_grouping(self) -> bool {
        matches!(
            self,
            Field::Category | Field::Subcategory | Field::Channel | Field::RefusalReason
        )
    }

    /// Fields that must be found in every input file.
    pub const REQUIRED: [Field; 2] = [Field::Reference, Field::Received];

    /// The columns of the canonical table, in order (`stage` is only an input: it decides which
    /// stage a row of a one-row-per-stage export describes).
    pub const CANONICAL: &'static [Field] = &[
        Field::Reference,
        Field::Received,
        Field::Channel,
        Field::Category,
        Field::Subcategory,
        Field::Status,
        Field::RefusalReason,
        Field::Tenure,
        Field::Stage1Acknowledged,
        Field::Stage1Responded,
        Field::Stage1Extension,
        Field::Stage1ExtensionNotified,
        Field::Stage1ExtendedDue,
        Field::Stage1ExtensionReason,
        Field::Stage1Outcome,
        Field::Stage2Requested,
        Field::Stage2Acknowledged,
        Field::Stage2Responded,
        Field::Stage2Extension,
        Field::Stage2ExtensionNotified,
        Field::Stage2ExtendedDue,
        Field::Stage2ExtensionReason,
        Field::Stage2Outcome,
        Field::Satisfaction,
        Field::Compensation,
        Field::Closed,
    ];

    /// The figures a missing field costs, in plain words (`validate`'s checklist).
    pub fn affects(self) -> &'static str {
        match self {
            Field::Reference => "every figure: each complaint is counted by its reference",
            Field::Received => "every figure: complaints are counted by the date they were received",
            Field::Channel => "complaints by channel",
            Field::Category => "complaints by category, and the themes and trends tables",
            Field::Subcategory => "the sub-category breakdown",
            Field::Status => {
                "statuses as the case system records them (otherwise worked out from the dates and outcomes)"
            }
            Field::RefusalReason => "refused complaints and the summary of refusal reasons (Code 8.1(b))",
            Field::Tenure => "CH01 and CH02 by tenure (LCRA and LCHO homes)",
            Field::Stage1Acknowledged => "stage 1 acknowledgements within 5 working days",
            Field::Stage1Responded => {
                "stage 1 responses, stage 1 timeliness (CH02), open and overdue stage 1 complaints"
            }
            Field::Stage1Extension => "stage 1 extensions, and the deadline of extended stage 1 complaints",
            Field::Stage1ExtensionNotified => "whether stage 1 extensions were explained in time",
            Field::Stage1ExtendedDue => "the agreed deadline of extended stage 1 complaints",
            Field::Stage1ExtensionReason => {
                "whether a stage 1 extension beyond 10 working days had good reason (Code 6.4)"
            }
            Field::Stage1Outcome => "stage 1 outcomes (upheld, partly upheld, not upheld)",
            Field::Stage2Requested => "stage 2 received, escalation rate, stage 2 timeliness",
            Field::Stage2Acknowledged => "stage 2 acknowledgements within 5 working days",
            Field::Stage2Responded => {
                "stage 2 responses, stage 2 timeliness (CH02), open and overdue stage 2 complaints"
            }
            Field::Stage2Extension => "stage 2 extensions, and the deadline of extended stage 2 complaints",
            Field::Stage2ExtensionNotified => "whether stage 2 extensions were explained in time",
            Field::Stage2ExtendedDue => "the agreed deadline of extended stage 2 complaints",
            Field::Stage2ExtensionReason => {
                "whether a stage 2 extension beyond 20 working days had good reason (Code 6.15)"
            }
            Field::Stage2Outcome => "stage 2 outcomes (upheld, partly upheld, not upheld)",
            Field::Satisfaction => "satisfaction with complaint handling recorded on cases",
            Field::Compensation => "compensation awarded (total, mean, by stage)",
            Field::Closed => "closure dates (complaints closed without a recorded response)",
            Field::Stage => "one-row-per-stage exports: which stage each row describes",
        }
    }

    /// Which stage a field belongs to (`received` opens stage 1; fields of the whole complaint
    /// belong to neither).
    pub fn stage_number(self) -> Option<u8> {
        match self {
            Field::Received => Some(1),
            f if f.is_stage2() => Some(2),
            f if f.name().starts_with("stage1_") => Some(1),
            _ => None,
        }
    }

    /// The stage-2 field a stage-1 field corresponds to in a one-row-per-stage export, and back.
    pub fn long_shape_stage1_source(self) -> Option<Field> {
        Field::ALL
            .iter()
            .copied()
            .find(|f| f.long_shape_stage2_target() == Some(self))
    }

    /// Whether the analysts' table shows this field's text as written beside it
    /// (`<field>_raw`): the fields read through a value map or whose spellings are unified.
    pub fn keeps_raw_text(self) -> bool {
        matches!(
            self.kind(),
            Kind::Flag | Kind::Outcome | Kind::Tenure | Kind::Status | Kind::Satisfaction
        ) || matches!(self, Field::Category | Field::Subcategory | Field::Channel)
    }

    /// The name of the column holding this field's text as written: `<field>_raw`.
    pub fn raw_name(self) -> String {
        format!("{}_raw", self.name())
    }

    /// The column type in the canonical table.
    pub fn dtype(self) -> polars::prelude::DataType {
        use polars::prelude::DataType;
        match self.kind() {
            Kind::Date => DataType::Date,
            Kind::Flag => DataType::Boolean,
            Kind::Money => DataType::Float64,
            _ => DataType::String,
        }
    }

    /// Stage-2 fields: their presence marks a one-row-per-complaint (wide) export.
    pub fn is_stage2(self) -> bool {
        self.name().starts_with("stage2_")
    }

    /// In a one-row-per-stage export, the stage-1 field a stage-2 row's value arrives in, and the
    /// stage-2 field it belongs to.
    pub fn long_shape_stage2_target(self) -> Option<Field> {
        Some(match self {
            Field::Received => Field::Stage2Requested,
            Field::Stage1Acknowledged => Field::Stage2Acknowledged,
            Field::Stage1Responded => Field::Stage2Responded,
            Field::Stage1Extension => Field::Stage2Extension,
            Field::Stage1ExtensionNotified => Field::Stage2ExtensionNotified,
            Field::Stage1ExtendedDue => Field::Stage2ExtendedDue,
            Field::Stage1ExtensionReason => Field::Stage2ExtensionReason,
            Field::Stage1Outcome => Field::Stage2Outcome,
            _ => return None,
        })
    }
}

/// Provenance columns of the canonical table.
pub const SOURCE_FILE: &str = "source_file";
pub const SOURCE_ROW: &str = "source_row";

/// The dates the analysts' table (`query`, `export`) is judged as at and for.
pub const AS_AT: &str = "as_at";
pub const PERIOD_START: &str = "period_start";
pub const PERIOD_END: &str = "period_end";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::header_key;

    #[test]
    fn synonyms_are_unique_across_fields() {
        let mut seen = std::collections::HashMap::new();
        for &field in Field::ALL {
            for syn in field.synonyms() {
                if let Some(other) = seen.insert(header_key(syn), field) {
                    assert_eq!(other, field, "{syn} is a synonym of both {other:?} and {field:?}");
                }
            }
        }
    }

    #[test]
    fn canonical_columns_are_every_field_but_stage() {
        assert_eq!(Field::CANONICAL.len(), Field::ALL.len() - 1);
        assert!(!Field::CANONICAL.contains(&Field::Stage));
    }
}

/// Columns whose values come from a fixed list of names (a stage's timeliness, a derived
/// status): worked out as each row's index into the list, then named by one gather, so that
/// text is built once per name rather than at every branch of a `when` chain, and figures can
/// compare the index.
pub mod classes {
    use polars::prelude::*;

    /// The class at `index` of its list, as a literal.
    pub fn at(index: u32) -> Expr {
        lit(index)
    }

    /// No class: a null index.
    pub fn none() -> Expr {
        lit(NULL).cast(DataType::UInt32)
    }

    /// Each row's name from its index (a null index stays null).
    pub fn named(names: &[&str], index: Expr) -> Expr {
        lit(Series::new("names".into(), names)).gather(index, true)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn classes_are_named_from_their_index() {
            const NAMES: [&str; 3] = ["low", "mid", "high"];
            let t = df!["score" => [Some(1), Some(5), None, Some(9)]].unwrap();
            let class = when(col("score").lt(lit(3)))
                .then(at(0))
                .when(col("score").lt(lit(7)))
                .then(at(1))
                .when(col("score").is_not_null())
                .then(at(2))
                .otherwise(none());
            let out = t
                .lazy()
                .select([named(&NAMES, class).alias("class")])
                .collect()
                .unwrap();
            let names: Vec<Option<&str>> = out.column("class").unwrap().str().unwrap().iter().collect();
            assert_eq!(names, [Some("low"), Some("mid"), None, Some("high")]);
        }
    }
}
