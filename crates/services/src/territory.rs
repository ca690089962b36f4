//! The territory use cases: import a town table or a dated version of the QPV list, checked
//! against what the base holds in the same transaction, and audited in the importer's
//! structure.

use passerelle_db::audit::{self, AuditRow};
use passerelle_db::{Db, DbError, territory};
use passerelle_domain::audit::{AuditAction, FieldChange};
use passerelle_domain::territory::imports::{ImportError, plan_communes_import, plan_qpv_import};
use passerelle_domain::territory::{Qpv, TERRITORY};
use time::Date;

use crate::By;

/// Why an import did not happen; nothing was imported.
#[derive(Debug, thiserror::Error)]
pub enum TerritoryError {
    #[error(transparent)]
    Refused(#[from] ImportError),
    #[error("Erreur de stockage : {0}")]
    Storage(#[from] DbError),
}

pub type TerritoryResult<T> = Result<T, TerritoryError>;

/// One version of the QPV list as typed or read from a file.
#[derive(Debug, Clone, Copy)]
pub struct QpvImport<'a> {
    pub version: &'a str,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub csv: &'a str,
}

/// The audit row of an import. `by: None`: a base without any structure yet has no trail.
async fn audited(
    tx: &mut passerelle_db::Tx,
    by: Option<&By>,
    what: &str,
    detail: String,
) -> TerritoryResult<()> {
    let Some(by) = by else {
        return Ok(());
    };
    let changes = [FieldChange {
        field: what.to_owned(),
        before: None,
        after: Some(detail),
    }];
    let row = AuditRow {
        structure_id: by.structure_id(),
        user_id: by.user_id(),
        action: AuditAction::Update,
        entity: TERRITORY.code,
        entity_id: passerelle_domain::new_id(),
        changes: &changes,
    };
    audit::append(tx, row).await?;
    Ok(())
}

/// Imports (or replaces) one version of the QPV list; returns how many neighbourhoods.
#[tracing::instrument(skip_all)]
pub async fn import_qpv_list(
    db: &Db,
    by: Option<&By>,
    import: QpvImport<'_>,
) -> TerritoryResult<usize> {
    let mut tx = db.begin().await?;
    let tables = territory::load_in(&mut tx).await?;
    let qpvs = plan_qpv_import(
        import.version,
        import.valid_from,
        import.valid_to,
        import.csv,
        &tables,
    )?;
    let version = import.version.trim();
    territory::replace_qpv_version(&mut tx, version, &qpvs).await?;
    let detail = format!("version {version} : {} quartiers", qpvs.len());
    audited(&mut tx, by, "qpv_list", detail).await?;
    tx.commit().await?;
    tracing::info!(count = qpvs.len(), "QPV list imported");
    Ok(qpvs.len())
}

/// Adds or updates the towns of a CSV; returns how many.
#[tracing::instrument(skip_all)]
pub async fn import_communes(db: &Db, by: Option<&By>, csv: &str) -> TerritoryResult<usize> {
    let communes = plan_communes_import(csv)?;
    let mut tx = db.begin().await?;
    territory::upsert_communes(&mut tx, &communes).await?;
    let detail = format!("{} communes", communes.len());
    audited(&mut tx, by, "communes", detail).await?;
    tx.commit().await?;
    Ok(communes.len())
}

/// Installs a QPV list shipped with the binary (the demo's): reference data set up with the
/// base, like the shipped town table, not an import by anyone.
pub async fn install_qpv_list(db: &Db, version: &str, qpvs: &[Qpv]) -> TerritoryResult<()> {
    let mut tx = db.begin().await?;
    territory::replace_qpv_version(&mut tx, version, qpvs).await?;
    tx.commit().await?;
    Ok(())
}
