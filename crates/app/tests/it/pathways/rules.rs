//! Exits and figures exactly as the rules say (issue 9, findings 4 and 8 to 11): who may be a
//! referent and from when, the exit proposed at the exit date being entered, the committee's
//! writes in the audit trail, trainings obtained by rule 14, exact figures.

use axum::http::StatusCode;
use passerelle_db::audit::{self, AuditFilter};
use passerelle_db::pathways::enrolments::{self, Enrolment};
use passerelle_db::{access::users, pathways::programmes};
use passerelle_domain::Principal;
use passerelle_domain::audit::{Actor, AuditAction};
use passerelle_domain::pathways::employment::{Contract, ContractKind};
use passerelle_domain::pathways::exit::{ExitDateError, ExitReason};
use passerelle_domain::pathways::referent::ReferentError;
use passerelle_domain::pathways::rules::TransitionError;
use passerelle_domain::pathways::step::StepFamily;
use passerelle_domain::pathways::workflow::PathwayEvent;
use passerelle_domain::{Role, RuleViolation, Team};
use passerelle_services::pathways::{self as service, PathwaysError};
use time::Date;
use time::macros::date;
use uuid::Uuid;

use crate::support::{TestApp, on_each_backend, person_form};

pub(crate) async fn user_id(app: &TestApp, email: &str) -> Uuid {
    users::by_email(&app.db, email).await.unwrap().unwrap().0.id
}

pub(crate) async fn actor(app: &TestApp, role: Role) -> Actor {
    let email = app.staff(role).await;
    Actor {
        structure_id: app.structure_id,
        user_id: user_id(app, &email).await,
    }
}

/// A Roubaix resident referred to the PLIE on 10/01/2021 and entered by the committee of
/// 05/02/2021.
pub(crate) async fn entered_pathway(app: &TestApp, manager: &Actor, last_name: &str) -> Enrolment {
    let s = app.structure_id;
    service::install_default_programmes(&app.db, s)
        .await
        .unwrap();
    let plie = programmes::by_code(&app.db, s, "plie").await.unwrap();
    let fields = person_form(last_name, "Alex", "1985-05-05")
        .validate(&*app.state.territory().await, date!(2026 - 01 - 01))
        .unwrap();
    let person = app.register(manager, &fields).await;
    let referral = service::NewReferral {
        person_id: person.id,
        programme_id: plie.id,
        prescriber_organisation: "France Travail Roubaix",
        prescriber_name: None,
        referred_on: date!(2021 - 01 - 10),
        reason: "Recherche d'emploi",
    };
    let e = service::refer(&app.db, manager, referral).await.unwrap();
    let on = date!(2021 - 01 - 12);
    service::transition(
        &app.db,
        &Principal::acting(*manager, Role::Manager),
        e.id,
        PathwayEvent::ProposeToCommittee,
        on,
        service::TransitionData::default(),
    )
    .await
    .unwrap();
    let meeting = service::create_meeting(
        &app.db,
        manager,
        &passerelle_db::pathways::scope::Scope::whole_structure(app.structure_id),
        plie.id,
        date!(2021 - 02 - 05),
        None,
    )
    .await
    .unwrap();
    let d = service::DecisionRequest {
        admitted: true,
        reason: "Projet clair",
        override_reason: None,
    };
    service::decide(
        &app.db,
        &Principal::acting(*manager, Role::Manager),
        &passerelle_db::pathways::scope::Scope::whole_structure(app.structure_id),
        meeting.id,
        e.id,
        d,
    )
    .await
    .unwrap()
}

/// Whether the exit-date rule refused a date after today.
fn in_the_future<T>(r: &Result<T, PathwaysError>) -> bool {
    let future = TransitionError::ExitDate(ExitDateError::InTheFuture);
    matches!(r, Err(PathwaysError::Transition(e)) if *e == future)
}

