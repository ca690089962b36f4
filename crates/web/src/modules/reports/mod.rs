//! Reports: the figures, what each counts, publications, report files, the structure's
//! indicator files and the reports API.

pub mod api;
mod errors;
pub mod files;
pub mod indicators;
mod openapi;
pub mod pages;

use passerelle_domain::Permission;

use crate::modules::{MenuEntry, Module, Place, Route};

pub const MODULE: Module = Module {
    name: "reports",
    routes,
    api_doc: Some(openapi::api_doc),
    menu: &[MenuEntry {
        label: "Rapports",
        href: "/rapports",
        section: "rapports",
        permission: Permission::ReportRead,
        place: Place::Main,
        order: 60,
    }],
};

fn routes() -> Vec<Route> {
    use Permission::*;
    vec![
        Route::get("/rapports", ReportRead, pages::show),
        Route::get("/rapports/indicateurs", IndicatorManage, indicators::list),
        Route::post("/rapports/indicateurs", IndicatorManage, indicators::create),
        Route::get(
            "/rapports/indicateurs/{id}",
            IndicatorManage,
            indicators::edit,
        ),
        Route::post(
            "/rapports/indicateurs/{id}",
            IndicatorManage,
            indicators::update,
        ),
        Route::post(
            "/rapports/indicateurs/{id}/supprimer",
            IndicatorManage,
            indicators::delete,
        ),
        Route::get("/rapports/{year}/rapport.html", ReportRead, files::html),
        Route::get("/rapports/{year}/rapport.pdf", ReportRead, files::pdf),
        Route::get("/rapports/{year}/rapport.xlsx", ReportRead, files::xlsx),
        Route::post("/rapports/{year}/publier", ReportPublish, pages::publish),
        Route::get(
            "/rapports/publications/{id}",
            ReportExplain,
            pages::publication,
        ),
        Route::get(
            "/rapports/publications/{id}/{figure}",
            ReportExplain,
            pages::published_figure,
        ),
        Route::get("/rapports/{year}/{id}", ReportRead, pages::explain),
        Route::get("/api/v1/reports/{year}", ReportRead, api::annual),
    ]
}
