//! Programmes (dispositifs) as data: the PLIE and the MiE's actions, each with its team,
//! eligibility, maximum duration and alert. These defaults ship with the app; an admin edits
//! them per structure.

use time::macros::date;

use super::eligibility::{Eligibility, OpenTown};
use super::exit::{ExitReason, ExitRules};
use crate::access::Team;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProgrammeDef {
    pub code: String,
    pub name: String,
    pub team: Team,
    pub eligibility: Eligibility,
    pub max_duration_months: Option<i32>,
    /// Months before the maximum duration when the alert shows.
    pub alert_months: i32,
    /// The exit reasons this programme records (its exit typology).
    pub exit_reasons: Vec<ExitReason>,
    /// A job that ended at most this many months before the exit makes it a transition job.
    #[serde(default = "one_month")]
    pub transition_window_months: i32,
}

fn one_month() -> i32 {
    1
}

impl ProgrammeDef {
    /// The settings of this programme's exit proposal.
    pub fn exit_rules(&self) -> ExitRules {
        ExitRules {
            transition_window_months: self.transition_window_months,
            ..ExitRules::default()
        }
    }
}

/// The code of the PLIE programme, whose figures the activity report computes.
pub const PLIE: &str = "plie";

fn open(code: &str, name: &str, team: Team) -> ProgrammeDef {
    ProgrammeDef {
        code: code.to_owned(),
        name: name.to_owned(),
        team,
        eligibility: Eligibility::default(),
        max_duration_months: None,
        alert_months: 3,
        exit_reasons: ExitReason::VARIANTS.to_vec(),
        transition_window_months: one_month(),
    }
}

/// The MiE du Roubaisis' programmes (activity report 2021).
pub fn default_programmes() -> Vec<ProgrammeDef> {
    let town = |code: &str, from| OpenTown {
        commune_code: code.to_owned(),
        from,
        until: None,
    };
    let plie = ProgrammeDef {
        code: PLIE.to_owned(),
        name: "PLIE (Plan local pour l'insertion et l'emploi)".to_owned(),
        team: Team::Plie,
        eligibility: Eligibility {
            towns: vec![
                town("59512", date!(2015 - 01 - 01)),
                town("59367", date!(2015 - 01 - 01)),
                // The PLIE opens to Leers on 1 February 2021.
                town("59339", date!(2021 - 02 - 01)),
            ],
            min_age: Some(18),
            max_age: None,
            situation_any: Vec::new(),
        },
        max_duration_months: Some(36),
        alert_months: 3,
        exit_reasons: ExitReason::VARIANTS.to_vec(),
        transition_window_months: one_month(),
    };
    vec![
        plie,
        open("berceau", "Berceau pour l'emploi", Team::Plie),
        open("tremplin", "Tremplin des métiers", Team::Plie),
        open("look", "Look de l'emploi", Team::Plie),
        open("htmelles", "HTM'Elles", Team::Plie),
        open("relogement_npru", "Relogement NPRU", Team::Plie),
        open("pec_lycees", "Agents PEC des lycées", Team::Plie),
        open("cap_aepe", "CAP AEPE", Team::ProchInfoFormation),
        open("reclassement", "Reclassement", Team::Companies),
        open(
            "coaching_numerique",
            "Coaching numérique",
            Team::ProchInfoFormation,
        ),
        open(
            "proch_info_suivi",
            "Suivi Proch'Info Formation",
            Team::ProchInfoFormation,
        ),
        open("fabrik", "La Fabrik", Team::Fabrik),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plie_lasts_36_months_and_codes_are_unique() {
        let all = default_programmes();
        let plie = all.iter().find(|p| p.code == PLIE);
        assert_eq!(plie.and_then(|p| p.max_duration_months), Some(36));
        let mut codes: Vec<&str> = all.iter().map(|p| p.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
