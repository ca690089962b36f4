//! The guard in front of every route: who is asking (session cookie or API token), is the
//! request genuine (CSRF), and may their role do this (permission matrix).

use std::net::{IpAddr, SocketAddr};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use passerelle_domain::Permission;

use crate::auth::{CurrentUser, SESSION_COOKIE, same_secret, token_hash};
use crate::error::{ApiError, AppError};
use crate::state::AppState;

/// Largest form body the guard reads to find the CSRF token.
const MAX_FORM_BYTES: usize = 1 << 20;
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// The client's address: the socket peer, or the first `X-Forwarded-For` hop when configured.
pub fn client_ip(state: &AppState, req_headers: &HeaderMap, peer: Option<SocketAddr>) -> IpAddr {
    if state.config.trust_forwarded_for
        && let Some(ip) = req_headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return ip;
    }
    peer.map(|p| p.ip()).unwrap_or(IpAddr::from([127, 0, 0, 1]))
}

pub fn peer(req: &Request) -> Option<SocketAddr> {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
}

/// A request sent by another site's page is refused whatever its tokens
/// (`Sec-Fetch-Site`, sent by every current browser).
pub fn cross_site(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site")
}

async fn api_user(state: &AppState, headers: &HeaderMap) -> Result<CurrentUser, AppError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(AppError::Unauthenticated)?;
    let user_id =
        passerelle_db::access::api_tokens::authenticate(&state.db, &token_hash(token.trim()))
            .await?
            .ok_or(AppError::Unauthenticated)?;
    let user = passerelle_db::access::users::get(&state.db, user_id).await?;
    Ok(CurrentUser {
        user,
        session: None,
    })
}

/// The signed-in user of a browser request, if its session is live.
pub async fn session_user(
    state: &AppState,
    jar: &CookieJar,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
        return Ok(None);
    };
    let Some(session) = passerelle_db::access::sessions::find_live(
        &state.db,
        &token_hash(&token),
        state.config.session_idle,
    )
    .await?
    else {
        return Ok(None);
    };
    let user = passerelle_db::access::users::get(&state.db, session.user_id).await?;
    if !user.active {
        return Ok(None);
    }
    Ok(Some(CurrentUser {
        user,
        session: Some(session),
    }))
}

/// Reads the CSRF token of a form body and gives the body back untouched.
async fn form_csrf(req: Request) -> Result<(Request, Option<String>), AppError> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AppError::BadRequest("Formulaire trop volumineux.".into()))?;
    let token = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v.into_owned());
    Ok((Request::from_parts(parts, Body::from(bytes)), token))
}

pub async fn guard(
    State((state, permission)): State<(AppState, Permission)>,
    req: Request,
    next: Next,
) -> Response {
    let checked = if is_api(req.uri().path()) {
        check_api(&state, permission, req)
            .await
            .map_err(IntoResponse::into_response)
    } else {
        check_browser(&state, permission, req)
            .await
            .map_err(IntoResponse::into_response)
    };
    match checked {
        Ok(req) => next.run(req).await,
        Err(refusal) => refusal,
    }
}

/// An API call: a live token of an account whose role allows `permission`.
async fn check_api(
    state: &AppState,
    permission: Permission,
    mut req: Request,
) -> Result<Request, ApiError> {
    let user = api_user(state, req.headers()).await?;
    if !user.can(permission) {
        return Err(AppError::Forbidden.into());
    }
    req.extensions_mut().insert(user);
    Ok(req)
}

/// A browser request: a live session, a genuine request (same site, CSRF token) for anything
/// but a read, and a role that allows `permission`.
async fn check_browser(
    state: &AppState,
    permission: Permission,
    mut req: Request,
) -> Result<Request, AppError> {
    let jar = CookieJar::from_headers(req.headers());
    let user = session_user(state, &jar)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method {
        if cross_site(req.headers()) {
            return Err(AppError::Forbidden);
        }
        let header_token = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let (r, form_token) = match header_token {
            Some(t) => (req, Some(t)),
            None => form_csrf(req).await?,
        };
        req = r;
        let expected = user.csrf();
        if !form_token.is_some_and(|t| !expected.is_empty() && same_secret(&t, expected)) {
            tracing::warn!("request refused: missing or wrong CSRF token");
            return Err(AppError::Forbidden);
        }
    }
    if !user.can(permission) {
        return Err(AppError::Forbidden);
    }
    req.extensions_mut().insert(user);
    Ok(req)
}
