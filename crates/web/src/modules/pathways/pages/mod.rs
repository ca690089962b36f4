//! Pathways: the caseload with its alerts, referral, and the enrolment page (state and
//! transition log, referent, roadmap, steps, contracts, exit proposed by the rules).

mod actions;
mod caseload;
mod contract;
mod enrolment;
mod referral;
mod shared;

pub use actions::{
    add_appointment, add_contract, add_diagnosis, add_objective, add_step, assign, exit, follow_up,
    propose, set_objective_status,
};
pub use caseload::caseload;
pub use contract::{edit as edit_contract, update as update_contract};
pub use enrolment::show;
pub use referral::{refer, referral_form};
pub use shared::in_user_scope;
