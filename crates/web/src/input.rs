//! The input policy at the door, for every route in one place:
//! - [`check_input`]: no control character in the path, the query string or a form or JSON
//!   body (a NUL breaks PostgreSQL's text; the others are invisible), before any guard,
//!   extractor or handler reads them; line breaks and tabs pass (multi-line fields), each
//!   field's own parser refuses them where a field holds one line;
//! - [`french_errors`]: what the framework answers by itself (a path, query, form or JSON
//!   extractor's rejection, a body too large, an unknown route or method) comes back in French,
//!   as an HTML page for pages and JSON `{error, fields}` for the API, like every `AppError`.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use passerelle_domain::FieldErrors;
use passerelle_domain::validation::{CONTROL_MESSAGE, forbidden_control};

use crate::error::{ApiError, AppError};
use crate::guard::is_api;

/// Largest body any route reads (axum's own default limit, stated once).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The answer to a request refused at the door: JSON under `/api/`, a page elsewhere.
pub(crate) fn answer(api: bool, e: AppError) -> Response {
    if api {
        ApiError::from(e).into_response()
    } else {
        e.into_response()
    }
}

fn control_in(field: &str, errors: &mut FieldErrors, value: &str) {
    if forbidden_control(value).is_some() {
        errors.add(field, CONTROL_MESSAGE);
    }
}

/// A percent-encoded path, decoded (invalid escapes kept as typed).
fn percent_decoded(raw: &str) -> String {
    percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned()
}

fn form_pairs(errors: &mut FieldErrors, bytes: &[u8]) {
    for (k, v) in form_urlencoded::parse(bytes) {
        control_in(&k, errors, &k);
        control_in(&k, errors, &v);
    }
}

/// Every string of a JSON document (keys too), named by its path (`steps.0.title`).
fn json_strings(errors: &mut FieldErrors, path: &str, v: &serde_json::Value) {
    use serde_json::Value;
    let name = |k: &str| {
        if path.is_empty() {
            k.to_owned()
        } else {
            format!("{path}.{k}")
        }
    };
    match v {
        Value::String(s) => control_in(if path.is_empty() { "body" } else { path }, errors, s),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                json_strings(errors, &name(&i.to_string()), item);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                let field = name(k);
                control_in(&field, errors, k);
                json_strings(errors, &field, item);
            }
        }
        _ => {}
    }
}

enum BodyKind {
    Form,
    Json,
    Other,
}

fn body_kind(req: &Request) -> BodyKind {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if ct.starts_with("application/x-www-form-urlencoded") {
        BodyKind::Form
    } else if ct.starts_with("application/json") || ct.contains("+json") {
        BodyKind::Json
    } else {
        BodyKind::Other
    }
}

/// Refuses a request carrying a control character, before anything reads it.
pub async fn check_input(req: Request, next: Next) -> Response {
    let api = is_api(req.uri().path());
    let mut errors = FieldErrors::new();
    control_in("adresse", &mut errors, &percent_decoded(req.uri().path()));
    if let Some(q) = req.uri().query() {
        form_pairs(&mut errors, q.as_bytes());
    }
    let kind = body_kind(&req);
    let writes = matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH);
    if api && writes && !matches!(kind, BodyKind::Json) {
        return answer(api, unsupported_media_type());
    }
    let req = match kind {
        BodyKind::Other => req,
        BodyKind::Form | BodyKind::Json => {
            let (parts, body) = req.into_parts();
            let bytes: Bytes = match to_bytes(body, MAX_BODY_BYTES).await {
                Ok(b) => b,
                Err(_) => return answer(api, too_large()),
            };
            match kind {
                BodyKind::Form => form_pairs(&mut errors, &bytes),
                _ => {
                    // What is not JSON is the handler's to refuse, with its own message.
                    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                        json_strings(&mut errors, "", &v);
                    }
                }
            }
            Request::from_parts(parts, Body::from(bytes))
        }
    };
    if !errors.is_empty() {
        tracing::info!("request refused: control character in the input");
        return answer(api, AppError::Invalid(errors));
    }
    next.run(req).await
}

/// The API reads JSON only: a write in any other type is refused before it is read.
fn unsupported_media_type() -> AppError {
    AppError::Rejected {
        status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
        message:
            "Type de contenu non pris en charge : envoyez du JSON (Content-Type: application/json)."
                .into(),
        fields: FieldErrors::new(),
    }
}