fn referent_error(r: Result<(), PathwaysError>) -> ReferentError {
    match r {
        Err(PathwaysError::Rule(RuleViolation::Referent(e))) => e,
        other => panic!("expected the referent rule to refuse, got {other:?}"),
    }
}

#[tokio::test]
async fn only_a_referent_or_manager_of_the_team_may_hold_a_pathway_from_within_its_life() {
    on_each_backend(|app: TestApp| async move {
        let manager = actor(&app, Role::Manager).await;
        let e = entered_pathway(&app, &manager, "Référée").await;
        for role in [
            Role::Reception,
            Role::ReadOnly,
            Role::Admin,
            Role::Facilitator,
            Role::Director,
        ] {
            let candidate = user_id(&app, &app.staff(role).await).await;
            let r =
                service::assign_referent(&app.db, &manager, e.id, candidate, date!(2021 - 02 - 05))
                    .await;
            assert_eq!(referent_error(r), ReferentError::Role(role), "{role:?}");
        }
        // A referent of La Fabrik does not hold PLIE pathways.
        let fabrik_email = format!("fabrik-{}@test.fr", Uuid::now_v7().simple());
        let fabrik = app
            .account(
                &fabrik_email,
                "Référente Fabrik",
                Role::Referent,
                &[Team::Fabrik],
            )
            .await;
        let r = service::assign_referent(&app.db, &manager, e.id, fabrik.id, date!(2021 - 02 - 05))
            .await;
        assert_eq!(referent_error(r), ReferentError::Team(Team::Plie));
        // A PLIE referent, but from 2001: before the pathway began.
        let referent = user_id(&app, &app.staff(Role::Referent).await).await;
        let r = service::assign_referent(&app.db, &manager, e.id, referent, date!(2001 - 01 - 01))
            .await;
        assert_eq!(
            referent_error(r),
            ReferentError::BeforePathway(date!(2021 - 01 - 10))
        );
        service::assign_referent(&app.db, &manager, e.id, referent, date!(2021 - 02 - 05))
            .await
            .unwrap();
        // The next referent starts after the current one: no inverted period.
        let next = user_id(&app, &app.staff(Role::Referent).await).await;
        let r =
            service::assign_referent(&app.db, &manager, e.id, next, date!(2021 - 02 - 05)).await;
        assert_eq!(
            referent_error(r),
            ReferentError::BeforeCurrent(date!(2021 - 02 - 05))
        );
        service::assign_referent(&app.db, &manager, e.id, next, date!(2021 - 03 - 01))
            .await
            .unwrap();
        let periods = enrolments::referents(&app.db, app.structure_id, e.id)
            .await
            .unwrap();
        assert_eq!(periods.len(), 2);
        assert!(
            periods
                .iter()
                .all(|p| p.until_date.is_none_or(|u| u >= p.from_date))
        );
    })
    .await;
}

