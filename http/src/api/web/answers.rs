//! What every page handler answers with: error and refusal pages, the CSRF check of a posted
//! form, ids from paths, statuses and times in the page's words, and files to download.

use std::collections::BTreeMap;

use axum::extract::rejection::FormRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::Visitor;
use super::layout::{Frame, page};
use crate::api::ApiError;
use crate::api::views::iso;
use crate::i18n::Texts;
use crate::runtime::RuntimeError;
use crate::runtime::types::{CaseStatus, City};

/// The error page for `error`, in the city's frame when there is one.
pub fn failure(
    visitor: &Visitor,
    city: Option<&City>,
    path: &str,
    error: RuntimeError,
) -> Response {
    let ApiError {
        status,
        retry_after,
        ..
    } = ApiError::from(error);
    let t = visitor.texts;
    let text = match status {
        StatusCode::NOT_FOUND if city.is_none() => t.t("error-not-found-city"),
        StatusCode::NOT_FOUND => t.t("error-not-found"),
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::TOO_MANY_REQUESTS => t.t("error-busy"),
        _ => t.t("error-failed"),
    };
    with_retry_after(
        message_page(visitor, city, path, status, &text),
        retry_after,
    )
}

/// `response` telling the client to wait `seconds` before trying again, when there are any.
pub fn with_retry_after(mut response: Response, seconds: Option<u64>) -> Response {
    if let Some(seconds) = seconds {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    }
    response
}

/// A page that only says `text`.
pub fn message_page(
    visitor: &Visitor,
    city: Option<&City>,
    path: &str,
    status: StatusCode,
    text: &str,
) -> Response {
    let t = visitor.texts;
    let title = t.t("error-title");
    let main = html! {
        h1 { (title) }
        p.lead { (text) }
        @if let Some(city) = city {
            p { a href={ "/" (city.slug) "/" } { (t.t("error-back")) } }
        }
    };
    let frame = Frame {
        visitor,
        city,
        title: &title,
        path,
    };
    visitor.answer(status, page(&frame, main))
}

/// The page for an action that was refused: why, when the reason is the citizen's to fix.
pub fn refused(visitor: &Visitor, city: &City, path: &str, error: RuntimeError) -> Response {
    let reason = match &error {
        RuntimeError::Invalid(reason) => Some(reason.clone()),
        RuntimeError::Crm(crate::runtime::types::CrmError::Invalid(reason)) => Some(reason.clone()),
        _ => None,
    };
    match reason {
        Some(reason) => {
            let text = visitor.texts.with("error-invalid", &[("reason", &reason)]);
            message_page(
                visitor,
                Some(city),
                path,
                StatusCode::UNPROCESSABLE_ENTITY,
                &text,
            )
        }
        None => failure(visitor, Some(city), path, error),
    }
}

/// A status in the page's language.
pub fn status_text(t: Texts, status: CaseStatus) -> String {
    t.t(&format!("status-{}", status.as_str().replace('_', "-")))
}

/// A time, in the reader's words on the city's clock, and machine-readable.
pub fn when(t: Texts, at: i64) -> Markup {
    html! { time datetime=(iso(at)) { (t.moment(at)) } }
}

/// The posted form's pairs, as a map (a name's last value wins).
pub fn posted(
    form: Result<axum::Form<Vec<(String, String)>>, FormRejection>,
) -> BTreeMap<String, String> {
    form.map(|axum::Form(pairs)| pairs.into_iter().collect())
        .unwrap_or_default()
}

/// `data` as a JSON file to download, named `filename`.
pub fn attachment(data: serde_json::Value, filename: &'static str) -> Response {
    let mut response = axum::Json(data).into_response();
    let disposition = format!("attachment; filename=\"{filename}\"");
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
