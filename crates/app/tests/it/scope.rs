//! Record scope, route by route: for every role, a record outside the reader's scope is
//! refused (404, as if it did not exist) on every route that takes its id, in the path or in
//! the body, and absent from every page and API answer the role may read; a record inside is
//! served as the permission matrix says. The walk reads the route table, so a new route is
//! walked without being listed here, and a route taking a kind of id the walk does not know
//! fails it until the walk is taught what that id names.

mod fixture;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use passerelle_db::pathways::scope::Scope;
use passerelle_domain::{Role, Team};
use passerelle_web::{RouteSpec, route_specs};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::{TestApp, on_each_backend};
use fixture::{Case, Walker, World, walker, world};

/// What a route's id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Person,
    Enrolment,
    Contract,
    Objective,
    Meeting,
    /// The programme a new committee is held for: a committee belongs to its programme's team.
    CommitteeProgramme,
    Programme,
    User,
    Token,
    IndicatorFile,
    Publication,
    Year,
    Figure,
}

impl Kind {
    /// A pathway, a committee, or what hangs on a pathway: the reader's scope decides.
    fn scoped(self) -> bool {
        matches!(
            self,
            Kind::Enrolment
                | Kind::Contract
                | Kind::Objective
                | Kind::Meeting
                | Kind::CommitteeProgramme
        )
    }
}

/// What `{id}` names, by the route's prefix.
const ID_BY_PREFIX: [(&str, Kind); 14] = [
    ("/personnes/", Kind::Person),
    ("/api/v1/persons/", Kind::Person),
    ("/parcours/", Kind::Enrolment),
    ("/api/v1/enrolments/", Kind::Enrolment),
    ("/comites/", Kind::Meeting),
    ("/api/v1/committees/", Kind::Meeting),
    ("/admin/dispositifs/", Kind::Programme),
    ("/admin/utilisateurs/", Kind::User),
    ("/admin/jetons/", Kind::Token),
    ("/rapports/indicateurs/", Kind::IndicatorFile),
    ("/rapports/publications/", Kind::Publication),
    ("/rapports/{year}/", Kind::Figure),
    ("/api/v1/reports/", Kind::Year),
    ("/rapports/", Kind::Year),
];

fn kind_of(path: &str, name: &str) -> Kind {
    match name {
        "year" => Kind::Year,
        "figure" => Kind::Figure,
        "contract" => Kind::Contract,
        "objective" => Kind::Objective,
        "id" => ID_BY_PREFIX
            .iter()
            .find(|(prefix, _)| path.starts_with(prefix))
            .map(|(_, k)| *k)
            .unwrap_or_else(|| {
                panic!("{path}: the scope walk does not know what {{id}} names here; add it to ID_BY_PREFIX (tests/it/scope.rs)")
            }),
        other => panic!(
            "{path}: the scope walk does not know the parameter {{{other}}}; add it to kind_of (tests/it/scope.rs)"
        ),
    }
}

/// The ids in a route's path, in order.
fn path_params(path: &str) -> Vec<(&str, Kind)> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| (name, kind_of(path, name)))
        .collect()
}

/// Records a route reads from its query string or body rather than its path.
fn other_params(method: &str, path: &str) -> &'static [(&'static str, Kind)] {
    match (method, path) {
        ("GET", "/parcours/orienter") => &[("personne", Kind::Person)],
        ("POST", "/comites") | ("POST", "/api/v1/committees") => {
            &[("programme_id", Kind::CommitteeProgramme)]
        }
        ("POST", "/comites/{id}/decisions")
        | ("POST", "/comites/{id}/sorties")
        | ("POST", "/api/v1/committees/{id}/decisions") => &[("enrolment_id", Kind::Enrolment)],
        _ => &[],
    }
}

fn value(kind: Kind, case: &Case, world: &World) -> String {
    match kind {
        Kind::Person => case.person.to_string(),
        Kind::Enrolment => case.enrolment.to_string(),
        Kind::Contract => case.contract.to_string(),
        Kind::Objective => case.objective.to_string(),
        Kind::Meeting => case.meeting.to_string(),
        Kind::CommitteeProgramme => case.programme.to_string(),
        Kind::Programme => world.plie.programme.to_string(),
        Kind::User => world.target_user.to_string(),
        Kind::Token => uuid::Uuid::nil().to_string(),
        Kind::IndicatorFile => world.indicator_file.to_string(),
        Kind::Publication => world.publication.to_string(),
        Kind::Year => "2021".to_owned(),
        Kind::Figure => "programmes.accompanied".to_owned(),
    }
}

