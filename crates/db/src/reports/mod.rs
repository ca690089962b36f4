//! Reports: indicators compiled to SQL, a structure's own definition files, publications.

pub mod indicator_files;
pub mod indicators;
pub mod publications;

use crate::modules::StorageModule;

pub const MODULE: StorageModule = StorageModule {
    name: "reports",
    person_references: &[],
};
