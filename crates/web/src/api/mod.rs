//! The JSON API (`/api/v1`), authenticated by per-user tokens, with the same permissions and
//! audit as the pages.

pub mod openapi;
pub mod pathways;
pub mod persons;
pub mod reports;
