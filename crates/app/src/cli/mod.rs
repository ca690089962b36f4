//! Subcommands, configuration from flags and environment, logging. Account and token commands
//! live in `accounts`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use passerelle_db::Db;
use passerelle_db::access::structures::{self, Which};
use passerelle_domain::reports::files::{FileProblem, SaveMode};
use passerelle_domain::reports::suppression::check_threshold;
use passerelle_services::By;
use passerelle_services::reports::ReportsError;
use passerelle_web::{AppState, WebConfig, build_app};

mod accounts;

pub use accounts::{TokenCommand, UserCommand};

#[derive(Parser, Debug)]
#[command(
    name = "passerelle",
    version,
    about = "Système d'information de la Maison de l'emploi"
)]
pub struct Cli {
    #[command(flatten)]
    pub storage: Storage,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct Storage {
    /// Directory holding the SQLite database (and backups).
    #[arg(
        long,
        global = true,
        env = "PASSERELLE_DATA_DIR",
        default_value = "data"
    )]
    pub data_dir: PathBuf,
    /// `postgres://user:password@host/base` to use PostgreSQL instead of SQLite.
    #[arg(long, global = true, env = "PASSERELLE_DATABASE_URL")]
    pub database_url: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct Serve {
    /// Address and port to listen on.
    #[arg(long, env = "PASSERELLE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Mark cookies Secure (set it when users reach Passerelle over HTTPS).
    #[arg(long, env = "PASSERELLE_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Take the client address from X-Forwarded-For (only behind your own reverse proxy).
    #[arg(long, env = "PASSERELLE_TRUST_PROXY")]
    pub trust_proxy: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve Passerelle.
    Serve(Serve),
    /// Build (or rebuild) the demo database, then serve it.
    Demo {
        /// Only build the demo database.
        #[arg(long)]
        no_serve: bool,
        /// Number of fictitious persons.
        #[arg(long, default_value_t = passerelle_demo::DEFAULT_POPULATION)]
        persons: usize,
        #[command(flatten)]
        serve: Serve,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens, created on the server for an account.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Compute the annual report's figures from the recorded work.
    Report(ReportArgs),
    /// The structure's own indicator definitions (TOML files in the shipped format).
    #[command(subcommand)]
    Indicators(IndicatorsCommand),
    /// Reference data of the territory: towns and dated QPV lists.
    #[command(subcommand)]
    Territory(TerritoryCommand),
    /// Copy the SQLite database, consistently, while Passerelle runs.
    Backup {
        /// Target file (default: DATA_DIR/backups/passerelle-<date>.db).
        #[arg(long)]
        to: Option<PathBuf>,
    },
}

/// What `passerelle report` computes and where it writes it.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[arg(long)]
    pub year: i32,
    /// Output format: json (figures), html, pdf or xlsx (the laid-out report).
    #[arg(long, default_value = "json")]
    pub format: String,
    /// File to write (default: standard output; required for pdf and xlsx on a terminal).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Structure name, when the base holds several.
    #[arg(long)]
    pub structure: Option<String>,
    /// Public export: hide small counts and the cells that would reveal them.
    #[arg(long)]
    pub public: bool,
    /// Smallest count shown in a public export.
    #[arg(long, default_value_t = passerelle_domain::reports::suppression::DEFAULT_THRESHOLD)]
    pub threshold: i64,
}

