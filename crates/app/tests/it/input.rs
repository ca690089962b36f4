//! One input policy (issue 9, finding 6): control characters refused everywhere, dates in a
//! plausible range, the same text limits on pages and API, unknown filter values and ids
//! refused, and every error — the framework's own included — in French, as JSON on the API
//! and as a page in the browser.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use passerelle_domain::Role;
use serde_json::{Value, json};

use crate::openapi_conformance::{send, token};
use crate::support::{TestApp, create_person, on_each_backend, person_form};

async fn api(app: &TestApp, t: &str, method: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let bytes = body.to_string().into_bytes();
    send(app, method, path, Some(t), Some("application/json"), bytes).await
}

/// A French JSON error of the API: `{error, fields}`, never English plain text.
fn french_json(v: &Value) -> bool {
    v["error"].as_str().is_some_and(|e| !e.is_empty()) && v["fields"].is_object()
}

/// A pathway entered on 09/03/2021, through the API; its id.
async fn entered_pathway(app: &TestApp, t: &str) -> String {
    let (_, programmes) = send(app, "GET", "/api/v1/programmes", Some(t), None, Vec::new()).await;
    let plie = programmes
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "plie")
        .unwrap()["id"]
        .clone();
    let person = json!({"last_name": "Saisie", "first_names": "Ines", "birth_date": "1985-02-03", "sex": "F", "commune_code": "59512"});
    let (_, p) = api(app, t, "POST", "/api/v1/persons", person).await;
    let referral = json!({"person_id": p["id"], "programme_id": plie, "prescriber_organisation": "CCAS", "referred_on": "2021-03-01", "reason": "Projet"});
    let (s, e) = api(app, t, "POST", "/api/v1/enrolments", referral).await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let id = e["id"].as_str().unwrap().to_owned();
    api(
        app,
        t,
        "POST",
        &format!("/api/v1/enrolments/{id}/transitions"),
        json!({"event": "propose_to_committee", "on": "2021-03-02"}),
    )
    .await;
    let (_, m) = api(
        app,
        t,
        "POST",
        "/api/v1/committees",
        json!({"programme_id": plie, "held_on": "2021-03-09"}),
    )
    .await;
    let d = format!("/api/v1/committees/{}/decisions", m["id"].as_str().unwrap());
    let (s, _) = api(
        app,
        t,
        "POST",
        &d,
        json!({"enrolment_id": id, "admitted": true, "reason": "Projet validé"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    id
}

#[tokio::test]
async fn a_nul_character_is_refused_in_french_everywhere_even_at_sign_in() {
    on_each_backend(|app: TestApp| async move {
        let mut anonymous = app.browser();
        let page = anonymous.sign_in("agent\u{0}@mie.fr", "un mot de passe").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
        assert!(page.body.contains("caractère de contrôle"));

        let mut b = app.signed_in(Role::Director).await;
        let mut p = person_form("Nul", "Zoé", "1990-01-01");
        p.address = "1 rue\u{0} du Nord".into();
        let fields = crate::support::person_fields(&p);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = b.post("/personnes", &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = b.get("/personnes?q=du%00pont").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);

        let t = token(&app, Role::Director).await;
        let person = json!({"last_name": "Nul\u{0}", "first_names": "Zoé", "birth_date": "1990-01-01", "sex": "F", "commune_code": "59512"});
        let (s, v) = api(&app, &t, "POST", "/api/v1/persons", person).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(french_json(&v) && v["fields"]["last_name"].is_string(), "{v}");
        let (s, v) = send(&app, "GET", "/api/v1/persons?q=a%00b", Some(&t), None, Vec::new()).await;
        assert_eq!((s, v["fields"]["q"].is_string()), (StatusCode::UNPROCESSABLE_ENTITY, true));
        let (s, v) = send(&app, "GET", "/api/v1/persons/%00", Some(&t), None, Vec::new()).await;
        assert!(s.is_client_error() && french_json(&v), "{s} {v}");
    })
    .await;
}

#[tokio::test]
async fn dates_of_year_0_minus_1_or_9999_are_refused_and_nothing_is_stored() {
    on_each_backend(|app: TestApp| async move {
        let t = token(&app, Role::Director).await;
        let id = entered_pathway(&app, &t).await;
        for bad in ["0000-01-01", "-0001-06-01", "9999-12-31", "1899-12-31"] {
            let exit = json!({"event": "exit", "on": bad, "exit_reason": "durable_job", "proof": "CDI"});
            let (s, v) = api(&app, &t, "POST", &format!("/api/v1/enrolments/{id}/transitions"), exit).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {v}");
            assert!(v["fields"]["on"].is_string(), "{v}");
            let step = json!({"family": "qualifying_training", "title": "CACES", "start_on": "2021-04-01", "end_on": bad});
            let (s, _) = api(&app, &t, "POST", &format!("/api/v1/enrolments/{id}/steps"), step).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        }
        let tomorrow = (passerelle_domain::clock::today() + time::Duration::days(1)).to_string();
        let exit = json!({"event": "exit", "on": tomorrow, "exit_reason": "durable_job", "proof": "CDI"});
        let (s, _) = api(&app, &t, "POST", &format!("/api/v1/enrolments/{id}/transitions"), exit).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "no exit after today");
        let (_, e) = send(&app, "GET", &format!("/api/v1/enrolments/{id}"), Some(&t), None, Vec::new()).await;
        assert_eq!((e["state"].as_str(), e["steps"].as_array().map(Vec::len)), (Some("entered"), Some(0)));

        // The page refuses them too, with the page shown again.
        let mut b = app.signed_in(Role::Director).await;
        b.get(&format!("/parcours/{id}")).await;
        let page = b.post(&format!("/parcours/{id}/etapes"), &[("family", "qualifying_training"), ("title", "CACES"), ("start", "9999-12-31"), ("end", "")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("Date trop lointaine"), "{}", page.body);
    })
    .await;
}

#[tokio::test]
async fn the_audit_and_report_filters_refuse_a_negative_year_and_unknown_values() {
    on_each_backend(|app: TestApp| async move {
        let mut b = app.signed_in(Role::Director).await;
        for q in [
            "from=-0001-01-01",
            "to=0000-01-01",
            "action=effacer",
            "user=personne",
        ] {
            let page = b.get(&format!("/admin/journal?{q}")).await;
            assert_eq!(
                page.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{q}: {}",
                page.body
            );
        }
        assert!(
            b.get("/admin/journal?action=effacer")
                .await
                .body
                .contains("Valeurs possibles")
        );
        assert_eq!(
            b.get("/admin/journal?from=2021-01-01").await.status,
            StatusCode::OK
        );
        for year in ["1999", "-1", "99999"] {
            let page = b.get(&format!("/rapports?annee={year}")).await;
            assert!(page.status.is_client_error(), "{year}: {}", page.status);
        }
    })
    .await;
}

#[tokio::test]
async fn api_free_texts_refuse_empty_and_megabyte_values_like_the_forms() {
    on_each_backend(|app: TestApp| async move {
        let t = token(&app, Role::Director).await;
        let id = entered_pathway(&app, &t).await;
        let huge = "x".repeat(1 << 20);
        let steps = format!("/api/v1/enrolments/{id}/steps");
        for title in ["", "   ", huge.as_str()] {
            let step = json!({"family": "qualifying_training", "title": title, "start_on": "2021-04-01"});
            let (s, v) = api(&app, &t, "POST", &steps, step).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{}", v["error"]);
        }
        let contracts = format!("/api/v1/enrolments/{id}/contracts");
        let contract = json!({"kind": "cdi", "employer": huge, "start_on": "2021-06-01", "weekly_hours": 35.0});
        assert_eq!(api(&app, &t, "POST", &contracts, contract).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let (_, programmes) = send(&app, "GET", "/api/v1/programmes", Some(&t), None, Vec::new()).await;
        let plie = programmes[0]["id"].clone();
        let meeting = json!({"programme_id": plie, "held_on": "2021-05-01", "notes": huge});
        assert_eq!(api(&app, &t, "POST", "/api/v1/committees", meeting).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let (_, list) = send(&app, "GET", "/api/v1/persons", Some(&t), None, Vec::new()).await;
        let person = list["items"][0]["id"].clone();
        let referral = json!({"person_id": person, "programme_id": programmes[1]["id"], "prescriber_organisation": "", "referred_on": "2021-03-01", "reason": huge});
        let (s, v) = api(&app, &t, "POST", "/api/v1/enrolments", referral).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{}", v["error"]);
        // The page refuses the same oversized title with the same rule.
        let mut b = app.signed_in(Role::Director).await;
        b.get(&format!("/parcours/{id}")).await;
        let long = "x".repeat(201);
        let page = b.post(&format!("/parcours/{id}/etapes"), &[("family", "qualifying_training"), ("title", &long), ("start", "2021-04-01"), ("end", "")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        let step = json!({"family": "qualifying_training", "title": long, "start_on": "2021-04-01"});
        assert_eq!(api(&app, &t, "POST", &steps, step).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

#[tokio::test]
async fn unknown_filter_values_and_unknown_persons_are_refused() {
    on_each_backend(|app: TestApp| async move {
        let mut b = app.signed_in(Role::Referent).await;
        b.refresh_csrf().await;
        create_person(&mut b, &person_form("Filtre", "Anna", "1990-01-01")).await;
        for q in [
            "age=vieux",
            "commune=99999",
            "qpv=nulle-part",
            "page=0",
            "page=999999999999",
        ] {
            let page = b.get(&format!("/personnes?{q}")).await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        }
        let refused = b.get("/personnes?age=vieux").await.body;
        assert!(refused.contains("moins-26"), "the allowed values are named");
        assert!(
            refused.contains("id=\"age-erreur\"")
                && refused.contains("<form method=\"get\" action=\"/personnes\""),
            "the list shows the message next to its filter, the filters still there"
        );
        assert_eq!(
            b.get("/personnes?age=26-44&qpv=non").await.status,
            StatusCode::OK
        );

        let t = token(&app, Role::Director).await;
        for q in [
            "age_band=vieux",
            "commune=99999",
            "qpv=nulle-part",
            "per_page=500",
            "per_page=0",
        ] {
            let (s, v) = send(
                &app,
                "GET",
                &format!("/api/v1/persons?{q}"),
                Some(&t),
                None,
                Vec::new(),
            )
            .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {v}");
            assert!(
                french_json(&v) && !v["fields"].as_object().unwrap().is_empty(),
                "{v}"
            );
        }
        let unknown = uuid::Uuid::now_v7();
        let (s, v) = send(
            &app,
            "GET",
            &format!("/api/v1/persons/{unknown}/enrolments"),
            Some(&t),
            None,
            Vec::new(),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert!(french_json(&v));
    })
    .await;
}

/// A request (method, path, content type, body) and the status it must get.
type Case = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Vec<u8>,
    StatusCode,
);

#[tokio::test]
async fn framework_rejections_answer_in_french_json_on_the_api_and_french_pages_in_the_browser() {
    on_each_backend(|app: TestApp| async move {
        let t = token(&app, Role::Director).await;
        let cases: Vec<Case> = vec![
            (
                "GET",
                "/api/v1/persons/pas-un-uuid",
                None,
                Vec::new(),
                StatusCode::BAD_REQUEST,
            ),
            (
                "GET",
                "/api/v1/persons?page=abc",
                None,
                Vec::new(),
                StatusCode::BAD_REQUEST,
            ),
            (
                "GET",
                "/api/v1/reports/deux-mille",
                None,
                Vec::new(),
                StatusCode::BAD_REQUEST,
            ),
            (
                "POST",
                "/api/v1/persons",
                Some("application/json"),
                vec![b'x'; 3 << 20],
                StatusCode::PAYLOAD_TOO_LARGE,
            ),
            (
                "POST",
                "/api/v1/persons",
                Some("text/plain"),
                b"{}".to_vec(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ),
            (
                "POST",
                "/api/v1/persons",
                Some("application/json"),
                b"{pas du json".to_vec(),
                StatusCode::BAD_REQUEST,
            ),
            (
                "GET",
                "/api/v1/inconnu",
                None,
                Vec::new(),
                StatusCode::NOT_FOUND,
            ),
            (
                "DELETE",
                "/api/v1/persons",
                None,
                Vec::new(),
                StatusCode::METHOD_NOT_ALLOWED,
            ),
        ];
        for (method, path, ct, body, expected) in cases {
            let (s, v) = send(&app, method, path, Some(&t), ct, body).await;
            assert_eq!(s, expected, "{method} {path}: {v}");
            assert!(french_json(&v), "{method} {path}: {v}");
            let error = v["error"].as_str().unwrap();
            assert!(
                !error.contains("Failed") && !error.contains("Invalid"),
                "{error}"
            );
        }

        let mut b = app.signed_in(Role::Director).await;
        for (path, expected) in [
            ("/personnes/pas-un-uuid", StatusCode::BAD_REQUEST),
            ("/personnes?page=abc", StatusCode::BAD_REQUEST),
            ("/nulle-part", StatusCode::NOT_FOUND),
        ] {
            let page = b.get(path).await;
            assert_eq!(page.status, expected, "{path}");
            assert!(
                page.body.contains("<html") && page.body.contains("lang=\"fr\""),
                "{path}: {}",
                page.body
            );
        }
        let req = Request::builder()
            .method("DELETE")
            .uri("/personnes")
            .body(Body::empty())
            .unwrap();
        let page = b.send(req).await;
        assert_eq!(page.status, StatusCode::METHOD_NOT_ALLOWED);
        assert!(page.body.contains("accepte pas cette méthode"));
        let req = Request::post("/connexion")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(vec![b'a'; 3 << 20]))
            .unwrap();
        let page = b.send(req).await;
        assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(page.body.contains("trop volumineux"));
    })
    .await;
}

/// `indicators import --file /dev/zero` stops at the size limit at once instead of reading
/// forever; a regular file too large is refused from its size alone.
#[test]
fn the_command_line_refuses_a_huge_file_before_reading_it() {
    let dir = std::env::temp_dir().join(format!("passerelle-input-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("indicateurs.toml");
    std::fs::write(&big, vec![b'#'; 2 << 20]).unwrap();
    let run = |args: &[&str]| {
        let started = std::time::Instant::now();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_passerelle"))
            .arg("--data-dir")
            .arg(&dir)
            .args(args)
            .env_remove("PASSERELLE_DATABASE_URL")
            .output()
            .unwrap();
        (out, started.elapsed())
    };
    for file in ["/dev/zero", big.to_str().unwrap()] {
        let (out, took) = run(&["indicators", "import", "--file", file]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(err.contains("le fichier dépasse"), "{file}: {err}");
        assert!(
            took < std::time::Duration::from_secs(20),
            "{file}: {took:?}"
        );
    }
    let (out, _) = run(&["territory", "import-communes", "--file", "/dev/zero"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("le fichier dépasse"));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn an_error_page_quotes_the_request_id_that_the_logs_carry() {
    on_each_backend(|app: TestApp| async move {
        use tower::ServiceExt;
        let req = axum::http::Request::builder()
            .uri("/nulle-part")
            .body(axum::body::Body::empty())
            .unwrap();
        let res = app.router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let id = res
            .headers()
            .get(passerelle_web::request_id::HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .expect("every answer carries its request id");
        assert_eq!(id.len(), 12);
        let body = http_body_util::BodyExt::collect(res.into_body())
            .await
            .unwrap()
            .to_bytes();
        let body = String::from_utf8_lossy(&body);
        assert!(body.contains(&format!("référence {id}")), "{body}");
    })
    .await;
}
