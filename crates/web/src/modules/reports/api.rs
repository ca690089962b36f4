//! `/api/v1/reports/{year}`: the figures of the annual report as JSON, for a funder's tool or
//! a spreadsheet-free consolidation. Figures and breakdowns only, never names; `public=true`
//! applies the small-count suppression of public exports.

use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use passerelle_domain::reports::suppression::{DEFAULT_THRESHOLD, check_threshold};
use serde_json::Value;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};

#[derive(Debug, Default, serde::Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    public: bool,
    threshold: Option<i64>,
}

pub async fn annual(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(year): Path<i32>,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Json<Value>> {
    if !passerelle_report::YEARS.contains(&year) {
        return Err(AppError::NotFound.into());
    }
    let threshold =
        check_threshold(q.threshold.unwrap_or(DEFAULT_THRESHOLD)).map_err(AppError::Refused)?;
    let s = user.user.structure_id;
    let defs = passerelle_report::for_structure(&state.db, s).await?;
    let mut report = passerelle_report::build(&state.db, s, &defs.defs, year).await?;
    passerelle_report::with_breakdowns(&state.db, s, &defs.defs, &mut report).await?;
    let mut out = if q.public {
        passerelle_report::public_json(&report, &defs.defs, threshold)
    } else {
        serde_json::to_value(&report).map_err(|e| AppError::Internal(e.to_string()))?
    };
    out["set_aside"] = serde_json::to_value(&defs.problems).unwrap_or_default();
    Ok(Json(out))
}
