//! Who may enter a programme: towns with effective dates (the PLIE opens to Leers on
//! 2021-02-01), an age range at the entry date. Settings per territory, kept as data.

use time::Date;

use crate::french;
use crate::persons::age::age_at;
use crate::persons::situation::{LabourStatus, SituationFields};

/// A town where a programme is open, from a date and possibly until one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OpenTown {
    pub commune_code: String,
    #[serde(with = "crate::iso_date")]
    pub from: Date,
    #[serde(with = "crate::iso_date::option", default)]
    pub until: Option<Date>,
}

/// A situation a programme may require at entry (any one of its list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SituationCriterion {
    /// Registered at France Travail.
    Jobseeker,
    /// Registered for 12 months or more.
    LongTermJobseeker,
    Unemployed,
    Rsa,
    Ass,
    Aah,
}

impl SituationCriterion {
    pub fn label(self) -> &'static str {
        match self {
            SituationCriterion::Jobseeker => "inscrit à France Travail",
            SituationCriterion::LongTermJobseeker => "demandeur d'emploi de 12 mois ou plus",
            SituationCriterion::Unemployed => "sans emploi",
            SituationCriterion::Rsa => "bénéficiaire du RSA",
            SituationCriterion::Ass => "bénéficiaire de l'ASS",
            SituationCriterion::Aah => "bénéficiaire de l'AAH",
        }
    }

    fn met_by(self, s: &SituationFields, on: Date) -> bool {
        match self {
            SituationCriterion::Jobseeker => s.jobseeker_since.is_some(),
            SituationCriterion::LongTermJobseeker => s.jobseeker_for_months(12, on),
            SituationCriterion::Unemployed => s.labour_status == LabourStatus::Unemployed,
            SituationCriterion::Rsa => s.receives_rsa,
            SituationCriterion::Ass => s.receives_ass,
            SituationCriterion::Aah => s.receives_aah,
        }
    }
}

crate::codes::codes!(SituationCriterion {
    Jobseeker = "jobseeker",
    LongTermJobseeker = "long_term_jobseeker",
    Unemployed = "unemployed",
    Rsa = "rsa",
    Ass = "ass",
    Aah = "aah",
});

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Eligibility {
    /// Empty: open to every town.
    pub towns: Vec<OpenTown>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    /// Empty: no situation required; else the situation at entry meets at least one.
    #[serde(default)]
    pub situation_any: Vec<SituationCriterion>,
}

