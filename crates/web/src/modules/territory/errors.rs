//! The territory services' refusals as the pages answer them.

use passerelle_services::territory::TerritoryError;

use crate::error::AppError;

impl From<TerritoryError> for AppError {
    fn from(e: TerritoryError) -> AppError {
        match e {
            TerritoryError::Refused(r) => AppError::Refused(r.to_string()),
            TerritoryError::Storage(e) => AppError::from(e),
        }
    }
}
