//! Commands on staff accounts and their API tokens, for an operator with shell access.

use std::io::BufRead;

use anyhow::bail;
use clap::Subcommand;
use passerelle_db::access::users::{self, NewUser};
use passerelle_db::{access::api_tokens, access::structures};
use passerelle_domain::audit::Actor;
use passerelle_domain::{Role, Team};
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

fn read_password(email: &str) -> anyhow::Result<String> {
    eprintln!(
        "Mot de passe (au moins {} caractères), puis Entrée :",
        auth::PASSWORD_MIN_CHARS
    );
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if let Some(problem) = auth::password_problem(&password, email) {
        bail!(problem);
    }
    Ok(password)
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
    if !passerelle_domain::validation::is_plausible_email(&email) {
        bail!("adresse e-mail invalide « {email} »");
    }
    let db = open(storage).await?;
    let s = match structures::list(&db).await?.into_iter().next() {
        Some(s) => s,
        None => structures::create(&db, &structure).await?,
    };
    let password = read_password(&email)?;
    let hash = auth::hash_password(&password).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let u = users::create(
        &db,
        NewUser {
            structure_id: s.id,
            email: &email,
            display_name: &name,
            role,
            teams: &teams,
            password_hash: &hash,
        },
        None,
    )
    .await
    .map_err(|e| match e {
        passerelle_db::DbError::Duplicate(_) => {
            anyhow::anyhow!("un compte utilise déjà {email}")
        }
        other => other.into(),
    })?;
    println!(
        "Compte créé : {} ({}) dans « {} ».",
        u.email,
        u.role.label(),
        s.name
    );
    Ok(())
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
            let (u, _) = users::by_email(&db, &email)
                .await?
                .ok_or_else(|| anyhow::anyhow!("aucun compte {email}"))?;
            let password = read_password(&u.email)?;
            let hash = auth::hash_password(&password).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let done = users::set_password(&db, u.id, &hash, None).await?;
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
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 100 {
                bail!("le nom du jeton doit compter de 1 à 100 caractères");
            }
            let db = open(storage).await?;
            let (u, _) = users::by_email(&db, &email)
                .await?
                .ok_or_else(|| anyhow::anyhow!("aucun compte {email}"))?;
            if !u.active {
                bail!("le compte {} est désactivé", u.email);
            }
            let (token, hash) = auth::new_api_token().map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let owner = Actor {
                structure_id: u.structure_id,
                user_id: u.id,
            };
            api_tokens::create(&db, &owner, true, name, &hash).await?;
            eprintln!(
                "Jeton « {name} » créé au nom de {} ({}). Copiez-le maintenant : il ne sera plus affiché.",
                u.email,
                u.role.label()
            );
            println!("{token}");
            Ok(())
        }
    }
}
