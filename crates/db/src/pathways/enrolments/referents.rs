//! A pathway's referents over time: exactly one active at any time (RULES.md rule 12).

use time::Date;
use uuid::Uuid;

use crate::{Conn, Db, DbError, DbResult, Tx, with_conn, with_pool, with_tx};

/// Makes `user_id` the referent from `from`, once the rule (`referent::check_assignment`)
/// has allowed it: the previous referent's period ends the day before. The database refuses
/// a second active referent whatever the caller does.
pub async fn assign_referent(
    tx: &mut Tx,
    structure_id: Uuid,
    id: Uuid,
    user_id: Uuid,
    from: Date,
) -> DbResult<()> {
    let inserted = with_tx!(tx, |c| {
        sqlx::query("UPDATE enrolment_referents SET until_date = $2 WHERE enrolment_id = $1 AND until_date IS NULL")
            .bind(id)
            .bind(from.previous_day().unwrap_or(from))
            .execute(&mut *c)
            .await?;
        sqlx::query(
            "INSERT INTO enrolment_referents (id, structure_id, enrolment_id, user_id, from_date)
             SELECT $1, $2, $3, u.id, $5 FROM users u WHERE u.id = $4 AND u.structure_id = $2",
        )
        .bind(passerelle_domain::new_id())
        .bind(structure_id)
        .bind(id)
        .bind(user_id)
        .bind(from)
        .execute(&mut *c)
        .await
        .map_err(DbError::from_write)?
        .rows_affected()
    });
    if inserted == 0 {
        return Err(DbError::Refused(
            "Ce référent n'existe pas dans la structure.".into(),
        ));
    }
    Ok(())
}

/// Since when the active referent holds the pathway, if it has one.
pub async fn current_referent_from(
    c: impl Into<Conn<'_>>,
    structure_id: Uuid,
    id: Uuid,
) -> DbResult<Option<Date>> {
    Ok(with_conn!(c.into(), |c| {
        sqlx::query_scalar(
            "SELECT from_date FROM enrolment_referents
             WHERE structure_id = $1 AND enrolment_id = $2 AND until_date IS NULL",
        )
        .bind(structure_id)
        .bind(id)
        .fetch_optional(c)
        .await?
    }))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReferentPeriod {
    pub user_id: Uuid,
    pub display_name: String,
    pub from_date: Date,
    pub until_date: Option<Date>,
}

/// The referents of an enrolment over time, the current one first.
pub async fn referents(
    c: impl Into<Conn<'_>>,
    structure_id: Uuid,
    id: Uuid,
) -> DbResult<Vec<ReferentPeriod>> {
    Ok(with_conn!(c.into(), |p| {
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
