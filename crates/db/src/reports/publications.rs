//! Published reports: a frozen copy of the figures and of the records each one counted. The
//! application never updates them; a later correction of the data shows as a difference.

use passerelle_domain::audit::Actor;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::sql::bind;
use crate::{Db, DbError, DbResult, Tx, sql, sql_query, with_pool, with_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Publication {
    pub id: Uuid,
    pub year: i32,
    pub published_at: OffsetDateTime,
    pub published_by: Option<String>,
    /// The report as published (JSON).
    pub content: String,
    /// Figure id → the keys of the records it counted (JSON).
    pub record_keys: String,
}

/// Freezes a report as `actor`; its publication time is the data cut-off. The service
/// audits it.
pub async fn insert(
    tx: &mut Tx,
    actor: &Actor,
    id: Uuid,
    year: i32,
    content: &str,
    record_keys: &str,
) -> DbResult<()> {
    with_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO published_reports (id, structure_id, year, published_at, published_by, content, record_keys)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(actor.structure_id)
        .bind(year)
        .bind(OffsetDateTime::now_utc())
        .bind(actor.user_id)
        .bind(content)
        .bind(record_keys)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

const SELECT: &str =
    "SELECT r.id, r.year, r.published_at, u.display_name AS published_by, r.content, r.record_keys
     FROM published_reports r LEFT JOIN users u ON u.id = r.published_by";

pub async fn list(db: &Db, structure_id: Uuid) -> DbResult<Vec<Publication>> {
    let sql = sql![
        SELECT,
        " WHERE r.structure_id = ",
        bind(structure_id),
        " ORDER BY r.published_at DESC"
    ];
    Ok(with_pool!(db, |p| {
        sql_query!(sqlx::query_as, sql).fetch_all(p).await?
    }))
}

pub async fn get(db: &Db, structure_id: Uuid, id: Uuid) -> DbResult<Publication> {
    let sql = sql![
        SELECT,
        " WHERE r.structure_id = ",
        bind(structure_id),
        " AND r.id = ",
        bind(id)
    ];
    let found: Option<Publication> = with_pool!(db, |p| {
        sql_query!(sqlx::query_as, sql).fetch_optional(p).await?
    });
    found.ok_or(DbError::NotFound)
}
