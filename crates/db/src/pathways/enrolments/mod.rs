//! Enrolments: a person's pathway in a programme, from referral to follow-up. The status is
//! derived from the transition log. The writes (`writes.rs`) apply what the domain's rules
//! planned, inside the service's transaction.

use passerelle_domain::pathways::exit::{ExitCategory, ExitReason};
use passerelle_domain::pathways::rules::{PathwayFacts, StepFacts};
use passerelle_domain::pathways::workflow::PathwayState;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::pathways::scope::{Scope, pathway_condition};
use crate::sql::{Sql, bind};
use crate::{Conn, Db, DbError, DbResult, parse_code, with_conn};

mod referents;
mod writes;

pub use referents::{
    ReferentPeriod, active_referent, assign_referent, current_referent_from, referents,
};
pub use writes::{NewReferral, apply_transition, insert};

#[derive(Debug, Clone, PartialEq)]
pub struct Enrolment {
    pub id: Uuid,
    pub person_id: Uuid,
    pub programme_id: Uuid,
    pub prescriber_organisation: String,
    pub prescriber_name: Option<String>,
    pub referred_on: Date,
    pub referral_reason: String,
    pub entered_on: Option<Date>,
    pub exited_on: Option<Date>,
    pub exit_reason: Option<ExitReason>,
    pub exit_proof: Option<String>,
    pub exit_explanation: Option<String>,
    pub state: PathwayState,
    pub version: i64,
}

impl Enrolment {
    pub fn exit_category(&self) -> Option<ExitCategory> {
        self.exit_reason.map(ExitReason::category)
    }

    /// What the transition rules read of the pathway.
    pub fn facts(&self) -> PathwayFacts {
        PathwayFacts {
            state: self.state,
            referred_on: self.referred_on,
            entered_on: self.entered_on,
        }
    }

    /// What the step rules read of the pathway.
    pub fn step_facts(&self) -> StepFacts {
        StepFacts {
            referred_on: self.referred_on,
            entered_on: self.entered_on,
            exited_on: self.exited_on,
        }
    }
}

/// An enrolment as stored, its state derived from the log ([`state_of_e`]).
#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    id: Uuid,
    person_id: Uuid,
    programme_id: Uuid,
    prescriber_organisation: String,
    prescriber_name: Option<String>,
    referred_on: Date,
    referral_reason: String,
    entered_on: Option<Date>,
    exited_on: Option<Date>,
    exit_reason: Option<String>,
    exit_proof: Option<String>,
    exit_explanation: Option<String>,
    state: Option<String>,
    version: i64,
}

/// The state of enrolment `e`: the target of its latest transition, or "referred" when there
/// is none.
macro_rules! state_of_e {
    () => {
        "COALESCE((SELECT t.to_state FROM enrolment_transitions t WHERE t.enrolment_id = e.id ORDER BY t.at DESC, t.id DESC LIMIT 1), 'referred')"
    };
}
pub(crate) use state_of_e;

const SELECT: &str = concat!(
    "SELECT e.id, e.person_id, e.programme_id, e.prescriber_organisation, e.prescriber_name,
        e.referred_on, e.referral_reason, e.entered_on, e.exited_on, e.exit_reason, e.exit_proof,
        e.exit_explanation, e.version, ",
    state_of_e!(),
    " AS state FROM enrolments e"
);

/// Enrolments selected by a WHERE clause (and ORDER BY) on `e`, in one query.
pub(crate) async fn select_where(c: impl Into<Conn<'_>>, tail: Sql) -> DbResult<Vec<Enrolment>> {
    let sql = crate::sql![SELECT, " ", tail];
    let rows: Vec<Row> = with_conn!(c.into(), |p| {
        crate::sql_query!(sqlx::query_as::<_, Row>, sql)
            .fetch_all(p)
            .await?
    });
    rows.into_iter().map(Enrolment::try_from).collect()
}

