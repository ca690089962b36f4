//! Per-user API tokens: stored hashed, shown once at creation, revocable by an admin.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, DbError, DbResult, with_pool};

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

pub async fn create(
    db: &Db,
    structure_id: Uuid,
    user_id: Uuid,
    name: &str,
    token_hash: &str,
) -> DbResult<Uuid> {
    let id = passerelle_domain::new_id();
    with_pool!(db, |p| {
        sqlx::query(
            "INSERT INTO api_tokens (id, structure_id, user_id, name, token_hash, created_at)
             SELECT $1, $2, id, $4, $5, $6 FROM users WHERE id = $3 AND structure_id = $2",
        )
        .bind(id)
        .bind(structure_id)
        .bind(user_id)
        .bind(name)
        .bind(token_hash)
        .bind(OffsetDateTime::now_utc())
        .execute(p)
        .await
        .map_err(DbError::from_write)?;
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

pub async fn revoke(db: &Db, structure_id: Uuid, id: Uuid) -> DbResult<()> {
    let done = with_pool!(db, |p| {
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND structure_id = $2 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(structure_id)
        .bind(OffsetDateTime::now_utc())
        .execute(p)
        .await?
        .rows_affected()
    });
    if done == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}
