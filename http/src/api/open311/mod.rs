//! Open311 GeoReport v2 for every city: at `/open311/v2/cities/{city}/` and at the shared
//! `/open311/v2/`, which picks the city by `jurisdiction_id` (its domain or slug). JSON and XML;
//! the services are whatever the city installed, described by their plugins.

mod params;
mod render;
mod resources;

use axum::Router;
use axum::body::Bytes;
use std::sync::Arc;

use axum::Extension;
use axum::extract::FromRequest;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::routing::any;

use self::params::Params;
use self::render::{Format, error};
use crate::api::RateLimits;
use crate::runtime::Carmen;
use crate::runtime::types::City;

/// The Open311 routes.
pub fn routes() -> Router<Carmen> {
    Router::new()
        .route("/open311/v2/cities/{city}/{*resource}", any(city_scoped))
        .route("/open311/v2/{*resource}", any(shared))
}

/// One call: the city, the resource path without its extension, the format, the parameters.
struct Call {
    city: City,
    resource: String,
    format: Format,
    params: Params,
    limits: Option<Arc<RateLimits>>,
    /// Where clients reach this server (`http://host:port`), for the absolute URLs of discovery.
    origin: String,
}

/// Where clients reach this server: the operator's public URL when one is set (a forged `Host`
/// header then changes nothing); else, on a host that was told none, the scheme (https when a
/// trusted proxy says so) and the `Host` the client asked for.
fn origin(
    carmen: &Carmen,
    headers: &HeaderMap,
    client: Option<&Extension<crate::api::Client>>,
) -> String {
    if let Some(url) = carmen.public_url() {
        return url;
    }
    let scheme = if client.is_some_and(|c| c.https) {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

/// What both routes read of a call besides its path.
#[derive(FromRequest)]
struct Asked {
    method: Method,
    headers: HeaderMap,
    query: RawQuery,
    limits: Option<Extension<Arc<RateLimits>>>,
    client: Option<Extension<crate::api::Client>>,
    body: Bytes,
}

/// A call read and checked, its city still to find.
struct Unplaced {
    method: Method,
    resource: String,
    format: Format,
    params: Params,
    limits: Option<Arc<RateLimits>>,
    origin: String,
}

impl Asked {
    /// The call for `resource`; or the error answer.
    fn read(self, carmen: &Carmen, resource: &str) -> Result<Unplaced, Response> {
        let RawQuery(query) = self.query;
        let (resource, format, params) = parse_call(
            resource,
            &self.method,
            &self.headers,
            query.as_deref(),
            &self.body,
        )?;
        Ok(Unplaced {
            origin: origin(carmen, &self.headers, self.client.as_ref()),
            limits: self.limits.map(|Extension(limits)| limits),
            method: self.method,
            resource,
            format,
            params,
        })
    }
}

impl Unplaced {
    /// Answers the call in `city`.
    async fn answer_in(self, carmen: &Carmen, city: City) -> Response {
        let call = Call {
            city,
            resource: self.resource,
            format: self.format,
            params: self.params,
            limits: self.limits,
            origin: self.origin,
        };
        resources::dispatch(carmen, self.method, call).await
    }
}

async fn city_scoped(
    State(carmen): State<Carmen>,
    Path((slug, resource)): Path<(String, String)>,
    asked: Asked,
) -> Response {
    answer(&carmen, asked, &resource, Some(&slug)).await
}

async fn shared(
    State(carmen): State<Carmen>,
    Path(resource): Path<String>,
    asked: Asked,
) -> Response {
    answer(&carmen, asked, &resource, None).await
}

/// Answers a call to `resource` in the city `slug` names, or without one in the city its
/// `jurisdiction_id` names.
async fn answer(carmen: &Carmen, asked: Asked, resource: &str, slug: Option<&str>) -> Response {
    let call = match asked.read(carmen, resource) {
        Ok(call) => call,
        Err(refusal) => return refusal,
    };
    let city = match slug {
        Some(slug) => city_by_slug(carmen, slug, &call).await,
        None => city_by_jurisdiction(carmen, &call).await,
    };
    match city {
        Ok(city) => call.answer_in(carmen, city).await,
        Err(answer) => answer,
    }
}

/// The city `slug`, if the call's `jurisdiction_id` (when it has one) is that city too; or the
/// error answer.
async fn city_by_slug(carmen: &Carmen, slug: &str, call: &Unplaced) -> Result<City, Response> {
    let format = call.format;
    let city = carmen
        .city(slug)
        .await
        .map_err(|_| error(format, StatusCode::NOT_FOUND, format!("no city {slug:?}")))?;
    if let Some(jurisdiction) = call.params.get("jurisdiction_id")
        && !matches_jurisdiction(&city, jurisdiction)
    {
        return Err(error(
            format,
            StatusCode::NOT_FOUND,
            format!("jurisdiction_id {jurisdiction:?} is not this city"),
        ));
    }
    Ok(city)
}

/// The city the call's `jurisdiction_id` names; or the answer without one (the shared
/// discovery, or the error).
async fn city_by_jurisdiction(carmen: &Carmen, call: &Unplaced) -> Result<City, Response> {
    let format = call.format;
    let Some(jurisdiction) = call.params.get("jurisdiction_id") else {
        if call.resource == "discovery" {
            return Err(resources::discovery(&call.origin, None, format));
        }
        return Err(error(
            format,
            StatusCode::BAD_REQUEST,
            "jurisdiction_id is required",
        ));
    };
    carmen
        .city_by_jurisdiction(jurisdiction)
        .await
        .map_err(|_| {
            error(
                format,
                StatusCode::NOT_FOUND,
                format!("no jurisdiction {jurisdiction:?}"),
            )
        })
}

fn matches_jurisdiction(city: &City, jurisdiction: &str) -> bool {
    let jurisdiction = jurisdiction.to_lowercase();
    city.slug == jurisdiction || city.domain.as_deref() == Some(jurisdiction.as_str())
}

/// The resource without its extension, the format, and the parameters; or the error answer.
fn parse_call(
    resource: &str,
    method: &Method,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<(String, Format, Params), Response> {
    let (name, format) = Format::split(resource).ok_or_else(|| {
        error(
            Format::Json,
            StatusCode::NOT_FOUND,
            "unknown resource; add .json or .xml",
        )
    })?;
    let params = read_params(method, headers, query, body)
        .map_err(|d| error(format, StatusCode::BAD_REQUEST, d))?;
    Ok((name.to_string(), format, params))
}

/// The query's parameters, and for a POST the form body's after them.
fn read_params(
    method: &Method,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<Params, String> {
    let mut params = Params::parse(query.unwrap_or("").as_bytes())
        .ok_or("the query string is not valid UTF-8 form encoding")?;
    if *method == Method::POST && !body.is_empty() {
        let form = headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        if !form {
            return Err("send the request as application/x-www-form-urlencoded".into());
        }
        params.extend(Params::parse(body).ok_or("the body is not valid UTF-8 form encoding")?);
    }
    Ok(params)
}
