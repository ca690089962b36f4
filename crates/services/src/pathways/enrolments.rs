//! A pathway's life: referral, transitions (proposal to the committee, exit, follow-up) and
//! its referents.

use passerelle_db::pathways::enrolments::{self, Enrolment, NewReferral};
use passerelle_db::pathways::{programmes, proposal};
use passerelle_db::{Db, Tx, access::users};
use passerelle_domain::Principal;
use passerelle_domain::audit::{Actor, AuditAction, FieldChange};
use passerelle_domain::clock::today;
use passerelle_domain::pathways::ENROLMENT;
use passerelle_domain::pathways::exit::ExitReason;
use passerelle_domain::pathways::referent::{
    Candidate, PathwayLife, check_assignment, check_pathway_open,
};
use passerelle_domain::pathways::rules::{
    TransitionData, TransitionRequest, plan_transition, records::check_referral,
};
use passerelle_domain::pathways::workflow::PathwayEvent;
use time::Date;
use uuid::Uuid;

use super::{PathwaysError, PathwaysResult, audit};

/// Records a referral: a new pathway in the "referred" state, refused while the person has
/// another one open in the programme.
#[tracing::instrument(skip_all, fields(person = %r.person_id, programme = %r.programme_id))]
pub async fn refer(db: &Db, actor: &Actor, r: NewReferral<'_>) -> PathwaysResult<Enrolment> {
    let mut tx = db.begin().await?;
    let existing =
        enrolments::states_in_programme(&mut tx, actor.structure_id, r.person_id, r.programme_id)
            .await?;
    check_referral(
        r.prescriber_organisation,
        r.prescriber_name,
        r.reason,
        &existing,
    )?;
    let id = passerelle_domain::new_id();
    enrolments::insert(&mut tx, actor.structure_id, id, &r).await?;
    let created = |field: &str, after: String| FieldChange {
        field: field.into(),
        before: None,
        after: Some(after),
    };
    let changes = [
        created("programme_id", r.programme_id.to_string()),
        created(
            "prescriber_organisation",
            r.prescriber_organisation.to_owned(),
        ),
        created("referred_on", r.referred_on.to_string()),
    ];
    let entity = (ENROLMENT.code, id);
    audit(&mut tx, actor, AuditAction::Create, entity, &changes).await?;
    let e = enrolments::get_in_structure(&mut tx, actor.structure_id, id).await?;
    tx.commit().await?;
    Ok(e)
}

/// Applies `event` on `on` to the pathway `id` if the rules allow it for `role`, with what it
/// writes besides its log row (entry date, exit and its follow-up, committee decision).
#[tracing::instrument(skip_all, fields(enrolment = %id, event = event.code()))]
pub async fn transition(
    db: &Db,
    p: &Principal,
    id: Uuid,
    event: PathwayEvent,
    on: Date,
    data: TransitionData,
) -> PathwaysResult<Enrolment> {
    let actor = &p.actor();
    let mut tx = db.begin().await?;
    let req = TransitionRequest {
        event,
        role: p.role,
        on,
        data,
    };
    transition_in(&mut tx, actor, id, req).await?;
    let e = enrolments::get_in_structure(&mut tx, actor.structure_id, id).await?;
    tx.commit().await?;
    Ok(e)
}

/// The transition inside a use case's transaction (a committee decision's too).
pub(super) async fn transition_in(
    tx: &mut Tx,
    actor: &Actor,
    id: Uuid,
    req: TransitionRequest,
) -> PathwaysResult<()> {
    let s = actor.structure_id;
    let e = enrolments::get_in_structure(&mut *tx, s, id).await?;
    let programme = programmes::get(&mut *tx, s, e.programme_id).await?;
    let proposal = if req.event == PathwayEvent::Exit && req.data.exit.is_some() {
        proposal::proposed_exit(&mut *tx, s, &e, req.on).await?
    } else {
        None
    };
    let plan = plan_transition(&e.facts(), req, &programme.def, proposal.as_ref(), today())?;
    enrolments::apply_transition(tx, actor, id, e.version, &plan).await?;
    let changes = plan.changes();
    audit(
        tx,
        actor,
        AuditAction::Update,
        (ENROLMENT.code, id),
        &changes,
    )
    .await?;
    Ok(())
}

/// Records the exit of the pathway on `on`, for `reason` with its proof.
pub async fn exit(
    db: &Db,
    p: &Principal,
    id: Uuid,
    on: Date,
    (reason, proof): (ExitReason, &str),
) -> PathwaysResult<Enrolment> {
    let data = TransitionData {
        exit: Some((reason, proof.trim().to_owned())),
        ..Default::default()
    };
    transition(db, p, id, PathwayEvent::Exit, on, data).await
}

/// Records the 6-month follow-up done on `on`, with the person's situation then.
pub async fn record_follow_up(
    db: &Db,
    p: &Principal,
    id: Uuid,
    on: Date,
    situation: &str,
) -> PathwaysResult<Enrolment> {
    let data = TransitionData {
        note: Some(situation.trim().to_owned()),
        ..Default::default()
    };
    let event = PathwayEvent::RecordFollowUp;
    transition(db, p, id, event, on, data).await
}

/// Makes `user_id` the pathway's referent from `from`, as the referent rule allows: the
/// previous referent's period ends the day before.
#[tracing::instrument(skip_all, fields(enrolment = %id, referent = %user_id))]
pub async fn assign_referent(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    user_id: Uuid,
    from: Date,
) -> PathwaysResult<()> {
    let s = actor.structure_id;
    let mut tx = db.begin().await?;
    let e = enrolments::get_in_structure(&mut tx, s, id).await?;
    check_pathway_open(e.state).map_err(|r| PathwaysError::Rule(r.into()))?;
    // The account is the access module's record, read from the pool: the assignment does
    // not change it.
    let candidate = users::get(db, user_id).await?;
    if candidate.structure_id != s {
        return Err(PathwaysError::NotFound);
    }
    let programme = programmes::get(&mut tx, s, e.programme_id).await?;
    let current_from = enrolments::current_referent_from(&mut tx, s, id).await?;
    check_assignment(
        Candidate {
            role: candidate.role,
            teams: &candidate.teams,
            active: candidate.active,
        },
        PathwayLife {
            programme_team: programme.def.team,
            referred_on: e.referred_on,
            current_from,
        },
        from,
        today(),
    )
    .map_err(|r| PathwaysError::Rule(r.into()))?;
    enrolments::assign_referent(&mut tx, s, id, user_id, from).await?;
    let change = [FieldChange {
        field: "referent".into(),
        before: None,
        after: Some(user_id.to_string()),
    }];
    audit(
        &mut tx,
        actor,
        AuditAction::Update,
        (ENROLMENT.code, id),
        &change,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
