//! Staff accounts: created (one path for the admin page, the command line, the demo and the
//! tests), rights changed, passwords set, sessions revoked.

use passerelle_db::access::sessions;
use passerelle_db::access::users::{self, NewUser, PasswordChanged, User};
use passerelle_db::audit::{self, AuditRow};
use passerelle_db::{Db, DbError};
use passerelle_domain::access::USER;
use passerelle_domain::access::accounts::{
    AccountRequest, check_access_change, check_new_account, check_new_password, rights_audit_values,
};
use passerelle_domain::audit::{Actor, AuditAction, FieldChange, diff};
use passerelle_domain::{Role, Team};
use uuid::Uuid;

use super::passwords::hash_off_thread;
use super::{AccessError, AccessResult};
use crate::By;

fn change(field: &str, after: String) -> FieldChange {
    FieldChange {
        field: field.to_owned(),
        before: None,
        after: Some(after),
    }
}

/// Creates an account in `by`'s structure: the rules of accounts, one hash, the account, its
/// teams and the audit row (without the password) in one transaction.
#[tracing::instrument(skip_all, fields(structure_id = %by.structure_id()))]
pub async fn create_account(db: &Db, by: &By, request: &AccountRequest<'_>) -> AccessResult<User> {
    let account = check_new_account(request).map_err(AccessError::Invalid)?;
    let hash = hash_off_thread(request.password).await?;
    let id = passerelle_domain::new_id();
    let mut tx = db.begin().await?;
    let new = NewUser {
        structure_id: by.structure_id(),
        email: &account.email,
        display_name: &account.display_name,
        role: account.role,
        teams: &account.teams,
        password_hash: &hash,
    };
    users::insert(&mut tx, id, new).await.map_err(|e| match e {
        DbError::Duplicate(_) => AccessError::EmailTaken,
        other => other.into(),
    })?;
    let mut values = vec![
        ("email", account.email.clone()),
        ("display_name", account.display_name.clone()),
    ];
    values.extend(rights_audit_values(account.role, &account.teams, true));
    let changes = diff(&[], &values);
    let row = AuditRow {
        structure_id: by.structure_id(),
        user_id: by.user_id(),
        action: AuditAction::Create,
        entity: USER.code,
        entity_id: id,
        changes: &changes,
    };
    audit::append(&mut tx, row).await?;
    let user = users::load(&mut tx, id).await?;
    tx.commit().await?;
    tracing::info!(user_id = %id, "account created");
    Ok(user)
}

/// An account of `admin`'s structure (another structure's answers as if it did not exist).
async fn of_structure(db: &Db, structure_id: Uuid, id: Uuid) -> AccessResult<User> {
    let target = users::get(db, id).await?;
    if target.structure_id != structure_id {
        return Err(AccessError::NotFound);
    }
    Ok(target)
}

/// Changes an account's role, teams and active flag; a deactivated account's sessions close
/// in the same transaction.
#[tracing::instrument(skip_all, fields(structure_id = %admin.structure_id, user_id = %target))]
pub async fn update_rights(
    db: &Db,
    admin: &Actor,
    target: Uuid,
    role: Role,
    teams: &[Team],
    active: bool,
) -> AccessResult<()> {
    check_access_change(admin.user_id, target, role, active)?;
    let mut tx = db.begin().await?;
    let before = users::load(&mut tx, target).await?;
    if before.structure_id != admin.structure_id {
        return Err(AccessError::NotFound);
    }
    let changes = diff(
        &rights_audit_values(before.role, &before.teams, before.active),
        &rights_audit_values(role, teams, active),
    );
    users::update_rights(&mut tx, admin.structure_id, target, role, teams, active).await?;
    if !changes.is_empty() {
        let row = AuditRow::by(admin, AuditAction::Update, USER.code, target, &changes);
        audit::append(&mut tx, row).await?;
    }
    if !active {
        close_sessions(&mut tx, admin, target).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Closes every live session of `target`, audited when any was live.
async fn close_sessions(
    tx: &mut passerelle_db::Tx,
    admin: &Actor,
    target: Uuid,
) -> AccessResult<u64> {
    let closed = sessions::revoke_all_of_user(tx, target).await?;
    if closed > 0 {
        let changes = [change("sessions_closed", closed.to_string())];
        let row = AuditRow::by(admin, AuditAction::Update, USER.code, target, &changes);
        audit::append(tx, row).await?;
    }
    Ok(closed)
}

/// An admin closes every session of an account of their structure. Returns how many were
/// live (none: nothing written).
#[tracing::instrument(skip_all, fields(structure_id = %admin.structure_id, user_id = %target))]
pub async fn revoke_sessions(db: &Db, admin: &Actor, target: Uuid) -> AccessResult<u64> {
    of_structure(db, admin.structure_id, target).await?;
    let mut tx = db.begin().await?;
    let closed = close_sessions(&mut tx, admin, target).await?;
    tx.commit().await?;
    Ok(closed)
}

/// Sets a new password (typed twice), unlocks the account and closes its sessions and API
/// tokens: its owner changing it, an admin of its structure resetting it, or the server.
/// Audited without any value.
#[tracing::instrument(skip_all, fields(structure_id = %by.structure_id(), user_id = %target))]
pub async fn set_password(
    db: &Db,
    by: &By,
    target: Uuid,
    password: &str,
    confirm: &str,
) -> AccessResult<PasswordChanged> {
    let user = match by {
        By::Staff(a) => of_structure(db, a.structure_id, target).await?,
        By::Server { .. } => users::get(db, target).await?,
    };
    check_new_password(password, confirm, &user.email)?;
    let hash = hash_off_thread(password).await?;
    let mut tx = db.begin().await?;
    let done = users::set_password(&mut tx, target, &hash).await?;
    let mut changes = vec![change("password", "changé".to_owned())];
    for (field, n) in [
        ("sessions_closed", done.sessions_closed),
        ("tokens_revoked", done.tokens_revoked),
    ] {
        if n > 0 {
            changes.push(change(field, n.to_string()));
        }
    }
    let row = AuditRow {
        structure_id: user.structure_id,
        user_id: by.user_id(),
        action: AuditAction::Update,
        entity: USER.code,
        entity_id: target,
        changes: &changes,
    };
    audit::append(&mut tx, row).await?;
    tx.commit().await?;
    Ok(done)
}
