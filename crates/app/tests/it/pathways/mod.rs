//! A PLIE pathway through the storage layer: referral, committee, referent, steps, contracts,
//! exit by the rules, on both engines.

use passerelle_db::pathways::committees;
use passerelle_db::pathways::enrolments::{self};
use passerelle_db::pathways::scope::Scope;
use passerelle_db::{pathways::programmes, with_pool};
use passerelle_domain::Principal;
use passerelle_domain::Role;
use passerelle_domain::audit::Actor;
use passerelle_domain::pathways::employment::{Contract, ContractKind};
use passerelle_domain::pathways::exit::ExitDateError;
use passerelle_domain::pathways::exit::ExitReason;
use passerelle_domain::pathways::rules::{
    CommitteeError, ContractError, ReferralError, StepError, TransitionError,
};
use passerelle_domain::pathways::step::StepFamily;
use passerelle_domain::pathways::workflow::TransitionError as Workflow;
use passerelle_domain::pathways::workflow::{PathwayEvent, PathwayState};
use passerelle_domain::persons::rules::PersonRuleError;
use passerelle_services::pathways::{self as service, PathwaysError};
use passerelle_services::persons::PersonsError;
use time::macros::date;

use crate::support::{TestApp, on_each_backend, person_form};

mod layering;
mod pages;
mod read_model;
pub(crate) mod rules;

/// The rule that refused a pathways use case.
fn refusal(r: Result<impl std::fmt::Debug, PathwaysError>) -> PathwaysError {
    match r {
        Err(e) if e.is_refusal() => e,
        other => panic!("expected a rule to refuse, got {other:?}"),
    }
}

