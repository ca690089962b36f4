//! The rules of staff accounts, the same for the admin page, the command line and the demo: a
//! new account, a new password, a change of rights, an API token's name, and what the audit
//! trail shows of an account's rights.

use uuid::Uuid;

use super::{Role, Team};
use crate::validation::is_plausible_email;

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 200;
pub const DISPLAY_NAME_MAX: usize = 100;
pub const TOKEN_NAME_MAX: usize = 100;

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("Le mot de passe doit compter au moins {PASSWORD_MIN_CHARS} caractères.")]
    TooShort,
    #[error("Le mot de passe ne peut pas dépasser {PASSWORD_MAX_CHARS} caractères.")]
    TooLong,
    #[error("Le mot de passe ne doit pas être votre adresse e-mail.")]
    IsEmail,
    /// The confirmation differs from the password.
    #[error("Les deux saisies ne sont pas identiques.")]
    Mismatch,
}

impl PasswordError {
    /// The form field the message goes next to.
    pub fn field(self) -> &'static str {
        match self {
            PasswordError::Mismatch => "confirm",
            _ => "password",
        }
    }
}

/// The password policy: long enough to resist guessing, short enough to hash quickly, and not
/// the account's own e-mail.
pub fn check_password(password: &str, email: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(PasswordError::TooShort);
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(PasswordError::TooLong);
    }
    if password.eq_ignore_ascii_case(email) {
        return Err(PasswordError::IsEmail);
    }
    Ok(())
}

/// The policy, then the confirmation typed twice (the command line confirms with the password
/// itself: it reads it once).
pub fn check_new_password(password: &str, confirm: &str, email: &str) -> Result<(), PasswordError> {
    check_password(password, email)?;
    if password != confirm {
        return Err(PasswordError::Mismatch);
    }
    Ok(())
}

/// Why a new account is refused, field by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("Adresse e-mail invalide.")]
    InvalidEmail,
    #[error("Indiquez le nom de la personne.")]
    MissingName,
    #[error("Ce champ ne peut pas dépasser {DISPLAY_NAME_MAX} caractères.")]
    NameTooLong,
    #[error("Choisissez un rôle.")]
    MissingRole,
    #[error(transparent)]
    Password(#[from] PasswordError),
}

impl AccountError {
    /// The form field the message goes next to.
    pub fn field(self) -> &'static str {
        match self {
            AccountError::InvalidEmail => "email",
            AccountError::MissingName | AccountError::NameTooLong => "display_name",
            AccountError::MissingRole => "role",
            AccountError::Password(p) => p.field(),
        }
    }
}

/// What is asked for a new account, as typed (the role already read from its code).
#[derive(Clone)]
pub struct AccountRequest<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Option<Role>,
    pub teams: Vec<Team>,
    pub password: &'a str,
    pub confirm: &'a str,
}

/// Never prints the password, whatever logs or panics a `{:?}` reaches.
impl std::fmt::Debug for AccountRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountRequest")
            .field("email", &self.email)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A new account that follows the rules: e-mail normalised, name trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub teams: Vec<Team>,
}

/// Checks every field at once, so that a form shows every problem next to its field.
pub fn check_new_account(r: &AccountRequest<'_>) -> Result<NewAccount, Vec<AccountError>> {
    let mut errors = Vec::new();
    let email = r.email.trim().to_lowercase();
    if !is_plausible_email(&email) {
        errors.push(AccountError::InvalidEmail);
    }
    if r.display_name.trim().is_empty() {
        errors.push(AccountError::MissingName);
    } else if r.display_name.chars().count() > DISPLAY_NAME_MAX {
        errors.push(AccountError::NameTooLong);
    }
    if r.role.is_none() {
        errors.push(AccountError::MissingRole);
    }
    if let Err(p) = check_new_password(r.password, r.confirm, &email) {
        errors.push(p.into());
    }
    match r.role {
        Some(role) if errors.is_empty() => Ok(NewAccount {
            email,
            display_name: r.display_name.trim().to_owned(),
            role,
            teams: r.teams.clone(),
        }),
        _ => Err(errors),
    }
}

/// A change of rights the rules refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccessChangeError {
    /// An administrator would lock themselves out: another one must do it.
    #[error(
        "Vous ne pouvez pas retirer vos propres droits d'administration : demandez-le à un autre administrateur."
    )]
    OwnAdminRights,
}

