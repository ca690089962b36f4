//! The rules a change of the register follows: an edit or a deletion is made against the
//! version the user read, and a person whose record other modules still refer to is kept.

use crate::audit::{FieldChange, diff};
use crate::french;
use crate::persons::{Person, PersonFields};

/// A change of a person's record the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonRuleError {
    /// Someone saved the record since this version was read.
    #[error("La fiche a été modifiée entre-temps.")]
    Stale,
    /// Other modules' records refer to the person (as they name them: « des parcours »).
    #[error(
        "Cette personne a des {} enregistrés, qui comptent dans les bilans : sa fiche ne peut pas être supprimée.",
        french::list_or(.0)
    )]
    Referenced(Vec<&'static str>),
}

/// What an edit writes: the fields that change (`None`: nothing changes, nothing to write).
pub fn plan_update(
    before: &Person,
    expected_version: i64,
    after: &PersonFields,
) -> Result<Option<Vec<FieldChange>>, PersonRuleError> {
    if before.version != expected_version {
        return Err(PersonRuleError::Stale);
    }
    let changes = diff(&before.fields.audit_values(), &after.audit_values());
    Ok((!changes.is_empty()).then_some(changes))
}

/// What a deletion keeps in the audit trail (the values deleted), unless it is refused.
/// `referenced_by`: the kinds of record that still refer to the person.
pub fn plan_delete(
    before: &Person,
    expected_version: i64,
    referenced_by: Vec<&'static str>,
) -> Result<Vec<FieldChange>, PersonRuleError> {
    if before.version != expected_version {
        return Err(PersonRuleError::Stale);
    }
    if !referenced_by.is_empty() {
        return Err(PersonRuleError::Referenced(referenced_by));
    }
    Ok(diff(&before.fields.audit_values(), &[]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persons::Sex;
    use time::macros::{date, datetime};

    fn person(version: i64) -> Person {
        Person {
            id: uuid::Uuid::from_u128(7),
            version,
            fields: PersonFields {
                last_name: "Martin".into(),
                first_names: "Léa".into(),
                birth_name: None,
                birth_date: date!(1990 - 05 - 04),
                sex: Sex::Female,
                phone: None,
                email: None,
                address: None,
                commune_code: "59512".into(),
                qpv_code: None,
            },
            created_at: datetime!(2021-01-01 0:00 UTC),
            updated_at: datetime!(2021-01-01 0:00 UTC),
        }
    }

    #[test]
    fn an_edit_writes_only_what_changed_against_the_version_read() {
        let p = person(3);
        assert_eq!(plan_update(&p, 3, &p.fields), Ok(None));
        let mut moved = p.fields.clone();
        moved.commune_code = "59599".into();
        let changes = plan_update(&p, 3, &moved)
            .ok()
            .flatten()
            .unwrap_or_default();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].after.as_deref(), Some("59599"));
        assert_eq!(plan_update(&p, 2, &moved), Err(PersonRuleError::Stale));
    }

    #[test]
    fn a_person_with_recorded_work_is_kept() {
        let p = person(1);
        assert_eq!(
            plan_delete(&p, 1, vec!["parcours", "contrats"]),
            Err(PersonRuleError::Referenced(vec!["parcours", "contrats"]))
        );
        assert_eq!(plan_delete(&p, 2, vec![]), Err(PersonRuleError::Stale));
        let kept = plan_delete(&p, 1, vec![]).unwrap_or_default();
        assert!(kept.iter().all(|c| c.after.is_none()));
        assert!(kept.iter().any(|c| c.before.as_deref() == Some("Martin")));
    }

    #[test]
    fn the_refusal_names_what_keeps_the_person() {
        let e = PersonRuleError::Referenced(vec!["parcours", "étapes", "contrats"]);
        assert_eq!(
            e.to_string(),
            "Cette personne a des parcours, étapes ou contrats enregistrés, qui comptent dans les bilans : sa fiche ne peut pas être supprimée."
        );
    }
}
