//! Exit reasons and the categories they count in (RULES.md B.3, rules 13 to 16), and the
//! category the system proposes from the recorded contracts and trainings. The referent
//! confirms the proposal with a proof; the system never decides alone.

use time::Date;

use super::calendar::add_months;
use super::employment::{Contract, ContractKind, DurableJob, EmploymentRules};
use crate::french;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitCategory {
    DurableJob,
    TransitionJob,
    /// Qualifying training validated, hire by another insertion employer.
    PositiveExit,
    WithoutResult,
}

impl ExitCategory {
    pub fn label(self) -> &'static str {
        match self {
            ExitCategory::DurableJob => "Emploi durable",
            ExitCategory::TransitionJob => "Emploi de transition",
            ExitCategory::PositiveExit => "Sortie positive",
            ExitCategory::WithoutResult => "Sortie sans suite",
        }
    }

    /// The "dynamic" exits of the activity report: durable, transition and positive.
    pub fn is_dynamic(self) -> bool {
        self != ExitCategory::WithoutResult
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitReason {
    DurableJob,
    BusinessCreation,
    TransitionJob,
    QualifyingTrainingValidated,
    OtherInsertionEmployer,
    Abandon,
    MovedDeathRetirement,
    Health,
    Reorientation,
    MaximumDuration,
    Other,
}

impl ExitReason {
    pub fn category(self) -> ExitCategory {
        use ExitReason::*;
        match self {
            DurableJob | BusinessCreation => ExitCategory::DurableJob,
            TransitionJob => ExitCategory::TransitionJob,
            QualifyingTrainingValidated | OtherInsertionEmployer => ExitCategory::PositiveExit,
            Abandon | MovedDeathRetirement | Health | Reorientation | MaximumDuration | Other => {
                ExitCategory::WithoutResult
            }
        }
    }

    pub fn label(self) -> &'static str {
        use ExitReason::*;
        match self {
            DurableJob => "Emploi durable (6 mois continus à mi-temps ou plus)",
            BusinessCreation => "Création d'entreprise",
            TransitionJob => {
                "Emploi de transition (CDD ou intérim de moins de 6 mois, contrat aidé)"
            }
            QualifyingTrainingValidated => "Formation qualifiante validée",
            OtherInsertionEmployer => "Embauche par une autre structure d'insertion",
            Abandon => "Abandon",
            MovedDeathRetirement => "Déménagement, décès ou retraite",
            Health => "Santé",
            Reorientation => "Réorientation vers un dispositif plus adapté",
            MaximumDuration => "Fin de la durée maximale",
            Other => "Autre",
        }
    }
}

/// A training followed during the pathway.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Training {
    pub title: String,
    pub qualifying: bool,
    pub start: Date,
    pub end: Option<Date>,
    /// Diploma, title or certificate obtained.
    pub validated: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TrainingRules {
    /// A qualifying training longer than this many months…
    pub long_training_months: i32,
    /// …counts as validated after this many months in it (rule 14).
    pub validated_after_months: i32,
}

impl Default for TrainingRules {
    fn default() -> Self {
        TrainingRules {
            long_training_months: 9,
            validated_after_months: 6,
        }
    }
}

impl TrainingRules {
    /// Whether a training counts as validated on `on`.
    pub fn counts_as_validated(&self, t: &Training, on: Date) -> bool {
        if !t.qualifying || t.start > on {
            return false;
        }
        if t.validated {
            return true;
        }
        let long = t
            .end
            .is_some_and(|e| e > add_months(t.start, self.long_training_months));
        long && on >= add_months(t.start, self.validated_after_months)
    }
}

/// Why an exit date is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExitDateError {
    #[error("La sortie ne peut pas précéder l'entrée du {}.", french::date(*.0))]
    BeforeEntry(Date),
    #[error("La sortie ne peut pas être datée dans le futur.")]
    InTheFuture,
}

/// An exit happens between the pathway's entry (`entered`) and today: the date a referent
/// records, and the date at which the rules propose the exit.
pub fn check_exit_date(on: Date, entered: Date, today: Date) -> Result<(), ExitDateError> {
    if on < entered {
        Err(ExitDateError::BeforeEntry(entered))
    } else if on > today {
        Err(ExitDateError::InTheFuture)
    } else {
        Ok(())
    }
}

/// What the system proposes to the referent, with the reason in French.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub reason: ExitReason,
    pub why: String,
}

