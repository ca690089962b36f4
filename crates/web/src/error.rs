//! Handler errors, one type per kind of answer, so that a handler's signature says what it
//! answers: [`AppError`] for the French pages (an error page quoting the request's id, or the
//! sign-in page), [`ApiError`] for the JSON API (`{"error", "fields"}`). Both carry the same
//! causes with the same status codes; an API handler turns a cause into its answer with `?`
//! (`From<AppError> for ApiError`). Internal errors are logged once, without personal data,
//! and never shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use passerelle_db::DbError;
use passerelle_domain::FieldErrors;

/// What went wrong in a page handler (and, wrapped in [`ApiError`], in an API handler).
#[derive(Debug)]
pub enum AppError {
    /// Not signed in: the browser is sent to the sign-in page.
    Unauthenticated,
    Forbidden,
    NotFound,
    /// Invalid input from the API (forms re-render themselves instead).
    Invalid(FieldErrors),
    Conflict(String),
    TooManyRequests(String),
    BadRequest(String),
    /// A rule of the field refuses the change (422), with what to fix.
    Refused(String),
    Internal(String),
    /// What the framework or the input policy refused before any handler (a malformed
    /// identifier, a body too large, an unknown method), with its own status.
    Rejected {
        status: StatusCode,
        message: String,
        fields: FieldErrors,
    },
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) | AppError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Rejected { status, .. } => *status,
        }
    }

    /// The French message shown to the user (never an internal detail).
    pub fn message(&self) -> String {
        match self {
            AppError::Unauthenticated => "Connectez-vous pour continuer.".into(),
            AppError::Forbidden => "Votre rôle ne permet pas cette action.".into(),
            AppError::NotFound => "Cette page ou cet enregistrement n'existe pas.".into(),
            AppError::Invalid(_) => "Certains champs sont à corriger.".into(),
            AppError::Conflict(m)
            | AppError::TooManyRequests(m)
            | AppError::BadRequest(m)
            | AppError::Refused(m)
            | AppError::Rejected { message: m, .. } => m.clone(),
            AppError::Internal(_) => {
                "Une erreur interne est survenue. Réessayez ; si elle persiste, prévenez l'administrateur.".into()
            }
        }
    }

    /// The field errors the answer carries.
    pub fn fields(&self) -> FieldErrors {
        match self {
            AppError::Invalid(f) | AppError::Rejected { fields: f, .. } => f.clone(),
            _ => FieldErrors::new(),
        }
    }

    /// Logs an internal error's detail, the one place it goes.
    fn log_internal(&self) {
        if let AppError::Internal(detail) = self {
            tracing::error!(%detail, "internal error");
        }
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => AppError::NotFound,
            DbError::Conflict => AppError::Conflict(
                "L'enregistrement a été modifié par quelqu'un d'autre entre-temps.".into(),
            ),
            DbError::Duplicate(_) => AppError::Conflict("Cette valeur est déjà utilisée.".into()),
            DbError::Refused(m) => AppError::Refused(m),
            DbError::Rule(r) => AppError::Refused(r.to_string()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// A page: the error page with the message and each field's error, or the sign-in page.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log_internal();
        if matches!(self, AppError::Unauthenticated) {
            return Redirect::to("/connexion").into_response();
        }
        let status = self.status();
        let mut message = self.message();
        for (field, m) in self.fields().iter() {
            message.push_str(&format!(" « {field} » : {m}"));
        }
        let page = crate::view::error_page(status, &message);
        (status, Html(page)).into_response()
    }
}

/// An error of the JSON API: the same causes as [`AppError`], answered as
/// `{"error": message, "fields": {field: message}}` with the same status.
#[derive(Debug)]
pub struct ApiError(AppError);

impl ApiError {
    /// What went wrong, as a page would say it.
    pub fn cause(&self) -> &AppError {
        &self.0
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        ApiError(AppError::from(e))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        e.log_internal();
        let body = serde_json::json!({
            "error": e.message(),
            "fields": e.fields(),
        });
        (e.status(), Json(body)).into_response()
    }
}

pub type AppResult<T> = Result<T, AppError>;
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    fn every_cause() -> Vec<AppError> {
        vec![
            AppError::Unauthenticated,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::Invalid(FieldErrors::one("nom", "Indiquez le nom.")),
            AppError::Conflict("Conflit.".into()),
            AppError::TooManyRequests("Trop.".into()),
            AppError::BadRequest("Mauvaise.".into()),
            AppError::Refused("Refusé.".into()),
            AppError::Internal("détail".into()),
            AppError::Rejected {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                message: "Trop gros.".into(),
                fields: FieldErrors::new(),
            },
        ]
    }

    fn content_type(r: &Response) -> &str {
        r.headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    #[test]
    fn the_api_answers_json_with_the_status_of_the_cause() {
        for cause in every_cause() {
            let status = cause.status();
            let r = ApiError::from(cause).into_response();
            assert_eq!(r.status(), status);
            assert_eq!(content_type(&r), "application/json");
        }
    }

    #[test]
    fn a_page_answers_html_or_sends_to_the_sign_in_page() {
        for cause in every_cause() {
            let status = cause.status();
            let r = cause.into_response();
            if status == StatusCode::UNAUTHORIZED {
                assert_eq!(r.status(), StatusCode::SEE_OTHER);
                assert_eq!(r.headers().get(header::LOCATION).unwrap(), "/connexion");
            } else {
                assert_eq!(r.status(), status);
                assert!(content_type(&r).starts_with("text/html"));
            }
        }
    }

    #[test]
    fn storage_errors_keep_their_status_on_both_kinds_of_answer() {
        assert!(matches!(
            ApiError::from(DbError::NotFound).cause(),
            AppError::NotFound
        ));
        assert!(matches!(
            AppError::from(DbError::Conflict),
            AppError::Conflict(_)
        ));
    }
}