#[tokio::test]
async fn a_leers_resident_enters_the_plie_from_february_2021_and_exits_to_a_durable_job() {
    on_each_backend(|app: TestApp| async move {
        let s = app.structure_id;
        service::install_default_programmes(&app.db, s).await.unwrap();
        let plie = programmes::by_code(&app.db, s, "plie").await.unwrap();
        let manager_email = app.staff(Role::Manager).await;
        let manager = passerelle_db::access::users::by_email(&app.db, &manager_email).await.unwrap().unwrap().0;
        let referent_email = app.staff(Role::Referent).await;
        let referent = passerelle_db::access::users::by_email(&app.db, &referent_email).await.unwrap().unwrap().0;
        let other_email = app.staff(Role::Referent).await;
        let other = passerelle_db::access::users::by_email(&app.db, &other_email).await.unwrap().unwrap().0;
        let as_manager = Actor { structure_id: s, user_id: manager.id };
        let as_referent = Actor { structure_id: s, user_id: referent.id };

        let mut input = person_form("Leersoise", "Léa", "1985-05-05");
        input.commune_code = "59339".into();
        input.qpv_code = String::new();
        let fields = input.validate(&*app.state.territory().await, date!(2026 - 01 - 01)).unwrap();
        let person = app.register(&as_referent, &fields).await;

        let referral = service::NewReferral {
            person_id: person.id,
            programme_id: plie.id,
            prescriber_organisation: "France Travail Roubaix",
            prescriber_name: Some("Conseillère"),
            referred_on: date!(2021 - 01 - 10),
            reason: "Recherche d'emploi depuis deux ans",
        };
        let e = service::refer(&app.db, &as_referent, referral).await.unwrap();
        assert_eq!(e.state, PathwayState::Referred);
        let again = service::NewReferral {
            person_id: person.id,
            programme_id: plie.id,
            prescriber_organisation: "CCAS",
            prescriber_name: None,
            referred_on: date!(2021 - 01 - 11),
            reason: "Doublon",
        };
        assert!(matches!(refusal(service::refer(&app.db, &as_referent, again).await), PathwaysError::Referral(ReferralError::AlreadyOpen)));

        // Reception may not propose; the referent may.
        let r = service::transition(&app.db, &Principal::acting(as_referent, Role::Reception), e.id, PathwayEvent::ProposeToCommittee, date!(2021 - 01 - 12), service::TransitionData::default()).await;
        assert!(matches!(refusal(r), PathwaysError::Transition(TransitionError::Workflow(Workflow::RoleNotAllowed))));
        service::transition(&app.db, &Principal::acting(as_referent, Role::Referent), e.id, PathwayEvent::ProposeToCommittee, date!(2021 - 01 - 12), service::TransitionData::default())
            .await
            .unwrap();

        // January committee: Leers is not open yet.
        let january = service::create_meeting(&app.db, &as_manager, &Scope::whole_structure(s), plie.id, date!(2021 - 01 - 20), None).await.unwrap();
        assert_eq!(committees::proposals(&app.db, &Scope::whole_structure(s), &january).await.unwrap().len(), 1);
        let d = service::DecisionRequest { admitted: true, reason: "Projet clair", override_reason: None };
        let refused_entry = refusal(service::decide(&app.db, &Principal::acting(as_manager, Role::Manager), &Scope::whole_structure(s), january.id, e.id, d).await);
        let PathwaysError::Committee(CommitteeError::NotEligible(why)) = refused_entry else { panic!("{refused_entry:?}") };
        assert!(why.join(" ").contains("qu'à partir du 01/02/2021"), "{why:?}");
        let d = service::DecisionRequest { admitted: true, reason: "Projet clair", override_reason: Some("urgence") };
        assert!(matches!(refusal(service::decide(&app.db, &Principal::acting(as_referent, Role::Referent), &Scope::whole_structure(s), january.id, e.id, d).await), PathwaysError::Committee(CommitteeError::OverrideNotAllowed(_))));
        let d = service::DecisionRequest { admitted: true, reason: "Projet clair", override_reason: None };
        let no_override = refusal(service::decide(&app.db, &Principal::acting(as_referent, Role::Referent), &Scope::whole_structure(s), january.id, e.id, d).await);
        assert!(matches!(&no_override, PathwaysError::Committee(CommitteeError::NotEligible(why)) if why.join(" ").contains("Leers")), "{no_override:?}");

        // February committee: entered on the decision date.
        let february = service::create_meeting(&app.db, &as_manager, &Scope::whole_structure(s), plie.id, date!(2021 - 02 - 05), None).await.unwrap();
        let d = service::DecisionRequest { admitted: true, reason: "Projet clair", override_reason: None };
        let e = service::decide(&app.db, &Principal::acting(as_manager, Role::Manager), &Scope::whole_structure(s), february.id, e.id, d).await.unwrap();
        assert_eq!(e.state, PathwayState::Entered);
        assert_eq!(e.entered_on, Some(date!(2021 - 02 - 05)));

        // One active referent, kept with dates; the database refuses a second one.
        service::assign_referent(&app.db, &as_manager, e.id, other.id, date!(2021 - 02 - 05)).await.unwrap();
        service::assign_referent(&app.db, &as_manager, e.id, referent.id, date!(2021 - 03 - 01)).await.unwrap();
        let periods = enrolments::referents(&app.db, s, e.id).await.unwrap();
        assert_eq!(periods.len(), 2);
        assert_eq!((periods[0].user_id, periods[0].until_date), (referent.id, None));
        assert_eq!(periods[1].until_date, Some(date!(2021 - 02 - 28)));
        let second = with_pool!(&app.db, |p| {
            sqlx::query("INSERT INTO enrolment_referents (id, structure_id, enrolment_id, user_id, from_date) VALUES ($1, $2, $3, $4, $5)")
                .bind(uuid::Uuid::now_v7())
                .bind(s)
                .bind(e.id)
                .bind(other.id)
                .bind(date!(2021 - 04 - 01))
                .execute(p)
                .await
                .map(|_| ())
        });
        assert!(second.is_err(), "a second active referent must be refused by the database");

        // Roadmap, steps and contracts, with their checks.
        service::add_objective(&app.db, &as_referent, e.id, service::NewObjective { theme: "Emploi", objective: "Trouver un poste en logistique", action: "Préparer le CACES" }, date!(2021 - 02 - 10)).await.unwrap();
        let early = service::NewStep { family: StepFamily::QualifyingTraining, title: "CACES", provider: None, start_on: date!(2021 - 01 - 15), end_on: None, qualifying: true, validated: None };
        assert!(matches!(refusal(service::add_step(&app.db, &as_referent, e.id, early).await), PathwaysError::Step(StepError::BeforeEntry(d)) if d == date!(2021 - 02 - 05)));
        let caces = service::NewStep { family: StepFamily::QualifyingTraining, title: "CACES R489", provider: Some("AFPA"), start_on: date!(2021 - 02 - 15), end_on: Some(date!(2021 - 03 - 12)), qualifying: true, validated: Some(true) };
        service::add_step(&app.db, &as_referent, e.id, caces).await.unwrap();
        let backwards = Contract { kind: ContractKind::Cdd, employer: "Entrepôt".into(), start: date!(2021 - 05 - 01), end: Some(date!(2021 - 04 - 01)), weekly_hours: 35.0 };
        assert!(matches!(refusal(service::add_contract(&app.db, &as_referent, person.id, &backwards, false).await), PathwaysError::Contract(ContractError::EndsBeforeStart)));
        let cdi = Contract { kind: ContractKind::Cdi, employer: "Entrepôt du Nord".into(), start: date!(2021 - 03 - 15), end: None, weekly_hours: 35.0 };
        service::add_contract(&app.db, &as_referent, person.id, &cdi, true).await.unwrap();

        // The rules propose a durable job on 15 September 2021, and explain why.
        let proposal = passerelle_db::pathways::proposal::proposed_exit(&app.db, s, &e, date!(2021 - 09 - 15)).await.unwrap().unwrap();
        assert_eq!(proposal.reason, ExitReason::DurableJob);
        assert!(proposal.why.contains("Entrepôt du Nord"), "{}", proposal.why);
        let early_exit = service::TransitionData { exit: Some((ExitReason::DurableJob, "Contrat CDI".into())), ..Default::default() };
        assert!(matches!(refusal(service::transition(&app.db, &Principal::acting(as_referent, Role::Referent), e.id, PathwayEvent::Exit, date!(2021 - 02 - 01), early_exit).await), PathwaysError::Transition(TransitionError::ExitDate(ExitDateError::BeforeEntry(d))) if d == date!(2021 - 02 - 05)));
        let no_proof = service::TransitionData { exit: Some((ExitReason::DurableJob, " ".into())), ..Default::default() };
        assert!(matches!(refusal(service::transition(&app.db, &Principal::acting(as_referent, Role::Referent), e.id, PathwayEvent::Exit, date!(2021 - 09 - 15), no_proof).await), PathwaysError::Transition(TransitionError::NoExitProof)));
        // A reason outside the programme's exit typology is refused.
        let mut narrowed = plie.def.clone();
        narrowed.exit_reasons.retain(|r| *r != ExitReason::Health);
        service::update_programme(&app.db, &as_manager, plie.id, &narrowed, true).await.unwrap();
        let health = service::TransitionData { exit: Some((ExitReason::Health, "Certificat".into())), ..Default::default() };
        let health = refusal(service::transition(&app.db, &Principal::acting(as_referent, Role::Referent), e.id, PathwayEvent::Exit, date!(2021 - 09 - 15), health).await);
        assert!(matches!(health, PathwaysError::Transition(TransitionError::ReasonNotInProgramme(ExitReason::Health))), "{health:?}");
        let exit = service::TransitionData { exit: Some((ExitReason::DurableJob, "Contrat CDI signé".into())), ..Default::default() };
        let e = service::transition(&app.db, &Principal::acting(as_referent, Role::Referent), e.id, PathwayEvent::Exit, date!(2021 - 09 - 15), exit).await.unwrap();
        assert_eq!(e.state, PathwayState::Exited);
        assert_eq!(e.exit_category().map(|c| c.code()), Some("durable_job"));
        let due: Option<time::Date> = with_pool!(&app.db, |p| {
            sqlx::query_scalar("SELECT due_on FROM follow_ups WHERE enrolment_id = $1").bind(e.id).fetch_optional(p).await.unwrap()
        });
        assert_eq!(due, Some(date!(2022 - 03 - 15)), "a 6-month follow-up task is created");

        let log = enrolments::log(&app.db, s, e.id).await.unwrap();
        let events: Vec<&str> = log.iter().map(|t| t.event.as_str()).collect();
        assert_eq!(events, ["propose_to_committee", "committee_admits", "exit"]);
        assert!(log[1].note.as_deref().is_some_and(|n| n.contains("Projet clair")));
        // Recorded work keeps the person in the register.
        let kept = passerelle_services::persons::delete(&app.db, &as_manager, person.id, person.version).await;
        let Err(PersonsError::Refused(kept @ PersonRuleError::Referenced(_))) = kept else {
            panic!("expected the person to be kept, got {kept:?}");
        };
        assert!(kept.to_string().contains("ne peut pas être supprimée"), "{kept}");
    })
    .await;
}

