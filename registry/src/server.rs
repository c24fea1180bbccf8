//! The registry's HTTP API (JSON; errors are RFC 9457 problem documents).
//!
//! - `POST /api/v1/publishers` `{name, city, public_key}` → `{token}` (shown once); when the
//!   registry is served by invitation, with the registration token as bearer
//! - `PUT /api/v1/packages/{name}/{version}` (bearer: publisher token) `{manifest, component (base64), signature}`
//! - `GET /api/v1/packages?q=&group=&keyword=` — search; `GET /api/v1/packages/{name}` — the package's page
//! - `GET /api/v1/packages/{name}/{version}`; `GET /api/v1/packages/{name}/resolve?req=^1.2`
//! - `POST /api/v1/packages/{name}/{version}/yank` `{yanked}`; `.../deprecate` `{message}` (owner)
//! - `PUT /api/v1/packages/{name}/cities/{city}` `{version}` — a city says it runs a version
//! - `GET /api/v1/blobs/{digest}` — a component's bytes
//! - `GET /api/v1/limits` — `{max_component_bytes}`: the largest component it takes
//!
//! Bodies travel compressed both ways where the client says it can (`Content-Encoding: zstd` on a
//! publish, `Accept-Encoding: zstd` on a download).

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;

use crate::names;
use crate::signing::digest;
use crate::store::{Registry, RegistryError, Search};

/// An error answer.
pub struct Problem(StatusCode, &'static str, String);

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = json!({"type": format!("urn:carmen-registry:problem:{}", self.1), "title": self.1, "status": self.0.as_u16(), "detail": self.2});
        (
            self.0,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body.to_string(),
        )
            .into_response()
    }
}

impl From<RegistryError> for Problem {
    fn from(e: RegistryError) -> Problem {
        match e {
            RegistryError::Invalid(d) => Problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid", d),
            RegistryError::Unauthorized(d) => Problem(StatusCode::UNAUTHORIZED, "unauthorized", d),
            RegistryError::Forbidden(d) => Problem(StatusCode::FORBIDDEN, "forbidden", d),
            RegistryError::NotFound(d) => {
                Problem(StatusCode::NOT_FOUND, "not-found", format!("{d} not found"))
            }
            RegistryError::Conflict(d) => Problem(StatusCode::CONFLICT, "conflict", d),
            RegistryError::TooLarge(d) => Problem(StatusCode::PAYLOAD_TOO_LARGE, "too-large", d),
            RegistryError::Storage(d) => {
                tracing::error!(error = %d, "registry storage failure");
                Problem(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the registry's store is unavailable; try again".into(),
                )
            }
        }
    }
}

impl From<JsonRejection> for Problem {
    fn from(r: JsonRejection) -> Problem {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return Problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "the package is over this registry's size limit; GET /api/v1/limits says it".into(),
            );
        }
        Problem(r.status(), "bad-body", r.body_text())
    }
}

/// A JSON body whose rejections are problem documents.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(Problem))]
pub struct Body<T>(pub T);

fn token(headers: &HeaderMap) -> Result<&str, Problem> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            Problem(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send the publisher token as a bearer token".into(),
            )
        })
}

fn check_name(name: &str) -> Result<(), Problem> {
    if names::is_package_name(name) {
        Ok(())
    } else {
        Err(Problem(
            StatusCode::NOT_FOUND,
            "not-found",
            "no such package name".into(),
        ))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPublisher {
    name: String,
    city: String,
    public_key: String,
}

/// Who may become a publisher.
#[derive(Clone, Debug)]
pub enum Registration {
    /// Anyone (a registry for one operator's own tests and demos).
    Open,
    /// Only who presents this token, which the registry's operator hands to each city's developers.
    ByInvitation(String),
}

impl Registration {
    fn admit(&self, headers: &HeaderMap) -> Result<(), Problem> {
        let Registration::ByInvitation(expected) = self else {
            return Ok(());
        };
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        match given {
            // Compared as digests, so the time taken says nothing about the token.
            Some(given) if digest(given.as_bytes()) == digest(expected.as_bytes()) => Ok(()),
            Some(_) => Err(Problem(
                StatusCode::FORBIDDEN,
                "forbidden",
                "this registration token is not the registry's".into(),
            )),
            None => Err(Problem(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "this registry registers publishers by invitation: send the registration token from its operator as a bearer token".into(),
            )),
        }
    }
}

async fn register(
    State(r): State<Registry>,
    axum::Extension(registration): axum::Extension<Registration>,
    headers: HeaderMap,
    Body(body): Body<NewPublisher>,
) -> Result<(StatusCode, Json<serde_json::Value>), Problem> {
    registration.admit(&headers)?;
    let token = r
        .register_publisher(&body.name, &body.city, &body.public_key)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"name": body.name, "token": token, "note": "shown once"})),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Upload {
    manifest: String,
    component: String,
    signature: String,
}

