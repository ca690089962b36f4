//! A structure's own indicator definition files. Storage keeps the text as typed; the report
//! crate parses and checks it (before saving, and again at each use, so that a file broken by a
//! later change of the shipped definitions is set aside instead of breaking the report).

use time::OffsetDateTime;
use uuid::Uuid;

use crate::sql::bind;
use crate::{Db, DbError, DbResult, Tx, sql, sql_query, with_pool, with_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IndicatorFile {
    pub id: Uuid,
    /// A file name such as `perso.toml`: how messages say where a problem is.
    pub name: String,
    pub source: String,
    pub version: i64,
    pub updated_at: OffsetDateTime,
    pub updated_by: Option<String>,
}

const SELECT: &str =
    "SELECT f.id, f.name, f.source, f.version, f.updated_at, u.display_name AS updated_by
     FROM indicator_files f LEFT JOIN users u ON u.id = f.updated_by";

pub async fn list(db: &Db, structure_id: Uuid) -> DbResult<Vec<IndicatorFile>> {
    let sql = sql![
        SELECT,
        " WHERE f.structure_id = ",
        bind(structure_id),
        " ORDER BY f.name"
    ];
    Ok(with_pool!(db, |p| {
        sql_query!(sqlx::query_as, sql).fetch_all(p).await?
    }))
}

pub async fn get(db: &Db, structure_id: Uuid, id: Uuid) -> DbResult<IndicatorFile> {
    let sql = sql![
        SELECT,
        " WHERE f.structure_id = ",
        bind(structure_id),
        " AND f.id = ",
        bind(id)
    ];
    let found: Option<IndicatorFile> = with_pool!(db, |p| {
        sql_query!(sqlx::query_as, sql).fetch_optional(p).await?
    });
    found.ok_or(DbError::NotFound)
}

/// The structure's files, read inside a service's transaction.
pub async fn list_in(tx: &mut Tx, structure_id: Uuid) -> DbResult<Vec<IndicatorFile>> {
    Ok(with_tx!(tx, |c| {
        let sql = sql![
            SELECT,
            " WHERE f.structure_id = ",
            bind(structure_id),
            " ORDER BY f.name"
        ];
        sql_query!(sqlx::query_as, sql).fetch_all(&mut *c).await?
    }))
}

/// Inserts a new file (a name already used gives [`DbError::Duplicate`]); `user: None` is a
/// command run on the server. The service audits it.
pub async fn insert(
    tx: &mut Tx,
    structure_id: Uuid,
    user: Option<Uuid>,
    id: Uuid,
    name: &str,
    source: &str,
) -> DbResult<()> {
    with_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO indicator_files (id, structure_id, name, source, version, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, 1, $5, $6)",
        )
        .bind(id)
        .bind(structure_id)
        .bind(name)
        .bind(source)
        .bind(user)
        .bind(OffsetDateTime::now_utc())
        .execute(&mut *c)
        .await
        .map_err(DbError::from_write)?;
    });
    Ok(())
}

/// Replaces a file's text when `expected_version` is the stored one (a stale edit gives
/// [`DbError::Conflict`]). The service audits it.
pub async fn update(
    tx: &mut Tx,
    structure_id: Uuid,
    user: Option<Uuid>,
    id: Uuid,
    source: &str,
    expected_version: i64,
) -> DbResult<()> {
    let done = with_tx!(tx, |c| {
        sqlx::query(
            "UPDATE indicator_files SET source = $1, version = version + 1, updated_by = $2, updated_at = $3
             WHERE id = $4 AND structure_id = $5 AND version = $6",
        )
        .bind(source)
        .bind(user)
        .bind(OffsetDateTime::now_utc())
        .bind(id)
        .bind(structure_id)
        .bind(expected_version)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    if done == 0 {
        return Err(DbError::Conflict);
    }
    Ok(())
}

/// Removes a file: its indicators go back to the shipped definitions. Published reports keep
/// the figures and versions they froze. The service audits it.
pub async fn delete(tx: &mut Tx, structure_id: Uuid, id: Uuid) -> DbResult<()> {
    with_tx!(tx, |c| {
        sqlx::query("DELETE FROM indicator_files WHERE id = $1 AND structure_id = $2")
            .bind(id)
            .bind(structure_id)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}
