//! The reports use cases: save or delete one of the structure's indicator files, publish a
//! report. What a definition file must be is read by the report crate, whose checks the caller
//! hands in ([`FileChecks`]): the service layer stays below it (the report crate carries
//! Typst).

use passerelle_db::audit::{self, AuditRow};
use passerelle_db::reports::{indicator_files, publications};
use passerelle_db::{Db, DbError, Tx};
use passerelle_domain::audit::{Actor, AuditAction, FieldChange};
use passerelle_domain::reports::files::{FileChecks, FileProblem, SaveMode, check_save};
use passerelle_domain::reports::{INDICATOR_FILE, PUBLISHED_REPORT};
use uuid::Uuid;

use crate::By;

/// Why a reports use case did not happen; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ReportsError {
    #[error("Ce fichier d'indicateurs n'existe pas.")]
    NotFound,
    /// Someone saved the file since the version the user read.
    #[error("Ce fichier a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert.")]
    Conflict,
    /// The file breaks these rules; nothing is saved.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join(" · "))]
    Refused(Vec<FileProblem>),
    #[error("Erreur de stockage : {0}")]
    Storage(DbError),
}

impl From<DbError> for ReportsError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => ReportsError::NotFound,
            DbError::Conflict => ReportsError::Conflict,
            other => ReportsError::Storage(other),
        }
    }
}

pub type ReportsResult<T> = Result<T, ReportsError>;

/// A file saved: its id and the indicators it defines.
#[derive(Debug, Clone)]
pub struct SavedFile {
    pub id: Uuid,
    pub indicators: usize,
}

fn source_change(before: Option<String>, after: Option<&str>) -> FieldChange {
    FieldChange {
        field: "source".into(),
        before,
        after: after.map(str::to_owned),
    }
}

/// Checks and saves one of the structure's definition files, audited with the old and new
/// text; refused with every problem, nothing saved.
#[tracing::instrument(skip_all, fields(structure_id = %by.structure_id()))]
pub async fn save_indicator_file(
    db: &Db,
    by: &By,
    mode: SaveMode,
    name: &str,
    source: &str,
    checks: FileChecks,
) -> ReportsResult<SavedFile> {
    let structure_id = by.structure_id();
    let mut tx = db.begin().await?;
    let files = indicator_files::list_in(&mut tx, structure_id).await?;
    let stored = match mode {
        SaveMode::Update { id, .. } => Some(
            files
                .iter()
                .find(|f| f.id == id)
                .ok_or(ReportsError::NotFound)?,
        ),
        SaveMode::Create | SaveMode::Replace => None,
    };
    let same_name = files.iter().find(|f| f.name == name);
    let mut problems = check_save(
        mode,
        stored.map(|f| f.name.as_str()),
        name,
        (checks.name)(name),
        same_name.is_some(),
    );
    let mut indicators = 0;
    if problems.is_empty() {
        let others: Vec<(String, String)> = files
            .iter()
            .map(|f| (f.name.clone(), f.source.clone()))
            .collect();
        match (checks.file)(&others, name, source) {
            Ok(defs) => indicators = defs.len(),
            Err(found) => problems.push(FileProblem::Definitions(found)),
        }
    }
    if !problems.is_empty() {
        return Err(ReportsError::Refused(problems));
    }
    let target = match mode {
        SaveMode::Update { version, .. } => stored.map(|f| (f, version)),
        SaveMode::Replace => same_name.map(|f| (f, Some(f.version))),
        SaveMode::Create => None,
    };
    let id = match target {
        Some((f, version)) => {
            let version = version.ok_or(ReportsError::Conflict)?;
            indicator_files::update(&mut tx, structure_id, by.user_id(), f.id, source, version)
                .await?;
            let changes = [source_change(Some(f.source.clone()), Some(source))];
            audit_file(&mut tx, by, AuditAction::Update, f.id, &changes).await?;
            f.id
        }
        None => create_file(&mut tx, by, name, source).await?,
    };
    tx.commit().await?;
    Ok(SavedFile { id, indicators })
}

async fn create_file(tx: &mut Tx, by: &By, name: &str, source: &str) -> ReportsResult<Uuid> {
    let id = passerelle_domain::new_id();
    indicator_files::insert(tx, by.structure_id(), by.user_id(), id, name, source).await?;
    let changes = [
        FieldChange {
            field: "name".into(),
            before: None,
            after: Some(name.to_owned()),
        },
        source_change(None, Some(source)),
    ];
    audit_file(tx, by, AuditAction::Create, id, &changes).await?;
    Ok(id)
}

async fn audit_file(
    tx: &mut Tx,
    by: &By,
    action: AuditAction,
    id: Uuid,
    changes: &[FieldChange],
) -> ReportsResult<()> {
    let row = AuditRow {
        structure_id: by.structure_id(),
        user_id: by.user_id(),
        action,
        entity: INDICATOR_FILE.code,
        entity_id: id,
        changes,
    };
    Ok(audit::append(tx, row).await?)
}

/// Removes a file: its indicators go back to the shipped definitions; published reports keep
/// what they froze. The audit row keeps the text removed.
#[tracing::instrument(skip_all, fields(structure_id = %actor.structure_id, file_id = %id))]
pub async fn delete_indicator_file(db: &Db, actor: &Actor, id: Uuid) -> ReportsResult<()> {
    let mut tx = db.begin().await?;
    let files = indicator_files::list_in(&mut tx, actor.structure_id).await?;
    let f = files
        .into_iter()
        .find(|f| f.id == id)
        .ok_or(ReportsError::NotFound)?;
    indicator_files::delete(&mut tx, actor.structure_id, id).await?;
    let changes = [source_change(Some(f.source), None)];
    audit_file(
        &mut tx,
        &By::Staff(*actor),
        AuditAction::Delete,
        id,
        &changes,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Stores a report's snapshot as computed by the caller (`passerelle_report::snapshot`: the
/// figures as JSON, and what each counted); the time of publication is the data cut-off.
#[tracing::instrument(skip_all, fields(structure_id = %actor.structure_id, year))]
pub async fn publish(
    db: &Db,
    actor: &Actor,
    year: i32,
    content: &str,
    record_keys: &str,
) -> ReportsResult<Uuid> {
    let id = passerelle_domain::new_id();
    let mut tx = db.begin().await?;
    publications::insert(&mut tx, actor, id, year, content, record_keys).await?;
    let changes = [FieldChange {
        field: "published".into(),
        before: None,
        after: Some(year.to_string()),
    }];
    let row = AuditRow::by(
        actor,
        AuditAction::Create,
        PUBLISHED_REPORT.code,
        id,
        &changes,
    );
    audit::append(&mut tx, row).await?;
    tx.commit().await?;
    Ok(id)
}
