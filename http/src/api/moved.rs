//! A city that moved to another host takes no change here: a request that would change anything
//! of it is answered with its new address (410 Gone with the address for apps, a way to the new
//! portal for a browser's form); everything stays readable.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::problem::ApiError;
use crate::runtime::Carmen;
use crate::runtime::types::{City, RESERVED_SLUGS};

/// Lets reads through; refuses a change to a city that moved.
pub async fn refuse_changes(
    State(carmen): State<Carmen>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let Some((city, app)) = addressed(&request) else {
        return next.run(request).await;
    };
    let found = match app {
        true => carmen.city_by_jurisdiction(&city).await,
        false => carmen.city(&city).await,
    };
    match found {
        Ok(city) if city.moved_to.is_some() => gone(&city, app),
        _ => next.run(request).await,
    }
}

/// The city a request is addressed to, and whether it comes from an app (the API, Open311)
/// rather than a browser's form.
fn addressed(request: &Request) -> Option<(String, bool)> {
    let mut parts = request.uri().path().trim_start_matches('/').split('/');
    match parts.next()? {
        "api" | "open311" => {
            parts.next();
            match parts.next() {
                Some("cities") => Some((parts.next()?.to_string(), true)),
                _ => jurisdiction(request.uri().query()?).map(|j| (j, true)),
            }
        }
        "" => None,
        first if RESERVED_SLUGS.contains(&first) => None,
        first => Some((first.to_string(), false)),
    }
}

fn jurisdiction(query: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "jurisdiction_id")
        .map(|(_, v)| v)
}

fn gone(city: &City, app: bool) -> Response {
    let to = city.moved_to.clone().unwrap_or_default();
    if !app {
        return Redirect::to(&to).into_response();
    }
    let mut response = ApiError::new(
        StatusCode::GONE,
        "city-moved",
        "The city moved",
        format!(
            "{} moved to another host and takes no change here: its services are at {to}",
            city.name
        ),
    )
    .into_response();
    if let Ok(value) = header::HeaderValue::from_str(&to) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}
