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

/// One option of a select list or a group of radio buttons.
pub struct Choice {
    pub code: String,
    pub label: String,
}

/// The options of a select list of a coded enum: every value, its code and French label,
/// generated from the domain's list so that no form writes one by hand.
pub fn choices<T: passerelle_domain::Coded>() -> Vec<Choice> {
    choices_of(T::ALL.iter().copied())
}

/// The options for some values of a coded enum (those a programme allows…), in the order given.
pub fn choices_of<T: passerelle_domain::Coded>(values: impl IntoIterator<Item = T>) -> Vec<Choice> {
    values
        .into_iter()
        .map(|v| Choice {
            code: v.code().to_owned(),
            label: v.label().to_owned(),
        })
        .collect()
}
