//! A person of the register: identity, contact, town and priority neighbourhood, validated.

use std::fmt;
use std::str::FromStr;

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::access::UnknownCode;
use crate::persons::age::age_at;
use crate::persons::name_search::normalise;
use crate::territory::{TerritoryTables, check_qpv};
use crate::validation::{
    DateError, FieldErrors, Horizon, TextRule, is_plausible_email, normalise_french_phone,
    optional_text, parse_day,
};

/// Oldest age we accept: older means a typing error in the year.
pub const MAX_AGE: i32 = 120;
pub const NAME_MAX: usize = 100;
pub const ADDRESS_MAX: usize = 300;
pub const EMAIL_MAX: usize = 254;

/// Sex as the FSE+ collects it: women, men, non-binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Sex {
    #[serde(rename = "F")]
    Female,
    #[serde(rename = "M")]
    Male,
    #[serde(rename = "X")]
    NonBinary,
}

impl Sex {
    pub const ALL: [Sex; 3] = [Sex::Female, Sex::Male, Sex::NonBinary];

    pub fn code(self) -> &'static str {
        match self {
            Sex::Female => "F",
            Sex::Male => "M",
            Sex::NonBinary => "X",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sex::Female => "Femme",
            Sex::Male => "Homme",
            Sex::NonBinary => "Non binaire",
        }
    }
}

impl FromStr for Sex {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Sex::ALL
            .into_iter()
            .find(|x| x.code() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What a form or an API call sends: every field as typed, so that a rejected form can be shown
/// again exactly as the user left it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct PersonInput {
    pub last_name: String,
    pub first_names: String,
    pub birth_name: String,
    pub birth_date: String,
    pub sex: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub commune_code: String,
    pub qpv_code: String,
}

/// The validated fields of a person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PersonFields {
    pub last_name: String,
    pub first_names: String,
    pub birth_name: Option<String>,
    #[serde(serialize_with = "crate::iso_date::serialize")]
    pub birth_date: Date,
    pub sex: Sex,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub commune_code: String,
    pub qpv_code: Option<String>,
}

/// A stored person. `version` grows by one at each change, so that two people editing the same
/// record cannot overwrite each other silently.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Person {
    pub id: Uuid,
    pub version: i64,
    #[serde(flatten)]
    pub fields: PersonFields,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl Person {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.fields.last_name, self.fields.first_names)
    }

    pub fn age_on(&self, on: Date) -> i32 {
        age_at(self.fields.birth_date, on)
    }
}

impl PersonInput {
    /// Validates what was typed against the territory tables on `today`. Every error is
    /// reported at once, next to its field.
    pub fn validate(
        &self,
        territory: &TerritoryTables,
        today: Date,
    ) -> Result<PersonFields, FieldErrors> {
        let mut e = FieldErrors::new();

        let last_name = required_name(&mut e, "last_name", &self.last_name, "Le nom");
        let first_names = required_name(&mut e, "first_names", &self.first_names, "Le prénom");
        let birth_name = optional_text(&self.birth_name);
        if let Some(b) = &birth_name {
            check_name(&mut e, "birth_name", b);
        }

        let birth_date = birth_date(&mut e, &self.birth_date, today);

        let sex = sex(&mut e, &self.sex);

        let phone = phone(&mut e, &self.phone);
        let email = email(&mut e, &self.email);

        let address = e.text("address", &self.address, TextRule::lines(ADDRESS_MAX));

        let commune_code = self.commune_code.trim().to_owned();
        if commune_code.is_empty() {
            e.add("commune_code", "Indiquez la commune de résidence.");
        } else if territory.commune(&commune_code).is_none() {
            e.add(
                "commune_code",
                "Commune inconnue : choisissez-la dans la liste.",
            );
        }

        let qpv_code = optional_text(&self.qpv_code);
        if let Some(q) = &qpv_code
            && e.get("commune_code").is_none()
        {
            check_qpv(&mut e, "qpv_code", territory.qpv(q), &commune_code, today);
        }

        match (last_name, first_names, birth_date, sex) {
            (Some(last_name), Some(first_names), Some(birth_date), Some(sex)) if e.is_empty() => {
                Ok(PersonFields {
                    last_name,
                    first_names,
                    birth_name,
                    birth_date,
                    sex,
                    phone,
                    email,
                    address,
                    commune_code,
                    qpv_code,
                })
            }
            _ => Err(e),
        }
    }
}

