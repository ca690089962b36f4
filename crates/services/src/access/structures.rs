//! The one lookup of a structure (the signed-in user's, the one named on the command line, or
//! the base's only one) and its creation on the server.

use passerelle_db::Db;
use passerelle_db::access::structures::{self, Structure, Which};
use passerelle_db::audit::{self, AuditRow};
use passerelle_domain::access::STRUCTURE;
use passerelle_domain::audit::{AuditAction, FieldChange};

use super::{AccessError, AccessResult};

/// The structure a caller means, or why there is none.
pub async fn structure(db: &Db, which: Which<'_>) -> AccessResult<Structure> {
    structures::find(db, which)
        .await?
        .ok_or_else(|| match which {
            Which::Id(_) => AccessError::NotFound,
            Which::Named(name) => AccessError::UnknownStructure(name.to_owned()),
            Which::First => AccessError::NoStructure,
        })
}

/// Creates a structure, on the server (the command line, the demo, the tests' set-up); its
/// trail starts with its creation.
#[tracing::instrument(skip_all)]
pub async fn create_structure(db: &Db, name: &str) -> AccessResult<Structure> {
    let mut tx = db.begin().await?;
    let s = structures::insert(&mut tx, name).await?;
    let changes = [FieldChange {
        field: "name".to_owned(),
        before: None,
        after: Some(name.to_owned()),
    }];
    let row = AuditRow {
        structure_id: s.id,
        user_id: None,
        action: AuditAction::Create,
        entity: STRUCTURE.code,
        entity_id: s.id,
        changes: &changes,
    };
    audit::append(&mut tx, row).await?;
    tx.commit().await?;
    tracing::info!(structure_id = %s.id, "structure created");
    Ok(s)
}

/// The base's first structure, or a new one named `name` when the base has none yet (the
/// first account of an installation).
pub async fn first_or_create_structure(db: &Db, name: &str) -> AccessResult<Structure> {
    match structures::find(db, Which::First).await? {
        Some(s) => Ok(s),
        None => create_structure(db, name).await,
    }
}
