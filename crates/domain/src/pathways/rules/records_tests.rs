use proptest::prelude::*;
use time::macros::date;

use super::*;
use crate::pathways::employment::ContractKind;

const PATHWAY: StepFacts = StepFacts {
    referred_on: date!(2021 - 01 - 04),
    entered_on: Some(date!(2021 - 02 - 05)),
    exited_on: Some(date!(2021 - 09 - 15)),
};

#[test]
fn one_open_pathway_per_programme() {
    let open = [PathwayState::Exited, PathwayState::Entered];
    assert_eq!(
        check_referral("France Travail", None, "Projet", &open),
        Err(ReferralError::AlreadyOpen)
    );
    let over = [PathwayState::Exited, PathwayState::Refused];
    assert_eq!(
        check_referral("France Travail", None, "Projet", &over),
        Ok(())
    );
    assert!(matches!(
        check_referral(" ", None, "Projet", &[]),
        Err(ReferralError::Text(_))
    ));
}

#[test]
fn a_step_lies_within_the_pathway() {
    let step = |start, end| check_step("CACES", None, (start, end), &PATHWAY);
    assert_eq!(
        step(date!(2021 - 02 - 01), None),
        Err(StepError::BeforeEntry(date!(2021 - 02 - 05)))
    );
    assert_eq!(
        step(date!(2021 - 03 - 01), Some(date!(2021 - 02 - 20))),
        Err(StepError::EndsBeforeStart)
    );
    assert_eq!(
        step(date!(2021 - 09 - 01), Some(date!(2021 - 10 - 01))),
        Err(StepError::AfterExit(date!(2021 - 09 - 15)))
    );
    assert_eq!(
        step(date!(2021 - 03 - 01), Some(date!(2021 - 04 - 01))),
        Ok(())
    );
    let referred = StepFacts {
        entered_on: None,
        exited_on: None,
        ..PATHWAY
    };
    assert_eq!(
        check_step("CACES", None, (date!(2021 - 03 - 01), None), &referred),
        Err(StepError::NotEntered)
    );
}

#[test]
fn objectives_diagnosis_and_appointments() {
    let today = date!(2021 - 06 - 01);
    assert_eq!(
        check_objective("Emploi", " ", "CV"),
        Err(StepError::ObjectiveIncomplete)
    );
    assert_eq!(
        check_objective("Emploi", &"x".repeat(301), "CV"),
        Err(StepError::ObjectiveTooLong)
    );
    assert_eq!(
        check_diagnosis(date!(2021 - 06 - 02), "attestation", today),
        Err(StepError::CriterionInTheFuture)
    );
    assert_eq!(check_diagnosis(today, "  ", today), Err(StepError::NoProof));
    assert_eq!(
        check_appointment(date!(2021 - 06 - 02), None, PATHWAY.referred_on, today),
        Err(StepError::AppointmentInTheFuture)
    );
    assert_eq!(
        check_appointment(date!(2020 - 12 - 01), None, PATHWAY.referred_on, today),
        Err(StepError::AppointmentBeforeReferral)
    );
    let long = "x".repeat(1001);
    assert_eq!(
        check_appointment(today, Some(&long), PATHWAY.referred_on, today),
        Err(StepError::NoteTooLong)
    );
}

fn contract(hours: f64, end: Option<Date>) -> Contract {
    Contract {
        kind: ContractKind::Cdi,
        employer: "Boulangerie".into(),
        start: date!(2021 - 03 - 01),
        end,
        weekly_hours: hours,
    }
}

#[test]
fn a_contract_ends_after_it_starts_within_48_hours() {
    assert_eq!(
        check_contract(&contract(35.0, Some(date!(2021 - 02 - 01)))),
        Err(ContractError::EndsBeforeStart)
    );
    assert_eq!(
        check_contract(&contract(49.0, None)),
        Err(ContractError::WeeklyHours)
    );
    let nobody = Contract {
        employer: " ".into(),
        ..contract(35.0, None)
    };
    assert!(matches!(
        check_contract(&nobody),
        Err(ContractError::Text(_))
    ));
}

proptest! {
    /// An accepted step never starts before the entry nor runs past the exit.
    #[test]
    fn an_accepted_step_lies_within_the_pathway(start in 0i64..400, length in proptest::option::of(0i64..200)) {
        let start = date!(2021 - 01 - 01) + time::Duration::days(start);
        let end = length.map(|l| start + time::Duration::days(l));
        if check_step("Atelier", None, (start, end), &PATHWAY).is_ok() {
            prop_assert!(Some(start) >= PATHWAY.entered_on);
            prop_assert!(Some(end.unwrap_or(start)) <= PATHWAY.exited_on);
        }
    }
}
