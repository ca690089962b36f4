//! Indicators compiled to SQL, one file per pass: [`compile`] (a definition, a dialect, a
//! period and a structure give a query, without a database), [`evaluate`] (a figure's value),
//! [`breakdowns`] (its groups) and [`listing`] (the records behind it, for one reader). The
//! database does the counting on either engine; no loop over the records in Rust.

pub mod breakdowns;
pub mod compile;
pub mod evaluate;
pub mod listing;

pub use breakdowns::{Group, breakdowns_sql, evaluate_breakdown, evaluate_breakdowns};
pub use compile::value_sql;
pub use evaluate::{evaluate, evaluate_periods};
pub use listing::{
    CountedRecord, Listing, counted_records, counted_sql, excluded_records, keys_in_scope,
};
