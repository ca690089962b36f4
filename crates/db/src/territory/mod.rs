//! Reference tables of the territory: towns and dated QPV lists.

use crate::modules::StorageModule;

pub const MODULE: StorageModule = StorageModule {
    name: "territory",
    person_references: &[],
};

use passerelle_domain::territory::TERRITORY;
use passerelle_domain::territory::{
    Commune, DEFAULT_COMMUNES_CSV, Qpv, TerritoryTables, parse_communes_csv,
};
use time::Date;

use passerelle_domain::audit::{Actor, AuditAction, FieldChange};

use crate::{Db, DbError, DbResult, insert_audit, with_pool};

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

/// What an import of reference data leaves in the audit trail of the structure whose staff
/// made it (none for the shipped tables installed at start-up).
fn import_changes(what: &str, detail: String) -> [FieldChange; 1] {
    [FieldChange {
        field: what.to_owned(),
        before: None,
        after: Some(detail),
    }]
}

/// Adds or updates towns (never removes one that persons may point to).
pub async fn upsert_communes(db: &Db, by: Option<&Actor>, communes: &[Commune]) -> DbResult<()> {
    let changes = import_changes("communes", format!("{} communes", communes.len()));
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
        if let Some(actor) = by {
            insert_audit!(
                &mut *tx,
                actor,
                AuditAction::Update,
                TERRITORY.code,
                passerelle_domain::new_id(),
                &changes
            )?;
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
        upsert_communes(db, None, &communes).await?;
    }
    Ok(())
}

/// Replaces one version of the QPV list (all its neighbourhoods at once).
pub async fn import_qpv_version(
    db: &Db,
    by: Option<&Actor>,
    list_version: &str,
    qpvs: &[Qpv],
) -> DbResult<()> {
    let changes = import_changes(
        "qpv_list",
        format!("version {list_version} : {} quartiers", qpvs.len()),
    );
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
        if let Some(actor) = by {
            insert_audit!(
                &mut *tx,
                actor,
                AuditAction::Update,
                TERRITORY.code,
                passerelle_domain::new_id(),
                &changes
            )?;
        }
        tx.commit().await?;
    });
    Ok(())
}
