//! Positional parameters for SQL assembled at run time (search filters), bound the same way on
//! both engines.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone)]
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

/// Collects parameters and hands out their `$n` placeholders in order.
#[derive(Debug, Default)]
pub struct Params(pub Vec<Param>);

impl Params {
    pub fn push(&mut self, p: Param) -> String {
        self.0.push(p);
        format!("${}", self.0.len())
    }

    pub fn push_time(&mut self, t: OffsetDateTime) -> String {
        self.push(Param::Time(t))
    }
}

/// Binds every parameter of a [`Params`] to a query, whatever the engine.
#[macro_export]
macro_rules! bind_params {
    ($query:expr, $params:expr) => {{
        let mut q = $query;
        for p in &$params.0 {
            q = match p {
                $crate::params::Param::Text(s) => q.bind(s.clone()),
                $crate::params::Param::Date(d) => q.bind(*d),
                $crate::params::Param::Uuid(u) => q.bind(*u),
                $crate::params::Param::Int(i) => q.bind(*i),
                $crate::params::Param::Time(t) => q.bind(*t),
                $crate::params::Param::Bool(b) => q.bind(*b),
                $crate::params::Param::OptText(s) => q.bind(s.clone()),
                $crate::params::Param::OptDate(d) => q.bind(*d),
                $crate::params::Param::OptInt(i) => q.bind(*i),
            };
        }
        q
    }};
}
