//! A pathway's transition: the state machine's guard, the dates it must respect, the exit's
//! reason and proof, and what it writes besides its log row (the entry date on admission, the
//! exit record with its 6-month follow-up and the referent's period closed).

use time::Date;
use uuid::Uuid;

use crate::Role;
use crate::audit::FieldChange;
use crate::pathways::calendar::add_months;
use crate::pathways::exit::{ExitDateError, ExitReason, Proposal, check_exit_date};
use crate::pathways::programme::ProgrammeDef;
use crate::pathways::texts;
use crate::pathways::workflow::{self, PathwayEvent, PathwayState, next};

/// What the transition rules read of a pathway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathwayFacts {
    pub state: PathwayState,
    pub referred_on: Date,
    pub entered_on: Option<Date>,
}

/// What a transition writes besides its log row, as the caller gives it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TransitionData {
    pub note: Option<String>,
    /// Reason and proof of an exit; the explanation is the rules' proposal at the exit date.
    pub exit: Option<(ExitReason, String)>,
    /// The access committee's decision behind the transition, written with it.
    pub decision: Option<CommitteeDecision>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitteeDecision {
    pub meeting_id: Uuid,
    pub admitted: bool,
    pub reason: String,
    pub eligibility_override: Option<String>,
}

/// Who asks for which event on which date.
#[derive(Debug, Clone, PartialEq)]
pub struct TransitionRequest {
    pub event: PathwayEvent,
    pub role: Role,
    pub on: Date,
    pub data: TransitionData,
}

/// Why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// A free text (note, proof) refused by its rule.
    #[error("{0}")]
    Text(String),
    #[error(transparent)]
    Workflow(#[from] workflow::TransitionError),
    #[error("Cette date précède l'orientation : vérifiez-la.")]
    BeforeReferral,
    #[error(transparent)]
    ExitDate(#[from] ExitDateError),
    #[error("Le motif « {} » n'est pas prévu pour ce dispositif.", .0.label())]
    ReasonNotInProgramme(ExitReason),
    #[error("Indiquez le motif de sortie.")]
    NoExitReason,
    #[error("Indiquez le justificatif de la sortie (contrat, attestation…).")]
    NoExitProof,
}

/// What an exit writes on the pathway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitRecord {
    pub reason: ExitReason,
    pub proof: String,
    /// What the rules proposed at the exit date, kept as the exit's explanation.
    pub explanation: String,
    /// The 6-month follow-up task created with the exit.
    pub follow_up_due: Date,
}

/// What an allowed transition writes.
#[derive(Debug, Clone, PartialEq)]
pub struct TransitionPlan {
    pub event: PathwayEvent,
    pub from: PathwayState,
    pub to: PathwayState,
    pub on: Date,
    pub note: Option<String>,
    /// The entry date, set when the committee admits: the committee's date.
    pub entered_on: Option<Date>,
    /// The exit, its follow-up task; the active referent's period ends on the exit date.
    pub exit: Option<ExitRecord>,
    /// The follow-up done on `on`, its situation being the note.
    pub follow_up_done: bool,
    pub decision: Option<CommitteeDecision>,
}

impl TransitionPlan {
    /// The audit row's changes: the state, and the entry date or the exit reason it sets.
    pub fn changes(&self) -> Vec<FieldChange> {
        let mut changes = vec![FieldChange {
            field: "state".into(),
            before: Some(self.from.code().into()),
            after: Some(self.to.code().into()),
        }];
        if let Some(entered) = self.entered_on {
            changes.push(FieldChange {
                field: "entered_on".into(),
                before: None,
                after: Some(entered.to_string()),
            });
        }
        if let Some(exit) = &self.exit {
            changes.push(FieldChange {
                field: "exit_reason".into(),
                before: None,
                after: Some(exit.reason.code().into()),
            });
        }
        changes
    }
}

/// Plans `req` on the pathway `facts` of `programme`, or says why it is refused. `proposal`
/// is what the exit rules propose on the requested date (read only for an exit).
pub fn plan_transition(
    facts: &PathwayFacts,
    req: TransitionRequest,
    programme: &ProgrammeDef,
    proposal: Option<&Proposal>,
    today: Date,
) -> Result<TransitionPlan, TransitionError> {
    let TransitionRequest {
        event,
        role,
        on,
        data,
    } = req;
    let proof = data.exit.as_ref().map(|(_, p)| p.as_str());
    texts::check_transition(data.note.as_deref(), proof).map_err(TransitionError::Text)?;
    let to = next(facts.state, event, role)?;
    if on < facts.referred_on {
        return Err(TransitionError::BeforeReferral);
    }
    let exit = if event == PathwayEvent::Exit {
        Some(plan_exit(facts, on, data.exit, programme, proposal, today)?)
    } else {
        None
    };
    Ok(TransitionPlan {
        event,
        from: facts.state,
        to,
        on,
        note: data.note,
        entered_on: (event == PathwayEvent::CommitteeAdmits).then_some(on),
        exit,
        follow_up_done: event == PathwayEvent::RecordFollowUp,
        decision: data.decision,
    })
}

/// An exit: on a date between the entry and today, for a reason the programme records, with
/// its proof; followed up 6 months later.
fn plan_exit(
    facts: &PathwayFacts,
    on: Date,
    exit: Option<(ExitReason, String)>,
    programme: &ProgrammeDef,
    proposal: Option<&Proposal>,
    today: Date,
) -> Result<ExitRecord, TransitionError> {
    check_exit_date(on, facts.entered_on.unwrap_or(facts.referred_on), today)?;
    let Some((reason, proof)) = exit else {
        return Err(TransitionError::NoExitReason);
    };
    if !programme.exit_reasons.contains(&reason) {
        return Err(TransitionError::ReasonNotInProgramme(reason));
    }
    if proof.trim().is_empty() {
        return Err(TransitionError::NoExitProof);
    }
    Ok(ExitRecord {
        reason,
        proof,
        explanation: exit_explanation(proposal, reason, on),
        follow_up_due: add_months(on, 6),
    })
}

/// What the exit record keeps of the rules: their proposal on the exit date and, when the
/// referent chose another reason, both.
pub fn exit_explanation(proposal: Option<&Proposal>, chosen: ExitReason, on: Date) -> String {
    let date = crate::french::date(on);
    match proposal {
        Some(p) if p.reason == chosen => p.why.clone(),
        Some(p) => format!(
            "Proposition des règles au {date} : {}. {} Motif retenu : {}.",
            p.reason.label(),
            p.why,
            chosen.label()
        ),
        None => format!(
            "Rien dans les contrats et formations enregistrés ne justifiait une sortie dynamique au {date}."
        ),
    }
}

#[cfg(test)]
#[path = "transition_tests.rs"]
mod tests;
