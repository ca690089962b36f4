//! The PLIE pathway's rules: programmes and their eligibility, the enrolment's state machine,
//! employment contracts and the exit categories they justify.
//!
//! Pure functions of recorded facts; storage and pages come on top (issue 3).

pub mod calendar;
pub mod duration;
pub mod eligibility;
pub mod employment;
pub mod exit;
pub mod programme;
pub mod referent;
pub mod scope;
pub mod step;
pub mod texts;
pub mod workflow;
