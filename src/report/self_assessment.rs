//! The 8.1(a) self-assessment against the Complaint Handling Code 2024: read from a TOML or CSV
//! file, checked against the Code's 72 assessed provisions, laid out by section.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::domain::text::count_of;
use crate::error::{Error, Result};

/// The Code's sections (spec §4.1).
pub(crate) const SECTIONS: [(&str, &str); 9] = [
    ("1", "Definition of a complaint"),
    ("2", "Exclusions"),
    ("3", "Accessibility and awareness"),
    ("4", "Complaint handling staff"),
    ("5", "The complaint handling process"),
    ("6", "Complaints stages"),
    ("7", "Putting things right"),
    ("8", "Self-assessment, reporting and compliance"),
    ("9", "Scrutiny and oversight: continuous learning and improvement"),
];

/// The 72 assessed provisions of the 2024 Code (1.1 is introductory), with short titles
/// paraphrasing the requirement; a file may give the full text in `requirement`.
pub(crate) const PROVISIONS: [(&str, &str); 72] = [
    ("1.2", "Definition of a complaint"),
    (
        "1.3",
        "The word 'complaint' is not needed; residents may choose to complain; third parties",
    ),
    (
        "1.4",
        "Service requests distinguished from complaints, recorded and reviewed",
    ),
    (
        "1.5",
        "Complaint raised when a service request response causes dissatisfaction",
    ),
    (
        "1.6",
        "Survey dissatisfaction is not a complaint; residents told how to complain",
    ),
    (
        "2.1",
        "Complaints accepted unless there is a valid reason; reasoning evidenced",
    ),
    (
        "2.2",
        "Policy sets out fair exclusions (over 12 months; legal proceedings; previously considered)",
    ),
    (
        "2.3",
        "Complaints accepted within 12 months of the issue or awareness of it; discretion beyond",
    ),
    (
        "2.4",
        "Refusals explained, with the right to take the matter to the Ombudsman",
    ),
    ("2.5", "No blanket exclusions"),
    ("3.1", "Multiple channels to complain; Equality Act 2010 duties"),
    (
        "3.2",
        "Complaints can be raised in any way and with any member of staff",
    ),
    ("3.3", "High volumes not seen as negative"),
    (
        "3.4",
        "Policy accessible, with two stages and timeframes, published on the website",
    ),
    ("3.5", "Policy, the Ombudsman and the Code publicised"),
    ("3.6", "Residents may be represented"),
    ("3.7", "Residents told of their right to access the Ombudsman"),
    (
        "4.1",
        "Complaints officer or team, including Ombudsman liaison and reporting to the governing body",
    ),
    (
        "4.2",
        "Complaint handlers have access to staff, authority and autonomy",
    ),
    (
        "4.3",
        "Complaint handling prioritised; staff trained and resourced",
    ),
    ("5.1", "A single complaints policy"),
    ("5.2", "No extra named stages (such as 'stage 0' or 'informal')"),
    ("5.3", "No more than two stages"),
    ("5.4", "Third-party handling within the two stages"),
    ("5.5", "Landlord responsible for complaints about third parties"),
    ("5.6", "Complaint definition set out at logging and escalation"),
    ("5.7", "Responsibilities made clear at acknowledgement"),
    ("5.8", "Complaint handlers' conduct (a–d)"),
    (
        "5.9",
        "Update intervals agreed when a response will be outside timescales",
    ),
    (
        "5.10",
        "Reasonable adjustments recorded and reviewed; disabilities recorded",
    ),
    ("5.11", "Escalation not refused without valid reasons"),
    (
        "5.12",
        "Full record kept, including the original complaint and the date received",
    ),
    ("5.13", "Remedies offered at any stage"),
    ("5.14", "Unacceptable behaviour policy"),
    ("5.15", "Restrictions proportionate"),
    ("6.1", "Complaints triaged for complexity and vulnerability"),
    (
        "6.2",
        "Stage 1 acknowledged, defined and logged within 5 working days of receipt",
    ),
    (
        "6.3",
        "Stage 1 response within 10 working days of acknowledgement",
    ),
    (
        "6.4",
        "Stage 1 extension no more than 10 working days without good reason",
    ),
    (
        "6.5",
        "Ombudsman's contact details given with a stage 1 extension",
    ),
    (
        "6.6",
        "Stage 1 response when the answer is known; outstanding actions tracked",
    ),
    ("6.7", "Stage 1 response addresses all points, with reasons"),
    (
        "6.8",
        "Related complaints incorporated, or logged as new complaints",
    ),
    ("6.9", "Stage 1 response contents (a–g)"),
    ("6.10", "Residents may progress to stage 2, the final response"),
    (
        "6.11",
        "Stage 2 acknowledged, defined and logged within 5 working days of the escalation request",
    ),
    ("6.12", "No reasons required to escalate"),
    ("6.13", "Stage 2 handled by a different person from stage 1"),
    (
        "6.14",
        "Stage 2 final response within 20 working days of acknowledgement",
    ),
    (
        "6.15",
        "Stage 2 extension no more than 20 working days without good reason",
    ),
    (
        "6.16",
        "Ombudsman's contact details given with a stage 2 extension",
    ),
    (
        "6.17",
        "Stage 2 response when the answer is known; outstanding actions tracked",
    ),
    ("6.18", "Stage 2 response addresses all points, with reasons"),
    ("6.19", "Stage 2 response contents (a–g)"),
    ("6.20", "Stage 2 is the final response; suitable staff involved"),
    ("7.1", "Failures acknowledged and put right"),
    ("7.2", "Remedies reflect the impact on the resident"),
    ("7.3", "Remedies clear, agreed and followed through"),
    ("7.4", "The Ombudsman's remedies guidance taken into account"),
    (
        "8.1",
        "Annual complaints performance and service improvement report (a–f)",
    ),
    ("8.2", "Report to the governing body, published with its response"),
    (
        "8.3",
        "Self-assessment after a restructure, merger or change in procedures",
    ),
    ("8.4", "Review after an Ombudsman investigation"),
    ("8.5", "Exceptional circumstances reported"),
    ("9.1", "Looking beyond the individual complaint"),
    ("9.2", "Complaints used as a source of intelligence"),
    ("9.3", "Learning reported to stakeholders"),
    ("9.4", "Senior lead accountable; themes and trends assessed"),
    ("9.5", "Member Responsible for Complaints on the governing body"),
    (
        "9.6",
        "The MRC ensures the governing body receives regular information",
    ),
    ("9.7", "Minimum information for the governing body (a–d)"),
    (
        "9.8",
        "Complaint handling objective for relevant employees and third parties (a–c)",
    ),
];

