//! Passwords (Argon2id) and their counted checks, random tokens, and the signed-in user of a
//! request.

use passerelle_db::access::sessions::Session;
use passerelle_db::access::users::{self, User};
use passerelle_db::pathways::scope::Scope;
use passerelle_domain::Permission;
use passerelle_domain::audit::Actor;
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "passerelle_session";
/// The double-submit token of the sign-in form, before any session exists.
pub const SIGNIN_COOKIE: &str = "passerelle_signin";
/// Argon2 lives in the services crate, off the async threads, the one place passwords are
/// hashed; sign-in checks them there too.
pub use passerelle_services::access::passwords::{dummy_hash, verify_off_thread};

/// The answer to a password check counted against the account's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCheck {
    Right,
    Wrong,
    /// The account has used its checks of the window: its hash was not compared. Callers that
    /// face the public answer it exactly as [`PasswordCheck::Wrong`].
    Locked,
}

/// Compares `password` with the account's hash only once the database has reserved the check
/// (at most `lock_after_failures` per window, whatever the concurrency). A locked account
/// costs a comparison with a dummy hash, so that it answers in the time of a wrong password.
/// The sign-in form and the password-change form share this counter.
pub async fn check_password_counted(
    state: &AppState,
    user: &User,
    password: &str,
    stored: &str,
) -> Result<PasswordCheck, AppError> {
    let max = state.config.lock_after_failures;
    let window = state.config.lock_duration;
    let Some(slot) = users::reserve_password_check(&state.db, user.id, max, window).await? else {
        verify_off_thread(password, dummy_hash()).await;
        return Ok(PasswordCheck::Locked);
    };
    if verify_off_thread(password, stored).await {
        users::clear_failed_logins(&state.db, user.id).await?;
        return Ok(PasswordCheck::Right);
    }
    if slot.nth >= max {
        let until = time::OffsetDateTime::now_utc() + window;
        users::record_lock(&state.db, user, &crate::view::fr_datetime(&until)).await?;
        tracing::info!(user_id = %user.id, "account locked");
    }
    Ok(PasswordCheck::Wrong)
}

/// 256 random bits from the operating system, hex-encoded.
pub fn random_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("getrandom: {e}")))?;
    Ok(hex::encode(bytes))
}

/// A new API token (shown once) and the hash that is stored.
pub fn new_api_token() -> Result<(String, String), AppError> {
    let token = format!("pas_{}", random_token()?);
    let hash = token_hash(&token);
    Ok((token, hash))
}

/// Only this hash of a session or API token is stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The staff member behind a request, put in the request's extensions by the guard.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    /// The browser session (absent for API calls, which use a token).
    pub session: Option<Session>,
}

impl CurrentUser {
    pub fn actor(&self) -> Actor {
        Actor {
            structure_id: self.user.structure_id,
            user_id: self.user.id,
        }
    }

    pub fn can(&self, p: Permission) -> bool {
        self.user.role.allows(p)
    }

    /// The signed-in staff member as the services take them.
    pub fn principal(&self) -> passerelle_domain::Principal {
        passerelle_domain::Principal {
            structure_id: self.user.structure_id.into(),
            user_id: self.user.id.into(),
            role: self.user.role,
            teams: self.user.teams.clone(),
        }
    }

    /// The record scope of this reader: every read of pathways, committees, or persons through
    /// their pathways takes it (`passerelle_db` requires one).
    pub fn scope(&self) -> Scope {
        Scope::of_reader(
            self.user.structure_id,
            self.user.role,
            self.user.id,
            &self.user.teams,
        )
    }

    pub fn csrf(&self) -> &str {
        self.session
            .as_ref()
            .map(|s| s.csrf_token.as_str())
            .unwrap_or("")
    }
}
