//! Administration: staff accounts, their sessions, and API tokens.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use passerelle_db::access::users::{self, User};
use passerelle_db::{access::api_tokens, access::sessions};
use passerelle_domain::access::accounts::AccountRequest;
use passerelle_domain::{FieldErrors, Role, Team};
use passerelle_services::By;
use passerelle_services::access::{self, AccessError};
use uuid::Uuid;

use super::errors::account_field_errors;
use crate::AppState;
use crate::auth::{CurrentUser, new_api_token};
use crate::error::{AppError, AppResult};
use crate::pages::{Choice, choices};
use crate::pages::{Notice, see_other};
use crate::view::{PageCtx, fr_datetime};

pub struct UserRow {
    pub user: User,
    pub role_label: String,
    pub teams: String,
    pub live_sessions: i64,
    pub locked: bool,
}

impl UserRow {
    fn has_team(&self, code: &str) -> bool {
        self.user.teams.iter().any(|t| t.code() == code)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "access/users.html")]
pub struct UsersPage {
    ctx: PageCtx,
    rows: Vec<UserRow>,
    roles: Vec<Choice>,
    teams: Vec<Choice>,
    form: NewUserForm,
    errors: FieldErrors,
}

#[derive(Default, Clone, serde::Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// Never prints the password, whatever logs or panics a `{:?}` reaches.
impl std::fmt::Debug for NewUserForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUserForm")
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("password", &"***")
            .finish_non_exhaustive()
    }
}

fn role_choices() -> Vec<Choice> {
    choices::<Role>()
}

fn team_choices() -> Vec<Choice> {
    choices::<Team>()
}

async fn users_page(
    state: &AppState,
    user: &CurrentUser,
    form: NewUserForm,
    errors: FieldErrors,
) -> AppResult<UsersPage> {
    let s = user.user.structure_id;
    let live = sessions::live_counts(&state.db, s).await?;
    let now = time::OffsetDateTime::now_utc();
    let rows = users::list(&state.db, s)
        .await?
        .into_iter()
        .map(|u| UserRow {
            role_label: u.role.label().to_owned(),
            teams: u
                .teams
                .iter()
                .map(|t| t.label())
                .collect::<Vec<_>>()
                .join(", "),
            live_sessions: live
                .iter()
                .find(|(id, _)| *id == u.id)
                .map(|(_, n)| *n)
                .unwrap_or(0),
            locked: u.is_locked(now),
            user: u,
        })
        .collect();
    Ok(UsersPage {
        ctx: PageCtx::new(user, "admin"),
        rows,
        roles: role_choices(),
        teams: team_choices(),
        form,
        errors,
    })
}

pub async fn users(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Query(n): Query<Notice>,
) -> AppResult<UsersPage> {
    let mut page = users_page(&state, &user, NewUserForm::default(), FieldErrors::new()).await?;
    page.ctx = page.ctx.with_notice(n.fait.as_deref());
    Ok(page)
}

