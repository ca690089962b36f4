//! What hangs on a pathway: steps, roadmap objectives, diagnosis criteria, appointments, and
//! the person's employment contracts.

use passerelle_db::Db;
use passerelle_db::pathways::contracts;
use passerelle_db::pathways::enrolments;
use passerelle_db::pathways::steps::{self, NewAppointment, NewObjective, NewStep};
use passerelle_domain::audit::{Actor, AuditAction, FieldChange};
use passerelle_domain::clock::today;
use passerelle_domain::pathways::ENROLMENT;
use passerelle_domain::pathways::employment::Contract;
use passerelle_domain::pathways::rules::records::{
    check_appointment, check_contract, check_diagnosis, check_objective, check_step,
};
use passerelle_domain::pathways::step::{DiagnosisCriterion, ObjectiveStatus};
use passerelle_domain::persons::PERSON;
use time::Date;
use uuid::Uuid;

use super::{PathwaysResult, audit};

/// One change added to the pathway's record, for its audit row.
fn added(field: &str, after: String) -> [FieldChange; 1] {
    [FieldChange {
        field: field.into(),
        before: None,
        after: Some(after),
    }]
}

/// Adds a step inside the pathway's dates (from entry to exit).
#[tracing::instrument(skip_all, fields(enrolment = %enrolment_id))]
pub async fn add_step(
    db: &Db,
    actor: &Actor,
    enrolment_id: Uuid,
    s: NewStep<'_>,
) -> PathwaysResult<Uuid> {
    let mut tx = db.begin().await?;
    let e = enrolments::get_in_structure(&mut tx, actor.structure_id, enrolment_id).await?;
    check_step(s.title, s.provider, (s.start_on, s.end_on), &e.step_facts())?;
    let id = passerelle_domain::new_id();
    let ids = (id, enrolment_id, e.programme_id);
    steps::insert(&mut tx, actor.structure_id, ids, &s).await?;
    let change = added("step", format!("{} : {}", s.family.label(), s.title));
    let entity = (ENROLMENT.code, enrolment_id);
    audit(&mut tx, actor, AuditAction::Update, entity, &change).await?;
    tx.commit().await?;
    Ok(id)
}

