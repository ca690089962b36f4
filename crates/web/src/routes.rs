//! Every route, with the one permission it requires. The router is built from this table and
//! the tests walk the same table for every role, so no route can escape the guard.

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, get, post, put};
use passerelle_domain::Permission;

use crate::pages::{
    account, admin, audit, committees, home, indicators, pathways, persons, programmes,
    report_files, reports, signin, situations, territory,
};
use crate::{AppState, api, assets, guard};

/// A route as the permission test sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    /// `None`: public (sign-in page, assets, OpenAPI document).
    pub permission: Option<Permission>,
}

struct Route {
    spec: RouteSpec,
    handler: MethodRouter<AppState>,
}

fn route(
    method: &'static str,
    path: &'static str,
    permission: Option<Permission>,
    handler: MethodRouter<AppState>,
) -> Route {
    Route {
        spec: RouteSpec {
            method,
            path,
            permission,
        },
        handler,
    }
}

fn table() -> Vec<Route> {
    use Permission::*;
    vec![
        route("GET", "/static/passerelle.css", None, get(assets::css)),
        route("GET", "/static/htmx.min.js", None, get(assets::htmx)),
        route("GET", "/connexion", None, get(signin::form)),
        route("POST", "/connexion", None, post(signin::submit)),
        route(
            "POST",
            "/deconnexion",
            Some(SignedIn),
            post(signin::sign_out),
        ),
        route("GET", "/", Some(SignedIn), get(home::show)),
        route(
            "GET",
            "/compte/mot-de-passe",
            Some(SignedIn),
            get(account::password_form),
        ),
        route(
            "POST",
            "/compte/mot-de-passe",
            Some(SignedIn),
            post(account::change_password),
        ),
        route("GET", "/personnes", Some(PersonRead), get(persons::list)),
        route(
            "GET",
            "/personnes/nouvelle",
            Some(PersonWrite),
            get(persons::new_form),
        ),
        route(
            "POST",
            "/personnes",
            Some(PersonWrite),
            post(persons::create),
        ),
        route(
            "GET",
            "/personnes/{id}",
            Some(PersonRead),
            get(persons::show),
        ),
        route(
            "GET",
            "/personnes/{id}/modifier",
            Some(PersonWrite),
            get(persons::edit_form),
        ),
        route(
            "POST",
            "/personnes/{id}",
            Some(PersonWrite),
            post(persons::update),
        ),
        route(
            "POST",
            "/personnes/{id}/supprimer",
            Some(PersonDelete),
            post(persons::delete),
        ),
        route(
            "GET",
            "/personnes/{id}/situations/nouvelle",
            Some(SituationWrite),
            get(situations::new_form),
        ),
        route(
            "POST",
            "/personnes/{id}/situations",
            Some(SituationWrite),
            post(situations::create),
        ),
        route(
            "GET",
            "/parcours",
            Some(PathwayRead),
            get(pathways::caseload),
        ),
        route(
            "GET",
            "/parcours/orienter",
            Some(PathwayWrite),
            get(pathways::referral_form),
        ),
        route(
            "POST",
            "/parcours",
            Some(PathwayWrite),
            post(pathways::refer),
        ),
        route(
            "GET",
            "/parcours/{id}",
            Some(PathwayRead),
            get(pathways::show),
        ),
        route(
            "POST",
            "/parcours/{id}/proposer",
            Some(PathwayWrite),
            post(pathways::propose),
        ),
        route(
            "POST",
            "/parcours/{id}/sortie",
            Some(PathwayWrite),
            post(pathways::exit),
        ),
        route(
            "POST",
            "/parcours/{id}/suivi",
            Some(PathwayWrite),
            post(pathways::follow_up),
        ),
        route(
            "POST",
            "/parcours/{id}/referent",
            Some(ReferentAssign),
            post(pathways::assign),
        ),
        route(
            "POST",
            "/parcours/{id}/rendez-vous",
            Some(PathwayWrite),
            post(pathways::add_appointment),
        ),
        route(
            "POST",
            "/parcours/{id}/diagnostic",
            Some(PathwayWrite),
            post(pathways::add_diagnosis),
        ),
        route(
            "POST",
            "/parcours/{id}/objectifs/{objective}/etat",
            Some(PathwayWrite),
            post(pathways::set_objective_status),
        ),
        route(
            "POST",
            "/parcours/{id}/objectifs",
            Some(PathwayWrite),
            post(pathways::add_objective),
        ),
        route(
            "POST",
            "/parcours/{id}/etapes",
            Some(PathwayWrite),
            post(pathways::add_step),
        ),
        route(
            "POST",
            "/parcours/{id}/contrats",
            Some(PathwayWrite),
            post(pathways::add_contract),
        ),
        route(
            "GET",
            "/parcours/{id}/contrats/{contract}",
            Some(PathwayWrite),
            get(pathways::edit_contract),
        ),
        route(
            "POST",
            "/parcours/{id}/contrats/{contract}",
            Some(PathwayWrite),
            post(pathways::update_contract),
        ),
        route(
            "GET",
            "/comites",
            Some(CommitteeManage),
            get(committees::list),
        ),
        route(
            "POST",
            "/comites",
            Some(CommitteeManage),
            post(committees::create),
        ),
        route(
            "GET",
            "/comites/{id}",
            Some(CommitteeManage),
            get(committees::show),
        ),
        route(
            "POST",
            "/comites/{id}/sorties",
            Some(CommitteeManage),
            post(committees::review_exit),
        ),
        route(
            "POST",
            "/comites/{id}/decisions",
            Some(CommitteeManage),
            post(committees::decide),
        ),
        route(
            "GET",
            "/admin/dispositifs",
            Some(ProgrammeManage),
            get(programmes::list),
        ),
        route(
            "GET",
            "/admin/dispositifs/{id}",
            Some(ProgrammeManage),
            get(programmes::edit),
        ),
        route(
            "POST",
            "/admin/dispositifs/{id}",
            Some(ProgrammeManage),
            post(programmes::update),
        ),
        route("GET", "/rapports", Some(ReportRead), get(reports::show)),
        route(
            "GET",
            "/rapports/indicateurs",
            Some(IndicatorManage),
            get(indicators::list),
        ),
        route(
            "POST",
            "/rapports/indicateurs",
            Some(IndicatorManage),
            post(indicators::create),
        ),
        route(
            "GET",
            "/rapports/indicateurs/{id}",
            Some(IndicatorManage),
            get(indicators::edit),
        ),
        route(
            "POST",
            "/rapports/indicateurs/{id}",
            Some(IndicatorManage),
            post(indicators::update),
        ),
        route(
            "POST",
            "/rapports/indicateurs/{id}/supprimer",
            Some(IndicatorManage),
            post(indicators::delete),
        ),
        route(
            "GET",
            "/rapports/{year}/rapport.html",
            Some(ReportRead),
            get(report_files::html),
        ),
        route(
            "GET",
            "/rapports/{year}/rapport.pdf",
            Some(ReportRead),
            get(report_files::pdf),
        ),
        route(
            "GET",
            "/rapports/{year}/rapport.xlsx",
            Some(ReportRead),
            get(report_files::xlsx),
        ),
        route(
            "POST",
            "/rapports/{year}/publier",
            Some(ReportPublish),
            post(reports::publish),
        ),
        route(
            "GET",
            "/rapports/publications/{id}",
            Some(ReportExplain),
            get(reports::publication),
        ),
        route(
            "GET",
            "/rapports/publications/{id}/{figure}",
            Some(ReportExplain),
            get(reports::published_figure),
        ),
        route(
            "GET",
            "/rapports/{year}/{id}",
            Some(ReportRead),
            get(reports::explain),
        ),
        route("GET", "/admin/journal", Some(AuditRead), get(audit::list)),
        route(
            "GET",
            "/admin/utilisateurs",
            Some(UserManage),
            get(admin::users),
        ),
        route(
            "POST",
            "/admin/utilisateurs",
            Some(UserManage),
            post(admin::create_user),
        ),
        route(
            "POST",
            "/admin/utilisateurs/{id}",
            Some(UserManage),
            post(admin::update_user),
        ),
        route(
            "POST",
            "/admin/utilisateurs/{id}/revoquer-sessions",
            Some(UserManage),
            post(admin::revoke_sessions),
        ),
        route(
            "POST",
            "/admin/utilisateurs/{id}/mot-de-passe",
            Some(UserManage),
            post(admin::reset_password),
        ),
        route(
            "GET",
            "/admin/jetons",
            Some(ApiTokenManage),
            get(admin::tokens),
        ),
        route(
            "POST",
            "/admin/jetons",
            Some(ApiTokenManage),
            post(admin::create_token),
        ),
        route(
            "POST",
            "/admin/jetons/{id}/revoquer",
            Some(ApiTokenManage),
            post(admin::revoke_token),
        ),
        route(
            "GET",
            "/admin/territoire",
            Some(ReferenceDataManage),
            get(territory::show),
        ),
        route(
            "POST",
            "/admin/territoire/qpv",
            Some(ReferenceDataManage),
            post(territory::import_qpv),
        ),
        route(
            "POST",
            "/admin/territoire/communes",
            Some(ReferenceDataManage),
            post(territory::import_communes),
        ),
        route(
            "GET",
            "/api/v1/reports/{year}",
            Some(ReportRead),
            get(api::reports::annual),
        ),
        route(
            "GET",
            "/api/v1/programmes",
            Some(PathwayRead),
            get(api::pathways::programmes_list),
        ),
        route(
            "GET",
            "/api/v1/persons/{id}/enrolments",
            Some(PathwayRead),
            get(api::pathways::of_person),
        ),
        route(
            "POST",
            "/api/v1/enrolments",
            Some(PathwayWrite),
            post(api::pathways::refer),
        ),
        route(
            "GET",
            "/api/v1/enrolments/{id}",
            Some(PathwayRead),
            get(api::pathways::show),
        ),
        route(
            "POST",
            "/api/v1/enrolments/{id}/transitions",
            Some(PathwayWrite),
            post(api::pathways::transition),
        ),
        route(
            "POST",
            "/api/v1/enrolments/{id}/steps",
            Some(PathwayWrite),
            post(api::pathways::add_step),
        ),
        route(
            "POST",
            "/api/v1/enrolments/{id}/contracts",
            Some(PathwayWrite),
            post(api::pathways::add_contract),
        ),
        route(
            "POST",
            "/api/v1/committees",
            Some(CommitteeManage),
            post(api::pathways::create_meeting),
        ),
        route(
            "POST",
            "/api/v1/committees/{id}/decisions",
            Some(CommitteeManage),
            post(api::pathways::decide),
        ),
        route(
            "GET",
            "/api/v1/openapi.json",
            None,
            get(api::openapi::document),
        ),
        route(
            "GET",
            "/api/v1/persons",
            Some(PersonRead),
            get(api::persons::list),
        ),
        route(
            "POST",
            "/api/v1/persons",
            Some(PersonWrite),
            post(api::persons::create),
        ),
        route(
            "GET",
            "/api/v1/persons/{id}",
            Some(PersonRead),
            get(api::persons::show),
        ),
        route(
            "PUT",
            "/api/v1/persons/{id}",
            Some(PersonWrite),
            put(api::persons::update),
        ),
    ]
}

