//! A person's dated situation (the FSE entry data): kept as history, never overwritten.
//!
//! Each observation is a new row; the current situation is the latest observation, and the
//! situation at entry into a programme is the latest one on or before the entry date.

use std::fmt;
use std::str::FromStr;

use time::Date;

use crate::access::UnknownCode;
use crate::audit::FieldChange;
use crate::french;
use crate::validation::{FieldErrors, TextRule, optional_text};

pub const NOTES_MAX: usize = 2000;

/// Labour-market status at a date: exactly one of the three (FSE rule 18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabourStatus {
    Employed,
    Unemployed,
    Inactive,
}

impl LabourStatus {
    pub const ALL: [LabourStatus; 3] = [
        LabourStatus::Employed,
        LabourStatus::Unemployed,
        LabourStatus::Inactive,
    ];
    pub fn code(self) -> &'static str {
        match self {
            LabourStatus::Employed => "employed",
            LabourStatus::Unemployed => "unemployed",
            LabourStatus::Inactive => "inactive",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            LabourStatus::Employed => "En emploi (y compris indépendant)",
            LabourStatus::Unemployed => "Sans emploi, en recherche",
            LabourStatus::Inactive => "Inactif (ni en emploi ni en recherche)",
        }
    }
}

impl FromStr for LabourStatus {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|x| x.code() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

/// An answer to a sensitive question, where "refuses to answer" differs from "no" (FSE rule 18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    Refused,
}

impl Answer {
    pub const ALL: [Answer; 3] = [Answer::Yes, Answer::No, Answer::Refused];
    pub fn code(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::Refused => "refused",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Answer::Yes => "Oui",
            Answer::No => "Non",
            Answer::Refused => "Ne souhaite pas répondre",
        }
    }
}

impl FromStr for Answer {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|x| x.code() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// French education levels (nomenclature 2019): 1–2 no diploma, 3 CAP/BEP, 4 baccalauréat,
/// 5 bac+2, 6 bac+3/4, 7 bac+5, 8 doctorate.
pub const EDUCATION_LEVELS: [(i16, &str); 8] = [
    (1, "Niveau 1 – sans diplôme, savoirs de base"),
    (2, "Niveau 2 – sans diplôme, socle de compétences"),
    (3, "Niveau 3 – CAP, BEP"),
    (4, "Niveau 4 – baccalauréat"),
    (5, "Niveau 5 – bac + 2 (BTS, DUT)"),
    (6, "Niveau 6 – bac + 3 ou 4 (licence)"),
    (7, "Niveau 7 – bac + 5 (master)"),
    (8, "Niveau 8 – doctorat"),
];

/// ISCED group for the FSE indicators: levels 1–2 → ISCED 0–2, 3–4 → 3–4, 5 and above → 5–8.
pub fn isced_group(level: i16) -> &'static str {
    match level {
        ..=2 => "ISCED 0-2",
        3 | 4 => "ISCED 3-4",
        _ => "ISCED 5-8",
    }
}

/// One dated observation of a person's situation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SituationFields {
    pub observed_on: Date,
    pub labour_status: LabourStatus,
    /// Registered at France Travail since this date (DELD / DETLD derive from it).
    pub jobseeker_since: Option<Date>,
    pub receives_rsa: bool,
    pub receives_ass: bool,
    pub receives_aah: bool,
    pub education_level: Option<i16>,
    pub in_education_or_training: bool,
    pub jobless_household: bool,
    pub dependent_children: bool,
    pub single_parent: bool,
    pub homeless: bool,
    /// Sensitive: recognised disabled worker.
    pub rqth: Option<Answer>,
    /// Sensitive: migrant, foreign background, minority (FSE special category).
    pub foreign_background: Option<Answer>,
    /// Sensitive: under justice supervision.
    pub justice_supervision: Option<Answer>,
    /// Sensitive: free notes on health.
    pub health_notes: Option<String>,
}

