//! Access: signing in and out, one's password, staff accounts and API tokens.

pub mod account;
pub mod admin;
mod errors;
pub mod signin;

use passerelle_domain::Permission;

use crate::modules::{MenuEntry, Module, Place, Route};

pub const MODULE: Module = Module {
    name: "access",
    routes,
    api_doc: None,
    menu: &[
        MenuEntry {
            label: "Comptes et sessions",
            href: "/admin/utilisateurs",
            section: "admin",
            permission: Permission::UserManage,
            place: Place::Admin,
            order: 10,
        },
        MenuEntry {
            label: "Jetons d'API",
            href: "/admin/jetons",
            section: "admin",
            permission: Permission::ApiTokenManage,
            place: Place::Admin,
            order: 20,
        },
    ],
};

fn routes() -> Vec<Route> {
    use Permission::*;
    vec![
        Route::public_get("/connexion", signin::form),
        Route::public_post("/connexion", signin::submit),
        Route::post("/deconnexion", SignedIn, signin::sign_out),
        Route::get("/compte/mot-de-passe", SignedIn, account::password_form),
        Route::post("/compte/mot-de-passe", SignedIn, account::change_password),
        Route::get("/admin/utilisateurs", UserManage, admin::users),
        Route::post("/admin/utilisateurs", UserManage, admin::create_user),
        Route::post("/admin/utilisateurs/{id}", UserManage, admin::update_user),
        Route::post(
            "/admin/utilisateurs/{id}/revoquer-sessions",
            UserManage,
            admin::revoke_sessions,
        ),
        Route::post(
            "/admin/utilisateurs/{id}/mot-de-passe",
            UserManage,
            admin::reset_password,
        ),
        Route::get("/admin/jetons", ApiTokenManage, admin::tokens),
        Route::post("/admin/jetons", ApiTokenManage, admin::create_token),
        Route::post(
            "/admin/jetons/{id}/revoquer",
            ApiTokenManage,
            admin::revoke_token,
        ),
    ]
}
