//! A transaction on either engine, begun by a service and passed down to the storage functions
//! of every module its use case writes, so that a use case touching several aggregates (an
//! exit and its follow-up, tomorrow a clause hours declaration) commits or rolls back as one.
//! Dropped without [`Tx::commit`], it rolls back.

use sqlx::{Postgres, Sqlite, Transaction};

use crate::{Db, DbResult};

pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs the same block against whichever engine `tx` is on; inside, `$conn` is the typed
/// connection of the transaction (`&mut SqliteConnection` or `&mut PgConnection`): pass it to
/// queries as `&mut *$conn`.
#[macro_export]
macro_rules! with_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}

impl Db {
    /// Begins a transaction (SQLite: deferred, upgraded to a write lock at the first write;
    /// its busy timeout waits for a concurrent writer).
    pub async fn begin(&self) -> DbResult<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }
}

impl Tx {
    pub async fn commit(self) -> DbResult<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    pub async fn rollback(self) -> DbResult<()> {
        match self {
            Tx::Sqlite(t) => t.rollback().await?,
            Tx::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }
}
