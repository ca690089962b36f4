//! The reports services' refusals as the pages answer them.

use passerelle_db::DbError;
use passerelle_domain::FieldErrors;
use passerelle_domain::reports::files::FileProblem;
use passerelle_services::reports::ReportsError;

use crate::error::AppError;

/// A file's problems next to their fields.
pub fn file_field_errors(problems: &[FileProblem]) -> FieldErrors {
    let mut out = FieldErrors::new();
    for p in problems {
        out.add(p.field(), p.to_string());
    }
    out
}

impl From<ReportsError> for AppError {
    fn from(e: ReportsError) -> AppError {
        match e {
            ReportsError::NotFound => AppError::NotFound,
            ReportsError::Conflict => AppError::from(DbError::Conflict),
            ReportsError::Refused(problems) => AppError::Invalid(file_field_errors(&problems)),
            ReportsError::Storage(e) => AppError::from(e),
        }
    }
}
