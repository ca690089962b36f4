//! API tokens: created acting as their owner (a staff member's own, or any active account's
//! on the server), revoked by an admin.

use passerelle_db::Db;
use passerelle_db::access::{api_tokens, users};
use passerelle_db::audit::{self, AuditRow};
use passerelle_domain::access::API_TOKEN;
use passerelle_domain::access::accounts::check_token_name;
use passerelle_domain::audit::{Actor, AuditAction, FieldChange};
use uuid::Uuid;

use super::{AccessError, AccessResult};
use crate::By;

/// Stores a token (only its hash) acting as `owner`: a staff member's own, or, on the server,
/// any active account's. Audited as created by the staff member, or by no one.
#[tracing::instrument(skip_all, fields(user_id = %owner))]
pub async fn create_token(
    db: &Db,
    by: &By,
    owner: Uuid,
    name: &str,
    token_hash: &str,
) -> AccessResult<Uuid> {
    let name = check_token_name(name)?;
    if matches!(by, By::Staff(a) if a.user_id != owner) {
        return Err(AccessError::TokenForAnother);
    }
    let mut tx = db.begin().await?;
    let account = users::load(&mut tx, owner).await?;
    if matches!(by, By::Staff(a) if a.structure_id != account.structure_id) {
        return Err(AccessError::NotFound);
    }
    if !account.active {
        return Err(AccessError::Inactive(account.email));
    }
    let id = passerelle_domain::new_id();
    api_tokens::insert(&mut tx, account.structure_id, owner, id, name, token_hash).await?;
    let changes = [
        FieldChange {
            field: "name".into(),
            before: None,
            after: Some(name.to_owned()),
        },
        FieldChange {
            field: "user_id".into(),
            before: None,
            after: Some(owner.to_string()),
        },
    ];
    let row = AuditRow {
        structure_id: account.structure_id,
        user_id: by.user_id(),
        action: AuditAction::Create,
        entity: API_TOKEN.code,
        entity_id: id,
        changes: &changes,
    };
    audit::append(&mut tx, row).await?;
    tx.commit().await?;
    Ok(id)
}

/// Revokes a live token of the admin's structure.
#[tracing::instrument(skip_all, fields(structure_id = %admin.structure_id, token_id = %id))]
pub async fn revoke_token(db: &Db, admin: &Actor, id: Uuid) -> AccessResult<()> {
    let mut tx = db.begin().await?;
    api_tokens::revoke(&mut tx, admin.structure_id, id).await?;
    let changes = [FieldChange {
        field: "revoked".into(),
        before: None,
        after: Some("oui".into()),
    }];
    let row = AuditRow::by(admin, AuditAction::Update, API_TOKEN.code, id, &changes);
    audit::append(&mut tx, row).await?;
    tx.commit().await?;
    Ok(())
}
