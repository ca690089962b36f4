//! Audit: the trail of changes and views.

pub mod pages;

use passerelle_domain::Permission;

use crate::modules::{MenuEntry, Module, Place, Route};

pub const MODULE: Module = Module {
    name: "audit",
    routes,
    api_doc: None,
    menu: &[MenuEntry {
        label: "Journal d'audit",
        href: "/admin/journal",
        section: "admin",
        permission: Permission::AuditRead,
        place: Place::Admin,
        order: 50,
    }],
};

fn routes() -> Vec<Route> {
    use Permission::*;
    vec![Route::get("/admin/journal", AuditRead, pages::list)]
}