/// The settings of a programme's exit proposal: the durable-job and training rules, and how
/// long after a job ended it still makes the exit a transition job.
#[derive(Debug, Clone, PartialEq)]
pub struct ExitRules {
    pub employment: EmploymentRules,
    pub training: TrainingRules,
    /// A job that does not meet the durable-job rule and ended at most this many months before
    /// the exit is a transition job (a programme setting, one month by default).
    pub transition_window_months: i32,
}

impl Default for ExitRules {
    fn default() -> Self {
        ExitRules {
            employment: EmploymentRules::default(),
            training: TrainingRules::default(),
            transition_window_months: 1,
        }
    }
}

/// Proposes an exit on `on` (the exit date being entered) from the facts on record: a durable
/// job first, then a validated qualifying or certifying training, then a job held on `on` or
/// ended within the transition window before it. `None`: nothing on record justifies a
/// dynamic exit; the referent chooses a reason without result. `contracts` are the person's
/// contracts during the pathway; those starting after `on` are ignored.
pub fn propose(
    contracts: &[Contract],
    trainings: &[Training],
    on: Date,
    rules: &ExitRules,
) -> Option<Proposal> {
    if let DurableJob::Validated { why, .. } = rules.employment.durable_job(contracts, on) {
        let creation = contracts
            .iter()
            .any(|c| c.kind == ContractKind::BusinessCreation && c.start <= on);
        return Some(Proposal {
            reason: if creation {
                ExitReason::BusinessCreation
            } else {
                ExitReason::DurableJob
            },
            why,
        });
    }
    if let Some(t) = trainings
        .iter()
        .find(|t| rules.training.counts_as_validated(t, on))
    {
        return Some(Proposal {
            reason: ExitReason::QualifyingTrainingValidated,
            why: training_why(t, &rules.training),
        });
    }
    transition_job(contracts, on, rules.transition_window_months)
}

fn training_why(t: &Training, rules: &TrainingRules) -> String {
    if t.validated {
        format!("Formation qualifiante « {} » validée.", t.title)
    } else {
        format!(
            "Formation qualifiante longue « {} » suivie depuis le {} : comptée comme validée après {} mois.",
            t.title,
            french::date(t.start),
            rules.validated_after_months
        )
    }
}

/// The job that makes the exit a transition job: the one held on `on` if any, else the one that
/// ended last, if it ended at most `window_months` before `on`.
fn transition_job(contracts: &[Contract], on: Date, window_months: i32) -> Option<Proposal> {
    let window_start = add_months(on, -window_months.max(0));
    let known = contracts.iter().filter(|c| c.start <= on);
    if let Some(c) = known.clone().find(|c| c.end.is_none_or(|e| e >= on)) {
        return Some(Proposal {
            reason: ExitReason::TransitionJob,
            why: format!(
                "{} en cours chez {} depuis le {}, sans atteindre la règle de l'emploi durable.",
                c.kind.label(),
                c.employer,
                french::date(c.start)
            ),
        });
    }
    let (c, end) = known
        .filter_map(|c| c.end.map(|e| (c, e)))
        .filter(|(_, e)| *e >= window_start)
        .max_by_key(|(_, e)| *e)?;
    Some(Proposal {
        reason: ExitReason::TransitionJob,
        why: format!(
            "{} chez {} du {} au {}, terminé moins de {} mois avant la sortie, sans atteindre la règle de l'emploi durable.",
            c.kind.label(),
            c.employer,
            french::date(c.start),
            french::date(end),
            window_months
        ),
    })
}

crate::codes::coded!(ExitCategory, ExitCategory::VARIANTS);