#[tokio::test]
async fn the_referent_form_offers_and_accepts_only_the_teams_referents() {
    on_each_backend(|app: TestApp| async move {
        let manager = actor(&app, Role::Manager).await;
        let e = entered_pathway(&app, &manager, "Formulaire").await;
        let reception = user_id(&app, &app.staff(Role::Reception).await).await;
        let mut b = app.signed_in(Role::Manager).await;
        let page = b.get(&format!("/parcours/{}", e.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            !page.body.contains(&reception.to_string()),
            "reception is not offered as referent"
        );
        b.refresh_csrf().await;
        let page = b
            .post(
                &format!("/parcours/{}/referent", e.id),
                &[("user_id", &reception.to_string()), ("on", "2021-02-05")],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            enrolments::referents(&app.db, app.structure_id, e.id)
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

fn cdd(employer: &str, start: Date, end: Date) -> Contract {
    Contract {
        kind: ContractKind::Cdd,
        employer: employer.into(),
        start,
        end: Some(end),
        weekly_hours: 35.0,
    }
}

#[tokio::test]
async fn the_exit_is_proposed_at_the_exit_date_being_entered() {
    on_each_backend(|app: TestApp| async move {
        let manager = actor(&app, Role::Manager).await;
        let e = entered_pathway(&app, &manager, "Sortante").await;
        let job = cdd(
            "Boulangerie du Centre",
            date!(2021 - 03 - 01),
            date!(2021 - 05 - 31),
        );
        service::add_contract(&app.db, &manager, e.person_id, &job, false)
            .await
            .unwrap();
        let at = |on: Date| {
            let (db, s, e) = (app.db.clone(), app.structure_id, e.clone());
            async move {
                passerelle_db::pathways::proposal::proposed_exit(&db, s, &e, on)
                    .await
                    .unwrap()
                    .map(|p| p.reason)
            }
        };
        // Two weeks after the CDD ended: a transition job. Three months after: nothing.
        assert_eq!(
            at(date!(2021 - 06 - 14)).await,
            Some(ExitReason::TransitionJob)
        );
        assert_eq!(at(date!(2021 - 09 - 01)).await, None);
        // The page computes it at the date asked, and says which.
        let mut b = app.signed_in(Role::Manager).await;
        let page = b
            .get(&format!("/parcours/{}?sortie_le=2021-06-14", e.id))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains("Catégorie proposée au 14/06/2021 : Emploi de transition"),
            "{}",
            page.body
        );
        let page = b
            .get(&format!("/parcours/{}?sortie_le=2021-09-01", e.id))
            .await;
        assert!(
            page.body
                .contains("ne justifie une sortie dynamique au 01/09/2021")
        );
        let page = b
            .get(&format!("/parcours/{}?sortie_le=2999-01-01", e.id))
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = b
            .get(&format!("/parcours/{}?sortie_le=2020-01-01", e.id))
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "before the entry"
        );
        assert!(
            page.body.contains("ne peut pas précéder l&#39;entrée")
                || page.body.contains("ne peut pas précéder l'entrée")
        );
        // The API too (`?on=`), and it refuses a date in the future.
        let token = app.api_token(Role::Manager).await;
        let get = |on: &'static str| {
            let (app, token, id) = (&app, token.clone(), e.id);
            async move {
                let (status, body) = crate::write_audit::api(
                    app,
                    &token,
                    "GET",
                    &format!("/api/v1/enrolments/{id}?on={on}"),
                    serde_json::Value::Null,
                )
                .await;
                (
                    status,
                    serde_json::from_str::<serde_json::Value>(&body).unwrap_or_default(),
                )
            }
        };
        let (status, body) = get("2021-06-14").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["proposed_exit"]["reason"], "transition_job");
        assert_eq!(body["proposed_exit"]["on"], "2021-06-14");
        assert!(get("2021-09-01").await.1["proposed_exit"].is_null());
        assert_eq!(get("2999-01-01").await.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            get("2020-01-01").await.0,
            StatusCode::UNPROCESSABLE_ENTITY,
            "before the entry"
        );
        // A programme with a window of four months proposes the transition job in September.
        let mut plie = programmes::get(&app.db, app.structure_id, e.programme_id)
            .await
            .unwrap();
        plie.def.transition_window_months = 4;
        service::update_programme(&app.db, &manager, plie.id, &plie.def, true)
            .await
            .unwrap();
        assert_eq!(
            at(date!(2021 - 09 - 01)).await,
            Some(ExitReason::TransitionJob)
        );
        // The exit keeps the rules' proposal at its own date, whatever the page showed.
        b.refresh_csrf().await;
        let page = b
            .post(
                &format!("/parcours/{}/sortie", e.id),
                &[
                    ("reason", "transition_job"),
                    ("on", "2021-09-01"),
                    ("proof", "Contrat CDD"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let exited = enrolments::get(
            &app.db,
            &passerelle_db::pathways::scope::Scope::whole_structure(app.structure_id),
            e.id,
        )
        .await
        .unwrap();
        let why = exited.exit_explanation.unwrap_or_default();
        assert!(
            why.contains("Boulangerie du Centre") && why.contains("31/05/2021"),
            "{why}"
        );
    })
    .await;
}

#[tokio::test]
async fn an_exit_after_today_is_refused_on_every_path() {
    on_each_backend(|app: TestApp| async move {
        let manager = actor(&app, Role::Manager).await;
        let e = entered_pathway(&app, &manager, "Future").await;
        let tomorrow = passerelle_domain::clock::today().next_day().unwrap();
        let data = service::TransitionData {
            exit: Some((ExitReason::Abandon, "Courrier".into())),
            ..Default::default()
        };
        let r = service::transition(
            &app.db,
            &Principal::acting(manager, Role::Manager),
            e.id,
            PathwayEvent::Exit,
            tomorrow,
            data,
        )
        .await;
        assert!(in_the_future(&r), "{r:?}");
        let r = service::transition(
            &app.db,
            &Principal::acting(manager, Role::Manager),
            e.id,
            PathwayEvent::Exit,
            date!(9999 - 12 - 31),
            service::TransitionData {
                exit: Some((ExitReason::Abandon, "Courrier".into())),
                ..Default::default()
            },
        )
        .await;
        assert!(in_the_future(&r), "{r:?}");
    })
    .await;
}

#[tokio::test]
async fn a_committee_meeting_and_its_exit_review_leave_audit_rows() {
    on_each_backend(|app: TestApp| async move {
        let manager = actor(&app, Role::Manager).await;
        let e = entered_pathway(&app, &manager, "Revue").await;
        let data = service::TransitionData {
            exit: Some((ExitReason::Abandon, "Courrier".into())),
            ..Default::default()
        };
        service::transition(
            &app.db,
            &Principal::acting(manager, Role::Manager),
            e.id,
            PathwayEvent::Exit,
            date!(2021 - 06 - 30),
            data,
        )
        .await
        .unwrap();
        let meeting = service::create_meeting(
            &app.db,
            &manager,
            &passerelle_db::pathways::scope::Scope::whole_structure(app.structure_id),
            e.programme_id,
            date!(2021 - 07 - 15),
            None,
        )
        .await
        .unwrap();
        let rows = |entity: Uuid| {
            let db = app.db.clone();
            let s = app.structure_id;
            async move {
                audit::list(
                    &db,
                    s,
                    &AuditFilter {
                        detail: passerelle_domain::audit::AuditDetail::Full,
                        entity_id: Some(entity),
                        limit: 100,
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
            }
        };
        let created = rows(meeting.id).await;
        assert_eq!(created.len(), 1);
        assert_eq!(created[0].action, AuditAction::Create);
        let before = rows(e.id).await.len();
        service::review_exit(
            &app.db,
            &manager,
            &passerelle_db::pathways::scope::Scope::whole_structure(app.structure_id),
            meeting.id,
            e.id,
            true,
            "Sortie confirmée, courrier reçu",
        )
        .await
        .unwrap();
        let after = rows(e.id).await;
        assert_eq!(after.len(), before + 1);
        let review = &after[0];
        assert_eq!(review.user_id, Some(manager.user_id));
        assert!(review.changes.iter().any(|c| c.field == "exit_review"));
        assert!(
            review
                .changes
                .iter()
                .all(|c| c.after.as_deref() != Some("Sortie confirmée, courrier reçu")),
            "the committee's free text stays out of the audit trail"
        );
    })
    .await;
}

#[tokio::test]
async fn a_certifying_training_validated_counts_as_a_training_obtained() {
    on_each_backend(|app: TestApp| async move {
        let manager = actor(&app, Role::Manager).await;
        let e = entered_pathway(&app, &manager, "Certifiée").await;
        let step = |family, validated| service::NewStep {
            family,
            title: "Formation",
            provider: None,
            start_on: date!(2021 - 03 - 01),
            end_on: Some(date!(2021 - 04 - 30)),
            qualifying: false,
            validated,
        };
        for (family, validated) in [
            (StepFamily::CertifyingTraining, Some(true)),
            (StepFamily::QualifyingTraining, Some(true)),
            (StepFamily::PreQualifyingTraining, Some(true)),
            (StepFamily::CertifyingTraining, Some(false)),
        ] {
            service::add_step(&app.db, &manager, e.id, step(family, validated))
                .await
                .unwrap();
        }
        let defs = passerelle_report::shipped_definitions().unwrap();
        let def = defs
            .iter()
            .find(|d| d.id == "plie.trainings_obtained")
            .unwrap();
        assert!(
            def.version >= 2,
            "rule 14 is a new version of the definition"
        );
        let report = passerelle_report::build(&app.db, app.structure_id, &defs, 2021)
            .await
            .unwrap();
        let figure = report
            .figures
            .iter()
            .find(|f| f.id == "plie.trainings_obtained")
            .unwrap();
        assert_eq!(figure.value, 2.0, "qualifying or certifying, validated");
        // The rules propose a positive exit for a certifying training alone, too.
        let other = entered_pathway(&app, &manager, "CléA").await;
        service::add_step(
            &app.db,
            &manager,
            other.id,
            step(StepFamily::CertifyingTraining, Some(true)),
        )
        .await
        .unwrap();
        let proposal = passerelle_db::pathways::proposal::proposed_exit(
            &app.db,
            app.structure_id,
            &other,
            date!(2021 - 05 - 15),
        )
        .await
        .unwrap();
        assert_eq!(
            proposal.map(|p| p.reason),
            Some(ExitReason::QualifyingTrainingValidated)
        );
    })
    .await;
}

#[tokio::test]
async fn figures_are_exact_in_the_data_and_rounded_only_on_the_page() {
    on_each_backend(|app: TestApp| async move {
        let manager = actor(&app, Role::Manager).await;
        // Three exits on 30/06/2021 after an entry on 05/02/2021 (145 days), two of them dynamic.
        for (name, reason) in [
            ("Un", ExitReason::TransitionJob),
            ("Deux", ExitReason::QualifyingTrainingValidated),
            ("Trois", ExitReason::Abandon),
        ] {
            let e = entered_pathway(&app, &manager, name).await;
            let data = service::TransitionData {
                exit: Some((reason, "Justificatif".into())),
                ..Default::default()
            };
            service::transition(
                &app.db,
                &Principal::acting(manager, Role::Manager),
                e.id,
                PathwayEvent::Exit,
                date!(2021 - 06 - 30),
                data,
            )
            .await
            .unwrap();
        }
        let defs = passerelle_report::shipped_definitions().unwrap();
        let report = passerelle_report::build(&app.db, app.structure_id, &defs, 2021)
            .await
            .unwrap();
        let json = serde_json::to_value(&report).unwrap();
        let value = |id: &str| {
            json["figures"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["id"] == id)
                .unwrap()["value"]
                .as_f64()
                .unwrap()
        };
        assert!(
            (value("plie.exit_dynamic_rate") - 200.0 / 3.0).abs() < 1e-9,
            "{}",
            value("plie.exit_dynamic_rate")
        );
        // A mean length from days: 145 ÷ 30.4375, not 4 whole months.
        assert!(
            (value("plie.avg_duration_months") - 145.0 / 30.4375).abs() < 1e-9,
            "{}",
            value("plie.avg_duration_months")
        );
        let mut b = app.signed_in(Role::Director).await;
        let page = b.get("/rapports?annee=2021").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(">67 %<"), "whole percent on the page");
        assert!(page.body.contains(">4,8 mois<"), "one decimal for a mean");
    })
    .await;
}
