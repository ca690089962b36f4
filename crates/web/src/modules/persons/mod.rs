//! Persons: the register, its dated situations and the persons API.

pub mod api;
mod errors;
mod openapi;
pub mod pages;
pub mod situations;

use passerelle_domain::Permission;

use crate::modules::{MenuEntry, Module, Place, Route};

pub const MODULE: Module = Module {
    name: "persons",
    routes,
    api_doc: Some(openapi::api_doc),
    menu: &[MenuEntry {
        label: "Personnes",
        href: "/personnes",
        section: "personnes",
        permission: Permission::PersonRead,
        place: Place::Main,
        order: 10,
    }],
};

fn routes() -> Vec<Route> {
    use Permission::*;
    vec![
        Route::get("/personnes", PersonRead, pages::list),
        Route::get("/personnes/nouvelle", PersonWrite, pages::new_form),
        Route::post("/personnes", PersonWrite, pages::create),
        Route::get("/personnes/{id}", PersonRead, pages::show),
        Route::get("/personnes/{id}/modifier", PersonWrite, pages::edit_form),
        Route::post("/personnes/{id}", PersonWrite, pages::update),
        Route::post("/personnes/{id}/supprimer", PersonDelete, pages::delete),
        Route::get(
            "/personnes/{id}/situations/nouvelle",
            SituationWrite,
            situations::new_form,
        ),
        Route::post(
            "/personnes/{id}/situations",
            SituationWrite,
            situations::create,
        ),
        Route::get("/api/v1/persons", PersonRead, api::list),
        Route::post("/api/v1/persons", PersonWrite, api::create),
        Route::get("/api/v1/persons/{id}", PersonRead, api::show),
        Route::put("/api/v1/persons/{id}", PersonWrite, api::update),
    ]
}
