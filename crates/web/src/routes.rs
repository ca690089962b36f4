//! The route table: the shell's routes and those each module registers, every one with the one
//! permission it requires. The router is built from this table and the tests walk the same
//! table for every role, so no route can escape the guard.

use axum::Router;
use axum::middleware::from_fn_with_state;

use crate::error::AppError;
use crate::modules::{MODULES, Route, RouteSpec};
use crate::state::AppState;
use crate::{assets, guard, openapi};

/// The routes of the application shell, outside any module.
fn shell() -> Vec<Route> {
    vec![
        Route::public_get("/static/passerelle.css", assets::css),
        Route::public_get("/static/htmx.min.js", assets::htmx),
        Route::public_get("/api/v1/openapi.json", openapi::document),
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

/// The whole application, as the binary serves it and the tests drive it.
pub fn build_app(state: AppState) -> Router {
    router(state)
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
            crate::input::answer(guard::is_api(uri.path()), AppError::NotFound)
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
    fn every_api_route_is_documented() {
        let doc = crate::openapi::spec();
        for r in route_specs() {
            let Some(rest) = r.path.strip_prefix("/api/v1") else {
                continue;
            };
            if rest == "/openapi.json" {
                continue;
            }
            let op = &doc["paths"][rest][r.method.to_lowercase()];
            assert!(
                op.is_object(),
                "{} {} missing from the OpenAPI document",
                r.method,
                r.path
            );
        }
    }

    #[test]
    fn methods_are_known() {
        for r in route_specs() {
            assert!(matches!(r.method, "GET" | "POST" | "PUT"), "{}", r.method);
        }
    }
}
