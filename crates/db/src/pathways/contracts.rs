//! Employment contracts held by a person (CDI, CDD, missions, CDDI, PEC, alternance, creation).

use passerelle_domain::audit::{Actor, AuditAction, FieldChange};
use passerelle_domain::pathways::employment::Contract;
use passerelle_domain::persons::PERSON;
use time::Date;
use uuid::Uuid;

use crate::{Db, DbError, DbResult, insert_audit, parse_code, with_pool};
use crate::{sql, sql::bind, sql_query};

#[derive(Debug, Clone, PartialEq)]
pub struct StoredContract {
    pub id: Uuid,
    pub person_id: Uuid,
    pub contract: Contract,
    pub trial_period_validated: bool,
    pub version: i64,
}

/// What a contract may not be: ending before it starts, hours outside 0–48 a week, no
/// employer.
fn check(c: &Contract) -> DbResult<()> {
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
    passerelle_domain::pathways::texts::required(
        "l'employeur",
        &c.employer,
        passerelle_domain::pathways::texts::EMPLOYER,
    )
    .map_err(DbError::Refused)?;
    Ok(())
}

/// Records a contract on a person; refused as [`check`] says.
pub async fn add(
    db: &Db,
    actor: &Actor,
    person_id: Uuid,
    c: &Contract,
    trial_period_validated: bool,
) -> DbResult<Uuid> {
    check(c)?;
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
            PERSON.code,
            person_id,
            &change
        )?;
        tx.commit().await?;
    });
    Ok(id)
}

/// id, person, kind, employer, start, end, weekly hours, trial period validated, version.
type ContractRow = (
    Uuid,
    Uuid,
    String,
    String,
    Date,
    Option<Date>,
    f64,
    bool,
    i64,
);

const COLUMNS: &str = "id, person_id, kind, employer, start_on, end_on, weekly_hours, trial_period_validated, version";

fn stored(row: ContractRow) -> DbResult<StoredContract> {
    let (id, person_id, kind, employer, start, end, weekly_hours, trial, version) = row;
    Ok(StoredContract {
        id,
        person_id,
        contract: Contract {
            kind: parse_code(&kind)?,
            employer,
            start,
            end,
            weekly_hours,
        },
        trial_period_validated: trial,
        version,
    })
}

pub async fn of_person(
    db: &Db,
    structure_id: Uuid,
    person_id: Uuid,
) -> DbResult<Vec<StoredContract>> {
    let rows: Vec<ContractRow> = with_pool!(db, |p| {
        sql_query!(
            sqlx::query_as,
            sql![
                "SELECT ",
                COLUMNS,
                " FROM employment_contracts WHERE structure_id = ",
                bind(structure_id),
                " AND person_id = ",
                bind(person_id),
                " ORDER BY start_on, id"
            ]
        )
        .fetch_all(p)
        .await?
    });
    rows.into_iter().map(stored).collect()
}

pub async fn get(db: &Db, structure_id: Uuid, id: Uuid) -> DbResult<StoredContract> {
    let row: Option<ContractRow> = with_pool!(db, |p| {
        sql_query!(
            sqlx::query_as,
            sql![
                "SELECT ",
                COLUMNS,
                " FROM employment_contracts WHERE structure_id = ",
                bind(structure_id),
                " AND id = ",
                bind(id)
            ]
        )
        .fetch_optional(p)
        .await?
    });
    row.map(stored).ok_or(DbError::NotFound)?
}

/// Corrects a contract read at `expected_version`: a stale edit gives [`DbError::Conflict`]
/// and changes nothing. Audited field by field on the person's record. Figures computed
/// since reflect the correction; published reports keep what they counted.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    expected_version: i64,
    c: &Contract,
    trial_period_validated: bool,
) -> DbResult<()> {
    check(c)?;
    let before = get(db, actor.structure_id, id).await?;
    let show = |c: &Contract, trial: bool| {
        vec![
            ("contrat : type", c.kind.label().to_owned()),
            ("contrat : employeur", c.employer.clone()),
            ("contrat : début", c.start.to_string()),
            (
                "contrat : fin",
                c.end.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("contrat : heures par semaine", c.weekly_hours.to_string()),
            ("contrat : période d'essai validée", trial.to_string()),
        ]
    };
    let changes = passerelle_domain::audit::diff(
        &show(&before.contract, before.trial_period_validated),
        &show(c, trial_period_validated),
    );
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        let done = sqlx::query(
            "UPDATE employment_contracts SET kind = $1, employer = $2, start_on = $3, end_on = $4, weekly_hours = $5,
                trial_period_validated = $6, version = version + 1
             WHERE id = $7 AND structure_id = $8 AND version = $9",
        )
        .bind(c.kind.code())
        .bind(&c.employer)
        .bind(c.start)
        .bind(c.end)
        .bind(c.weekly_hours)
        .bind(trial_period_validated)
        .bind(id)
        .bind(actor.structure_id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            return Err(DbError::Conflict);
        }
        insert_audit!(
            &mut *tx,
            actor,
            AuditAction::Update,
            PERSON.code,
            before.person_id,
            &changes
        )?;
        tx.commit().await?;
    });
    Ok(())
}
