//! A reader's record scope ([`Scope`]) as SQL conditions: every query that reads pathways,
//! committees, or persons through their pathways ANDs one of these, so that filtering happens
//! in the database (lists are designed for 100 000 persons) and no caller can forget it.

use passerelle_domain::Team;
pub use passerelle_domain::pathways::scope::{Reach, Scope};

use crate::sql;
use crate::sql::{Sql, bind};

/// `{alias}.programme_id IN (the programmes these teams run)`.
fn programme_of_teams(alias: &'static str, teams: &[Team]) -> Sql {
    if teams.is_empty() {
        return sql!["1 = 0"];
    }
    sql![
        alias,
        ".programme_id IN (SELECT sg.id FROM programmes sg WHERE sg.team IN (",
        Sql::list(teams.iter().map(|t| t.code())),
        "))"
    ]
}

/// The condition that enrolment `e` (a table alias) lies in the scope, its structure included.
///
/// The referent in charge is the active one or, after the exit, the last one (who keeps the
/// follow-up), as `enrolments::active_referent` reads it; a pathway without any is waiting
/// for one and belongs to its programme's team.
pub fn pathway_condition(scope: &Scope, e: &'static str) -> Sql {
    let structure = sql![e, ".structure_id = ", bind(scope.structure_id())];
    let reach = match scope.reach() {
        Reach::Structure => return structure,
        Reach::Nothing => sql!["1 = 0"],
        Reach::Teams(teams) => programme_of_teams(e, teams),
        Reach::Caseload { user_id, teams } => sql![
            "COALESCE((SELECT sr.user_id FROM enrolment_referents sr WHERE sr.enrolment_id = ", e,
            ".id
                 ORDER BY CASE WHEN sr.until_date IS NULL THEN 0 ELSE 1 END, sr.from_date DESC LIMIT 1) = ",
            bind(*user_id),
            ",
               ",
            programme_of_teams(e, teams),
            ")"
        ],
    };
    sql![structure, " AND ", reach]
}

/// The condition that committee meeting `m` (a table alias) lies in the scope: a committee
/// belongs to its programme's team.
pub fn committee_condition(scope: &Scope, m: &'static str) -> Sql {
    let structure = sql![m, ".structure_id = ", bind(scope.structure_id())];
    let reach = match scope.reach() {
        Reach::Structure => return structure,
        Reach::Nothing => sql!["1 = 0"],
        Reach::Teams(teams) | Reach::Caseload { teams, .. } => programme_of_teams(m, teams),
    };
    sql![structure, " AND ", reach]
}
