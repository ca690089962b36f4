//! Pathways: programmes, enrolments and their transition log, steps, contracts, access
//! committees, the caseload and the record scope that narrows them to a reader.

pub mod caseload;
pub mod committees;
pub mod contracts;
pub mod enrolment_page;
pub mod enrolments;
pub mod programmes;
pub mod proposal;
pub mod scope;
pub mod steps;

use crate::modules::{PersonReference, StorageModule};

/// A person with pathways, contracts or appointments is kept: that work counts in the reports.
pub const MODULE: StorageModule = StorageModule {
    name: "pathways",
    person_references: &[
        PersonReference {
            table: "enrolments",
            label: "parcours",
        },
        PersonReference {
            table: "employment_contracts",
            label: "contrats",
        },
        PersonReference {
            table: "appointments",
            label: "rendez-vous",
        },
    ],
};
