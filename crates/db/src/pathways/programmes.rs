//! Programmes of a structure, as data (defaults installed once, then edited by an admin).

use passerelle_domain::Team;
use passerelle_domain::pathways::eligibility::Eligibility;
use passerelle_domain::pathways::programme::{ProgrammeDef, default_programmes};
use uuid::Uuid;

use crate::sql::bind;
use crate::{
    Conn, Db, DbError, DbResult, Tx, parse_code, sql, sql_query, with_conn, with_pool, with_tx,
};

#[derive(Debug, Clone, PartialEq)]
pub struct Programme {
    pub id: Uuid,
    pub def: ProgrammeDef,
    pub active: bool,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    code: String,
    name: String,
    team: String,
    eligibility: String,
    exit_reasons: String,
    max_duration_months: Option<i64>,
    alert_months: i64,
    transition_window_months: i64,
    active: bool,
}

impl TryFrom<Row> for Programme {
    type Error = DbError;
    fn try_from(r: Row) -> DbResult<Programme> {
        let team: Team = parse_code(&r.team)?;
        let eligibility: Eligibility =
            serde_json::from_str(&r.eligibility).map_err(|e| DbError::Corrupt(e.to_string()))?;
        Ok(Programme {
            id: r.id,
            def: ProgrammeDef {
                code: r.code,
                name: r.name,
                team,
                eligibility,
                max_duration_months: r.max_duration_months.map(|m| m as i32),
                exit_reasons: exit_reasons(&r.exit_reasons)?,
                alert_months: r.alert_months as i32,
                transition_window_months: r.transition_window_months as i32,
            },
            active: r.active,
        })
    }
}

const COLUMNS: &str = "id, code, name, team, eligibility, exit_reasons, max_duration_months, alert_months, transition_window_months, active";

/// The exit typology as stored: the reasons' codes separated by spaces.
pub fn reasons_text(def: &ProgrammeDef) -> String {
    def.exit_reasons
        .iter()
        .map(|r| r.code())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Installs the shipped programmes a structure does not have yet.
pub async fn ensure_defaults(tx: &mut Tx, structure_id: Uuid) -> DbResult<()> {
    for p in default_programmes() {
        let eligibility =
            serde_json::to_string(&p.eligibility).map_err(|e| DbError::Corrupt(e.to_string()))?;
        with_tx!(tx, |c| {
            sqlx::query(
                "INSERT INTO programmes (id, structure_id, code, name, team, eligibility, max_duration_months, alert_months, exit_reasons, transition_window_months)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (structure_id, code) DO NOTHING",
            )
            .bind(passerelle_domain::new_id())
            .bind(structure_id)
            .bind(&p.code)
            .bind(&p.name)
            .bind(p.team.code())
            .bind(eligibility)
            .bind(p.max_duration_months.map(i64::from))
            .bind(i64::from(p.alert_months))
            .bind(reasons_text(&p))
            .bind(i64::from(p.transition_window_months))
            .execute(&mut *c)
            .await?;
        });
    }
    Ok(())
}

pub async fn list(db: &Db, structure_id: Uuid) -> DbResult<Vec<Programme>> {
    let sql = sql![
        "SELECT ",
        COLUMNS,
        " FROM programmes WHERE structure_id = ",
        bind(structure_id),
        " ORDER BY CASE WHEN code = 'plie' THEN 0 ELSE 1 END, name"
    ];
    let rows: Vec<Row> = with_pool!(db, |p| {
        sql_query!(sqlx::query_as, sql).fetch_all(p).await?
    });
    rows.into_iter().map(Programme::try_from).collect()
}

pub async fn get(c: impl Into<Conn<'_>>, structure_id: Uuid, id: Uuid) -> DbResult<Programme> {
    let sql = sql![
        "SELECT ",
        COLUMNS,
        " FROM programmes WHERE structure_id = ",
        bind(structure_id),
        " AND id = ",
        bind(id)
    ];
    let row: Option<Row> = with_conn!(c.into(), |p| {
        sql_query!(sqlx::query_as, sql).fetch_optional(p).await?
    });
    row.ok_or(DbError::NotFound)?.try_into()
}

pub async fn by_code(db: &Db, structure_id: Uuid, code: &str) -> DbResult<Programme> {
    let sql = sql![
        "SELECT ",
        COLUMNS,
        " FROM programmes WHERE structure_id = ",
        bind(structure_id),
        " AND code = ",
        bind(code)
    ];
    let row: Option<Row> = with_pool!(db, |p| {
        sql_query!(sqlx::query_as, sql).fetch_optional(p).await?
    });
    row.ok_or(DbError::NotFound)?.try_into()
}

/// Saves an admin's edit of a programme (its code stays: figures and imports refer to it).
pub async fn update(
    tx: &mut Tx,
    structure_id: Uuid,
    id: Uuid,
    def: &ProgrammeDef,
    active: bool,
) -> DbResult<()> {
    let eligibility =
        serde_json::to_string(&def.eligibility).map_err(|e| DbError::Corrupt(e.to_string()))?;
    with_tx!(tx, |c| {
        sqlx::query(
            "UPDATE programmes SET name = $3, team = $4, eligibility = $5, max_duration_months = $6, alert_months = $7,
                active = $8, exit_reasons = $9, transition_window_months = $10, version = version + 1 WHERE id = $1 AND structure_id = $2",
        )
        .bind(id)
        .bind(structure_id)
        .bind(&def.name)
        .bind(def.team.code())
        .bind(eligibility)
        .bind(def.max_duration_months.map(i64::from))
        .bind(i64::from(def.alert_months))
        .bind(active)
        .bind(reasons_text(def))
        .bind(i64::from(def.transition_window_months))
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// A programme's stored exit typology: codes separated by spaces, every reason when empty.
pub(crate) fn exit_reasons(
    stored: &str,
) -> DbResult<Vec<passerelle_domain::pathways::exit::ExitReason>> {
    if stored.trim().is_empty() {
        return Ok(passerelle_domain::pathways::exit::ExitReason::VARIANTS.to_vec());
    }
    stored.split_whitespace().map(parse_code).collect()
}
