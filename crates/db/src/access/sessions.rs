//! Server-side sessions: only a hash of the cookie's token is stored, so a copy of the database
//! does not let anyone sign in. Sessions expire when idle and at an absolute limit, and can be
//! revoked one by one or all at once.

use passerelle_domain::access::SESSION;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use passerelle_domain::audit::AuditAction;

use crate::{Db, DbResult, Tx, insert_audit, with_pool, with_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    pub id: Uuid,
    pub structure_id: Uuid,
    pub user_id: Uuid,
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

pub async fn create(
    db: &Db,
    structure_id: Uuid,
    user_id: Uuid,
    token_hash: &str,
    csrf_token: &str,
    absolute: Duration,
) -> DbResult<Session> {
    let now = OffsetDateTime::now_utc();
    let s = Session {
        id: passerelle_domain::new_id(),
        structure_id,
        user_id,
        csrf_token: csrf_token.to_owned(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + absolute,
    };
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        sqlx::query(
            "INSERT INTO sessions (id, structure_id, user_id, token_hash, csrf_token, created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
        )
        .bind(s.id)
        .bind(structure_id)
        .bind(user_id)
        .bind(token_hash)
        .bind(csrf_token)
        .bind(now)
        .bind(s.expires_at)
        .execute(&mut *tx)
        .await?;
        insert_audit!(&mut *tx, structure: structure_id, user: Some(user_id), AuditAction::Create, SESSION.code, s.id, &[])?;
        tx.commit().await?;
    });
    Ok(s)
}

/// The live session with this token hash: not revoked, not past its absolute expiry, used
/// within `idle`, and its account still active. Marks it as seen now.
pub async fn find_live(db: &Db, token_hash: &str, idle: Duration) -> DbResult<Option<Session>> {
    let now = OffsetDateTime::now_utc();
    let s: Option<Session> = with_pool!(db, |p| {
        sqlx::query_as(
            "SELECT s.id, s.structure_id, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
               AND s.last_seen_at > $3 AND u.active",
        )
        .bind(token_hash)
        .bind(now)
        .bind(now - idle)
        .fetch_optional(p)
        .await?
    });
    if let Some(s) = &s {
        // One write a minute at most: enough for the idle timeout, light on the disk.
        if now - s.last_seen_at > Duration::minutes(1) {
            with_pool!(db, |p| {
                sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
                    .bind(s.id)
                    .bind(now)
                    .execute(p)
                    .await?;
            });
        }
    }
    Ok(s)
}

/// Signs a session out; audited as its user's.
pub async fn revoke(db: &Db, s: &Session) -> DbResult<()> {
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        let done =
            sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
                .bind(s.id)
                .bind(OffsetDateTime::now_utc())
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if done > 0 {
            insert_audit!(&mut *tx, structure: s.structure_id, user: Some(s.user_id), AuditAction::Delete, SESSION.code, s.id, &[])?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Revokes every live session of a user (account disabled, admin action); the service audits
/// it when any was live. Returns how many were.
pub async fn revoke_all_of_user(tx: &mut Tx, user_id: Uuid) -> DbResult<u64> {
    Ok(with_tx!(tx, |c| {
        sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
            .bind(user_id)
            .bind(OffsetDateTime::now_utc())
            .execute(&mut *c)
            .await?
            .rows_affected()
    }))
}

/// Live sessions per user of a structure, for the admin page.
pub async fn live_counts(db: &Db, structure_id: Uuid) -> DbResult<Vec<(Uuid, i64)>> {
    Ok(with_pool!(db, |p| {
        sqlx::query_as(
            "SELECT user_id, COUNT(*) FROM sessions
             WHERE structure_id = $1 AND revoked_at IS NULL AND expires_at > $2
             GROUP BY user_id",
        )
        .bind(structure_id)
        .bind(OffsetDateTime::now_utc())
        .fetch_all(p)
        .await?
    }))
}
