//! Test harness: a fresh database per test on each backend, staff accounts per role, and a
//! small browser that keeps its cookies and the CSRF token.

use std::future::Future;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use passerelle_db::access::users::{self, User};
use passerelle_db::{Db, territory};
use passerelle_domain::access::accounts::AccountRequest;
use passerelle_domain::audit::Actor;
use passerelle_domain::persons::{Person, PersonFields, PersonInput};
use passerelle_domain::{Role, Team};
use passerelle_services::persons::Duplicates;
use passerelle_services::{By, access};
use passerelle_web::{AppState, WebConfig, auth, build_app};
use tower::ServiceExt;
use uuid::Uuid;

pub const PASSWORD: &str = "mot-de-passe-de-test";

/// Databases to run a test on: SQLite always, PostgreSQL when `TEST_DATABASE_URL` is set.
pub async fn databases() -> Vec<Db> {
    let mut out = Vec::new();
    let dir = std::env::temp_dir().join("passerelle-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{}.db", Uuid::now_v7()));
    out.push(
        Db::connect(&format!("sqlite://{}", file.display()))
            .await
            .unwrap(),
    );
    if std::env::var_os("CI").is_some() && std::env::var_os("TEST_DATABASE_URL").is_none() {
        panic!("CI must set TEST_DATABASE_URL so that every storage test also runs on PostgreSQL");
    }
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        let schema = format!("t_{}", Uuid::now_v7().simple());
        out.push(
            Db::connect_postgres_schema(&url, &schema)
                .await
                .expect("PostgreSQL unreachable at TEST_DATABASE_URL"),
        );
    }
    out
}

/// Runs `test` once per backend, saying which one failed.
pub async fn on_each_backend<F, Fut>(test: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    for db in databases().await {
        let name = db.backend_name();
        eprintln!("-- on {name}");
        test(TestApp::new(db, WebConfig::default()).await).await;
    }
}

pub struct TestApp {
    pub db: Db,
    pub state: AppState,
    pub router: Router,
    pub structure_id: Uuid,
}

impl TestApp {
    pub async fn new(db: Db, config: WebConfig) -> TestApp {
        territory::ensure_default_communes(&db).await.unwrap();
        passerelle_services::territory::install_qpv_list(
            &db,
            "demo",
            &passerelle_demo::demo_qpvs(),
        )
        .await
        .unwrap();
        let s = access::create_structure(&db, "MiE de test").await.unwrap();
        let state = AppState::new(db.clone(), config).await.unwrap();
        TestApp {
            router: build_app(state.clone()),
            db,
            state,
            structure_id: s.id,
        }
    }

    /// The set-up acts as a command on the server would, for the test structure.
    pub fn server(&self) -> By {
        By::Server {
            structure_id: self.structure_id,
        }
    }

    /// Creates an account with the test password, as `passerelle user add` does.
    pub async fn account(&self, email: &str, name: &str, role: Role, teams: &[Team]) -> User {
        let request = AccountRequest {
            email,
            display_name: name,
            role: Some(role),
            teams: teams.to_vec(),
            password: PASSWORD,
            confirm: PASSWORD,
        };
        access::create_account(&self.db, &self.server(), &request)
            .await
            .unwrap()
    }

    /// Registers a person through the persons service, look-alikes allowed.
    pub async fn register(&self, actor: &Actor, fields: &PersonFields) -> Person {
        passerelle_services::persons::register(&self.db, actor, fields, Duplicates::Allow)
            .await
            .unwrap()
    }

    /// Creates an account of the PLIE team with the test password.
    pub async fn staff(&self, role: Role) -> String {
        let email = format!("{}-{}@test.fr", role.code(), Uuid::now_v7().simple());
        self.account(&email, role.label(), role, &[Team::Plie])
            .await;
        email
    }

    /// A new API token acting as the account of `email`, created on the server as
    /// `passerelle token create` does.
    pub async fn api_token_of(&self, email: &str) -> String {
        let (u, _) = users::by_email(&self.db, email).await.unwrap().unwrap();
        let (token, hash) = auth::new_api_token().unwrap();
        access::create_token(&self.db, &self.server(), u.id, "outil de test", &hash)
            .await
            .unwrap();
        token
    }

