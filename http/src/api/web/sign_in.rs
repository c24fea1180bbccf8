//! Signing in from a page's form, the same for citizens, staff and the operator: the session's
//! cookie and the way on, or the form again with why not; and signing out of a city's pages.

use std::collections::BTreeMap;

use axum::Extension;
use axum::http::StatusCode;
use axum::response::Response;
use maud::Markup;

use super::Visitor;
use super::pages::{Answer, CityPage, OrPage, Page, Posted};
use crate::api::auth::Caller;
use crate::api::{ApiError, Client};
use crate::runtime::types::CrmError;
use crate::runtime::{Carmen, RuntimeError};

/// What a sign-in form came to.
pub enum SignIn {
    /// Signed in: the redirect on, with the session's cookie.
    Done(Response),
    /// The form again, with this status and (when it is not "wrong address or password") the
    /// problem to say.
    Again(StatusCode, Option<String>),
    /// The error page.
    Failed(RuntimeError),
}

/// Signs the visitor in with the posted `email` and `password` to `city` (the operator's
/// account when `None`), leading to `to`.
pub async fn signing_in(
    carmen: &Carmen,
    visitor: &mut Visitor,
    city: Option<&str>,
    form: &BTreeMap<String, String>,
    client: Option<Extension<Client>>,
    to: &str,
) -> SignIn {
    let value = |name: &str| form.get(name).map_or("", String::as_str);
    let client = client.map(|Extension(c)| c);
    match carmen
        .sign_in(
            city,
            value("email"),
            value("password"),
            client.map(|c| c.address),
        )
        .await
    {
        Ok((_, token)) => {
            visitor.sign_in(&token, client.is_some_and(|c| c.https));
            SignIn::Done(visitor.redirect(to))
        }
        Err(RuntimeError::Throttled(_)) => SignIn::Again(
            StatusCode::TOO_MANY_REQUESTS,
            Some(visitor.texts.t("error-busy")),
        ),
        Err(RuntimeError::Crm(CrmError::Invalid(_))) => {
            SignIn::Again(StatusCode::UNAUTHORIZED, None)
        }
        Err(e) => SignIn::Failed(e),
    }
}

/// A city's sign-in form posted (a citizen's or the console's): on to the city's page `to`, or
/// the form again (`again` draws it, given the problem and the address typed), saying
/// `failed` (a text id) for a wrong address or password.
pub async fn city_sign_in(
    carmen: &Carmen,
    client: Option<Extension<Client>>,
    Posted { mut page, form, .. }: Posted<CityPage>,
    to: &str,
    failed: &str,
    again: impl Fn(&CityPage, String, &str) -> (String, Markup),
) -> Answer {
    let slug = page.city.slug.clone();
    let to = format!("/{slug}/{to}");
    match signing_in(carmen, &mut page.visitor, Some(&slug), &form, client, &to).await {
        SignIn::Done(answer) => Ok(answer),
        SignIn::Again(status, problem) => {
            let problem = problem.unwrap_or_else(|| page.texts().t(failed));
            let email = form.get("email").map_or("", String::as_str);
            let (title, main) = again(&page, problem, email);
            Ok(page.show_as(status, &title, main))
        }
        SignIn::Failed(e) => Err(page.fail(e)),
    }
}

/// A city's sign-out form posted (a citizen's or the console's): ends the caller's session, if
/// there is one, forgets its cookie and goes on to the city's page `to`.
pub async fn city_sign_out(
    carmen: &Carmen,
    caller: Result<Caller, ApiError>,
    page: &mut CityPage,
    to: &str,
) -> Answer {
    if let Some(token) = caller.ok().and_then(|c| c.token) {
        carmen.sign_out(&token).await.or_fail(page)?;
    }
    page.visitor
        .set_cookie(crate::api::sessions::ended_session_cookie());
    Ok(page.go_to(to))
}
