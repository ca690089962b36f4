//! Reference tables of the territory: towns and dated QPV lists.

use passerelle_domain::territory::{
    Commune, DEFAULT_COMMUNES_CSV, Qpv, TerritoryTables, parse_communes_csv,
};
use time::Date;

use crate::modules::StorageModule;
use crate::{Db, DbError, DbResult, Tx, with_pool, with_tx};

pub const MODULE: StorageModule = StorageModule {
    name: "territory",
    person_references: &[],
};

type CommuneRow = (String, String, String, i64);
type QpvRow = (String, String, String, String, Date, Option<Date>);

/// Reads both tables' rows with the executor given (a pool or a transaction's connection).
macro_rules! read_tables {
    ($exec:expr) => {{
        let communes: Vec<CommuneRow> = sqlx::query_as(
            "SELECT code, name, postal_codes, population FROM communes ORDER BY name",
        )
        .fetch_all(&mut *$exec)
        .await?;
        let qpvs: Vec<QpvRow> = sqlx::query_as(
            "SELECT code, list_version, name, commune_codes, valid_from, valid_to FROM qpvs ORDER BY name, valid_from",
        )
        .fetch_all(&mut *$exec)
        .await?;
        tables(communes, qpvs)
    }};
}

/// Loads both tables, for validation and pickers.
pub async fn load(db: &Db) -> DbResult<TerritoryTables> {
    Ok(with_pool!(db, |p| {
        let mut c = p.acquire().await?;
        read_tables!(c)
    }))
}

/// Both tables, read inside a service's transaction (an import checks against them).
pub async fn load_in(tx: &mut Tx) -> DbResult<TerritoryTables> {
    Ok(with_tx!(tx, |c| read_tables!(c)))
}

fn tables(communes: Vec<CommuneRow>, qpvs: Vec<QpvRow>) -> TerritoryTables {
    TerritoryTables {
        communes: communes
            .into_iter()
            .map(|(code, name, postal, population)| Commune {
                code,
                name,
                postal_codes: postal.split_whitespace().map(str::to_owned).collect(),
                population,
            })
            .collect(),
        qpvs: qpvs
            .into_iter()
            .map(
                |(code, list_version, name, communes, valid_from, valid_to)| Qpv {
                    code,
                    name,
                    commune_codes: communes.split_whitespace().map(str::to_owned).collect(),
                    list_version,
                    valid_from,
                    valid_to,
                },
            )
            .collect(),
    }
}

/// Adds or updates towns (never removes one that persons may point to); the service audits
/// an import.
pub async fn upsert_communes(tx: &mut Tx, communes: &[Commune]) -> DbResult<()> {
    with_tx!(tx, |c| {
        for commune in communes {
            sqlx::query(
                "INSERT INTO communes (code, name, postal_codes, population) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, postal_codes = excluded.postal_codes,
                 population = excluded.population",
            )
            .bind(&commune.code)
            .bind(&commune.name)
            .bind(commune.postal_codes.join(" "))
            .bind(commune.population)
            .execute(&mut *c)
            .await?;
        }
    });
    Ok(())
}

/// Installs the shipped town table when the base has none (at start-up: not an import by
/// anyone, hence no audit row).
pub async fn ensure_default_communes(db: &Db) -> DbResult<()> {
    let n: i64 = with_pool!(db, |p| {
        sqlx::query_scalar("SELECT COUNT(*) FROM communes")
            .fetch_one(p)
            .await?
    });
    if n == 0 {
        let communes = parse_communes_csv(DEFAULT_COMMUNES_CSV).map_err(DbError::Corrupt)?;
        let mut tx = db.begin().await?;
        upsert_communes(&mut tx, &communes).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Replaces one version of the QPV list (all its neighbourhoods at once); the service audits
/// an import.
pub async fn replace_qpv_version(tx: &mut Tx, list_version: &str, qpvs: &[Qpv]) -> DbResult<()> {
    with_tx!(tx, |c| {
        sqlx::query("DELETE FROM qpvs WHERE list_version = $1")
            .bind(list_version)
            .execute(&mut *c)
            .await?;
        for q in qpvs {
            sqlx::query(
                "INSERT INTO qpvs (code, list_version, name, commune_codes, valid_from, valid_to)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&q.code)
            .bind(list_version)
            .bind(&q.name)
            .bind(q.commune_codes.join(" "))
            .bind(q.valid_from)
            .bind(q.valid_to)
            .execute(&mut *c)
            .await?;
        }
    });
    Ok(())
}