async fn publish(
    State(r): State<Registry>,
    Path((name, version)): Path<(String, String)>,
    headers: HeaderMap,
    Body(body): Body<Upload>,
) -> Result<(StatusCode, Json<serde_json::Value>), Problem> {
    let token = token(&headers)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body.component.as_bytes())
        .map_err(|e| {
            Problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("component is not base64: {e}"),
            )
        })?;
    let manifest = crate::manifest::Manifest::parse(&body.manifest)
        .map_err(|e| Problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.0))?;
    if manifest.package.name != name || manifest.package.version != version {
        return Err(Problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "the URL's name and version differ from the manifest's".into(),
        ));
    }
    let info = r
        .publish(token, &body.manifest, &bytes, &body.signature)
        .await?;
    Ok((StatusCode::CREATED, Json(json!(info))))
}

/// How many packages a page of a search holds.
#[derive(Deserialize)]
struct PageSize {
    /// 1 to 100; 100 by default.
    limit: Option<u32>,
}

async fn search(
    State(r): State<Registry>,
    Query(search): Query<Search>,
    Query(PageSize { limit }): Query<PageSize>,
) -> Result<Json<serde_json::Value>, Problem> {
    let limit = limit.unwrap_or(100);
    if !(1..=100).contains(&limit) {
        let detail = "limit is 1 to 100".to_string();
        return Err(Problem(StatusCode::BAD_REQUEST, "bad-request", detail));
    }
    let mut packages = r.search(&search, limit + 1).await?;
    let next = (packages.len() > limit as usize).then(|| {
        packages.truncate(limit as usize);
        packages.last().map(|p| p.name.clone())
    });
    Ok(Json(json!({"packages": packages, "next": next.flatten()})))
}

async fn package(
    State(r): State<Registry>,
    Path(name): Path<String>,
) -> Result<Json<serde_json::Value>, Problem> {
    check_name(&name)?;
    Ok(Json(json!(r.package(&name).await?)))
}

async fn version(
    State(r): State<Registry>,
    Path((name, version)): Path<(String, String)>,
) -> Result<Json<serde_json::Value>, Problem> {
    check_name(&name)?;
    if version == "resolve" {
        return Err(Problem(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "resolve needs ?req=".into(),
        ));
    }
    Ok(Json(json!(r.version(&name, &version).await?)))
}

#[derive(Deserialize)]
struct Requirement {
    req: String,
    /// The `carmen:city` versions the asking host serves, comma-separated; all the registry takes if absent.
    contracts: Option<String>,
}

