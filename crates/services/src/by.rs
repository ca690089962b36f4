//! Who makes a change, as the audit trail records it.

use passerelle_domain::audit::Actor;
use uuid::Uuid;

/// A signed-in staff member, or a command run on the server (the operator's shell, the demo,
/// the tests' set-up), which acts for a structure and is audited as done by no one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Staff(Actor),
    Server { structure_id: Uuid },
}

impl By {
    /// The structure whose trail records the change.
    pub fn structure_id(&self) -> Uuid {
        match self {
            By::Staff(a) => a.structure_id,
            By::Server { structure_id } => *structure_id,
        }
    }

    /// The staff member the trail names (`None`: the server).
    pub fn user_id(&self) -> Option<Uuid> {
        match self {
            By::Staff(a) => Some(a.user_id),
            By::Server { .. } => None,
        }
    }
}
