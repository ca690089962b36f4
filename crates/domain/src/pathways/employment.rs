//! Employment contracts held by a person, and the PLIE rule of the durable job (RULES.md B.3,
//! rule 13): six months of continuous employment at half time or more, consecutive temporary
//! missions included; seasonal work when eight months were worked in the last twelve; a
//! business creation at once.

use time::{Date, Duration};

use super::calendar::add_months;
use crate::french;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractKind {
    Cdi,
    Cdd,
    /// Intérim mission (CTT).
    TemporaryMission,
    /// Contrat à durée déterminée d'insertion, in an SIAE.
    Cddi,
    /// Parcours emploi compétences (contrat aidé).
    Pec,
    Apprenticeship,
    Professionalisation,
    Seasonal,
    BusinessCreation,
}

impl ContractKind {
    pub fn label(self) -> &'static str {
        match self {
            ContractKind::Cdi => "CDI",
            ContractKind::Cdd => "CDD",
            ContractKind::TemporaryMission => "mission d'intérim",
            ContractKind::Cddi => "CDDI",
            ContractKind::Pec => "PEC",
            ContractKind::Apprenticeship => "contrat d'apprentissage",
            ContractKind::Professionalisation => "contrat de professionnalisation",
            ContractKind::Seasonal => "contrat saisonnier",
            ContractKind::BusinessCreation => "création d'entreprise",
        }
    }

    /// Insertion contracts (in an SIAE, or subsidised): a transition job at most.
    pub fn is_insertion_contract(self) -> bool {
        matches!(self, ContractKind::Cddi | ContractKind::Pec)
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Contract {
    pub kind: ContractKind,
    pub employer: String,
    pub start: Date,
    /// `None`: still running (a CDI, or a CDD whose end is not recorded yet).
    pub end: Option<Date>,
    pub weekly_hours: f64,
}

/// Territory settings of the durable-job rule (RULES.md marks them as parameters).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EmploymentRules {
    pub full_time_weekly_hours: f64,
    /// Share of full time from which a job counts (0.5: half time).
    pub min_time_share: f64,
    pub durable_months: i32,
    pub seasonal_months_in_last_12: i32,
}

impl Default for EmploymentRules {
    fn default() -> Self {
        EmploymentRules {
            full_time_weekly_hours: 35.0,
            min_time_share: 0.5,
            durable_months: 6,
            seasonal_months_in_last_12: 8,
        }
    }
}

/// Whether the contracts on record make a durable job on `on`, and why.
#[derive(Debug, Clone, PartialEq)]
pub enum DurableJob {
    /// Validated on `since`; `why` tells the referent which contracts count.
    Validated {
        since: Date,
        why: String,
    },
    /// Employed at half time or more, not yet for long enough: "en emploi – validation en
    /// cours", with the date the rule will be met if the job goes on.
    InProgress {
        validates_on: Date,
        why: String,
    },
    No,
}

impl EmploymentRules {
    fn counts(&self, c: &Contract) -> bool {
        c.weekly_hours >= self.full_time_weekly_hours * self.min_time_share
    }

    /// Applies the rule to the contracts known on `on` (contracts starting later are ignored).
    pub fn durable_job(&self, contracts: &[Contract], on: Date) -> DurableJob {
        let mut known: Vec<&Contract> = contracts.iter().filter(|c| c.start <= on).collect();
        known.sort_by_key(|c| c.start);
        if let Some(c) = known
            .iter()
            .find(|c| c.kind == ContractKind::BusinessCreation)
        {
            return DurableJob::Validated {
                since: c.start,
                why: format!(
                    "Création d'entreprise ({}) le {}.",
                    c.employer,
                    french::date(c.start)
                ),
            };
        }
        // Chains of contracts at half time or more with no day off between them.
        let mut best: Option<DurableJob> = None;
        let mut chain: Vec<&Contract> = Vec::new();
        let mut chain_end: Option<Date> = None;
        for c in known
            .iter()
            .copied()
            .filter(|c| self.counts(c) && !c.kind.is_insertion_contract())
        {
            let joined = match (chain.is_empty(), chain_end) {
                (true, _) => false,
                (false, None) => true,
                (false, Some(end)) => c.start <= end + Duration::days(1),
            };
            if !joined {
                chain.clear();
                chain_end = Some(c.start - Duration::days(1));
            }
            chain.push(c);
            chain_end = match (chain_end, c.end) {
                (_, None) => None,
                (None, _) => None,
                (Some(a), Some(b)) => Some(a.max(b)),
            };
            if let Some(v) = self.judge_chain(&chain, chain_end, on) {
                best = Some(v);
            }
        }
        if let Some(v @ DurableJob::Validated { .. }) = &best {
            return v.clone();
        }
        if let Some(v) = self.seasonal(&known, on) {
            return v;
        }
        best.unwrap_or(DurableJob::No)
    }

