//! Storage on SQLite (default, embedded) and PostgreSQL (several structures sharing one base).
//!
//! One repository module per aggregate. SQL is written once in the subset both engines accept
//! (`$1` parameters, `RETURNING`, `ON CONFLICT`); the [`with_pool!`] macro runs the same code
//! against either typed pool, because sqlx's `Any` driver lacks dates and UUIDs.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub mod access;
pub mod audit;
mod conn;
pub mod dialect;
pub mod modules;
pub mod params;
pub mod pathways;
pub mod persons;
pub mod reports;
pub mod sql;
pub mod territory;
mod tx;

pub use conn::Conn;
pub use dialect::Dialect;
pub use sql::Sql;
pub use tx::Tx;

/// A connection pool on one of the two supported engines.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same block against whichever pool `db` holds; inside, `$pool` is the typed pool.
#[macro_export]
macro_rules! with_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("enregistrement introuvable")]
    NotFound,
    /// Someone else saved the record since it was read (optimistic locking).
    #[error("l'enregistrement a été modifié entre-temps")]
    Conflict,
    /// A unique constraint refused the row; the string names the constraint.
    #[error("valeur déjà utilisée ({0})")]
    Duplicate(String),
    /// A rule of the field refuses the change; the message says what to fix.
    #[error("{0}")]
    Refused(String),
    /// A typed rule of the domain refuses the change.
    #[error(transparent)]
    Rule(#[from] passerelle_domain::RuleViolation),
    #[error("donnée stockée illisible : {0}")]
    Corrupt(String),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type DbResult<T> = Result<T, DbError>;

impl DbError {
    /// The French message of a refusal (a rule of the field), or the error itself when it is
    /// not one: pages show a refusal next to the form.
    pub fn into_refusal(self) -> Result<String, DbError> {
        match self {
            DbError::Refused(m) => Ok(m),
            DbError::Rule(r) => Ok(r.to_string()),
            other => Err(other),
        }
    }

    /// Turns a unique-constraint violation into [`DbError::Duplicate`].
    pub fn from_write(e: sqlx::Error) -> DbError {
        if let sqlx::Error::Database(d) = &e
            && d.is_unique_violation()
        {
            return DbError::Duplicate(d.constraint().unwrap_or("unique").to_owned());
        }
        DbError::Sqlx(e)
    }
}

/// Reads a code stored as text into a domain enum.
pub(crate) fn parse_code<T: FromStr>(raw: &str) -> DbResult<T> {
    raw.parse()
        .map_err(|_| DbError::Corrupt(format!("code inconnu « {raw} »")))
}

impl Db {
    /// Opens the database named by `url` (`sqlite://…` or `postgres://…`), creating a SQLite
    /// file if needed, and applies the pending migrations.
    pub async fn connect(url: &str) -> DbResult<Db> {
        let db = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url)?;
            Db::Postgres(
                PgPoolOptions::new()
                    .max_connections(10)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts)
                    .await?,
            )
        } else {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // 16 MiB of page cache per connection instead of 2: searches and bulk loads on a
                // large register stay in memory; it is only used as the base grows.
                .pragma("cache_size", "-16384")
                // Reads through the OS page cache instead of copying pages: the annual report
                // reads millions of rows of a large base (about 1.5 times faster, measured).
                .pragma("mmap_size", "1073741824")
                .pragma("temp_store", "memory");
            Db::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(opts)
                    .await?,
            )
        };
        db.migrate().await?;
        db.refresh_statistics().await?;
        Ok(db)
    }

    /// Lets SQLite gather the table statistics its planner needs (bounded, so it stays quick
    /// on a large base): without them it reads every record of the structure for a figure
    /// that needs one programme's year. PostgreSQL's autovacuum does this by itself.
    async fn refresh_statistics(&self) -> DbResult<()> {
        if let Db::Sqlite(pool) = self {
            // Both settings on one connection: `analysis_limit` is per connection.
            let mut c = pool.acquire().await?;
            sqlx::query("PRAGMA analysis_limit = 1000")
                .execute(&mut *c)
                .await?;
            sqlx::query("PRAGMA optimize = 0x10002")
                .execute(&mut *c)
                .await?;
        }
        Ok(())
    }

    /// Opens (creating it if needed) the SQLite database of a data directory.
    pub async fn open_data_dir(dir: &Path) -> DbResult<Db> {
        std::fs::create_dir_all(dir).map_err(|e| DbError::Corrupt(e.to_string()))?;
        let path = dir.join("passerelle.db");
        Db::connect(&format!("sqlite://{}", path.display())).await
    }

    /// A PostgreSQL pool whose connections all work in `schema`, so that each test gets a
    /// database of its own inside one server.
    pub async fn connect_postgres_schema(url: &str, schema: &str) -> DbResult<Db> {
        let admin = PgPool::connect(url).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE SCHEMA IF NOT EXISTS \"{schema}\""
        )))
        .execute(&admin)
        .await?;
        admin.close().await;
        let opts = PgConnectOptions::from_str(url)?.options([("search_path", schema)]);
        let db = Db::Postgres(
            PgPoolOptions::new()
                .max_connections(5)
                .connect_with(opts)
                .await?,
        );
        db.migrate().await?;
        db.refresh_statistics().await?;
        Ok(db)
    }

    pub async fn migrate(&self) -> DbResult<()> {
        match self {
            Db::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
            Db::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "SQLite",
            Db::Postgres(_) => "PostgreSQL",
        }
    }

    /// A consistent copy of a SQLite database while it is in use (`VACUUM INTO`). PostgreSQL
    /// deployments back up with `pg_dump`.
    pub async fn backup_sqlite(&self, target: &Path) -> DbResult<()> {
        match self {
            Db::Sqlite(p) => {
                if target.exists() {
                    return Err(DbError::Corrupt(format!(
                        "{} existe déjà : choisissez un autre fichier",
                        target.display()
                    )));
                }
                sqlx::query("VACUUM INTO $1")
                    .bind(target.display().to_string())
                    .execute(p)
                    .await?;
                Ok(())
            }
            Db::Postgres(_) => Err(DbError::Corrupt(
                "la sauvegarde intégrée ne concerne que SQLite : utilisez pg_dump".to_owned(),
            )),
        }
    }

    pub async fn close(&self) {
        with_pool!(self, |p| p.close().await)
    }
}
