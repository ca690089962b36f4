//! The signed-in user's own account: changing the password.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use passerelle_db::access::users;
use passerelle_domain::FieldErrors;
use passerelle_domain::access::accounts::check_new_password;
use passerelle_services::{By, access};

use crate::AppState;
use crate::auth::{CurrentUser, PasswordCheck, check_password_counted};
use crate::error::AppResult;
use crate::pages::see_other;
use crate::view::PageCtx;

#[derive(Template, WebTemplate)]
#[template(path = "access/password.html")]
pub struct PasswordPage {
    ctx: PageCtx,
    errors: FieldErrors,
}

pub async fn password_form(Extension(user): Extension<CurrentUser>) -> PasswordPage {
    PasswordPage {
        ctx: PageCtx::new(&user, "compte"),
        errors: FieldErrors::new(),
    }
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// Changes the password and closes every session and API token of the account, this one
/// included: the user signs in again with the new password. The current password is checked
/// against the same counter as sign-in, so that a left-open session cannot guess it.
pub async fn change_password(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new();
    let stored = users::password_hash(&state.db, user.user.id).await?;
    let check = check_password_counted(&state, &user.user, &f.current, &stored).await?;
    match check {
        PasswordCheck::Right => {}
        PasswordCheck::Wrong => errors.add("current", "Le mot de passe actuel est incorrect."),
        PasswordCheck::Locked => errors.add(
            "current",
            "Trop d'essais infructueux : le mot de passe actuel ne sera plus vérifié pendant quinze minutes.",
        ),
    }
    if let Err(p) = check_new_password(&f.password, &f.confirm, &user.user.email) {
        errors.add(p.field(), p.to_string());
    }
    if !errors.is_empty() {
        let page = PasswordPage {
            ctx: PageCtx::new(&user, "compte"),
            errors,
        };
        let status = if check == PasswordCheck::Locked {
            StatusCode::TOO_MANY_REQUESTS
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return Ok((status, page).into_response());
    }
    let by = By::Staff(user.actor());
    access::set_password(&state.db, &by, user.user.id, &f.password, &f.confirm).await?;
    Ok(see_other("/connexion", "mot-de-passe").into_response())
}
