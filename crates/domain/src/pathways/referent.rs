//! Who may become a pathway's referent, and from when (RULES.md rule 12: exactly one active
//! referent at any time). A referent holds the programme's pathways: a referent or a manager
//! of the programme's team, with an active account; their period lies within the pathway's
//! life and follows the current referent's, so that no period is ever inverted.

use time::Date;

use crate::access::{Role, Team};
use crate::french;

/// The account proposed as referent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate<'a> {
    pub role: Role,
    pub teams: &'a [Team],
    pub active: bool,
}

/// The pathway as the assignment sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathwayLife {
    pub programme_team: Team,
    /// The day the pathway began (its referral).
    pub referred_on: Date,
    /// The current referent's first day, if there is one.
    pub current_from: Option<Date>,
}

/// Why an assignment is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferentError {
    #[error("Ce compte est désactivé : il ne peut pas être référent.")]
    Inactive,
    #[error(
        "Un compte « {} » ne peut pas être référent de parcours : choisissez un référent ou un responsable d'équipe.",
        .0.label()
    )]
    Role(Role),
    #[error("Ce compte n'appartient pas à l'équipe {} qui porte ce dispositif.", .0.label())]
    Team(Team),
    #[error("Le référent ne peut pas commencer avant le début du parcours (le {}).", french::date(*.0))]
    BeforePathway(Date),
    #[error(
        "Le nouveau référent doit commencer après le référent actuel (en charge depuis le {}).",
        french::date(*.0)
    )]
    BeforeCurrent(Date),
    #[error("La date de début ne peut pas être dans le futur (au-delà du {}).", french::date(*.0))]
    Future(Date),
    #[error("Ce parcours est terminé : il n'a plus de référent.")]
    PathwayOver,
}

/// A referent is assigned to a pathway that is not over (exited, followed up or refused).
pub fn check_pathway_open(
    state: crate::pathways::workflow::PathwayState,
) -> Result<(), ReferentError> {
    use crate::pathways::workflow::PathwayState::*;
    match state {
        Exited | FollowedUp | Refused => Err(ReferentError::PathwayOver),
        Referred | ProposedToCommittee | Entered => Ok(()),
    }
}

/// Whether `candidate` may hold pathways of a programme run by `team` (the list of referents
/// a page offers).
pub fn may_hold(candidate: Candidate<'_>, team: Team) -> bool {
    holder_error(candidate, team).is_none()
}

fn holder_error(candidate: Candidate<'_>, team: Team) -> Option<ReferentError> {
    if !candidate.active {
        Some(ReferentError::Inactive)
    } else if !matches!(candidate.role, Role::Referent | Role::Manager) {
        Some(ReferentError::Role(candidate.role))
    } else if !candidate.teams.contains(&team) {
        Some(ReferentError::Team(team))
    } else {
        None
    }
}

/// Checks that `candidate` may be the referent of the pathway from `from`, on `today`.
pub fn check_assignment(
    candidate: Candidate<'_>,
    life: PathwayLife,
    from: Date,
    today: Date,
) -> Result<(), ReferentError> {
    if let Some(e) = holder_error(candidate, life.programme_team) {
        return Err(e);
    }
    if from < life.referred_on {
        return Err(ReferentError::BeforePathway(life.referred_on));
    }
    if from > today {
        return Err(ReferentError::Future(today));
    }
    match life.current_from {
        Some(current) if from <= current => Err(ReferentError::BeforeCurrent(current)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2021 - 06 - 15);

    fn life(current_from: Option<Date>) -> PathwayLife {
        PathwayLife {
            programme_team: Team::Plie,
            referred_on: date!(2021 - 01 - 10),
            current_from,
        }
    }

    fn plie(role: Role) -> Candidate<'static> {
        Candidate {
            role,
            teams: &[Team::Plie],
            active: true,
        }
    }

    #[test]
    fn a_plie_referent_or_manager_may_hold_a_plie_pathway() {
        for role in [Role::Referent, Role::Manager] {
            assert_eq!(
                check_assignment(plie(role), life(None), date!(2021 - 02 - 01), TODAY),
                Ok(())
            );
        }
    }

    #[test]
    fn reception_admin_read_only_facilitator_and_director_are_refused() {
        for role in [
            Role::Reception,
            Role::Admin,
            Role::ReadOnly,
            Role::Facilitator,
            Role::Director,
        ] {
            assert_eq!(
                check_assignment(plie(role), life(None), date!(2021 - 02 - 01), TODAY),
                Err(ReferentError::Role(role))
            );
        }
    }

    #[test]
    fn another_team_or_an_inactive_account_is_refused() {
        let fabrik = Candidate {
            role: Role::Referent,
            teams: &[Team::Fabrik],
            active: true,
        };
        assert_eq!(
            check_assignment(fabrik, life(None), date!(2021 - 02 - 01), TODAY),
            Err(ReferentError::Team(Team::Plie))
        );
        let gone = Candidate {
            active: false,
            ..plie(Role::Referent)
        };
        assert_eq!(
            check_assignment(gone, life(None), date!(2021 - 02 - 01), TODAY),
            Err(ReferentError::Inactive)
        );
    }

    #[test]
    fn the_period_lies_within_the_pathway_and_after_the_current_referent() {
        let r = plie(Role::Referent);
        assert_eq!(
            check_assignment(r, life(None), date!(2001 - 01 - 01), TODAY),
            Err(ReferentError::BeforePathway(date!(2021 - 01 - 10)))
        );
        assert_eq!(
            check_assignment(r, life(None), date!(2021 - 06 - 16), TODAY),
            Err(ReferentError::Future(TODAY))
        );
        let current = Some(date!(2021 - 03 - 01));
        assert_eq!(
            check_assignment(r, life(current), date!(2021 - 03 - 01), TODAY),
            Err(ReferentError::BeforeCurrent(date!(2021 - 03 - 01)))
        );
        assert_eq!(
            check_assignment(r, life(current), date!(2021 - 03 - 02), TODAY),
            Ok(())
        );
    }

    proptest! {
        /// Whatever the dates, an accepted assignment never yields an inverted period: the new
        /// period starts within the pathway, and the current one ends (the day before) on or
        /// after its own start.
        #[test]
        fn an_accepted_period_is_never_inverted(from in 0i32..4000, current in proptest::option::of(0i32..4000)) {
            let base = date!(2015 - 01 - 01);
            let day = |n: i32| base + time::Duration::days(i64::from(n));
            let life = PathwayLife { current_from: current.map(day), ..life(None) };
            if check_assignment(plie(Role::Referent), life, day(from), day(3000)).is_ok() {
                prop_assert!(day(from) >= life.referred_on);
                prop_assert!(day(from) <= day(3000));
                if let Some(c) = life.current_from {
                    prop_assert!(day(from) - time::Duration::days(1) >= c);
                }
            }
        }
    }
}
