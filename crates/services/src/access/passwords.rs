//! Passwords hashed with Argon2id, off the async executor: a burst of sign-ins or of accounts
//! created must not stall the other requests. The one place that hashes, for the admin page,
//! the command line, the demo and the sign-in checks alike.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};

use super::AccessError;

/// Hashes a password (CPU only: call [`hash_off_thread`] from async code).
pub fn hash_password(password: &str) -> Result<String, AccessError> {
    let hash: PasswordHash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| AccessError::Hashing(e.to_string()))?;
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

/// Hashes a new password on a blocking thread.
pub async fn hash_off_thread(password: &str) -> Result<String, AccessError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AccessError::Hashing(e.to_string()))?
}

/// Checks a password on a blocking thread.
pub async fn verify_off_thread(password: &str, stored: &str) -> bool {
    let (password, stored) = (password.to_owned(), stored.to_owned());
    tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .unwrap_or(false)
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
}
