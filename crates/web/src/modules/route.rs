//! A route as a module registers it: method, path, the one permission it requires, and its
//! handler. The router (`routes`) and the permission tests read the same registrations.

use axum::handler::Handler;
use axum::routing::{MethodRouter, get, post, put};
use passerelle_domain::Permission;

use crate::state::AppState;

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
    pub(crate) spec: RouteSpec,
    pub(crate) handler: MethodRouter<AppState>,
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
