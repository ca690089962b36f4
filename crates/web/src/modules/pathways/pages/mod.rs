//! Pathways: the caseload with its alerts, referral, and the enrolment page (state and
//! transition log, referent, roadmap, steps, contracts, exit proposed by the rules).

mod actions;
mod caseload;
mod contract;
mod enrolment;
mod referral;

pub use actions::{
    add_appointment, add_contract, add_diagnosis, add_objective, add_step, assign, exit, follow_up,
    propose, set_objective_status,
};
pub use caseload::caseload;
pub use contract::{edit as edit_contract, update as update_contract};
pub use enrolment::show;
pub use referral::{refer, referral_form};

use passerelle_db::DbError;
use passerelle_db::pathways::enrolments::{self, Enrolment};
use passerelle_db::pathways::programmes::{self, Programme};
use passerelle_domain::validation::{DateError, Horizon, parse_day};
use uuid::Uuid;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use passerelle_domain::clock::today;

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
fn day(raw: &str, what: &str) -> Result<time::Date, DbError> {
    match parse_day(raw, today(), Horizon::Planned) {
        Ok(d) => Ok(d),
        Err(DateError::Unreadable) => {
            Err(DbError::Refused(format!("Indiquez {what} (jj/mm/aaaa).")))
        }
        Err(e) => Err(DbError::Refused(format!("{e} ({what})"))),
    }
}
