//! What a pathways use case answers when it does not happen: a rule's typed refusal (its
//! French message is what the user reads), a record that is not there, a concurrent change,
//! or a storage failure.

use passerelle_db::DbError;
use passerelle_domain::RuleViolation;
use passerelle_domain::pathways::rules::{
    CommitteeError, ContractError, ReferralError, StepError, TransitionError,
};

#[derive(Debug, thiserror::Error)]
pub enum PathwaysError {
    #[error(transparent)]
    Referral(#[from] ReferralError),
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error(transparent)]
    Committee(#[from] CommitteeError),
    #[error(transparent)]
    Step(#[from] StepError),
    #[error(transparent)]
    Contract(#[from] ContractError),
    /// A typed rule shared with other modules (the referent assignment).
    #[error(transparent)]
    Rule(#[from] RuleViolation),
    /// A refusal the storage made itself (a referent outside the structure).
    #[error("{0}")]
    Refused(String),
    #[error("Cet enregistrement n'existe pas.")]
    NotFound,
    /// Someone else saved the record since it was read (optimistic locking).
    #[error("L'enregistrement a été modifié par quelqu'un d'autre entre-temps.")]
    Conflict,
    #[error("Cette valeur est déjà utilisée.")]
    Duplicate,
    #[error(transparent)]
    Storage(DbError),
}

impl PathwaysError {
    /// Whether a rule refused the change (the user corrects the form), as opposed to a
    /// missing record, a conflict or a failure.
    pub fn is_refusal(&self) -> bool {
        !matches!(
            self,
            PathwaysError::NotFound
                | PathwaysError::Conflict
                | PathwaysError::Duplicate
                | PathwaysError::Storage(_)
        )
    }
}

impl From<DbError> for PathwaysError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => PathwaysError::NotFound,
            DbError::Conflict => PathwaysError::Conflict,
            DbError::Duplicate(_) => PathwaysError::Duplicate,
            DbError::Refused(m) => PathwaysError::Refused(m),
            DbError::Rule(r) => PathwaysError::Rule(r),
            other => PathwaysError::Storage(other),
        }
    }
}
