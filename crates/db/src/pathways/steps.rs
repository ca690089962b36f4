//! Steps of a pathway and its roadmap objectives.

use passerelle_domain::audit::{Actor, AuditAction, FieldChange};
use passerelle_domain::pathways::ENROLMENT;
use passerelle_domain::pathways::exit::Training;
use passerelle_domain::pathways::step::{ObjectiveStatus, StepFamily};
use time::Date;
use uuid::Uuid;

use crate::pathways::enrolments::get_in_structure as get;
use crate::{Db, DbError, DbResult, insert_audit, parse_code, with_pool};

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

/// Adds a step inside the enrolment's dates (from entry to exit).
pub async fn add(db: &Db, actor: &Actor, enrolment_id: Uuid, s: NewStep<'_>) -> DbResult<Uuid> {
    use passerelle_domain::pathways::texts;
    texts::required("l'intitulé de l'étape", s.title, texts::STEP_TITLE)
        .map_err(DbError::Refused)?;
    texts::optional(
        "l'organisme",
        s.provider.unwrap_or_default(),
        texts::PROVIDER,
    )
    .map_err(DbError::Refused)?;
    let e = get(db, actor.structure_id, enrolment_id).await?;
    let fr = passerelle_domain::french::date;
    let Some(entered) = e.entered_on else {
        return Err(DbError::Refused(
            "Les étapes s'ajoutent après l'entrée dans le dispositif.".into(),
        ));
    };
    if s.end_on.is_some_and(|end| end < s.start_on) {
        return Err(DbError::Refused(
            "La fin de l'étape précède son début.".into(),
        ));
    }
    if s.start_on < entered {
        return Err(DbError::Refused(format!(
            "L'étape commence avant l'entrée du {}.",
            fr(entered)
        )));
    }
    if let Some(exit) = e.exited_on
        && (s.start_on > exit || s.end_on.is_some_and(|end| end > exit))
    {
        return Err(DbError::Refused(format!(
            "L'étape dépasse la sortie du {}.",
            fr(exit)
        )));
    }
    let id = passerelle_domain::new_id();
    let change = [FieldChange {
        field: "step".into(),
        before: None,
        after: Some(format!("{} : {}", s.family.label(), s.title)),
    }];
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        sqlx::query(
            "INSERT INTO steps (id, structure_id, enrolment_id, programme_id, family, title, provider, start_on, end_on, qualifying, validated)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(id)
        .bind(actor.structure_id)
        .bind(enrolment_id)
        .bind(e.programme_id)
        .bind(s.family.code())
        .bind(s.title)
        .bind(s.provider)
        .bind(s.start_on)
        .bind(s.end_on)
        .bind(s.qualifying)
        .bind(s.validated)
        .execute(&mut *tx)
        .await?;
        insert_audit!(
            &mut *tx,
            actor,
            AuditAction::Update,
            ENROLMENT.code,
            enrolment_id,
            &change
        )?;
        tx.commit().await?;
    });
    Ok(id)
}

