//! The access committee's rules: a decision concerns a pathway of the committee's programme;
//! the entry is on the committee's date, for a person eligible then, or on a manager's
//! override with a written reason; an exit review concerns an exit of that programme.

use time::Date;
use uuid::Uuid;

use super::transition::{CommitteeDecision, TransitionData};
use crate::Role;
use crate::pathways::eligibility::Eligibility;
use crate::pathways::texts;
use crate::pathways::workflow::PathwayEvent;
use crate::persons::situation::SituationFields;

/// What the rules read of a committee meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingFacts {
    pub id: Uuid,
    pub programme_id: Uuid,
    pub held_on: Date,
}

/// What eligibility reads of the person: where they live, when they were born, and their
/// dated situations, the latest observation first (as the history lists them).
#[derive(Debug, Clone, PartialEq)]
pub struct EligibilityFacts<'a> {
    pub commune_code: &'a str,
    pub commune_name: &'a str,
    pub birth_date: Date,
    pub situations: &'a [SituationFields],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecisionRequest<'a> {
    pub admitted: bool,
    pub reason: &'a str,
    /// Written reason to enter a person the eligibility rules refuse (managers only).
    pub override_reason: Option<&'a str>,
}

/// Why a committee's decision or review is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommitteeError {
    /// A free text (notes, reasons) refused by its rule.
    #[error("{0}")]
    Text(String),
    #[error("Ce parcours ne relève pas du dispositif de ce comité.")]
    OtherProgramme,
    /// Not eligible on the committee's date; only a manager may override.
    #[error("{} Seul un responsable peut passer outre.", .0.join(" "))]
    OverrideNotAllowed(Vec<String>),
    /// Not eligible on the committee's date and no override reason given.
    #[error("{} Pour l'entrer malgré tout, un responsable indique un motif de dérogation.", .0.join(" "))]
    NotEligible(Vec<String>),
    #[error("Ce parcours n'a pas de sortie à examiner par ce comité.")]
    NoExitToReview,
}

/// The transition a decision makes, on the committee's date.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionPlan {
    pub event: PathwayEvent,
    pub on: Date,
    pub data: TransitionData,
}

/// A committee meeting's notes.
pub fn check_meeting_notes(notes: Option<&str>) -> Result<(), CommitteeError> {
    texts::optional(
        "les notes",
        notes.unwrap_or_default(),
        texts::COMMITTEE_NOTES,
    )
    .map(|_| ())
    .map_err(CommitteeError::Text)
}

/// Plans the committee's decision on a pathway of `pathway_programme`, the person's
/// eligibility read under `eligibility` on the committee's date.
pub fn plan_decision(
    meeting: &MeetingFacts,
    pathway_programme: Uuid,
    role: Role,
    d: DecisionRequest<'_>,
    eligibility: (&Eligibility, &EligibilityFacts<'_>),
) -> Result<DecisionPlan, CommitteeError> {
    if pathway_programme != meeting.programme_id {
        return Err(CommitteeError::OtherProgramme);
    }
    let text = |what, raw, rule| texts::required(what, raw, rule).map_err(CommitteeError::Text);
    text(
        "le motif de la décision du comité",
        d.reason,
        texts::DECISION_REASON,
    )?;
    texts::optional(
        "le motif de la dérogation",
        d.override_reason.unwrap_or_default(),
        texts::DECISION_REASON,
    )
    .map_err(CommitteeError::Text)?;
    let override_used = if d.admitted {
        let refusals = refusals_on(eligibility.0, eligibility.1, meeting.held_on);
        check_override(&refusals, d.override_reason, role)?
    } else {
        None
    };
    let note = match &override_used {
        Some(o) => format!("{} (dérogation : {o})", d.reason.trim()),
        None => d.reason.trim().to_owned(),
    };
    Ok(DecisionPlan {
        event: if d.admitted {
            PathwayEvent::CommitteeAdmits
        } else {
            PathwayEvent::CommitteeRefuses
        },
        on: meeting.held_on,
        data: TransitionData {
            note: Some(note),
            exit: None,
            decision: Some(CommitteeDecision {
                meeting_id: meeting.id,
                admitted: d.admitted,
                reason: d.reason.trim().to_owned(),
                eligibility_override: override_used,
            }),
        },
    })
}

/// Every reason why the person cannot enter on `on`, from their situation known then (the
/// latest observation on or before `on`).
fn refusals_on(rules: &Eligibility, person: &EligibilityFacts<'_>, on: Date) -> Vec<String> {
    let situation = person.situations.iter().find(|s| s.observed_on <= on);
    rules.refusals_with_situation(
        person.commune_code,
        person.commune_name,
        person.birth_date,
        situation,
        on,
    )
}

/// The override reason used to enter a person the rules refuse, if any is needed.
fn check_override(
    refusals: &[String],
    override_reason: Option<&str>,
    role: Role,
) -> Result<Option<String>, CommitteeError> {
    if refusals.is_empty() {
        return Ok(None);
    }
    match override_reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(reason) if matches!(role, Role::Manager | Role::Director) => {
            Ok(Some(reason.to_owned()))
        }
        Some(_) => Err(CommitteeError::OverrideNotAllowed(refusals.to_vec())),
        None => Err(CommitteeError::NotEligible(refusals.to_vec())),
    }
}

/// An exit review: a pathway of the committee's programme that has exited, with the
/// committee's written opinion (returned trimmed).
pub fn check_exit_review(
    meeting: &MeetingFacts,
    pathway_programme: Uuid,
    exited: bool,
    reason: &str,
) -> Result<String, CommitteeError> {
    if pathway_programme != meeting.programme_id || !exited {
        return Err(CommitteeError::NoExitToReview);
    }
    texts::required(
        "l'avis du comité sur la sortie",
        reason,
        texts::DECISION_REASON,
    )
    .map_err(CommitteeError::Text)?;
    Ok(reason.trim().to_owned())
}

#[cfg(test)]
#[path = "committee_tests.rs"]
mod tests;