/// Adds a line to the pathway's roadmap (theme → objective → action), planned, created on
/// `on`.
#[tracing::instrument(skip_all, fields(enrolment = %enrolment_id))]
pub async fn add_objective(
    db: &Db,
    actor: &Actor,
    enrolment_id: Uuid,
    o: NewObjective<'_>,
    on: Date,
) -> PathwaysResult<Uuid> {
    check_objective(o.theme, o.objective, o.action)?;
    let o = NewObjective {
        theme: o.theme.trim(),
        objective: o.objective.trim(),
        action: o.action.trim(),
    };
    let mut tx = db.begin().await?;
    enrolments::get_in_structure(&mut tx, actor.structure_id, enrolment_id).await?;
    let id = passerelle_domain::new_id();
    steps::insert_objective(&mut tx, actor.structure_id, (id, enrolment_id), &o, on).await?;
    let after = format!("{} → {} → {}", o.theme, o.objective, o.action);
    let entity = (ENROLMENT.code, enrolment_id);
    audit(
        &mut tx,
        actor,
        AuditAction::Update,
        entity,
        &added("objective", after),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Moves an objective's action to a new status (planned, in progress, done, abandoned).
#[tracing::instrument(skip_all, fields(enrolment = %enrolment_id, objective = %objective_id))]
pub async fn set_objective_status(
    db: &Db,
    actor: &Actor,
    enrolment_id: Uuid,
    objective_id: Uuid,
    status: ObjectiveStatus,
) -> PathwaysResult<()> {
    let mut tx = db.begin().await?;
    let ids = (enrolment_id, objective_id);
    steps::set_objective_status(&mut tx, actor.structure_id, ids, status).await?;
    let change = added("objective_status", status.label().to_owned());
    let entity = (ENROLMENT.code, enrolment_id);
    audit(&mut tx, actor, AuditAction::Update, entity, &change).await?;
    tx.commit().await?;
    Ok(())
}

/// Records a diagnosis criterion observed on `on` with its proof; its author is the actor.
#[tracing::instrument(skip_all, fields(enrolment = %enrolment_id))]
pub async fn add_diagnosis(
    db: &Db,
    actor: &Actor,
    enrolment_id: Uuid,
    criterion: DiagnosisCriterion,
    on: Date,
    proof: &str,
) -> PathwaysResult<()> {
    check_diagnosis(on, proof, today())?;
    let mut tx = db.begin().await?;
    enrolments::get_in_structure(&mut tx, actor.structure_id, enrolment_id).await?;
    steps::insert_diagnosis(&mut tx, actor, enrolment_id, (criterion, on), proof).await?;
    let change = added("diagnosis", criterion.label().to_owned());
    let entity = (ENROLMENT.code, enrolment_id);
    audit(&mut tx, actor, AuditAction::Update, entity, &change).await?;
    tx.commit().await?;
    Ok(())
}

/// Records an appointment held with the pathway's person; a missed one counts as no
/// contact.
#[tracing::instrument(skip_all, fields(enrolment = %enrolment_id))]
pub async fn add_appointment(
    db: &Db,
    actor: &Actor,
    enrolment_id: Uuid,
    a: NewAppointment<'_>,
) -> PathwaysResult<()> {
    let mut tx = db.begin().await?;
    let e = enrolments::get_in_structure(&mut tx, actor.structure_id, enrolment_id).await?;
    check_appointment(a.held_on, a.note, e.referred_on, today())?;
    steps::insert_appointment(&mut tx, actor, (enrolment_id, e.person_id), &a).await?;
    let change = added(
        "appointment",
        format!("{} le {}", a.kind.label(), a.held_on),
    );
    let entity = (ENROLMENT.code, enrolment_id);
    audit(&mut tx, actor, AuditAction::Update, entity, &change).await?;
    tx.commit().await?;
    Ok(())
}

/// Records a contract held by a person; audited on the person's record.
#[tracing::instrument(skip_all, fields(person = %person_id))]
pub async fn add_contract(
    db: &Db,
    actor: &Actor,
    person_id: Uuid,
    c: &Contract,
    trial_period_validated: bool,
) -> PathwaysResult<Uuid> {
    check_contract(c)?;
    let mut tx = db.begin().await?;
    let id = passerelle_domain::new_id();
    let ids = (id, person_id);
    contracts::insert(&mut tx, actor.structure_id, ids, c, trial_period_validated).await?;
    let change = added(
        "contract",
        format!("{} chez {} du {}", c.kind.label(), c.employer, c.start),
    );
    audit(
        &mut tx,
        actor,
        AuditAction::Update,
        (PERSON.code, person_id),
        &change,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Corrects a contract read at `expected_version`: a stale edit is a conflict and changes
/// nothing. Audited field by field on the person's record.
#[tracing::instrument(skip_all, fields(contract = %id))]
pub async fn update_contract(
    db: &Db,
    actor: &Actor,
    (id, expected_version): (Uuid, i64),
    c: &Contract,
    trial_period_validated: bool,
) -> PathwaysResult<()> {
    check_contract(c)?;
    let mut tx = db.begin().await?;
    let before = contracts::get(&mut tx, actor.structure_id, id).await?;
    let show = |c: &Contract, trial: bool| {
        vec![
            ("contrat : type", c.kind.label().to_owned()),
            ("contrat : employeur", c.employer.clone()),
            ("contrat : début", c.start.to_string()),
            (
                "contrat : fin",
                c.end.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("contrat : heures par semaine", c.weekly_hours.to_string()),
            ("contrat : période d'essai validée", trial.to_string()),
        ]
    };
    let changes = passerelle_domain::audit::diff(
        &show(&before.contract, before.trial_period_validated),
        &show(c, trial_period_validated),
    );
    let ids = (id, expected_version);
    contracts::update(&mut tx, actor.structure_id, ids, c, trial_period_validated).await?;
    let entity = (PERSON.code, before.person_id);
    audit(&mut tx, actor, AuditAction::Update, entity, &changes).await?;
    tx.commit().await?;
    Ok(())
}
