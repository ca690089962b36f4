//! Values bound to SQL assembled at run time ([`crate::sql::Sql`]), bound the same way on both
//! engines.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Text(String),
    Date(Date),
    Uuid(Uuid),
    Int(i64),
    Time(OffsetDateTime),
    Bool(bool),
    /// Nullable values, bound with their type so that PostgreSQL accepts a NULL.
    OptText(Option<String>),
    OptDate(Option<Date>),
    OptInt(Option<i64>),
}

impl From<String> for Param {
    fn from(v: String) -> Param {
        Param::Text(v)
    }
}

impl From<&str> for Param {
    fn from(v: &str) -> Param {
        Param::Text(v.to_owned())
    }
}

impl From<Date> for Param {
    fn from(v: Date) -> Param {
        Param::Date(v)
    }
}

impl From<Uuid> for Param {
    fn from(v: Uuid) -> Param {
        Param::Uuid(v)
    }
}

impl From<i64> for Param {
    fn from(v: i64) -> Param {
        Param::Int(v)
    }
}

impl From<OffsetDateTime> for Param {
    fn from(v: OffsetDateTime) -> Param {
        Param::Time(v)
    }
}

impl From<bool> for Param {
    fn from(v: bool) -> Param {
        Param::Bool(v)
    }
}

/// Binds one [`Param`] (taken by value) to a query, whatever the engine.
#[macro_export]
macro_rules! bind_param {
    ($query:expr, $param:expr) => {
        match $param {
            $crate::params::Param::Text(s) => $query.bind(s),
            $crate::params::Param::Date(d) => $query.bind(d),
            $crate::params::Param::Uuid(u) => $query.bind(u),
            $crate::params::Param::Int(i) => $query.bind(i),
            $crate::params::Param::Time(t) => $query.bind(t),
            $crate::params::Param::Bool(b) => $query.bind(b),
            $crate::params::Param::OptText(s) => $query.bind(s),
            $crate::params::Param::OptDate(d) => $query.bind(d),
            $crate::params::Param::OptInt(i) => $query.bind(i),
        }
    };
}
