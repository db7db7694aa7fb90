//! The 8.1(a) self-assessment against the Complaint Handling Code 2024: read from a TOML or CSV
//! file, checked against the Code's 72 assessed provisions, laid out by section.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::domain::text::count_of;
use crate::error::{Error, Result};

mod checks;
mod provisions;

pub(crate) use checks::points_to_check;
pub(crate) use provisions::{PROVISIONS, SECTIONS};

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
    /// Yes / No / N/A counts by section, plus a total row.
    pub summary: Vec<SectionCounts>,
    /// Every No (Partial included), with its action.
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
    /// Yes, No, N/A or "Not stated".
    pub comply: String,
    /// The file said Partial: shown as No, as the Ombudsman's form has no Partial.
    pub entered_as_partial: bool,
    pub evidence: String,
    pub commentary: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SectionCounts {
    pub section: String,
    pub yes: u32,
    /// No, including those entered as Partial (the Ombudsman's form is Yes or No).
    pub no: u32,
    /// Of `no`: entered as Partial.
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

/// Normalises a comply value: Yes, No, Partial, N/A (Partial is then shown as No).
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
            let partial = value == Some("Partial");
            let value = if partial { Some("No") } else { value };
            for c in [&mut counts, &mut total] {
                match value {
                    Some("Yes") => c.yes += 1,
                    Some("No") => c.no += 1,
                    Some(_) => c.not_applicable += 1,
                    None => c.not_stated += 1,
                }
                c.partial += u32::from(partial);
            }
            let entered = if partial { "Entered as Partial. " } else { "" };
            let commentary = format!("{entered}{}", entry.commentary.trim());
            let requirement = entry
                .requirement
                .clone()
                .filter(|r| !r.trim().is_empty())
                .unwrap_or_else(|| short.to_string());
            if value == Some("No") {
                if entry.action.trim().is_empty() || entry.target_date.trim().is_empty() {
                    warnings.push(format!(
                        "provision {id} is marked {} but has no action or target date: the Code asks for the actions and timescales to reach compliance",
                        if partial { "Partial (shown as No)" } else { "No" }
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
                entered_as_partial: partial,
                evidence: entry.evidence.clone(),
                commentary,
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
                .any(|w| w.contains("6.3 is marked Partial (shown as No) but has no action"))
        );
        assert!(sa.warnings.iter().any(|w| w.contains("comply \"maybe\"")));
        assert_eq!(sa.actions.len(), 1);
        let total = sa.summary.last().unwrap();
        // Partial is shown as No, with its commentary saying so.
        assert_eq!(
            (total.yes, total.no, total.partial, total.not_stated),
            (1, 1, 1, 70)
        );
        let row = &sa.sections[5].groups[0].rows[2];
        assert_eq!((row.provision.as_str(), row.comply.as_str()), ("6.3", "No"));
        assert!(row.commentary.starts_with("Entered as Partial."));
        assert_eq!(sa.actions[0].comply, "No");
    }
}
