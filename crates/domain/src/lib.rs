//! The pure domain layer of Passerelle: types and rules of the field, no I/O.
//!
//! Every other crate depends on this one and never the other way round.

pub mod access;
pub mod audit;
pub mod clock;
pub mod codes;
pub mod french;
pub mod id;
pub mod iso_date;
pub mod modules;
pub mod pathways;
pub mod persons;
pub mod reports;
pub mod rule;
pub mod territory;
pub mod validation;

pub use access::{Permission, Principal, Role, Team};
pub use codes::Coded;
pub use id::{
    ApiTokenId, AppointmentId, ContractId, EnrolmentId, MeetingId, ObjectiveId, PersonId,
    ProgrammeId, PublicationId, SituationId, StepId, StructureId, UserId, new_id,
};
pub use rule::RuleViolation;
pub use validation::FieldErrors;