#[derive(Subcommand, Debug)]
pub enum IndicatorsCommand {
    /// List the indicators in force and the structure's files, with any indicator set aside.
    List {
        #[arg(long)]
        structure: Option<String>,
    },
    /// Check a definition file and save it for the structure (replacing the file of the same
    /// name); nothing is saved if it has a problem.
    Import {
        #[arg(long)]
        file: PathBuf,
        #[arg(long)]
        structure: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum TerritoryCommand {
    /// Add or update towns from a CSV `insee_code,name,postal_codes,population`.
    ImportCommunes {
        #[arg(long)]
        file: PathBuf,
    },
    /// Import (or replace) one dated version of the QPV list from a CSV `code,name,insee_codes`.
    ImportQpv {
        #[arg(long)]
        file: PathBuf,
        /// Name of the list version, e.g. 2015 or 2024.
        #[arg(long)]
        list_version: String,
        /// First day the list is in force (AAAA-MM-JJ).
        #[arg(long)]
        valid_from: String,
        /// Last day the list is in force, if it has ended.
        #[arg(long)]
        valid_to: Option<String>,
    },
}

/// The structure a command works on: the one named, or the base's first.
async fn structure_of(
    db: &passerelle_db::Db,
    name: Option<String>,
) -> anyhow::Result<structures::Structure> {
    let which = match &name {
        Some(name) => Which::Named(name),
        None => Which::First,
    };
    passerelle_services::access::structure(db, which)
        .await
        .map_err(|e| anyhow::anyhow!(e.to_string()))
}

/// Who a command acts as: the server, for the base's first structure (`None` on a base without
/// any structure yet, which has no audit trail).
async fn server_of_first_structure(db: &passerelle_db::Db) -> anyhow::Result<Option<By>> {
    Ok(structures::find(db, Which::First)
        .await?
        .map(|s| By::Server { structure_id: s.id }))
}

async fn indicators(storage: &Storage, cmd: IndicatorsCommand) -> anyhow::Result<()> {
    match cmd {
        IndicatorsCommand::List { structure } => {
            let db = open(storage).await?;
            let s = structure_of(&db, structure).await?;
            let defs = passerelle_report::for_structure(&db, s.id).await?;
            for d in &defs.defs {
                let origin = if defs.is_custom(&d.id) {
                    "structure"
                } else {
                    "livré"
                };
                println!("{}\tv{}\t{origin}\t{}", d.id, d.version, d.title);
            }
            for p in &defs.problems {
                eprintln!("écarté : {}", p.message);
            }
        }
        IndicatorsCommand::Import { file, structure } => {
            let text = crate::files::read_text(&file, crate::files::INDICATOR_FILE_BYTES)?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let db = open(storage).await?;
            let s = structure_of(&db, structure).await?;
            let by = By::Server { structure_id: s.id };
            let saved = passerelle_services::reports::save_indicator_file(
                &db,
                &by,
                SaveMode::Replace,
                &name,
                &text,
                passerelle_report::definitions::CHECKS,
            )
            .await
            .map_err(|e| match e {
                ReportsError::Refused(problems) => file_refusal(&file, &problems),
                other => anyhow::anyhow!(other.to_string()),
            })?;
            println!(
                "{name} : {} indicateur(s) enregistré(s) pour {}.",
                saved.indicators, s.name
            );
        }
    }
    Ok(())
}

/// A refused file's problems, one per line; a bad name is said with the file's path.
fn file_refusal(file: &Path, problems: &[FileProblem]) -> anyhow::Error {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| match p {
            FileProblem::BadName(m) => format!("{} : {m}", file.display()),
            FileProblem::Definitions(found) => found.join("\n"),
            other => other.to_string(),
        })
        .collect();
    anyhow::anyhow!(lines.join("\n"))
}

fn parse_day(s: &str) -> anyhow::Result<time::Date> {
    passerelle_domain::french::parse_date(s)
        .ok_or_else(|| anyhow::anyhow!("date invalide « {s} » (AAAA-MM-JJ)"))
}

async fn territory(storage: &Storage, cmd: TerritoryCommand) -> anyhow::Result<()> {
    use passerelle_services::territory::{self, QpvImport};
    let refused =
        |file: &Path, e: territory::TerritoryError| anyhow::anyhow!("{} : {e}", file.display());
    match cmd {
        TerritoryCommand::ImportCommunes { file } => {
            let text = crate::files::read_text(&file, crate::files::CSV_BYTES)?;
            let db = open(storage).await?;
            let by = server_of_first_structure(&db).await?;
            let n = territory::import_communes(&db, by.as_ref(), &text)
                .await
                .map_err(|e| refused(&file, e))?;
            println!("{n} communes importées.");
        }
        TerritoryCommand::ImportQpv {
            file,
            list_version,
            valid_from,
            valid_to,
        } => {
            let text = crate::files::read_text(&file, crate::files::CSV_BYTES)?;
            let from = parse_day(&valid_from)?;
            let to = valid_to.as_deref().map(parse_day).transpose()?;
            let db = open(storage).await?;
            let by = server_of_first_structure(&db).await?;
            let import = QpvImport {
                version: &list_version,
                valid_from: from,
                valid_to: to,
                csv: &text,
            };
            let n = territory::import_qpv_list(&db, by.as_ref(), import)
                .await
                .map_err(|e| refused(&file, e))?;
            println!(
                "Liste QPV « {} » : {n} quartiers, en vigueur à partir du {}.",
                list_version.trim(),
                passerelle_domain::french::date(from)
            );
        }
    }
    Ok(())
}

fn write_json(output: Option<&Path>, text: String) -> anyhow::Result<()> {
    let text = text + "\n";
    match output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("écriture de {}", path.display()))
        }
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// Writes a laid-out report to `output`, or to standard output unless a binary file would
/// land on a terminal.
fn write_output(
    output: Option<&Path>,
    format: passerelle_report::render::Format,
    year: i32,
    bytes: &[u8],
) -> anyhow::Result<()> {
    use passerelle_report::render::Format;
    use std::io::{IsTerminal, Write};
    match output {
        Some(path) => {
            std::fs::write(path, bytes)
                .with_context(|| format!("écriture de {}", path.display()))?;
            eprintln!("Rapport écrit : {}", path.display());
            Ok(())
        }
        None if format != Format::Html && std::io::stdout().is_terminal() => bail!(
            "le format {} est binaire : indiquez un fichier avec --output (par exemple --output {})",
            format.extension(),
            format.file_name(year)
        ),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
            Ok(())
        }
    }
}

