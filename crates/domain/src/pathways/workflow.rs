//! The enrolment's state machine: referred → proposed to the access committee → entered or
//! refused → exited → followed up. Each transition is allowed to given roles; the storage keeps
//! a log of the transitions and the status is derived from it, never typed.

use crate::access::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathwayState {
    Referred,
    ProposedToCommittee,
    Entered,
    Refused,
    Exited,
    FollowedUp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathwayEvent {
    ProposeToCommittee,
    CommitteeAdmits,
    CommitteeRefuses,
    Exit,
    RecordFollowUp,
}

impl PathwayState {
    pub const ALL: [PathwayState; 6] = [
        PathwayState::Referred,
        PathwayState::ProposedToCommittee,
        PathwayState::Entered,
        PathwayState::Refused,
        PathwayState::Exited,
        PathwayState::FollowedUp,
    ];

    pub fn label(self) -> &'static str {
        match self {
            PathwayState::Referred => "Orienté",
            PathwayState::ProposedToCommittee => "Proposé au comité",
            PathwayState::Entered => "Entré",
            PathwayState::Refused => "Non retenu",
            PathwayState::Exited => "Sorti",
            PathwayState::FollowedUp => "Suivi à 6 mois fait",
        }
    }
}

impl PathwayEvent {
    pub const ALL: [PathwayEvent; 5] = [
        PathwayEvent::ProposeToCommittee,
        PathwayEvent::CommitteeAdmits,
        PathwayEvent::CommitteeRefuses,
        PathwayEvent::Exit,
        PathwayEvent::RecordFollowUp,
    ];

    /// The state this event leaves from and the one it leads to.
    pub fn edge(self) -> (PathwayState, PathwayState) {
        use PathwayState::*;
        match self {
            PathwayEvent::ProposeToCommittee => (Referred, ProposedToCommittee),
            PathwayEvent::CommitteeAdmits => (ProposedToCommittee, Entered),
            PathwayEvent::CommitteeRefuses => (ProposedToCommittee, Refused),
            PathwayEvent::Exit => (Entered, Exited),
            PathwayEvent::RecordFollowUp => (Exited, FollowedUp),
        }
    }

    /// Who may cause it: committee decisions belong to the programme's manager (who records
    /// the committee) and the director; referents prepare proposals, exits and follow-ups.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            PathwayEvent::ProposeToCommittee => &[Director, Manager, Referent],
            PathwayEvent::CommitteeAdmits | PathwayEvent::CommitteeRefuses => &[Director, Manager],
            PathwayEvent::Exit | PathwayEvent::RecordFollowUp => &[Director, Manager, Referent],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("Impossible depuis l'état « {} ».", .0.label())]
    NotFromState(PathwayState),
    #[error("Votre rôle ne permet pas cette étape.")]
    RoleNotAllowed,
}

/// The state after `event`, if `role` may cause it from `state`.
pub fn next(
    state: PathwayState,
    event: PathwayEvent,
    role: Role,
) -> Result<PathwayState, TransitionError> {
    let (from, to) = event.edge();
    if state != from {
        return Err(TransitionError::NotFromState(state));
    }
    if !event.roles().contains(&role) {
        return Err(TransitionError::RoleNotAllowed);
    }
    Ok(to)
}

/// The current state, derived from the log of events since the referral.
pub fn replay(events: &[PathwayEvent]) -> Option<PathwayState> {
    events.iter().try_fold(PathwayState::Referred, |s, e| {
        let (from, to) = e.edge();
        (s == from).then_some(to)
    })
}

crate::codes::coded!(PathwayState, &PathwayState::ALL);

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (state, event, role): allowed exactly when the event leaves that state and the
    /// role is listed.
    #[test]
    fn every_transition_is_allowed_or_refused_as_specified() {
        let allowed = [
            (
                PathwayState::Referred,
                PathwayEvent::ProposeToCommittee,
                PathwayState::ProposedToCommittee,
            ),
            (
                PathwayState::ProposedToCommittee,
                PathwayEvent::CommitteeAdmits,
                PathwayState::Entered,
            ),
            (
                PathwayState::ProposedToCommittee,
                PathwayEvent::CommitteeRefuses,
                PathwayState::Refused,
            ),
            (
                PathwayState::Entered,
                PathwayEvent::Exit,
                PathwayState::Exited,
            ),
            (
                PathwayState::Exited,
                PathwayEvent::RecordFollowUp,
                PathwayState::FollowedUp,
            ),
        ];
        for state in PathwayState::ALL {
            for event in PathwayEvent::ALL {
                for role in Role::ALL {
                    let result = next(state, event, role);
                    match allowed.iter().find(|(s, e, _)| *s == state && *e == event) {
                        None => assert_eq!(result, Err(TransitionError::NotFromState(state))),
                        Some((_, _, to)) if event.roles().contains(&role) => {
                            assert_eq!(result, Ok(*to))
                        }
                        Some(_) => assert_eq!(result, Err(TransitionError::RoleNotAllowed)),
                    }
                }
            }
        }
    }

    #[test]
    fn only_managers_and_the_director_decide_in_committee() {
        assert!(
            next(
                PathwayState::ProposedToCommittee,
                PathwayEvent::CommitteeAdmits,
                Role::Referent
            )
            .is_err()
        );
        assert!(
            next(
                PathwayState::ProposedToCommittee,
                PathwayEvent::CommitteeAdmits,
                Role::Manager
            )
            .is_ok()
        );
        assert!(
            next(
                PathwayState::Referred,
                PathwayEvent::ProposeToCommittee,
                Role::Reception
            )
            .is_err()
        );
    }

    #[test]
    fn the_state_is_derived_from_the_log() {
        use PathwayEvent::*;
        assert_eq!(replay(&[]), Some(PathwayState::Referred));
        assert_eq!(
            replay(&[ProposeToCommittee, CommitteeAdmits, Exit]),
            Some(PathwayState::Exited)
        );
        assert_eq!(replay(&[ProposeToCommittee, Exit]), None);
    }
}

crate::codes::codes!(PathwayState {
    Referred = "referred",
    ProposedToCommittee = "proposed_to_committee",
    Entered = "entered",
    Refused = "refused",
    Exited = "exited",
    FollowedUp = "followed_up",
});

crate::codes::codes!(PathwayEvent {
    ProposeToCommittee = "propose_to_committee",
    CommitteeAdmits = "committee_admits",
    CommitteeRefuses = "committee_refuses",
    Exit = "exit",
    RecordFollowUp = "record_follow_up",
});
