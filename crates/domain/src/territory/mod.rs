//! The territory: towns (communes, by INSEE code) and priority neighbourhoods (QPV) as dated
//! versions of an official list.

pub mod imports;

use time::Date;

use crate::audit::RecordKind;
use crate::modules::DomainModule;
use crate::validation::FieldErrors;

pub const TERRITORY: RecordKind = RecordKind {
    code: "territory",
    label: "Territoire (communes, QPV)",
    access: false,
};

pub const MODULE: DomainModule = DomainModule {
    name: "territory",
    record_kinds: &[TERRITORY],
};

/// The default town table: the 95 towns of the Métropole européenne de Lille (Etalab
/// "découpage administratif", Licence Ouverte). An admin may replace it.
pub const DEFAULT_COMMUNES_CSV: &str = include_str!("../../data/communes-mel.csv");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commune {
    /// INSEE code, 5 characters (`59512` for Roubaix).
    pub code: String,
    pub name: String,
    pub postal_codes: Vec<String>,
    pub population: i64,
}

/// Reads a town table in the shipped CSV layout
/// (`insee_code,name,postal_codes,population`, postal codes separated by spaces; `;` is also
/// accepted as the separator, as French spreadsheets write it).
pub fn parse_communes_csv(text: &str) -> Result<Vec<Commune>, String> {
    let mut out = Vec::new();
    for (n, record) in csv_records(text)?.into_iter().enumerate() {
        let line = n + 2;
        let [code, name, postal, population] = record.as_slice() else {
            return Err(format!(
                "ligne {line} : 4 colonnes attendues (code INSEE, nom, codes postaux, population)"
            ));
        };
        if !is_insee_code(code) {
            return Err(format!("ligne {line} : code INSEE invalide « {code} »"));
        }
        out.push(Commune {
            code: code.clone(),
            name: name.clone(),
            postal_codes: postal.split_whitespace().map(str::to_owned).collect(),
            population: population
                .trim()
                .parse()
                .map_err(|_| format!("ligne {line} : population invalide « {population} »"))?,
        });
    }
    Ok(out)
}

/// Reads one version of the QPV list: `code,name,insee_codes` (the towns' INSEE codes separated
/// by spaces), valid from `valid_from` to `valid_to`.
pub fn parse_qpv_csv(
    text: &str,
    list_version: &str,
    valid_from: Date,
    valid_to: Option<Date>,
) -> Result<Vec<Qpv>, String> {
    if valid_to.is_some_and(|to| to < valid_from) {
        return Err("la fin de validité précède le début".into());
    }
    let mut out = Vec::new();
    for (n, record) in csv_records(text)?.into_iter().enumerate() {
        let line = n + 2;
        let [code, name, communes] = record.as_slice() else {
            return Err(format!(
                "ligne {line} : 3 colonnes attendues (code, nom, codes INSEE)"
            ));
        };
        let commune_codes: Vec<String> = communes.split_whitespace().map(str::to_owned).collect();
        if code.trim().is_empty() || name.trim().is_empty() || commune_codes.is_empty() {
            return Err(format!(
                "ligne {line} : code, nom et commune(s) sont obligatoires"
            ));
        }
        if let Some(bad) = commune_codes.iter().find(|c| !is_insee_code(c)) {
            return Err(format!("ligne {line} : code INSEE invalide « {bad} »"));
        }
        out.push(Qpv {
            code: code.trim().to_owned(),
            name: name.trim().to_owned(),
            commune_codes,
            list_version: list_version.to_owned(),
            valid_from,
            valid_to,
        });
    }
    Ok(out)
}

/// The data rows of a CSV text with a header line, separated by `,` or `;`.
fn csv_records(text: &str) -> Result<Vec<Vec<String>>, String> {
    let text = text.trim_start_matches('\u{feff}');
    let header = text.lines().next().unwrap_or_default();
    let delimiter = if header.contains(';') { b';' } else { b',' };
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .enumerate()
        .map(|(n, r)| {
            r.map(|r| r.iter().map(str::to_owned).collect())
                .map_err(|e| format!("ligne {} : {e}", n + 2))
        })
        .collect()
}

/// Five characters: digits, or `2A`/`2B` followed by three digits for Corsica.
pub fn is_insee_code(code: &str) -> bool {
    code.len() == 5
        && (code.chars().all(|c| c.is_ascii_digit())
            || ((code.starts_with("2A") || code.starts_with("2B"))
                && code[2..].chars().all(|c| c.is_ascii_digit())))
}

