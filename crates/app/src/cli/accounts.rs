//! Commands on staff accounts and their API tokens, for an operator with shell access. They go
//! through the same services as the admin page: one validation, one hashing, one audit row.

use std::io::BufRead;

use clap::Subcommand;
use passerelle_db::access::users;
use passerelle_domain::access::accounts::{AccountRequest, PASSWORD_MIN_CHARS};
use passerelle_domain::{Role, Team};
use passerelle_services::By;
use passerelle_services::access::{self, AccessError};
use passerelle_web::auth;

use super::{Storage, open};

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, director, manager, referent, facilitator, reception, read_only
        #[arg(long)]
        role: String,
        /// plie, clause, proch_info_formation, companies, fabrik, reception, direction
        #[arg(long = "team")]
        teams: Vec<String>,
        /// Name of the structure, created if the base has none yet.
        #[arg(long, default_value = "Maison de l'emploi")]
        structure: String,
    },
    /// Set a new password (read from standard input), unlock the account, close its sessions
    /// and revoke its API tokens.
    ResetPassword {
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token acting as the account (with its role, nothing more); the token is
    /// printed once on standard output.
    Create {
        /// The account the token acts as.
        #[arg(long)]
        email: String,
        /// What the token is for (the tool or script using it).
        #[arg(long)]
        name: String,
    },
}

fn read_password() -> anyhow::Result<String> {
    eprintln!("Mot de passe (au moins {PASSWORD_MIN_CHARS} caractères), puis Entrée :");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// The service's refusal as the operator reads it: every problem, in French.
fn refusal(e: AccessError) -> anyhow::Error {
    anyhow::anyhow!(e.to_string())
}

async fn add_user(
    storage: &Storage,
    email: String,
    name: String,
    role: String,
    teams: Vec<String>,
    structure: String,
) -> anyhow::Result<()> {
    let role: Role = role
        .parse()
        .map_err(|_| anyhow::anyhow!("rôle inconnu « {role} »"))?;
    let teams = teams
        .iter()
        .map(|t| {
            t.parse::<Team>()
                .map_err(|_| anyhow::anyhow!("équipe inconnue « {t} »"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let password = read_password()?;
    let db = open(storage).await?;
    let s = access::first_or_create_structure(&db, &structure)
        .await
        .map_err(refusal)?;
    let request = AccountRequest {
        email: &email,
        display_name: &name,
        role: Some(role),
        teams,
        password: &password,
        confirm: &password,
    };
    let by = By::Server { structure_id: s.id };
    let u = access::create_account(&db, &by, &request)
        .await
        .map_err(|e| match e {
            AccessError::EmailTaken => anyhow::anyhow!("un compte utilise déjà {email}"),
            other => refusal(other),
        })?;
    println!(
        "Compte créé : {} ({}) dans « {} ».",
        u.email,
        u.role.label(),
        s.name
    );
    Ok(())
}

async fn account(db: &passerelle_db::Db, email: &str) -> anyhow::Result<users::User> {
    let (u, _) = users::by_email(db, email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("aucun compte {email}"))?;
    Ok(u)
}

pub async fn user(storage: &Storage, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add {
            email,
            name,
            role,
            teams,
            structure,
        } => add_user(storage, email, name, role, teams, structure).await,
        UserCommand::ResetPassword { email } => {
            let db = open(storage).await?;
            let u = account(&db, &email).await?;
            let password = read_password()?;
            let by = By::Server {
                structure_id: u.structure_id,
            };
            let done = access::set_password(&db, &by, u.id, &password, &password)
                .await
                .map_err(refusal)?;
            println!(
                "Mot de passe changé pour {} ; compte déverrouillé ; {} session(s) fermée(s) ; {} jeton(s) d'API révoqué(s).",
                u.email, done.sessions_closed, done.tokens_revoked
            );
            Ok(())
        }
    }
}

pub async fn token(storage: &Storage, cmd: TokenCommand) -> anyhow::Result<()> {
    match cmd {
        TokenCommand::Create { email, name } => {
            let db = open(storage).await?;
            let u = account(&db, &email).await?;
            let (token, hash) = auth::new_api_token().map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let by = By::Server {
                structure_id: u.structure_id,
            };
            access::create_token(&db, &by, u.id, &name, &hash)
                .await
                .map_err(refusal)?;
            eprintln!(
                "Jeton « {} » créé au nom de {} ({}). Copiez-le maintenant : il ne sera plus affiché.",
                name.trim(),
                u.email,
                u.role.label()
            );
            println!("{token}");
            Ok(())
        }
    }
}