pub async fn of_enrolment(db: &Db, structure_id: Uuid, enrolment_id: Uuid) -> DbResult<Vec<Step>> {
    let rows: Vec<StepRow> = with_pool!(db, |p| {
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

pub async fn add_objective(
    db: &Db,
    actor: &Actor,
    enrolment_id: Uuid,
    theme: &str,
    objective: &str,
    action: &str,
    on: Date,
) -> DbResult<Uuid> {
    get(db, actor.structure_id, enrolment_id).await?;
    let id = passerelle_domain::new_id();
    let change = [FieldChange {
        field: "objective".into(),
        before: None,
        after: Some(format!("{theme} → {objective} → {action}")),
    }];
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        sqlx::query(
            "INSERT INTO objectives (id, structure_id, enrolment_id, theme, objective, action, status, created_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(actor.structure_id)
        .bind(enrolment_id)
        .bind(theme)
        .bind(objective)
        .bind(action)
        .bind(ObjectiveStatus::Planned.code())
        .bind(on)
        .execute(&mut *tx)
        .await?;
        insert_audit!(
            &mut *tx,
            actor,
            AuditAction::Update,
            ENROLMENT.code,
            enrolment_id,
            &change
        )?;
        tx.commit().await?;
    });
    Ok(id)
}

pub async fn objectives(
    db: &Db,
    structure_id: Uuid,
    enrolment_id: Uuid,
) -> DbResult<Vec<Objective>> {
    let rows: Vec<(Uuid, String, String, String, String)> = with_pool!(db, |p| {
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
    pub criterion: passerelle_domain::pathways::step::DiagnosisCriterion,
    pub observed_on: Date,
    pub proof: String,
    pub author: Option<String>,
}

/// Records a criterion with its proof; its author is the actor.
pub async fn add_diagnosis(
    db: &Db,
    actor: &Actor,
    enrolment_id: Uuid,
    criterion: passerelle_domain::pathways::step::DiagnosisCriterion,
    observed_on: Date,
    proof: &str,
) -> DbResult<()> {
    if proof.trim().is_empty() {
        return Err(DbError::Refused(
            "Indiquez la preuve du critère (attestation, notification…).".into(),
        ));
    }
    if proof.chars().count() > 300 {
        return Err(DbError::Refused(
            "La preuve est limitée à 300 caractères.".into(),
        ));
    }
    get(db, actor.structure_id, enrolment_id).await?;
    let change = [FieldChange {
        field: "diagnosis".into(),
        before: None,
        after: Some(criterion.label().to_owned()),
    }];
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
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
        .execute(&mut *tx)
        .await?;
        insert_audit!(
            &mut *tx,
            actor,
            AuditAction::Update,
            ENROLMENT.code,
            enrolment_id,
            &change
        )?;
        tx.commit().await?;
    });
    Ok(())
}

pub async fn diagnosis(
    db: &Db,
    structure_id: Uuid,
    enrolment_id: Uuid,
) -> DbResult<Vec<DiagnosisEntry>> {
    let rows: Vec<(String, Date, String, Option<String>)> = with_pool!(db, |p| {
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

/// Moves an objective's action to a new status (planned, in progress, done, abandoned).
pub async fn set_objective_status(
    db: &Db,
    actor: &Actor,
    enrolment_id: Uuid,
    objective_id: Uuid,
    status: ObjectiveStatus,
) -> DbResult<()> {
    let change = [FieldChange {
        field: "objective_status".into(),
        before: None,
        after: Some(status.label().to_owned()),
    }];
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        let done = sqlx::query("UPDATE objectives SET status = $4 WHERE id = $1 AND enrolment_id = $2 AND structure_id = $3")
            .bind(objective_id)
            .bind(enrolment_id)
            .bind(actor.structure_id)
            .bind(status.code())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if done == 0 {
            return Err(DbError::NotFound);
        }
        insert_audit!(
            &mut *tx,
            actor,
            AuditAction::Update,
            ENROLMENT.code,
            enrolment_id,
            &change
        )?;
        tx.commit().await?;
        Ok(())
    })
}

/// An appointment of the pathway, as the enrolment page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Appointment {
    pub held_on: Date,
    pub kind: passerelle_domain::pathways::step::AppointmentKind,
    pub attended: bool,
    pub note: Option<String>,
    pub with: Option<String>,
}

/// Records an appointment of the pathway with its person; a missed one counts as no contact.
pub async fn add_appointment(
    db: &Db,
    actor: &Actor,
    enrolment_id: Uuid,
    held_on: Date,
    kind: passerelle_domain::pathways::step::AppointmentKind,
    attended: bool,
    note: Option<&str>,
) -> DbResult<()> {
    if note.is_some_and(|n| n.chars().count() > 1000) {
        return Err(DbError::Refused(
            "La note est limitée à 1 000 caractères.".into(),
        ));
    }
    let e = get(db, actor.structure_id, enrolment_id).await?;
    if held_on < e.referred_on {
        return Err(DbError::Refused(
            "Ce rendez-vous précède l'orientation : vérifiez la date.".into(),
        ));
    }
    let change = [FieldChange {
        field: "appointment".into(),
        before: None,
        after: Some(format!("{} le {held_on}", kind.label())),
    }];
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        sqlx::query(
            "INSERT INTO appointments (id, structure_id, person_id, enrolment_id, user_id, held_on, kind, attended, note, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(passerelle_domain::new_id())
        .bind(actor.structure_id)
        .bind(e.person_id)
        .bind(enrolment_id)
        .bind(actor.user_id)
        .bind(held_on)
        .bind(kind.code())
        .bind(attended)
        .bind(note)
        .bind(time::OffsetDateTime::now_utc())
        .execute(&mut *tx)
        .await?;
        insert_audit!(
            &mut *tx,
            actor,
            AuditAction::Update,
            ENROLMENT.code,
            enrolment_id,
            &change
        )?;
        tx.commit().await?;
    });
    Ok(())
}

/// held on, kind, attended, note, staff member.
type AppointmentRow = (Date, String, bool, Option<String>, Option<String>);

pub async fn appointments(
    db: &Db,
    structure_id: Uuid,
    enrolment_id: Uuid,
) -> DbResult<Vec<Appointment>> {
    let rows: Vec<AppointmentRow> = with_pool!(db, |p| {
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
