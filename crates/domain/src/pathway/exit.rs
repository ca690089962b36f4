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

/// What the system proposes to the referent, with the reason in French.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub reason: ExitReason,
    pub why: String,
}

/// Proposes an exit from the facts on record on `on`: a durable job first, then a validated
/// qualifying training, then a current job (transition). `None`: nothing on record justifies a
/// dynamic exit; the referent chooses a reason without result.
pub fn propose(
    contracts: &[Contract],
    trainings: &[Training],
    on: Date,
    employment: &EmploymentRules,
    training: &TrainingRules,
) -> Option<Proposal> {
    if let DurableJob::Validated { why, .. } = employment.durable_job(contracts, on) {
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
        .find(|t| training.counts_as_validated(t, on))
    {
        let why = if t.validated {
            format!("Formation qualifiante « {} » validée.", t.title)
        } else {
            format!(
                "Formation qualifiante longue « {} » suivie depuis le {} : comptée comme validée après {} mois.",
                t.title,
                french::date(t.start),
                training.validated_after_months
            )
        };
        return Some(Proposal {
            reason: ExitReason::QualifyingTrainingValidated,
            why,
        });
    }
    let current = contracts
        .iter()
        .find(|c| c.start <= on && c.end.is_none_or(|e| e >= on));
    current.map(|c| Proposal {
        reason: ExitReason::TransitionJob,
        why: format!(
            "{} en cours chez {} depuis le {}, sans atteindre la règle de l'emploi durable.",
            c.kind.label(),
            c.employer,
            french::date(c.start)
        ),
    })
}

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
        let p = propose(&[], &[done], ON, &Default::default(), &rules);
        assert_eq!(
            p.map(|p| p.reason),
            Some(ExitReason::QualifyingTrainingValidated)
        );
    }

    #[test]
    fn nothing_on_record_proposes_nothing() {
        assert_eq!(
            propose(&[], &[], ON, &Default::default(), &Default::default()),
            None
        );
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
