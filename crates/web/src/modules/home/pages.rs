//! The home page.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Query, State};
use passerelle_domain::Permission;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::modules::MenuLink;
use crate::pages::Notice;
use crate::view::PageCtx;

#[derive(Template, WebTemplate)]
#[template(path = "home/home.html")]
pub struct HomePage {
    ctx: PageCtx,
    person_count: String,
    can_persons: bool,
    /// The administration pages this user may open, as the modules register them.
    admin: Vec<MenuLink>,
}

pub async fn show(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Query(n): Query<Notice>,
) -> AppResult<HomePage> {
    let person_count = if user.can(Permission::PersonRead) {
        passerelle_db::persons::count(&state.db, user.user.structure_id).await?
    } else {
        0
    };
    Ok(HomePage {
        ctx: PageCtx::new(&user, "accueil").with_notice(n.fait.as_deref()),
        person_count: passerelle_domain::french::integer(person_count),
        can_persons: user.can(Permission::PersonRead),
        admin: crate::modules::admin_menu(&user),
    })
}
