//! The audit trail: append-only rows of who created, changed, deleted or viewed which record.
//! The database refuses updates and deletes of these rows (triggers in the migrations).

use passerelle_domain::audit::{Actor, AuditAction, AuditDetail, FieldChange, access_kinds};
use passerelle_domain::reports::REPORT_FIGURE;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::modules::StorageModule;
use crate::sql::{Sql, bind};
use crate::{Db, DbResult, parse_code, sql, sql_query, with_pool};

pub const MODULE: StorageModule = StorageModule {
    name: "audit",
    person_references: &[],
};

mod append;
pub use append::{AuditRow, append};

/// Inserts one audit row with the executor given (a transaction, so that the change and its
/// trace commit together). `user: None` is the system (a command run on the server).
#[macro_export]
macro_rules! insert_audit {
    ($exec:expr, $actor:expr, $action:expr, $entity:expr, $entity_id:expr, $changes:expr) => {
        $crate::insert_audit!(
            $exec,
            structure: $actor.structure_id,
            user: Some($actor.user_id),
            $action,
            $entity,
            $entity_id,
            $changes
        )
    };
    ($exec:expr, structure: $structure:expr, user: $user:expr, $action:expr, $entity:expr, $entity_id:expr, $changes:expr) => {
        sqlx::query(
            "INSERT INTO audit_log (id, structure_id, at, user_id, action, entity, entity_id, changes)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(passerelle_domain::new_id())
        .bind($structure)
        .bind(time::OffsetDateTime::now_utc())
        .bind($user)
        .bind($action.code())
        .bind($entity)
        .bind($entity_id)
        .bind($crate::audit::changes_json($changes))
        .execute($exec)
        .await
    };
}

pub fn changes_json(changes: &[FieldChange]) -> String {
    serde_json::to_string(changes).unwrap_or_else(|_| "[]".to_owned())
}

/// Records that `actor` opened the list of persons behind a report figure (`what`: the figure,
/// the year and how many records were listed). The structure stands for the record.
pub async fn record_list_view(db: &Db, actor: &Actor, what: &str) -> DbResult<()> {
    let change = [FieldChange {
        field: "liste".into(),
        before: None,
        after: Some(what.to_owned()),
    }];
    with_pool!(db, |p| {
        insert_audit!(
            p,
            actor,
            AuditAction::View,
            REPORT_FIGURE.code,
            actor.structure_id,
            &change
        )?;
    });
    Ok(())
}

/// Records that `actor` viewed a record.
pub async fn record_view(db: &Db, actor: &Actor, entity: &str, entity_id: Uuid) -> DbResult<()> {
    with_pool!(db, |p| {
        insert_audit!(p, actor, AuditAction::View, entity, entity_id, &[])?;
    });
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub user_id: Option<Uuid>,
    pub entity_id: Option<Uuid>,
    pub action: Option<AuditAction>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub limit: i64,
    pub offset: i64,
    /// What the reader may see of each row: the query leaves out what they may not.
    pub detail: AuditDetail,
}

#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub id: Uuid,
    pub at: OffsetDateTime,
    pub user_id: Option<Uuid>,
    pub user_email: Option<String>,
    pub action: AuditAction,
    pub entity: String,
    pub entity_id: Uuid,
    /// The person's current name, or the account's e-mail, when the record still exists.
    pub entity_label: Option<String>,
    pub changes: Vec<FieldChange>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    at: OffsetDateTime,
    user_id: Option<Uuid>,
    user_email: Option<String>,
    action: String,
    entity: String,
    entity_id: Uuid,
    entity_label: Option<String>,
    changes: String,
}

/// Audit rows of a structure matching the filter, newest first.
pub async fn list(db: &Db, structure_id: Uuid, f: &AuditFilter) -> DbResult<Vec<AuditEntry>> {
    let mut sql = match f.detail {
        AuditDetail::Full => sql!["SELECT a.id, a.at, a.user_id, u.email AS user_email, a.action, a.entity, a.entity_id,
                CASE WHEN p.id IS NOT NULL THEN p.last_name || ' ' || p.first_names ELSE eu.email END AS entity_label,
                a.changes
         FROM audit_log a
         LEFT JOIN users u ON u.id = a.user_id
         LEFT JOIN persons p ON p.id = a.entity_id
         LEFT JOIN users eu ON eu.id = a.entity_id"],
        AuditDetail::AccessOnly => {
            let access = Sql::list(access_kinds().map(|k| k.code));
            sql![
                "SELECT a.id, a.at, a.user_id, u.email AS user_email, a.action, a.entity, a.entity_id,
                        CASE WHEN a.entity IN (", access.clone(), ") THEN eu.email END AS entity_label,
                        CASE WHEN a.entity IN (", access, ") THEN a.changes ELSE '[]' END AS changes
                 FROM audit_log a
                 LEFT JOIN users u ON u.id = a.user_id
                 LEFT JOIN users eu ON eu.id = a.entity_id"
            ]
        }
    };
    sql.push(" WHERE a.structure_id = ")
        .push(bind(structure_id));
    if let Some(u) = f.user_id {
        sql.push(" AND a.user_id = ").push(bind(u));
    }
    if let Some(e) = f.entity_id {
        sql.push(" AND a.entity_id = ").push(bind(e));
    }
    if let Some(a) = f.action {
        sql.push(" AND a.action = ").push(bind(a.code()));
    }
    if let Some(d) = f.from {
        sql.push(" AND a.at >= ")
            .push(bind(d.midnight().assume_utc()));
    }
    if let Some(d) = f.to
        && let Some(next) = d.next_day()
    {
        sql.push(" AND a.at < ")
            .push(bind(next.midnight().assume_utc()));
    }
    sql.push(" ORDER BY a.at DESC, a.id DESC LIMIT ")
        .push(bind(f.limit.clamp(1, 1000)))
        .push(" OFFSET ")
        .push(bind(f.offset.max(0)));
    let rows: Vec<Row> = with_pool!(db, |p| {
        sql_query!(sqlx::query_as::<_, Row>, sql)
            .fetch_all(p)
            .await?
    });
    rows.into_iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.id,
                at: r.at,
                user_id: r.user_id,
                user_email: r.user_email,
                action: parse_code(&r.action)?,
                entity: r.entity,
                entity_id: r.entity_id,
                entity_label: r.entity_label,
                changes: serde_json::from_str(&r.changes).unwrap_or_default(),
            })
        })
        .collect()
}
