//! A connection to read from: the pool, or a service's open transaction. A read function that
//! takes `impl Into<Conn>` serves the pages (`&Db`) and the services' reads inside their
//! transaction (`&mut Tx`) with one SQL text.

use crate::{Db, Tx};

pub enum Conn<'a> {
    Pool(&'a Db),
    Tx(&'a mut Tx),
}

impl<'a> From<&'a Db> for Conn<'a> {
    fn from(db: &'a Db) -> Self {
        Conn::Pool(db)
    }
}

impl<'a> From<&'a mut Tx> for Conn<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        Conn::Tx(tx)
    }
}

impl Conn<'_> {
    /// The same connection for one more read.
    pub fn reborrow(&mut self) -> Conn<'_> {
        match self {
            Conn::Pool(db) => Conn::Pool(db),
            Conn::Tx(tx) => Conn::Tx(tx),
        }
    }
}

/// Runs the same block against whichever engine and handle `conn` is on; inside, `$c` is an
/// executor used once (`&Pool` or `&mut Connection`).
#[macro_export]
macro_rules! with_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::Conn::Pool($crate::Db::Sqlite($c)) => $body,
            $crate::Conn::Pool($crate::Db::Postgres($c)) => $body,
            $crate::Conn::Tx($crate::Tx::Sqlite(t)) => {
                let $c = &mut **t;
                $body
            }
            $crate::Conn::Tx($crate::Tx::Postgres(t)) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}
