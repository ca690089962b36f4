//! The enrolment page's read model shows what the repositories hold, read at once: the same
//! referents, log, roadmap, steps, contracts, appointments and diagnosis, the same exit
//! proposal at any exit date, the staff who may hold the pathway, and nothing outside the
//! reader's scope, on both engines.

use passerelle_db::DbError;
use passerelle_db::access::users;
use passerelle_db::pathways::enrolment_page;
use passerelle_db::pathways::enrolments;
use passerelle_db::pathways::scope::Scope;
use passerelle_db::pathways::{contracts, programmes, steps};
use passerelle_domain::Principal;
use passerelle_domain::Role;
use passerelle_domain::audit::Actor;
use passerelle_domain::pathways::employment::{Contract, ContractKind};
use passerelle_domain::pathways::referent::{Candidate, may_hold};
use passerelle_domain::pathways::step::{AppointmentKind, DiagnosisCriterion, StepFamily};
use passerelle_domain::pathways::workflow::PathwayEvent;
use passerelle_services::pathways::{
    self as service, DecisionRequest, NewAppointment, NewObjective, NewReferral, NewStep,
    TransitionData,
};
use time::macros::date;

use crate::support::{TestApp, on_each_backend, person_form};

async fn user(app: &TestApp, role: Role) -> users::User {
    let email = app.staff(role).await;
    users::by_email(&app.db, &email).await.unwrap().unwrap().0
}

