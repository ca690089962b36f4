//! Pathways: referrals, the enrolment page and its actions, the caseload, access committees,
//! programmes, and the pathways API.

pub mod api;
pub mod committees;
mod errors;
mod openapi;
pub mod pages;
pub mod programmes;

use passerelle_domain::Permission;

use crate::modules::{MenuEntry, Module, Place, Route};

pub const MODULE: Module = Module {
    name: "pathways",
    routes,
    api_doc: Some(openapi::api_doc),
    menu: &[
        MenuEntry {
            label: "Parcours",
            href: "/parcours",
            section: "parcours",
            permission: Permission::PathwayRead,
            place: Place::Main,
            order: 20,
        },
        MenuEntry {
            label: "Dispositifs : critères, durées",
            href: "/admin/dispositifs",
            section: "admin",
            permission: Permission::ProgrammeManage,
            place: Place::Admin,
            order: 30,
        },
    ],
};

fn routes() -> Vec<Route> {
    let groups = [
        page_routes(),
        committee_routes(),
        programme_routes(),
        api_routes(),
    ];
    groups.into_iter().flatten().collect()
}

/// The caseload, referral and the enrolment page with its actions.
fn page_routes() -> Vec<Route> {
    use Permission::*;
    vec![
        Route::get("/parcours", PathwayRead, pages::caseload),
        Route::get("/parcours/orienter", PathwayWrite, pages::referral_form),
        Route::post("/parcours", PathwayWrite, pages::refer),
        Route::get("/parcours/{id}", PathwayRead, pages::show),
        Route::post("/parcours/{id}/proposer", PathwayWrite, pages::propose),
        Route::post("/parcours/{id}/sortie", PathwayWrite, pages::exit),
        Route::post("/parcours/{id}/suivi", PathwayWrite, pages::follow_up),
        Route::post("/parcours/{id}/referent", ReferentAssign, pages::assign),
        Route::post(
            "/parcours/{id}/rendez-vous",
            PathwayWrite,
            pages::add_appointment,
        ),
        Route::post(
            "/parcours/{id}/diagnostic",
            PathwayWrite,
            pages::add_diagnosis,
        ),
        Route::post(
            "/parcours/{id}/objectifs/{objective}/etat",
            PathwayWrite,
            pages::set_objective_status,
        ),
        Route::post(
            "/parcours/{id}/objectifs",
            PathwayWrite,
            pages::add_objective,
        ),
        Route::post("/parcours/{id}/etapes", PathwayWrite, pages::add_step),
        Route::post("/parcours/{id}/contrats", PathwayWrite, pages::add_contract),
        Route::get(
            "/parcours/{id}/contrats/{contract}",
            PathwayWrite,
            pages::edit_contract,
        ),
        Route::post(
            "/parcours/{id}/contrats/{contract}",
            PathwayWrite,
            pages::update_contract,
        ),
    ]
}

/// Access committees: their decisions and exit reviews.
fn committee_routes() -> Vec<Route> {
    use Permission::*;
    vec![
        Route::get("/comites", CommitteeManage, committees::list),
        Route::post("/comites", CommitteeManage, committees::create),
        Route::get("/comites/{id}", CommitteeManage, committees::show),
        Route::post(
            "/comites/{id}/sorties",
            CommitteeManage,
            committees::review_exit,
        ),
        Route::post(
            "/comites/{id}/decisions",
            CommitteeManage,
            committees::decide,
        ),
    ]
}

/// The programmes, as the admin edits them.
fn programme_routes() -> Vec<Route> {
    use Permission::*;
    vec![
        Route::get("/admin/dispositifs", ProgrammeManage, programmes::list),
        Route::get("/admin/dispositifs/{id}", ProgrammeManage, programmes::edit),
        Route::post(
            "/admin/dispositifs/{id}",
            ProgrammeManage,
            programmes::update,
        ),
    ]
}

/// `/api/v1` for pathways.
fn api_routes() -> Vec<Route> {
    use Permission::*;
    vec![
        Route::get("/api/v1/programmes", PathwayRead, api::programmes_list),
        Route::get(
            "/api/v1/persons/{id}/enrolments",
            PathwayRead,
            api::of_person,
        ),
        Route::post("/api/v1/enrolments", PathwayWrite, api::refer),
        Route::get("/api/v1/enrolments/{id}", PathwayRead, api::show),
        Route::post(
            "/api/v1/enrolments/{id}/transitions",
            PathwayWrite,
            api::transition,
        ),
        Route::post("/api/v1/enrolments/{id}/steps", PathwayWrite, api::add_step),
        Route::post(
            "/api/v1/enrolments/{id}/contracts",
            PathwayWrite,
            api::add_contract,
        ),
        Route::post("/api/v1/committees", CommitteeManage, api::create_meeting),
        Route::post(
            "/api/v1/committees/{id}/decisions",
            CommitteeManage,
            api::decide,
        ),
    ]
}
