//! Per-user API tokens: stored hashed, shown once at creation, acting only as the account that
//! owns them, revocable by an admin, revoked with the owner's password.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, DbError, DbResult, Tx, with_pool, with_tx};

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

/// Inserts a token owned by `owner_id`, an active account of `structure_id`, and acting as
/// that account, never as another one: an account cannot lend rights it does not hold
/// ([`DbError::NotFound`] when the owner is not such an account). The service audits it.
pub async fn insert(
    tx: &mut Tx,
    structure_id: Uuid,
    owner_id: Uuid,
    id: Uuid,
    name: &str,
    token_hash: &str,
) -> DbResult<()> {
    let done = with_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO api_tokens (id, structure_id, user_id, name, token_hash, created_at)
             SELECT $1, $2, id, $4, $5, $6 FROM users WHERE id = $3 AND structure_id = $2 AND active",
        )
        .bind(id)
        .bind(structure_id)
        .bind(owner_id)
        .bind(name)
        .bind(token_hash)
        .bind(OffsetDateTime::now_utc())
        .execute(&mut *c)
        .await
        .map_err(DbError::from_write)?
        .rows_affected()
    });
    if done == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
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

/// Revokes a live token of the structure ([`DbError::NotFound`] otherwise); the service
/// audits it.
pub async fn revoke(tx: &mut Tx, structure_id: Uuid, id: Uuid) -> DbResult<()> {
    let done = with_tx!(tx, |c| {
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND structure_id = $2 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(structure_id)
        .bind(OffsetDateTime::now_utc())
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    if done == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}