fn too_large() -> AppError {
    AppError::Rejected {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        message: format!(
            "Contenu trop volumineux : {} Mo au plus.",
            MAX_BODY_BYTES / (1024 * 1024)
        ),
        fields: FieldErrors::new(),
    }
}

/// An answer the framework wrote itself: an error in plain text, or with no body at all
/// (every answer of ours is an HTML page or JSON).
fn from_framework(res: &Response) -> bool {
    let failed = res.status().is_client_error() || res.status().is_server_error();
    let plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|ct| ct.starts_with("text/plain"));
    failed && plain
}

/// The field an axum rejection names (`per_page: invalid digit…` names `per_page`).
fn named_field(detail: &str) -> Option<String> {
    let (head, _) = detail.split_once(':')?;
    let head = head.trim();
    (!head.is_empty() && head.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| head.to_owned())
}

/// The French error for what the framework refused, told from its status and the start of its
/// (English) text, which is never shown.
fn framework_error(status: StatusCode, text: &str) -> AppError {
    let rejected = |message: &str, fields: FieldErrors| AppError::Rejected {
        status,
        message: message.to_owned(),
        fields,
    };
    let field_error = |rest: &str, message: &str| match named_field(rest) {
        Some(f) => FieldErrors::one(&f, message),
        None => FieldErrors::new(),
    };
    match status {
        StatusCode::NOT_FOUND => AppError::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => rejected(
            "Cette adresse n'accepte pas cette méthode (voir l'en-tête Allow).",
            FieldErrors::new(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => too_large(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => unsupported_media_type(),
        _ if text.starts_with("Invalid URL") || text.starts_with("Wrong number of path") => {
            rejected(
                "Adresse invalide : un identifiant ou un paramètre du chemin est mal formé.",
                FieldErrors::one("adresse", "Identifiant ou paramètre mal formé."),
            )
        }
        _ if text.starts_with("Failed to deserialize query string") => {
            let rest = text.split_once(": ").map(|(_, r)| r).unwrap_or_default();
            rejected(
                "Paramètre de l'adresse invalide.",
                field_error(rest, "Valeur invalide pour ce paramètre."),
            )
        }
        _ if text.starts_with("Failed to deserialize form") => {
            let rest = text.split_once(": ").map(|(_, r)| r).unwrap_or_default();
            rejected(
                "Formulaire invalide : un champ a une valeur inattendue.",
                field_error(rest, "Valeur invalide pour ce champ."),
            )
        }
        _ if text.contains("JSON") || text.contains("json") => rejected(
            "Corps JSON illisible ou de forme inattendue.",
            FieldErrors::new(),
        ),
        s if s.is_server_error() => AppError::Internal(format!("framework answer {s}")),
        _ => rejected("Requête invalide.", FieldErrors::new()),
    }
}

/// Rewrites the framework's own error answers in French.
pub async fn french_errors(req: Request, next: Next) -> Response {
    let api = is_api(req.uri().path());
    let res = next.run(req).await;
    if !from_framework(&res) {
        return res;
    }
    let status = res.status();
    let allow: Option<HeaderValue> = res.headers().get(header::ALLOW).cloned();
    let text = to_bytes(res.into_body(), 4096).await.unwrap_or_default();
    let mut out = answer(
        api,
        framework_error(status, &String::from_utf8_lossy(&text)),
    );
    if let Some(a) = allow {
        out.headers_mut().insert(header::ALLOW, a);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_decoded_to_find_control_characters() {
        assert_eq!(percent_decoded("/personnes/a%00b"), "/personnes/a\0b");
        assert_eq!(percent_decoded("/a%2"), "/a%2");
        assert_eq!(percent_decoded("/a%zz"), "/a%zz");
        assert_eq!(percent_decoded("/%C3%A9"), "/é");
    }

    #[test]
    fn json_strings_are_named_by_their_path() {
        let mut e = FieldErrors::new();
        let v = serde_json::json!({"a": "ok", "b": [{"c": "x\u{0}"}], "d\u{1}": 1});
        json_strings(&mut e, "", &v);
        assert!(e.get("b.0.c").is_some());
        assert!(e.get("d\u{1}").is_some());
        assert!(e.get("a").is_none());
    }

    #[test]
    fn rejections_name_their_field() {
        assert_eq!(
            named_field("per_page: invalid digit found in string"),
            Some("per_page".into())
        );
        assert_eq!(named_field("invalid type: expected x"), None);
    }
}
