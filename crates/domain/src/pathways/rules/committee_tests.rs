use time::macros::date;
use uuid::Uuid;

use super::*;
use crate::pathways::eligibility::OpenTown;

fn leers_from_february() -> Eligibility {
    Eligibility {
        towns: vec![OpenTown {
            commune_code: "59339".into(),
            from: date!(2021 - 02 - 01),
            until: None,
        }],
        min_age: Some(18),
        ..Eligibility::default()
    }
}

fn person() -> EligibilityFacts<'static> {
    EligibilityFacts {
        commune_code: "59339",
        commune_name: "Leers",
        birth_date: date!(1990 - 05 - 01),
        situations: &[],
    }
}

fn meeting(held_on: Date) -> MeetingFacts {
    MeetingFacts {
        id: Uuid::nil(),
        programme_id: Uuid::from_u128(1),
        held_on,
    }
}

fn admit(override_reason: Option<&str>) -> DecisionRequest<'_> {
    DecisionRequest {
        admitted: true,
        reason: "Projet clair",
        override_reason,
    }
}

#[test]
fn a_person_not_eligible_on_the_committee_date_needs_a_managers_override() {
    let rules = leers_from_february();
    let january = meeting(date!(2021 - 01 - 20));
    let programme = january.programme_id;
    let p = person();
    let plan = |role, d| plan_decision(&january, programme, role, d, (&rules, &p));
    assert!(matches!(
        plan(Role::Manager, admit(None)),
        Err(CommitteeError::NotEligible(r)) if r.len() == 1
    ));
    assert!(matches!(
        plan(Role::Referent, admit(Some("Situation urgente"))),
        Err(CommitteeError::OverrideNotAllowed(_))
    ));
    let done = plan(Role::Manager, admit(Some("Situation urgente"))).unwrap();
    assert_eq!(done.event, PathwayEvent::CommitteeAdmits);
    assert_eq!(done.on, date!(2021 - 01 - 20));
    let decision = done.data.decision.unwrap();
    assert_eq!(
        decision.eligibility_override.as_deref(),
        Some("Situation urgente")
    );
    assert_eq!(
        done.data.note.as_deref(),
        Some("Projet clair (dérogation : Situation urgente)")
    );
}

#[test]
fn an_eligible_person_enters_on_the_committee_date_without_override() {
    let rules = leers_from_february();
    let february = meeting(date!(2021 - 02 - 05));
    let p = person();
    let done = plan_decision(
        &february,
        february.programme_id,
        Role::Manager,
        admit(None),
        (&rules, &p),
    )
    .unwrap();
    assert_eq!(done.data.decision.unwrap().eligibility_override, None);
}

#[test]
fn a_refusal_needs_no_eligibility_but_a_reason() {
    let rules = leers_from_february();
    let january = meeting(date!(2021 - 01 - 20));
    let p = person();
    let refuse = DecisionRequest {
        admitted: false,
        reason: "  ",
        override_reason: None,
    };
    let programme = january.programme_id;
    assert!(matches!(
        plan_decision(&january, programme, Role::Manager, refuse, (&rules, &p)),
        Err(CommitteeError::Text(_))
    ));
    let refuse = DecisionRequest {
        reason: "Pas de projet",
        ..refuse
    };
    let done = plan_decision(&january, programme, Role::Manager, refuse, (&rules, &p)).unwrap();
    assert_eq!(done.event, PathwayEvent::CommitteeRefuses);
    assert_eq!(
        plan_decision(&january, Uuid::nil(), Role::Manager, refuse, (&rules, &p)),
        Err(CommitteeError::OtherProgramme)
    );
}

#[test]
fn only_an_exit_of_the_programme_is_reviewed() {
    let m = meeting(date!(2021 - 10 - 01));
    assert_eq!(
        check_exit_review(&m, m.programme_id, false, "ok"),
        Err(CommitteeError::NoExitToReview)
    );
    assert_eq!(
        check_exit_review(&m, Uuid::nil(), true, "ok"),
        Err(CommitteeError::NoExitToReview)
    );
    assert_eq!(
        check_exit_review(&m, m.programme_id, true, " Sortie conforme "),
        Ok("Sortie conforme".into())
    );
}
