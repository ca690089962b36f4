//! A request id on every request: the logs of a request carry it (a tracing span), the answer
//! carries it (`X-Request-Id`), and an error page shows it, so that a user who calls support
//! with « référence 3f9c0a1b2d4e » leads straight to the log lines, which hold no personal data.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    static CURRENT: String;
}

/// The id of the request being answered, if any.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

/// Twelve hex digits: unique enough to find a request in a day of logs, short enough to read
/// over the phone.
fn new_id() -> String {
    let mut bytes = [0u8; 6];
    match getrandom::fill(&mut bytes) {
        Ok(()) => hex::encode(bytes),
        Err(_) => format!("{:012x}", uuid::Uuid::now_v7().as_u128() & 0xffff_ffff_ffff),
    }
}

/// Runs the request inside its span and its id, and puts the id on the answer.
pub async fn with_request_id(req: Request, next: Next) -> Response {
    let id = new_id();
    let span = tracing::info_span!("request", id = %id, method = %req.method());
    let mut res = CURRENT
        .scope(id.clone(), next.run(req).instrument(span))
        .await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(HEADER, v);
    }
    res
}
