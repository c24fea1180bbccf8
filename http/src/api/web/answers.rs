//! What every page handler answers with: error and refusal pages, a form's problem, the CSRF
//! check of a posted form, ids from paths, statuses and times in the page's words, and files to
//! download.

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

/// The summary above a form that says `problem`, what the visitor is to fix (focused, and read
/// out by screen readers); nothing when there is none.
pub fn problem_summary(problem: Option<&str>) -> Markup {
    html! {
        @if let Some(problem) = problem {
            div.summary #errors role="alert" tabindex="-1" autofocus { p { (problem) } }
        }
    }
}

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
        kind,
        ..
    } = ApiError::from(error);
    let t = visitor.texts;
    let text = match status {
        StatusCode::NOT_FOUND if city.is_none() => t.t("error-not-found-city"),
        StatusCode::NOT_FOUND => t.t("error-not-found"),
        // A fault of the service's (it cannot run here, or its call failed): not "busy", which
        // would have the citizen try again in vain.
        _ if matches!(kind, "service-broken" | "service-failed") => t.t("error-service-fault"),
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
    said(visitor, city, path, status, text, None)
}

/// A page that says `text`, with a way back to `back` (the page a refused form was on) first.
fn said(
    visitor: &Visitor,
    city: Option<&City>,
    path: &str,
    status: StatusCode,
    text: &str,
    back: Option<&str>,
) -> Response {
    let t = visitor.texts;
    let title = t.t("error-title");
    let main = html! {
        h1 { (title) }
        p.lead #refusal { (text) }
        @if let Some(back) = back {
            p { a.button #back href=(back) { (t.t("error-back-to-form")) } }
        }
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

/// The page a form posted to `path` was on: the path without its last segment (an action's
/// name), the account's and the console's home with their closing slash.
fn form_page_of(path: &str) -> Option<String> {
    // Never `//host/...`: a link of this site's, not of another.
    if !path.starts_with('/') || path.starts_with("//") {
        return None;
    }
    let (parent, _) = path.trim_end_matches('/').rsplit_once('/')?;
    // Forms that post to their own address (a service's form, a survey, an invitation's answer)
    // have no page above them to go back to.
    if parent.ends_with("/services")
        || parent.contains("/survey/")
        || parent.contains("/invitations/")
    {
        return None;
    }
    let home = parent.ends_with("/account") || parent.ends_with("/console");
    (parent.matches('/').count() >= 2).then(|| {
        if home {
            format!("{parent}/")
        } else {
            parent.to_string()
        }
    })
}

/// The page for an action that was refused: why, when the reason is the citizen's to fix, and
/// the way back to the form.
pub fn refused(visitor: &Visitor, city: &City, path: &str, error: RuntimeError) -> Response {
    let reason = match &error {
        RuntimeError::Invalid(reason) => Some(reason.clone()),
        RuntimeError::Crm(crate::runtime::types::CrmError::Invalid(reason)) => Some(reason.clone()),
        _ => None,
    };
    match reason {
        Some(reason) => {
            let text = visitor.texts.with("error-invalid", &[("reason", &reason)]);
            let back = form_page_of(path);
            said(
                visitor,
                Some(city),
                path,
                StatusCode::UNPROCESSABLE_ENTITY,
                &text,
                back.as_deref(),
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

#[cfg(test)]
mod tests {
    use super::form_page_of;

    #[test]
    fn a_refused_form_leads_back_to_the_page_it_was_on() {
        for (action, page) in [
            (
                "/rivertown/console/cases/5/status",
                Some("/rivertown/console/cases/5"),
            ),
            ("/rivertown/account/verify", Some("/rivertown/account/")),
            (
                "/rivertown/console/administration/settings",
                Some("/rivertown/console/administration"),
            ),
            (
                "/rivertown/follow/abc/message",
                Some("/rivertown/follow/abc"),
            ),
            (
                "/rivertown/console/marketplace/bulky-waste/install",
                Some("/rivertown/console/marketplace/bulky-waste"),
            ),
            ("/rivertown/", None),
            ("//evil.example/account/verify", None),
            ("/rivertown/services/street-issue", None),
            ("/rivertown/survey/5/token", None),
        ] {
            assert_eq!(form_page_of(action).as_deref(), page, "{action}");
        }
    }
}
