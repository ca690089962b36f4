//! A service's transaction: what it wrote is there after commit, and nothing of it is after a
//! rollback or when it is dropped half-way (an error between two writes), on both engines.

use passerelle_db::{Db, with_tx};
use time::OffsetDateTime;
use uuid::Uuid;

async fn write_structure(db: &Db, name: &str) -> passerelle_db::Tx {
    let mut tx = db.begin().await.unwrap();
    with_tx!(&mut tx, |c| {
        sqlx::query("INSERT INTO structures (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(Uuid::now_v7())
            .bind(name)
            .bind(OffsetDateTime::now_utc())
            .execute(&mut *c)
            .await
            .unwrap();
    });
    tx
}

async fn count(db: &Db, name: &str) -> i64 {
    passerelle_db::with_pool!(db, |p| {
        sqlx::query_scalar("SELECT COUNT(*) FROM structures WHERE name = $1")
            .bind(name)
            .fetch_one(p)
            .await
            .unwrap()
    })
}

async fn commit_keeps_and_rollback_or_drop_leaves_nothing(db: Db) {
    write_structure(&db, "gardée").await.commit().await.unwrap();
    write_structure(&db, "annulée")
        .await
        .rollback()
        .await
        .unwrap();
    drop(write_structure(&db, "abandonnée").await);
    assert_eq!(count(&db, "gardée").await, 1);
    assert_eq!(count(&db, "annulée").await, 0);
    assert_eq!(count(&db, "abandonnée").await, 0);
}

#[tokio::test]
async fn a_transaction_commits_or_leaves_nothing_on_sqlite() {
    commit_keeps_and_rollback_or_drop_leaves_nothing(crate::sqlite().await).await;
}

#[tokio::test]
async fn a_transaction_commits_or_leaves_nothing_on_postgres() {
    if let Some(db) = crate::postgres().await {
        commit_keeps_and_rollback_or_drop_leaves_nothing(db).await;
    }
}