#[tokio::test]
async fn the_enrolment_page_reads_what_the_repositories_hold_in_one_go() {
    on_each_backend(|app: TestApp| async move {
        let s = app.structure_id;
        service::install_default_programmes(&app.db, s)
            .await
            .unwrap();
        let plie = programmes::by_code(&app.db, s, "plie").await.unwrap();
        let manager = user(&app, Role::Manager).await;
        let referent = user(&app, Role::Referent).await;
        user(&app, Role::Reception).await;
        let as_manager = Actor {
            structure_id: s,
            user_id: manager.id,
        };
        let as_referent = Actor {
            structure_id: s,
            user_id: referent.id,
        };

        let fields = person_form("Lecture", "Léon", "1984-04-04")
            .validate(&*app.state.territory().await, date!(2026 - 01 - 01))
            .unwrap();
        let person = app.register(&as_referent, &fields).await;
        let referral = NewReferral {
            person_id: person.id,
            programme_id: plie.id,
            prescriber_organisation: "France Travail",
            prescriber_name: None,
            referred_on: date!(2021 - 01 - 10),
            reason: "Projet",
        };
        let e = service::refer(&app.db, &as_referent, referral)
            .await
            .unwrap();
        let propose = PathwayEvent::ProposeToCommittee;
        service::transition(
            &app.db,
            &Principal::acting(as_referent, Role::Referent),
            e.id,
            propose,
            date!(2021 - 01 - 12),
            TransitionData::default(),
        )
        .await
        .unwrap();
        let whole = Scope::whole_structure(s);
        let meeting = service::create_meeting(
            &app.db,
            &as_manager,
            &whole,
            plie.id,
            date!(2021 - 01 - 20),
            None,
        )
        .await
        .unwrap();
        let d = DecisionRequest {
            admitted: true,
            reason: "Projet clair",
            override_reason: None,
        };
        service::decide(
            &app.db,
            &Principal::acting(as_manager, Role::Manager),
            &whole,
            meeting.id,
            e.id,
            d,
        )
        .await
        .unwrap();
        service::assign_referent(
            &app.db,
            &as_manager,
            e.id,
            manager.id,
            date!(2021 - 01 - 20),
        )
        .await
        .unwrap();
        service::assign_referent(
            &app.db,
            &as_manager,
            e.id,
            referent.id,
            date!(2021 - 02 - 01),
        )
        .await
        .unwrap();
        let objective = NewObjective {
            theme: "Emploi",
            objective: "Logistique",
            action: "CACES",
        };
        service::add_objective(
            &app.db,
            &as_referent,
            e.id,
            objective,
            date!(2021 - 02 - 02),
        )
        .await
        .unwrap();
        let caces = NewStep {
            family: StepFamily::QualifyingTraining,
            title: "CACES",
            provider: Some("AFPA"),
            start_on: date!(2021 - 02 - 15),
            end_on: Some(date!(2021 - 03 - 12)),
            qualifying: true,
            validated: Some(true),
        };
        service::add_step(&app.db, &as_referent, e.id, caces)
            .await
            .unwrap();
        let before = Contract {
            kind: ContractKind::Cdd,
            employer: "Ancien".into(),
            start: date!(2019 - 01 - 01),
            end: Some(date!(2019 - 06 - 30)),
            weekly_hours: 20.0,
        };
        service::add_contract(&app.db, &as_referent, person.id, &before, false)
            .await
            .unwrap();
        let cdd = Contract {
            kind: ContractKind::Cdd,
            employer: "Boulangerie".into(),
            start: date!(2021 - 03 - 15),
            end: Some(date!(2021 - 05 - 31)),
            weekly_hours: 30.0,
        };
        service::add_contract(&app.db, &as_referent, person.id, &cdd, true)
            .await
            .unwrap();
        let appointment = NewAppointment {
            held_on: date!(2021 - 02 - 03),
            kind: AppointmentKind::ALL[0],
            attended: true,
            note: Some("Premier entretien"),
        };
        service::add_appointment(&app.db, &as_referent, e.id, appointment)
            .await
            .unwrap();
        let appointment = NewAppointment {
            held_on: date!(2021 - 03 - 03),
            kind: AppointmentKind::ALL[0],
            attended: false,
            note: None,
        };
        service::add_appointment(&app.db, &as_referent, e.id, appointment)
            .await
            .unwrap();
        service::add_diagnosis(
            &app.db,
            &as_referent,
            e.id,
            DiagnosisCriterion::ALL[0],
            date!(2021 - 01 - 11),
            "Attestation",
        )
        .await
        .unwrap();

        let page = enrolment_page::read(&app.db, &whole, e.id).await.unwrap();
        let e = enrolments::get(&app.db, &whole, e.id).await.unwrap();
        assert_eq!(page.enrolment, e);
        assert_eq!(page.person_name, person.full_name());
        assert_eq!(page.programme.name, plie.def.name);
        assert_eq!(page.programme.team, plie.def.team);
        assert_eq!(
            page.programme.max_duration_months,
            plie.def.max_duration_months
        );
        assert_eq!(page.programme.alert_months, plie.def.alert_months);
        assert_eq!(page.programme.exit_reasons, plie.def.exit_reasons);
        assert_eq!(page.programme.exit_rules, plie.def.exit_rules());
        let referents: Vec<_> = enrolments::referents(&app.db, s, e.id)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.user_id, r.from_date, r.until_date))
            .collect();
        assert_eq!(
            page.referents
                .iter()
                .map(|r| (r.user_id, r.from_date, r.until_date))
                .collect::<Vec<_>>(),
            referents
        );
        assert_eq!(referents.len(), 2);
        let log: Vec<_> = enrolments::log(&app.db, s, e.id)
            .await
            .unwrap()
            .into_iter()
            .map(|t| (t.event, t.occurred_on, t.user_name, t.at))
            .collect();
        assert_eq!(
            page.log
                .iter()
                .map(|t| (t.event.clone(), t.occurred_on, t.user_name.clone(), t.at))
                .collect::<Vec<_>>(),
            log
        );
        assert_eq!(
            page.objectives,
            steps::objectives(&app.db, s, e.id).await.unwrap()
        );
        assert_eq!(
            page.steps,
            steps::of_enrolment(&app.db, s, e.id).await.unwrap()
        );
        assert_eq!(
            page.contracts,
            contracts::of_person(&app.db, s, person.id).await.unwrap()
        );
        assert_eq!(page.contracts.len(), 2);
        assert_eq!(
            page.appointments,
            steps::appointments(&app.db, s, e.id).await.unwrap()
        );
        assert_eq!(page.appointments.len(), 2);
        assert_eq!(
            page.diagnosis,
            steps::diagnosis(&app.db, s, e.id).await.unwrap()
        );

        // The proposal from what was read is the repository's, at every exit date.
        for on in [
            date!(2021 - 04 - 01),
            date!(2021 - 06 - 14),
            date!(2021 - 09 - 01),
        ] {
            let expected = passerelle_db::pathways::proposal::proposed_exit(&app.db, s, &e, on)
                .await
                .unwrap();
            assert_eq!(page.proposed_exit(on), expected, "on {on}");
        }
        assert!(
            page.proposed_exit(date!(2021 - 06 - 14)).is_some(),
            "a transition job ended within the month"
        );

        // The referent candidates: the structure's staff the rule lets hold a PLIE pathway.
        let expected: Vec<_> = users::list(&app.db, s)
            .await
            .unwrap()
            .into_iter()
            .filter(|u| {
                may_hold(
                    Candidate {
                        role: u.role,
                        teams: &u.teams,
                        active: u.active,
                    },
                    plie.def.team,
                )
            })
            .map(|u| u.id)
            .collect();
        let candidates: Vec<_> = page.referent_candidates.iter().map(|m| m.id).collect();
        assert_eq!(candidates, expected);
        assert_eq!(
            candidates.len(),
            2,
            "the manager and the referent, not reception"
        );

        // Outside the reader's scope the pathway does not exist.
        let other = user(&app, Role::Referent).await;
        let scope = Scope::of_reader(s, other.role, other.id, &[]);
        let outside = enrolment_page::read(&app.db, &scope, e.id).await;
        assert!(matches!(outside, Err(DbError::NotFound)), "{outside:?}");
        let unknown = enrolment_page::read(&app.db, &whole, uuid::Uuid::now_v7()).await;
        assert!(matches!(unknown, Err(DbError::NotFound)));
    })
    .await;
}