/// One neighbourhood of one version of the QPV list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qpv {
    pub code: String,
    pub name: String,
    pub commune_codes: Vec<String>,
    /// The list this neighbourhood belongs to (`2015`, `2024`, or `demo`).
    pub list_version: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}

impl Qpv {
    pub fn is_valid_on(&self, on: Date) -> bool {
        self.valid_from <= on && self.valid_to.is_none_or(|to| on <= to)
    }
}

/// Checks that a person's QPV exists on the date it is recorded for and lies in their town.
pub fn check_qpv(
    errors: &mut FieldErrors,
    field: &str,
    qpv: Option<&Qpv>,
    commune_code: &str,
    on: Date,
) {
    match qpv {
        None => errors.add(field, "Ce quartier prioritaire n'existe pas dans la liste."),
        Some(q) if !q.is_valid_on(on) => errors.add(
            field,
            format!(
                "Ce quartier prioritaire n'est pas en vigueur à cette date (liste {}).",
                q.list_version
            ),
        ),
        Some(q) if !q.commune_codes.iter().any(|c| c == commune_code) => errors.add(
            field,
            "Ce quartier prioritaire n'est pas situé dans la commune indiquée.",
        ),
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn shipped_table_has_the_95_towns_of_the_metropole() {
        let communes = parse_communes_csv(DEFAULT_COMMUNES_CSV).unwrap_or_default();
        assert_eq!(communes.len(), 95);
        let roubaix = communes.iter().find(|c| c.code == "59512");
        assert_eq!(roubaix.map(|c| c.name.as_str()), Some("Roubaix"));
        let lille = communes.iter().find(|c| c.code == "59350");
        assert_eq!(lille.map(|c| c.postal_codes.len()), Some(5));
    }

    #[test]
    fn qpv_list_versions_are_read_with_either_separator() {
        let text =
            "code;nom;communes\nQN05901M;Alma – Gare;59512\nQN05902M;Bourgogne;59599 59512\n";
        let list = parse_qpv_csv(text, "2024", date!(2024 - 01 - 01), None).unwrap_or_default();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].commune_codes, vec!["59599", "59512"]);
        assert!(
            parse_qpv_csv(
                "code,nom,communes\nX,Y,123\n",
                "2024",
                date!(2024 - 01 - 01),
                None
            )
            .is_err()
        );
        assert!(
            parse_qpv_csv(
                "a,b,c\n",
                "2015",
                date!(2015 - 01 - 01),
                Some(date!(2014 - 01 - 01))
            )
            .is_err()
        );
    }

    #[test]
    fn insee_codes() {
        assert!(is_insee_code("59512"));
        assert!(is_insee_code("2A004"));
        assert!(!is_insee_code("5951"));
        assert!(!is_insee_code("59X12"));
    }

    #[test]
    fn qpv_validity_and_town() {
        let q = Qpv {
            code: "QPV-DEMO-01".into(),
            name: "L'Alma".into(),
            commune_codes: vec!["59512".into()],
            list_version: "demo".into(),
            valid_from: date!(2015 - 01 - 01),
            valid_to: Some(date!(2023 - 12 - 31)),
        };
        let mut e = FieldErrors::new();
        check_qpv(&mut e, "qpv", Some(&q), "59512", date!(2021 - 06 - 01));
        assert!(e.is_empty());
        check_qpv(&mut e, "qpv", Some(&q), "59512", date!(2024 - 06 - 01));
        assert!(e.get("qpv").is_some());
        let mut e = FieldErrors::new();
        check_qpv(&mut e, "qpv", Some(&q), "59339", date!(2021 - 06 - 01));
        assert!(e.get("qpv").is_some());
    }
}

/// The reference tables a validation needs, loaded once and kept in memory (a few hundred rows).
#[derive(Debug, Clone, Default)]
pub struct TerritoryTables {
    pub communes: Vec<Commune>,
    pub qpvs: Vec<Qpv>,
}

impl TerritoryTables {
    pub fn commune(&self, code: &str) -> Option<&Commune> {
        self.communes.iter().find(|c| c.code == code)
    }

    /// The QPV with this code, in the list version in force the latest.
    pub fn qpv(&self, code: &str) -> Option<&Qpv> {
        self.qpvs
            .iter()
            .filter(|q| q.code == code)
            .max_by_key(|q| q.valid_from)
    }

    pub fn commune_name(&self, code: &str) -> String {
        self.commune(code)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| code.to_owned())
    }

    /// The QPVs in force on a date, for the pickers.
    pub fn qpvs_on(&self, on: Date) -> Vec<&Qpv> {
        self.qpvs.iter().filter(|q| q.is_valid_on(on)).collect()
    }
}
