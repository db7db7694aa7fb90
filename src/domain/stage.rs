//! The Code's two stages: which canonical fields describe each, the timescales each is judged
//! by, and the names of the columns classify adds for each.

use serde::{Deserialize, Serialize};

use super::canonical::Field;

/// A stage of the complaints procedure (the Code allows exactly two).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    One,
    Two,
}

impl Stage {
    pub const BOTH: [Stage; 2] = [Stage::One, Stage::Two];

    /// 1 or 2, as people write it.
    pub fn number(self) -> u8 {
        match self {
            Stage::One => 1,
            Stage::Two => 2,
        }
    }

    /// The canonical fields that describe this stage.
    pub fn fields(self) -> StageFields {
        match self {
            Stage::One => StageFields {
                received: Field::Received,
                acknowledged: Field::Stage1Acknowledged,
                responded: Field::Stage1Responded,
                extension: Field::Stage1Extension,
                notified: Field::Stage1ExtensionNotified,
                extended_due: Field::Stage1ExtendedDue,
                extension_reason: Field::Stage1ExtensionReason,
                outcome: Field::Stage1Outcome,
            },
            Stage::Two => StageFields {
                received: Field::Stage2Requested,
                acknowledged: Field::Stage2Acknowledged,
                responded: Field::Stage2Responded,
                extension: Field::Stage2Extension,
                notified: Field::Stage2ExtensionNotified,
                extended_due: Field::Stage2ExtendedDue,
                extension_reason: Field::Stage2ExtensionReason,
                outcome: Field::Stage2Outcome,
            },
        }
    }

    /// Working days allowed at this stage (spec §1.2, §1.3, CV-2).
    pub fn timescales(self) -> Timescales {
        match self {
            Stage::One => Timescales {
                response_2024: 10,
                cap_2024: 10,
                response_2022: 10,
                cap_2022: 10,
            },
            Stage::Two => Timescales {
                response_2024: 20,
                cap_2024: 20,
                response_2022: 20,
                cap_2022: 10,
            },
        }
    }
}

/// The canonical fields of one stage (stage 2's "received" is the escalation request).
#[derive(Debug, Clone, Copy)]
pub struct StageFields {
    pub received: Field,
    pub acknowledged: Field,
    pub responded: Field,
    pub extension: Field,
    pub notified: Field,
    pub extended_due: Field,
    pub extension_reason: Field,
    pub outcome: Field,
}

/// Working days a stage's response is due in, and the most an extension may add, under each
/// Code.
#[derive(Debug, Clone, Copy)]
pub struct Timescales {
    pub response_2024: u32,
    pub cap_2024: u32,
    pub response_2022: u32,
    pub cap_2022: u32,
}

/// Working days allowed to acknowledge a complaint at either stage.
pub const ACK_DAYS: u32 = 5;

/// When the response clock starts (spec §1.6 step 2): the `[timeliness] response_clock` setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseClock {
    /// From the acknowledgement, but never later than the acknowledgement deadline (default).
    #[default]
    CodeCapped,
    /// From the acknowledgement date as recorded (receipt when missing).
    LiteralAck,
    /// From receipt, allowing 15 (stage 1) / 25 (stage 2) working days.
    FromReceipt,
}

impl ResponseClock {
    /// How the setting counts, in the methodology's words.
    pub fn describe(self) -> &'static str {
        match self {
            ResponseClock::CodeCapped => {
                "from the acknowledgement, but never later than the acknowledgement deadline (code_capped)"
            }
            ResponseClock::LiteralAck => "from the acknowledgement date as recorded (literal_ack)",
            ResponseClock::FromReceipt => {
                "from receipt, allowing 15 (stage 1) or 25 (stage 2) working days (from_receipt)"
            }
        }
    }
}

/// Which date decides the Code a stage is judged by: the `[timeliness] code_version_by` setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeVersionBy {
    /// The complaint's stage-1 received date, for both stages (default).
    #[default]
    ComplaintReceived,
    /// Each stage's own start: stage 1's receipt, stage 2's escalation request.
    StageReceived,
}

/// The Code a stage is judged under, by the date [`CodeVersionBy`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeVersion {
    V2022,
    V2024,
}

impl CodeVersion {
    pub const ALL: [CodeVersion; 2] = [CodeVersion::V2022, CodeVersion::V2024];

    /// The value of the `code_version` column.
    pub fn name(self) -> &'static str {
        match self {
            CodeVersion::V2022 => "2022",
            CodeVersion::V2024 => "2024",
        }
    }
}

/// How a stage stands against its deadline: the values of `stage{k}_timeliness`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeliness {
    WithinBase,
    WithinExtension,
    Late,
    OpenInTime,
    OpenOverdue,
}

impl Timeliness {
    /// Every value's name, at its index (the `stage{k}_timeliness_class` column holds the index).
    pub const NAMES: [&'static str; 5] = [
        "within_base",
        "within_extension",
        "late",
        "open_in_time",
        "open_overdue",
    ];

    pub fn index(self) -> u32 {
        self as u32
    }

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// Where a stage stands at the as-at date, whatever happened to it later: the values of
/// `stage{k}_status_as_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusAsAt {
    /// Received on or before the as-at date with no response by then (answered later or not
    /// at all), neither withdrawn nor refused.
    Open,
    /// Responded to on or before the as-at date.
    Answered,
    Withdrawn,
    Refused,
    /// Received after the as-at date.
    ReceivedLater,
}

