//! A reader's record scope ([`Scope`]) as SQL conditions: every query that reads pathways,
//! committees, or persons through their pathways ANDs one of these, so that filtering happens
//! in the database (lists are designed for 100 000 persons) and no caller can forget it.

use passerelle_domain::Team;
pub use passerelle_domain::pathways::scope::{Reach, Scope};

use crate::params::{Param, Params};

/// `{programme} IN (the programmes these teams run)`.
fn programme_of_teams(programme: &str, teams: &[Team], params: &mut Params) -> String {
    if teams.is_empty() {
        return "1 = 0".to_owned();
    }
    let list = teams
        .iter()
        .map(|t| params.push(Param::Text(t.code().to_owned())))
        .collect::<Vec<_>>()
        .join(", ");
    format!("{programme} IN (SELECT sg.id FROM programmes sg WHERE sg.team IN ({list}))")
}

/// The condition that enrolment `e` (a table alias) lies in the scope, its structure included.
///
/// The referent in charge is the active one or, after the exit, the last one (who keeps the
/// follow-up), as `enrolments::active_referent` reads it; a pathway without any is waiting
/// for one and belongs to its programme's team.
pub fn pathway_condition(scope: &Scope, e: &str, params: &mut Params) -> String {
    let structure = format!(
        "{e}.structure_id = {}",
        params.push(Param::Uuid(scope.structure_id()))
    );
    let reach = match scope.reach() {
        Reach::Structure => return structure,
        Reach::Nothing => "1 = 0".to_owned(),
        Reach::Teams(teams) => programme_of_teams(&format!("{e}.programme_id"), teams, params),
        Reach::Caseload { user_id, teams } => format!(
            "COALESCE((SELECT sr.user_id FROM enrolment_referents sr WHERE sr.enrolment_id = {e}.id
                 ORDER BY CASE WHEN sr.until_date IS NULL THEN 0 ELSE 1 END, sr.from_date DESC LIMIT 1) = {},
               {})",
            params.push(Param::Uuid(*user_id)),
            programme_of_teams(&format!("{e}.programme_id"), teams, params)
        ),
    };
    format!("{structure} AND {reach}")
}

/// The condition that committee meeting `m` (a table alias) lies in the scope: a committee
/// belongs to its programme's team.
pub fn committee_condition(scope: &Scope, m: &str, params: &mut Params) -> String {
    let structure = format!(
        "{m}.structure_id = {}",
        params.push(Param::Uuid(scope.structure_id()))
    );
    let reach = match scope.reach() {
        Reach::Structure => return structure,
        Reach::Nothing => "1 = 0".to_owned(),
        Reach::Teams(teams) | Reach::Caseload { teams, .. } => {
            programme_of_teams(&format!("{m}.programme_id"), teams, params)
        }
    };
    format!("{structure} AND {reach}")
}
