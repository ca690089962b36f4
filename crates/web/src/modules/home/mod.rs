//! Home: the page each role opens first.

pub mod pages;

use passerelle_domain::Permission;

use crate::modules::{MenuEntry, Module, Place, Route};

pub const MODULE: Module = Module {
    name: "home",
    routes,
    api_doc: None,
    menu: &[MenuEntry {
        label: "Accueil",
        href: "/",
        section: "accueil",
        permission: Permission::SignedIn,
        place: Place::Main,
        order: 0,
    }],
};

fn routes() -> Vec<Route> {
    use Permission::*;
    vec![Route::get("/", SignedIn, pages::show)]
}
