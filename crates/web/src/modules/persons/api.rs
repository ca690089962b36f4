//! `/api/v1/persons`: list with filters and pagination, get, create, update.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use passerelle_db::audit::record_view;
use passerelle_db::{DbError, persons, persons::search};
use passerelle_domain::FieldErrors;
use passerelle_domain::persons::PERSON;
use passerelle_domain::persons::{Person, PersonInput};
use uuid::Uuid;

use crate::AppState;
use crate::api::parse_json;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, AppError};
use crate::modules::persons::pages::ListQuery;
use passerelle_domain::clock::today;
use passerelle_services::persons::{self as persons_service, Duplicates, PersonsError};

pub const MAX_PER_PAGE: i64 = 200;

#[derive(Debug, Default, serde::Deserialize)]
pub struct ApiListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    commune: String,
    #[serde(default)]
    qpv: String,
    #[serde(default)]
    age_band: String,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[derive(serde::Serialize)]
struct PersonList {
    items: Vec<Person>,
    total: i64,
    page: i64,
    per_page: i64,
}

pub async fn list(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Query(q): Query<ApiListQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    let per_page = q.per_page.unwrap_or(50);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        let e = FieldErrors::one("per_page", format!("De 1 à {MAX_PER_PAGE} par page."));
        return Err(ApiError::from(AppError::Invalid(e)));
    }
    let page = q.page.unwrap_or(1);
    let lq = ListQuery {
        q: q.q,
        commune: q.commune,
        qpv: q.qpv,
        age: q.age_band,
        page: Some(page),
        fait: None,
    };
    let filter = lq
        .filter(per_page, &*state.territory().await, "age_band")
        .map_err(|e| ApiError::from(AppError::Invalid(e)))?;
    let found = search::search(&state.db, user.user.structure_id, &filter).await?;
    Ok(Json(
        serde_json::to_value(PersonList {
            items: found.persons,
            total: found.total,
            page,
            per_page,
        })
        .map_err(|e| AppError::Internal(e.to_string()))?,
    ))
}

pub async fn show(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Person>> {
    let api = |e: DbError| ApiError::from(e);
    let p = persons::get(&state.db, user.user.structure_id, id)
        .await
        .map_err(api)?;
    record_view(&state.db, &user.actor(), PERSON.code, id)
        .await
        .map_err(api)?;
    Ok(Json(p))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct CreateQuery {
    /// `true` to create despite a look-alike in the register.
    #[serde(default)]
    allow_duplicate: bool,
}

fn duplicates_response(dups: Vec<Person>) -> Response {
    (
        StatusCode::CONFLICT,
        Json(serde_json::json!({
            "error": "Cette personne ressemble à une fiche existante ; passez allow_duplicate=true s'il s'agit d'une autre personne.",
            "duplicates": dups,
        })),
    )
        .into_response()
}

pub async fn create(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Query(cq): Query<CreateQuery>,
    body: Bytes,
) -> ApiResult<Response> {
    let input: PersonInput = parse_json(&body)?;
    let fields = input
        .validate(&*state.territory().await, today())
        .map_err(|e| ApiError::from(AppError::Invalid(e)))?;
    let duplicates = if cq.allow_duplicate {
        Duplicates::Allow
    } else {
        Duplicates::Warn
    };
    let p = match persons_service::register(&state.db, &user.actor(), &fields, duplicates).await {
        Ok(p) => p,
        Err(PersonsError::LooksLike(found)) => return Ok(duplicates_response(found)),
        Err(e) => return Err(ApiError::from(AppError::from(e))),
    };
    Ok((StatusCode::CREATED, Json(p)).into_response())
}

#[derive(serde::Deserialize)]
struct UpdateBody {
    #[serde(flatten)]
    input: PersonInput,
    version: Option<i64>,
}

/// Replaces a person's fields. `version` must be the one read: a stale version gets 409 with
/// the current record, and nothing is written.
pub async fn update(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> ApiResult<Response> {
    let api = |e: DbError| ApiError::from(e);
    let b: UpdateBody = parse_json(&body)?;
    let Some(version) = b.version else {
        let mut e = FieldErrors::new();
        e.add("version", "Indiquez la version lue (champ version), pour ne pas écraser une modification concurrente.");
        return Err(ApiError::from(AppError::Invalid(e)));
    };
    let fields = b
        .input
        .validate(&*state.territory().await, today())
        .map_err(|e| ApiError::from(AppError::Invalid(e)))?;
    let actor = user.actor();
    match persons_service::update(&state.db, &actor, id, version, &fields, Duplicates::Allow).await
    {
        Ok(p) => Ok(Json(p).into_response()),
        Err(PersonsError::Conflict) => {
            let current = persons::get(&state.db, user.user.structure_id, id)
                .await
                .map_err(api)?;
            Ok((
                StatusCode::CONFLICT,
                Json(serde_json::json!({
                    "error": "La fiche a été modifiée entre-temps : relisez-la et renvoyez vos changements avec sa version actuelle.",
                    "current": current,
                })),
            )
                .into_response())
        }
        Err(e) => Err(ApiError::from(AppError::from(e))),
    }
}