/// One request of the walk: the path's ids from `path_case`, the query's and body's from
/// `body_case`.
struct Call {
    method: &'static str,
    path: String,
    fields: Vec<(&'static str, String)>,
}

fn call(spec: &RouteSpec, path_case: &Case, body_case: &Case, world: &World) -> Call {
    let mut path = spec.path.to_owned();
    for (name, kind) in path_params(spec.path) {
        path = path.replace(&format!("{{{name}}}"), &value(kind, path_case, world));
    }
    let mut fields = Vec::new();
    for (name, kind) in other_params(spec.method, spec.path) {
        fields.push((*name, value(*kind, body_case, world)));
    }
    if spec.method == "GET" && !fields.is_empty() {
        let query = crate::support::form_body(
            &fields
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        );
        path = format!("{path}?{query}");
        fields.clear();
    }
    Call {
        method: spec.method,
        path,
        fields,
    }
}

/// Sends a call as the walker: a browser for the pages, its token for the API (the body's
/// ids, with what a committee decision or a new committee needs to reach its scope check).
async fn send(app: &TestApp, w: &mut Walker, c: &Call) -> (StatusCode, String) {
    if !c.path.starts_with("/api/") {
        let p = match c.method {
            "GET" => w.browser.get(&c.path).await,
            "POST" => {
                // A date, so that a new committee's form reaches its scope check.
                let mut fields = vec![("held_on", "20/03/2021")];
                fields.extend(c.fields.iter().map(|(k, v)| (*k, v.as_str())));
                w.browser.post(&c.path, &fields).await
            }
            other => panic!("no page answers {other}"),
        };
        return (p.status, p.body);
    }
    let mut body =
        json!({"held_on": "2021-03-20", "admitted": false, "reason": "Parcours du périmètre"});
    for (k, v) in &c.fields {
        body[*k] = Value::String(v.clone());
    }
    let req = Request::builder()
        .method(c.method)
        .uri(&c.path)
        .header(header::AUTHORIZATION, format!("Bearer {}", w.token));
    let req = if c.method == "GET" {
        req.body(Body::empty())
    } else {
        req.header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
    }
    .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Routes the walk leaves out: public ones, and sign-out (it would end the walker's session).
fn walked(spec: &RouteSpec) -> bool {
    spec.permission.is_some() && spec.path != "/deconnexion"
}

/// The reader's scope as the rules say, from the walker's role and team.
fn scope_of(app: &TestApp, w: &Walker) -> Scope {
    Scope::of_reader(app.structure_id, w.role, w.id, &[Team::Plie])
}

/// Every route taking a scoped id: refused for the roles without its permission (403), 404 for
/// a record outside the reader's scope, served for one inside.
async fn walk_ids(app: &TestApp, world: &World, w: &mut Walker) {
    let scope = scope_of(app, w);
    let cases = [&world.plie, &world.fabrik, &world.colleague];
    for spec in route_specs().iter().filter(|s| walked(s)) {
        let allowed = spec.permission.is_some_and(|p| w.role.allows(p));
        let params: Vec<Kind> = path_params(spec.path)
            .into_iter()
            .map(|(_, k)| k)
            .chain(other_params(spec.method, spec.path).iter().map(|(_, k)| *k))
            .collect();
        let scoped = params.iter().any(|k| k.scoped());
        for case in cases {
            let inside = scope.covers(case.team, case.referent);
            if !scoped && case.enrolment != world.plie.enrolment {
                continue;
            }
            let mut calls = vec![call(spec, case, case, world)];
            // An id in the body outside the scope, on a route whose path is inside it.
            if !inside && path_params(spec.path).iter().any(|(_, k)| k.scoped()) {
                let body_scoped = other_params(spec.method, spec.path)
                    .iter()
                    .any(|(_, k)| k.scoped());
                if body_scoped {
                    calls.push(call(spec, &world.plie, case, world));
                }
            }
            for c in calls {
                let (status, body) = send(app, w, &c).await;
                let who = format!("{:?} {} {}", w.role, c.method, c.path);
                if !allowed {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{who} not refused: {body}");
                } else if scoped && !inside {
                    assert_eq!(
                        status,
                        StatusCode::NOT_FOUND,
                        "{who} outside the scope: {body}"
                    );
                } else if c.method == "GET" {
                    assert_eq!(status, StatusCode::OK, "{who} should be served: {body}");
                } else {
                    assert_ne!(status, StatusCode::FORBIDDEN, "{who} refused: {body}");
                    if scoped {
                        assert_ne!(
                            status,
                            StatusCode::NOT_FOUND,
                            "{who} inside the scope: {body}"
                        );
                    }
                }
            }
        }
    }
}

/// A page that may name any person of the register: the register itself and the pages of one
/// person (persons are readable structure-wide; their pathways are not).
fn names_persons(spec: &RouteSpec) -> bool {
    spec.path == "/personnes"
        || spec.path == "/api/v1/persons"
        || path_params(spec.path)
            .iter()
            .chain(other_params(spec.method, spec.path))
            .any(|(_, k)| *k == Kind::Person)
}

/// Every page and API answer a role may read (pages and lists filled with in-scope ids, a
/// person's pages with the out-of-scope person's): nothing of a record outside the scope
/// shows, neither its ids nor, outside the register, its person's name. The audit trail is not
/// a list of pathways: its readers see every event by design.
async fn walk_lists(app: &TestApp, world: &World, w: &mut Walker) {
    let scope = scope_of(app, w);
    for case in [&world.fabrik, &world.colleague] {
        if scope.covers(case.team, case.referent) {
            continue;
        }
        let mut ids = case.ids();
        if case.meeting != world.plie.meeting {
            ids.push(case.meeting.to_string());
        }
        for spec in route_specs().iter().filter(|s| walked(s)) {
            let readable = spec.permission.is_some_and(|p| w.role.allows(p));
            if spec.method != "GET" || !readable || spec.path == "/admin/journal" {
                continue;
            }
            // A person's pages show the out-of-scope person; every other page, the in-scope ids.
            let c = if names_persons(spec) {
                call(spec, case, case, world)
            } else {
                call(spec, &world.plie, &world.plie, world)
            };
            let (status, body) = send(app, w, &c).await;
            let who = format!("{:?} GET {}", w.role, c.path);
            assert_eq!(status, StatusCode::OK, "{who}: {body}");
            for id in &ids {
                assert!(!body.contains(id.as_str()), "{who} shows {id}");
            }
            if !names_persons(spec) {
                let lower = body.to_lowercase();
                for name in &case.names {
                    assert!(!lower.contains(&name.to_lowercase()), "{who} names {name}");
                }
            }
        }
    }
}

#[tokio::test]
async fn every_route_keeps_each_role_to_its_record_scope() {
    on_each_backend(|app: TestApp| async move {
        let world = world(&app).await;
        for role in Role::ALL {
            let mut w = walker(&app, role).await;
            walk_ids(&app, &world, &mut w).await;
            walk_lists(&app, &world, &mut w).await;
        }
        // The walk is not empty-handed: the director's lists name every team's participants.
        let mut director = walker(&app, Role::Director).await;
        let explain = director
            .browser
            .get("/rapports/2021/programmes.accompanied")
            .await;
        for name in ["Dedansplie", "Dehorsfabrik", "Collegueplie"] {
            assert!(
                explain.body.to_lowercase().contains(&name.to_lowercase()),
                "{name}"
            );
        }
    })
    .await;
}

#[test]
fn every_id_of_the_route_table_is_known_to_the_walk() {
    for spec in route_specs() {
        path_params(spec.path);
    }
}

/// Issue 9, finding 1: the PLIE manager could hold La Fabrik's committee, see who was proposed,
/// enter them and review their exits, and create a committee for any programme by the API.
#[tokio::test]
async fn a_plie_manager_cannot_hold_la_fabrik_committees() {
    on_each_backend(|app: TestApp| async move {
        let world = world(&app).await;
        let mut m = walker(&app, Role::Manager).await;
        let fabrik = &world.fabrik;
        let meeting = format!("/comites/{}", fabrik.meeting);
        assert_eq!(m.browser.get(&meeting).await.status, StatusCode::NOT_FOUND);
        let enrolment = fabrik.enrolment.to_string();
        for (action, fields) in [
            (
                "decisions",
                vec![
                    ("enrolment_id", enrolment.as_str()),
                    ("decision", "entree"),
                    ("reason", "Projet"),
                ],
            ),
            (
                "sorties",
                vec![
                    ("enrolment_id", enrolment.as_str()),
                    ("opinion", "valide"),
                    ("reason", "Vu"),
                ],
            ),
        ] {
            let page = m
                .browser
                .post(&format!("{meeting}/{action}"), &fields)
                .await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{action}");
        }
        // Nor through one of PLIE's committees.
        let plie_meeting = format!("/comites/{}/decisions", world.plie.meeting);
        let fields = [
            ("enrolment_id", enrolment.as_str()),
            ("decision", "refus"),
            ("reason", "Non"),
        ];
        assert_eq!(
            m.browser.post(&plie_meeting, &fields).await.status,
            StatusCode::NOT_FOUND
        );
        let list = m.browser.get("/comites").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(!list.body.contains(&fabrik.meeting.to_string()));
        assert!(list.body.contains(&world.plie.meeting.to_string()));
        assert!(
            !list.body.contains(&fabrik.programme.to_string()),
            "La Fabrik is not offered"
        );

        let whole = Scope::whole_structure(app.structure_id);
        let before = passerelle_db::pathways::committees::list(&app.db, &whole)
            .await
            .unwrap()
            .len();
        let programme = fabrik.programme.to_string();
        let created = m
            .browser
            .post(
                "/comites",
                &[
                    ("programme_id", programme.as_str()),
                    ("held_on", "15/03/2021"),
                ],
            )
            .await;
        assert_eq!(created.status, StatusCode::NOT_FOUND);
        let c = Call {
            method: "POST",
            path: "/api/v1/committees".to_owned(),
            fields: vec![("programme_id", programme.clone())],
        };
        assert_eq!(send(&app, &mut m, &c).await.0, StatusCode::NOT_FOUND);
        let after = passerelle_db::pathways::committees::list(&app.db, &whole)
            .await
            .unwrap()
            .len();
        assert_eq!(before, after, "no committee was created");
        // Their own team's committee stays theirs.
        let own = m
            .browser
            .get(&format!("/comites/{}", world.plie.meeting))
            .await;
        assert_eq!(own.status, StatusCode::OK);
    })
    .await;
}

/// Issue 9, finding 2: "explain this number" named every team's participants to the PLIE
/// manager, and a person's page listed pathways the reader may not open. The figure stays the
/// structure's; the names are the reader's, with the number of the others.
#[tokio::test]
async fn explain_lists_name_only_the_readers_participants() {
    on_each_backend(|app: TestApp| async move {
        let world = world(&app).await;
        let mut m = walker(&app, Role::Manager).await;
        let explain = m.browser.get("/rapports/2021/programmes.accompanied").await;
        assert_eq!(explain.status, StatusCode::OK);
        let body = explain.body.to_lowercase();
        assert!(
            body.contains("tous dispositifs : 4"),
            "the value counts every team"
        );
        assert!(body.contains("dedansplie") && body.contains("collegueplie"));
        assert!(!body.contains("dehorsfabrik") && !body.contains("ajoutfabrik"));
        assert!(body.contains("hors de votre périmètre : 2"), "{body}");

        let person = format!("/personnes/{}", world.fabrik.person);
        let page = m.browser.get(&person).await;
        assert_eq!(page.status, StatusCode::OK, "persons stay readable");
        assert!(!page.body.contains(&world.fabrik.enrolment.to_string()));
        let mut d = walker(&app, Role::Director).await;
        assert!(
            d.browser
                .get(&person)
                .await
                .body
                .contains(&world.fabrik.enrolment.to_string())
        );

        let figure = format!(
            "/rapports/publications/{}/programmes.accompanied",
            world.publication
        );
        let published = m.browser.get(&figure).await.body.to_lowercase();
        assert!(!published.contains("dehorsfabrik") && published.contains("dedansplie"));
        assert!(
            published.contains("hors de votre périmètre : 1"),
            "{published}"
        );
        assert!(
            d.browser
                .get(&figure)
                .await
                .body
                .to_lowercase()
                .contains("dehorsfabrik")
        );
        let publication = format!("/rapports/publications/{}", world.publication);
        let changes = m.browser.get(&publication).await.body.to_lowercase();
        assert!(!changes.contains("ajoutfabrik"));
        assert!(
            d.browser
                .get(&publication)
                .await
                .body
                .to_lowercase()
                .contains("ajoutfabrik")
        );
    })
    .await;
}

/// A referent may refer a person to another team's programme; the pathway is then that
/// team's, and the referent is sent back to the person rather than to a page they may not open.
#[tokio::test]
async fn a_referral_to_another_team_hands_the_pathway_over() {
    on_each_backend(|app: TestApp| async move {
        let world = world(&app).await;
        let mut r = walker(&app, Role::Referent).await;
        let person = world.plie.person.to_string();
        let programme = world.fabrik.programme.to_string();
        let sent = r
            .browser
            .post(
                "/parcours",
                &[
                    ("personne", person.as_str()),
                    ("programme_id", programme.as_str()),
                    ("prescriber_organisation", "PLIE"),
                    ("referred_on", "01/04/2021"),
                    ("reason", "Projet de création"),
                ],
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let back = format!("/personnes/{person}?fait=oriente");
        assert_eq!(sent.location.as_deref(), Some(back.as_str()));
        let whole = Scope::whole_structure(app.structure_id);
        let all =
            passerelle_db::pathways::enrolments::of_person(&app.db, &whole, world.plie.person)
                .await
                .unwrap();
        let referred = all
            .iter()
            .find(|e| e.programme_id == world.fabrik.programme)
            .unwrap();
        let page = r.browser.get(&back).await;
        assert!(page.body.contains(&world.plie.enrolment.to_string()));
        assert!(!page.body.contains(&referred.id.to_string()));
        let theirs = format!("/parcours/{}", referred.id);
        assert_eq!(r.browser.get(&theirs).await.status, StatusCode::NOT_FOUND);
    })
    .await;
}
