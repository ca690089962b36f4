//! What the French pages of every module share: redirect after a POST with a confirmation,
//! the notice it carries, a choice of a select list.

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

pub struct Choice {
    pub code: String,
    pub label: String,
}
