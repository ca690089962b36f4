//! Access committees: holding a meeting, deciding on proposals (entry on the committee's
//! date), reviewing exits.

use passerelle_db::pathways::committees::{self, Meeting};
use passerelle_db::pathways::enrolments::{self, Enrolment};
use passerelle_db::pathways::programmes;
use passerelle_db::pathways::scope::Scope;
use passerelle_db::{Db, persons, territory};
use passerelle_domain::Principal;
use passerelle_domain::audit::{Actor, AuditAction, FieldChange};
use passerelle_domain::pathways::rules::committee::{
    check_exit_review, check_meeting_notes, plan_decision,
};
use passerelle_domain::pathways::rules::{DecisionRequest, EligibilityFacts, TransitionRequest};
use passerelle_domain::pathways::{COMMITTEE_MEETING, ENROLMENT};
use passerelle_domain::persons::situation::SituationFields;
use time::Date;
use uuid::Uuid;

use super::enrolments::transition_in;
use super::{PathwaysError, PathwaysResult, audit};

/// Holds a committee for a programme in the reader's scope (its team's); another team's
/// programme is not found.
#[tracing::instrument(skip_all, fields(programme = %programme_id))]
pub async fn create_meeting(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    programme_id: Uuid,
    held_on: Date,
    notes: Option<&str>,
) -> PathwaysResult<Meeting> {
    check_meeting_notes(notes)?;
    let mut tx = db.begin().await?;
    let programme = programmes::get(&mut tx, scope.structure_id(), programme_id).await?;
    if !scope.covers_programme(programme.def.team) {
        return Err(PathwaysError::NotFound);
    }
    let id = passerelle_domain::new_id();
    committees::insert_meeting(
        &mut tx,
        actor.structure_id,
        (id, programme_id),
        held_on,
        notes,
    )
    .await?;
    let changes = [
        FieldChange {
            field: "programme".into(),
            before: None,
            after: Some(programme.def.code),
        },
        FieldChange {
            field: "held_on".into(),
            before: None,
            after: Some(held_on.to_string()),
        },
    ];
    let entity = (COMMITTEE_MEETING.code, id);
    audit(&mut tx, actor, AuditAction::Create, entity, &changes).await?;
    let meeting = committees::get_in_structure(&mut tx, actor.structure_id, id).await?;
    tx.commit().await?;
    Ok(meeting)
}

/// Records the committee's decision on a proposal and moves the pathway: entered on the
/// meeting's date, or refused. Both the meeting and the pathway must lie in the reader's
/// scope (not found otherwise).
#[tracing::instrument(skip_all, fields(meeting = %meeting_id, enrolment = %enrolment_id))]
pub async fn decide(
    db: &Db,
    p: &Principal,
    scope: &Scope,
    meeting_id: Uuid,
    enrolment_id: Uuid,
    d: DecisionRequest<'_>,
) -> PathwaysResult<Enrolment> {
    // The scope is checked with the readers' own queries; the use case then reads in the
    // structure inside its transaction.
    committees::get(db, scope, meeting_id).await?;
    let scoped = enrolments::get(db, scope, enrolment_id).await?;
    let (actor, role) = (&p.actor(), p.role);
    let s = actor.structure_id;
    // The person's record, towns and situations belong to other modules and are not
    // changed here: read from the pool.
    let person = persons::get(db, s, scoped.person_id).await?;
    let towns = territory::load(db).await?;
    let situations: Vec<SituationFields> = persons::situations::history(db, s, person.id)
        .await?
        .into_iter()
        .map(|h| h.fields)
        .collect();
    let commune_name = towns.commune_name(&person.fields.commune_code);
    let facts = EligibilityFacts {
        commune_code: &person.fields.commune_code,
        commune_name: &commune_name,
        birth_date: person.fields.birth_date,
        situations: &situations,
    };
    let mut tx = db.begin().await?;
    let meeting = committees::get_in_structure(&mut tx, s, meeting_id).await?;
    let e = enrolments::get_in_structure(&mut tx, s, enrolment_id).await?;
    let programme = programmes::get(&mut tx, s, e.programme_id).await?;
    let plan = plan_decision(
        &meeting.facts(),
        e.programme_id,
        role,
        d,
        (&programme.def.eligibility, &facts),
    )?;
    let req = TransitionRequest {
        event: plan.event,
        role,
        on: plan.on,
        data: plan.data,
    };
    transition_in(&mut tx, actor, enrolment_id, req).await?;
    let moved = enrolments::get_in_structure(&mut tx, s, enrolment_id).await?;
    tx.commit().await?;
    Ok(moved)
}

/// The committee acknowledges (or questions) an exit; the decision is kept with its reason.
/// Both the meeting and the pathway must lie in the reader's scope (not found otherwise).
#[tracing::instrument(skip_all, fields(meeting = %meeting_id, enrolment = %enrolment_id))]
pub async fn review_exit(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    meeting_id: Uuid,
    enrolment_id: Uuid,
    validated: bool,
    reason: &str,
) -> PathwaysResult<()> {
    committees::get(db, scope, meeting_id).await?;
    enrolments::get(db, scope, enrolment_id).await?;
    let s = actor.structure_id;
    let mut tx = db.begin().await?;
    let meeting = committees::get_in_structure(&mut tx, s, meeting_id).await?;
    let e = enrolments::get_in_structure(&mut tx, s, enrolment_id).await?;
    let reason = check_exit_review(
        &meeting.facts(),
        e.programme_id,
        e.exited_on.is_some(),
        reason,
    )?;
    let ids = (meeting_id, enrolment_id);
    committees::insert_exit_review(&mut tx, s, ids, validated, &reason).await?;
    // The reason is free text: the audit row says that the committee reviewed the exit and
    // how, never what it wrote.
    let changes = [FieldChange {
        field: "exit_review".into(),
        before: None,
        after: Some(if validated { "validated" } else { "questioned" }.into()),
    }];
    let entity = (ENROLMENT.code, enrolment_id);
    audit(&mut tx, actor, AuditAction::Update, entity, &changes).await?;
    tx.commit().await?;
    Ok(())
}
