//! Every write leaves an audit row: each write route of the router (pages and API), called
//! with a valid request by a role allowed to make it, adds at least one row to the audit trail.
//! The walk is built from the route table: a new write route it cannot fill makes it fail.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use passerelle_db::{pathways::programmes, with_pool};
use passerelle_domain::Principal;
use passerelle_domain::Role;
use passerelle_domain::audit::Actor;
use passerelle_domain::pathways::exit::ExitReason;
use passerelle_domain::pathways::workflow::PathwayEvent;
use passerelle_web::route_specs;
use serde_json::Value;
use time::macros::date;
use tower::ServiceExt;
use uuid::Uuid;

mod plan;

use crate::pathways::rules::{actor, entered_pathway, user_id};
use crate::support::{Browser, PASSWORD, TestApp, on_each_backend, person_form};
use passerelle_services::pathways as service;

/// How a write is sent.
enum Send {
    /// A page form, by the director or the admin.
    Form(Who, Vec<(String, String)>),
    /// The API, with the director's token.
    Json(Value),
    /// A browser of its own: sign-in, sign-out, own password.
    Own(&'static str),
}

#[derive(Clone, Copy)]
enum Who {
    Director,
    Admin,
}

fn form(who: Who, fields: &[(&str, &str)]) -> Send {
    Send::Form(
        who,
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

async fn audit_rows(app: &TestApp) -> i64 {
    with_pool!(&app.db, |p| {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log")
            .fetch_one(p)
            .await
            .unwrap()
    })
}

/// What the walk needs around it: the director's actor and the PLIE programme.
struct Walk {
    director: Actor,
    plie: Uuid,
    referent: Uuid,
}

impl Walk {
    async fn person(&self, app: &TestApp, name: &str) -> Uuid {
        let fields = person_form(name, "Walk", "1980-02-02")
            .validate(&*app.state.territory().await, date!(2026 - 01 - 01))
            .unwrap();
        app.register(&self.director, &fields).await.id
    }

    async fn referred(&self, app: &TestApp, name: &str) -> Uuid {
        let person = self.person(app, name).await;
        let r = service::NewReferral {
            person_id: person,
            programme_id: self.plie,
            prescriber_organisation: "CCAS",
            prescriber_name: None,
            referred_on: date!(2021 - 01 - 10),
            reason: "Recherche d'emploi",
        };
        service::refer(&app.db, &self.director, r).await.unwrap().id
    }

    /// A pathway proposed to the committee of 20/01/2021: (pathway, meeting).
    async fn before_committee(&self, app: &TestApp, name: &str) -> (Uuid, Uuid) {
        let e = self.referred(app, name).await;
        let on = date!(2021 - 01 - 12);
        let event = PathwayEvent::ProposeToCommittee;
        service::transition(
            &app.db,
            &Principal::acting(self.director, Role::Director),
            e,
            event,
            on,
            service::TransitionData::default(),
        )
        .await
        .unwrap();
        let held = date!(2021 - 01 - 20);
        let m = service::create_meeting(
            &app.db,
            &self.director,
            &passerelle_db::pathways::scope::Scope::whole_structure(app.structure_id),
            self.plie,
            held,
            None,
        )
        .await
        .unwrap();
        (e, m.id)
    }

    async fn exited(&self, app: &TestApp, name: &str) -> Uuid {
        let e = entered_pathway(app, &self.director, name).await;
        let data = service::TransitionData {
            exit: Some((ExitReason::Abandon, "Courrier".into())),
            ..Default::default()
        };
        service::transition(
            &app.db,
            &Principal::acting(self.director, Role::Director),
            e.id,
            PathwayEvent::Exit,
            date!(2021 - 06 - 30),
            data,
        )
        .await
        .unwrap();
        e.id
    }
}

async fn own_browser(app: &TestApp, path: &str) -> StatusCode {
    let email = app.staff(Role::Referent).await;
    let mut b = app.browser();
    if path == "/connexion" {
        return b.sign_in(&email, PASSWORD).await.status;
    }
    assert_eq!(
        b.sign_in(&email, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    b.refresh_csrf().await;
    let f: &[(&str, &str)] = if path == "/deconnexion" {
        &[]
    } else {
        &[
            ("current", PASSWORD),
            ("password", "une nouvelle phrase"),
            ("confirm", "une nouvelle phrase"),
        ]
    };
    b.post(path, f).await.status
}

pub(crate) async fn api(
    app: &TestApp,
    token: &str,
    method: &str,
    path: &str,
    body: Value,
) -> (StatusCode, String) {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn send(
    app: &TestApp,
    browsers: &mut (Browser, Browser),
    token: &str,
    method: &str,
    path: &str,
    how: Send,
) -> (StatusCode, String) {
    match how {
        Send::Own(p) => (own_browser(app, p).await, String::new()),
        Send::Json(body) => api(app, token, method, path, body).await,
        Send::Form(who, fields) => {
            let b = match who {
                Who::Director => &mut browsers.0,
                Who::Admin => &mut browsers.1,
            };
            let refs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let page = b.post(path, &refs).await;
            (page.status, page.body)
        }
    }
}

#[tokio::test]
async fn every_write_route_leaves_an_audit_row() {
    on_each_backend(|app: TestApp| async move {
        service::install_default_programmes(&app.db, app.structure_id)
            .await
            .unwrap();
        let w = Walk {
            director: actor(&app, Role::Director).await,
            plie: programmes::by_code(&app.db, app.structure_id, "plie")
                .await
                .unwrap()
                .id,
            referent: user_id(&app, &app.staff(Role::Referent).await).await,
        };
        let mut browsers = (
            app.signed_in(Role::Director).await,
            app.signed_in(Role::Admin).await,
        );
        browsers.0.refresh_csrf().await;
        browsers.1.refresh_csrf().await;
        let token = app.api_token(Role::Director).await;
        let writes: Vec<_> = route_specs()
            .into_iter()
            .filter(|s| s.method != "GET")
            .collect();
        assert!(writes.len() > 40, "the walk covers every write route");
        for spec in writes {
            let (path, how) = plan::plan(&app, &w, spec.method, spec.path).await;
            let before = audit_rows(&app).await;
            let (status, body) = send(&app, &mut browsers, &token, spec.method, &path, how).await;
            assert!(
                status.is_success() || status.is_redirection(),
                "{} {}: {status}\n{body}",
                spec.method,
                spec.path
            );
            assert!(
                audit_rows(&app).await > before,
                "{} {} wrote without an audit row",
                spec.method,
                spec.path
            );
        }
    })
    .await;
}
