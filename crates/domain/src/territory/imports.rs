//! The rules of an import of reference data, the same on the admin page and the command line:
//! a QPV list version has a short name, its CSV reads and holds at least one neighbourhood,
//! and every town it cites is in the town table; nothing is imported otherwise.

use time::Date;

use super::{Commune, Qpv, TerritoryTables, parse_communes_csv, parse_qpv_csv};

pub const VERSION_NAME_MAX: usize = 20;

/// Why an import is refused; nothing is imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error(
        "Nommez la version de la liste (par exemple 2024), {VERSION_NAME_MAX} caractères au plus."
    )]
    VersionName,
    /// The CSV does not read; the text says where.
    #[error("CSV refusé, rien n'a été importé : {0}")]
    Csv(String),
    #[error("Le CSV ne contient aucun quartier.")]
    NoNeighbourhood,
    #[error("Le CSV ne contient aucune commune.")]
    NoTown,
    /// The neighbourhood (its code) cites a town the table lacks.
    #[error(
        "Le quartier {0} cite une commune absente de la table des communes : rien n'a été importé."
    )]
    UnknownTown(String),
}

/// The neighbourhoods of one version of the QPV list, checked against the town table.
pub fn plan_qpv_import(
    version: &str,
    valid_from: Date,
    valid_to: Option<Date>,
    csv: &str,
    tables: &TerritoryTables,
) -> Result<Vec<Qpv>, ImportError> {
    let version = version.trim();
    if version.is_empty() || version.chars().count() > VERSION_NAME_MAX {
        return Err(ImportError::VersionName);
    }
    let qpvs = parse_qpv_csv(csv, version, valid_from, valid_to).map_err(ImportError::Csv)?;
    if qpvs.is_empty() {
        return Err(ImportError::NoNeighbourhood);
    }
    if let Some(q) = qpvs
        .iter()
        .find(|q| q.commune_codes.iter().any(|c| tables.commune(c).is_none()))
    {
        return Err(ImportError::UnknownTown(q.code.clone()));
    }
    Ok(qpvs)
}

/// The towns of a CSV to add or update.
pub fn plan_communes_import(csv: &str) -> Result<Vec<Commune>, ImportError> {
    let communes = parse_communes_csv(csv).map_err(ImportError::Csv)?;
    if communes.is_empty() {
        return Err(ImportError::NoTown);
    }
    Ok(communes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn tables() -> TerritoryTables {
        TerritoryTables {
            communes: parse_communes_csv(
                "insee_code,name,postal_codes,population\n59512,Roubaix,59100,98000\n",
            )
            .unwrap_or_default(),
            qpvs: Vec::new(),
        }
    }

    fn plan(version: &str, csv: &str) -> Result<Vec<Qpv>, ImportError> {
        plan_qpv_import(version, date!(2024 - 01 - 01), None, csv, &tables())
    }

    #[test]
    fn a_list_version_is_imported_whole_or_not_at_all() {
        let ok = plan(" 2024 ", "code,nom,communes\nQN05901X,Quartier,59512\n");
        assert_eq!(
            ok.map(|q| (q.len(), q[0].list_version.clone())),
            Ok((1, "2024".into()))
        );
        assert_eq!(
            plan("2024", "code,nom,communes\nQN1,Ailleurs,59350\n"),
            Err(ImportError::UnknownTown("QN1".into()))
        );
        assert_eq!(
            plan("2024", "code,nom,communes\n"),
            Err(ImportError::NoNeighbourhood)
        );
        assert_eq!(
            plan("", "code,nom,communes\n"),
            Err(ImportError::VersionName)
        );
        assert_eq!(
            plan(&"v".repeat(21), "code,nom,communes\n"),
            Err(ImportError::VersionName)
        );
        assert!(matches!(
            plan("2024", "code,nom\nQN1,X\n"),
            Err(ImportError::Csv(_))
        ));
    }

    #[test]
    fn a_town_table_holds_at_least_one_town() {
        assert_eq!(
            plan_communes_import("insee_code,name,postal_codes,population\n"),
            Err(ImportError::NoTown)
        );
        assert_eq!(
            plan_communes_import(
                "insee_code,name,postal_codes,population\n59512,Roubaix,59100,98000\n"
            )
            .map(|c| c.len()),
            Ok(1)
        );
    }
}
