use proptest::prelude::*;
use time::macros::date;

use super::*;
use crate::pathways::programme::default_programmes;
use crate::pathways::workflow::TransitionError as Workflow;

fn plie() -> ProgrammeDef {
    default_programmes().remove(0)
}

fn entered() -> PathwayFacts {
    PathwayFacts {
        state: PathwayState::Entered,
        referred_on: date!(2021 - 01 - 04),
        entered_on: Some(date!(2021 - 02 - 05)),
    }
}

fn exit_on(on: Date, reason: ExitReason, proof: &str) -> TransitionRequest {
    TransitionRequest {
        event: PathwayEvent::Exit,
        role: Role::Referent,
        on,
        data: TransitionData {
            exit: Some((reason, proof.into())),
            ..Default::default()
        },
    }
}

const TODAY: Date = date!(2022 - 01 - 10);

#[test]
fn an_exit_is_followed_up_six_months_later_with_the_rules_explanation() {
    let req = exit_on(date!(2021 - 09 - 15), ExitReason::DurableJob, "CDI signé");
    let plan = plan_transition(&entered(), req, &plie(), None, TODAY).unwrap();
    let exit = plan.exit.clone().unwrap();
    assert_eq!(plan.to, PathwayState::Exited);
    assert_eq!(exit.follow_up_due, date!(2022 - 03 - 15));
    assert!(exit.explanation.starts_with("Rien dans les contrats"));
    assert_eq!(plan.changes().len(), 2);
}

#[test]
fn the_committee_admits_on_its_own_date() {
    let facts = PathwayFacts {
        state: PathwayState::ProposedToCommittee,
        entered_on: None,
        ..entered()
    };
    let req = TransitionRequest {
        event: PathwayEvent::CommitteeAdmits,
        role: Role::Manager,
        on: date!(2021 - 02 - 05),
        data: TransitionData::default(),
    };
    let plan = plan_transition(&facts, req, &plie(), None, TODAY).unwrap();
    assert_eq!(plan.entered_on, Some(date!(2021 - 02 - 05)));
    assert_eq!(plan.exit, None);
}

#[test]
fn refusals_are_typed() {
    let p = plie();
    let f = entered();
    let early = exit_on(date!(2021 - 02 - 01), ExitReason::DurableJob, "x");
    assert_eq!(
        plan_transition(&f, early, &p, None, TODAY),
        Err(TransitionError::ExitDate(ExitDateError::BeforeEntry(
            date!(2021 - 02 - 05)
        )))
    );
    let before_referral = exit_on(date!(2020 - 12 - 01), ExitReason::DurableJob, "x");
    assert_eq!(
        plan_transition(&f, before_referral, &p, None, TODAY),
        Err(TransitionError::BeforeReferral)
    );
    let no_proof = exit_on(date!(2021 - 09 - 15), ExitReason::DurableJob, "  ");
    assert_eq!(
        plan_transition(&f, no_proof, &p, None, TODAY),
        Err(TransitionError::NoExitProof)
    );
    let mut no_reason = exit_on(date!(2021 - 09 - 15), ExitReason::DurableJob, "x");
    no_reason.data.exit = None;
    assert_eq!(
        plan_transition(&f, no_reason, &p, None, TODAY),
        Err(TransitionError::NoExitReason)
    );
    let narrowed = ProgrammeDef {
        exit_reasons: vec![ExitReason::DurableJob],
        ..plie()
    };
    let health = exit_on(date!(2021 - 09 - 15), ExitReason::Health, "x");
    assert_eq!(
        plan_transition(&f, health, &narrowed, None, TODAY),
        Err(TransitionError::ReasonNotInProgramme(ExitReason::Health))
    );
    let mut by_reception = exit_on(date!(2021 - 09 - 15), ExitReason::DurableJob, "x");
    by_reception.role = Role::Reception;
    assert_eq!(
        plan_transition(&f, by_reception, &p, None, TODAY),
        Err(TransitionError::Workflow(Workflow::RoleNotAllowed))
    );
}

#[test]
fn the_explanation_keeps_both_reasons_when_the_referent_chose_another() {
    let proposal = Proposal {
        reason: ExitReason::DurableJob,
        why: "CDI de 6 mois.".into(),
    };
    let on = date!(2021 - 09 - 15);
    assert_eq!(
        exit_explanation(Some(&proposal), ExitReason::DurableJob, on),
        "CDI de 6 mois."
    );
    let both = exit_explanation(Some(&proposal), ExitReason::Health, on);
    assert!(both.contains(ExitReason::DurableJob.label()));
    assert!(both.contains(ExitReason::Health.label()));
}

proptest! {
    /// Whatever the date, an accepted exit lies between the entry and today and its follow-up
    /// falls after it.
    #[test]
    fn an_accepted_exit_lies_between_entry_and_today(days in -400i64..800) {
        let on = date!(2021 - 02 - 05) + time::Duration::days(days);
        let req = exit_on(on, ExitReason::DurableJob, "contrat");
        if let Ok(plan) = plan_transition(&entered(), req, &plie(), None, TODAY) {
            let exit = plan.exit.unwrap();
            prop_assert!(on >= date!(2021 - 02 - 05) && on <= TODAY);
            prop_assert!(exit.follow_up_due > on);
        }
    }

    /// A plan always follows the state machine's edge.
    #[test]
    fn a_plan_follows_the_state_machine(e in 0usize..5, s in 0usize..6) {
        let event = PathwayEvent::ALL[e];
        let state = PathwayState::ALL[s];
        let facts = PathwayFacts { state, ..entered() };
        let req = TransitionRequest {
            event,
            role: Role::Director,
            on: date!(2021 - 09 - 15),
            data: TransitionData {
                exit: Some((ExitReason::DurableJob, "contrat".into())),
                ..Default::default()
            },
        };
        match plan_transition(&facts, req, &plie(), None, TODAY) {
            Ok(plan) => prop_assert_eq!((plan.from, plan.to), event.edge()),
            Err(err) => prop_assert_ne!(state, event.edge().0, "{}", err),
        }
    }
}
