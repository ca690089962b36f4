//! Access: structures, staff accounts, sessions and API tokens.

pub mod api_tokens;
pub mod sessions;
pub mod structures;
pub mod users;

use crate::modules::StorageModule;

pub const MODULE: StorageModule = StorageModule {
    name: "access",
    person_references: &[],
};