/// One assessed provision as given in the file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entry {
    pub provision: String,
    #[serde(default)]
    pub comply: String,
    #[serde(default)]
    pub requirement: Option<String>,
    #[serde(default)]
    pub evidence: String,
    #[serde(default)]
    pub commentary: String,
    #[serde(default)]
    pub action: String,
    #[serde(default, alias = "action_owner")]
    pub owner: String,
    #[serde(default)]
    pub target_date: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    #[serde(default)]
    completed_by: Option<String>,
    #[serde(default)]
    approved_on: Option<toml::Value>,
    #[serde(default)]
    provision: Vec<Entry>,
}

/// What the template lays out.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SelfAssessment {
    pub completed_by: Option<String>,
    pub approved_on: Option<String>,
    pub sections: Vec<Section>,
    /// Yes / No / Partial / N/A counts by section, plus a total row.
    pub summary: Vec<SectionCounts>,
    /// Every No or Partial, with its action.
    pub actions: Vec<Action>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub number: String,
    pub title: String,
    pub groups: Vec<Group>,
}

/// Rows under an optional sub-heading (Stage 1 / Stage 2 in section 6).
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub heading: Option<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub provision: String,
    pub requirement: String,
    pub comply: String,
    pub evidence: String,
    pub commentary: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SectionCounts {
    pub section: String,
    pub yes: u32,
    pub no: u32,
    pub partial: u32,
    pub not_applicable: u32,
    pub not_stated: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Action {
    pub provision: String,
    pub comply: String,
    pub requirement: String,
    pub action: String,
    pub owner: String,
    pub target_date: String,
}

/// Reads the file (`.toml`, else CSV with a header row).
pub(crate) fn read(path: &Path) -> Result<SelfAssessment> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let bad = |message: String| Error::Config {
        path: path.to_path_buf(),
        message,
    };
    let (entries, completed_by, approved_on) =
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml")) {
            let file: TomlFile = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
            (
                file.provision,
                file.completed_by,
                file.approved_on
                    .map(|v| v.to_string().trim_matches('"').to_string()),
            )
        } else {
            let mut reader = csv::ReaderBuilder::new()
                .flexible(true)
                .trim(csv::Trim::All)
                .from_reader(text.as_bytes());
            let mut entries = Vec::new();
            for (i, row) in reader.deserialize::<Entry>().enumerate() {
                entries.push(row.map_err(|e| bad(format!("row {}: {e}", i + 2)))?);
            }
            (entries, None, None)
        };
    Ok(assemble(entries, completed_by, approved_on))
}