impl SituationFields {
    /// What the audit trail keeps of a new observation: the sensitive answers as "recorded",
    /// never their value, so that reading the audit does not reveal them.
    pub fn audit_changes(&self) -> Vec<FieldChange> {
        let yes_no = |b: bool| if b { "oui" } else { "non" }.to_owned();
        let recorded = |present: bool| present.then(|| "renseigné".to_owned());
        let c = [
            ("observed_on", Some(self.observed_on.to_string())),
            ("labour_status", Some(self.labour_status.code().to_owned())),
            (
                "jobseeker_since",
                self.jobseeker_since.map(|d| d.to_string()),
            ),
            ("receives_rsa", Some(yes_no(self.receives_rsa))),
            ("receives_ass", Some(yes_no(self.receives_ass))),
            ("receives_aah", Some(yes_no(self.receives_aah))),
            (
                "education_level",
                self.education_level.map(|l| l.to_string()),
            ),
            ("rqth", recorded(self.rqth.is_some())),
            (
                "foreign_background",
                recorded(self.foreign_background.is_some()),
            ),
            (
                "justice_supervision",
                recorded(self.justice_supervision.is_some()),
            ),
            ("health_notes", recorded(self.health_notes.is_some())),
        ];
        c.into_iter()
            .filter_map(|(field, after)| {
                after.map(|after| FieldChange {
                    field: field.to_owned(),
                    before: None,
                    after: Some(after),
                })
            })
            .collect()
    }

    /// Registered job seeker for at least `months` months on `on` (DELD: 12, DETLD: 24).
    pub fn jobseeker_for_months(&self, months: i32, on: Date) -> bool {
        self.jobseeker_since.is_some_and(|since| {
            let total = (on.year() - since.year()) * 12
                + (on.month() as i32 - since.month() as i32)
                - i32::from(on.day() < since.day());
            total >= months
        })
    }
}

/// The situation form as typed. Check boxes arrive as `"on"` or are absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SituationInput {
    pub observed_on: String,
    pub labour_status: String,
    pub jobseeker_since: String,
    pub receives_rsa: Option<String>,
    pub receives_ass: Option<String>,
    pub receives_aah: Option<String>,
    pub education_level: String,
    pub in_education_or_training: Option<String>,
    pub jobless_household: Option<String>,
    pub dependent_children: Option<String>,
    pub single_parent: Option<String>,
    pub homeless: Option<String>,
    pub rqth: String,
    pub foreign_background: String,
    pub justice_supervision: String,
    pub health_notes: String,
}

fn checked(v: &Option<String>) -> bool {
    v.as_deref()
        .is_some_and(|s| matches!(s, "on" | "true" | "1" | "oui"))
}

fn answer(e: &mut FieldErrors, field: &str, raw: &str) -> Option<Answer> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse() {
        Ok(a) => Some(a),
        Err(_) => {
            e.add(field, "Valeur inconnue.");
            None
        }
    }
}

/// The date of the observation: required, not in the future, not before the birth.
fn observed_on(e: &mut FieldErrors, raw: &str, birth_date: Date, today: Date) -> Option<Date> {
    match french::parse_date(raw) {
        None => {
            e.add(
                "observed_on",
                "Indiquez la date de la situation (jj/mm/aaaa).",
            );
            None
        }
        Some(d) if d > today => {
            e.add(
                "observed_on",
                "La situation ne peut pas être datée dans le futur.",
            );
            None
        }
        Some(d) if d < birth_date => {
            e.add(
                "observed_on",
                "Cette date précède la naissance de la personne.",
            );
            None
        }
        Some(d) => Some(d),
    }
}

/// Registered as a job seeker since, if typed: not after the observation.
fn jobseeker_since(e: &mut FieldErrors, raw: &str, observed_on: Option<Date>) -> Option<Date> {
    match optional_text(raw) {
        None => None,
        Some(raw) => match french::parse_date(&raw) {
            None => {
                e.add(
                    "jobseeker_since",
                    "Date invalide : saisissez-la au format jj/mm/aaaa.",
                );
                None
            }
            Some(d) if observed_on.is_some_and(|o| d > o) => {
                e.add(
                    "jobseeker_since",
                    "L'inscription ne peut pas être postérieure à la date de la situation.",
                );
                None
            }
            Some(d) => Some(d),
        },
    }
}

/// The education level (1 to 8), if chosen.
fn education_level(e: &mut FieldErrors, raw: &str) -> Option<i16> {
    match optional_text(raw) {
        None => None,
        Some(raw) => match raw.parse::<i16>() {
            Ok(n) if (1..=8).contains(&n) => Some(n),
            _ => {
                e.add("education_level", "Choisissez un niveau de 1 à 8.");
                None
            }
        },
    }
}

