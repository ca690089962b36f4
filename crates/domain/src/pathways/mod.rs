//! The PLIE pathway's rules: programmes and their eligibility, the enrolment's state machine,
//! employment contracts and the exit categories they justify.
//!
//! Pure functions of recorded facts; storage and pages come on top (issue 3).

pub mod calendar;
pub mod duration;
pub mod eligibility;
pub mod employment;
pub mod exit;
pub mod programme;
pub mod referent;
pub mod rules;
pub mod scope;
pub mod step;
pub mod texts;
pub mod workflow;

use crate::audit::RecordKind;
use crate::modules::DomainModule;

pub const ENROLMENT: RecordKind = RecordKind {
    code: "enrolment",
    label: "Parcours",
    access: false,
};
pub const COMMITTEE_MEETING: RecordKind = RecordKind {
    code: "committee_meeting",
    label: "Comité",
    access: false,
};
/// Set up by the admin; carries no person's data.
pub const PROGRAMME: RecordKind = RecordKind {
    code: "programme",
    label: "Dispositif",
    access: true,
};

pub const MODULE: DomainModule = DomainModule {
    name: "pathways",
    record_kinds: &[ENROLMENT, COMMITTEE_MEETING, PROGRAMME],
};
