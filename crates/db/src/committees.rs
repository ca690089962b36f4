//! Access committees: meetings that decide entries and non-entries. The entry date is the
//! decision date; a person not eligible on that date is entered only on a manager's override
//! with a written reason.

use passerelle_domain::Role;
use passerelle_domain::audit::Actor;
use passerelle_domain::pathway::texts;
use passerelle_domain::pathway::workflow::{PathwayEvent, PathwayState};
use time::Date;
use uuid::Uuid;

use crate::enrolments::{self, CommitteeDecision, Enrolment, TransitionData};
use crate::{Db, DbError, DbResult, persons, programmes, territory, with_pool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Meeting {
    pub id: Uuid,
    pub programme_id: Uuid,
    pub held_on: Date,
    pub notes: Option<String>,
}

pub async fn create_meeting(
    db: &Db,
    actor: &Actor,
    programme_id: Uuid,
    held_on: Date,
    notes: Option<&str>,
) -> DbResult<Meeting> {
    texts::optional(
        "les notes",
        notes.unwrap_or_default(),
        texts::COMMITTEE_NOTES,
    )
    .map_err(DbError::Refused)?;
    programmes::get(db, actor.structure_id, programme_id).await?;
    let id = passerelle_domain::new_id();
    with_pool!(db, |p| {
        sqlx::query("INSERT INTO committee_meetings (id, structure_id, programme_id, held_on, notes) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(actor.structure_id)
            .bind(programme_id)
            .bind(held_on)
            .bind(notes)
            .execute(p)
            .await?;
    });
    get(db, actor.structure_id, id).await
}

pub async fn get(db: &Db, structure_id: Uuid, id: Uuid) -> DbResult<Meeting> {
    let m: Option<Meeting> = with_pool!(db, |p| {
        sqlx::query_as("SELECT id, programme_id, held_on, notes FROM committee_meetings WHERE structure_id = $1 AND id = $2")
            .bind(structure_id)
            .bind(id)
            .fetch_optional(p)
            .await?
    });
    m.ok_or(DbError::NotFound)
}

pub async fn list(db: &Db, structure_id: Uuid) -> DbResult<Vec<Meeting>> {
    Ok(with_pool!(db, |p| {
        sqlx::query_as("SELECT id, programme_id, held_on, notes FROM committee_meetings WHERE structure_id = $1 ORDER BY held_on DESC")
            .bind(structure_id)
            .fetch_all(p)
            .await?
    }))
}

/// Enrolments of the meeting's programme waiting for a committee decision.
pub async fn proposals(db: &Db, structure_id: Uuid, meeting: &Meeting) -> DbResult<Vec<Enrolment>> {
    enrolments::of_programme_in_state(
        db,
        structure_id,
        meeting.programme_id,
        PathwayState::ProposedToCommittee,
    )
    .await
}

pub struct Decision<'a> {
    pub admitted: bool,
    pub reason: &'a str,
    /// Written reason to enter a person the eligibility rules refuse (managers only).
    pub override_reason: Option<&'a str>,
}

/// Records the committee's decision on a proposal and moves the pathway: entered on the
/// meeting date, or refused.
pub async fn decide(
    db: &Db,
    actor: &Actor,
    role: Role,
    meeting_id: Uuid,
    enrolment_id: Uuid,
    d: Decision<'_>,
) -> DbResult<Enrolment> {
    let meeting = get(db, actor.structure_id, meeting_id).await?;
    let e = enrolments::get(db, actor.structure_id, enrolment_id).await?;
    if e.programme_id != meeting.programme_id {
        return Err(DbError::Refused(
            "Ce parcours ne relève pas du dispositif de ce comité.".into(),
        ));
    }
    texts::required(
        "le motif de la décision du comité",
        d.reason,
        texts::DECISION_REASON,
    )
    .map_err(DbError::Refused)?;
    texts::optional(
        "le motif de la dérogation",
        d.override_reason.unwrap_or_default(),
        texts::DECISION_REASON,
    )
    .map_err(DbError::Refused)?;
    let mut override_used = None;
    if d.admitted {
        let programme = programmes::get(db, actor.structure_id, e.programme_id).await?;
        let person = persons::get(db, actor.structure_id, e.person_id).await?;
        let towns = territory::load(db).await?;
        let history = crate::situations::history(db, actor.structure_id, person.id).await?;
        let situation = history
            .iter()
            .find(|s| s.fields.observed_on <= meeting.held_on)
            .map(|s| &s.fields);
        let refusals = programme.def.eligibility.refusals_with_situation(
            &person.fields.commune_code,
            &towns.commune_name(&person.fields.commune_code),
            person.fields.birth_date,
            situation,
            meeting.held_on,
        );
        if !refusals.is_empty() {
            match d.override_reason.map(str::trim).filter(|r| !r.is_empty()) {
                Some(reason) if matches!(role, Role::Manager | Role::Director) => {
                    override_used = Some(reason.to_owned())
                }
                Some(_) => {
                    return Err(DbError::Refused(format!(
                        "{} Seul un responsable peut passer outre.",
                        refusals.join(" ")
                    )));
                }
                None => {
                    return Err(DbError::Refused(format!(
                        "{} Pour l'entrer malgré tout, un responsable indique un motif de dérogation.",
                        refusals.join(" ")
                    )));
                }
            }
        }
    }
    let event = if d.admitted {
        PathwayEvent::CommitteeAdmits
    } else {
        PathwayEvent::CommitteeRefuses
    };
    let note = match &override_used {
        Some(o) => format!("{} (dérogation : {o})", d.reason.trim()),
        None => d.reason.trim().to_owned(),
    };
    enrolments::transition(
        db,
        actor,
        role,
        enrolment_id,
        event,
        meeting.held_on,
        TransitionData {
            note: Some(note),
            exit: None,
            decision: Some(CommitteeDecision {
                meeting_id,
                admitted: d.admitted,
                reason: d.reason.trim().to_owned(),
                eligibility_override: override_used,
            }),
        },
    )
    .await
}

/// Exits recorded since the programme's previous committee (three months at most), not yet
/// reviewed by a committee: the meeting acknowledges them.
pub async fn exits_to_review(
    db: &Db,
    structure_id: Uuid,
    meeting: &Meeting,
) -> DbResult<Vec<Enrolment>> {
    let previous: Option<Date> = with_pool!(db, |p| {
        sqlx::query_scalar(
            "SELECT MAX(held_on) FROM committee_meetings WHERE structure_id = $1 AND programme_id = $2 AND held_on < $3",
        )
        .bind(structure_id)
        .bind(meeting.programme_id)
        .bind(meeting.held_on)
        .fetch_one(p)
        .await?
    });
    let since = previous
        .unwrap_or(meeting.held_on - time::Duration::days(90))
        .max(meeting.held_on - time::Duration::days(90));
    let mut params = crate::params::Params::default();
    use crate::params::Param;
    let tail = format!(
        "WHERE e.structure_id = {} AND e.programme_id = {} AND e.exited_on > {} AND e.exited_on <= {}
           AND NOT EXISTS (SELECT 1 FROM committee_decisions d WHERE d.enrolment_id = e.id AND d.kind = 'exit')
         ORDER BY e.exited_on, e.id",
        params.push(Param::Uuid(structure_id)),
        params.push(Param::Uuid(meeting.programme_id)),
        params.push(Param::Date(since)),
        params.push(Param::Date(meeting.held_on)),
    );
    enrolments::select_where(db, &tail, params).await
}

/// The committee acknowledges (or questions) an exit; the decision is kept with its reason.
pub async fn review_exit(
    db: &Db,
    actor: &Actor,
    meeting_id: Uuid,
    enrolment_id: Uuid,
    validated: bool,
    reason: &str,
) -> DbResult<()> {
    let meeting = get(db, actor.structure_id, meeting_id).await?;
    let e = enrolments::get(db, actor.structure_id, enrolment_id).await?;
    if e.programme_id != meeting.programme_id || e.exited_on.is_none() {
        return Err(DbError::Refused(
            "Ce parcours n'a pas de sortie à examiner par ce comité.".into(),
        ));
    }
    texts::required(
        "l'avis du comité sur la sortie",
        reason,
        texts::DECISION_REASON,
    )
    .map_err(DbError::Refused)?;
    with_pool!(db, |p| {
        sqlx::query(
            "INSERT INTO committee_decisions (id, structure_id, meeting_id, enrolment_id, kind, admitted, reason)
             VALUES ($1, $2, $3, $4, 'exit', $5, $6)",
        )
        .bind(passerelle_domain::new_id())
        .bind(actor.structure_id)
        .bind(meeting_id)
        .bind(enrolment_id)
        .bind(validated)
        .bind(reason.trim())
        .execute(p)
        .await
        .map_err(DbError::from_write)?;
    });
    Ok(())
}