/// Logs go to standard error: standard output may carry a report file.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PASSERELLE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .init();
}

pub async fn open(storage: &Storage) -> anyhow::Result<Db> {
    match &storage.database_url {
        Some(url) => Db::connect(url)
            .await
            .context("connexion à la base impossible"),
        None => Db::open_data_dir(&storage.data_dir)
            .await
            .with_context(|| format!("ouverture de la base dans {}", storage.data_dir.display())),
    }
}

pub async fn serve(db: Db, opts: &Serve) -> anyhow::Result<()> {
    let config = WebConfig {
        secure_cookies: opts.secure_cookies,
        trust_forwarded_for: opts.trust_proxy,
        ..WebConfig::default()
    };
    let backend = db.backend_name();
    let state = AppState::new(db, config).await?;
    let app = build_app(state);
    let listener = tokio::net::TcpListener::bind(opts.bind)
        .await
        .with_context(|| format!("impossible d'écouter sur {}", opts.bind))?;
    println!(
        "Passerelle écoute sur http://{} (base {backend}). Ctrl+C pour arrêter.",
        opts.bind
    );
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

fn remove_sqlite_files(dir: &Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let p = dir.join(format!("passerelle.db{suffix}"));
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("suppression de {}", p.display()))?;
        }
    }
    Ok(())
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(opts) => serve(open(&cli.storage).await?, &opts).await,
        Command::Demo {
            no_serve,
            persons,
            serve: opts,
        } => demo(&cli.storage, no_serve, persons, &opts).await,
        Command::Migrate => {
            let db = open(&cli.storage).await?;
            println!("Base {} à jour.", db.backend_name());
            Ok(())
        }
        Command::User(cmd) => accounts::user(&cli.storage, cmd).await,
        Command::Token(cmd) => accounts::token(&cli.storage, cmd).await,
        Command::Territory(cmd) => territory(&cli.storage, cmd).await,
        Command::Indicators(cmd) => indicators(&cli.storage, cmd).await,
        Command::Report(args) => report(&cli.storage, args).await,
        Command::Backup { to } => backup(&cli.storage, to).await,
    }
}

