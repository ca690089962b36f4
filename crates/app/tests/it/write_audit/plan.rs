//! The valid request for each write route, with the records it needs.

use axum::http::StatusCode;
use passerelle_db::pathways::enrolments;
use passerelle_db::pathways::programmes;
use passerelle_domain::Role;
use passerelle_domain::pathways::employment::{Contract, ContractKind};
use serde_json::json;
use time::macros::date;
use uuid::Uuid;

use super::{Send, Walk, Who, form};
use crate::pathways::rules::{entered_pathway, user_id};
use crate::support::{PASSWORD, TestApp, person_fields, person_form};
use passerelle_services::pathways as service;

/// The request that makes the write of `method path` succeed, with the records it needs.
pub(super) async fn plan(app: &TestApp, w: &Walk, method: &str, path: &str) -> (String, Send) {
    use Who::*;
    let person_body = |name: &str, version: Option<&str>| {
        let mut f: Vec<(String, String)> = person_fields(&person_form(name, "Walk", "1981-03-03"))
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        if let Some(v) = version {
            f.push(("version".into(), v.into()));
        }
        Send::Form(Director, f)
    };
    match (method, path) {
        ("POST", "/connexion") | ("POST", "/deconnexion") | ("POST", "/compte/mot-de-passe") => {
            (path.to_owned(), Send::Own(path_static(path)))
        }
        ("POST", "/personnes") => (path.to_owned(), person_body("Écrite", None)),
        ("POST", "/personnes/{id}") => {
            let id = w.person(app, "Modifiée").await;
            (
                format!("/personnes/{id}"),
                person_body("Réécrite", Some("1")),
            )
        }
        ("POST", "/personnes/{id}/supprimer") => {
            let id = w.person(app, "Supprimée").await;
            (
                format!("/personnes/{id}/supprimer"),
                form(Director, &[("version", "1")]),
            )
        }
        ("POST", "/personnes/{id}/situations") => {
            let id = w.person(app, "Située").await;
            let f = [
                ("observed_on", "2021-03-01"),
                ("labour_status", "unemployed"),
                ("education_level", "3"),
            ];
            (format!("/personnes/{id}/situations"), form(Director, &f))
        }
        ("POST", "/parcours") => {
            let person = w.person(app, "Orientée").await.to_string();
            let plie = w.plie.to_string();
            let f = [
                ("personne", person.as_str()),
                ("programme_id", &plie),
                ("prescriber_organisation", "CCAS"),
                ("referred_on", "2021-01-10"),
                ("reason", "Projet"),
            ];
            (path.to_owned(), form(Director, &f))
        }
        ("POST", p) if p.starts_with("/parcours/{id}") => pathway_write(app, w, p).await,
        ("POST", "/comites") => {
            let plie = w.plie.to_string();
            (
                path.to_owned(),
                form(
                    Director,
                    &[("programme_id", &plie), ("held_on", "2021-03-09")],
                ),
            )
        }
        ("POST", "/comites/{id}/sorties") => {
            let e = w.exited(app, "Examinée").await;
            let m = service::create_meeting(
                &app.db,
                &w.director,
                &passerelle_db::pathways::scope::Scope::whole_structure(app.structure_id),
                w.plie,
                date!(2021 - 07 - 15),
                None,
            )
            .await
            .unwrap();
            let f = [
                ("enrolment_id", e.to_string()),
                ("opinion", "valide".into()),
                ("reason", "Sortie confirmée".into()),
            ];
            (format!("/comites/{}/sorties", m.id), owned(Director, &f))
        }
        ("POST", "/comites/{id}/decisions") => {
            let (e, m) = w.before_committee(app, "Décidée").await;
            let f = [
                ("enrolment_id", e.to_string()),
                ("decision", "entree".into()),
                ("reason", "Projet validé".into()),
            ];
            (format!("/comites/{m}/decisions"), owned(Director, &f))
        }
        _ => admin_or_api_write(app, w, method, path).await,
    }
}

