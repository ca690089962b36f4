//! The API follows its own document: every API route of the router is called with real data
//! (a person, a pathway through committee, steps, contracts, an exit, the report), and each
//! real answer — successes and refusals alike — is validated against the schema the OpenAPI
//! document gives for that operation and status. An undocumented status fails the test.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use passerelle_domain::Role;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::{TestApp, on_each_backend};

/// A token acting as a new account of `role`, created in storage as an operator would.
pub async fn token(app: &TestApp, role: Role) -> String {
    let email = app.staff(role).await;
    let (u, _) = passerelle_db::access::users::by_email(&app.db, &email)
        .await
        .unwrap()
        .unwrap();
    let secret = format!("pas_test{}", uuid::Uuid::now_v7().simple());
    let hash = passerelle_web::auth::token_hash(&secret);
    passerelle_services::access::create_token(&app.db, &app.server(), u.id, "conformité", &hash)
        .await
        .unwrap();
    secret
}

/// Sends one request; the status and the JSON answer (`Null` when not JSON).
pub async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    if let Some(ct) = content_type {
        req = req.header(header::CONTENT_TYPE, ct);
    }
    let res = app
        .router
        .clone()
        .oneshot(req.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let value = if is_json {
        serde_json::from_slice(&bytes).unwrap()
    } else {
        Value::Null
    };
    (status, value)
}

struct Conformance<'a> {
    app: &'a TestApp,
    doc: Value,
    token: String,
    /// Operations called, as the document names them (`POST /enrolments/{id}/steps`).
    seen: BTreeSet<(String, String)>,
}

impl Conformance<'_> {
    /// Calls `path` (an instance of the document's `template`) and validates the answer.
    async fn call(
        &mut self,
        method: &str,
        template: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let token = self.token.clone();
        self.call_as(method, template, path, Some(&token), body)
            .await
    }

    async fn call_as(
        &mut self,
        method: &str,
        template: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let (ct, bytes) = match body {
            Some(b) => (Some("application/json"), b.to_string().into_bytes()),
            None => (None, Vec::new()),
        };
        let uri = format!("/api/v1{path}");
        let (status, value) = send(self.app, method, &uri, token, ct, bytes).await;
        self.check(method, template, status, &value);
        (status, value)
    }

    fn check(&mut self, method: &str, template: &str, status: StatusCode, value: &Value) {
        let op = &self.doc["paths"][template][method.to_lowercase()];
        assert!(op.is_object(), "{method} {template} is not documented");
        let answer = &op["responses"][status.as_str()];
        assert!(
            answer.is_object(),
            "{method} {template} answered {status}, which the document does not list: {value}"
        );
        let schema = &answer["content"]["application/json"]["schema"];
        assert!(
            schema.is_object(),
            "{method} {template} {status}: no JSON schema documented"
        );
        let errors = crate::json_schema::errors(&self.doc, schema, value, "");
        assert!(
            errors.is_empty(),
            "{method} {template} {status} does not match its schema:\n{}\n{value}",
            errors.join("\n")
        );
        self.seen.insert((method.to_owned(), template.to_owned()));
    }
}

