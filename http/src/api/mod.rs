//! The HTTP surface: the JSON API under `/api/v1/`. One route table; a handler per action.

mod admin;
mod articles;
pub(crate) mod auth;
mod citizens;
mod city_path;
mod guard;
#[cfg(test)]
mod in_process;
mod moved;
mod open311;
mod openapi;
mod operator;
mod problem;
mod registry;
mod requests;
mod services;
pub(crate) mod sessions;
mod shared_limits;
mod staff;
pub(crate) mod views;
pub mod web;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts};
use axum::http::StatusCode;
use axum::routing::{get, post};

pub use guard::{Client, HttpPolicy, RateLimits, parse_proxy, protect_router, too_many};
pub use problem::ApiError;

use crate::runtime::Carmen;

/// Largest request body, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A JSON body whose rejections answer as problem documents. Every body of this API is an
/// object: an array is refused, never taken field by field in order (as serde would).
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(value) =
            axum::Json::<serde_json::Value>::from_request(request, state).await?;
        let shape = |detail: String| {
            ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-json-shape",
                "The JSON does not have the expected shape",
                detail,
            )
        };
        if !value.is_object() {
            return Err(shape("the body is a JSON object ({...})".into()));
        }
        serde_json::from_value(whole_numbers(value))
            .map(ApiJson)
            .map_err(|e| {
                shape(format!(
                    "the body does not fit: {}",
                    in_words(&e.to_string())
                ))
            })
    }
}

/// `value` with every number written with a zero fraction (`5.0`) as the whole number it is:
/// JSON Schema's `integer` takes both, and so does this API.
fn whole_numbers(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.007e15 => {
                Value::from(f as i64)
            }
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(whole_numbers).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(k, v)| (k, whole_numbers(v)))
                .collect(),
        ),
        other => other,
    }
}

