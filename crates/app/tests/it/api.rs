//! The JSON API with per-user tokens (each acting as the account that owns it, revoked with
//! its password): same permissions, validation and audit as the pages.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use passerelle_db::audit::{self, AuditFilter};
use passerelle_domain::Role;
use passerelle_domain::audit::AuditAction;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::{Browser, PASSWORD, TestApp, create_person, on_each_backend, person_form};
use passerelle_services::pathways as service;

async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// A token of a new account of `role`, created for that account on the server (as
/// `passerelle token create` does): an admin cannot lend another account's rights. The admin's
/// browser is not used any more; the argument stays so that every caller reads the same.
async fn token_for(app: &TestApp, _admin: &mut Browser, role: Role) -> String {
    app.api_token(role).await
}

#[tokio::test]
async fn the_api_creates_validates_lists_reads_and_updates_persons() {
    on_each_backend(|app: TestApp| async move {
        let mut admin = app.signed_in(Role::Admin).await;
        admin.get("/admin/jetons").await;
        let token = token_for(&app, &mut admin, Role::Referent).await;

        let (s, _) = call(&app, "GET", "/api/v1/persons", None, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let (s, _) = call(&app, "GET", "/api/v1/persons", Some("pas_faux"), None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);

        let (s, err) = call(&app, "POST", "/api/v1/persons", Some(&token), Some(json!({"last_name": "", "birth_date": "2099-01-01", "sex": "F", "commune_code": "59512"}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(err["fields"]["last_name"], "Le nom est obligatoire.");
        assert!(err["fields"]["birth_date"].as_str().unwrap().contains("futur"));

        let body = json!({"last_name": "Lefèvre", "first_names": "Zoé", "birth_date": "1992-06-01", "sex": "F", "commune_code": "59339"});
        let (s, created) = call(&app, "POST", "/api/v1/persons", Some(&token), Some(body.clone())).await;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(created["version"], 1);

        let (s, dup) = call(&app, "POST", "/api/v1/persons", Some(&token), Some(body)).await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert_eq!(dup["duplicates"][0]["id"], id.as_str());

        let (s, list) = call(&app, "GET", "/api/v1/persons?q=LEFEVRE&per_page=10", Some(&token), None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(list["total"], 1);
        assert_eq!(list["items"][0]["first_names"], "Zoé");

        let (s, one) = call(&app, "GET", &format!("/api/v1/persons/{id}"), Some(&token), None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(one["commune_code"], "59339");

        let update = json!({"last_name": "Lefèvre", "first_names": "Zoé", "birth_date": "1992-06-01", "sex": "F", "commune_code": "59339", "phone": "0611111111", "version": 1});
        let (s, updated) = call(&app, "PUT", &format!("/api/v1/persons/{id}"), Some(&token), Some(update.clone())).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(updated["version"], 2);
        let (s, stale) = call(&app, "PUT", &format!("/api/v1/persons/{id}"), Some(&token), Some(update)).await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert_eq!(stale["current"]["version"], 2);

        let (s, _) = call(&app, "POST", "/api/v1/persons", Some(&token), Some(json!("pas un objet"))).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);

        let entries = audit::list(&app.db, app.structure_id, &AuditFilter { entity_id: id.parse().ok(), limit: 20, ..Default::default() }).await.unwrap();
        for a in [AuditAction::Create, AuditAction::View, AuditAction::Update] {
            assert!(entries.iter().any(|e| e.action == a), "{a:?} not audited");
        }
    })
    .await;
}

#[tokio::test]
async fn api_permissions_follow_the_matrix_and_revoked_tokens_stop_working() {
    on_each_backend(|app: TestApp| async move {
        let mut admin = app.signed_in(Role::Admin).await;
        admin.get("/admin/jetons").await;
        let person = json!({"last_name": "Api", "first_names": "Role", "birth_date": "1990-01-01", "sex": "M", "commune_code": "59512"});
        for role in Role::ALL {
            let token = token_for(&app, &mut admin, role).await;
            let (read, _) = call(&app, "GET", "/api/v1/persons", Some(&token), None).await;
            let expect_read = if role.allows(passerelle_domain::Permission::PersonRead) { StatusCode::OK } else { StatusCode::FORBIDDEN };
            assert_eq!(read, expect_read, "{role:?} read");
            let (write, _) = call(&app, "POST", "/api/v1/persons?allow_duplicate=true", Some(&token), Some(person.clone())).await;
            let expect_write = if role.allows(passerelle_domain::Permission::PersonWrite) { StatusCode::CREATED } else { StatusCode::FORBIDDEN };
            assert_eq!(write, expect_write, "{role:?} write");
        }
        let token = token_for(&app, &mut admin, Role::Referent).await;
        let tokens = passerelle_db::access::api_tokens::list(&app.db, app.structure_id).await.unwrap();
        let t = tokens.iter().find(|t| t.revoked_at.is_none() && t.last_used_at.is_none()).unwrap();
        assert_eq!(admin.post(&format!("/admin/jetons/{}/revoquer", t.id), &[]).await.status, StatusCode::SEE_OTHER);
        let (s, _) = call(&app, "GET", "/api/v1/persons", Some(&token), None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn the_openapi_document_is_served() {
    on_each_backend(|app: TestApp| async move {
        let (s, doc) = call(&app, "GET", "/api/v1/openapi.json", None, None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(doc["paths"]["/persons/{id}"]["put"].is_object());
    })
    .await;
}

/// Pathways through the API: a manager's tool refers, holds a committee and enters a person;
/// the referent's tool sees its own pathway only; read-only tokens cannot write.
#[tokio::test]
async fn pathways_through_the_api_follow_scope_and_permissions() {
    on_each_backend(|app: TestApp| async move {
        let mut admin = app.signed_in(Role::Admin).await;
        admin.get("/admin/jetons").await;
        let manager = token_for(&app, &mut admin, Role::Manager).await;
        let referent = token_for(&app, &mut admin, Role::Referent).await;
        let other_referent = token_for(&app, &mut admin, Role::Referent).await;
        let reader = token_for(&app, &mut admin, Role::ReadOnly).await;

        let (s, programmes) = call(&app, "GET", "/api/v1/programmes", Some(&referent), None).await;
        assert_eq!(s, StatusCode::OK);
        let plie = programmes.as_array().unwrap().iter().find(|p| p["code"] == "plie").unwrap()["id"].as_str().unwrap().to_owned();
        let person = json!({"last_name": "Api", "first_names": "Parcours", "birth_date": "1980-01-01", "sex": "F", "commune_code": "59512"});
        let (_, p) = call(&app, "POST", "/api/v1/persons", Some(&referent), Some(person)).await;
        let person_id = p["id"].as_str().unwrap().to_owned();

        let referral = json!({"person_id": person_id, "programme_id": plie, "prescriber_organisation": "Mission locale", "referred_on": "2021-03-01", "reason": "Projet"});
        let (s, _) = call(&app, "POST", "/api/v1/enrolments", Some(&reader), Some(referral.clone())).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, e) = call(&app, "POST", "/api/v1/enrolments", Some(&referent), Some(referral.clone())).await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        let id = e["id"].as_str().unwrap().to_owned();
        let (s, again) = call(&app, "POST", "/api/v1/enrolments", Some(&referent), Some(referral)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again["error"].as_str().unwrap().contains("déjà un parcours"));

        let (s, e) = call(&app, "POST", &format!("/api/v1/enrolments/{id}/transitions"), Some(&referent), Some(json!({"event": "propose_to_committee", "on": "2021-03-02"}))).await;
        assert_eq!((s, e["state"].as_str()), (StatusCode::OK, Some("proposed_to_committee")));
        let (s, _) = call(&app, "POST", "/api/v1/committees", Some(&referent), Some(json!({"programme_id": plie, "held_on": "2021-03-09"}))).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "referents do not hold committees");
        let (s, m) = call(&app, "POST", "/api/v1/committees", Some(&manager), Some(json!({"programme_id": plie, "held_on": "2021-03-09"}))).await;
        assert_eq!(s, StatusCode::CREATED);
        let decision = json!({"enrolment_id": id, "admitted": true, "reason": "Projet validé"});
        let (s, e) = call(&app, "POST", &format!("/api/v1/committees/{}/decisions", m["id"].as_str().unwrap()), Some(&manager), Some(decision)).await;
        assert_eq!(s, StatusCode::OK, "{e}");
        assert_eq!(e["entered_on"], "2021-03-09");

        // Once the referent of the other tool is named, the first referent's tool loses sight.
        let other_user = passerelle_db::access::api_tokens::list(&app.db, app.structure_id).await.unwrap().into_iter().find(|t| t.last_used_at.is_none() && t.name == "outil de test").map(|t| t.user_id);
        let other_user = other_user.unwrap();
        let actor = passerelle_domain::audit::Actor { structure_id: app.structure_id, user_id: other_user };
        service::assign_referent(&app.db, &actor, id.parse().unwrap(), other_user, time::macros::date!(2021 - 03 - 09)).await.unwrap();
        let (s, _) = call(&app, "GET", &format!("/api/v1/enrolments/{id}"), Some(&other_referent), None).await;
        let (s2, _) = call(&app, "GET", &format!("/api/v1/enrolments/{id}"), Some(&referent), None).await;
        assert_eq!((s, s2), (StatusCode::OK, StatusCode::NOT_FOUND), "only the named referent sees it");
        let (s, listed) = call(&app, "GET", &format!("/api/v1/persons/{person_id}/enrolments"), Some(&referent), None).await;
        assert_eq!((s, listed.as_array().map(Vec::len)), (StatusCode::OK, Some(0)));

        let contract = json!({"kind": "cdi", "employer": "Entrepôt", "start_on": "2021-04-01", "weekly_hours": 35.0});
        let (s, _) = call(&app, "POST", &format!("/api/v1/enrolments/{id}/contracts"), Some(&other_referent), Some(contract)).await;
        assert_eq!(s, StatusCode::CREATED);
        let bad_step = json!({"family": "qualifying_training", "title": "Trop tôt", "start_on": "2021-01-01"});
        let (s, err) = call(&app, "POST", &format!("/api/v1/enrolments/{id}/steps"), Some(&other_referent), Some(bad_step)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(err["error"].as_str().unwrap().contains("avant l'entrée"));
        let (_, full) = call(&app, "GET", &format!("/api/v1/enrolments/{id}"), Some(&other_referent), None).await;
        assert_eq!(full["proposed_exit"]["category"], "durable_job");
        let exit = json!({"event": "exit", "on": "2021-11-02", "exit_reason": "durable_job", "proof": "Contrat CDI"});
        let (s, e) = call(&app, "POST", &format!("/api/v1/enrolments/{id}/transitions"), Some(&other_referent), Some(exit)).await;
        assert_eq!((s, e["exit_category"].as_str()), (StatusCode::OK, Some("durable_job")));
        let (_, full) = call(&app, "GET", &format!("/api/v1/enrolments/{id}"), Some(&manager), None).await;
        assert_eq!(full["log"].as_array().map(Vec::len), Some(3));

        // The report counts this pathway at once, for a read-only tool; figures, never names.
        let (s, report) = call(&app, "GET", "/api/v1/reports/2021", Some(&reader), None).await;
        assert_eq!(s, StatusCode::OK, "{report}");
        let value = |id: &str| report["figures"].as_array().unwrap().iter().find(|f| f["id"] == id).unwrap()["value"].clone();
        assert_eq!((value("plie.entries"), value("plie.contracts"), value("plie.exits_durable")), (json!(1), json!(1), json!(1)));
        assert!(!report.to_string().contains("Api Parcours") && !report.to_string().contains("\"Api\""));
        let (s, public) = call(&app, "GET", "/api/v1/reports/2021?public=true", Some(&reader), None).await;
        assert_eq!(s, StatusCode::OK);
        let hidden = public["figures"].as_array().unwrap().iter().find(|f| f["id"] == "plie.entries").unwrap()["value"].clone();
        assert_eq!(hidden, Value::Null, "a single entry is not published");
        let (s, _) = call(&app, "GET", "/api/v1/reports/2021", Some(&referent), None).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn an_admins_token_acts_as_the_admin_and_cannot_read_a_person() {
    on_each_backend(|app: TestApp| async move {
        let mut referent = app.signed_in(Role::Referent).await;
        referent.refresh_csrf().await;
        let person = create_person(
            &mut referent,
            &person_form("Jeton", "Josiane", "1970-01-01"),
        )
        .await;
        let director = app.staff(Role::Director).await;
        let (director, _) = passerelle_db::access::users::by_email(&app.db, &director)
            .await
            .unwrap()
            .unwrap();

        let mut admin = app.signed_in(Role::Admin).await;
        let form = admin.get("/admin/jetons").await;
        assert!(
            !form.body.contains("name=\"user_id\""),
            "no account to choose"
        );
        // Naming the director in the request changes nothing: the token is the admin's.
        let page = admin
            .post(
                "/admin/jetons",
                &[("name", "outil"), ("user_id", &director.id.to_string())],
            )
            .await;
        assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
        let at = page.body.find("pas_").unwrap();
        let token = page.body[at..at + 68].to_owned();
        let tokens = passerelle_db::access::api_tokens::list(&app.db, app.structure_id)
            .await
            .unwrap();
        let admin_id = tokens[0].user_id;
        assert_ne!(admin_id, director.id);

        let (s, _) = call(
            &app,
            "GET",
            &format!("/api/v1/persons/{person}"),
            Some(&token),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = call(&app, "GET", "/api/v1/persons", Some(&token), None).await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        let entries = audit::list(
            &app.db,
            app.structure_id,
            &AuditFilter {
                limit: 200,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let created = entries
            .iter()
            .find(|e| e.entity == "api_token")
            .expect("token creation audited");
        assert_eq!(created.user_id, Some(admin_id), "logged as the admin");
        assert!(
            created
                .changes
                .iter()
                .any(|c| c.field == "user_id" && c.after == Some(admin_id.to_string()))
        );
        assert!(
            !entries.iter().any(|e| e.user_id == Some(director.id)
                || (e.entity_id == person && e.user_id == Some(admin_id))),
            "nothing is read or logged in the director's name, nor the person read by the admin"
        );
    })
    .await;
}

#[tokio::test]
async fn a_token_stops_working_when_its_owners_password_changes() {
    on_each_backend(|app: TestApp| async move {
        let email = app.staff(Role::Referent).await;
        let token = app.api_token_of(&email).await;
        let (s, _) = call(&app, "GET", "/api/v1/persons", Some(&token), None).await;
        assert_eq!(s, StatusCode::OK);
        let mut b = app.browser();
        b.sign_in(&email, PASSWORD).await;
        b.refresh_csrf().await;
        let new = "une phrase assez longue";
        let changed = b
            .post(
                "/compte/mot-de-passe",
                &[("current", PASSWORD), ("password", new), ("confirm", new)],
            )
            .await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER);
        let (s, _) = call(&app, "GET", "/api/v1/persons", Some(&token), None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "revoked with the old password");

        // The same when an admin resets the password.
        let token = app.api_token_of(&email).await;
        let (u, _) = passerelle_db::access::users::by_email(&app.db, &email)
            .await
            .unwrap()
            .unwrap();
        let mut admin = app.signed_in(Role::Admin).await;
        admin.get("/admin/utilisateurs").await;
        let reset = admin
            .post(
                &format!("/admin/utilisateurs/{}/mot-de-passe", u.id),
                &[
                    ("password", "encore une autre phrase"),
                    ("confirm", "encore une autre phrase"),
                ],
            )
            .await;
        assert_eq!(reset.status, StatusCode::SEE_OTHER);
        let (s, _) = call(&app, "GET", "/api/v1/persons", Some(&token), None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    })
    .await;
}
