//! A city that moved to another host takes no change here: a request that would change anything
//! of it is answered with its new address (410 Gone with the address for apps, a way to the new
//! portal for a browser's form); everything stays readable. (Filing a request is refused by the
//! runtime too, whichever way the city is named, an Open311 form's body included, so the API's
//! request filing, the busiest change there is, is left to that check: one read fewer.)

use axum::extract::{Request, State};
use axum::http::Method;
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
    let (named, app) = addressed(&request);
    if app && files_a_request(request.uri().path()) {
        return next.run(request).await;
    }
    for name in named {
        let found = match carmen.city(&name).await {
            Ok(city) => Ok(city),
            Err(_) => carmen.city_by_jurisdiction(&name).await,
        };
        if let Ok(city) = found
            && city.moved_to.is_some()
        {
            return gone(&city, app);
        }
    }
    next.run(request).await
}

/// The cities a request may be addressed to (its path's, decoded as the router decodes it, and
/// every `jurisdiction_id` it names), and whether it comes from an app (the API, Open311) rather
/// than a browser's form.
fn addressed(request: &Request) -> (Vec<String>, bool) {
    let decoded: Vec<String> = request
        .uri()
        .path()
        .trim_start_matches('/')
        .split('/')
        .map(super::decoded)
        .collect();
    let mut named = jurisdictions(request.uri().query().unwrap_or(""));
    let app = match decoded.first().map(String::as_str) {
        Some("api" | "open311") => {
            if decoded.get(2).map(String::as_str) == Some("cities")
                && let Some(slug) = decoded.get(3)
            {
                named.push(slug.clone());
            }
            true
        }
        Some("") | None => false,
        Some(first) if RESERVED_SLUGS.contains(&first) => false,
        Some(first) => {
            named.push(first.to_string());
            false
        }
    };
    (named, app)
}

/// The API's route that files a request (`/api/v1/cities/{city}/services/{code}/requests`),
/// whose use case refuses a moved city itself and is answered as `gone` answers.
fn files_a_request(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    matches!(
        parts.as_slice(),
        ["api", "v1", "cities", _, "services", _, "requests"]
    )
}

fn jurisdictions(query: &str) -> Vec<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, v)| k == "jurisdiction_id" && !v.is_empty())
        .map(|(_, v)| v)
        .collect()
}

fn gone(city: &City, app: bool) -> Response {
    let to = city.moved_to.clone().unwrap_or_default();
    if !app {
        return Redirect::to(&to).into_response();
    }
    ApiError::moved(&city.name, &to).into_response()
}
