//! The exit the rules propose for a pathway: read by the enrolment page, the API and the
//! exit service (inside its transaction, to keep the proposal as the exit's explanation).

use passerelle_domain::pathways::exit::Proposal;
use time::Date;
use uuid::Uuid;

use crate::pathways::enrolments::Enrolment;
use crate::pathways::{contracts, programmes, steps};
use crate::{Conn, DbResult};

/// What the rules propose as the exit of this pathway on `on` (the exit date being entered),
/// from the person's contracts during the pathway and its trainings, with the programme's
/// settings; `None` when nothing justifies a dynamic exit.
pub async fn proposed_exit(
    c: impl Into<Conn<'_>>,
    structure_id: Uuid,
    e: &Enrolment,
    on: Date,
) -> DbResult<Option<Proposal>> {
    let mut c = c.into();
    let since = e.entered_on.unwrap_or(e.referred_on);
    let contracts: Vec<_> = contracts::of_person(c.reborrow(), structure_id, e.person_id)
        .await?
        .into_iter()
        .map(|c| c.contract)
        .filter(|c| c.end.is_none_or(|end| end >= since))
        .collect();
    let steps = steps::of_enrolment(c.reborrow(), structure_id, e.id).await?;
    let programme = programmes::get(c, structure_id, e.programme_id).await?;
    Ok(passerelle_domain::pathways::exit::propose(
        &contracts,
        &steps::trainings(&steps),
        on,
        &programme.def.exit_rules(),
    ))
}