    fn judge_chain(&self, chain: &[&Contract], end: Option<Date>, on: Date) -> Option<DurableJob> {
        let start = chain.first()?.start;
        let reached = add_months(start, self.durable_months);
        let last_day = end.unwrap_or(on).min(on);
        let list = chain
            .iter()
            .map(|c| {
                format!(
                    "{} chez {} du {}{} ({} h/sem.)",
                    c.kind.label(),
                    c.employer,
                    french::date(c.start),
                    c.end
                        .map(|e| format!(" au {}", french::date(e)))
                        .unwrap_or_default(),
                    c.weekly_hours
                )
            })
            .collect::<Vec<_>>()
            .join(", puis ");
        if last_day >= reached - Duration::days(1) {
            Some(DurableJob::Validated {
                since: reached,
                why: format!(
                    "{} mois d'emploi continu à mi-temps ou plus atteints le {} : {list}.",
                    self.durable_months,
                    french::date(reached)
                ),
            })
        } else if end.is_none_or(|e| e >= on) {
            Some(DurableJob::InProgress {
                validates_on: reached,
                why: format!(
                    "En emploi – validation en cours jusqu'au {} : {list}.",
                    french::date(reached)
                ),
            })
        } else {
            None
        }
    }

    /// Seasonal work: validated when the seasonal contracts of the last twelve months add up to
    /// the required months (counted in days, 30 days a month).
    fn seasonal(&self, known: &[&Contract], on: Date) -> Option<DurableJob> {
        let window_start = add_months(on, -12);
        let days: i64 = known
            .iter()
            .filter(|c| c.kind == ContractKind::Seasonal && self.counts(c))
            .map(|c| {
                let s = c.start.max(window_start);
                let e = c.end.unwrap_or(on).min(on);
                ((e - s).whole_days() + 1).max(0)
            })
            .sum();
        (days >= i64::from(self.seasonal_months_in_last_12) * 30).then(|| DurableJob::Validated {
            since: on,
            why: format!(
                "Travail saisonnier : {days} jours travaillés sur les 12 derniers mois (au moins {} mois requis).",
                self.seasonal_months_in_last_12
            ),
        })
    }
}

