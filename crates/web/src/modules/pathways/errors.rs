//! How a pathways use case's failure answers: a rule's refusal is a 422 with its French
//! message (next to the form on a page), a missing or out-of-scope record a 404, a concurrent
//! change a 409; a storage failure is internal.

use passerelle_services::pathways::PathwaysError;

use crate::error::AppError;

impl From<PathwaysError> for AppError {
    fn from(e: PathwaysError) -> Self {
        match e {
            PathwaysError::NotFound => AppError::NotFound,
            PathwaysError::Conflict | PathwaysError::Duplicate => AppError::Conflict(e.to_string()),
            PathwaysError::Storage(db) => AppError::from(db),
            refusal => AppError::Refused(refusal.to_string()),
        }
    }
}
