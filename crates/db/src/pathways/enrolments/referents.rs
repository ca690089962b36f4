//! A pathway's referents over time: exactly one active at any time (RULES.md rule 12).

use passerelle_domain::audit::{Actor, AuditAction, FieldChange};
use passerelle_domain::pathways::ENROLMENT;
use passerelle_domain::pathways::referent::{Candidate, PathwayLife, check_assignment};
use passerelle_domain::pathways::workflow::PathwayState;
use time::Date;
use uuid::Uuid;

use super::get_in_structure;
use crate::{Db, DbError, DbResult, insert_audit, with_pool};

/// Makes `user_id` the referent from `from`: the previous referent's period ends the day
/// before. The rule (`referent::check_assignment`) says who may hold the pathway and from
/// when; the database refuses a second active referent whatever the caller does.
pub async fn assign_referent(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    user_id: Uuid,
    from: Date,
) -> DbResult<()> {
    let e = get_in_structure(db, actor.structure_id, id).await?;
    if matches!(
        e.state,
        PathwayState::Exited | PathwayState::FollowedUp | PathwayState::Refused
    ) {
        return Err(DbError::Refused(
            "Ce parcours est terminé : il n'a plus de référent.".into(),
        ));
    }
    let candidate = crate::access::users::get(db, user_id).await?;
    if candidate.structure_id != actor.structure_id {
        return Err(DbError::NotFound);
    }
    let programme =
        crate::pathways::programmes::get(db, actor.structure_id, e.programme_id).await?;
    let current_from = referents(db, actor.structure_id, id)
        .await?
        .into_iter()
        .find(|r| r.until_date.is_none())
        .map(|r| r.from_date);
    check_assignment(
        Candidate {
            role: candidate.role,
            teams: &candidate.teams,
            active: candidate.active,
        },
        PathwayLife {
            programme_team: programme.def.team,
            referred_on: e.referred_on,
            current_from,
        },
        from,
        passerelle_domain::clock::today(),
    )
    .map_err(|r| DbError::Rule(r.into()))?;
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
            ENROLMENT.code,
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
