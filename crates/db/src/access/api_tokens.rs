//! Per-user API tokens: stored hashed, shown once at creation, acting only as the account that
//! owns them, revocable by an admin, revoked with the owner's password.

use passerelle_domain::access::API_TOKEN;
use time::OffsetDateTime;
use uuid::Uuid;

use passerelle_domain::audit::{Actor, AuditAction, FieldChange};

use crate::{Db, DbError, DbResult, insert_audit, with_pool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiToken {
    pub id: Uuid,
    pub user_id: Uuid,
    pub user_email: String,
    pub name: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// Creates a token owned by `owner` and acting as that account, never as another one: an
/// account cannot lend rights it does not hold. Audited as created by the owner, or by the
/// system (`by_command`: `passerelle token create`, run on the server).
pub async fn create(
    db: &Db,
    owner: &Actor,
    by_command: bool,
    name: &str,
    token_hash: &str,
) -> DbResult<Uuid> {
    let id = passerelle_domain::new_id();
    let structure_id = owner.structure_id;
    let changes = [
        FieldChange {
            field: "name".into(),
            before: None,
            after: Some(name.to_owned()),
        },
        FieldChange {
            field: "user_id".into(),
            before: None,
            after: Some(owner.user_id.to_string()),
        },
    ];
    let by = (!by_command).then_some(owner.user_id);
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        let done = sqlx::query(
            "INSERT INTO api_tokens (id, structure_id, user_id, name, token_hash, created_at)
             SELECT $1, $2, id, $4, $5, $6 FROM users WHERE id = $3 AND structure_id = $2 AND active",
        )
        .bind(id)
        .bind(structure_id)
        .bind(owner.user_id)
        .bind(name)
        .bind(token_hash)
        .bind(OffsetDateTime::now_utc())
        .execute(&mut *tx)
        .await
        .map_err(DbError::from_write)?
        .rows_affected();
        if done == 0 {
            return Err(DbError::NotFound);
        }
        insert_audit!(
            &mut *tx,
            structure: structure_id,
            user: by,
            AuditAction::Create,
            API_TOKEN.code,
            id,
            &changes
        )?;
        tx.commit().await?;
    });
    Ok(id)
}

/// The user id behind a live token of an active account; marks the token as used.
pub async fn authenticate(db: &Db, token_hash: &str) -> DbResult<Option<Uuid>> {
    let now = OffsetDateTime::now_utc();
    let found: Option<(Uuid, Uuid)> = with_pool!(db, |p| {
        sqlx::query_as(
            "SELECT t.id, t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active",
        )
        .bind(token_hash)
        .fetch_optional(p)
        .await?
    });
    if let Some((id, _)) = found {
        with_pool!(db, |p| {
            sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
                .bind(id)
                .bind(now)
                .execute(p)
                .await?;
        });
    }
    Ok(found.map(|(_, user)| user))
}

pub async fn list(db: &Db, structure_id: Uuid) -> DbResult<Vec<ApiToken>> {
    Ok(with_pool!(db, |p| {
        sqlx::query_as(
            "SELECT t.id, t.user_id, u.email AS user_email, t.name, t.created_at, t.last_used_at, t.revoked_at
             FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.structure_id = $1 ORDER BY t.created_at DESC",
        )
        .bind(structure_id)
        .fetch_all(p)
        .await?
    }))
}

pub async fn revoke(db: &Db, actor: &Actor, id: Uuid) -> DbResult<()> {
    let change = [FieldChange {
        field: "revoked".into(),
        before: None,
        after: Some("oui".into()),
    }];
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND structure_id = $2 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(actor.structure_id)
        .bind(OffsetDateTime::now_utc())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            return Err(DbError::NotFound);
        }
        insert_audit!(
            &mut *tx,
            actor,
            AuditAction::Update,
            API_TOKEN.code,
            id,
            &change
        )?;
        tx.commit().await?;
        Ok(())
    })
}
