//! The French pages, one module per feature.

pub mod account;
pub mod admin;
pub mod audit;
pub mod committees;
pub mod home;
pub mod indicators;
pub mod pathways;
pub mod persons;
pub mod programmes;
pub mod report_files;
pub mod reports;
pub mod signin;
pub mod situations;
pub mod territory;

use axum::response::Redirect;

/// After a successful POST, go to `path` and show a confirmation once (`?fait=code`).
pub fn see_other(path: &str, notice: &str) -> Redirect {
    let sep = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{sep}fait={notice}"))
}

/// The optional `?fait=` query of a page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Notice {
    pub fait: Option<String>,
}
