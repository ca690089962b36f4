//! The exit the rules propose for a pathway, and what the exit record keeps of it.

use passerelle_domain::pathways::exit::{ExitReason, Proposal};
use time::Date;
use uuid::Uuid;

use super::Enrolment;
use crate::{Db, DbResult};

/// What the exit record keeps of the rules: their proposal on the exit date and, when the
/// referent chose another reason, both.
pub(super) async fn exit_explanation(
    db: &Db,
    structure_id: Uuid,
    e: &Enrolment,
    chosen: ExitReason,
    on: Date,
) -> DbResult<String> {
    let date = passerelle_domain::french::date(on);
    Ok(match proposed_exit(db, structure_id, e, on).await? {
        Some(p) if p.reason == chosen => p.why,
        Some(p) => format!(
            "Proposition des règles au {date} : {}. {} Motif retenu : {}.",
            p.reason.label(),
            p.why,
            chosen.label()
        ),
        None => format!(
            "Rien dans les contrats et formations enregistrés ne justifiait une sortie dynamique au {date}."
        ),
    })
}

/// What the rules propose as the exit of this pathway on `on` (the exit date being entered),
/// from the person's contracts during the pathway and its trainings, with the programme's
/// settings; `None` when nothing justifies a dynamic exit.
pub async fn proposed_exit(
    db: &Db,
    structure_id: Uuid,
    e: &Enrolment,
    on: Date,
) -> DbResult<Option<Proposal>> {
    let since = e.entered_on.unwrap_or(e.referred_on);
    let contracts: Vec<_> = crate::pathways::contracts::of_person(db, structure_id, e.person_id)
        .await?
        .into_iter()
        .map(|c| c.contract)
        .filter(|c| c.end.is_none_or(|end| end >= since))
        .collect();
    let steps = crate::pathways::steps::of_enrolment(db, structure_id, e.id).await?;
    let programme = crate::pathways::programmes::get(db, structure_id, e.programme_id).await?;
    Ok(passerelle_domain::pathways::exit::propose(
        &contracts,
        &crate::pathways::steps::trainings(&steps),
        on,
        &programme.def.exit_rules(),
    ))
}
