//! Who may enter a programme: towns with effective dates (the PLIE opens to Leers on
//! 2021-02-01), an age range at the entry date. Settings per territory, kept as data.

use time::Date;

use crate::age::age_at;
use crate::french;

/// A town where a programme is open, from a date and possibly until one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OpenTown {
    pub commune_code: String,
    pub from: Date,
    pub until: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Eligibility {
    /// Empty: open to every town.
    pub towns: Vec<OpenTown>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
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
        }
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
