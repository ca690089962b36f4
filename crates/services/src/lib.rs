//! The service layer: one entry point per use case, called by the pages, the API, the command
//! line, the demo and (later) the imports alike. A service begins one transaction
//! ([`passerelle_db::Tx`]), loads what the rule needs, asks the pure domain rules for a plan or
//! a typed error, applies the plan through the storage functions, writes the audit row and
//! commits: a use case is all done or not at all, and never unaudited.

pub mod access;
mod by;
pub use by::By;
pub mod pathways;
pub mod persons;
pub mod reports;
pub mod territory;
