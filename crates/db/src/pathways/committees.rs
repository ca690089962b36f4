//! Access committees: meetings that decide entries and non-entries and review exits. The
//! rules (entry on the committee's date, eligibility, override) live in the domain
//! (`rules::committee`); the writes run inside the service's transaction.

use passerelle_domain::pathways::rules::MeetingFacts;
use passerelle_domain::pathways::workflow::PathwayState;
use time::Date;
use uuid::Uuid;

use crate::pathways::enrolments::{self, Enrolment};
use crate::pathways::scope::{Scope, committee_condition, pathway_condition};
use crate::sql::{Sql, bind};
use crate::{Conn, Db, DbError, DbResult, Tx, sql, sql_query, with_conn, with_pool, with_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Meeting {
    pub id: Uuid,
    pub programme_id: Uuid,
    pub held_on: Date,
    pub notes: Option<String>,
}

impl Meeting {
    /// What the committee rules read of the meeting.
    pub fn facts(&self) -> MeetingFacts {
        MeetingFacts {
            id: self.id,
            programme_id: self.programme_id,
            held_on: self.held_on,
        }
    }
}

/// Inserts the meeting `id` of a programme of the structure.
pub async fn insert_meeting(
    tx: &mut Tx,
    structure_id: Uuid,
    (id, programme_id): (Uuid, Uuid),
    held_on: Date,
    notes: Option<&str>,
) -> DbResult<()> {
    with_tx!(tx, |c| {
        sqlx::query("INSERT INTO committee_meetings (id, structure_id, programme_id, held_on, notes) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(structure_id)
            .bind(programme_id)
            .bind(held_on)
            .bind(notes)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

/// The meeting `id` of the structure, for a write once the caller has checked the reader's
/// scope: read inside the service's transaction.
pub async fn get_in_structure(
    c: impl Into<Conn<'_>>,
    structure_id: Uuid,
    id: Uuid,
) -> DbResult<Meeting> {
    let meeting: Option<Meeting> = with_conn!(c.into(), |c| {
        sqlx::query_as(
            "SELECT m.id, m.programme_id, m.held_on, m.notes FROM committee_meetings m
             WHERE m.structure_id = $1 AND m.id = $2",
        )
        .bind(structure_id)
        .bind(id)
        .fetch_optional(c)
        .await?
    });
    meeting.ok_or(DbError::NotFound)
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

/// Records the committee's review of an exit, with its (trimmed) reason.
pub async fn insert_exit_review(
    tx: &mut Tx,
    structure_id: Uuid,
    (meeting_id, enrolment_id): (Uuid, Uuid),
    validated: bool,
    reason: &str,
) -> DbResult<()> {
    with_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO committee_decisions (id, structure_id, meeting_id, enrolment_id, kind, admitted, reason)
             VALUES ($1, $2, $3, $4, 'exit', $5, $6)",
        )
        .bind(passerelle_domain::new_id())
        .bind(structure_id)
        .bind(meeting_id)
        .bind(enrolment_id)
        .bind(validated)
        .bind(reason.trim())
        .execute(&mut *c)
        .await
        .map_err(DbError::from_write)?;
    });
    Ok(())
}
