//! Employment contracts held by a person (CDI, CDD, missions, CDDI, PEC, alternance, creation).

use passerelle_domain::audit::{Actor, AuditAction, FieldChange};
use passerelle_domain::pathway::employment::{Contract, ContractKind};
use time::Date;
use uuid::Uuid;

use crate::audit::ENTITY_PERSON;
use crate::{Db, DbError, DbResult, insert_audit, parse_code, with_pool};

#[derive(Debug, Clone, PartialEq)]
pub struct StoredContract {
    pub id: Uuid,
    pub contract: Contract,
    pub trial_period_validated: bool,
}

/// Records a contract on a person. A contract ending before it starts, or hours outside
/// 0–48 a week, is refused.
pub async fn add(
    db: &Db,
    actor: &Actor,
    person_id: Uuid,
    c: &Contract,
    trial_period_validated: bool,
) -> DbResult<Uuid> {
    if c.end.is_some_and(|e| e < c.start) {
        return Err(DbError::Refused(
            "Le contrat ne peut pas finir avant de commencer.".into(),
        ));
    }
    if !(0.0..=48.0).contains(&c.weekly_hours) {
        return Err(DbError::Refused(
            "La durée hebdomadaire doit être comprise entre 0 et 48 heures.".into(),
        ));
    }
    if c.employer.trim().is_empty() {
        return Err(DbError::Refused("Indiquez l'employeur.".into()));
    }
    let id = passerelle_domain::new_id();
    let change = [FieldChange {
        field: "contract".into(),
        before: None,
        after: Some(format!(
            "{} chez {} du {}",
            c.kind.label(),
            c.employer,
            c.start
        )),
    }];
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        let done = sqlx::query(
            "INSERT INTO employment_contracts (id, structure_id, person_id, kind, employer, start_on, end_on, weekly_hours, trial_period_validated)
             SELECT $1, $2, id, $4, $5, $6, $7, $8, $9 FROM persons WHERE id = $3 AND structure_id = $2",
        )
        .bind(id)
        .bind(actor.structure_id)
        .bind(person_id)
        .bind(c.kind.code())
        .bind(&c.employer)
        .bind(c.start)
        .bind(c.end)
        .bind(c.weekly_hours)
        .bind(trial_period_validated)
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
            ENTITY_PERSON,
            person_id,
            &change
        )?;
        tx.commit().await?;
    });
    Ok(id)
}

/// id, kind, employer, start, end, weekly hours, trial period validated.
type ContractRow = (Uuid, String, String, Date, Option<Date>, f64, bool);

pub async fn of_person(
    db: &Db,
    structure_id: Uuid,
    person_id: Uuid,
) -> DbResult<Vec<StoredContract>> {
    let rows: Vec<ContractRow> = with_pool!(db, |p| {
        sqlx::query_as(
            "SELECT id, kind, employer, start_on, end_on, weekly_hours, trial_period_validated FROM employment_contracts
             WHERE structure_id = $1 AND person_id = $2 ORDER BY start_on, id",
        )
        .bind(structure_id)
        .bind(person_id)
        .fetch_all(p)
        .await?
    });
    rows.into_iter()
        .map(|(id, kind, employer, start, end, weekly_hours, trial)| {
            let kind: ContractKind = parse_code(&kind)?;
            Ok(StoredContract {
                id,
                contract: Contract {
                    kind,
                    employer,
                    start,
                    end,
                    weekly_hours,
                },
                trial_period_validated: trial,
            })
        })
        .collect()
}
