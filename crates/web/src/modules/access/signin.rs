//! Sign-in and sign-out. Password checks are counted per account in the database (lock) and
//! failures per address in memory; a refusal reads the same whatever its cause.

use askama::Template;
use axum::Extension;
use axum::Form;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use passerelle_db::{access::sessions, access::users};

use crate::AppState;
use crate::auth::{
    CurrentUser, PasswordCheck, SESSION_COOKIE, SIGNIN_COOKIE, check_password_counted, dummy_hash,
    random_token, same_secret, token_hash, verify_off_thread,
};
use crate::error::{AppError, AppResult};
use crate::guard::{client_ip, cross_site, peer, session_user};
use crate::view::PageCtx;

#[derive(Template)]
#[template(path = "access/signin.html")]
struct SigninPage {
    ctx: PageCtx,
    csrf: String,
    email: String,
    message: Option<String>,
}

fn cookie(
    state: &AppState,
    name: &'static str,
    value: String,
    path: &'static str,
    same_site: SameSite,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .secure(state.config.secure_cookies)
        .same_site(same_site)
        .path(path)
        .build()
}

fn page(
    state: &AppState,
    jar: CookieJar,
    status: StatusCode,
    email: String,
    message: Option<String>,
) -> AppResult<Response> {
    let token = random_token()?;
    let jar = jar.add(cookie(
        state,
        SIGNIN_COOKIE,
        token.clone(),
        "/connexion",
        SameSite::Strict,
    ));
    let html = SigninPage {
        ctx: PageCtx::default(),
        csrf: token,
        email,
        message,
    }
    .render()
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((status, jar, Html(html)).into_response())
}

pub async fn form(State(state): State<AppState>, jar: CookieJar) -> AppResult<Response> {
    if session_user(&state, &jar).await?.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    page(&state, jar, StatusCode::OK, String::new(), None)
}

#[derive(serde::Deserialize)]
pub struct SigninForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
}

/// The one answer to a refused sign-in, whether the account is unknown, the password wrong or
/// the account locked: the answer must not tell which.
const WRONG: &str = "Adresse e-mail ou mot de passe incorrect. Après dix essais infructueux, un compte reste bloqué quinze minutes.";

pub async fn submit(
    State(state): State<AppState>,
    jar: CookieJar,
    req: Request,
) -> AppResult<Response> {
    let ip = client_ip(&state, req.headers(), peer(&req));
    let headers: HeaderMap = req.headers().clone();
    let Form(f) = Form::<SigninForm>::from_request(req, &state)
        .await
        .map_err(|_| AppError::BadRequest("Formulaire de connexion illisible.".into()))?;
    let expected = jar
        .get(SIGNIN_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if cross_site(&headers) || expected.is_empty() || !same_secret(&expected, &f.csrf_token) {
        return Err(AppError::Forbidden);
    }
    if state.signin_limit.is_blocked(ip) {
        return Err(AppError::TooManyRequests(
            "Trop de tentatives de connexion depuis ce poste. Patientez quelques minutes avant de réessayer.".into(),
        ));
    }
    let found = users::by_email(&state.db, &f.email).await?;
    let signed_in = match &found {
        Some((user, hash)) => {
            let check = check_password_counted(&state, user, &f.password, hash).await?;
            check == PasswordCheck::Right && user.active
        }
        None => {
            verify_off_thread(&f.password, dummy_hash()).await;
            false
        }
    };
    let Some((user, _)) = found.filter(|_| signed_in) else {
        state.signin_limit.record_failure(ip);
        tracing::info!("failed sign-in");
        return page(
            &state,
            jar,
            StatusCode::UNAUTHORIZED,
            f.email,
            Some(WRONG.into()),
        );
    };
    let token = random_token()?;
    sessions::create(
        &state.db,
        user.structure_id,
        user.id,
        &token_hash(&token),
        &random_token()?,
        state.config.session_absolute,
    )
    .await?;
    tracing::info!(user_id = %user.id, "signed in");
    let jar = jar
        .remove(Cookie::build(SIGNIN_COOKIE).path("/connexion").build())
        .add(cookie(&state, SESSION_COOKIE, token, "/", SameSite::Lax));
    Ok((jar, Redirect::to("/")).into_response())
}

pub async fn sign_out(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    jar: CookieJar,
) -> AppResult<Response> {
    if let Some(s) = &user.session {
        sessions::revoke(&state.db, s).await?;
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/").build());
    Ok((jar, Redirect::to("/connexion")).into_response())
}
