//! The persons services' refusals as the pages and the API answer them.

use passerelle_db::DbError;
use passerelle_services::persons::PersonsError;

use crate::error::AppError;

impl From<PersonsError> for AppError {
    fn from(e: PersonsError) -> AppError {
        match e {
            PersonsError::NotFound => AppError::NotFound,
            PersonsError::Conflict => AppError::from(DbError::Conflict),
            PersonsError::LooksLike(_) => AppError::Conflict(e.to_string()),
            PersonsError::Refused(r) => AppError::Refused(r.to_string()),
            PersonsError::Storage(e) => AppError::from(e),
        }
    }
}
