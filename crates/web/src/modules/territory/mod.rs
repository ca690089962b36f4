//! Territory: towns and dated QPV lists.

mod errors;
pub mod pages;

use passerelle_domain::Permission;

use crate::modules::{MenuEntry, Module, Place, Route};

pub const MODULE: Module = Module {
    name: "territory",
    routes,
    api_doc: None,
    menu: &[MenuEntry {
        label: "Territoire : communes et quartiers prioritaires",
        href: "/admin/territoire",
        section: "admin",
        permission: Permission::ReferenceDataManage,
        place: Place::Admin,
        order: 40,
    }],
};

fn routes() -> Vec<Route> {
    use Permission::*;
    vec![
        Route::get("/admin/territoire", ReferenceDataManage, pages::show),
        Route::post(
            "/admin/territoire/qpv",
            ReferenceDataManage,
            pages::import_qpv,
        ),
        Route::post(
            "/admin/territoire/communes",
            ReferenceDataManage,
            pages::import_communes,
        ),
    ]
}