/// The pathways of a programme in one state within the reader's scope, the oldest referral
/// first.
pub(crate) async fn of_programme_in_state(
    db: &Db,
    scope: &Scope,
    programme_id: Uuid,
    state: PathwayState,
) -> DbResult<Vec<Enrolment>> {
    let tail = crate::sql![
        "WHERE ",
        pathway_condition(scope, "e"),
        " AND e.programme_id = ",
        bind(programme_id),
        " AND ",
        state_of_e!(),
        " = ",
        bind(state.code()),
        " ORDER BY e.referred_on, e.id"
    ];
    select_where(db, tail).await
}

impl TryFrom<Row> for Enrolment {
    type Error = DbError;
    fn try_from(r: Row) -> DbResult<Enrolment> {
        Ok(Enrolment {
            id: r.id,
            person_id: r.person_id,
            programme_id: r.programme_id,
            prescriber_organisation: r.prescriber_organisation,
            prescriber_name: r.prescriber_name,
            referred_on: r.referred_on,
            referral_reason: r.referral_reason,
            entered_on: r.entered_on,
            exited_on: r.exited_on,
            exit_reason: r.exit_reason.map(|c| parse_code(&c)).transpose()?,
            exit_proof: r.exit_proof,
            exit_explanation: r.exit_explanation,
            state: match r.state {
                Some(s) => parse_code(&s)?,
                None => PathwayState::Referred,
            },
            version: r.version,
        })
    }
}

/// The pathway `id` if the reader's scope covers it; [`DbError::NotFound`] otherwise, as if
/// it did not exist.
pub async fn get(db: &Db, scope: &Scope, id: Uuid) -> DbResult<Enrolment> {
    let tail = crate::sql![
        "WHERE ",
        pathway_condition(scope, "e"),
        " AND e.id = ",
        bind(id)
    ];
    select_where(db, tail).await?.pop().ok_or(DbError::NotFound)
}

/// The pathway `id` of the structure, for a write once the caller has checked the reader's
/// scope: read inside the service's transaction.
pub async fn get_in_structure(
    c: impl Into<Conn<'_>>,
    structure_id: Uuid,
    id: Uuid,
) -> DbResult<Enrolment> {
    let tail = crate::sql![
        "WHERE e.structure_id = ",
        bind(structure_id),
        " AND e.id = ",
        bind(id)
    ];
    select_where(c, tail).await?.pop().ok_or(DbError::NotFound)
}

/// The states of a person's pathways in a programme, whoever refers: the referral rule
/// refuses a second open one.
pub async fn states_in_programme(
    c: impl Into<Conn<'_>>,
    structure_id: Uuid,
    person_id: Uuid,
    programme_id: Uuid,
) -> DbResult<Vec<PathwayState>> {
    let tail = crate::sql![
        "WHERE e.structure_id = ",
        bind(structure_id),
        " AND e.person_id = ",
        bind(person_id),
        " AND e.programme_id = ",
        bind(programme_id)
    ];
    Ok(select_where(c, tail)
        .await?
        .into_iter()
        .map(|e| e.state)
        .collect())
}

/// A person's pathways within the reader's scope, the latest referral first.
pub async fn of_person(db: &Db, scope: &Scope, person_id: Uuid) -> DbResult<Vec<Enrolment>> {
    let tail = crate::sql![
        "WHERE ",
        pathway_condition(scope, "e"),
        " AND e.person_id = ",
        bind(person_id),
        " ORDER BY e.referred_on DESC"
    ];
    select_where(db, tail).await
}

/// One row of the transition log, as the enrolment page shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoggedTransition {
    pub event: String,
    pub from_state: String,
    pub to_state: String,
    pub occurred_on: Date,
    pub note: Option<String>,
    pub user_name: Option<String>,
    pub at: OffsetDateTime,
}

pub async fn log(
    c: impl Into<Conn<'_>>,
    structure_id: Uuid,
    id: Uuid,
) -> DbResult<Vec<LoggedTransition>> {
    Ok(with_conn!(c.into(), |p| {
        sqlx::query_as(
            "SELECT t.event, t.from_state, t.to_state, t.occurred_on, t.note, u.display_name AS user_name, t.at
             FROM enrolment_transitions t LEFT JOIN users u ON u.id = t.user_id
             WHERE t.structure_id = $1 AND t.enrolment_id = $2 ORDER BY t.at, t.id",
        )
        .bind(structure_id)
        .bind(id)
        .fetch_all(p)
        .await?
    }))
}