#[tokio::test]
async fn every_api_route_answers_as_its_openapi_document_says() {
    on_each_backend(|app: TestApp| async move {
        let (s, doc) = send(&app, "GET", "/api/v1/openapi.json", None, None, Vec::new()).await;
        assert_eq!(s, StatusCode::OK);
        let director = token(&app, Role::Director).await;
        let reader = token(&app, Role::ReadOnly).await;
        let mut c = Conformance { app: &app, doc, token: director, seen: BTreeSet::new() };

        let (_, programmes) = c.call("GET", "/programmes", "/programmes", None).await;
        let plie = programmes.as_array().unwrap().iter().find(|p| p["code"] == "plie").unwrap()["id"].as_str().unwrap().to_owned();

        // Persons: created (with a look-alike refused), listed, read, updated, a stale update.
        let person = json!({"last_name": "Conforme", "first_names": "Zoé", "birth_date": "1990-05-04", "sex": "F", "commune_code": "59512"});
        let (s, p) = c.call("POST", "/persons", "/persons", Some(person.clone())).await;
        assert_eq!(s, StatusCode::CREATED);
        assert_eq!(p["birth_date"], "1990-05-04", "dates are ISO strings");
        let pid = p["id"].as_str().unwrap().to_owned();
        let (s, _) = c.call("POST", "/persons", "/persons", Some(person.clone())).await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, _) = c.call("POST", "/persons", "/persons", Some(json!({"last_name": ""}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, _) = c.call("GET", "/persons", "/persons?q=conforme&age_band=26-44&qpv=non", None).await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = c.call("GET", "/persons", "/persons?age_band=vieux", None).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, _) = c.call("GET", "/persons", "/persons?per_page=abc", None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, _) = c.call_as("GET", "/persons", "/persons", None, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let (s, _) = c.call("GET", "/persons/{id}", &format!("/persons/{pid}"), None).await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = c.call("GET", "/persons/{id}", "/persons/pas-un-uuid", None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, _) = c.call("GET", "/persons/{id}", &format!("/persons/{}", uuid::Uuid::now_v7()), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let mut update = person.clone();
        update["version"] = json!(1);
        update["phone"] = json!("06 12 34 56 78");
        let (s, _) = c.call("PUT", "/persons/{id}", &format!("/persons/{pid}"), Some(update.clone())).await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = c.call("PUT", "/persons/{id}", &format!("/persons/{pid}"), Some(update)).await;
        assert_eq!(s, StatusCode::CONFLICT);

        // A pathway: referral, committee, entry, step, contract, exit.
        let referral = json!({"person_id": pid, "programme_id": plie, "prescriber_organisation": "Mission locale", "referred_on": "2021-03-01", "reason": "Projet"});
        let (s, _) = c.call_as("POST", "/enrolments", "/enrolments", Some(&reader), Some(referral.clone())).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, e) = c.call("POST", "/enrolments", "/enrolments", Some(referral)).await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        let id = e["id"].as_str().unwrap().to_owned();
        let (s, _) = c.call("GET", "/persons/{id}/enrolments", &format!("/persons/{pid}/enrolments"), None).await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = c.call("GET", "/persons/{id}/enrolments", &format!("/persons/{}/enrolments", uuid::Uuid::now_v7()), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let t = format!("/enrolments/{id}/transitions");
        let (s, _) = c.call("POST", "/enrolments/{id}/transitions", &t, Some(json!({"event": "propose_to_committee", "on": "2021-03-02"}))).await;
        assert_eq!(s, StatusCode::OK);
        let (s, m) = c.call("POST", "/committees", "/committees", Some(json!({"programme_id": plie, "held_on": "2021-03-09"}))).await;
        assert_eq!(s, StatusCode::CREATED);
        let d = format!("/committees/{}/decisions", m["id"].as_str().unwrap());
        let (s, _) = c.call("POST", "/committees/{id}/decisions", &d, Some(json!({"enrolment_id": id, "admitted": true, "reason": ""}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, e) = c.call("POST", "/committees/{id}/decisions", &d, Some(json!({"enrolment_id": id, "admitted": true, "reason": "Projet validé"}))).await;
        assert_eq!(s, StatusCode::OK, "{e}");
        let (s, _) = c.call("POST", "/enrolments/{id}/steps", &format!("/enrolments/{id}/steps"), Some(json!({"family": "qualifying_training", "title": "CACES", "start_on": "2021-04-01", "end_on": "2021-05-01", "validated": true}))).await;
        assert_eq!(s, StatusCode::CREATED);
        let (s, _) = c.call("POST", "/enrolments/{id}/contracts", &format!("/enrolments/{id}/contracts"), Some(json!({"kind": "cdi", "employer": "Entrepôt", "start_on": "2021-06-01", "weekly_hours": 35.0}))).await;
        assert_eq!(s, StatusCode::CREATED);
        let (s, detail) = c.call("GET", "/enrolments/{id}", &format!("/enrolments/{id}"), None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(detail["entered_on"], "2021-03-09");
        let (s, _) = c.call("POST", "/enrolments/{id}/transitions", &t, Some(json!({"event": "exit", "on": "9999-12-31", "exit_reason": "durable_job", "proof": "CDI"}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, _) = c.call("POST", "/enrolments/{id}/transitions", &t, Some(json!({"event": "exit", "on": "2021-11-02", "exit_reason": "durable_job", "proof": "CDI"}))).await;
        assert_eq!(s, StatusCode::OK);

        // The report, whole and public; a year out of range.
        let (s, _) = c.call("GET", "/reports/{year}", "/reports/2021", None).await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = c.call("GET", "/reports/{year}", "/reports/2021?public=true", None).await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = c.call("GET", "/reports/{year}", "/reports/1999", None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        for r in passerelle_web::route_specs() {
            let Some(rest) = r.path.strip_prefix("/api/v1") else { continue };
            if rest == "/openapi.json" {
                continue;
            }
            assert!(c.seen.contains(&(r.method.to_owned(), rest.to_owned())), "{} {} was not called", r.method, r.path);
        }
    })
    .await;
}
