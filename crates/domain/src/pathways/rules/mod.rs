//! The checks a pathway's writes must pass, as pure functions of the facts a service loads:
//! each returns what to write (a plan) or a typed refusal whose French message the user
//! sees. The services apply the plan; pages, API, demo and command line share them.

pub mod committee;
pub mod records;
pub mod transition;

pub use committee::{
    CommitteeError, DecisionPlan, DecisionRequest, EligibilityFacts, MeetingFacts,
};
pub use records::{ContractError, ReferralError, StepError, StepFacts};
pub use transition::{
    CommitteeDecision, ExitRecord, PathwayFacts, TransitionData, TransitionError, TransitionPlan,
    TransitionRequest, exit_explanation, plan_transition,
};