/// Whether `by` may give the account `target` this role and active flag.
pub fn check_access_change(
    by: Uuid,
    target: Uuid,
    role: Role,
    active: bool,
) -> Result<(), AccessChangeError> {
    if by == target && (role != Role::Admin || !active) {
        return Err(AccessChangeError::OwnAdminRights);
    }
    Ok(())
}

/// An API token's name says which tool uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Donnez au jeton un nom de 1 à {TOKEN_NAME_MAX} caractères (l'outil qui l'utilise).")]
pub struct TokenNameError;

/// The name trimmed, from 1 to 100 characters.
pub fn check_token_name(raw: &str) -> Result<&str, TokenNameError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > TOKEN_NAME_MAX {
        return Err(TokenNameError);
    }
    Ok(name)
}

/// An account's rights as the audit trail shows them (teams in a stable order).
pub fn rights_audit_values(
    role: Role,
    teams: &[Team],
    active: bool,
) -> Vec<(&'static str, String)> {
    let mut t: Vec<&str> = teams.iter().map(|t| t.code()).collect();
    t.sort_unstable();
    vec![
        ("role", role.code().to_owned()),
        ("teams", t.join(" ")),
        ("active", if active { "oui" } else { "non" }.to_owned()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(email: &'a str, name: &'a str, password: &'a str) -> AccountRequest<'a> {
        AccountRequest {
            email,
            display_name: name,
            role: Some(Role::Referent),
            teams: vec![Team::Plie],
            password,
            confirm: password,
        }
    }

    #[test]
    fn a_password_follows_the_policy() {
        assert_eq!(
            check_password("court", "a@b.fr"),
            Err(PasswordError::TooShort)
        );
        assert_eq!(check_password("assez-long-maintenant", "a@b.fr"), Ok(()));
        assert_eq!(
            check_password(&"x".repeat(201), "a@b.fr"),
            Err(PasswordError::TooLong)
        );
        assert_eq!(
            check_password("Agent.Long@mie.fr", "agent.long@mie.fr"),
            Err(PasswordError::IsEmail)
        );
        assert_eq!(
            check_new_password("assez-long-maintenant", "autre chose", "a@b.fr"),
            Err(PasswordError::Mismatch)
        );
    }

    #[test]
    fn a_new_account_is_normalised_or_refused_field_by_field() {
        let ok = check_new_account(&request(" Agent@MIE.fr ", " Agent ", "une phrase solide"));
        assert_eq!(
            ok.map(|a| (a.email, a.display_name)),
            Ok(("agent@mie.fr".to_owned(), "Agent".to_owned()))
        );
        let mut r = request("pas-une-adresse", " ", "court");
        r.role = None;
        assert_eq!(
            check_new_account(&r),
            Err(vec![
                AccountError::InvalidEmail,
                AccountError::MissingName,
                AccountError::MissingRole,
                AccountError::Password(PasswordError::TooShort),
            ])
        );
        let long = "n".repeat(101);
        assert_eq!(
            check_new_account(&request("a@b.fr", &long, "une phrase solide")),
            Err(vec![AccountError::NameTooLong])
        );
    }

    #[test]
    fn an_admin_cannot_remove_their_own_rights() {
        let (me, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert_eq!(
            check_access_change(me, me, Role::Director, true),
            Err(AccessChangeError::OwnAdminRights)
        );
        assert_eq!(
            check_access_change(me, me, Role::Admin, false),
            Err(AccessChangeError::OwnAdminRights)
        );
        assert_eq!(check_access_change(me, me, Role::Admin, true), Ok(()));
        assert_eq!(
            check_access_change(me, other, Role::Reception, false),
            Ok(())
        );
    }

    #[test]
    fn a_token_name_says_which_tool() {
        assert_eq!(check_token_name("  import  "), Ok("import"));
        assert_eq!(check_token_name("   "), Err(TokenNameError));
        assert_eq!(check_token_name(&"x".repeat(101)), Err(TokenNameError));
    }

    #[test]
    fn rights_are_audited_in_a_stable_order() {
        let v = rights_audit_values(Role::Manager, &[Team::Plie, Team::Clause], false);
        assert_eq!(v[1], ("teams", "clause plie".to_owned()));
        assert_eq!(v[2], ("active", "non".to_owned()));
    }
}
