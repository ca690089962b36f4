//! Persons: the register's identity record, its dated situations, name search and age.

pub mod age;
pub mod name_search;
pub mod rules;
pub mod situation;

mod model;
pub use model::*;

use crate::audit::RecordKind;
use crate::modules::DomainModule;

pub const PERSON: RecordKind = RecordKind {
    code: "person",
    label: "Personne",
    access: false,
};
pub const SITUATION: RecordKind = RecordKind {
    code: "situation",
    label: "Situation",
    access: false,
};

pub const MODULE: DomainModule = DomainModule {
    name: "persons",
    record_kinds: &[PERSON, SITUATION],
};
