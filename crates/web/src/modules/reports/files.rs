//! The activity report as files to download: HTML (opens in the browser, prints), PDF and
//! XLSX, computed on request. They hold aggregates only (no names), hence `ReportRead`.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use passerelle_db::access::structures::Which;
use passerelle_report::render::{FileError, Format};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};

/// The standalone HTML carries its own styles: it gets a policy of its own that allows them
/// and nothing else (no script, no request).
const HTML_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; form-action 'none'";

async fn send(
    state: AppState,
    user: CurrentUser,
    year: i32,
    format: Format,
) -> AppResult<Response> {
    if !passerelle_report::YEARS.contains(&year) {
        return Err(AppError::NotFound);
    }
    let sid = user.user.structure_id;
    let structure = passerelle_services::access::structure(&state.db, Which::Id(sid))
        .await?
        .name;
    let defs = passerelle_report::for_structure(&state.db, sid).await?;
    let bytes = passerelle_report::render::file(&state.db, sid, &structure, &defs, year, format)
        .await
        .map_err(|e| match e {
            FileError::Db(e) => AppError::from(e),
            FileError::Render(m) => AppError::Internal(m),
        })?;
    let disposition = match format {
        Format::Html => "inline",
        Format::Pdf | Format::Xlsx => "attachment",
    };
    let mut res = (
        [
            (CONTENT_TYPE, format.content_type().to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("{disposition}; filename=\"{}\"", format.file_name(year)),
            ),
        ],
        bytes,
    )
        .into_response();
    if format == Format::Html {
        res.headers_mut().insert(
            "content-security-policy",
            axum::http::HeaderValue::from_static(HTML_POLICY),
        );
    }
    Ok(res)
}

pub async fn html(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(year): Path<i32>,
) -> AppResult<Response> {
    send(state, user, year, Format::Html).await
}

pub async fn pdf(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(year): Path<i32>,
) -> AppResult<Response> {
    send(state, user, year, Format::Pdf).await
}

pub async fn xlsx(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(year): Path<i32>,
) -> AppResult<Response> {
    send(state, user, year, Format::Xlsx).await
}