fn path_static(path: &str) -> &'static str {
    match path {
        "/connexion" => "/connexion",
        "/deconnexion" => "/deconnexion",
        _ => "/compte/mot-de-passe",
    }
}

fn owned(who: Who, fields: &[(&str, String)]) -> Send {
    Send::Form(
        who,
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
}

/// The writes of the pathway page.
async fn pathway_write(app: &TestApp, w: &Walk, path: &str) -> (String, Send) {
    use Who::Director;
    let entered = || async { entered_pathway(app, &w.director, "Parcourue").await.id };
    let (id, send) = match path.trim_start_matches("/parcours/{id}") {
        "/proposer" => (
            w.referred(app, "Proposée").await,
            form(Director, &[("on", "2021-01-12")]),
        ),
        "/sortie" => (
            entered().await,
            form(
                Director,
                &[
                    ("reason", "abandon"),
                    ("on", "2021-06-30"),
                    ("proof", "Courrier"),
                ],
            ),
        ),
        "/suivi" => (
            w.exited(app, "Suivie").await,
            form(Director, &[("on", "2021-12-30"), ("note", "En emploi")]),
        ),
        "/referent" => {
            let referent = w.referent.to_string();
            (
                entered().await,
                owned(
                    Director,
                    &[("user_id", referent), ("on", "2021-02-05".into())],
                ),
            )
        }
        "/rendez-vous" => (
            entered().await,
            form(
                Director,
                &[("on", "2021-03-01"), ("kind", "phone"), ("attended", "oui")],
            ),
        ),
        "/diagnostic" => (
            entered().await,
            form(
                Director,
                &[
                    ("criterion", "rsa"),
                    ("on", "2021-01-05"),
                    ("proof", "Attestation CAF"),
                ],
            ),
        ),
        "/objectifs" => (
            entered().await,
            form(
                Director,
                &[
                    ("theme", "Emploi"),
                    ("objective", "Logistique"),
                    ("action", "CACES"),
                ],
            ),
        ),
        "/objectifs/{objective}/etat" => {
            let e = entered().await;
            let o = service::add_objective(
                &app.db,
                &w.director,
                e,
                service::NewObjective {
                    theme: "Emploi",
                    objective: "Logistique",
                    action: "CACES",
                },
                date!(2021 - 02 - 10),
            )
            .await
            .unwrap();
            return (
                format!("/parcours/{e}/objectifs/{o}/etat"),
                form(Director, &[("status", "done")]),
            );
        }
        "/etapes" => (
            entered().await,
            form(
                Director,
                &[
                    ("family", "workshop"),
                    ("title", "Atelier CV"),
                    ("start", "2021-03-01"),
                    ("end", "2021-03-02"),
                ],
            ),
        ),
        "/contrats" => (
            entered().await,
            form(
                Director,
                &[
                    ("kind", "cdd"),
                    ("employer", "Entrepôt"),
                    ("start", "2021-03-15"),
                    ("end", "2021-05-15"),
                    ("weekly_hours", "35"),
                ],
            ),
        ),
        "/contrats/{contract}" => {
            let e = enrolments::get(
                &app.db,
                &passerelle_db::pathways::scope::Scope::whole_structure(app.structure_id),
                entered().await,
            )
            .await
            .unwrap();
            let c = Contract {
                kind: ContractKind::Cdd,
                employer: "Entrepôt".into(),
                start: date!(2021 - 03 - 15),
                end: Some(date!(2021 - 05 - 15)),
                weekly_hours: 35.0,
            };
            let contract = service::add_contract(&app.db, &w.director, e.person_id, &c, false)
                .await
                .unwrap();
            let f = [
                ("kind", "cdd"),
                ("employer", "Entrepôt du Nord"),
                ("start", "2021-03-15"),
                ("end", "2021-05-15"),
                ("weekly_hours", "35"),
                ("version", "1"),
            ];
            return (
                format!("/parcours/{}/contrats/{contract}", e.id),
                form(Director, &f),
            );
        }
        other => panic!("the write walk does not know POST /parcours/{{id}}{other}: add it"),
    };
    (path.replace("{id}", &id.to_string()), send)
}

/// The admin's and the director's other pages, and the API.
async fn admin_or_api_write(app: &TestApp, w: &Walk, method: &str, path: &str) -> (String, Send) {
    use Who::*;
    let account = || async { user_id(app, &app.staff(Role::ReadOnly).await).await };
    match (method, path) {
        ("POST", "/admin/utilisateurs") => {
            let email = format!("nouveau-{}@test.fr", Uuid::now_v7().simple());
            let f = [
                ("email", email.as_str()),
                ("display_name", "Nouveau Compte"),
                ("role", "reception"),
                ("team", "reception"),
                ("password", "une phrase de passe longue"),
                ("confirm", "une phrase de passe longue"),
            ];
            (path.to_owned(), form(Admin, &f))
        }
        ("POST", "/admin/utilisateurs/{id}") => {
            let u = account().await;
            (
                format!("/admin/utilisateurs/{u}"),
                form(
                    Admin,
                    &[("role", "referent"), ("team", "plie"), ("active", "on")],
                ),
            )
        }
        ("POST", "/admin/utilisateurs/{id}/revoquer-sessions") => {
            // An account signed in somewhere.
            let email = app.staff(Role::Referent).await;
            let signed = app.browser().sign_in(&email, PASSWORD).await;
            assert_eq!(signed.status, StatusCode::SEE_OTHER);
            let u = user_id(app, &email).await;
            (
                format!("/admin/utilisateurs/{u}/revoquer-sessions"),
                form(Admin, &[]),
            )
        }
        ("POST", "/admin/utilisateurs/{id}/mot-de-passe") => {
            let f = [
                ("password", "une autre phrase longue"),
                ("confirm", "une autre phrase longue"),
            ];
            (
                format!("/admin/utilisateurs/{}/mot-de-passe", account().await),
                form(Admin, &f),
            )
        }
        ("POST", "/admin/jetons") => (
            path.to_owned(),
            form(Admin, &[("name", "outil de la walk")]),
        ),
        ("POST", "/admin/jetons/{id}/revoquer") => {
            let owner = account().await;
            app.api_token_of(
                &passerelle_db::access::users::get(&app.db, owner)
                    .await
                    .unwrap()
                    .email,
            )
            .await;
            let t = passerelle_db::access::api_tokens::list(&app.db, app.structure_id)
                .await
                .unwrap()
                .into_iter()
                .find(|t| t.user_id == owner)
                .unwrap();
            (format!("/admin/jetons/{}/revoquer", t.id), form(Admin, &[]))
        }
        ("POST", "/admin/territoire/qpv") => {
            let f = [
                ("list_version", "walk"),
                ("valid_from", "2024-01-01"),
                ("valid_to", ""),
                (
                    "csv",
                    "code,name,insee_codes\nQP-WALK,Quartier de la walk,59512\n",
                ),
            ];
            (path.to_owned(), form(Admin, &f))
        }
        ("POST", "/admin/territoire/communes") => (
            path.to_owned(),
            form(
                Admin,
                &[(
                    "csv",
                    "insee_code,name,postal_codes,population\n59512,Roubaix,59100,98828\n",
                )],
            ),
        ),
        ("POST", "/admin/dispositifs/{id}") => {
            let p = programmes::get(&app.db, app.structure_id, w.plie)
                .await
                .unwrap();
            let mut f = vec![
                ("name", p.def.name.clone()),
                ("team", "plie".to_owned()),
                ("towns", p.def.eligibility.towns_text()),
                ("min_age", "18".into()),
                ("max_duration_months", "36".into()),
                ("alert_months", "4".into()),
                ("transition_window_months", "1".into()),
                ("active", "on".into()),
            ];
            f.extend(
                p.def
                    .exit_reasons
                    .iter()
                    .map(|r| ("exit_reason", r.code().to_owned())),
            );
            (format!("/admin/dispositifs/{}", w.plie), owned(Admin, &f))
        }
        ("POST", "/rapports/indicateurs") => (
            path.to_owned(),
            form(Director, &[("name", "walk.toml"), ("source", OWN)]),
        ),
        ("POST", "/rapports/indicateurs/{id}")
        | ("POST", "/rapports/indicateurs/{id}/supprimer") => {
            let name = format!("w{}.toml", Uuid::now_v7().simple());
            let id = passerelle_services::reports::save_indicator_file(
                &app.db,
                &passerelle_services::By::Staff(w.director),
                passerelle_domain::reports::files::SaveMode::Create,
                &name,
                OWN,
                passerelle_report::definitions::CHECKS,
            )
            .await
            .unwrap()
            .id;
            let path = path.replace("{id}", &id.to_string());
            let f = [("name", name.as_str()), ("source", OWN), ("version", "1")];
            (path, form(Director, &f))
        }
        ("POST", "/rapports/{year}/publier") => {
            ("/rapports/2021/publier".to_owned(), form(Director, &[]))
        }
        _ => api_write(app, w, method, path).await,
    }
}

const OWN: &str = "[[indicator]]\nid = \"walk.entries\"\nversion = 1\ntitle = \"Entrées\"\ndefinition = \"Entrées PLIE.\"\npopulation = \"enrolments\"\nperiod = \"entered\"\nmeasure = \"count\"\nfilters = { programme = \"plie\" }\n";

async fn api_write(app: &TestApp, w: &Walk, method: &str, path: &str) -> (String, Send) {
    let plie = w.plie.to_string();
    match (method, path) {
        ("POST", "/api/v1/persons") => (
            path.to_owned(),
            Send::Json(
                json!({"last_name": "Api", "first_names": "Walk", "birth_date": "1980-01-01", "sex": "F", "commune_code": "59512"}),
            ),
        ),
        ("PUT", "/api/v1/persons/{id}") => {
            let id = w.person(app, "Remplacée").await;
            let body = json!({"last_name": "Remplacée", "first_names": "Api", "birth_date": "1980-02-02", "sex": "F", "commune_code": "59512", "version": 1});
            (format!("/api/v1/persons/{id}"), Send::Json(body))
        }
        ("POST", "/api/v1/enrolments") => {
            let person = w.person(app, "Orientée Api").await;
            (
                path.to_owned(),
                Send::Json(
                    json!({"person_id": person, "programme_id": plie, "prescriber_organisation": "CCAS", "referred_on": "2021-01-10", "reason": "Projet"}),
                ),
            )
        }
        ("POST", "/api/v1/enrolments/{id}/transitions") => {
            let e = w.referred(app, "Transition Api").await;
            (
                format!("/api/v1/enrolments/{e}/transitions"),
                Send::Json(json!({"event": "propose_to_committee", "on": "2021-01-12"})),
            )
        }
        ("POST", "/api/v1/enrolments/{id}/steps") => {
            let e = entered_pathway(app, &w.director, "Étape Api").await.id;
            (
                format!("/api/v1/enrolments/{e}/steps"),
                Send::Json(
                    json!({"family": "workshop", "title": "Atelier", "start_on": "2021-03-01"}),
                ),
            )
        }
        ("POST", "/api/v1/enrolments/{id}/contracts") => {
            let e = entered_pathway(app, &w.director, "Contrat Api").await.id;
            (
                format!("/api/v1/enrolments/{e}/contracts"),
                Send::Json(
                    json!({"kind": "cdi", "employer": "Entrepôt", "start_on": "2021-04-01", "weekly_hours": 35.0}),
                ),
            )
        }
        ("POST", "/api/v1/committees") => (
            path.to_owned(),
            Send::Json(json!({"programme_id": plie, "held_on": "2021-03-09"})),
        ),
        ("POST", "/api/v1/committees/{id}/decisions") => {
            let (e, m) = w.before_committee(app, "Décision Api").await;
            (
                format!("/api/v1/committees/{m}/decisions"),
                Send::Json(json!({"enrolment_id": e, "admitted": true, "reason": "Projet validé"})),
            )
        }
        _ => panic!("the write walk does not know {method} {path}: add it with a valid request"),
    }
}
