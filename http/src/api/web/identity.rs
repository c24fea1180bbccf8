//! A city's own face on the web: its crest, its colour (a small stylesheet, as the pages' policy
//! allows no inline style), its web app manifest; and the host's `robots.txt` and favicon.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use crate::runtime::Carmen;
use crate::runtime::types::City;

/// Where the pages' default icon is.
pub const DEFAULT_ICON: &str = "/assets/favicon.svg";

/// The address of a city's crest (its version in it: the answer may be kept for good).
pub fn crest_address(city: &City) -> Option<String> {
    city.crest_at
        .map(|at| format!("/{}/crest.png?v={at}", city.slug))
}

/// The address of a city's colours, when it set them.
pub fn theme_address(city: &City) -> Option<String> {
    city.colour.as_ref().map(|colour| {
        format!(
            "/{}/theme.css?c={}",
            city.slug,
            colour.trim_start_matches('#')
        )
    })
}

fn answer(kind: &'static str, cache: &'static str, body: impl IntoResponse) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "no such file").into_response()
}

/// `GET /{city}/crest.png`: the city's crest, the PNG the host made of the image uploaded.
pub async fn crest(
    State(carmen): State<Carmen>,
    Path(slug): Path<String>,
    Query(version): Query<Version>,
) -> Response {
    let current = carmen.city(&slug).await.ok().and_then(|c| c.crest_at);
    match carmen.crest(&slug).await {
        Ok(png) => answer(
            "image/png",
            cache_for(version.v.is_some() && version.v == current),
            png,
        ),
        Err(_) => not_found(),
    }
}

/// The version a crest's or a theme's address names.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Version {
    v: Option<i64>,
    c: Option<String>,
}

/// Kept for good only when the address names what is current: an address naming a colour or
/// crest to come is not cached (a shared cache could keep it once it is).
fn cache_for(current: bool) -> &'static str {
    if current {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// `GET /{city}/theme.css`: the city's colour on its header, its buttons and its marks.
pub async fn theme(
    State(carmen): State<Carmen>,
    Path(slug): Path<String>,
    Query(version): Query<Version>,
) -> Response {
    let Some(colour) = carmen.city(&slug).await.ok().and_then(|c| c.colour) else {
        return answer("text/css; charset=utf-8", "no-cache", "");
    };
    let current = version.c.as_deref() == Some(colour.trim_start_matches('#'));
    // The colour was checked as `#rrggbb` when it was set: nothing else reaches the sheet.
    let css = format!(
        "header.site {{ background: {colour}; }}\n\
         .tag {{ background: {colour}; }}\n\
         .services li, .notice {{ border-left-color: {colour}; }}\n\
         button:not(.secondary), .button {{ background: {colour}; border-bottom-color: #0b0c0c; }}\n"
    );
    answer("text/css; charset=utf-8", cache_for(current), css)
}

/// `GET /{city}/manifest.webmanifest`: the city's portal as an app on a phone's home screen.
pub async fn manifest(State(carmen): State<Carmen>, Path(slug): Path<String>) -> Response {
    let Ok(city) = carmen.city(&slug).await else {
        return not_found();
    };
    let icon = match crest_address(&city) {
        Some(crest) => {
            json!({"src": crest, "sizes": "256x256", "type": "image/png", "purpose": "any"})
        }
        None => {
            json!({"src": DEFAULT_ICON, "sizes": "any", "type": "image/svg+xml", "purpose": "any"})
        }
    };
    let manifest = json!({
        "name": city.name,
        "short_name": city.name.chars().take(12).collect::<String>(),
        "start_url": format!("/{}/", city.slug),
        "scope": format!("/{}/", city.slug),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": city.colour.as_deref().unwrap_or("#0b0c0c"),
        "icons": [icon],
    });
    answer(
        "application/manifest+json",
        "public, max-age=300",
        manifest.to_string(),
    )
}

/// `GET /robots.txt`: the portals are for search engines; the API and the links of messages
/// (a survey, an unsubscribe) are not. Accounts and consoles ask a crawler to sign in. A
/// request's follow link is not listed: its secret is what keeps it, and no page sends it on
/// (`Referrer-Policy: no-referrer`); a line here would only publish the pattern, and would mark
/// the page a citizen opens most as one no search engine may read.
pub async fn robots() -> Response {
    answer(
        "text/plain; charset=utf-8",
        "public, max-age=3600",
        "User-agent: *\n\
         Allow: /\n\
         Disallow: /api/\n\
         Disallow: /operator/\n\
         Disallow: /*/survey/\n\
         Disallow: /*/unsubscribe/\n",
    )
}

/// `GET /favicon.ico`: the pages' icon.
pub async fn favicon() -> Response {
    Redirect::permanent(DEFAULT_ICON).into_response()
}
