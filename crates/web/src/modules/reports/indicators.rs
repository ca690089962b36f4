//! A structure's own indicator definitions: the director adds or overrides indicators in the
//! format of the shipped files. A file is checked before it is saved (every problem shown next
//! to the text, nothing saved); at each report, an indicator that no longer checks is set aside
//! with the reason and the others are computed.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use passerelle_db::reports::indicator_files::{self, IndicatorFile};
use passerelle_domain::FieldErrors;
use passerelle_domain::reports::files::SaveMode;
use passerelle_domain::reports::indicator::IndicatorDef;
use passerelle_report::definitions::CHECKS;
use passerelle_services::By;
use passerelle_services::reports::{self, ReportsError};
use uuid::Uuid;

use super::errors::file_field_errors;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::{Notice, see_other};
use crate::view::{PageCtx, fr_datetime};

/// What a new file starts from: one indicator, with every key explained by the shipped files.
const EXAMPLE: &str = r#"[[indicator]]
id = "structure.entrees_roubaix"
version = 1
title = "Entrées dans le PLIE des habitants de Roubaix"
definition = "Parcours PLIE entrés dans l'année, personnes résidant à Roubaix."
population = "enrolments"
period = "entered"
measure = "count"
filters = { programme = "plie", commune = "59512" }
breakdowns = ["sex", "age_band", "qpv"]
"#;

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct FileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    source: String,
    /// The version the text was read at (empty for a new file).
    #[serde(default)]
    version: String,
}

pub struct InForce {
    pub def: IndicatorDef,
    pub custom: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/indicators.html")]
pub struct IndicatorsPage {
    ctx: PageCtx,
    files: Vec<(IndicatorFile, String)>,
    problems: Vec<String>,
    in_force: Vec<InForce>,
    /// The file being edited, if any.
    editing: Option<Uuid>,
    form: FileForm,
    errors: FieldErrors,
    /// On a conflict: the text saved meanwhile by someone else.
    saved_meanwhile: Option<String>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<Uuid>,
    form: FileForm,
    errors: FieldErrors,
    saved_meanwhile: Option<String>,
) -> AppResult<IndicatorsPage> {
    let s = user.user.structure_id;
    let defs = passerelle_report::for_structure(&state.db, s).await?;
    let files = indicator_files::list(&state.db, s)
        .await?
        .into_iter()
        .map(|f| {
            let at = fr_datetime(&f.updated_at);
            (f, at)
        })
        .collect();
    Ok(IndicatorsPage {
        ctx: PageCtx::new(user, "rapports"),
        files,
        problems: defs.problems.iter().map(|p| p.message.clone()).collect(),
        in_force: defs
            .defs
            .iter()
            .map(|d| InForce {
                custom: defs.is_custom(&d.id),
                def: d.clone(),
            })
            .collect(),
        editing,
        form,
        errors,
        saved_meanwhile,
    })
}

pub async fn list(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Query(n): Query<Notice>,
) -> AppResult<IndicatorsPage> {
    let form = FileForm {
        name: "structure.toml".into(),
        source: EXAMPLE.into(),
        version: String::new(),
    };
    let mut p = page(&state, &user, None, form, FieldErrors::new(), None).await?;
    p.ctx = p.ctx.with_notice(n.fait.as_deref());
    Ok(p)
}

pub async fn edit(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
) -> AppResult<IndicatorsPage> {
    let f = indicator_files::get(&state.db, user.user.structure_id, id).await?;
    let form = FileForm {
        name: f.name,
        source: f.source,
        version: f.version.to_string(),
    };
    page(&state, &user, Some(id), form, FieldErrors::new(), None).await
}

/// Saves a new file (`id` absent) or a new text for one; refused with the problems next to the
/// text, nothing saved.
async fn save(
    state: AppState,
    user: CurrentUser,
    id: Option<Uuid>,
    form: FileForm,
) -> AppResult<Response> {
    let form = FileForm {
        name: form.name.trim().to_owned(),
        ..form
    };
    let mode = match id {
        Some(id) => SaveMode::Update {
            id,
            version: form.version.trim().parse::<i64>().ok(),
        },
        None => SaveMode::Create,
    };
    let by = By::Staff(user.actor());
    let saved =
        reports::save_indicator_file(&state.db, &by, mode, &form.name, &form.source, CHECKS).await;
    match saved {
        Ok(_) => Ok(see_other("/rapports/indicateurs", "indicateurs").into_response()),
        Err(ReportsError::Refused(problems)) => {
            let errors = file_field_errors(&problems);
            let p = page(&state, &user, id, form, errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(ReportsError::Conflict) => {
            let Some(id) = id else {
                return Err(AppError::NotFound);
            };
            let stored = indicator_files::get(&state.db, user.user.structure_id, id).await?;
            let mut errors = FieldErrors::new();
            errors.add(
                "source",
                "Ce fichier a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert : rien n'est enregistré. Votre texte est conservé ici ; le texte enregistré est affiché dessous.",
            );
            let form = FileForm {
                version: stored.version.to_string(),
                ..form
            };
            let p = page(&state, &user, Some(id), form, errors, Some(stored.source)).await?;
            Ok((StatusCode::CONFLICT, p).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    axum::Form(form): axum::Form<FileForm>,
) -> AppResult<Response> {
    save(state, user, None, form).await
}

pub async fn update(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    axum::Form(form): axum::Form<FileForm>,
) -> AppResult<Response> {
    save(state, user, Some(id), form).await
}

pub async fn delete(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    reports::delete_indicator_file(&state.db, &user.actor(), id).await?;
    Ok(see_other("/rapports/indicateurs", "indicateurs-supprime").into_response())
}
