//! Access: structures, staff accounts, sessions and API tokens.

use crate::modules::StorageModule;

pub const MODULE: StorageModule = StorageModule {
    name: "access",
    person_references: &[],
};

pub mod api_tokens;
pub mod sessions;
pub mod structures;
pub mod users;