    /// A new account of `role` and an API token acting as it.
    pub async fn api_token(&self, role: Role) -> String {
        let email = self.staff(role).await;
        self.api_token_of(&email).await
    }

    pub fn browser(&self) -> Browser {
        Browser {
            router: self.router.clone(),
            cookies: Vec::new(),
            csrf: String::new(),
        }
    }

    /// A browser signed in as a new account of this role.
    pub async fn signed_in(&self, role: Role) -> Browser {
        let email = self.staff(role).await;
        let mut b = self.browser();
        let res = b.sign_in(&email, PASSWORD).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "sign-in failed: {}",
            res.body
        );
        b
    }
}

#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

pub struct Browser {
    router: Router,
    cookies: Vec<(String, String)>,
    pub csrf: String,
}

pub fn extract_csrf(body: &str) -> Option<String> {
    let at = body.find("name=\"csrf_token\" value=\"")?;
    let rest = &body[at + "name=\"csrf_token\" value=\"".len()..];
    Some(rest[..rest.find('"')?].to_owned())
}

pub fn form_body(fields: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        s.append_pair(k, v);
    }
    s.finish()
}

impl Browser {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn send(&mut self, req: Request<Body>) -> Page {
        let res = self.router.clone().oneshot(req).await.unwrap();
        for c in res.headers().get_all(header::SET_COOKIE) {
            let c = c.to_str().unwrap();
            let pair = c.split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            self.cookies.retain(|(name, _)| name != k);
            let removed = c.contains("Max-Age=0") || v.is_empty();
            if !removed {
                self.cookies.push((k.to_owned(), v.to_owned()));
            }
        }
        let status = res.status();
        let location = res
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_owned());
        // Lossy: a route may answer a file (PDF, XLSX); `download` gives its bytes.
        let body = String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes())
            .into_owned();
        if let Some(t) = extract_csrf(&body) {
            self.csrf = t;
        }
        Page {
            status,
            location,
            body,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let req = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// Posts a form with the current CSRF token.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf.clone();
        let mut all = vec![("csrf_token", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &form_body(&all)).await
    }

    pub async fn post_raw(&mut self, path: &str, body: &str) -> Page {
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap();
        self.send(req).await
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> Page {
        self.get("/connexion").await;
        self.post("/connexion", &[("email", email), ("password", password)])
            .await
    }

    /// Loads a page that carries the session's CSRF token.
    pub async fn refresh_csrf(&mut self) {
        let p = self.get("/compte/mot-de-passe").await;
        assert_eq!(p.status, StatusCode::OK);
    }

    /// A GET whose answer is a file: its status, headers and bytes as sent.
    pub async fn download(&mut self, path: &str) -> (StatusCode, header::HeaderMap, Vec<u8>) {
        let req = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let (status, headers) = (res.status(), res.headers().clone());
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, headers, bytes)
    }

    pub fn has_cookie(&self, name: &str) -> bool {
        self.cookies.iter().any(|(k, _)| k == name)
    }
}

/// A valid person as a form would send it.
pub fn person_form(last: &str, first: &str, birth: &str) -> PersonInput {
    PersonInput {
        last_name: last.into(),
        first_names: first.into(),
        birth_date: birth.into(),
        sex: "F".into(),
        commune_code: "59512".into(),
        qpv_code: "DEMO-QP-RBX-01".into(),
        ..Default::default()
    }
}

pub fn person_fields(p: &PersonInput) -> Vec<(&'static str, String)> {
    vec![
        ("last_name", p.last_name.clone()),
        ("first_names", p.first_names.clone()),
        ("birth_name", p.birth_name.clone()),
        ("birth_date", p.birth_date.clone()),
        ("sex", p.sex.clone()),
        ("phone", p.phone.clone()),
        ("email", p.email.clone()),
        ("address", p.address.clone()),
        ("commune_code", p.commune_code.clone()),
        ("qpv_code", p.qpv_code.clone()),
    ]
}

/// Creates a person through the form and returns their id.
pub async fn create_person(b: &mut Browser, p: &PersonInput) -> Uuid {
    let fields = person_fields(p);
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = b.post("/personnes", &refs).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let loc = res.location.unwrap();
    loc.trim_start_matches("/personnes/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}
