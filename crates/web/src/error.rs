//! One error type for handlers: French pages for the browser, JSON for the API. Internal
//! errors are logged once, without personal data, and never shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use passerelle_db::DbError;
use passerelle_domain::FieldErrors;

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
    /// The request came through the API: answer in JSON.
    Api(Box<AppError>),
}

impl AppError {
    pub fn api(self) -> AppError {
        match self {
            AppError::Api(_) => self,
            other => AppError::Api(Box::new(other)),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Rejected { status, .. } => *status,
            AppError::Api(inner) => inner.status(),
        }
    }

    fn message(&self) -> String {
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
            AppError::Api(inner) => inner.message(),
        }
    }

    /// The field errors the answer carries.
    fn fields(&self) -> FieldErrors {
        match self {
            AppError::Invalid(f) | AppError::Rejected { fields: f, .. } => f.clone(),
            AppError::Api(inner) => inner.fields(),
            _ => FieldErrors::new(),
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

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        if let AppError::Api(inner) = &self {
            if let AppError::Internal(detail) = inner.as_ref() {
                tracing::error!(%detail, "internal error");
            }
            let status = inner.status();
            let body = serde_json::json!({
                "error": inner.message(),
                "fields": inner.fields(),
            });
            return (status, Json(body)).into_response();
        }
        if matches!(self, AppError::Unauthenticated) {
            return axum::response::Redirect::to("/connexion").into_response();
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

pub type AppResult<T> = Result<T, AppError>;
