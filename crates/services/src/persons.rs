//! The persons use cases: register a person, update their record against the version read,
//! delete it unless other modules' records refer to them, add a dated situation.

use passerelle_db::audit::{self, AuditRow};
use passerelle_db::persons::{self, situations};
use passerelle_db::{Db, DbError};
use passerelle_domain::audit::{Actor, AuditAction, diff};
use passerelle_domain::persons::rules::{PersonRuleError, plan_delete, plan_update};
use passerelle_domain::persons::situation::SituationFields;
use passerelle_domain::persons::{PERSON, Person, PersonFields, SITUATION};
use uuid::Uuid;

/// Why a persons use case did not happen; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum PersonsError {
    #[error("Cette personne n'existe pas.")]
    NotFound,
    /// Someone saved the record since the version the user read.
    #[error("La fiche a été modifiée entre-temps : relisez-la avant d'enregistrer.")]
    Conflict,
    /// Look-alikes in the register, which the user has not confirmed to be other persons.
    #[error("Cette personne ressemble à une fiche existante.")]
    LooksLike(Vec<Person>),
    #[error(transparent)]
    Refused(PersonRuleError),
    #[error("Erreur de stockage : {0}")]
    Storage(DbError),
}

impl From<DbError> for PersonsError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => PersonsError::NotFound,
            DbError::Conflict => PersonsError::Conflict,
            other => PersonsError::Storage(other),
        }
    }
}

impl From<PersonRuleError> for PersonsError {
    fn from(e: PersonRuleError) -> Self {
        match e {
            PersonRuleError::Stale => PersonsError::Conflict,
            other => PersonsError::Refused(other),
        }
    }
}

pub type PersonsResult<T> = Result<T, PersonsError>;

/// Whether look-alikes in the register stop a save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicates {
    /// Stop and show them ([`PersonsError::LooksLike`]).
    Warn,
    /// The user confirmed that this is another person (or the caller does not warn).
    Allow,
}

async fn look_alikes(
    db: &Db,
    actor: &Actor,
    fields: &PersonFields,
    exclude: Option<Uuid>,
) -> PersonsResult<()> {
    let found = persons::possible_duplicates(db, actor.structure_id, fields, exclude).await?;
    if found.is_empty() {
        Ok(())
    } else {
        Err(PersonsError::LooksLike(found))
    }
}

/// Registers a person (fields validated by the domain), audited field by field.
#[tracing::instrument(skip_all, fields(structure_id = %actor.structure_id))]
pub async fn register(
    db: &Db,
    actor: &Actor,
    fields: &PersonFields,
    duplicates: Duplicates,
) -> PersonsResult<Person> {
    if duplicates == Duplicates::Warn {
        look_alikes(db, actor, fields, None).await?;
    }
    let id = passerelle_domain::new_id();
    let mut tx = db.begin().await?;
    persons::insert(&mut tx, actor, id, fields).await?;
    let changes = diff(&[], &fields.audit_values());
    let row = AuditRow::by(actor, AuditAction::Create, PERSON.code, id, &changes);
    audit::append(&mut tx, row).await?;
    let person = persons::load(&mut tx, actor.structure_id, id).await?;
    tx.commit().await?;
    tracing::info!(person_id = %id, "person registered");
    Ok(person)
}

/// Saves new values if nobody saved the person since `expected_version` was read
/// ([`PersonsError::Conflict`] otherwise); an edit that changes nothing writes nothing.
#[tracing::instrument(skip_all, fields(structure_id = %actor.structure_id, person_id = %id))]
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    expected_version: i64,
    fields: &PersonFields,
    duplicates: Duplicates,
) -> PersonsResult<Person> {
    if duplicates == Duplicates::Warn {
        look_alikes(db, actor, fields, Some(id)).await?;
    }
    let mut tx = db.begin().await?;
    let before = persons::load(&mut tx, actor.structure_id, id).await?;
    let Some(changes) = plan_update(&before, expected_version, fields)? else {
        return Ok(before);
    };
    persons::update(&mut tx, actor, id, expected_version, fields).await?;
    let row = AuditRow::by(actor, AuditAction::Update, PERSON.code, id, &changes);
    audit::append(&mut tx, row).await?;
    let person = persons::load(&mut tx, actor.structure_id, id).await?;
    tx.commit().await?;
    Ok(person)
}

/// Deletes a person and their situations, unless other modules' records refer to them; the
/// audit row keeps the values deleted.
#[tracing::instrument(skip_all, fields(structure_id = %actor.structure_id, person_id = %id))]
pub async fn delete(db: &Db, actor: &Actor, id: Uuid, expected_version: i64) -> PersonsResult<()> {
    let mut tx = db.begin().await?;
    let before = persons::load(&mut tx, actor.structure_id, id).await?;
    let referenced_by = passerelle_db::modules::references_to_person(&mut tx, id).await?;
    let changes = plan_delete(&before, expected_version, referenced_by)?;
    persons::delete(&mut tx, actor.structure_id, id, expected_version).await?;
    let row = AuditRow::by(actor, AuditAction::Delete, PERSON.code, id, &changes);
    audit::append(&mut tx, row).await?;
    tx.commit().await?;
    Ok(())
}

/// Appends an observation (validated against the person's birth date) to a person's history;
/// the audit row says a sensitive answer was recorded, never its value.
#[tracing::instrument(skip_all, fields(structure_id = %actor.structure_id, person_id = %person_id))]
pub async fn add_situation(
    db: &Db,
    actor: &Actor,
    person_id: Uuid,
    fields: &SituationFields,
) -> PersonsResult<Uuid> {
    let id = passerelle_domain::new_id();
    let mut tx = db.begin().await?;
    situations::insert(&mut tx, actor, id, person_id, fields).await?;
    let changes = fields.audit_changes();
    let row = AuditRow::by(actor, AuditAction::Create, SITUATION.code, id, &changes);
    audit::append(&mut tx, row).await?;
    tx.commit().await?;
    Ok(id)
}
