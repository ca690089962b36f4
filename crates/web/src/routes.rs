//! The route table: the shell's routes and those each module registers, every one with the one
//! permission it requires. The router is built from this table and the tests walk the same
//! table for every role, so no route can escape the guard.

use axum::Router;
use axum::handler::Handler;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, get, post, put};
use passerelle_domain::Permission;

use crate::modules::MODULES;
use crate::{AppState, api, assets, guard};

/// A route as the permission test sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    /// `None`: public (sign-in page, assets, OpenAPI document).
    pub permission: Option<Permission>,
}

/// A route a module registers: its method, path and permission, and its handler.
pub struct Route {
    spec: RouteSpec,
    handler: MethodRouter<AppState>,
}

impl Route {
    fn new(
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

    pub fn get<H: Handler<T, AppState>, T: 'static>(
        path: &'static str,
        permission: Permission,
        h: H,
    ) -> Route {
        Route::new("GET", path, Some(permission), get(h))
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(
        path: &'static str,
        permission: Permission,
        h: H,
    ) -> Route {
        Route::new("POST", path, Some(permission), post(h))
    }

    pub fn put<H: Handler<T, AppState>, T: 'static>(
        path: &'static str,
        permission: Permission,
        h: H,
    ) -> Route {
        Route::new("PUT", path, Some(permission), put(h))
    }

    /// A route open without signing in: only the sign-in page (and the shell's assets).
    pub fn public_get<H: Handler<T, AppState>, T: 'static>(path: &'static str, h: H) -> Route {
        Route::new("GET", path, None, get(h))
    }

    pub fn public_post<H: Handler<T, AppState>, T: 'static>(path: &'static str, h: H) -> Route {
        Route::new("POST", path, None, post(h))
    }
}

/// The routes of the application shell, outside any module.
fn shell() -> Vec<Route> {
    vec![
        Route::public_get("/static/passerelle.css", assets::css),
        Route::public_get("/static/htmx.min.js", assets::htmx),
        Route::public_get("/api/v1/openapi.json", api::openapi::document),
    ]
}

/// The shell's routes and those every module registers.
fn table() -> Vec<Route> {
    let mut routes = shell();
    for m in MODULES {
        routes.extend((m.routes)());
    }
    routes
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