/// Every route with its permission, for tests and documentation.
pub fn route_specs() -> Vec<RouteSpec> {
    table().into_iter().map(|r| r.spec).collect()
}

pub fn router(state: AppState) -> Router {
    let mut router: Router<AppState> = Router::new();
    for r in table() {
        let handler = match r.spec.permission {
            None => r.handler,
            Some(p) => r
                .handler
                .route_layer(from_fn_with_state((state.clone(), p), guard::guard)),
        };
        router = router.route(r.spec.path, handler);
    }
    router
        .fallback(|uri: axum::http::Uri| async move {
            let e = crate::error::AppError::NotFound;
            if guard::is_api(uri.path()) {
                e.api()
            } else {
                e
            }
        })
        .layer(axum::middleware::from_fn(crate::input::check_input))
        .layer(axum::middleware::from_fn(crate::input::french_errors))
        .layer(axum::middleware::map_response(security_headers))
        .layer(axum::middleware::from_fn(
            crate::request_id::with_request_id,
        ))
        .with_state(state)
}

/// Headers every answer carries: no framing, no sniffing, no referrer leaks, scripts and
/// styles from this server only (unless the handler set a policy of its own: the standalone
/// report allows its inline styles and nothing else), and nothing cached that holds personal
/// data.
async fn security_headers(mut res: axum::response::Response) -> axum::response::Response {
    use axum::http::HeaderValue;
    let h = res.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    if !h.contains_key("content-security-policy") {
        h.insert(
            "content-security-policy",
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
            ),
        );
    }
    if !h.contains_key("cache-control") {
        h.insert("cache-control", HeaderValue::from_static("no-store"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sign_in_assets_and_openapi_are_public() {
        for r in route_specs() {
            if r.permission.is_none() {
                assert!(
                    r.path.starts_with("/static/")
                        || r.path == "/connexion"
                        || r.path == "/api/v1/openapi.json",
                    "{} {} is public",
                    r.method,
                    r.path
                );
            }
        }
    }

    #[test]
    fn methods_are_known() {
        for r in route_specs() {
            assert!(matches!(r.method, "GET" | "POST" | "PUT"), "{}", r.method);
        }
    }
}
