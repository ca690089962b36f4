//! Stable text codes for enums stored in the database and sent in forms, and the one trait
//! every such enum implements, so that choice lists are generated, never written by hand.

use crate::access::UnknownCode;

/// A closed list of values stored and sent as stable text codes and shown with French labels.
/// Forms, filters and the API's enums list [`Coded::ALL`]; storage and input read codes back
/// with [`Coded::from_code`].
pub trait Coded: Copy + Eq + 'static {
    /// Every value, in the order choice lists show them.
    const ALL: &'static [Self];
    /// The stable code stored and sent (never changes once shipped).
    fn code(self) -> &'static str;
    /// The French label users read.
    fn label(self) -> &'static str;

    fn from_code(code: &str) -> Result<Self, UnknownCode> {
        Self::ALL
            .iter()
            .copied()
            .find(|x| x.code() == code)
            .ok_or_else(|| UnknownCode(code.to_owned()))
    }
}

/// Implements [`Coded`] for an enum from its own `code`, `label` and list of values (a
/// `&'static` slice), so that it is written once.
macro_rules! coded {
    ($name:ty, $all:expr) => {
        impl $crate::codes::Coded for $name {
            const ALL: &'static [Self] = $all;
            fn code(self) -> &'static str {
                <$name>::code(self)
            }
            fn label(self) -> &'static str {
                <$name>::label(self)
            }
        }
    };
}

pub(crate) use coded;

/// Gives an enum `code()`, `ALL_CODES` and `FromStr` from a list of `Variant = "code"`.
macro_rules! codes {
    ($name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        impl $name {
            pub const VARIANTS: &'static [$name] = &[$($name::$variant),+];
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::access::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::VARIANTS
                    .iter()
                    .copied()
                    .find(|x| x.code() == s)
                    .ok_or_else(|| $crate::access::UnknownCode(s.to_owned()))
            }
        }
    };
}

pub(crate) use codes;

#[cfg(test)]
mod tests {
    use std::fmt::Debug;

    use super::Coded;
    use crate::access::{Role, Team};
    use crate::audit::AuditAction;
    use crate::pathways::eligibility::SituationCriterion;
    use crate::pathways::employment::ContractKind;
    use crate::pathways::exit::{ExitCategory, ExitReason};
    use crate::pathways::step::{AppointmentKind, DiagnosisCriterion, ObjectiveStatus, StepFamily};
    use crate::pathways::workflow::PathwayState;
    use crate::persons::Sex;
    use crate::persons::age::AgeBand;
    use crate::persons::situation::{Answer, LabourStatus};
    use crate::reports::indicator::Breakdown;

    /// Every value reads back from its code, codes are distinct, labels are written.
    fn round_trips<T: Coded + Debug>() {
        let mut codes: Vec<&str> = T::ALL.iter().map(|v| v.code()).collect();
        for v in T::ALL {
            assert_eq!(T::from_code(v.code()), Ok(*v));
            assert!(!v.label().trim().is_empty(), "{v:?}");
        }
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(
            codes.len(),
            n,
            "duplicate code in {}",
            std::any::type_name::<T>()
        );
        assert!(T::from_code("pas-un-code").is_err());
    }

    #[test]
    fn every_coded_enum_round_trips_through_its_codes() {
        round_trips::<Role>();
        round_trips::<Team>();
        round_trips::<AuditAction>();
        round_trips::<Sex>();
        round_trips::<AgeBand>();
        round_trips::<LabourStatus>();
        round_trips::<Answer>();
        round_trips::<SituationCriterion>();
        round_trips::<ContractKind>();
        round_trips::<ExitCategory>();
        round_trips::<ExitReason>();
        round_trips::<PathwayState>();
        round_trips::<StepFamily>();
        round_trips::<AppointmentKind>();
        round_trips::<ObjectiveStatus>();
        round_trips::<DiagnosisCriterion>();
        round_trips::<Breakdown>();
    }
}
