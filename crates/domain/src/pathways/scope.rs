//! Record scope of pathways: a referent sees and edits their own caseload (and the pathways of
//! their team still waiting for a referent), a manager their team's, the director everything.
//!
//! A [`Scope`] is built once per request from the signed-in reader; the storage layer takes
//! one on every read of pathways, committees, or persons through their pathways, and renders
//! it as a SQL condition, so that no page, list or API route can read around it.

use uuid::Uuid;

use crate::access::{Role, Team};

/// How far a reader reaches among the pathways of their structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Every pathway: the director, and the report's own computations.
    Structure,
    /// The pathways of the programmes these teams run (managers, read-only accounts).
    Teams(Vec<Team>),
    /// The pathways this referent is in charge of, and those of their teams' programmes that
    /// have no referent yet.
    Caseload { user_id: Uuid, teams: Vec<Team> },
    /// No pathway (admin, facilitator, reception).
    Nothing,
}

/// What one reader may open of the pathways of one structure, and of what hangs on them
/// (committees, steps, contracts, the names behind a figure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    structure_id: Uuid,
    reach: Reach,
}

impl Scope {
    /// The record scope of a principal.
    pub fn of(p: &crate::Principal) -> Scope {
        Scope::of_reader(p.structure_id.uuid(), p.role, p.user_id.uuid(), &p.teams)
    }

    /// The scope of a signed-in staff member.
    pub fn of_reader(structure_id: Uuid, role: Role, user_id: Uuid, teams: &[Team]) -> Scope {
        let reach = match role {
            Role::Director => Reach::Structure,
            Role::Manager | Role::ReadOnly => Reach::Teams(teams.to_vec()),
            Role::Referent => Reach::Caseload {
                user_id,
                teams: teams.to_vec(),
            },
            Role::Admin | Role::Facilitator | Role::Reception => Reach::Nothing,
        };
        Scope {
            structure_id,
            reach,
        }
    }

    /// Every record of the structure: for the report's figures (a figure's value is the whole
    /// structure's), the command line and the demo; never for a request's reader.
    pub fn whole_structure(structure_id: Uuid) -> Scope {
        Scope {
            structure_id,
            reach: Reach::Structure,
        }
    }

    pub fn structure_id(&self) -> Uuid {
        self.structure_id
    }

    pub fn reach(&self) -> &Reach {
        &self.reach
    }

    /// Whether nothing of the structure is outside this scope.
    pub fn is_whole_structure(&self) -> bool {
        self.reach == Reach::Structure
    }

    /// Whether this scope covers a pathway of a programme run by `programme_team`, whose
    /// referent in charge is `referent` (`None`: waiting for one).
    pub fn covers(&self, programme_team: Team, referent: Option<Uuid>) -> bool {
        match &self.reach {
            Reach::Structure => true,
            Reach::Teams(teams) => teams.contains(&programme_team),
            Reach::Caseload { user_id, teams } => match referent {
                Some(r) => r == *user_id,
                None => teams.contains(&programme_team),
            },
            Reach::Nothing => false,
        }
    }

    /// Whether this scope covers the committees of a programme run by `programme_team`: a
    /// committee belongs to its programme's team.
    pub fn covers_programme(&self, programme_team: Team) -> bool {
        match &self.reach {
            Reach::Structure => true,
            Reach::Teams(teams) | Reach::Caseload { teams, .. } => teams.contains(&programme_team),
            Reach::Nothing => false,
        }
    }
}

/// Who may see a pathway of a programme run by `programme_team`, whose referent in charge is
/// `active_referent`.
pub fn in_scope(
    role: Role,
    user_id: Uuid,
    user_teams: &[Team],
    programme_team: Team,
    active_referent: Option<Uuid>,
) -> bool {
    Scope::of_reader(Uuid::nil(), role, user_id, user_teams).covers(programme_team, active_referent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn referents_see_their_own_caseload_only() {
        let me = Uuid::now_v7();
        let colleague = Uuid::now_v7();
        assert!(in_scope(
            Role::Referent,
            me,
            &[Team::Plie],
            Team::Plie,
            Some(me)
        ));
        assert!(!in_scope(
            Role::Referent,
            me,
            &[Team::Plie],
            Team::Plie,
            Some(colleague)
        ));
        assert!(in_scope(
            Role::Referent,
            me,
            &[Team::Plie],
            Team::Plie,
            None
        ));
        assert!(!in_scope(
            Role::Referent,
            me,
            &[Team::Fabrik],
            Team::Plie,
            None
        ));
        assert!(in_scope(
            Role::Manager,
            me,
            &[Team::Plie],
            Team::Plie,
            Some(colleague)
        ));
        assert!(!in_scope(
            Role::Manager,
            me,
            &[Team::Clause],
            Team::Plie,
            Some(colleague)
        ));
        assert!(in_scope(
            Role::Director,
            me,
            &[],
            Team::Plie,
            Some(colleague)
        ));
        assert!(!in_scope(
            Role::Reception,
            me,
            &[Team::Plie],
            Team::Plie,
            None
        ));
    }

    #[test]
    fn a_manager_holds_the_committees_of_their_teams_programmes_only() {
        let s = Uuid::now_v7();
        let plie_manager = Scope::of_reader(s, Role::Manager, Uuid::now_v7(), &[Team::Plie]);
        assert!(plie_manager.covers_programme(Team::Plie));
        assert!(!plie_manager.covers_programme(Team::Fabrik));
        assert!(Scope::whole_structure(s).covers_programme(Team::Fabrik));
        let reception = Scope::of_reader(s, Role::Reception, Uuid::now_v7(), &[Team::Plie]);
        assert!(!reception.covers_programme(Team::Plie));
    }

    fn role() -> impl Strategy<Value = Role> {
        prop::sample::select(Role::ALL.to_vec())
    }

    fn team() -> impl Strategy<Value = Team> {
        prop::sample::select(Team::ALL.to_vec())
    }

    proptest! {
        /// Only the director reaches the whole structure; roles without pathways reach none.
        #[test]
        fn scope_follows_the_role(
            role in role(),
            teams in prop::collection::vec(team(), 0..3),
            programme in team(),
            referent in prop::option::of(any::<u128>().prop_map(Uuid::from_u128)),
        ) {
            let me = Uuid::now_v7();
            let scope = Scope::of_reader(Uuid::nil(), role, me, &teams);
            prop_assert_eq!(scope.is_whole_structure(), role == Role::Director);
            if matches!(role, Role::Admin | Role::Facilitator | Role::Reception) {
                prop_assert!(!scope.covers(programme, referent));
                prop_assert!(!scope.covers(programme, Some(me)));
            }
            // A pathway in a reader's scope is always within their committees' programmes,
            // except a referent's own caseload in another team's programme.
            if scope.covers(programme, referent) && role != Role::Referent {
                prop_assert!(scope.covers_programme(programme));
            }
        }
    }
}
