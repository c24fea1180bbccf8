//! The router's tier: the whole app called in process, without a port or a plugin, for the shapes
//! of its answers — problem documents for the API, pages for people, the fallbacks of each.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::runtime::Carmen;

/// The app over a fresh SQLite store with one city, `rivertown`.
async fn app(dir: &std::path::Path) -> axum::Router {
    let carmen = Carmen::open(&dir.join("carmen.db").to_string_lossy(), &dir.join("cache"))
        .await
        .unwrap();
    carmen
        .create_city(&carmen.console(), "rivertown", "Rivertown", None, None)
        .await
        .unwrap();
    super::app(carmen)
}

async fn answer(app: &axum::Router, request: Request<Body>) -> (StatusCode, String, Vec<u8>) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, kind, body.to_vec())
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

/// Checks that `app` answers `request` with `status` and a problem document of type
/// `urn:carmen:problem:{name}`.
async fn assert_problem(
    app: &axum::Router,
    request: Request<Body>,
    status: StatusCode,
    name: &str,
) {
    let (answered, kind, body) = answer(app, request).await;
    assert_eq!(answered, status);
    assert_eq!(kind, "application/problem+json");
    let problem: Value = serde_json::from_slice(&body).unwrap();
    assert!(
        problem["title"].is_string() && problem["status"].is_u64(),
        "{problem}"
    );
    assert_eq!(problem["type"], format!("urn:carmen:problem:{name}"));
}

#[tokio::test]
async fn unknown_routes_and_cities_answer_problem_documents() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path()).await;
    assert_problem(
        &app,
        get("/api/v1/no-such-route"),
        StatusCode::NOT_FOUND,
        "not-found",
    )
    .await;
    assert_problem(
        &app,
        get("/api/v1/cities/atlantis/services"),
        StatusCode::NOT_FOUND,
        "not-found",
    )
    .await;
    let (status, _, _) = answer(&app, get("/api/v1/cities/rivertown/services")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn malformed_json_and_unknown_tokens_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path()).await;
    let malformed = Request::post("/api/v1/cities/rivertown/sessions")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"email\": "))
        .unwrap();
    assert_problem(&app, malformed, StatusCode::BAD_REQUEST, "malformed-json").await;
    let forged = Request::get("/api/v1/cities/rivertown/cases")
        .header(header::AUTHORIZATION, "Bearer not-a-token")
        .body(Body::empty())
        .unwrap();
    assert_problem(&app, forged, StatusCode::UNAUTHORIZED, "unauthorized").await;
    // No credential.
    assert_problem(
        &app,
        get("/api/v1/cities/rivertown/cases"),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn people_get_pages_and_an_unknown_city_is_a_page_too() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path()).await;
    let (status, kind, body) = answer(&app, get("/rivertown/")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/html"), "{kind}");
    assert!(String::from_utf8_lossy(&body).contains("Rivertown"));
    let (status, kind, _) = answer(&app, get("/atlantis/")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(kind.starts_with("text/html"), "{kind}");
}
