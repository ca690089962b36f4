//! The business modules of the domain layer and what each registers for the others: the kinds
//! of record it audits. The audit page names records, and the admin's view of the trail keeps
//! to access records, from this list; adding a module is one line in [`MODULES`].

use crate::audit::RecordKind;

/// What a module registers.
pub struct DomainModule {
    /// The module's name, the same in every layer.
    pub name: &'static str,
    pub record_kinds: &'static [RecordKind],
}

pub const MODULES: &[DomainModule] = &[
    crate::persons::MODULE,
    crate::pathways::MODULE,
    crate::reports::MODULE,
    crate::access::MODULE,
    crate::territory::MODULE,
];

/// Every kind of record the modules audit.
pub fn record_kinds() -> impl Iterator<Item = &'static RecordKind> {
    MODULES.iter().flat_map(|m| m.record_kinds.iter())
}

/// The kind of record stored as `code`, if a module registers it.
pub fn record_kind(code: &str) -> Option<&'static RecordKind> {
    record_kinds().find(|k| k.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_record_is_registered_once() {
        let mut codes: Vec<&str> = record_kinds().map(|k| k.code).collect();
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), n);
    }

    #[test]
    fn accounts_are_access_records_and_persons_are_not() {
        assert!(record_kind("user").is_some_and(|k| k.access));
        assert!(record_kind("person").is_some_and(|k| !k.access));
    }
}
