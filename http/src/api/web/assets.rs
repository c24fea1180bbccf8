//! The pages' static files, compiled into the binary: the stylesheet, the map script, and the
//! vendored map library (Leaflet 1.9.4, BSD-2-Clause, `assets/vendor/leaflet-1.9.4/LICENSE`).

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Every file served under `/assets/`: its path there, its type and its bytes.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "carmen.css",
        "text/css; charset=utf-8",
        include_bytes!("assets/carmen.css"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("assets/favicon.svg"),
    ),
    (
        "carmen-map.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/carmen-map.js"),
    ),
    (
        "carmen-suggest.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/carmen-suggest.js"),
    ),
    (
        "vendor/leaflet-1.9.4/leaflet.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/vendor/leaflet-1.9.4/leaflet.js"),
    ),
    (
        "vendor/leaflet-1.9.4/leaflet.css",
        "text/css; charset=utf-8",
        include_bytes!("assets/vendor/leaflet-1.9.4/leaflet.css"),
    ),
    (
        "vendor/leaflet-1.9.4/LICENSE",
        "text/plain; charset=utf-8",
        include_bytes!("assets/vendor/leaflet-1.9.4/LICENSE"),
    ),
    (
        "vendor/leaflet-1.9.4/images/layers.png",
        "image/png",
        include_bytes!("assets/vendor/leaflet-1.9.4/images/layers.png"),
    ),
    (
        "vendor/leaflet-1.9.4/images/layers-2x.png",
        "image/png",
        include_bytes!("assets/vendor/leaflet-1.9.4/images/layers-2x.png"),
    ),
    (
        "vendor/leaflet-1.9.4/images/marker-icon.png",
        "image/png",
        include_bytes!("assets/vendor/leaflet-1.9.4/images/marker-icon.png"),
    ),
    (
        "vendor/leaflet-1.9.4/images/marker-icon-2x.png",
        "image/png",
        include_bytes!("assets/vendor/leaflet-1.9.4/images/marker-icon-2x.png"),
    ),
    (
        "vendor/leaflet-1.9.4/images/marker-shadow.png",
        "image/png",
        include_bytes!("assets/vendor/leaflet-1.9.4/images/marker-shadow.png"),
    ),
];

/// `GET /assets/{file}`.
pub async fn file(Path(path): Path<String>) -> Response {
    match FILES.iter().find(|(name, _, _)| *name == path) {
        Some((_, kind, bytes)) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            response
        }
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}