impl Eligibility {
    /// The towns as an admin edits them: one per line, `code from [until]`, dates as
    /// `jj/mm/aaaa` or `aaaa-mm-jj`.
    pub fn towns_text(&self) -> String {
        self.towns
            .iter()
            .map(|t| match t.until {
                Some(u) => format!(
                    "{} {} {}",
                    t.commune_code,
                    french::date(t.from),
                    french::date(u)
                ),
                None => format!("{} {}", t.commune_code, french::date(t.from)),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Reads the towns typed by an admin; the error names the line to fix.
    pub fn parse_towns(text: &str, known: impl Fn(&str) -> bool) -> Result<Vec<OpenTown>, String> {
        let mut out = Vec::new();
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let parts: Vec<&str> = line.split_whitespace().collect();
            let bad = || {
                format!(
                    "Ligne {} : écrivez « code INSEE date de début [date de fin] », par exemple « 59339 01/02/2021 ».",
                    n + 1
                )
            };
            let (code, from, until) = match parts.as_slice() {
                [code, from] => (*code, *from, None),
                [code, from, until] => (*code, *from, Some(*until)),
                _ => return Err(bad()),
            };
            if !known(code) {
                return Err(format!("Ligne {} : commune inconnue « {code} ».", n + 1));
            }
            let from = french::parse_date(from).ok_or_else(bad)?;
            let until = match until {
                None => None,
                Some(u) => Some(french::parse_date(u).ok_or_else(bad)?),
            };
            if until.is_some_and(|u| u < from) {
                return Err(format!(
                    "Ligne {} : la date de fin précède la date de début.",
                    n + 1
                ));
            }
            out.push(OpenTown {
                commune_code: code.to_owned(),
                from,
                until,
            });
        }
        Ok(out)
    }

    /// Every reason why a person living in `commune_code`, born on `birth`, cannot enter on
    /// Every reason why a person cannot enter on `on`, given their situation known then (the
    /// latest observation on or before `on`), in French; empty when they can.
    pub fn refusals_with_situation(
        &self,
        commune_code: &str,
        commune_name: &str,
        birth: Date,
        situation: Option<&SituationFields>,
        on: Date,
    ) -> Vec<String> {
        let mut out = self.refusals(commune_code, commune_name, birth, on);
        if !self.situation_any.is_empty() {
            let wanted = self
                .situation_any
                .iter()
                .map(|c| c.label())
                .collect::<Vec<_>>()
                .join(", ");
            match situation {
                None => out.push(format!(
                    "Aucune situation datée n'est enregistrée avant le {} ; le dispositif demande : {wanted}.",
                    french::date(on)
                )),
                Some(s) if !self.situation_any.iter().any(|c| c.met_by(s, on)) => out.push(format!(
                    "La situation au {} ne remplit aucun critère du dispositif ({wanted}).",
                    french::date(s.observed_on)
                )),
                Some(_) => {}
            }
        }
        out
    }

    /// `on`, in French; empty when they can.
    pub fn refusals(
        &self,
        commune_code: &str,
        commune_name: &str,
        birth: Date,
        on: Date,
    ) -> Vec<String> {
        let mut out = Vec::new();
        if !self.towns.is_empty() {
            let here: Vec<&OpenTown> = self
                .towns
                .iter()
                .filter(|t| t.commune_code == commune_code)
                .collect();
            if here.is_empty() {
                out.push(format!(
                    "Le dispositif n'est pas ouvert aux habitants de {commune_name}."
                ));
            } else if !here
                .iter()
                .any(|t| t.from <= on && t.until.is_none_or(|u| on <= u))
            {
                let opening = here.iter().map(|t| t.from).filter(|f| *f > on).min();
                out.push(match opening {
                    Some(f) => format!(
                        "Le dispositif n'est ouvert aux habitants de {commune_name} qu'à partir du {} (entrée prévue le {}).",
                        french::date(f),
                        french::date(on)
                    ),
                    None => format!("Le dispositif n'est plus ouvert aux habitants de {commune_name} au {}.", french::date(on)),
                });
            }
        }
        let age = age_at(birth, on);
        if let Some(min) = self.min_age.filter(|m| age < *m) {
            out.push(format!(
                "La personne a {age} ans à l'entrée ; il faut au moins {min} ans."
            ));
        }
        if let Some(max) = self.max_age.filter(|m| age > *m) {
            out.push(format!(
                "La personne a {age} ans à l'entrée ; il faut au plus {max} ans."
            ));
        }
        out
    }
}

crate::codes::coded!(SituationCriterion, SituationCriterion::VARIANTS);

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn plie() -> Eligibility {
        let town = |code: &str, from| OpenTown {
            commune_code: code.into(),
            from,
            until: None,
        };
        Eligibility {
            towns: vec![
                town("59512", date!(2015 - 01 - 01)),
                town("59367", date!(2015 - 01 - 01)),
                town("59339", date!(2021 - 02 - 01)),
            ],
            min_age: Some(18),
            max_age: None,
            situation_any: Vec::new(),
        }
    }

    #[test]
    fn a_required_situation_is_checked_at_entry() {
        let mut e = plie();
        e.situation_any = vec![
            SituationCriterion::Rsa,
            SituationCriterion::LongTermJobseeker,
        ];
        let on = date!(2021 - 06 - 01);
        let base = SituationFields {
            observed_on: date!(2021 - 05 - 01),
            labour_status: LabourStatus::Unemployed,
            jobseeker_since: Some(date!(2021 - 01 - 01)),
            receives_rsa: false,
            receives_ass: false,
            receives_aah: false,
            education_level: None,
            in_education_or_training: false,
            jobless_household: false,
            dependent_children: false,
            single_parent: false,
            homeless: false,
            rqth: None,
            foreign_background: None,
            justice_supervision: None,
            health_notes: None,
        };
        let born = date!(1980 - 01 - 01);
        let r = e.refusals_with_situation("59512", "Roubaix", born, Some(&base), on);
        assert_eq!(r.len(), 1, "five months registered, no RSA");
        let rsa = SituationFields {
            receives_rsa: true,
            ..base.clone()
        };
        assert!(
            e.refusals_with_situation("59512", "Roubaix", born, Some(&rsa), on)
                .is_empty()
        );
        let long = SituationFields {
            jobseeker_since: Some(date!(2020 - 05 - 01)),
            ..base
        };
        assert!(
            e.refusals_with_situation("59512", "Roubaix", born, Some(&long), on)
                .is_empty()
        );
        assert_eq!(
            e.refusals_with_situation("59512", "Roubaix", born, None, on)
                .len(),
            1
        );
    }

    #[test]
    fn leers_opens_on_the_first_of_february_2021() {
        let before = plie().refusals(
            "59339",
            "Leers",
            date!(1980 - 01 - 01),
            date!(2021 - 01 - 31),
        );
        assert_eq!(before.len(), 1);
        assert!(
            before[0].contains("qu'à partir du 01/02/2021"),
            "{}",
            before[0]
        );
        assert!(
            plie()
                .refusals(
                    "59339",
                    "Leers",
                    date!(1980 - 01 - 01),
                    date!(2021 - 02 - 01)
                )
                .is_empty()
        );
    }

    #[test]
    fn towns_are_edited_as_text() {
        let text = plie().towns_text();
        assert!(text.contains("59339 01/02/2021"));
        let back = Eligibility::parse_towns(&text, |c| c.starts_with("59")).unwrap_or_default();
        assert_eq!(back, plie().towns);
        assert!(Eligibility::parse_towns("59339", |_| true).is_err());
        assert!(Eligibility::parse_towns("99999 01/01/2021", |c| c.starts_with("59")).is_err());
        assert!(Eligibility::parse_towns("59339 01/01/2021 01/01/2020", |_| true).is_err());
    }

    #[test]
    fn other_towns_and_ages_are_refused_with_the_reason() {
        let r = plie().refusals(
            "59350",
            "Lille",
            date!(2010 - 01 - 01),
            date!(2021 - 06 - 01),
        );
        assert_eq!(r.len(), 2);
        assert!(r[0].contains("Lille"));
        assert!(r[1].contains("au moins 18 ans"));
        assert!(
            plie()
                .refusals(
                    "59512",
                    "Roubaix",
                    date!(1990 - 01 - 01),
                    date!(2021 - 06 - 01)
                )
                .is_empty()
        );
    }
}