#[tokio::test]
async fn an_admin_edits_the_plie_towns_and_the_committee_applies_them() {
    on_each_backend(|app: TestApp| async move {
        let s = app.structure_id;
        service::install_default_programmes(&app.db, s)
            .await
            .unwrap();
        let plie = programmes::by_code(&app.db, s, "plie").await.unwrap();
        let mut admin = app.signed_in(Role::Admin).await;
        let form = admin.get(&format!("/admin/dispositifs/{}", plie.id)).await;
        assert!(
            form.body.contains("59339 01/02/2021"),
            "the Leers opening date is shown"
        );
        let path = format!("/admin/dispositifs/{}", plie.id);
        let fields = |towns: &str| {
            vec![
                ("name", "PLIE".to_owned()),
                ("team", "plie".to_owned()),
                ("towns", towns.to_owned()),
                ("min_age", "18".to_owned()),
                ("max_duration_months", "36".to_owned()),
                ("alert_months", "3".to_owned()),
                ("active", "on".to_owned()),
                ("exit_reason", "durable_job".to_owned()),
                ("exit_reason", "transition_job".to_owned()),
                ("exit_reason", "abandon".to_owned()),
            ]
        };
        let bad = fields("59512 01/01/2015\n59339 bientôt");
        let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let bad_towns = admin.post(&path, &bad).await;
        assert_eq!(
            bad_towns.status,
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        );
        assert!(bad_towns.body.contains("Ligne 2"));
        let good = fields("59512 01/01/2015\n59367 01/01/2015\n59339 01/03/2021");
        let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            admin.post(&path, &good).await.status,
            axum::http::StatusCode::SEE_OTHER
        );
        let edited = programmes::get(&app.db, s, plie.id).await.unwrap();
        let refusals = edited.def.eligibility.refusals(
            "59339",
            "Leers",
            date!(1980 - 01 - 01),
            date!(2021 - 02 - 15),
        );
        assert!(refusals[0].contains("01/03/2021"), "{refusals:?}");
        assert_eq!(edited.def.code, "plie", "the code never changes");
        assert_eq!(
            edited.def.exit_reasons.len(),
            3,
            "the exit typology is data"
        );
        let none: Vec<(&str, &str)> = good
            .iter()
            .copied()
            .filter(|(k, _)| *k != "exit_reason")
            .collect();
        let no_reason = admin.post(&path, &none).await;
        assert!(no_reason.body.contains("au moins un motif de sortie"));

        // Requiring RSA at entry: a person without it is refused at the committee, with why.
        let mut with_rsa: Vec<(&str, &str)> = good.clone();
        with_rsa.push(("situation", "rsa"));
        assert_eq!(
            admin.post(&path, &with_rsa).await.status,
            axum::http::StatusCode::SEE_OTHER
        );
        let plie = programmes::get(&app.db, s, plie.id).await.unwrap();
        assert_eq!(plie.def.eligibility.situation_any.len(), 1);
        let manager =
            passerelle_db::access::users::by_email(&app.db, &app.staff(Role::Manager).await)
                .await
                .unwrap()
                .unwrap()
                .0;
        let as_manager = Actor {
            structure_id: s,
            user_id: manager.id,
        };
        let fields = person_form("Sansrsa", "Sam", "1980-01-01")
            .validate(&*app.state.territory().await, date!(2026 - 01 - 01))
            .unwrap();
        let person = app.register(&as_manager, &fields).await;
        let referral = service::NewReferral {
            person_id: person.id,
            programme_id: plie.id,
            prescriber_organisation: "CCAS",
            prescriber_name: None,
            referred_on: date!(2021 - 05 - 01),
            reason: "Test",
        };
        let e = service::refer(&app.db, &as_manager, referral)
            .await
            .unwrap();
        service::transition(
            &app.db,
            &Principal::acting(as_manager, Role::Manager),
            e.id,
            PathwayEvent::ProposeToCommittee,
            date!(2021 - 05 - 02),
            service::TransitionData::default(),
        )
        .await
        .unwrap();
        let meeting = service::create_meeting(
            &app.db,
            &as_manager,
            &Scope::whole_structure(s),
            plie.id,
            date!(2021 - 05 - 11),
            None,
        )
        .await
        .unwrap();
        let d = service::DecisionRequest {
            admitted: true,
            reason: "Projet",
            override_reason: None,
        };
        let refused_entry = refusal(
            service::decide(
                &app.db,
                &Principal::acting(as_manager, Role::Manager),
                &Scope::whole_structure(s),
                meeting.id,
                e.id,
                d,
            )
            .await,
        );
        let PathwaysError::Committee(CommitteeError::NotEligible(why)) = refused_entry else {
            panic!("{refused_entry:?}")
        };
        assert!(why.join(" ").contains("bénéficiaire du RSA"), "{why:?}");
    })
    .await;
}