pub async fn create_user(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Form(f): Form<NewUserForm>,
) -> AppResult<Response> {
    let request = AccountRequest {
        email: &f.email,
        display_name: &f.display_name,
        role: f.role.parse::<Role>().ok(),
        teams: Vec::new(),
        password: &f.password,
        confirm: &f.confirm,
    };
    let by = By::Staff(user.actor());
    let errors = match access::create_account(&state.db, &by, &request).await {
        Ok(_) => return Ok(see_other("/admin/utilisateurs", "utilisateur").into_response()),
        Err(AccessError::Invalid(errors)) => account_field_errors(&errors),
        Err(AccessError::EmailTaken) => {
            FieldErrors::one("email", AccessError::EmailTaken.to_string())
        }
        Err(e) => return Err(e.into()),
    };
    let page = users_page(&state, &user, f, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Role, teams and active flag of an account. Teams arrive as repeated `team` fields.
pub async fn update_user(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    body: String,
) -> AppResult<Response> {
    let mut role = None;
    let mut teams = Vec::new();
    let mut active = false;
    for (k, v) in form_urlencoded::parse(body.as_bytes()) {
        match k.as_ref() {
            "role" => role = v.parse::<Role>().ok(),
            "team" => teams.extend(v.parse::<Team>().ok()),
            "active" => active = true,
            _ => {}
        }
    }
    let role = role.ok_or_else(|| AppError::BadRequest("Rôle inconnu.".into()))?;
    access::update_rights(&state.db, &user.actor(), id, role, &teams, active).await?;
    Ok(see_other("/admin/utilisateurs", "utilisateur").into_response())
}

pub async fn revoke_sessions(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    access::revoke_sessions(&state.db, &user.actor(), id).await?;
    Ok(see_other("/admin/utilisateurs", "sessions").into_response())
}

#[derive(serde::Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// Sets a new password chosen by the admin (to hand over in person), unlocks the account and
/// closes its sessions and API tokens.
pub async fn reset_password(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    Form(f): Form<ResetForm>,
) -> AppResult<Response> {
    let by = By::Staff(user.actor());
    access::set_password(&state.db, &by, id, &f.password, &f.confirm).await?;
    Ok(see_other("/admin/utilisateurs", "utilisateur").into_response())
}

pub struct TokenRow {
    pub id: Uuid,
    pub name: String,
    pub user: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "access/tokens.html")]
pub struct TokensPage {
    ctx: PageCtx,
    rows: Vec<TokenRow>,
    new_token: Option<String>,
    error: Option<String>,
}

async fn tokens_page(
    state: &AppState,
    user: &CurrentUser,
    new_token: Option<String>,
    error: Option<String>,
) -> AppResult<TokensPage> {
    let s = user.user.structure_id;
    let rows = api_tokens::list(&state.db, s)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            user: t.user_email,
            created: fr_datetime(&t.created_at),
            last_used: t
                .last_used_at
                .map(|d| fr_datetime(&d))
                .unwrap_or_else(|| "jamais".into()),
            revoked: t.revoked_at.is_some(),
        })
        .collect();
    Ok(TokensPage {
        ctx: PageCtx::new(user, "admin"),
        rows,
        new_token,
        error,
    })
}

pub async fn tokens(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Query(n): Query<Notice>,
) -> AppResult<TokensPage> {
    let mut page = tokens_page(&state, &user, None, None).await?;
    page.ctx = page.ctx.with_notice(n.fait.as_deref());
    Ok(page)
}

#[derive(serde::Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

/// Creates a token owned by the admin and acting as the admin, with the admin's rights only
/// (no access to the register); shows it once. A token for another account is created on
/// the server (`passerelle token create`), never lent from one account to another here.
pub async fn create_token(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Form(f): Form<TokenForm>,
) -> AppResult<Response> {
    let (token, hash) = new_api_token()?;
    let by = By::Staff(user.actor());
    match access::create_token(&state.db, &by, user.user.id, &f.name, &hash).await {
        Ok(_) => {}
        Err(AccessError::TokenName(e)) => {
            let page = tokens_page(&state, &user, None, Some(e.to_string())).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(e) => return Err(e.into()),
    }
    let page = tokens_page(&state, &user, Some(token), None).await?;
    Ok((StatusCode::CREATED, page).into_response())
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    access::revoke_token(&state.db, &user.actor(), id).await?;
    Ok(see_other("/admin/jetons", "jeton-revoque").into_response())
}

#[cfg(test)]
mod tests {
    use super::NewUserForm;

    #[test]
    fn a_new_accounts_password_never_shows_in_debug_output() {
        let f = NewUserForm {
            email: "a@b.fr".into(),
            password: "phrase secrète".into(),
            confirm: "phrase secrète".into(),
            ..Default::default()
        };
        let shown = format!("{f:?}");
        assert!(
            shown.contains("a@b.fr") && !shown.contains("secrète"),
            "{shown}"
        );
    }
}
