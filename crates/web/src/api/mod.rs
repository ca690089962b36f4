//! The JSON API (`/api/v1`), authenticated by per-user tokens, with the same permissions and
//! audit as the pages. Each module keeps its own handlers in `modules/<name>/api.rs`.

pub mod openapi;

use axum::body::Bytes;
use serde::de::DeserializeOwned;

use crate::error::{ApiResult, AppError};

/// Parses a JSON body, answering 400 in French when it is not JSON of the expected shape.
pub fn parse_json<T: DeserializeOwned>(body: &Bytes) -> ApiResult<T> {
    serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(format!("Corps JSON illisible : {e}")).into())
}
