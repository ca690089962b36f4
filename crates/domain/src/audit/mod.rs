//! The audit trail's vocabulary: who did what to which record, field by field.

use std::str::FromStr;

use crate::access::{Permission, Role, UnknownCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Create,
    Update,
    Delete,
    View,
}

impl AuditAction {
    pub const ALL: [AuditAction; 4] = [
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Delete,
        AuditAction::View,
    ];
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
            AuditAction::View => "view",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::Create => "Création",
            AuditAction::Update => "Modification",
            AuditAction::Delete => "Suppression",
            AuditAction::View => "Consultation",
        }
    }
}

impl FromStr for AuditAction {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|x| x.code() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

/// One field's value before and after a change (`None`: the field did not exist).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The fields whose value differs between two versions of a record. `before` empty means a
/// creation, `after` empty a deletion.
pub fn diff(
    before: &[(&'static str, String)],
    after: &[(&'static str, String)],
) -> Vec<FieldChange> {
    let find = |list: &[(&'static str, String)], f: &str| {
        list.iter().find(|(k, _)| *k == f).map(|(_, v)| v.clone())
    };
    let mut fields: Vec<&'static str> = before.iter().chain(after).map(|(k, _)| *k).collect();
    fields.dedup();
    let mut seen = Vec::new();
    fields
        .into_iter()
        .filter(|f| {
            let new = !seen.contains(f);
            seen.push(*f);
            new
        })
        .filter_map(|f| {
            let (b, a) = (find(before, f), find(after, f));
            (b != a).then(|| FieldChange {
                field: f.to_owned(),
                before: b,
                after: a,
            })
        })
        .collect()
}

/// A kind of record the audit trail names (its `entity` column), registered by the module
/// that owns it (`crate::modules`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordKind {
    /// Stored in the trail; never changes once shipped.
    pub code: &'static str,
    /// Its French name on the audit page.
    pub label: &'static str,
    /// A record of Passerelle's own access (accounts, API tokens, sessions, the programmes the
    /// admin sets up): its audit rows carry no person's data.
    pub access: bool,
}

/// The access kinds of record, whose rows the admin reads in full.
pub fn access_kinds() -> impl Iterator<Item = &'static RecordKind> {
    crate::modules::record_kinds().filter(|k| k.access)
}

/// How much of the audit trail a reader sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuditDetail {
    /// Every row with its record's name and field values.
    Full,
    /// Access records in full; of every other record only who did what, when, on which id:
    /// never a name or a value, so that reading the trail does not read the register. The
    /// default, so that a reader who forgets to say who reads sees the least.
    #[default]
    AccessOnly,
}

impl AuditDetail {
    /// Full detail only for a role that may read the register, sensitive answers included
    /// (the director); the admin, who may not, sees the access only.
    pub fn for_role(role: Role) -> AuditDetail {
        if role.allows(Permission::PersonRead) && role.allows(Permission::SensitiveRead) {
            AuditDetail::Full
        } else {
            AuditDetail::AccessOnly
        }
    }

    /// Whether this reader sees the name and the values of a record of `entity`.
    pub fn shows_values_of(self, entity: &str) -> bool {
        self == AuditDetail::Full || access_kinds().any(|k| k.code == entity)
    }
}

crate::codes::coded!(AuditAction, &AuditAction::ALL);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_fields_are_kept() {
        let before = vec![("a", "1".to_owned()), ("b", "2".to_owned())];
        let after = vec![("a", "1".to_owned()), ("b", "3".to_owned())];
        let d = diff(&before, &after);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "b");
        assert_eq!(d[0].before.as_deref(), Some("2"));
        assert_eq!(d[0].after.as_deref(), Some("3"));
    }

    #[test]
    fn only_readers_of_the_register_see_its_values_in_the_trail() {
        assert_eq!(AuditDetail::for_role(Role::Director), AuditDetail::Full);
        let admin = AuditDetail::for_role(Role::Admin);
        assert_eq!(admin, AuditDetail::AccessOnly);
        assert!(admin.shows_values_of("user") && admin.shows_values_of("api_token"));
        for register in ["person", "situation", "enrolment", "report_figure"] {
            assert!(!admin.shows_values_of(register), "{register}");
            assert!(AuditDetail::Full.shows_values_of(register));
        }
    }

    #[test]
    fn creation_lists_every_field() {
        let after = vec![("a", "1".to_owned()), ("b", "2".to_owned())];
        assert_eq!(diff(&[], &after).len(), 2);
    }
}

/// Who acts: a staff member of a structure. Every write and every view of a person carries one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub structure_id: uuid::Uuid,
    pub user_id: uuid::Uuid,
}