/// The birth date typed: required, not in the future, and not more than [`MAX_AGE`] years ago.
fn birth_date(e: &mut FieldErrors, raw: &str, today: Date) -> Option<Date> {
    match optional_text(raw) {
        None => {
            e.add("birth_date", "La date de naissance est obligatoire.");
            None
        }
        Some(raw) => match parse_day(&raw, today, Horizon::Past) {
            Err(DateError::InTheFuture) => {
                e.add(
                    "birth_date",
                    "La date de naissance ne peut pas être dans le futur.",
                );
                None
            }
            Err(DateError::BeforeEarliest) => {
                e.add(
                    "birth_date",
                    format!("Cette date donne plus de {MAX_AGE} ans : vérifiez l'année."),
                );
                None
            }
            Err(other) => {
                e.add("birth_date", other.to_string());
                None
            }
            Ok(d) if age_at(d, today) > MAX_AGE => {
                e.add(
                    "birth_date",
                    format!("Cette date donne plus de {MAX_AGE} ans : vérifiez l'année."),
                );
                None
            }
            Ok(d) => Some(d),
        },
    }
}

/// The sex chosen among the coded values.
fn sex(e: &mut FieldErrors, raw: &str) -> Option<Sex> {
    match raw.trim() {
        "" => {
            e.add("sex", "Indiquez le sexe.");
            None
        }
        s => match s.parse::<Sex>() {
            Ok(x) => Some(x),
            Err(_) => {
                e.add(
                    "sex",
                    "Valeur inconnue : choisissez Femme, Homme ou Non binaire.",
                );
                None
            }
        },
    }
}

/// A French phone number, normalised, if one was typed.
fn phone(e: &mut FieldErrors, raw: &str) -> Option<String> {
    optional_text(raw).and_then(|p| match normalise_french_phone(&p) {
        Some(n) => Some(n),
        None => {
            e.add(
                "phone",
                "Numéro invalide : 10 chiffres commençant par 0 (ou +33).",
            );
            None
        }
    })
}

/// An e-mail address, lower-cased, if one was typed.
fn email(e: &mut FieldErrors, raw: &str) -> Option<String> {
    let email = e
        .text("email", raw, TextRule::line(EMAIL_MAX))
        .map(|m| m.to_lowercase());
    if let Some(m) = &email
        && !is_plausible_email(m)
    {
        e.add(
            "email",
            "Adresse e-mail invalide (exemple : prenom.nom@exemple.fr).",
        );
    }
    email
}

impl From<&PersonFields> for PersonInput {
    fn from(f: &PersonFields) -> Self {
        PersonInput {
            last_name: f.last_name.clone(),
            first_names: f.first_names.clone(),
            birth_name: f.birth_name.clone().unwrap_or_default(),
            birth_date: f.birth_date.to_string(),
            sex: f.sex.code().to_owned(),
            phone: f.phone.clone().unwrap_or_default(),
            email: f.email.clone().unwrap_or_default(),
            address: f.address.clone().unwrap_or_default(),
            commune_code: f.commune_code.clone(),
            qpv_code: f.qpv_code.clone().unwrap_or_default(),
        }
    }
}

impl PersonFields {
    /// The fields as (name, shown value) pairs, for the audit trail and conflict screens.
    pub fn audit_values(&self) -> Vec<(&'static str, String)> {
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        vec![
            ("last_name", self.last_name.clone()),
            ("first_names", self.first_names.clone()),
            ("birth_name", opt(&self.birth_name)),
            ("birth_date", self.birth_date.to_string()),
            ("sex", self.sex.code().to_owned()),
            ("phone", opt(&self.phone)),
            ("email", opt(&self.email)),
            ("address", opt(&self.address)),
            ("commune_code", self.commune_code.clone()),
            ("qpv_code", opt(&self.qpv_code)),
        ]
    }

    pub fn last_name_norm(&self) -> String {
        normalise(&self.last_name)
    }

    pub fn first_names_norm(&self) -> String {
        normalise(&self.first_names)
    }

    pub fn birth_name_norm(&self) -> Option<String> {
        self.birth_name.as_deref().map(normalise)
    }

    /// Every searchable name: last name, birth name, first names.
    pub fn search_text(&self) -> String {
        format!(
            "{} {} {}",
            self.last_name,
            self.birth_name.as_deref().unwrap_or(""),
            self.first_names
        )
    }
}

