//! The exit the rules propose for a pathway: read by the enrolment page, the API and the
//! exit service (inside its transaction, to keep the proposal as the exit's explanation).

use passerelle_domain::pathways::employment::Contract;
use passerelle_domain::pathways::exit::{ExitRules, Proposal};
use time::Date;
use uuid::Uuid;

use crate::pathways::contracts::StoredContract;
use crate::pathways::enrolments::Enrolment;
use crate::pathways::steps::Step;
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
    let contracts = contracts::of_person(c.reborrow(), structure_id, e.person_id).await?;
    let steps = steps::of_enrolment(c.reborrow(), structure_id, e.id).await?;
    let programme = programmes::get(c, structure_id, e.programme_id).await?;
    let rules = programme.def.exit_rules();
    Ok(propose_from(e, &contracts, &steps, &rules, on))
}

/// The proposal from what is already read: the person's contracts (those that had not ended
/// when the pathway began count), the pathway's steps and the programme's rules.
pub fn propose_from(
    e: &Enrolment,
    contracts: &[StoredContract],
    steps: &[Step],
    rules: &ExitRules,
    on: Date,
) -> Option<Proposal> {
    let since = e.entered_on.unwrap_or(e.referred_on);
    let held: Vec<Contract> = contracts
        .iter()
        .map(|c| c.contract.clone())
        .filter(|c| c.end.is_none_or(|end| end >= since))
        .collect();
    passerelle_domain::pathways::exit::propose(&held, &steps::trainings(steps), on, rules)
}
