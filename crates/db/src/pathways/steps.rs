//! Steps of a pathway, its roadmap objectives, diagnosis and appointments. The writes run
//! inside the service's transaction once the domain's rules have allowed them.

use passerelle_domain::audit::Actor;
use passerelle_domain::pathways::exit::Training;
use passerelle_domain::pathways::step::{
    AppointmentKind, DiagnosisCriterion, ObjectiveStatus, StepFamily,
};
use time::Date;
use uuid::Uuid;

use crate::{Conn, DbError, DbResult, Tx, parse_code, with_conn, with_tx};

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: Uuid,
    pub family: StepFamily,
    pub title: String,
    pub provider: Option<String>,
    pub start_on: Date,
    pub end_on: Option<Date>,
    pub qualifying: bool,
    pub validated: Option<bool>,
}

#[derive(sqlx::FromRow)]
struct StepRow {
    id: Uuid,
    family: String,
    title: String,
    provider: Option<String>,
    start_on: Date,
    end_on: Option<Date>,
    qualifying: bool,
    validated: Option<bool>,
}

pub struct NewStep<'a> {
    pub family: StepFamily,
    pub title: &'a str,
    pub provider: Option<&'a str>,
    pub start_on: Date,
    pub end_on: Option<Date>,
    pub qualifying: bool,
    pub validated: Option<bool>,
}

