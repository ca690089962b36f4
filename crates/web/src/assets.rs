//! Static assets, embedded in the binary: nothing is loaded from a CDN.

use axum::http::header;
use axum::response::IntoResponse;

const CSS: &str = include_str!("../assets/passerelle.css");
const HTMX: &str = include_str!("../assets/htmx.min.js");

pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
}

pub async fn htmx() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        HTMX,
    )
}
