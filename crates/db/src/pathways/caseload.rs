//! The caseloads: every pathway not over, with what its alerts are computed from.

use passerelle_domain::pathways::workflow::PathwayState;
use time::Date;
use uuid::Uuid;

use crate::pathways::scope::{Scope, pathway_condition};
use crate::sql::bind;
use crate::{Db, DbResult, parse_code, sql, sql_query, with_pool};

/// An open pathway as the caseload shows it, with what its alerts are computed from.
#[derive(Debug, Clone)]
pub struct CaseloadRow {
    pub enrolment_id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    pub programme_name: String,
    pub programme_team: passerelle_domain::Team,
    pub max_duration_months: Option<i32>,
    pub alert_months: i32,
    pub state: PathwayState,
    pub referred_on: Date,
    pub entered_on: Option<Date>,
    /// The active referent, or the last one after the exit.
    pub referent_id: Option<Uuid>,
    pub referent_name: Option<String>,
    pub follow_up_due: Option<Date>,
    pub next_step_end: Option<Date>,
    pub next_contract_end: Option<Date>,
    /// The latest appointment held with the person on this pathway.
    pub last_contact: Option<Date>,
}

#[derive(sqlx::FromRow)]
struct CaseloadSqlRow {
    enrolment_id: Uuid,
    person_id: Uuid,
    person_name: String,
    programme_name: String,
    programme_team: String,
    max_duration_months: Option<i64>,
    alert_months: i64,
    state: Option<String>,
    referred_on: Date,
    entered_on: Option<Date>,
    referent_id: Option<Uuid>,
    referent_name: Option<String>,
    follow_up_due: Option<Date>,
    next_step_end: Option<Date>,
    next_contract_end: Option<Date>,
    last_contact: Option<Date>,
}

/// Every pathway in the reader's scope that is not over (over: refused, or followed up after
/// exit), for the caseloads.
pub async fn open_pathways(db: &Db, scope: &Scope, on: Date) -> DbResult<Vec<CaseloadRow>> {
    let sql = sql![
        "SELECT e.id AS enrolment_id, e.person_id, p.last_name || ' ' || p.first_names AS person_name,
            g.name AS programme_name, g.team AS programme_team, g.max_duration_months, g.alert_months,
            ", crate::pathways::enrolments::state_of_e!(), " AS state,
            e.referred_on, e.entered_on, r.user_id AS referent_id, u.display_name AS referent_name,
            (SELECT MIN(f.due_on) FROM follow_ups f WHERE f.enrolment_id = e.id AND f.done_on IS NULL) AS follow_up_due,
            (SELECT MIN(s.end_on) FROM steps s WHERE s.enrolment_id = e.id AND s.end_on >= ", bind(on), ") AS next_step_end,
            (SELECT MIN(c.end_on) FROM employment_contracts c WHERE c.person_id = e.person_id AND c.end_on >= ", bind(on), ") AS next_contract_end,
            (SELECT MAX(a.held_on) FROM appointments a WHERE a.enrolment_id = e.id AND a.attended = ", bind(true), ") AS last_contact
         FROM enrolments e
         JOIN persons p ON p.id = e.person_id
         JOIN programmes g ON g.id = e.programme_id
         LEFT JOIN enrolment_referents r ON r.id = (
             SELECT r2.id FROM enrolment_referents r2 WHERE r2.enrolment_id = e.id
             ORDER BY CASE WHEN r2.until_date IS NULL THEN 0 ELSE 1 END, r2.from_date DESC LIMIT 1)
         LEFT JOIN users u ON u.id = r.user_id
         WHERE ", pathway_condition(scope, "e"), "
         ORDER BY p.last_name, p.first_names"
    ];
    let rows: Vec<CaseloadSqlRow> = with_pool!(db, |p| {
        sql_query!(sqlx::query_as::<_, CaseloadSqlRow>, sql)
            .fetch_all(p)
            .await?
    });
    let mut out = Vec::new();
    for r in rows {
        let state = match &r.state {
            Some(s) => parse_code(s)?,
            None => PathwayState::Referred,
        };
        if matches!(state, PathwayState::Refused | PathwayState::FollowedUp) {
            continue;
        }
        out.push(CaseloadRow {
            enrolment_id: r.enrolment_id,
            person_id: r.person_id,
            person_name: r.person_name,
            programme_name: r.programme_name,
            programme_team: parse_code(&r.programme_team)?,
            max_duration_months: r.max_duration_months.map(|m| m as i32),
            alert_months: r.alert_months as i32,
            state,
            referred_on: r.referred_on,
            entered_on: r.entered_on,
            referent_id: r.referent_id,
            referent_name: r.referent_name,
            follow_up_due: r.follow_up_due,
            next_step_end: r.next_step_end,
            next_contract_end: r.next_contract_end,
            last_contact: r.last_contact,
        });
    }
    Ok(out)
}
