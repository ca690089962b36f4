//! Enrolments: a person's pathway in a programme, from referral to follow-up. The status is
//! derived from the transition log; every transition goes through the domain's state machine
//! and is written with its log row and audit row in one transaction.

use passerelle_domain::Role;
use passerelle_domain::audit::{Actor, AuditAction, FieldChange};
use passerelle_domain::pathway::calendar::add_months;
use passerelle_domain::pathway::exit::{ExitCategory, ExitReason};
use passerelle_domain::pathway::texts;
use passerelle_domain::pathway::workflow::{PathwayEvent, PathwayState, next};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{Db, DbError, DbResult, insert_audit, parse_code, with_pool};

pub const ENTITY_ENROLMENT: &str = "enrolment";

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
pub(crate) async fn select_where(
    db: &Db,
    tail: &str,
    params: crate::params::Params,
) -> DbResult<Vec<Enrolment>> {
    let sql = format!("{SELECT} {tail}");
    let rows: Vec<Row> = with_pool!(db, |p| {
        crate::bind_params!(sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql)), params)
            .fetch_all(p)
            .await?
    });
    rows.into_iter().map(Enrolment::try_from).collect()
}

/// The pathways of a programme in one state, the oldest referral first.
pub async fn of_programme_in_state(
    db: &Db,
    structure_id: Uuid,
    programme_id: Uuid,
    state: PathwayState,
) -> DbResult<Vec<Enrolment>> {
    use crate::params::{Param, Params};
    let mut params = Params::default();
    let tail = format!(
        "WHERE e.structure_id = {} AND e.programme_id = {} AND {} = {} ORDER BY e.referred_on, e.id",
        params.push(Param::Uuid(structure_id)),
        params.push(Param::Uuid(programme_id)),
        state_of_e!(),
        params.push(Param::Text(state.code().to_owned()))
    );
    select_where(db, &tail, params).await
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

pub async fn get(db: &Db, structure_id: Uuid, id: Uuid) -> DbResult<Enrolment> {
    let row: Option<Row> = with_pool!(db, |p| {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE e.structure_id = $1 AND e.id = $2"
        )))
        .bind(structure_id)
        .bind(id)
        .fetch_optional(p)
        .await?
    });
    row.ok_or(DbError::NotFound)?.try_into()
}

pub async fn of_person(db: &Db, structure_id: Uuid, person_id: Uuid) -> DbResult<Vec<Enrolment>> {
    let rows: Vec<Row> = with_pool!(db, |p| {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE e.structure_id = $1 AND e.person_id = $2 ORDER BY e.referred_on DESC"
        )))
        .bind(structure_id)
        .bind(person_id)
        .fetch_all(p)
        .await?
    });
    rows.into_iter().map(Enrolment::try_from).collect()
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
    let open = of_person(db, actor.structure_id, r.person_id)
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
            ENTITY_ENROLMENT,
            id,
            &changes
        )?;
        tx.commit().await?;
    });
    get(db, actor.structure_id, id).await
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
    /// Reason, proof and explanation of an exit.
    pub exit: Option<(ExitReason, String, String)>,
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
    let exit_texts = data.exit.as_ref().map(|(_, p, x)| (p.as_str(), x.as_str()));
    texts::check_transition(data.note.as_deref(), exit_texts).map_err(DbError::Refused)?;
    let e = get(db, actor.structure_id, id).await?;
    let to = next(e.state, event, role).map_err(|err| DbError::Refused(err.to_string()))?;
    if occurred_on < e.referred_on {
        return Err(DbError::Refused(
            "Cette date précède l'orientation : vérifiez-la.".into(),
        ));
    }
    if event == PathwayEvent::Exit {
        let entered = e.entered_on.unwrap_or(e.referred_on);
        if occurred_on < entered {
            return Err(DbError::Refused(format!(
                "La sortie ne peut pas précéder l'entrée du {}.",
                passerelle_domain::french::date(entered)
            )));
        }
        if let Some((reason, _, _)) = &data.exit {
            let programme = crate::programmes::get(db, actor.structure_id, e.programme_id).await?;
            if !programme.def.exit_reasons.contains(reason) {
                return Err(DbError::Refused(format!(
                    "Le motif « {} » n'est pas prévu pour ce dispositif.",
                    reason.label()
                )));
            }
        }
        match &data.exit {
            None => return Err(DbError::Refused("Indiquez le motif de sortie.".into())),
            Some((_, proof, _)) if proof.trim().is_empty() => {
                return Err(DbError::Refused(
                    "Indiquez le justificatif de la sortie (contrat, attestation…).".into(),
                ));
            }
            Some(_) => {}
        }
    }
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
                if let Some((reason, proof, why)) = &data.exit {
                    sqlx::query(
                        "UPDATE enrolments SET exited_on = $2, exit_reason = $3, exit_category = $4, exit_proof = $5,
                            exit_explanation = $6 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(occurred_on)
                    .bind(reason.code())
                    .bind(reason.category().code())
                    .bind(proof)
                    .bind(why)
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
            ENTITY_ENROLMENT,
            id,
            &changes
        )?;
        tx.commit().await?;
    });
    get(db, actor.structure_id, id).await
}

