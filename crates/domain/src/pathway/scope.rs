//! Record scope of pathways: a referent sees and edits their own caseload (and the pathways of
//! their team still waiting for a referent), a manager their team's, the director everything.

use uuid::Uuid;

use crate::access::{Role, Team};

/// Who may see a pathway of a programme run by `programme_team`, whose active referent is
/// `active_referent`.
pub fn in_scope(
    role: Role,
    user_id: Uuid,
    user_teams: &[Team],
    programme_team: Team,
    active_referent: Option<Uuid>,
) -> bool {
    match role {
        Role::Director => true,
        Role::Manager | Role::ReadOnly => user_teams.contains(&programme_team),
        Role::Referent => match active_referent {
            Some(r) => r == user_id,
            None => user_teams.contains(&programme_team),
        },
        Role::Admin | Role::Facilitator | Role::Reception => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
