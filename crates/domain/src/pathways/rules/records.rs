//! The rules of what hangs on a pathway: the referral (one open pathway per programme), its
//! steps within its dates, roadmap objectives, diagnosis criteria, appointments, and the
//! person's employment contracts.

use time::Date;

use crate::french;
use crate::pathways::employment::Contract;
use crate::pathways::texts;
use crate::pathways::workflow::PathwayState;

/// Why a referral is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferralError {
    #[error("{0}")]
    Text(String),
    #[error(
        "Cette personne a déjà un parcours en cours dans ce dispositif : ouvrez-le plutôt que d'en créer un second."
    )]
    AlreadyOpen,
}

/// A referral's texts, and no other pathway of the person in this programme still open
/// (`existing`: the states of the person's pathways in the programme, whoever referred).
pub fn check_referral(
    organisation: &str,
    name: Option<&str>,
    reason: &str,
    existing: &[PathwayState],
) -> Result<(), ReferralError> {
    texts::check_referral(organisation, name, reason).map_err(ReferralError::Text)?;
    let open = existing.iter().any(|s| {
        matches!(
            s,
            PathwayState::Referred | PathwayState::ProposedToCommittee | PathwayState::Entered
        )
    });
    if open {
        return Err(ReferralError::AlreadyOpen);
    }
    Ok(())
}

/// What the step rules read of a pathway: its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepFacts {
    pub referred_on: Date,
    pub entered_on: Option<Date>,
    pub exited_on: Option<Date>,
}

/// Why a step, objective, diagnosis criterion or appointment is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("{0}")]
    Text(String),
    #[error("Les étapes s'ajoutent après l'entrée dans le dispositif.")]
    NotEntered,
    #[error("La fin de l'étape précède son début.")]
    EndsBeforeStart,
    #[error("L'étape commence avant l'entrée du {}.", french::date(*.0))]
    BeforeEntry(Date),
    #[error("L'étape dépasse la sortie du {}.", french::date(*.0))]
    AfterExit(Date),
    #[error("Indiquez le thème, l'objectif et l'action.")]
    ObjectiveIncomplete,
    #[error("Chaque champ est limité à 300 caractères.")]
    ObjectiveTooLong,
    #[error("Un critère ne peut pas être daté dans le futur.")]
    CriterionInTheFuture,
    #[error("Indiquez la preuve du critère (attestation, notification…).")]
    NoProof,
    #[error("La preuve est limitée à 300 caractères.")]
    ProofTooLong,
    #[error("Enregistrez le rendez-vous une fois tenu (date passée ou du jour).")]
    AppointmentInTheFuture,
    #[error("La note est limitée à 1 000 caractères.")]
    NoteTooLong,
    #[error("Ce rendez-vous précède l'orientation : vérifiez la date.")]
    AppointmentBeforeReferral,
}

/// A step's texts, and its dates within the pathway: from the entry to the exit.
pub fn check_step(
    title: &str,
    provider: Option<&str>,
    (start, end): (Date, Option<Date>),
    pathway: &StepFacts,
) -> Result<(), StepError> {
    texts::required("l'intitulé de l'étape", title, texts::STEP_TITLE).map_err(StepError::Text)?;
    texts::optional("l'organisme", provider.unwrap_or_default(), texts::PROVIDER)
        .map_err(StepError::Text)?;
    let Some(entered) = pathway.entered_on else {
        return Err(StepError::NotEntered);
    };
    if end.is_some_and(|end| end < start) {
        return Err(StepError::EndsBeforeStart);
    }
    if start < entered {
        return Err(StepError::BeforeEntry(entered));
    }
    if let Some(exit) = pathway.exited_on
        && (start > exit || end.is_some_and(|end| end > exit))
    {
        return Err(StepError::AfterExit(exit));
    }
    Ok(())
}

/// A roadmap line: a theme, an objective and an action, each given and at most 300
/// characters (trimmed).
pub fn check_objective(theme: &str, objective: &str, action: &str) -> Result<(), StepError> {
    let all = [theme.trim(), objective.trim(), action.trim()];
    if all.iter().any(|x| x.is_empty()) {
        return Err(StepError::ObjectiveIncomplete);
    }
    if all.iter().any(|x| x.chars().count() > 300) {
        return Err(StepError::ObjectiveTooLong);
    }
    Ok(())
}

/// A diagnosis criterion: observed by today, with its proof.
pub fn check_diagnosis(observed_on: Date, proof: &str, today: Date) -> Result<(), StepError> {
    if observed_on > today {
        return Err(StepError::CriterionInTheFuture);
    }
    if proof.trim().is_empty() {
        return Err(StepError::NoProof);
    }
    if proof.chars().count() > 300 {
        return Err(StepError::ProofTooLong);
    }
    Ok(())
}

/// An appointment is recorded once held: by today, not before the referral, its note at
/// most 1 000 characters.
pub fn check_appointment(
    held_on: Date,
    note: Option<&str>,
    referred_on: Date,
    today: Date,
) -> Result<(), StepError> {
    if held_on > today {
        return Err(StepError::AppointmentInTheFuture);
    }
    if note.is_some_and(|n| n.chars().count() > 1000) {
        return Err(StepError::NoteTooLong);
    }
    if held_on < referred_on {
        return Err(StepError::AppointmentBeforeReferral);
    }
    Ok(())
}

/// Why a contract is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContractError {
    #[error("Le contrat ne peut pas finir avant de commencer.")]
    EndsBeforeStart,
    #[error("La durée hebdomadaire doit être comprise entre 0 et 48 heures.")]
    WeeklyHours,
    #[error("{0}")]
    Text(String),
}

/// What a contract may not be: ending before it starts, hours outside 0–48 a week, no
/// employer.
pub fn check_contract(c: &Contract) -> Result<(), ContractError> {
    if c.end.is_some_and(|e| e < c.start) {
        return Err(ContractError::EndsBeforeStart);
    }
    if !(0.0..=48.0).contains(&c.weekly_hours) {
        return Err(ContractError::WeeklyHours);
    }
    texts::required("l'employeur", &c.employer, texts::EMPLOYER).map_err(ContractError::Text)?;
    Ok(())
}

#[cfg(test)]
#[path = "records_tests.rs"]
mod tests;
