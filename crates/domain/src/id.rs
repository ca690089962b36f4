//! Record identifiers: one type per kind of record, so that a person's id cannot be passed
//! where a pathway's is expected. All are UUIDv7 underneath.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

/// A new time-ordered identifier (UUIDv7): sortable by creation, cheap to index, and safe to
/// generate on several servers sharing one base.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// Declares typed ids. Each reads and writes as its UUID (serde, text, and — with the `sqlx`
/// feature the storage crate turns on — the database), so typing changes no stored byte.
macro_rules! typed_ids {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new id (UUIDv7).
            pub fn new() -> $name {
                $name(new_id())
            }

            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> $name {
                $name(Uuid::nil())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<$name, uuid::Error> {
                Uuid::from_str(s).map($name)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> $name {
                $name(u)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    )+};
}

typed_ids! {
    /// A structure (a Maison de l'emploi) of the base.
    StructureId,
    /// A staff account.
    UserId,
    /// A person of the register.
    PersonId,
    /// A dated situation of a person.
    SituationId,
    /// A programme (PLIE, La Fabrik…).
    ProgrammeId,
    /// A person's pathway in a programme.
    EnrolmentId,
    /// A step of a pathway.
    StepId,
    /// An employment contract.
    ContractId,
    /// An access committee meeting.
    MeetingId,
    /// An appointment.
    AppointmentId,
    /// A roadmap objective.
    ObjectiveId,
    /// An API token.
    ApiTokenId,
    /// A published report.
    PublicationId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_id_reads_and_writes_as_its_uuid() {
        let id = PersonId::new();
        assert_eq!(id.to_string().parse::<PersonId>(), Ok(id));
        let json = serde_json::to_string(&id).unwrap_or_default();
        assert_eq!(json, format!("\"{}\"", id.uuid()));
        assert_eq!(serde_json::from_str::<PersonId>(&json).ok(), Some(id));
        assert!("pas-un-id".parse::<PersonId>().is_err());
    }
}
