//! What the enrolment page, its actions and the contract form share: the pathway read in the
//! user's scope, and the typed dates and contract fields read under the input policy.

use passerelle_db::pathways::enrolments::{self, Enrolment};
use passerelle_db::pathways::programmes::{self, Programme};
use passerelle_domain::clock::today;
use passerelle_domain::pathways::employment::{Contract, ContractKind};
use passerelle_domain::validation::{DateError, Horizon, parse_day};
use uuid::Uuid;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};

/// The pathway if the user's scope covers it; otherwise 404, so that its existence is not
/// revealed. Every page and API route that takes a pathway id reads it here.
pub async fn in_user_scope(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<(Enrolment, Programme)> {
    let e = enrolments::get(&state.db, &user.scope(), id).await?;
    let programme = programmes::get(&state.db, user.user.structure_id, e.programme_id).await?;
    Ok((e, programme))
}

/// A typed date under the input policy (1900 to five years ahead; each action adds its own
/// rule), or the French message naming `what` was expected.
pub(super) fn day(raw: &str, what: &str) -> AppResult<time::Date> {
    match parse_day(raw, today(), Horizon::Planned) {
        Ok(d) => Ok(d),
        Err(DateError::Unreadable) => {
            Err(AppError::Refused(format!("Indiquez {what} (jj/mm/aaaa).")))
        }
        Err(e) => Err(AppError::Refused(format!("{e} ({what})"))),
    }
}

/// A contract from the typed fields, or the first thing to correct, in French.
pub(super) fn contract_from(
    kind: &str,
    employer: &str,
    start: &str,
    end: &str,
    weekly_hours: &str,
) -> AppResult<Contract> {
    let kind: ContractKind = kind
        .parse()
        .map_err(|_| AppError::Refused("Choisissez le type de contrat.".into()))?;
    let start = day(start, "la date de début du contrat")?;
    let end = match end.trim() {
        "" => None,
        raw => Some(day(raw, "une date de fin valide")?),
    };
    let weekly_hours: f64 = weekly_hours.trim().replace(',', ".").parse().map_err(|_| {
        AppError::Refused(
            "Indiquez la durée hebdomadaire en heures (par exemple 35 ou 24,5).".into(),
        )
    })?;
    Ok(Contract {
        kind,
        employer: employer.trim().to_owned(),
        start,
        end,
        weekly_hours,
    })
}