/// French labels of the person fields, for messages and the audit page.
pub fn field_label(field: &str) -> &str {
    match field {
        "last_name" => "Nom",
        "first_names" => "Prénoms",
        "birth_name" => "Nom de naissance",
        "birth_date" => "Date de naissance",
        "sex" => "Sexe",
        "phone" => "Téléphone",
        "email" => "E-mail",
        "address" => "Adresse",
        "commune_code" => "Commune",
        "qpv_code" => "Quartier prioritaire (QPV)",
        other => other,
    }
}

fn required_name(e: &mut FieldErrors, field: &str, raw: &str, what: &str) -> Option<String> {
    match optional_text(raw) {
        None => {
            e.add(field, format!("{what} est obligatoire."));
            None
        }
        Some(v) => check_name(e, field, &v).then_some(v),
    }
}

fn check_name(e: &mut FieldErrors, field: &str, value: &str) -> bool {
    if value.chars().count() > NAME_MAX {
        e.add(
            field,
            format!("Ce champ ne peut pas dépasser {NAME_MAX} caractères."),
        );
        return false;
    }
    if !value.chars().any(char::is_alphabetic) || value.chars().any(char::is_control) {
        e.add(
            field,
            "Saisissez des lettres (tirets, apostrophes et espaces permis).",
        );
        return false;
    }
    true
}

crate::codes::coded!(Sex, &Sex::ALL);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::territory::{Commune, Qpv};
    use time::macros::date;

    fn territory() -> TerritoryTables {
        TerritoryTables {
            communes: vec![Commune {
                code: "59512".into(),
                name: "Roubaix".into(),
                postal_codes: vec!["59100".into()],
                population: 98286,
            }],
            qpvs: vec![Qpv {
                code: "QPV-DEMO-01".into(),
                name: "Alma".into(),
                commune_codes: vec!["59512".into()],
                list_version: "demo".into(),
                valid_from: date!(2015 - 01 - 01),
                valid_to: None,
            }],
        }
    }

    fn good() -> PersonInput {
        PersonInput {
            last_name: "Dupont".into(),
            first_names: "Marie".into(),
            birth_date: "12/04/1985".into(),
            sex: "F".into(),
            commune_code: "59512".into(),
            qpv_code: "QPV-DEMO-01".into(),
            email: "Marie.Dupont@Exemple.fr".into(),
            phone: "06 12 34 56 78".into(),
            ..Default::default()
        }
    }

    const TODAY: Date = date!(2026 - 11 - 29);

    #[test]
    fn a_complete_person_is_accepted_and_normalised() {
        let f = good().validate(&territory(), TODAY);
        let f = f.ok();
        assert_eq!(
            f.as_ref().and_then(|f| f.email.as_deref()),
            Some("marie.dupont@exemple.fr")
        );
        assert_eq!(
            f.as_ref().and_then(|f| f.phone.as_deref()),
            Some("0612345678")
        );
    }

    #[test]
    fn every_bad_field_gets_its_own_french_message() {
        let input = PersonInput {
            last_name: "".into(),
            first_names: "x".repeat(101),
            birth_date: "31/02/1990".into(),
            sex: "Z".into(),
            email: "pas-un-mail".into(),
            phone: "123".into(),
            commune_code: "99999".into(),
            ..Default::default()
        };
        let e = input
            .validate(&territory(), TODAY)
            .err()
            .unwrap_or_default();
        for field in [
            "last_name",
            "first_names",
            "birth_date",
            "sex",
            "email",
            "phone",
            "commune_code",
        ] {
            assert!(e.get(field).is_some(), "no message for {field}");
        }
    }

    #[test]
    fn impossible_birth_dates() {
        let mut i = good();
        i.birth_date = "01/01/2030".into();
        let e = i.validate(&territory(), TODAY).err().unwrap_or_default();
        assert!(e.get("birth_date").is_some_and(|m| m.contains("futur")));
        i.birth_date = "01/01/1890".into();
        let e = i.validate(&territory(), TODAY).err().unwrap_or_default();
        assert!(e.get("birth_date").is_some_and(|m| m.contains("120")));
    }

    #[test]
    fn unknown_qpv_is_refused() {
        let mut i = good();
        i.qpv_code = "QPV-NOPE".into();
        let e = i.validate(&territory(), TODAY).err().unwrap_or_default();
        assert!(e.get("qpv_code").is_some());
    }
}
