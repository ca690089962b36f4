//! The signed-in user's own account: changing the password.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use passerelle_db::{sessions, users};
use passerelle_domain::FieldErrors;

use super::see_other;
use crate::AppState;
use crate::auth::{CurrentUser, check_new_password, hash_password, verify_password};
use crate::error::AppResult;
use crate::view::PageCtx;

#[derive(Template, WebTemplate)]
#[template(path = "password.html")]
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

/// Changes the password and closes every session of the account, this one included: the user
/// signs in again with the new password.
pub async fn change_password(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new();
    let stored = users::password_hash(&state.db, user.user.id).await?;
    if !verify_password(&f.current, &stored) {
        errors.add("current", "Le mot de passe actuel est incorrect.");
    }
    check_new_password(
        &mut errors,
        "password",
        &f.password,
        &f.confirm,
        &user.user.email,
    );
    if !errors.is_empty() {
        let page = PasswordPage {
            ctx: PageCtx::new(&user, "compte"),
            errors,
        };
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    users::set_password(
        &state.db,
        user.user.id,
        &hash_password(&f.password)?,
        Some(user.user.id),
    )
    .await?;
    sessions::revoke_all_of_user(&state.db, user.user.id).await?;
    Ok(see_other("/connexion", "mot-de-passe").into_response())
}