/// Builds the demo (from scratch in its SQLite data directory), then serves it unless asked not to.
async fn demo(
    storage: &Storage,
    no_serve: bool,
    persons: usize,
    opts: &Serve,
) -> anyhow::Result<()> {
    if storage.database_url.is_none() {
        // The demo is rebuilt from scratch in its data directory.
        remove_sqlite_files(&storage.data_dir)?;
    }
    let db = open(storage).await?;
    let today = passerelle_domain::clock::today();
    match passerelle_demo::build(&db, persons, today).await? {
        Some(summary) => {
            println!(
                "Démo prête : {} personnes fictives. Comptes (mot de passe « {} ») :",
                summary.persons,
                passerelle_demo::DEMO_PASSWORD
            );
            for (email, role) in &summary.accounts {
                println!("  {:<36} {}", email, role.label());
            }
        }
        None => println!("La base contient déjà la démo : elle est conservée."),
    }
    if no_serve {
        Ok(())
    } else {
        serve(db, opts).await
    }
}

/// Computes a year's report and writes it as JSON or as a laid-out file.
async fn report(storage: &Storage, args: ReportArgs) -> anyhow::Result<()> {
    let ReportArgs {
        year,
        format,
        output,
        structure,
        public,
        threshold,
    } = args;

    let laid_out = match format.as_str() {
        "json" => None,
        other => Some(
            passerelle_report::render::Format::from_extension(other).ok_or_else(|| {
                anyhow::anyhow!("format « {other} » inconnu : json, html, pdf ou xlsx")
            })?,
        ),
    };
    if laid_out.is_some() && public {
        bail!("--public ne s'applique qu'au format json");
    }
    let threshold = check_threshold(threshold).map_err(|m| anyhow::anyhow!(m))?;
    let db = open(storage).await?;
    let s = structure_of(&db, structure).await?;
    let resolved = passerelle_report::for_structure(&db, s.id).await?;
    for p in &resolved.problems {
        eprintln!("indicateur écarté : {}", p.message);
    }
    if let Some(format) = laid_out {
        let bytes =
            passerelle_report::render::file(&db, s.id, &s.name, &resolved, year, format).await?;
        return write_output(output.as_deref(), format, year, &bytes);
    }
    let defs = resolved.defs;
    let mut report = passerelle_report::build(&db, s.id, &defs, year).await?;
    passerelle_report::with_breakdowns(&db, s.id, &defs, &mut report).await?;
    if public {
        let export = passerelle_report::public_json(&report, &defs, threshold);
        write_json(output.as_deref(), serde_json::to_string_pretty(&export)?)
    } else {
        write_json(output.as_deref(), serde_json::to_string_pretty(&report)?)
    }
}

/// Copies the SQLite base consistently (PostgreSQL: pg_dump).
async fn backup(storage: &Storage, to: Option<PathBuf>) -> anyhow::Result<()> {
    if storage.database_url.is_some() {
        bail!("avec PostgreSQL, sauvegardez avec pg_dump");
    }
    let db = open(storage).await?;
    let target = match to {
        Some(t) => t,
        None => {
            let dir = storage.data_dir.join("backups");
            std::fs::create_dir_all(&dir)?;
            let now = time::OffsetDateTime::now_utc();
            dir.join(format!(
                "passerelle-{}-{:02}{:02}{:02}.db",
                now.date(),
                now.hour(),
                now.minute(),
                now.second()
            ))
        }
    };
    db.backup_sqlite(&target).await?;
    println!("Sauvegarde écrite : {}", target.display());
    Ok(())
}