/// A deserializer's message in the API's words, not Rust's (`expected u32` is `expected a whole
/// number of 0 or more`).
fn in_words(message: &str) -> String {
    [
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected u16", "expected a whole number of 0 or more"),
        ("expected u32", "expected a whole number of 0 or more"),
        ("expected u64", "expected a whole number of 0 or more"),
        ("expected i32", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected f32", "expected a number"),
        ("expected a boolean", "expected true or false"),
        ("expected struct ", "expected an object: "),
        ("expected a sequence", "expected a list"),
        ("expected a map", "expected an object"),
    ]
    .iter()
    .fold(message.to_string(), |text, (rust, words)| {
        text.replace(rust, words)
    })
}

/// Path parameters whose rejections (an id that is no number) answer as problem documents.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// A query string whose rejections answer as problem documents.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// A path segment decoded as the router decodes it (`%72ivertown` is `rivertown`).
fn decoded(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .to_string()
}

/// Answers 404 for a route of a city that does not exist, before anything else of the request is
/// looked at (its body, its caller): every route under `/api/v1/cities/{city}/` agrees on that.
async fn known_city(
    axum::extract::State(carmen): axum::extract::State<Carmen>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    // The routes of a city are nested: the path as asked is the original one.
    let path = match request.extensions().get::<axum::extract::OriginalUri>() {
        Some(original) => original.path(),
        None => request.uri().path(),
    };
    let slug = path
        .strip_prefix("/api/v1/cities/")
        .and_then(|rest| rest.split('/').next())
        .filter(|slug| !slug.is_empty())
        .map(decoded);
    if let Some(slug) = slug {
        match carmen.known_city(&slug).await {
            Ok(_) => {}
            Err(e) => return ApiError::from(e).into_response(),
        }
    }
    next.run(request).await
}

/// Counts every answered request for `/metrics`: method, status class, time.
async fn measured(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = request.method().as_str().to_string();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    crate::metrics::http_request(
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// `GET /metrics`: the host's metrics in Prometheus' text format, for the operator's token.
async fn metrics(
    axum::extract::State(carmen): axum::extract::State<Carmen>,
    caller: auth::Caller,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    caller.operator()?;
    let text = carmen.metrics_text().await?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response())
}

/// The application with the default HTTP policy.
pub fn app(carmen: Carmen) -> Router {
    app_with(carmen, HttpPolicy::default())
}

/// The application: every route, with its shared state, behind the protections of `policy`.
/// Serve it with `into_make_service_with_connect_info::<SocketAddr>()` so that limits per
/// client address apply.
pub fn app_with(carmen: Carmen, policy: HttpPolicy) -> Router {
    let limits = if carmen.shares_rate_limits() {
        let limits = std::sync::Arc::new(RateLimits::across_nodes(&policy));
        shared_limits::share_through(&limits, carmen.clone());
        limits
    } else {
        std::sync::Arc::new(RateLimits::new(&policy))
    };
    guard::protect_with(routes(carmen), policy, limits)
}

fn routes(carmen: Carmen) -> Router {
    use axum::routing::{delete, put};
    let public = Router::new()
        .route("/services", get(services::list))
        .route("/services/{code}", get(services::show))
        .route("/services/{code}/requests", post(requests::create))
        .route("/requests/{id}", get(requests::show))
        .route("/articles", get(articles::list).post(articles::create))
        .route("/articles/{id}", get(articles::show).put(articles::update))
        .route("/search", get(articles::search))
        .route(
            "/saved-replies",
            get(articles::replies).post(articles::save_reply),
        )
        .route("/saved-replies/{id}", put(articles::resave_reply))
        .route("/cases/{id}/saved-replies/{reply}", get(articles::filled))
        .route("/cases/{id}/suggestions", get(articles::suggestions));
    let people = Router::new()
        .route("/sessions", post(sessions::city_sign_in))
        .route("/citizens", post(citizens::register))
        .route("/me", get(citizens::me).delete(citizens::erase))
        .route("/me/requests", get(citizens::my_requests))
        .route("/me/export", get(citizens::export))
        .route("/me/preferences", put(citizens::set_preferences))
        .route("/me/follows", get(citizens::follows).post(citizens::follow))
        .route("/me/follows/{id}", delete(citizens::unfollow))
        .route("/me/verify", post(citizens::verify))
        .route("/me/verify/resend", post(citizens::resend))
        .route("/requests/{id}/messages", post(citizens::message))
        .route("/requests/{id}/accept", post(citizens::accept))
        .route("/requests/{id}/reject", post(citizens::reject))
        .route("/requests/{id}/rating", axum::routing::put(citizens::rate));
    let staff = Router::new()
        .route("/cases", get(staff::queue))
        .route("/cases/{id}", get(staff::show))
        .route("/cases/{id}/status", post(staff::change_status))
        .route("/cases/{id}/messages", post(staff::post_message))
        .route("/cases/{id}/assign", post(admin::assign))
        .route(
            "/departments",
            get(admin::list_departments).post(admin::add_department),
        )
        .route("/routes", put(admin::set_route))
        .route("/settings", put(admin::city_settings))
        .route("/inbound/email", post(admin::inbound_email))
        .route(
            "/delivery",
            get(admin::delivery_settings).put(admin::set_delivery_settings),
        )
        .route("/services/{code}/settings", put(admin::service_settings))
        .route("/users", post(staff::add_user))
        .route("/api-keys", post(admin::issue_key))
        .route("/api-keys/{key}", delete(admin::revoke_key))
        .route("/audit", get(staff::audit_log))
        .route("/evaluation", get(staff::evaluation))
        .route("/registry/installs", post(registry::install))
        .route(
            "/registry/installs/{package}/upgrade",
            post(registry::upgrade),
        )
        .route(
            "/registry/installs/{package}/rollback",
            post(registry::rollback),
        )
        .route(
            "/registry/installs/{package}/evidence",
            post(registry::publish_evidence),
        )
        .route("/registry/installs/{package}", delete(registry::uninstall))
        .route("/registry/jobs/{id}", get(registry::job));
    // Every route of one city, under its path: a city that does not exist is 404 first.
    let city = public
        .merge(people)
        .merge(staff)
        .route_layer(axum::middleware::from_fn_with_state(
            carmen.clone(),
            known_city,
        ));
    let api = Router::new()
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/api/v1/cities", get(services::cities))
        .route(
            "/api/v1/operator/sessions",
            post(sessions::operator_sign_in),
        )
        .route("/api/v1/operator/cities", post(operator::create_city))
        .route("/api/v1/sessions/current", delete(sessions::sign_out))
        .nest("/api/v1/cities/{city}", city);
    api.merge(open311::routes())
        .merge(web::routes())
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics))
        .fallback(async || ApiError::not_found("no such route"))
        .method_not_allowed_fallback(async || {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
                "this route does not take that method",
            )
        })
        .layer(axum::middleware::from_fn_with_state(
            carmen.clone(),
            moved::refuse_changes,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(measured))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(carmen)
}
