//! Passwords (Argon2id) and their counted checks, random tokens, and the signed-in user of a
//! request.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use passerelle_db::access::sessions::Session;
use passerelle_db::access::users::{self, User};
use passerelle_db::pathways::scope::Scope;
use passerelle_domain::audit::Actor;
use passerelle_domain::{FieldErrors, Permission};
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "passerelle_session";
/// The double-submit token of the sign-in form, before any session exists.
pub const SIGNIN_COOKIE: &str = "passerelle_signin";
pub const PASSWORD_MIN_CHARS: usize = 12;

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let hash: PasswordHash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| AppError::Internal(format!("argon2: {e}")))?;
    Ok(hash.to_string())
}

/// Whether `password` matches the stored hash. A malformed hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    match stored.parse::<PasswordHash>() {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the account does not exist, so that an unknown e-mail takes
/// as long as a wrong password and does not reveal which accounts exist.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("passerelle-dummy-password").unwrap_or_default())
}

/// Argon2 off the async threads: a burst of sign-ins must not stall the other requests.
pub async fn verify_off_thread(password: &str, stored: &str) -> bool {
    let (password, stored) = (password.to_owned(), stored.to_owned());
    tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .unwrap_or(false)
}

/// Hashes a new password off the async threads, as the checks are.
pub async fn hash_off_thread(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(format!("hashing task: {e}")))?
}

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

/// The French rule for a new password; `None` when it is acceptable.
pub fn password_problem(password: &str, email: &str) -> Option<String> {
    if password.chars().count() < PASSWORD_MIN_CHARS {
        return Some(format!(
            "Le mot de passe doit compter au moins {PASSWORD_MIN_CHARS} caractères."
        ));
    }
    if password.chars().count() > 200 {
        return Some("Le mot de passe ne peut pas dépasser 200 caractères.".into());
    }
    if password.eq_ignore_ascii_case(email) {
        return Some("Le mot de passe ne doit pas être votre adresse e-mail.".into());
    }
    None
}

pub fn check_new_password(
    errors: &mut FieldErrors,
    field: &str,
    password: &str,
    confirm: &str,
    email: &str,
) {
    if let Some(p) = password_problem(password, email) {
        errors.add(field, p);
    } else if password != confirm {
        errors.add("confirm", "Les deux saisies ne sont pas identiques.");
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let h = hash_password("correct horse battery").unwrap_or_default();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(password_problem("court", "a@b.fr").is_some());
        assert!(password_problem("assez-long-maintenant", "a@b.fr").is_none());
    }
}