crate::codes::coded!(ExitReason, ExitReason::VARIANTS);

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn contract(kind: ContractKind, start: Date, end: Option<Date>) -> Contract {
        Contract {
            kind,
            employer: "Boulangerie".into(),
            start,
            end,
            weekly_hours: 35.0,
        }
    }
    fn training(validated: bool, start: Date, end: Date) -> Training {
        Training {
            title: "Titre pro agent de propreté".into(),
            qualifying: true,
            start,
            end: Some(end),
            validated,
        }
    }
    const ON: Date = date!(2021 - 12 - 15);

    #[test]
    fn categories_of_reasons() {
        assert_eq!(
            ExitReason::BusinessCreation.category(),
            ExitCategory::DurableJob
        );
        assert_eq!(
            ExitReason::QualifyingTrainingValidated.category(),
            ExitCategory::PositiveExit
        );
        assert_eq!(
            ExitReason::MaximumDuration.category(),
            ExitCategory::WithoutResult
        );
        assert!(ExitCategory::TransitionJob.is_dynamic());
        assert!(!ExitCategory::WithoutResult.is_dynamic());
    }

    #[test]
    fn a_durable_job_is_proposed_with_its_reason() {
        let p = propose(
            &[contract(ContractKind::Cdi, date!(2021 - 03 - 01), None)],
            &[],
            ON,
            &Default::default(),
        );
        let p = p.unwrap_or_else(|| panic!("no proposal"));
        assert_eq!(p.reason, ExitReason::DurableJob);
        assert!(p.why.contains("CDI chez Boulangerie"), "{}", p.why);
    }

    #[test]
    fn a_short_cdd_is_a_transition_job() {
        let p = propose(
            &[contract(
                ContractKind::Cdd,
                date!(2021 - 11 - 01),
                Some(date!(2022 - 01 - 31)),
            )],
            &[],
            ON,
            &Default::default(),
        );
        assert_eq!(p.map(|p| p.reason), Some(ExitReason::TransitionJob));
    }

    #[test]
    fn trainings_validated_or_long_enough() {
        let rules = TrainingRules::default();
        let done = training(true, date!(2021 - 01 - 04), date!(2021 - 06 - 30));
        assert!(rules.counts_as_validated(&done, ON));
        let short = training(false, date!(2021 - 01 - 04), date!(2021 - 06 - 30));
        assert!(!rules.counts_as_validated(&short, ON));
        let long = training(false, date!(2021 - 03 - 01), date!(2022 - 02 - 28));
        assert!(rules.counts_as_validated(&long, date!(2021 - 09 - 01)));
        assert!(!rules.counts_as_validated(&long, date!(2021 - 08 - 31)));
        let p = propose(
            &[],
            &[done],
            ON,
            &ExitRules {
                training: rules,
                ..Default::default()
            },
        );
        assert_eq!(
            p.map(|p| p.reason),
            Some(ExitReason::QualifyingTrainingValidated)
        );
    }

    fn cdd(start: Date, end: Date) -> Contract {
        contract(ContractKind::Cdd, start, Some(end))
    }

    fn reason_on(contracts: &[Contract], on: Date) -> Option<ExitReason> {
        propose(contracts, &[], on, &ExitRules::default()).map(|p| p.reason)
    }

    #[test]
    fn a_cdd_that_ended_days_or_weeks_before_the_exit_is_a_transition_job() {
        let job = cdd(date!(2021 - 09 - 01), date!(2021 - 11 - 30));
        // Ended the day before, two weeks before, a month before to the day.
        for on in [
            date!(2021 - 12 - 01),
            date!(2021 - 12 - 14),
            date!(2021 - 12 - 30),
        ] {
            assert_eq!(
                reason_on(std::slice::from_ref(&job), on),
                Some(ExitReason::TransitionJob),
                "{on}"
            );
        }
        // Ended more than the window (one month) before the exit: nothing to propose.
        assert_eq!(reason_on(&[job], date!(2022 - 01 - 01)), None);
    }

    #[test]
    fn the_window_is_a_programme_setting() {
        let job = cdd(date!(2021 - 09 - 01), date!(2021 - 10 - 15));
        let on = date!(2021 - 12 - 10);
        assert_eq!(reason_on(std::slice::from_ref(&job), on), None);
        let two_months = ExitRules {
            transition_window_months: 2,
            ..ExitRules::default()
        };
        let p = propose(&[job], &[], on, &two_months);
        assert_eq!(
            p.as_ref().map(|p| p.reason),
            Some(ExitReason::TransitionJob)
        );
        assert!(
            p.is_some_and(|p| p.why.contains("15/10/2021")),
            "the proposal names the contract's end"
        );
    }

    #[test]
    fn the_proposal_depends_on_the_exit_date_not_on_today() {
        let job = cdd(date!(2021 - 03 - 01), date!(2021 - 05 - 31));
        // During the contract, then two weeks after it, then months later.
        assert_eq!(
            reason_on(std::slice::from_ref(&job), date!(2021 - 04 - 15)),
            Some(ExitReason::TransitionJob)
        );
        assert_eq!(
            reason_on(std::slice::from_ref(&job), date!(2021 - 06 - 14)),
            Some(ExitReason::TransitionJob)
        );
        assert_eq!(reason_on(&[job], date!(2021 - 09 - 01)), None);
    }

    #[test]
    fn a_cdd_of_exactly_six_months_is_a_durable_job_even_once_ended() {
        let six = cdd(date!(2021 - 01 - 01), date!(2021 - 06 - 30));
        assert_eq!(
            reason_on(std::slice::from_ref(&six), date!(2021 - 06 - 30)),
            Some(ExitReason::DurableJob)
        );
        // Ended three months before the exit, it still validated the durable-job rule.
        assert_eq!(
            reason_on(&[six], date!(2021 - 09 - 30)),
            Some(ExitReason::DurableJob)
        );
        // One day short of six months: a transition job while within the window.
        let short = cdd(date!(2021 - 01 - 01), date!(2021 - 06 - 29));
        assert_eq!(
            reason_on(std::slice::from_ref(&short), date!(2021 - 07 - 10)),
            Some(ExitReason::TransitionJob)
        );
        assert_eq!(reason_on(&[short], date!(2021 - 09 - 30)), None);
    }

    #[test]
    fn consecutive_missions_without_a_gap_make_a_durable_job_with_a_gap_a_transition_job() {
        let mission =
            |start: Date, end: Date| contract(ContractKind::TemporaryMission, start, Some(end));
        let chained = [
            mission(date!(2021 - 01 - 04), date!(2021 - 03 - 31)),
            mission(date!(2021 - 04 - 01), date!(2021 - 05 - 31)),
            mission(date!(2021 - 06 - 01), date!(2021 - 07 - 15)),
        ];
        assert_eq!(
            reason_on(&chained, date!(2021 - 08 - 01)),
            Some(ExitReason::DurableJob)
        );
        let gap = [
            mission(date!(2021 - 01 - 04), date!(2021 - 03 - 31)),
            mission(date!(2021 - 04 - 06), date!(2021 - 05 - 31)),
            mission(date!(2021 - 06 - 01), date!(2021 - 07 - 15)),
        ];
        assert_eq!(
            reason_on(&gap, date!(2021 - 08 - 01)),
            Some(ExitReason::TransitionJob)
        );
        assert_eq!(reason_on(&gap, date!(2021 - 09 - 01)), None);
    }

    #[test]
    fn a_certifying_training_validated_is_a_positive_exit() {
        let t = Training {
            title: "CléA".into(),
            qualifying: true,
            start: date!(2021 - 02 - 01),
            end: Some(date!(2021 - 04 - 30)),
            validated: true,
        };
        assert_eq!(
            propose(&[], &[t], ON, &ExitRules::default()).map(|p| p.reason),
            Some(ExitReason::QualifyingTrainingValidated)
        );
    }

    #[test]
    fn an_exit_lies_between_the_entry_and_today() {
        let entered = date!(2021 - 02 - 05);
        assert_eq!(check_exit_date(entered, entered, ON), Ok(()));
        assert_eq!(check_exit_date(ON, entered, ON), Ok(()));
        assert_eq!(
            check_exit_date(date!(2021 - 02 - 04), entered, ON),
            Err(ExitDateError::BeforeEntry(entered))
        );
        assert_eq!(
            check_exit_date(date!(2021 - 12 - 16), entered, ON),
            Err(ExitDateError::InTheFuture)
        );
    }

    #[test]
    fn nothing_on_record_proposes_nothing() {
        assert_eq!(propose(&[], &[], ON, &Default::default()), None);
    }
}

crate::codes::codes!(ExitReason {
    DurableJob = "durable_job",
    BusinessCreation = "business_creation",
    TransitionJob = "transition_job",
    QualifyingTrainingValidated = "qualifying_training_validated",
    OtherInsertionEmployer = "other_insertion_employer",
    Abandon = "abandon",
    MovedDeathRetirement = "moved_death_retirement",
    Health = "health",
    Reorientation = "reorientation",
    MaximumDuration = "maximum_duration",
    Other = "other",
});

crate::codes::codes!(ExitCategory {
    DurableJob = "durable_job",
    TransitionJob = "transition_job",
    PositiveExit = "positive_exit",
    WithoutResult = "without_result",
});
