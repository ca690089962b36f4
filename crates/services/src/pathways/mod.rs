//! The pathways use cases: referral, transitions (proposal, exit, follow-up), referents,
//! steps, roadmap, diagnosis, appointments, contracts, access committees and programmes.
//! Each runs in one transaction: it reads what the domain's rule needs, asks the rule for a
//! plan or a typed refusal, writes the plan and its audit row, and commits.

mod committees;
mod enrolments;
mod error;
mod programmes;
mod records;

pub use committees::{create_meeting, decide, review_exit};
pub use enrolments::{assign_referent, exit, record_follow_up, refer, transition};
pub use error::PathwaysError;
pub use programmes::{install_default_programmes, update_programme};
pub use records::{
    add_appointment, add_contract, add_diagnosis, add_objective, add_step, set_objective_status,
    update_contract,
};

pub use passerelle_db::pathways::enrolments::NewReferral;
pub use passerelle_db::pathways::steps::{NewAppointment, NewObjective, NewStep};
pub use passerelle_domain::pathways::rules::{CommitteeDecision, DecisionRequest, TransitionData};

use passerelle_db::{DbResult, Tx, with_tx};
use passerelle_domain::audit::{Actor, AuditAction, FieldChange};
use uuid::Uuid;

pub type PathwaysResult<T> = Result<T, PathwaysError>;

/// Writes the audit row of a use case inside its transaction.
async fn audit(
    tx: &mut Tx,
    actor: &Actor,
    action: AuditAction,
    (entity, id): (&str, Uuid),
    changes: &[FieldChange],
) -> DbResult<()> {
    with_tx!(tx, |c| {
        passerelle_db::insert_audit!(&mut *c, actor, action, entity, id, changes)?;
    });
    Ok(())
}
