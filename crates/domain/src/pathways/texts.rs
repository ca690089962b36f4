//! The free texts of a pathway (referral, transitions, steps, contracts, committees): one rule
//! per field, checked where the pages and the API meet (the storage's write functions), so
//! that both refuse the same empty or oversized values with the same French message.

use crate::validation::{TextError, TextRule, required_text, text};

pub const PRESCRIBER_ORGANISATION: TextRule = TextRule::line(200);
pub const PRESCRIBER_NAME: TextRule = TextRule::line(200);
pub const REFERRAL_REASON: TextRule = TextRule::lines(2000);
pub const NOTE: TextRule = TextRule::lines(1000);
pub const PROOF: TextRule = TextRule::line(300);
pub const STEP_TITLE: TextRule = TextRule::line(200);
pub const PROVIDER: TextRule = TextRule::line(200);
pub const EMPLOYER: TextRule = TextRule::line(200);
pub const OBJECTIVE: TextRule = TextRule::line(300);
pub const COMMITTEE_NOTES: TextRule = TextRule::lines(2000);
pub const DECISION_REASON: TextRule = TextRule::lines(1000);

/// The French message for `what` (« le motif », « l'employeur ») refused by its rule.
pub fn message(what: &str, e: TextError) -> String {
    let mut chars = what.chars();
    let what_ = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect::<String>())
        .unwrap_or_default();
    match e {
        TextError::Required => format!("Indiquez {what}."),
        TextError::Control => format!("{what_} : {e}"),
        TextError::LineBreak => format!("{what_} tient sur une seule ligne."),
        TextError::TooLong(max) => format!("{what_} est limité à {max} caractères."),
    }
}

/// A required text: `Err` holds the French message.
pub fn required(what: &str, raw: &str, rule: TextRule) -> Result<String, String> {
    required_text(raw, rule).map_err(|e| message(what, e))
}

/// An optional text (`None` when empty): `Err` holds the French message.
pub fn optional(what: &str, raw: &str, rule: TextRule) -> Result<Option<String>, String> {
    text(raw, rule).map_err(|e| message(what, e))
}

/// A referral's texts: the prescriber and the reason required, who referred optional.
pub fn check_referral(organisation: &str, name: Option<&str>, reason: &str) -> Result<(), String> {
    required(
        "l'organisme prescripteur",
        organisation,
        PRESCRIBER_ORGANISATION,
    )?;
    optional(
        "le nom de la personne qui oriente",
        name.unwrap_or_default(),
        PRESCRIBER_NAME,
    )?;
    required("le motif de l'orientation", reason, REFERRAL_REASON)?;
    Ok(())
}

/// A transition's texts: its note and, for an exit, the proof and the explanation.
pub fn check_transition(note: Option<&str>, exit_proof: Option<&str>) -> Result<(), String> {
    optional("la note", note.unwrap_or_default(), NOTE)?;
    if let Some(proof) = exit_proof {
        optional("le justificatif", proof, PROOF)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_huge_values_are_refused_with_the_field_named() {
        assert_eq!(
            required("le motif", "  ", REFERRAL_REASON),
            Err("Indiquez le motif.".into())
        );
        let huge = "x".repeat(1 << 20);
        assert_eq!(
            required("l'employeur", &huge, EMPLOYER),
            Err("L'employeur est limité à 200 caractères.".into())
        );
        assert_eq!(optional("la note", "", NOTE), Ok(None));
        assert_eq!(
            optional("la note", "deux\nlignes", NOTE),
            Ok(Some("deux\nlignes".into()))
        );
        assert!(optional("l'intitulé", "deux\nlignes", STEP_TITLE).is_err());
    }
}
