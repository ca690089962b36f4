//! Access committees: meetings that decide entries and non-entries. The entry date is the
//! decision date; a person not eligible on that date is entered only on a manager's override
//! with a written reason.

use passerelle_domain::Role;
use passerelle_domain::audit::{Actor, AuditAction, FieldChange};
use passerelle_domain::pathways::COMMITTEE_MEETING;
use passerelle_domain::pathways::ENROLMENT;
use passerelle_domain::pathways::texts;
use passerelle_domain::pathways::workflow::{PathwayEvent, PathwayState};
use time::Date;
use uuid::Uuid;

use crate::pathways::enrolments::{self, CommitteeDecision, Enrolment, TransitionData};
use crate::pathways::scope::{Scope, committee_condition, pathway_condition};
use crate::sql::{Sql, bind};
use crate::{
    Db, DbError, DbResult, insert_audit, pathways::programmes, persons, sql, sql_query, territory,
    with_pool,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Meeting {
    pub id: Uuid,
    pub programme_id: Uuid,
    pub held_on: Date,
    pub notes: Option<String>,
}

/// Holds a committee for a programme in the reader's scope (its team's); another team's
/// programme is [`DbError::NotFound`].
pub async fn create_meeting(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
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
    let programme = programmes::get(db, scope.structure_id(), programme_id).await?;
    if !scope.covers_programme(programme.def.team) {
        return Err(DbError::NotFound);
    }
    let id = passerelle_domain::new_id();
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
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        sqlx::query("INSERT INTO committee_meetings (id, structure_id, programme_id, held_on, notes) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(actor.structure_id)
            .bind(programme_id)
            .bind(held_on)
            .bind(notes)
            .execute(&mut *tx)
            .await?;
        insert_audit!(
            &mut *tx,
            actor,
            AuditAction::Create,
            COMMITTEE_MEETING.code,
            id,
            &changes
        )?;
        tx.commit().await?;
    });
    get(db, scope, id).await
}

/// Meetings in the reader's scope selected by a condition on `m` (and an ORDER BY).
async fn select_where(db: &Db, tail: Sql) -> DbResult<Vec<Meeting>> {
    let sql = sql![
        "SELECT m.id, m.programme_id, m.held_on, m.notes FROM committee_meetings m ",
        tail
    ];
    Ok(with_pool!(db, |p| {
        sql_query!(sqlx::query_as::<_, Meeting>, sql)
            .fetch_all(p)
            .await?
    }))
}

/// The meeting `id` if it belongs to a programme of the reader's scope; otherwise
/// [`DbError::NotFound`], as if it did not exist.
pub async fn get(db: &Db, scope: &Scope, id: Uuid) -> DbResult<Meeting> {
    let tail = sql![
        "WHERE ",
        committee_condition(scope, "m"),
        " AND m.id = ",
        bind(id)
    ];
    select_where(db, tail).await?.pop().ok_or(DbError::NotFound)
}

/// The meetings of the programmes in the reader's scope, the latest first.
pub async fn list(db: &Db, scope: &Scope) -> DbResult<Vec<Meeting>> {
    let tail = sql![
        "WHERE ",
        committee_condition(scope, "m"),
        " ORDER BY m.held_on DESC"
    ];
    select_where(db, tail).await
}

/// Enrolments of the meeting's programme waiting for a committee decision, within the
/// reader's scope.
pub async fn proposals(db: &Db, scope: &Scope, meeting: &Meeting) -> DbResult<Vec<Enrolment>> {
    enrolments::of_programme_in_state(
        db,
        scope,
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
/// Both the meeting and the pathway must lie in the reader's scope ([`DbError::NotFound`]).
pub async fn decide(
    db: &Db,
    actor: &Actor,
    role: Role,
    scope: &Scope,
    meeting_id: Uuid,
    enrolment_id: Uuid,
    d: Decision<'_>,
) -> DbResult<Enrolment> {
    let meeting = get(db, scope, meeting_id).await?;
    let e = enrolments::get(db, scope, enrolment_id).await?;
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
        let history =
            crate::persons::situations::history(db, actor.structure_id, person.id).await?;
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
/// reviewed by a committee, within the reader's scope: the meeting acknowledges them.
pub async fn exits_to_review(
    db: &Db,
    scope: &Scope,
    meeting: &Meeting,
) -> DbResult<Vec<Enrolment>> {
    let structure_id = scope.structure_id();
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
    let tail = sql![
        "WHERE ", pathway_condition(scope, "e"), " AND e.programme_id = ", bind(meeting.programme_id),
        " AND e.exited_on > ", bind(since), " AND e.exited_on <= ", bind(meeting.held_on),
        "
           AND NOT EXISTS (SELECT 1 FROM committee_decisions d WHERE d.enrolment_id = e.id AND d.kind = 'exit')
         ORDER BY e.exited_on, e.id"
    ];
    enrolments::select_where(db, tail).await
}

/// The committee acknowledges (or questions) an exit; the decision is kept with its reason.
/// Both the meeting and the pathway must lie in the reader's scope ([`DbError::NotFound`]).
pub async fn review_exit(
    db: &Db,
    actor: &Actor,
    scope: &Scope,
    meeting_id: Uuid,
    enrolment_id: Uuid,
    validated: bool,
    reason: &str,
) -> DbResult<()> {
    let meeting = get(db, scope, meeting_id).await?;
    let e = enrolments::get(db, scope, enrolment_id).await?;
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
    // The reason is free text: the audit row says that the committee reviewed the exit and
    // how, never what it wrote.
    let changes = [FieldChange {
        field: "exit_review".into(),
        before: None,
        after: Some(if validated { "validated" } else { "questioned" }.into()),
    }];
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
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
        .execute(&mut *tx)
        .await
        .map_err(DbError::from_write)?;
        insert_audit!(
            &mut *tx,
            actor,
            AuditAction::Update,
            ENROLMENT.code,
            enrolment_id,
            &changes
        )?;
        tx.commit().await?;
    });
    Ok(())
}
