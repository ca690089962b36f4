#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The storage crate's own test binary: it builds without the web crate and Typst, so that
//! storage tests run in seconds from a warm cache.

mod persons;
mod schema;
mod snapshots;
mod tx;

use passerelle_db::Db;
use uuid::Uuid;

/// A fresh, migrated SQLite base.
pub async fn sqlite() -> Db {
    let dir = std::env::temp_dir().join("passerelle-storage-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{}.db", Uuid::now_v7()));
    Db::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap()
}

/// A fresh, migrated PostgreSQL schema when `TEST_DATABASE_URL` is set (CI sets it, and fails
/// without it).
pub async fn postgres() -> Option<Db> {
    if std::env::var_os("CI").is_some() && std::env::var_os("TEST_DATABASE_URL").is_none() {
        panic!("CI must set TEST_DATABASE_URL so that every storage test also runs on PostgreSQL");
    }
    let url = std::env::var("TEST_DATABASE_URL").ok()?;
    let schema = format!("s_{}", Uuid::now_v7().simple());
    Some(
        Db::connect_postgres_schema(&url, &schema)
            .await
            .expect("PostgreSQL unreachable at TEST_DATABASE_URL"),
    )
}

/// The bases a test runs on: SQLite, and PostgreSQL when `TEST_DATABASE_URL` is set.
pub async fn databases() -> Vec<Db> {
    let mut all = vec![sqlite().await];
    all.extend(postgres().await);
    all
}