/// Inserts the step `id` of the enrolment (of `programme_id`: figures read a year's steps by
/// programme).
pub async fn insert(
    tx: &mut Tx,
    structure_id: Uuid,
    (id, enrolment_id, programme_id): (Uuid, Uuid, Uuid),
    s: &NewStep<'_>,
) -> DbResult<()> {
    with_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO steps (id, structure_id, enrolment_id, programme_id, family, title, provider, start_on, end_on, qualifying, validated)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(id)
        .bind(structure_id)
        .bind(enrolment_id)
        .bind(programme_id)
        .bind(s.family.code())
        .bind(s.title)
        .bind(s.provider)
        .bind(s.start_on)
        .bind(s.end_on)
        .bind(s.qualifying)
        .bind(s.validated)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

pub async fn of_enrolment(
    c: impl Into<Conn<'_>>,
    structure_id: Uuid,
    enrolment_id: Uuid,
) -> DbResult<Vec<Step>> {
    let rows: Vec<StepRow> = with_conn!(c.into(), |p| {
        sqlx::query_as(
            "SELECT id, family, title, provider, start_on, end_on, qualifying, validated FROM steps
             WHERE structure_id = $1 AND enrolment_id = $2 ORDER BY start_on, id",
        )
        .bind(structure_id)
        .bind(enrolment_id)
        .fetch_all(p)
        .await?
    });
    rows.into_iter()
        .map(|r| {
            Ok(Step {
                id: r.id,
                family: parse_code(&r.family)?,
                title: r.title,
                provider: r.provider,
                start_on: r.start_on,
                end_on: r.end_on,
                qualifying: r.qualifying,
                validated: r.validated,
            })
        })
        .collect()
}

/// The enrolment's trainings, as the exit rules read them.
pub fn trainings(steps: &[Step]) -> Vec<Training> {
    steps
        .iter()
        .filter(|s| s.family.is_training())
        .map(|s| Training {
            title: s.title.clone(),
            qualifying: s.qualifying || s.family.leads_to_qualification(),
            start: s.start_on,
            end: s.end_on,
            validated: s.validated == Some(true),
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    pub id: Uuid,
    pub theme: String,
    pub objective: String,
    pub action: String,
    pub status: ObjectiveStatus,
}

/// A roadmap line: its theme, objective and action.
pub struct NewObjective<'a> {
    pub theme: &'a str,
    pub objective: &'a str,
    pub action: &'a str,
}

/// Inserts the objective `id`, planned, created on `on`.
pub async fn insert_objective(
    tx: &mut Tx,
    structure_id: Uuid,
    (id, enrolment_id): (Uuid, Uuid),
    o: &NewObjective<'_>,
    on: Date,
) -> DbResult<()> {
    with_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO objectives (id, structure_id, enrolment_id, theme, objective, action, status, created_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(structure_id)
        .bind(enrolment_id)
        .bind(o.theme)
        .bind(o.objective)
        .bind(o.action)
        .bind(ObjectiveStatus::Planned.code())
        .bind(on)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

pub async fn objectives(
    c: impl Into<Conn<'_>>,
    structure_id: Uuid,
    enrolment_id: Uuid,
) -> DbResult<Vec<Objective>> {
    let rows: Vec<(Uuid, String, String, String, String)> = with_conn!(c.into(), |p| {
        sqlx::query_as(
            "SELECT id, theme, objective, action, status FROM objectives
             WHERE structure_id = $1 AND enrolment_id = $2 ORDER BY theme, created_on, id",
        )
        .bind(structure_id)
        .bind(enrolment_id)
        .fetch_all(p)
        .await?
    });
    rows.into_iter()
        .map(|(id, theme, objective, action, status)| {
            Ok(Objective {
                id,
                theme,
                objective,
                action,
                status: parse_code(&status)?,
            })
        })
        .collect()
}

/// One dated criterion of a pathway's eligibility diagnosis.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagnosisEntry {
    pub criterion: DiagnosisCriterion,
    pub observed_on: Date,
    pub proof: String,
    pub author: Option<String>,
}

/// Records a criterion with its (trimmed) proof; its author is the actor.
pub async fn insert_diagnosis(
    tx: &mut Tx,
    actor: &Actor,
    enrolment_id: Uuid,
    (criterion, observed_on): (DiagnosisCriterion, Date),
    proof: &str,
) -> DbResult<()> {
    with_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO diagnosis_criteria (id, structure_id, enrolment_id, criterion, observed_on, proof, author_id, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(passerelle_domain::new_id())
        .bind(actor.structure_id)
        .bind(enrolment_id)
        .bind(criterion.code())
        .bind(observed_on)
        .bind(proof.trim())
        .bind(actor.user_id)
        .bind(time::OffsetDateTime::now_utc())
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

pub async fn diagnosis(
    c: impl Into<Conn<'_>>,
    structure_id: Uuid,
    enrolment_id: Uuid,
) -> DbResult<Vec<DiagnosisEntry>> {
    let rows: Vec<(String, Date, String, Option<String>)> = with_conn!(c.into(), |p| {
        sqlx::query_as(
            "SELECT d.criterion, d.observed_on, d.proof, u.display_name FROM diagnosis_criteria d
             LEFT JOIN users u ON u.id = d.author_id
             WHERE d.structure_id = $1 AND d.enrolment_id = $2 ORDER BY d.observed_on, d.recorded_at",
        )
        .bind(structure_id)
        .bind(enrolment_id)
        .fetch_all(p)
        .await?
    });
    rows.into_iter()
        .map(|(c, observed_on, proof, author)| {
            Ok(DiagnosisEntry {
                criterion: parse_code(&c)?,
                observed_on,
                proof,
                author,
            })
        })
        .collect()
}

/// Moves an objective's action of the enrolment to a new status; [`DbError::NotFound`] when
/// the objective is not the enrolment's.
pub async fn set_objective_status(
    tx: &mut Tx,
    structure_id: Uuid,
    (enrolment_id, objective_id): (Uuid, Uuid),
    status: ObjectiveStatus,
) -> DbResult<()> {
    let done = with_tx!(tx, |c| {
        sqlx::query("UPDATE objectives SET status = $4 WHERE id = $1 AND enrolment_id = $2 AND structure_id = $3")
            .bind(objective_id)
            .bind(enrolment_id)
            .bind(structure_id)
            .bind(status.code())
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    if done == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// An appointment of the pathway, as the enrolment page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Appointment {
    pub held_on: Date,
    pub kind: AppointmentKind,
    pub attended: bool,
    pub note: Option<String>,
    pub with: Option<String>,
}

/// An appointment as recorded: when, which kind, whether the person came, a note.
pub struct NewAppointment<'a> {
    pub held_on: Date,
    pub kind: AppointmentKind,
    pub attended: bool,
    pub note: Option<&'a str>,
}

/// Records an appointment of the pathway with its person, held by the actor.
pub async fn insert_appointment(
    tx: &mut Tx,
    actor: &Actor,
    (enrolment_id, person_id): (Uuid, Uuid),
    a: &NewAppointment<'_>,
) -> DbResult<()> {
    with_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO appointments (id, structure_id, person_id, enrolment_id, user_id, held_on, kind, attended, note, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(passerelle_domain::new_id())
        .bind(actor.structure_id)
        .bind(person_id)
        .bind(enrolment_id)
        .bind(actor.user_id)
        .bind(a.held_on)
        .bind(a.kind.code())
        .bind(a.attended)
        .bind(a.note)
        .bind(time::OffsetDateTime::now_utc())
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// held on, kind, attended, note, staff member.
type AppointmentRow = (Date, String, bool, Option<String>, Option<String>);

pub async fn appointments(
    c: impl Into<Conn<'_>>,
    structure_id: Uuid,
    enrolment_id: Uuid,
) -> DbResult<Vec<Appointment>> {
    let rows: Vec<AppointmentRow> = with_conn!(c.into(), |p| {
        sqlx::query_as(
            "SELECT a.held_on, a.kind, a.attended, a.note, u.display_name FROM appointments a
             LEFT JOIN users u ON u.id = a.user_id
             WHERE a.structure_id = $1 AND a.enrolment_id = $2 ORDER BY a.held_on DESC, a.recorded_at DESC",
        )
        .bind(structure_id)
        .bind(enrolment_id)
        .fetch_all(p)
        .await?
    });
    rows.into_iter()
        .map(|(held_on, kind, attended, note, with)| {
            Ok(Appointment {
                held_on,
                kind: parse_code(&kind)?,
                attended,
                note,
                with,
            })
        })
        .collect()
}
