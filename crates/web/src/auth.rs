//! Passwords (Argon2id), random tokens, and the signed-in user of a request.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use passerelle_db::scope::Scope;
use passerelle_db::sessions::Session;
use passerelle_db::users::User;
use passerelle_domain::audit::Actor;
use passerelle_domain::{FieldErrors, Permission};
use sha2::{Digest, Sha256};

use crate::error::AppError;

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
