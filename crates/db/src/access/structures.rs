//! The structures (Maisons de l'emploi) sharing a base.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, DbResult, Tx, with_pool, with_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Structure {
    pub id: Uuid,
    pub name: String,
}

/// Which structure a caller means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which<'a> {
    /// The signed-in user's.
    Id(Uuid),
    /// The one named on the command line.
    Named(&'a str),
    /// The base's first, by name: a command without `--structure` on a base of one.
    First,
}

/// The one lookup of a structure, whoever asks.
pub async fn find(db: &Db, which: Which<'_>) -> DbResult<Option<Structure>> {
    Ok(with_pool!(db, |p| {
        match which {
            Which::Id(id) => {
                sqlx::query_as::<_, Structure>("SELECT id, name FROM structures WHERE id = $1")
                    .bind(id)
                    .fetch_optional(p)
                    .await?
            }
            Which::Named(name) => {
                sqlx::query_as::<_, Structure>("SELECT id, name FROM structures WHERE name = $1")
                    .bind(name)
                    .fetch_optional(p)
                    .await?
            }
            Which::First => {
                sqlx::query_as::<_, Structure>(
                    "SELECT id, name FROM structures ORDER BY name, id LIMIT 1",
                )
                .fetch_optional(p)
                .await?
            }
        }
    }))
}

/// Inserts a structure; the service audits it.
pub async fn insert(tx: &mut Tx, name: &str) -> DbResult<Structure> {
    let id = passerelle_domain::new_id();
    with_tx!(tx, |c| {
        sqlx::query("INSERT INTO structures (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(name)
            .bind(OffsetDateTime::now_utc())
            .execute(&mut *c)
            .await?;
    });
    Ok(Structure {
        id,
        name: name.to_owned(),
    })
}
