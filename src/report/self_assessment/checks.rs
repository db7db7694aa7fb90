//! Points to check in a self-assessment before the governing body approves it: a provision
//! marked Yes that the year's own figures contradict, and evidence copied across a section.

use super::SelfAssessment;
use crate::metrics::{Extensions, Metrics, StageMetrics};

/// A provision the figures can test, and what in the figures would contradict a Yes.
struct Test {
    provision: &'static str,
    /// The contradiction in words, when the figures show one.
    contradiction: fn(&Metrics) -> Option<String>,
}

const TESTS: [Test; 6] = [
    Test {
        provision: "6.2",
        contradiction: |m| not_acknowledged(&m.stage1, "stage 1 complaints received"),
    },
    Test {
        provision: "6.3",
        contradiction: |m| late(&m.stage1, "stage 1", 10),
    },
    Test {
        provision: "6.4",
        contradiction: |m| beyond(&m.extensions.stage1, "stage 1", 10),
    },
    Test {
        provision: "6.11",
        contradiction: |m| not_acknowledged(&m.stage2, "escalation requests received"),
    },
    Test {
        provision: "6.14",
        contradiction: |m| late(&m.stage2, "stage 2", 20),
    },
    Test {
        provision: "6.15",
        contradiction: |m| beyond(&m.extensions.stage2, "stage 2", 20),
    },
];

fn not_acknowledged(s: &StageMetrics, what: &str) -> Option<String> {
    let late = s.received.saturating_sub(s.acknowledged_on_time);
    (late > 0).then(|| {
        format!(
            "{late} of the {} {what} in the period were not acknowledged within 5 working days, or have no acknowledgement date (T3)",
            s.received
        )
    })
}

fn late(s: &StageMetrics, stage: &str, days: u32) -> Option<String> {
    (s.late > 0).then(|| {
        format!(
            "{} of the {} {stage} responses in the period were later than {days} working days from acknowledgement or a valid extension (T4)",
            s.late, s.responded
        )
    })
}

fn beyond(e: &Extensions, stage: &str, days: u32) -> Option<String> {
    let over = e.beyond_cap + e.notified_late;
    (over > 0).then(|| {
        format!(
            "{over} {stage} extensions went beyond {days} working days without a good reason recorded, or were notified after the deadline (T4a: {} and {})",
            e.beyond_cap, e.notified_late
        )
    })
}

/// Everything to check in the self-assessment against the period's figures `m`.
pub(crate) fn points_to_check(sa: &SelfAssessment, m: &Metrics) -> Vec<String> {
    let rows = || sa.sections.iter().flat_map(|s| &s.groups).flat_map(|g| &g.rows);
    let mut points: Vec<String> = TESTS
        .iter()
        .filter(|test| rows().any(|r| r.provision == test.provision && r.comply == "Yes"))
        .filter_map(|test| {
            (test.contradiction)(m).map(|why| {
                format!(
                    "self-assessment {} is marked Yes, but {why}: mark it No with an action, or explain in its commentary",
                    test.provision
                )
            })
        })
        .collect();
    for section in &sa.sections {
        let evidence: Vec<&str> = section
            .groups
            .iter()
            .flat_map(|g| &g.rows)
            .map(|r| r.evidence.trim())
            .collect();
        let first = evidence.first().copied().unwrap_or_default();
        if evidence.len() > 1 && !first.is_empty() && evidence.iter().all(|e| *e == first) {
            points.push(format!(
                "self-assessment section {} ({}) gives the same evidence for all {} provisions: evidence should show how each provision is met",
                section.number,
                section.title,
                evidence.len()
            ));
        }
    }
    points
}
