//! A structure's own indicator definition files. Storage keeps the text as typed; the report
//! crate parses and checks it (before saving, and again at each use, so that a file broken by a
//! later change of the shipped definitions is set aside instead of breaking the report).

use passerelle_domain::audit::{Actor, AuditAction, FieldChange};
use passerelle_domain::reports::INDICATOR_FILE;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::sql::bind;
use crate::{Db, DbError, DbResult, insert_audit, sql, sql_query, with_pool};

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

/// Who saves a file: a staff member, or a command run on the server (`user: None`).
#[derive(Debug, Clone, Copy)]
pub struct Author {
    pub structure_id: Uuid,
    pub user: Option<Uuid>,
}

impl From<&Actor> for Author {
    fn from(a: &Actor) -> Author {
        Author {
            structure_id: a.structure_id,
            user: Some(a.user_id),
        }
    }
}

/// Creates the file `name`, or replaces its text when `expected_version` is the stored one
/// (a stale edit gives [`DbError::Conflict`]; creating a name that exists gives
/// [`DbError::Duplicate`]). Audited with the old and new text.
pub async fn save(
    db: &Db,
    actor: Author,
    name: &str,
    source: &str,
    expected_version: Option<i64>,
) -> DbResult<Uuid> {
    let existing = list(db, actor.structure_id)
        .await?
        .into_iter()
        .find(|f| f.name == name);
    let now = OffsetDateTime::now_utc();
    match (existing, expected_version) {
        (Some(_), None) => Err(DbError::Duplicate("indicator_files_name".into())),
        (None, Some(_)) => Err(DbError::NotFound),
        (Some(f), Some(v)) => {
            let change = [FieldChange {
                field: "source".into(),
                before: Some(f.source.clone()),
                after: Some(source.to_owned()),
            }];
            with_pool!(db, |p| {
                let mut tx = p.begin().await?;
                let done = sqlx::query(
                    "UPDATE indicator_files SET source = $1, version = version + 1, updated_by = $2, updated_at = $3
                     WHERE id = $4 AND structure_id = $5 AND version = $6",
                )
                .bind(source)
                .bind(actor.user)
                .bind(now)
                .bind(f.id)
                .bind(actor.structure_id)
                .bind(v)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(DbError::Conflict);
                }
                insert_audit!(
                    &mut *tx,
                    structure: actor.structure_id,
                    user: actor.user,
                    AuditAction::Update,
                    INDICATOR_FILE.code,
                    f.id,
                    &change
                )?;
                tx.commit().await?;
            });
            Ok(f.id)
        }
        (None, None) => {
            let id = passerelle_domain::new_id();
            let change = [
                FieldChange {
                    field: "name".into(),
                    before: None,
                    after: Some(name.to_owned()),
                },
                FieldChange {
                    field: "source".into(),
                    before: None,
                    after: Some(source.to_owned()),
                },
            ];
            with_pool!(db, |p| {
                let mut tx = p.begin().await?;
                sqlx::query(
                    "INSERT INTO indicator_files (id, structure_id, name, source, version, updated_by, updated_at)
                     VALUES ($1, $2, $3, $4, 1, $5, $6)",
                )
                .bind(id)
                .bind(actor.structure_id)
                .bind(name)
                .bind(source)
                .bind(actor.user)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(DbError::from_write)?;
                insert_audit!(
                    &mut *tx,
                    structure: actor.structure_id,
                    user: actor.user,
                    AuditAction::Create,
                    INDICATOR_FILE.code,
                    id,
                    &change
                )?;
                tx.commit().await?;
            });
            Ok(id)
        }
    }
}

/// Removes a file: its indicators go back to the shipped definitions. Published reports keep
/// the figures and versions they froze.
pub async fn delete(db: &Db, actor: &Actor, id: Uuid) -> DbResult<()> {
    let f = get(db, actor.structure_id, id).await?;
    let change = [FieldChange {
        field: "source".into(),
        before: Some(f.source),
        after: None,
    }];
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        sqlx::query("DELETE FROM indicator_files WHERE id = $1 AND structure_id = $2")
            .bind(id)
            .bind(actor.structure_id)
            .execute(&mut *tx)
            .await?;
        insert_audit!(
            &mut *tx,
            actor,
            AuditAction::Delete,
            INDICATOR_FILE.code,
            id,
            &change
        )?;
        tx.commit().await?;
    });
    Ok(())
}
