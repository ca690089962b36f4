//! What a referral and a transition write, inside the service's transaction, once the
//! domain's rules have allowed and planned them.

use passerelle_domain::audit::Actor;
use passerelle_domain::pathways::rules::{CommitteeDecision, ExitRecord, TransitionPlan};
use passerelle_domain::pathways::workflow::PathwayEvent;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{DbError, DbResult, Tx, with_tx};

pub struct NewReferral<'a> {
    pub person_id: Uuid,
    pub programme_id: Uuid,
    pub prescriber_organisation: &'a str,
    pub prescriber_name: Option<&'a str>,
    pub referred_on: Date,
    pub reason: &'a str,
}

/// Inserts the enrolment `id` in the "referred" state; [`DbError::NotFound`] when the person
/// or the programme is not the structure's.
pub async fn insert(
    tx: &mut Tx,
    structure_id: Uuid,
    id: Uuid,
    r: &NewReferral<'_>,
) -> DbResult<()> {
    let done = with_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO enrolments (id, structure_id, person_id, programme_id, prescriber_organisation, prescriber_name,
                referred_on, referral_reason, created_at)
             SELECT $1, $2, p.id, g.id, $5, $6, $7, $8, $9
             FROM persons p, programmes g WHERE p.id = $3 AND p.structure_id = $2 AND g.id = $4 AND g.structure_id = $2",
        )
        .bind(id)
        .bind(structure_id)
        .bind(r.person_id)
        .bind(r.programme_id)
        .bind(r.prescriber_organisation)
        .bind(r.prescriber_name)
        .bind(r.referred_on)
        .bind(r.reason)
        .bind(OffsetDateTime::now_utc())
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    if done == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Writes a planned transition of the enrolment `id` read at `version`: its log row and what
/// the plan sets. A concurrent change since the read gives [`DbError::Conflict`].
pub async fn apply_transition(
    tx: &mut Tx,
    actor: &Actor,
    id: Uuid,
    version: i64,
    plan: &TransitionPlan,
) -> DbResult<()> {
    let bumped = with_tx!(tx, |c| {
        sqlx::query("UPDATE enrolments SET version = version + 1 WHERE id = $1 AND version = $2")
            .bind(id)
            .bind(version)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    if bumped == 0 {
        return Err(DbError::Conflict);
    }
    if let Some(entered) = plan.entered_on {
        with_tx!(tx, |c| {
            sqlx::query("UPDATE enrolments SET entered_on = $2 WHERE id = $1")
                .bind(id)
                .bind(entered)
                .execute(&mut *c)
                .await?;
        });
    }
    if let Some(exit) = &plan.exit {
        write_exit(tx, actor.structure_id, id, plan.on, exit).await?;
    }
    if plan.follow_up_done {
        with_tx!(tx, |c| {
            sqlx::query("UPDATE follow_ups SET done_on = $2, situation = $3 WHERE enrolment_id = $1 AND done_on IS NULL")
                .bind(id)
                .bind(plan.on)
                .bind(&plan.note)
                .execute(&mut *c)
                .await?;
        });
    }
    if let Some(d) = &plan.decision {
        write_decision(tx, actor.structure_id, id, d).await?;
    }
    write_log(tx, actor, id, plan).await
}

/// The exit's record, its follow-up task, and the active referent's period ending on the
/// exit date.
async fn write_exit(
    tx: &mut Tx,
    structure_id: Uuid,
    id: Uuid,
    on: Date,
    exit: &ExitRecord,
) -> DbResult<()> {
    with_tx!(tx, |c| {
        sqlx::query(
            "UPDATE enrolments SET exited_on = $2, exit_reason = $3, exit_category = $4, exit_proof = $5,
                exit_explanation = $6 WHERE id = $1",
        )
        .bind(id)
        .bind(on)
        .bind(exit.reason.code())
        .bind(exit.reason.category().code())
        .bind(&exit.proof)
        .bind(&exit.explanation)
        .execute(&mut *c)
        .await?;
        sqlx::query("INSERT INTO follow_ups (id, structure_id, enrolment_id, due_on) VALUES ($1, $2, $3, $4)")
            .bind(passerelle_domain::new_id())
            .bind(structure_id)
            .bind(id)
            .bind(exit.follow_up_due)
            .execute(&mut *c)
            .await?;
        sqlx::query("UPDATE enrolment_referents SET until_date = $2 WHERE enrolment_id = $1 AND until_date IS NULL")
            .bind(id)
            .bind(on)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

/// The access committee's entry decision behind a transition.
async fn write_decision(
    tx: &mut Tx,
    structure_id: Uuid,
    id: Uuid,
    d: &CommitteeDecision,
) -> DbResult<()> {
    with_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO committee_decisions (id, structure_id, meeting_id, enrolment_id, kind, admitted, reason, eligibility_override)
             VALUES ($1, $2, $3, $4, 'entry', $5, $6, $7)",
        )
        .bind(passerelle_domain::new_id())
        .bind(structure_id)
        .bind(d.meeting_id)
        .bind(id)
        .bind(d.admitted)
        .bind(&d.reason)
        .bind(&d.eligibility_override)
        .execute(&mut *c)
        .await
        .map_err(DbError::from_write)?;
    });
    Ok(())
}

/// The transition's row in the log, from which the state is derived.
async fn write_log(tx: &mut Tx, actor: &Actor, id: Uuid, plan: &TransitionPlan) -> DbResult<()> {
    let event: PathwayEvent = plan.event;
    with_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO enrolment_transitions (id, structure_id, enrolment_id, event, from_state, to_state, occurred_on, note, user_id, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(passerelle_domain::new_id())
        .bind(actor.structure_id)
        .bind(id)
        .bind(event.code())
        .bind(plan.from.code())
        .bind(plan.to.code())
        .bind(plan.on)
        .bind(&plan.note)
        .bind(actor.user_id)
        .bind(OffsetDateTime::now_utc())
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}