impl StatusAsAt {
    /// Every value's name, at its index.
    pub const NAMES: [&'static str; 5] = ["open", "answered", "withdrawn", "refused", "received_later"];

    pub fn index(self) -> u32 {
        self as u32
    }
}

/// Columns not tied to a stage that classify adds.
pub const CODE_VERSION: &str = "code_version";
/// True for a refused complaint (status "refused").
pub const REFUSED: &str = "refused";

macro_rules! stage_columns {
    ($( $(#[$doc:meta])* $variant:ident => $name:literal ),* $(,)?) => {
        /// A column classify adds for each stage, named `stage1_<name>` and `stage2_<name>`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum StageColumn { $( $(#[$doc])* $variant ),* }

        impl StageColumn {
            /// The column's name for one stage.
            pub fn name(self, stage: Stage) -> &'static str {
                match (self, stage) {
                    $(
                        (StageColumn::$variant, Stage::One) => concat!("stage1_", $name),
                        (StageColumn::$variant, Stage::Two) => concat!("stage2_", $name),
                    )*
                }
            }
        }
    };
}

stage_columns! {
    /// The stage's received date (stage 2: the escalation request).
    Received => "received",
    /// The acknowledgement date as counted (a late-dated one counts as made with the response).
    Ack => "ack",
    /// The acknowledgement deadline.
    AckDue => "ack_due",
    /// Acknowledged on or before the deadline.
    AckOnTime => "ack_on_time",
    /// Received with no acknowledgement date.
    AckMissing => "ack_missing",
    /// A response dated on or after receipt.
    ResponseValid => "response_valid",
    /// The stage was withdrawn.
    Withdrawn => "withdrawn",
    /// The base response deadline.
    Due => "due",
    /// An extension counts: asked for, and notified in time where a notice date is recorded.
    ExtensionRecognised => "extension_recognised",
    /// An extension notified after the base deadline.
    ExtensionNotifiedLate => "extension_notified_late",
    /// An extension with no notice date (assumed notified in time).
    ExtensionNoticeMissing => "extension_notice_missing",
    /// The latest extended deadline the Code allows (scratch, dropped after classifying).
    CapDate => "cap_date",
    /// The extended deadline asked for (scratch, dropped after classifying).
    ExtensionRequested => "ext_requested",
    /// The extended deadline in force, when an extension counts.
    ExtendedDeadline => "extended_deadline",
    /// The agreed date is more than 10/20 working days past the base deadline without good
    /// reason: the deadline stops at 10/20 working days.
    ExtensionBeyondCap => "extension_beyond_cap",
    /// The deadline in force.
    Deadline => "deadline",
    /// Working days from receipt to response.
    WorkingDays => "working_days",
    /// The timeliness as its index in [`Timeliness::NAMES`].
    TimelinessClass => "timeliness_class",
    /// The timeliness by name.
    Timeliness => "timeliness",
    /// The Code this stage is judged by ("2022" or "2024").
    CodeVersion => "code_version",
    /// When the response clock started: the acknowledgement as the Code counts it.
    ClockStart => "clock_start",
    /// Working days from the clock's start to the response (the Code's count).
    WorkingDaysFromAck => "working_days_from_ack",
    /// A reason recorded for the extension is listed as good reason.
    ExtensionGoodReason => "extension_good_reason",
    /// The agreed date is more than 10/20 working days past the base deadline, with good reason:
    /// it stands.
    ExtensionBeyondWithReason => "extension_beyond_with_reason",
    /// An extension flag with no agreed date: counted as the full 10/20 working days.
    ExtensionDateMissing => "extension_date_missing",
    /// The age at the as-at date, in working days since receipt, of a stage open then.
    OpenAge => "open_age_working_days",
    /// Where the stage stood at the as-at date, by name ([`StatusAsAt::NAMES`]).
    StatusAsAt => "status_as_at",
    /// The timeliness as it stood at the as-at date: a stage answered by then as
    /// `timeliness`; one open then (even if answered later) open_in_time or open_overdue.
    TimelinessAsAt => "timeliness_as_at",
}

impl StageColumn {
    /// The columns offered to analysts (`query`, `export`) for each stage, after the canonical ones.
    pub const FOR_ANALYSTS: [StageColumn; 16] = [
        StageColumn::CodeVersion,
        StageColumn::AckDue,
        StageColumn::AckOnTime,
        StageColumn::Due,
        StageColumn::ExtendedDeadline,
        StageColumn::Deadline,
        StageColumn::ExtensionRecognised,
        StageColumn::ExtensionGoodReason,
        StageColumn::ExtensionBeyondCap,
        StageColumn::Timeliness,
        StageColumn::StatusAsAt,
        StageColumn::TimelinessAsAt,
        StageColumn::WorkingDays,
        StageColumn::WorkingDaysFromAck,
        StageColumn::OpenAge,
        StageColumn::Withdrawn,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_columns_are_named_per_stage() {
        assert_eq!(StageColumn::AckDue.name(Stage::One), "stage1_ack_due");
        assert_eq!(
            StageColumn::ExtensionRequested.name(Stage::Two),
            "stage2_ext_requested"
        );
        assert_eq!(Timeliness::OpenOverdue.name(), "open_overdue");
        assert_eq!(Timeliness::Late.index(), 2);
        assert_eq!(Stage::Two.fields().received, Field::Stage2Requested);
    }
}