impl SituationInput {
    /// Validates an observation of a person born on `birth_date`, on `today`.
    pub fn validate(&self, birth_date: Date, today: Date) -> Result<SituationFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let observed_on = observed_on(&mut e, &self.observed_on, birth_date, today);
        let labour_status = match self.labour_status.parse::<LabourStatus>() {
            Ok(s) => Some(s),
            Err(_) => {
                e.add("labour_status", "Choisissez la situation face à l'emploi.");
                None
            }
        };
        let jobseeker_since = jobseeker_since(&mut e, &self.jobseeker_since, observed_on);
        if jobseeker_since.is_some() && labour_status == Some(LabourStatus::Inactive) {
            e.add(
                "jobseeker_since",
                "Une personne inscrite comme demandeuse d'emploi n'est pas inactive.",
            );
        }
        let education_level = education_level(&mut e, &self.education_level);
        let rqth = answer(&mut e, "rqth", &self.rqth);
        let foreign_background = answer(&mut e, "foreign_background", &self.foreign_background);
        let justice_supervision = answer(&mut e, "justice_supervision", &self.justice_supervision);
        let health_notes = e.text(
            "health_notes",
            &self.health_notes,
            TextRule::lines(NOTES_MAX),
        );
        match (observed_on, labour_status) {
            (Some(observed_on), Some(labour_status)) if e.is_empty() => Ok(SituationFields {
                observed_on,
                labour_status,
                jobseeker_since,
                receives_rsa: checked(&self.receives_rsa),
                receives_ass: checked(&self.receives_ass),
                receives_aah: checked(&self.receives_aah),
                education_level,
                in_education_or_training: checked(&self.in_education_or_training),
                jobless_household: checked(&self.jobless_household),
                dependent_children: checked(&self.dependent_children),
                single_parent: checked(&self.single_parent),
                homeless: checked(&self.homeless),
                rqth,
                foreign_background,
                justice_supervision,
                health_notes,
            }),
            _ => Err(e),
        }
    }
}

crate::codes::coded!(LabourStatus, &LabourStatus::ALL);

crate::codes::coded!(Answer, &Answer::ALL);

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn input() -> SituationInput {
        SituationInput {
            observed_on: "01/03/2021".into(),
            labour_status: "unemployed".into(),
            jobseeker_since: "15/01/2020".into(),
            receives_rsa: Some("on".into()),
            education_level: "3".into(),
            rqth: "refused".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_situation() {
        let s = input().validate(date!(1980 - 01 - 01), date!(2026 - 11 - 29));
        let s = s.ok();
        assert_eq!(s.as_ref().map(|s| s.receives_rsa), Some(true));
        assert_eq!(s.as_ref().map(|s| s.receives_ass), Some(false));
        assert_eq!(s.as_ref().and_then(|s| s.rqth), Some(Answer::Refused));
    }

    #[test]
    fn registered_job_seeker_cannot_be_inactive() {
        let mut i = input();
        i.labour_status = "inactive".into();
        let e = i
            .validate(date!(1980 - 01 - 01), date!(2026 - 11 - 29))
            .err();
        assert!(e.is_some_and(|e| e.get("jobseeker_since").is_some()));
    }

    #[test]
    fn long_term_job_seeker() {
        let s = input()
            .validate(date!(1980 - 01 - 01), date!(2026 - 11 - 29))
            .ok();
        let s = s.map(|s| {
            (
                s.jobseeker_for_months(12, date!(2021 - 01 - 15)),
                s.jobseeker_for_months(12, date!(2021 - 01 - 14)),
            )
        });
        assert_eq!(s, Some((true, false)));
    }

    #[test]
    fn the_audit_says_a_sensitive_answer_was_recorded_never_its_value() {
        let mut i = input();
        i.health_notes = "suivi cardiologique".into();
        let s = i.validate(date!(1980 - 01 - 01), date!(2026 - 11 - 29));
        let changes = s.map(|s| s.audit_changes()).unwrap_or_default();
        let after = |f: &str| {
            changes
                .iter()
                .find(|c| c.field == f)
                .and_then(|c| c.after.clone())
        };
        assert_eq!(after("rqth").as_deref(), Some("renseigné"));
        assert_eq!(after("health_notes").as_deref(), Some("renseigné"));
        assert_eq!(after("receives_rsa").as_deref(), Some("oui"));
        assert_eq!(after("justice_supervision"), None);
    }

    #[test]
    fn isced_mapping() {
        assert_eq!(isced_group(2), "ISCED 0-2");
        assert_eq!(isced_group(3), "ISCED 3-4");
        assert_eq!(isced_group(4), "ISCED 3-4");
        assert_eq!(isced_group(5), "ISCED 5-8");
    }
}
