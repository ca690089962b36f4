//! Reference tables of the territory: towns and dated QPV lists.

use passerelle_domain::territory::{
    Commune, DEFAULT_COMMUNES_CSV, Qpv, TerritoryTables, parse_communes_csv,
};
use time::Date;

use crate::{Db, DbError, DbResult, with_pool};

/// Loads both tables, for validation and pickers.
pub async fn load(db: &Db) -> DbResult<TerritoryTables> {
    let communes: Vec<(String, String, String, i64)> = with_pool!(db, |p| {
        sqlx::query_as("SELECT code, name, postal_codes, population FROM communes ORDER BY name")
            .fetch_all(p)
            .await?
    });
    let qpvs: Vec<(String, String, String, String, Date, Option<Date>)> = with_pool!(db, |p| {
        sqlx::query_as(
            "SELECT code, list_version, name, commune_codes, valid_from, valid_to FROM qpvs ORDER BY name, valid_from",
        )
        .fetch_all(p)
        .await?
    });
    Ok(TerritoryTables {
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
    })
}

/// Adds or updates towns (never removes one that persons may point to).
pub async fn upsert_communes(db: &Db, communes: &[Commune]) -> DbResult<()> {
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        for c in communes {
            sqlx::query(
                "INSERT INTO communes (code, name, postal_codes, population) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, postal_codes = excluded.postal_codes,
                 population = excluded.population",
            )
            .bind(&c.code)
            .bind(&c.name)
            .bind(c.postal_codes.join(" "))
            .bind(c.population)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Installs the shipped town table when the base has none.
pub async fn ensure_default_communes(db: &Db) -> DbResult<()> {
    let n: i64 = with_pool!(db, |p| {
        sqlx::query_scalar("SELECT COUNT(*) FROM communes")
            .fetch_one(p)
            .await?
    });
    if n == 0 {
        let communes = parse_communes_csv(DEFAULT_COMMUNES_CSV).map_err(DbError::Corrupt)?;
        upsert_communes(db, &communes).await?;
    }
    Ok(())
}

/// Replaces one version of the QPV list (all its neighbourhoods at once).
pub async fn import_qpv_version(db: &Db, list_version: &str, qpvs: &[Qpv]) -> DbResult<()> {
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        sqlx::query("DELETE FROM qpvs WHERE list_version = $1")
            .bind(list_version)
            .execute(&mut *tx)
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
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
    });
    Ok(())
}
