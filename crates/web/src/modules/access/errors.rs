//! The access services' refusals as the pages answer them.

use passerelle_domain::FieldErrors;
use passerelle_domain::access::accounts::AccountError;
use passerelle_services::access::AccessError;

use crate::error::AppError;

/// A new account's problems next to their fields.
pub fn account_field_errors(errors: &[AccountError]) -> FieldErrors {
    let mut out = FieldErrors::new();
    for e in errors {
        out.add(e.field(), e.to_string());
    }
    out
}

impl From<AccessError> for AppError {
    fn from(e: AccessError) -> AppError {
        match e {
            AccessError::NotFound | AccessError::UnknownStructure(_) | AccessError::NoStructure => {
                AppError::NotFound
            }
            AccessError::EmailTaken => AppError::Conflict(e.to_string()),
            AccessError::Invalid(errors) => AppError::Invalid(account_field_errors(&errors)),
            AccessError::Password(p) => AppError::BadRequest(format!("Mot de passe refusé : {p}")),
            AccessError::Rights(r) => AppError::BadRequest(r.to_string()),
            AccessError::TokenName(_) | AccessError::TokenForAnother | AccessError::Inactive(_) => {
                AppError::Refused(e.to_string())
            }
            AccessError::Hashing(m) => AppError::Internal(m),
            AccessError::Storage(e) => AppError::from(e),
        }
    }
}
