//! Employment contracts held by a person (CDI, CDD, missions, CDDI, PEC, alternance, creation).

use passerelle_domain::pathways::employment::Contract;
use time::Date;
use uuid::Uuid;

use crate::{Conn, DbError, DbResult, Tx, parse_code, with_conn, with_tx};
use crate::{sql, sql::bind, sql_query};

#[derive(Debug, Clone, PartialEq)]
pub struct StoredContract {
    pub id: Uuid,
    pub person_id: Uuid,
    pub contract: Contract,
    pub trial_period_validated: bool,
    pub version: i64,
}

/// Records the contract `id` on a person of the structure, once the rules allowed it;
/// [`DbError::NotFound`] when the person is not the structure's.
pub async fn insert(
    tx: &mut Tx,
    structure_id: Uuid,
    (id, person_id): (Uuid, Uuid),
    c: &Contract,
    trial_period_validated: bool,
) -> DbResult<()> {
    let done = with_tx!(tx, |t| {
        sqlx::query(
            "INSERT INTO employment_contracts (id, structure_id, person_id, kind, employer, start_on, end_on, weekly_hours, trial_period_validated)
             SELECT $1, $2, id, $4, $5, $6, $7, $8, $9 FROM persons WHERE id = $3 AND structure_id = $2",
        )
        .bind(id)
        .bind(structure_id)
        .bind(person_id)
        .bind(c.kind.code())
        .bind(&c.employer)
        .bind(c.start)
        .bind(c.end)
        .bind(c.weekly_hours)
        .bind(trial_period_validated)
        .execute(&mut *t)
        .await?
        .rows_affected()
    });
    if done == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
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
    c: impl Into<Conn<'_>>,
    structure_id: Uuid,
    person_id: Uuid,
) -> DbResult<Vec<StoredContract>> {
    let rows: Vec<ContractRow> = with_conn!(c.into(), |p| {
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

pub async fn get(c: impl Into<Conn<'_>>, structure_id: Uuid, id: Uuid) -> DbResult<StoredContract> {
    let row: Option<ContractRow> = with_conn!(c.into(), |p| {
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
/// and changes nothing. Figures computed since reflect the correction; published reports
/// keep what they counted.
pub async fn update(
    tx: &mut Tx,
    structure_id: Uuid,
    (id, expected_version): (Uuid, i64),
    c: &Contract,
    trial_period_validated: bool,
) -> DbResult<()> {
    let done = with_tx!(tx, |t| {
        sqlx::query(
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
        .bind(structure_id)
        .bind(expected_version)
        .execute(&mut *t)
        .await?
        .rows_affected()
    });
    if done == 0 {
        return Err(DbError::Conflict);
    }
    Ok(())
}
