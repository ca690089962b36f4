//! Every route × every role: the guard lets exactly the roles of the matrix through.

use axum::http::StatusCode;
use passerelle_domain::Role;
use passerelle_web::route_specs;

use crate::support::{Browser, TestApp, create_person, on_each_backend, person_form};
use passerelle_services::pathways as service;

struct Ids {
    person: String,
    user: String,
    token: String,
    enrolment: String,
    meeting: String,
    programme: String,
    indicator_file: String,
    contract: String,
    publication: String,
}

fn concrete(path: &str, ids: &Ids) -> String {
    if path == "/rapports/{year}/{id}" {
        "/rapports/2021/plie.entries".to_owned()
    } else if path.starts_with("/rapports/{year}/rapport.") {
        path.replace("{year}", "2021")
    } else if path == "/rapports/{year}/publier" {
        "/rapports/2021/publier".to_owned()
    } else if path.starts_with("/rapports/publications/") {
        path.replace("{id}", &ids.publication)
            .replace("{figure}", "plie.entries")
    } else if path == "/parcours/orienter" {
        format!("{path}?personne={}", ids.person)
    } else if path.starts_with("/admin/utilisateurs/") {
        path.replace("{id}", &ids.user)
    } else if path.starts_with("/admin/jetons/") {
        path.replace("{id}", &ids.token)
    } else if path.starts_with("/parcours/") {
        path.replace("{id}", &ids.enrolment)
            .replace("{contract}", &ids.contract)
    } else if path.starts_with("/admin/dispositifs/") {
        path.replace("{id}", &ids.programme)
    } else if path.starts_with("/rapports/indicateurs/") {
        path.replace("{id}", &ids.indicator_file)
    } else if path.starts_with("/comites/") {
        path.replace("{id}", &ids.meeting)
    } else {
        path.replace("{id}", &ids.person)
    }
}

async fn request(b: &mut Browser, method: &str, path: &str) -> StatusCode {
    match method {
        "GET" => b.get(path).await.status,
        "POST" => b.post(path, &[]).await.status,
        other => panic!("unexpected method {other}"),
    }
}

#[tokio::test]
async fn every_route_answers_each_role_as_the_matrix_says() {
    on_each_backend(|app: TestApp| async move {
        let mut manager = app.signed_in(Role::Manager).await;
        manager.refresh_csrf().await;
        let person =
            create_person(&mut manager, &person_form("Matrice", "Test", "1990-01-01")).await;
        let target_user = passerelle_db::access::users::by_email(&app.db, &app.staff(Role::ReadOnly).await)
            .await
            .unwrap()
            .unwrap()
            .0;
        // A pathway waiting for a referent (in every PLIE staff member's scope) and a committee.
        service::install_default_programmes(&app.db, app.structure_id)
            .await
            .unwrap();
        let plie = passerelle_db::pathways::programmes::by_code(&app.db, app.structure_id, "plie")
            .await
            .unwrap();
        let actor = passerelle_domain::audit::Actor {
            structure_id: app.structure_id,
            user_id: target_user.id,
        };
        let referral = service::NewReferral {
            person_id: person,
            programme_id: plie.id,
            prescriber_organisation: "Mission locale",
            prescriber_name: None,
            referred_on: time::macros::date!(2021 - 03 - 01),
            reason: "Test",
        };
        let enrolment = service::refer(&app.db, &actor, referral)
            .await
            .unwrap();
        let meeting = service::create_meeting(
            &app.db,
            &actor,
            &passerelle_db::pathways::scope::Scope::whole_structure(app.structure_id),
            plie.id,
            time::macros::date!(2021 - 03 - 10),
            None,
        )
        .await
        .unwrap();
        let ids = Ids {
            person: person.to_string(),
            user: target_user.id.to_string(),
            token: uuid::Uuid::now_v7().to_string(),
            enrolment: enrolment.id.to_string(),
            meeting: meeting.id.to_string(),
            programme: plie.id.to_string(),
            contract: service::add_contract(
                &app.db,
                &actor,
                person,
                &passerelle_domain::pathways::employment::Contract {
                    kind: passerelle_domain::pathways::employment::ContractKind::Cdi,
                    employer: "Employeur".into(),
                    start: time::macros::date!(2021 - 04 - 01),
                    end: None,
                    weekly_hours: 35.0,
                },
                false,
            )
            .await
            .unwrap()
            .to_string(),
            indicator_file: passerelle_services::reports::save_indicator_file(
                &app.db,
                &passerelle_services::By::Staff(actor),
                passerelle_domain::reports::files::SaveMode::Create,
                "perso.toml",
                "[[indicator]]\nid = \"perso.x\"\nversion = 1\ntitle = \"X\"\ndefinition = \"X\"\npopulation = \"steps\"\nperiod = \"started\"\nmeasure = \"count\"\n",
                passerelle_report::definitions::CHECKS,
            )
            .await
            .unwrap()
            .id
            .to_string(),
            publication: passerelle_services::reports::publish(
                &app.db,
                &actor,
                2021,
                r#"{"year":2021,"figures":[{"id":"plie.entries","title":"Entrées","value":1,"previous":0,"unit":"","version":1,"definition":"x"}]}"#,
                r#"{"plie.entries":[]}"#,
            )
            .await
            .unwrap()
            .to_string(),
        };
        for role in Role::ALL {
            let mut b = app.signed_in(role).await;
            b.refresh_csrf().await;
            for r in route_specs() {
                // The API is walked with tokens in the API tests; sign-out would end the session.
                if r.path.starts_with("/api/") || r.path == "/deconnexion" || r.permission.is_none()
                {
                    continue;
                }
                let path = concrete(r.path, &ids);
                let status = request(&mut b, r.method, &path).await;
                let allowed = r.permission.is_some_and(|p| role.allows(p));
                if allowed && r.method == "GET" {
                    assert_eq!(status, StatusCode::OK, "{role:?} should read {path}");
                } else if allowed {
                    assert_ne!(
                        status,
                        StatusCode::FORBIDDEN,
                        "{role:?} refused on {} {path}",
                        r.method
                    );
                } else {
                    assert_eq!(
                        status,
                        StatusCode::FORBIDDEN,
                        "{role:?} not refused on {} {path}",
                        r.method
                    );
                }
            }
        }
    })
    .await;
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in() {
    on_each_backend(|app: TestApp| async move {
        let mut b = app.browser();
        for r in route_specs() {
            if r.permission.is_none() || r.path.starts_with("/api/") {
                continue;
            }
            let path = r.path.replace("{id}", &uuid::Uuid::now_v7().to_string());
            let p = request(&mut b, r.method, &path).await;
            assert_eq!(p, StatusCode::SEE_OTHER, "{} {path}", r.method);
        }
        let public = b.get("/connexion").await;
        assert_eq!(public.status, StatusCode::OK);
        assert!(public.body.contains("Connexion"));
    })
    .await;
}
