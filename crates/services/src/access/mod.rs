//! The access use cases of staff members and operators: accounts (created, rights changed),
//! passwords (reset by an admin or on the server, changed by their owner), sessions revoked by
//! an admin, API tokens, and the one lookup of a structure.
//!
//! Signing in and out and the sign-in counters stay with the web guard (`web::auth`,
//! `modules/access/signin.rs`): they authenticate a request rather than change a record on
//! someone's behalf, and they write their own audit rows.

mod accounts;
pub mod passwords;
mod structures;
mod tokens;

pub use accounts::{create_account, revoke_sessions, set_password, update_rights};
pub use structures::{create_structure, first_or_create_structure, structure};
pub use tokens::{create_token, revoke_token};

use passerelle_db::DbError;
use passerelle_domain::access::accounts::{
    AccessChangeError, AccountError, PasswordError, TokenNameError,
};

/// Why an access use case did not happen; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error("Ce compte n'existe pas.")]
    NotFound,
    #[error("Un compte utilise déjà cette adresse.")]
    EmailTaken,
    /// The new account breaks these rules, field by field.
    #[error("{}", messages(.0))]
    Invalid(Vec<AccountError>),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error(transparent)]
    Rights(#[from] AccessChangeError),
    #[error(transparent)]
    TokenName(#[from] TokenNameError),
    /// A staff member's token acts as themselves: one for another account is made on the
    /// server.
    #[error(
        "Un jeton agit au nom du compte qui le crée : pour un autre compte, créez-le sur le serveur (passerelle token create)."
    )]
    TokenForAnother,
    /// The account (its e-mail) is deactivated: it cannot own a token.
    #[error("Le compte {0} est désactivé.")]
    Inactive(String),
    #[error("Structure inconnue « {0} ».")]
    UnknownStructure(String),
    #[error("La base ne contient aucune structure.")]
    NoStructure,
    #[error("Le mot de passe n'a pas pu être chiffré : {0}")]
    Hashing(String),
    #[error("Erreur de stockage : {0}")]
    Storage(DbError),
}

fn messages(errors: &[AccountError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

impl From<DbError> for AccessError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => AccessError::NotFound,
            other => AccessError::Storage(other),
        }
    }
}

pub type AccessResult<T> = Result<T, AccessError>;
