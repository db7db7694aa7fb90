//! The Complaint Handling Code 2024's sections and assessed provisions, with short titles
//! paraphrasing each requirement (a landlord's own copy of the form can give the full text).

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