crate::codes::coded!(ContractKind, ContractKind::VARIANTS);

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn c(kind: ContractKind, start: Date, end: Option<Date>, hours: f64) -> Contract {
        Contract {
            kind,
            employer: "Entreprise".into(),
            start,
            end,
            weekly_hours: hours,
        }
    }
    const ON: Date = date!(2021 - 12 - 31);

    #[test]
    fn a_cdi_becomes_durable_after_six_months() {
        let r = EmploymentRules::default();
        let cdi = [c(ContractKind::Cdi, date!(2021 - 09 - 01), None, 35.0)];
        assert!(
            matches!(r.durable_job(&cdi, ON), DurableJob::InProgress { validates_on, .. } if validates_on == date!(2022 - 03 - 01))
        );
        let cdi = [c(ContractKind::Cdi, date!(2021 - 03 - 01), None, 35.0)];
        assert!(
            matches!(r.durable_job(&cdi, ON), DurableJob::Validated { since, .. } if since == date!(2021 - 09 - 01))
        );
    }

    #[test]
    fn consecutive_missions_add_up_but_a_gap_breaks_the_chain() {
        let r = EmploymentRules::default();
        let missions = [
            c(
                ContractKind::TemporaryMission,
                date!(2021 - 01 - 04),
                Some(date!(2021 - 02 - 28)),
                35.0,
            ),
            c(
                ContractKind::TemporaryMission,
                date!(2021 - 03 - 01),
                Some(date!(2021 - 05 - 31)),
                35.0,
            ),
            c(
                ContractKind::Cdd,
                date!(2021 - 06 - 01),
                Some(date!(2021 - 07 - 10)),
                28.0,
            ),
        ];
        match r.durable_job(&missions, ON) {
            DurableJob::Validated { since, why } => {
                assert_eq!(since, date!(2021 - 07 - 04));
                assert!(why.contains("mission d'intérim"), "{why}");
            }
            other => panic!("{other:?}"),
        }
        let gap = [
            c(
                ContractKind::TemporaryMission,
                date!(2021 - 01 - 04),
                Some(date!(2021 - 02 - 28)),
                35.0,
            ),
            c(
                ContractKind::TemporaryMission,
                date!(2021 - 03 - 03),
                Some(date!(2021 - 05 - 31)),
                35.0,
            ),
            c(
                ContractKind::Cdd,
                date!(2021 - 06 - 01),
                Some(date!(2021 - 07 - 10)),
                35.0,
            ),
        ];
        assert_eq!(r.durable_job(&gap, ON), DurableJob::No);
    }

    #[test]
    fn under_half_time_does_not_count() {
        let r = EmploymentRules::default();
        let part = [c(ContractKind::Cdi, date!(2020 - 01 - 01), None, 17.0)];
        assert_eq!(r.durable_job(&part, ON), DurableJob::No);
        let half = [c(ContractKind::Cdi, date!(2020 - 01 - 01), None, 17.5)];
        assert!(matches!(
            r.durable_job(&half, ON),
            DurableJob::Validated { .. }
        ));
    }

    #[test]
    fn business_creation_counts_at_once() {
        let r = EmploymentRules::default();
        let created = [c(
            ContractKind::BusinessCreation,
            date!(2021 - 12 - 01),
            None,
            0.0,
        )];
        assert!(
            matches!(r.durable_job(&created, ON), DurableJob::Validated { since, .. } if since == date!(2021 - 12 - 01))
        );
    }

    #[test]
    fn insertion_contracts_are_not_durable_jobs() {
        let r = EmploymentRules::default();
        let cddi = [c(
            ContractKind::Cddi,
            date!(2020 - 01 - 01),
            Some(date!(2021 - 12 - 31)),
            26.0,
        )];
        assert_eq!(r.durable_job(&cddi, ON), DurableJob::No);
    }

    #[test]
    fn seasonal_work_needs_eight_months_in_the_last_twelve() {
        let r = EmploymentRules::default();
        let seasons = [
            c(
                ContractKind::Seasonal,
                date!(2021 - 01 - 01),
                Some(date!(2021 - 04 - 30)),
                35.0,
            ),
            c(
                ContractKind::Seasonal,
                date!(2021 - 06 - 01),
                Some(date!(2021 - 09 - 30)),
                35.0,
            ),
        ];
        assert!(matches!(
            r.durable_job(&seasons, ON),
            DurableJob::Validated { .. }
        ));
        assert_eq!(r.durable_job(&seasons[..1], ON), DurableJob::No);
    }
}

crate::codes::codes!(ContractKind {
    Cdi = "cdi",
    Cdd = "cdd",
    TemporaryMission = "temporary_mission",
    Cddi = "cddi",
    Pec = "pec",
    Apprenticeship = "apprenticeship",
    Professionalisation = "professionalisation",
    Seasonal = "seasonal",
    BusinessCreation = "business_creation",
});
