//! Enrolments: a person's pathway in a programme, from referral to follow-up. The status is
//! derived from the transition log; every transition goes through the domain's state machine
//! and is written with its log row and audit row in one transaction.

use passerelle_domain::Role;
use passerelle_domain::audit::{Actor, AuditAction, FieldChange};
use passerelle_domain::pathways::ENROLMENT;
use passerelle_domain::pathways::calendar::add_months;
use passerelle_domain::pathways::exit::{ExitCategory, ExitReason, check_exit_date};
use passerelle_domain::pathways::texts;
use passerelle_domain::pathways::workflow::{PathwayEvent, PathwayState, next};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::pathways::scope::{Scope, pathway_condition};
use crate::sql::{Sql, bind};
use crate::{Db, DbError, DbResult, insert_audit, parse_code, with_pool};

mod proposal;
mod referents;

use proposal::exit_explanation;
pub use proposal::proposed_exit;
pub use referents::{ReferentPeriod, active_referent, assign_referent, referents};

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
}

#[derive(sqlx::FromRow)]
struct Row {
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
pub(crate) async fn select_where(db: &Db, tail: Sql) -> DbResult<Vec<Enrolment>> {
    let sql = crate::sql![SELECT, " ", tail];
    let rows: Vec<Row> = with_pool!(db, |p| {
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

/// The pathway `id` of the structure, for the writes below once the caller has read it in
/// its reader's scope.
pub(crate) async fn get_in_structure(db: &Db, structure_id: Uuid, id: Uuid) -> DbResult<Enrolment> {
    get(db, &Scope::whole_structure(structure_id), id).await
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

pub struct NewReferral<'a> {
    pub person_id: Uuid,
    pub programme_id: Uuid,
    pub prescriber_organisation: &'a str,
    pub prescriber_name: Option<&'a str>,
    pub referred_on: Date,
    pub reason: &'a str,
}

/// Records a referral: a new enrolment in the "referred" state. Refused when the person already
/// has a pathway in this programme that is not over.
pub async fn refer(db: &Db, actor: &Actor, r: NewReferral<'_>) -> DbResult<Enrolment> {
    texts::check_referral(r.prescriber_organisation, r.prescriber_name, r.reason)
        .map_err(DbError::Refused)?;
    // All of the person's pathways, whoever refers: one open in this programme is enough.
    let open = of_person(db, &Scope::whole_structure(actor.structure_id), r.person_id)
        .await?
        .into_iter()
        .any(|e| {
            e.programme_id == r.programme_id
                && matches!(
                    e.state,
                    PathwayState::Referred
                        | PathwayState::ProposedToCommittee
                        | PathwayState::Entered
                )
        });
    if open {
        return Err(DbError::Refused(
            "Cette personne a déjà un parcours en cours dans ce dispositif : ouvrez-le plutôt que d'en créer un second.".into(),
        ));
    }
    let id = passerelle_domain::new_id();
    let changes = [
        FieldChange {
            field: "programme_id".into(),
            before: None,
            after: Some(r.programme_id.to_string()),
        },
        FieldChange {
            field: "prescriber_organisation".into(),
            before: None,
            after: Some(r.prescriber_organisation.to_owned()),
        },
        FieldChange {
            field: "referred_on".into(),
            before: None,
            after: Some(r.referred_on.to_string()),
        },
    ];
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        let done = sqlx::query(
            "INSERT INTO enrolments (id, structure_id, person_id, programme_id, prescriber_organisation, prescriber_name,
                referred_on, referral_reason, created_at)
             SELECT $1, $2, p.id, g.id, $5, $6, $7, $8, $9
             FROM persons p, programmes g WHERE p.id = $3 AND p.structure_id = $2 AND g.id = $4 AND g.structure_id = $2",
        )
        .bind(id)
        .bind(actor.structure_id)
        .bind(r.person_id)
        .bind(r.programme_id)
        .bind(r.prescriber_organisation)
        .bind(r.prescriber_name)
        .bind(r.referred_on)
        .bind(r.reason)
        .bind(OffsetDateTime::now_utc())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            return Err(DbError::NotFound);
        }
        insert_audit!(
            &mut *tx,
            actor,
            AuditAction::Create,
            ENROLMENT.code,
            id,
            &changes
        )?;
        tx.commit().await?;
    });
    get_in_structure(db, actor.structure_id, id).await
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

pub async fn log(db: &Db, structure_id: Uuid, id: Uuid) -> DbResult<Vec<LoggedTransition>> {
    Ok(with_pool!(db, |p| {
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

/// What a transition writes besides its log row.
#[derive(Debug, Clone, Default)]
pub struct TransitionData {
    pub note: Option<String>,
    /// Reason and proof of an exit; the explanation is the rules' proposal at the exit date,
    /// computed here so that every caller stores the same.
    pub exit: Option<(ExitReason, String)>,
    /// The access committee's decision behind the transition, written with it.
    pub decision: Option<CommitteeDecision>,
}

#[derive(Debug, Clone)]
pub struct CommitteeDecision {
    pub meeting_id: Uuid,
    pub admitted: bool,
    pub reason: String,
    pub eligibility_override: Option<String>,
}

/// Applies `event` on `occurred_on` if the state machine allows it for `role`, with the
/// transition's own checks (entry on the committee date, exit after entry, follow-up task).
pub async fn transition(
    db: &Db,
    actor: &Actor,
    role: Role,
    id: Uuid,
    event: PathwayEvent,
    occurred_on: Date,
    data: TransitionData,
) -> DbResult<Enrolment> {
    let exit_proof = data.exit.as_ref().map(|(_, p)| p.as_str());
    texts::check_transition(data.note.as_deref(), exit_proof).map_err(DbError::Refused)?;
    let e = get_in_structure(db, actor.structure_id, id).await?;
    let to = next(e.state, event, role).map_err(|err| DbError::Refused(err.to_string()))?;
    if occurred_on < e.referred_on {
        return Err(DbError::Refused(
            "Cette date précède l'orientation : vérifiez-la.".into(),
        ));
    }
    if event == PathwayEvent::Exit {
        let entered = e.entered_on.unwrap_or(e.referred_on);
        check_exit_date(occurred_on, entered, passerelle_domain::clock::today())
            .map_err(|err| DbError::Refused(err.to_string()))?;
        if let Some((reason, _)) = &data.exit {
            let programme =
                crate::pathways::programmes::get(db, actor.structure_id, e.programme_id).await?;
            if !programme.def.exit_reasons.contains(reason) {
                return Err(DbError::Refused(format!(
                    "Le motif « {} » n'est pas prévu pour ce dispositif.",
                    reason.label()
                )));
            }
        }
        match &data.exit {
            None => return Err(DbError::Refused("Indiquez le motif de sortie.".into())),
            Some((_, proof)) if proof.trim().is_empty() => {
                return Err(DbError::Refused(
                    "Indiquez le justificatif de la sortie (contrat, attestation…).".into(),
                ));
            }
            Some(_) => {}
        }
    }
    let explanation = match &data.exit {
        Some((reason, _)) => {
            Some(exit_explanation(db, actor.structure_id, &e, *reason, occurred_on).await?)
        }
        None => None,
    };
    let mut changes = vec![FieldChange {
        field: "state".into(),
        before: Some(e.state.code().into()),
        after: Some(to.code().into()),
    }];
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        let bumped = sqlx::query(
            "UPDATE enrolments SET version = version + 1 WHERE id = $1 AND version = $2",
        )
        .bind(id)
        .bind(e.version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if bumped == 0 {
            return Err(DbError::Conflict);
        }
        match event {
            PathwayEvent::CommitteeAdmits => {
                sqlx::query("UPDATE enrolments SET entered_on = $2 WHERE id = $1")
                    .bind(id)
                    .bind(occurred_on)
                    .execute(&mut *tx)
                    .await?;
                changes.push(FieldChange {
                    field: "entered_on".into(),
                    before: None,
                    after: Some(occurred_on.to_string()),
                });
            }
            PathwayEvent::Exit => {
                if let Some((reason, proof)) = &data.exit {
                    sqlx::query(
                        "UPDATE enrolments SET exited_on = $2, exit_reason = $3, exit_category = $4, exit_proof = $5,
                            exit_explanation = $6 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(occurred_on)
                    .bind(reason.code())
                    .bind(reason.category().code())
                    .bind(proof)
                    .bind(&explanation)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("INSERT INTO follow_ups (id, structure_id, enrolment_id, due_on) VALUES ($1, $2, $3, $4)")
                        .bind(passerelle_domain::new_id())
                        .bind(actor.structure_id)
                        .bind(id)
                        .bind(add_months(occurred_on, 6))
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("UPDATE enrolment_referents SET until_date = $2 WHERE enrolment_id = $1 AND until_date IS NULL")
                        .bind(id)
                        .bind(occurred_on)
                        .execute(&mut *tx)
                        .await?;
                    changes.push(FieldChange {
                        field: "exit_reason".into(),
                        before: None,
                        after: Some(reason.code().into()),
                    });
                }
            }
            PathwayEvent::RecordFollowUp => {
                sqlx::query("UPDATE follow_ups SET done_on = $2, situation = $3 WHERE enrolment_id = $1 AND done_on IS NULL")
                    .bind(id)
                    .bind(occurred_on)
                    .bind(&data.note)
                    .execute(&mut *tx)
                    .await?;
            }
            PathwayEvent::ProposeToCommittee | PathwayEvent::CommitteeRefuses => {}
        }
        if let Some(d) = &data.decision {
            sqlx::query(
                "INSERT INTO committee_decisions (id, structure_id, meeting_id, enrolment_id, kind, admitted, reason, eligibility_override)
                 VALUES ($1, $2, $3, $4, 'entry', $5, $6, $7)",
            )
            .bind(passerelle_domain::new_id())
            .bind(actor.structure_id)
            .bind(d.meeting_id)
            .bind(id)
            .bind(d.admitted)
            .bind(&d.reason)
            .bind(&d.eligibility_override)
            .execute(&mut *tx)
            .await
            .map_err(DbError::from_write)?;
        }
        sqlx::query(
            "INSERT INTO enrolment_transitions (id, structure_id, enrolment_id, event, from_state, to_state, occurred_on, note, user_id, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(passerelle_domain::new_id())
        .bind(actor.structure_id)
        .bind(id)
        .bind(event.code())
        .bind(e.state.code())
        .bind(to.code())
        .bind(occurred_on)
        .bind(&data.note)
        .bind(actor.user_id)
        .bind(OffsetDateTime::now_utc())
        .execute(&mut *tx)
        .await?;
        insert_audit!(
            &mut *tx,
            actor,
            AuditAction::Update,
            ENROLMENT.code,
            id,
            &changes
        )?;
        tx.commit().await?;
    });
    get_in_structure(db, actor.structure_id, id).await
}