async fn resolve(
    State(r): State<Registry>,
    Path(name): Path<String>,
    Query(q): Query<Requirement>,
) -> Result<Json<serde_json::Value>, Problem> {
    check_name(&name)?;
    let contracts: Vec<&str> = q
        .contracts
        .as_deref()
        .map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .unwrap_or_default();
    Ok(Json(json!(r.resolve(&name, &q.req, &contracts).await?)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Yank {
    yanked: bool,
}

async fn yank(
    State(r): State<Registry>,
    Path((name, version)): Path<(String, String)>,
    headers: HeaderMap,
    Body(body): Body<Yank>,
) -> Result<Json<serde_json::Value>, Problem> {
    Ok(Json(json!(
        r.set_yanked(token(&headers)?, &name, &version, body.yanked)
            .await?
    )))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Deprecate {
    message: Option<String>,
}

async fn deprecate(
    State(r): State<Registry>,
    Path((name, version)): Path<(String, String)>,
    headers: HeaderMap,
    Body(body): Body<Deprecate>,
) -> Result<Json<serde_json::Value>, Problem> {
    Ok(Json(json!(
        r.set_deprecated(token(&headers)?, &name, &version, body.message.as_deref())
            .await?
    )))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    version: String,
    /// When the host signed it (seconds since the Unix epoch).
    at: i64,
    /// The city host's ed25519 public key (hex).
    public_key: String,
    /// The signature of `signing::report_message` (hex).
    signature: String,
}

/// A city host's signed report as the store checks it: when, by which key, the signature, and
/// the publisher whose token it carries, if it carries one (an unknown token is refused).
async fn signed_report(
    r: &Registry,
    headers: &HeaderMap,
    at: i64,
    public_key: String,
    signature: String,
) -> Result<crate::store::SignedReport, Problem> {
    let publisher = if headers.contains_key(header::AUTHORIZATION) {
        Some(r.publisher(token(headers)?).await?.0)
    } else {
        None
    };
    Ok(crate::store::SignedReport {
        at,
        public_key,
        signature,
        publisher,
    })
}

async fn report(
    State(r): State<Registry>,
    Path((name, city)): Path<(String, String)>,
    headers: HeaderMap,
    Body(body): Body<Report>,
) -> Result<StatusCode, Problem> {
    check_name(&name)?;
    let signed = signed_report(&r, &headers, body.at, body.public_key, body.signature).await?;
    r.report_install(&name, &city, &body.version, &signed)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceBody {
    version: String,
    /// The figures (aggregated numbers only).
    figures: serde_json::Value,
    /// When the host signed it (seconds since the Unix epoch).
    at: i64,
    /// The city host's ed25519 public key (hex).
    public_key: String,
    /// The signature of `signing::evidence_message` (hex).
    signature: String,
}

async fn evidence(
    State(r): State<Registry>,
    Path((name, city)): Path<(String, String)>,
    headers: HeaderMap,
    Body(body): Body<EvidenceBody>,
) -> Result<StatusCode, Problem> {
    check_name(&name)?;
    let signed = signed_report(&r, &headers, body.at, body.public_key, body.signature).await?;
    r.publish_evidence(&name, &city, &body.version, &body.figures, &signed)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn blob(State(r): State<Registry>, Path(digest): Path<String>) -> Result<Response, Problem> {
    match r.blobs.get(&digest).map_err(RegistryError::from)? {
        Some(bytes) => Ok(([(header::CONTENT_TYPE, "application/wasm")], bytes).into_response()),
        None => Err(Problem(
            StatusCode::NOT_FOUND,
            "not-found",
            "no such blob".into(),
        )),
    }
}

async fn limits(State(r): State<Registry>) -> Json<serde_json::Value> {
    Json(json!({"max_component_bytes": r.max_component_bytes()}))
}

/// The registry's routes; `registration` says who may become a publisher.
pub fn app(registry: Registry, registration: Registration) -> Router {
    // Only a publish carries a component: its body may be large and compressed. The token is
    // checked before a byte of it is read or inflated; every other route takes small bodies.
    let body_limit = registry
        .max_component_bytes()
        .saturating_mul(4)
        .saturating_div(3)
        .saturating_add(256 * 1024);
    use std::convert::Infallible;
    let publishing = axum::routing::put(publish)
        .layer::<_, Infallible>(DefaultBodyLimit::max(body_limit))
        .layer::<_, Infallible>(
            tower_http::decompression::RequestDecompressionLayer::new().zstd(true),
        )
        .layer::<_, Infallible>(axum::middleware::from_fn_with_state(
            registry.clone(),
            publisher_first,
        ));
    Router::new()
        .route("/api/v1/publishers", post(register))
        .route("/api/v1/packages", get(search))
        .route("/api/v1/packages/{name}", get(package))
        .route("/api/v1/packages/{name}/resolve", get(resolve))
        .route(
            "/api/v1/packages/{name}/{version}",
            get(version).merge(publishing),
        )
        .route("/api/v1/packages/{name}/{version}/yank", post(yank))
        .route(
            "/api/v1/packages/{name}/{version}/deprecate",
            post(deprecate),
        )
        .route("/api/v1/packages/{name}/cities/{city}", put(report))
        .route(
            "/api/v1/packages/{name}/cities/{city}/evidence",
            put(evidence),
        )
        .route("/api/v1/blobs/{digest}", get(blob))
        .route("/api/v1/limits", get(limits))
        .fallback(async || Problem(StatusCode::NOT_FOUND, "not-found", "no such route".into()))
        .layer(DefaultBodyLimit::max(256 * 1024))
        .layer(tower_http::compression::CompressionLayer::new().zstd(true))
        .layer(axum::Extension(registration))
        .with_state(registry)
}

/// Refuses a publish whose bearer token is not a publisher's before its body is read.
async fn publisher_first(
    State(r): State<Registry>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let known = match token(request.headers()) {
        Ok(token) => r.publisher(token).await.map(drop).map_err(Problem::from),
        Err(problem) => Err(problem),
    };
    match known {
        Ok(()) => next.run(request).await,
        Err(problem) => problem.into_response(),
    }
}
