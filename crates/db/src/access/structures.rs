//! The structures (Maisons de l'emploi) sharing a base.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, DbResult, with_pool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Structure {
    pub id: Uuid,
    pub name: String,
}

pub async fn create(db: &Db, name: &str) -> DbResult<Structure> {
    let id = passerelle_domain::new_id();
    with_pool!(db, |p| {
        sqlx::query("INSERT INTO structures (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(name)
            .bind(OffsetDateTime::now_utc())
            .execute(p)
            .await?;
    });
    Ok(Structure {
        id,
        name: name.to_owned(),
    })
}

pub async fn list(db: &Db) -> DbResult<Vec<Structure>> {
    Ok(with_pool!(db, |p| {
        sqlx::query_as::<_, Structure>("SELECT id, name FROM structures ORDER BY name, id")
            .fetch_all(p)
            .await?
    }))
}

pub async fn get(db: &Db, id: Uuid) -> DbResult<Option<Structure>> {
    Ok(with_pool!(db, |p| {
        sqlx::query_as::<_, Structure>("SELECT id, name FROM structures WHERE id = $1")
            .bind(id)
            .fetch_optional(p)
            .await?
    }))
}

pub async fn by_name(db: &Db, name: &str) -> DbResult<Option<Structure>> {
    Ok(with_pool!(db, |p| {
        sqlx::query_as::<_, Structure>("SELECT id, name FROM structures WHERE name = $1")
            .bind(name)
            .fetch_optional(p)
            .await?
    }))
}
