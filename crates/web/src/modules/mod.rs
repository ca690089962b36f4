//! The business modules of the web layer. Each one registers what it adds to the application:
//! its routes (each with the one permission it requires) and its menu entries. The router, the
//! menu and the route × role permission test are built from [`MODULES`]; adding a module is
//! one line here (see ARCHITECTURE.md, "Adding a module").

pub mod access;
pub mod audit;
pub mod home;
mod menu;
pub mod pathways;
pub mod persons;
pub mod reports;
mod route;
pub mod territory;

pub use crate::view::MenuLink;
pub use menu::{MenuEntry, Place, admin_menu, entries, main_menu};
pub use route::{Route, RouteSpec};

/// What a module registers.
pub struct Module {
    /// The module's name, the same in every layer (`persons`, `pathways`…).
    pub name: &'static str,
    pub routes: fn() -> Vec<Route>,
    pub menu: &'static [MenuEntry],
    /// Its part of the OpenAPI document, if it has API routes.
    pub api_doc: Option<fn() -> crate::api::openapi::ApiDoc>,
}

/// Every module, in menu order.
pub const MODULES: &[Module] = &[
    home::MODULE,
    persons::MODULE,
    pathways::MODULE,
    reports::MODULE,
    access::MODULE,
    territory::MODULE,
    audit::MODULE,
];