/// Normalises a comply value: Yes, No, Partial, N/A.
fn comply(value: &str) -> Option<&'static str> {
    match value.trim().to_lowercase().as_str() {
        "yes" | "y" | "comply" | "compliant" | "meets" => Some("Yes"),
        "no" | "n" | "does not comply" | "not compliant" => Some("No"),
        "partial" | "partly" | "partially" | "almost" => Some("Partial"),
        "n/a" | "na" | "not applicable" => Some("N/A"),
        _ => None,
    }
}

pub(crate) fn assemble(
    entries: Vec<Entry>,
    completed_by: Option<String>,
    approved_on: Option<String>,
) -> SelfAssessment {
    let mut warnings = Vec::new();
    let mut by_id: BTreeMap<String, Entry> = BTreeMap::new();
    for entry in entries {
        let id = entry.provision.trim().to_string();
        if !PROVISIONS.iter().any(|(p, _)| *p == id) {
            warnings.push(format!(
                "provision \"{id}\" is not an assessed provision of the 2024 Code (1.2 to 9.8): left out"
            ));
            continue;
        }
        if by_id.contains_key(&id) {
            warnings.push(format!("provision {id} is listed twice: the first entry is used"));
            continue;
        }
        by_id.insert(id, entry);
    }
    let missing: Vec<&str> = PROVISIONS
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| !by_id.contains_key(*p))
        .collect();
    if !missing.is_empty() {
        warnings.push(format!(
            "{} not assessed: {}",
            count_of(missing.len() as u64, "provision", "provisions"),
            missing.join(", ")
        ));
    }
    let mut sections = Vec::new();
    let mut summary = Vec::new();
    let mut actions = Vec::new();
    let mut total = SectionCounts {
        section: "Total".into(),
        ..Default::default()
    };
    for (number, title) in SECTIONS {
        let mut counts = SectionCounts {
            section: format!("{number} {title}"),
            ..Default::default()
        };
        let mut groups: Vec<Group> = Vec::new();
        for (id, short) in PROVISIONS
            .iter()
            .filter(|(p, _)| p.split('.').next() == Some(number))
        {
            let heading = (number == "6").then(|| {
                let n: u32 = id[2..].parse().unwrap_or(0);
                if n <= 9 { "Stage 1" } else { "Stage 2" }.to_string()
            });
            if groups.last().map(|g| &g.heading) != Some(&heading) {
                groups.push(Group {
                    heading: heading.clone(),
                    rows: Vec::new(),
                });
            }
            let entry = by_id.get(*id).cloned().unwrap_or_default();
            let value = comply(&entry.comply);
            if value.is_none() && !entry.comply.trim().is_empty() {
                warnings.push(format!(
                    "provision {id}: comply \"{}\" is not Yes, No, Partial or N/A",
                    entry.comply
                ));
            }
            for c in [&mut counts, &mut total] {
                match value {
                    Some("Yes") => c.yes += 1,
                    Some("No") => c.no += 1,
                    Some("Partial") => c.partial += 1,
                    Some(_) => c.not_applicable += 1,
                    None => c.not_stated += 1,
                }
            }
            let requirement = entry
                .requirement
                .clone()
                .filter(|r| !r.trim().is_empty())
                .unwrap_or_else(|| short.to_string());
            if matches!(value, Some("No") | Some("Partial")) {
                if entry.action.trim().is_empty() || entry.target_date.trim().is_empty() {
                    warnings.push(format!(
                        "provision {id} is marked {} but has no action or target date: the Code asks for the actions and timescales to reach compliance",
                        value.unwrap_or_default()
                    ));
                }
                actions.push(Action {
                    provision: id.to_string(),
                    comply: value.unwrap_or_default().to_string(),
                    requirement: requirement.clone(),
                    action: entry.action.clone(),
                    owner: entry.owner.clone(),
                    target_date: entry.target_date.clone(),
                });
            }
            groups.last_mut().expect("a group was pushed").rows.push(Row {
                provision: id.to_string(),
                requirement,
                comply: value.unwrap_or("Not stated").to_string(),
                evidence: entry.evidence.clone(),
                commentary: entry.commentary.clone(),
            });
        }
        summary.push(counts);
        sections.push(Section {
            number: number.to_string(),
            title: title.to_string(),
            groups,
        });
    }
    summary.push(total);
    SelfAssessment {
        completed_by,
        approved_on,
        sections,
        summary,
        actions,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(p: &str, c: &str) -> Entry {
        Entry {
            provision: p.into(),
            comply: c.into(),
            ..Default::default()
        }
    }

    #[test]
    fn seventy_two_provisions_in_nine_sections() {
        assert_eq!(PROVISIONS.len(), 72);
        let sa = assemble(vec![], None, None);
        assert_eq!(sa.sections.len(), 9);
        let six = &sa.sections[5];
        assert_eq!(six.groups.len(), 2);
        assert_eq!(six.groups[0].heading.as_deref(), Some("Stage 1"));
        assert_eq!(six.groups[0].rows.len(), 9);
        assert_eq!(six.groups[1].rows.len(), 11);
        assert_eq!(sa.summary.last().unwrap().not_stated, 72);
    }

    #[test]
    fn toml_and_csv_files_read_alike() {
        let dir = tempfile::tempdir().unwrap();
        let toml = dir.path().join("sa.toml");
        std::fs::write(
            &toml,
            "completed_by = \"Complaints Manager\"\napproved_on = 2025-06-24\n[[provision]]\nprovision = \"6.2\"\ncomply = \"No\"\naction = \"Rota\"\nowner = \"CM\"\ntarget_date = \"2025-09-30\"\n",
        )
        .unwrap();
        let sa = read(&toml).unwrap();
        assert_eq!(sa.completed_by.as_deref(), Some("Complaints Manager"));
        assert_eq!(sa.approved_on.as_deref(), Some("2025-06-24"));
        assert_eq!(sa.actions.len(), 1);
        let csv = dir.path().join("sa.csv");
        std::fs::write(
            &csv,
            "provision,comply,action,owner,target_date\n6.2,No,Rota,CM,2025-09-30\n",
        )
        .unwrap();
        assert_eq!(read(&csv).unwrap().actions[0].action, "Rota");
    }

    #[test]
    fn unknown_missing_and_non_compliant_provisions_are_reported() {
        let sa = assemble(
            vec![
                entry("1.2", "Yes"),
                entry("1.1", "Yes"),
                entry("6.3", "partial"),
                entry("6.2", "maybe"),
            ],
            None,
            None,
        );
        assert!(
            sa.warnings
                .iter()
                .any(|w| w.contains("\"1.1\" is not an assessed provision"))
        );
        assert!(
            sa.warnings
                .iter()
                .any(|w| w.starts_with("69 provisions not assessed"))
        );
        assert!(
            sa.warnings
                .iter()
                .any(|w| w.contains("6.3 is marked Partial but has no action"))
        );
        assert!(sa.warnings.iter().any(|w| w.contains("comply \"maybe\"")));
        assert_eq!(sa.actions.len(), 1);
        let total = sa.summary.last().unwrap();
        assert_eq!((total.yes, total.partial, total.not_stated), (1, 1, 70));
    }
}