/// Makes `user_id` the referent from `from`: the previous referent's period ends the day
/// before. The database refuses a second active referent whatever the caller does.
pub async fn assign_referent(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    user_id: Uuid,
    from: Date,
) -> DbResult<()> {
    let e = get(db, actor.structure_id, id).await?;
    if matches!(
        e.state,
        PathwayState::Exited | PathwayState::FollowedUp | PathwayState::Refused
    ) {
        return Err(DbError::Refused(
            "Ce parcours est terminé : il n'a plus de référent.".into(),
        ));
    }
    let change = [FieldChange {
        field: "referent".into(),
        before: None,
        after: Some(user_id.to_string()),
    }];
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        sqlx::query("UPDATE enrolment_referents SET until_date = $2 WHERE enrolment_id = $1 AND until_date IS NULL")
            .bind(id)
            .bind(from.previous_day().unwrap_or(from))
            .execute(&mut *tx)
            .await?;
        let inserted = sqlx::query(
            "INSERT INTO enrolment_referents (id, structure_id, enrolment_id, user_id, from_date)
             SELECT $1, $2, $3, u.id, $5 FROM users u WHERE u.id = $4 AND u.structure_id = $2",
        )
        .bind(passerelle_domain::new_id())
        .bind(actor.structure_id)
        .bind(id)
        .bind(user_id)
        .bind(from)
        .execute(&mut *tx)
        .await
        .map_err(DbError::from_write)?
        .rows_affected();
        if inserted == 0 {
            return Err(DbError::Refused(
                "Ce référent n'existe pas dans la structure.".into(),
            ));
        }
        insert_audit!(
            &mut *tx,
            actor,
            AuditAction::Update,
            ENTITY_ENROLMENT,
            id,
            &change
        )?;
        tx.commit().await?;
    });
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReferentPeriod {
    pub user_id: Uuid,
    pub display_name: String,
    pub from_date: Date,
    pub until_date: Option<Date>,
}

/// The referents of an enrolment over time, the current one first.
pub async fn referents(db: &Db, structure_id: Uuid, id: Uuid) -> DbResult<Vec<ReferentPeriod>> {
    Ok(with_pool!(db, |p| {
        sqlx::query_as(
            "SELECT r.user_id, u.display_name, r.from_date, r.until_date
             FROM enrolment_referents r JOIN users u ON u.id = r.user_id
             WHERE r.structure_id = $1 AND r.enrolment_id = $2
             ORDER BY CASE WHEN r.until_date IS NULL THEN 0 ELSE 1 END, r.from_date DESC",
        )
        .bind(structure_id)
        .bind(id)
        .fetch_all(p)
        .await?
    }))
}

/// What the rules propose as the exit of this pathway on `on`, from the person's contracts
/// during the pathway and its trainings; `None` when nothing justifies a dynamic exit.
pub async fn proposed_exit(
    db: &Db,
    structure_id: Uuid,
    e: &Enrolment,
    on: Date,
) -> DbResult<Option<passerelle_domain::pathway::exit::Proposal>> {
    let since = e.entered_on.unwrap_or(e.referred_on);
    let contracts: Vec<_> = crate::contracts::of_person(db, structure_id, e.person_id)
        .await?
        .into_iter()
        .map(|c| c.contract)
        .filter(|c| c.end.is_none_or(|end| end >= since))
        .collect();
    let steps = crate::steps::of_enrolment(db, structure_id, e.id).await?;
    Ok(passerelle_domain::pathway::exit::propose(
        &contracts,
        &crate::steps::trainings(&steps),
        on,
        &Default::default(),
        &Default::default(),
    ))
}

/// The referent in charge of a pathway: the active one, or after the exit the last one (who
/// keeps the 6-month follow-up).
pub async fn active_referent(db: &Db, structure_id: Uuid, id: Uuid) -> DbResult<Option<Uuid>> {
    Ok(with_pool!(db, |p| {
        sqlx::query_scalar(
            "SELECT user_id FROM enrolment_referents WHERE structure_id = $1 AND enrolment_id = $2
             ORDER BY CASE WHEN until_date IS NULL THEN 0 ELSE 1 END, from_date DESC LIMIT 1",
        )
        .bind(structure_id)
        .bind(id)
        .fetch_optional(p)
        .await?
    }))
}
