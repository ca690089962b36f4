//! The web layer: the axum router, sign-in and sessions, CSRF, the French pages and the JSON
//! API. Handlers stay thin: they parse, call the domain and the storage, and render.
//!
//! The shared modules depend on each other one way (a test, `layers`, keeps it so):
//! `request_id` ← `view` ← `error` ← `auth` ← `guard` ← `input`, with `state` under `auth`;
//! `modules` (each business module's pages, API and registration: routes and menu) uses them
//! all; `routes` builds the router from `modules`. This file only declares and re-exports.

pub mod api;
pub mod assets;
pub mod auth;
pub mod error;
pub mod filters;
pub mod guard;
pub mod input;
#[cfg(test)]
mod layers;
pub mod modules;
pub mod openapi;
pub mod pages;
pub mod request_id;
pub mod routes;
pub mod signin_limit;
pub mod state;
pub mod view;

pub use modules::RouteSpec;
pub use routes::{build_app, route_specs};
pub use state::{AppState, WebConfig};
