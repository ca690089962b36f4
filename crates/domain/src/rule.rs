//! A rule of the field refusing a change, typed: callers show its French message next to the
//! form, and tests assert on which rule refused rather than on the wording.

use crate::pathways::referent::ReferentError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleViolation {
    #[error(transparent)]
    Referent(#[from] ReferentError),
}
