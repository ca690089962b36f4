//! Reference data of the territory: the town table and the dated versions of the QPV list,
//! imported by an administrator from CSV text.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use passerelle_domain::french;
use passerelle_services::By;
use passerelle_services::territory::{self, QpvImport, TerritoryError};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::pages::{Notice, see_other};
use crate::view::PageCtx;

pub struct VersionRow {
    pub version: String,
    pub count: usize,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct QpvForm {
    #[serde(default)]
    list_version: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_to: String,
    #[serde(default)]
    csv: String,
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct CommunesForm {
    #[serde(default)]
    csv: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "territory/territory.html")]
pub struct TerritoryPage {
    ctx: PageCtx,
    communes: usize,
    versions: Vec<VersionRow>,
    qpv: QpvForm,
    communes_csv: String,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    qpv: QpvForm,
    communes_csv: String,
    error: Option<String>,
) -> TerritoryPage {
    let t = state.territory().await;
    let mut versions: Vec<VersionRow> = Vec::new();
    for q in &t.qpvs {
        match versions.iter_mut().find(|v| v.version == q.list_version) {
            Some(v) => v.count += 1,
            None => versions.push(VersionRow {
                version: q.list_version.clone(),
                count: 1,
                from: french::date(q.valid_from),
                to: q
                    .valid_to
                    .map(french::date)
                    .unwrap_or_else(|| "en vigueur".into()),
            }),
        }
    }
    TerritoryPage {
        ctx: PageCtx::new(user, "admin"),
        communes: t.communes.len(),
        versions,
        qpv,
        communes_csv,
        error,
    }
}

pub async fn show(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Query(n): Query<Notice>,
) -> TerritoryPage {
    let mut p = page(&state, &user, QpvForm::default(), String::new(), None).await;
    p.ctx = p.ctx.with_notice(n.fait.as_deref());
    p
}

async fn refused(
    state: &AppState,
    user: &CurrentUser,
    qpv: QpvForm,
    communes_csv: String,
    error: String,
) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        page(state, user, qpv, communes_csv, Some(error)).await,
    )
        .into_response()
}

pub async fn import_qpv(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Form(f): Form<QpvForm>,
) -> AppResult<Response> {
    let Some(from) = french::parse_date(&f.valid_from) else {
        return Ok(refused(
            &state,
            &user,
            f,
            String::new(),
            "Indiquez la date d'entrée en vigueur de la liste.".into(),
        )
        .await);
    };
    let to = match f.valid_to.trim() {
        "" => None,
        raw => match french::parse_date(raw) {
            Some(d) => Some(d),
            None => {
                return Ok(refused(
                    &state,
                    &user,
                    f,
                    String::new(),
                    "Date de fin invalide (jj/mm/aaaa).".into(),
                )
                .await);
            }
        },
    };
    let by = By::Staff(user.actor());
    let import = QpvImport {
        version: &f.list_version,
        valid_from: from,
        valid_to: to,
        csv: &f.csv,
    };
    match territory::import_qpv_list(&state.db, Some(&by), import).await {
        Ok(_) => {}
        Err(TerritoryError::Refused(e)) => {
            return Ok(refused(&state, &user, f, String::new(), e.to_string()).await);
        }
        Err(e) => return Err(e.into()),
    }
    state.reload_territory().await?;
    Ok(see_other("/admin/territoire", "qpv").into_response())
}

pub async fn import_communes(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Form(f): Form<CommunesForm>,
) -> AppResult<Response> {
    let by = By::Staff(user.actor());
    match territory::import_communes(&state.db, Some(&by), &f.csv).await {
        Ok(_) => {
            state.reload_territory().await?;
            Ok(see_other("/admin/territoire", "communes").into_response())
        }
        Err(TerritoryError::Refused(e)) => {
            Ok(refused(&state, &user, QpvForm::default(), f.csv, e.to_string()).await)
        }
        Err(e) => Err(e.into()),
    }
}
