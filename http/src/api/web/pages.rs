//! Extractors for the pages of one city: who asks, checked once. A handler that takes a
//! `CitizenPage` or a `StaffPage` runs only for a signed-in citizen (or staff member) of the city
//! in its path, with the runtime's proof of it; anyone else gets the page to see instead (the
//! sign-in form, a refusal, the city not found) before the handler runs.

use std::collections::BTreeMap;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;

use super::Visitor;
use super::answers::{checked, failure, message_page, posted};
use super::portal::city_or_page;
use crate::api::ApiError;
use crate::api::auth::Caller;
use crate::runtime::Carmen;
use crate::runtime::proofs::{Citizen, Staff};
use crate::runtime::types::City;

/// A page asked by a signed-in citizen of the city in its path.
pub struct CitizenPage {
    pub visitor: Visitor,
    pub city: City,
    pub citizen: Citizen,
    /// The page's path, for its links and its error pages.
    pub path: String,
}

/// A console page asked by staff (or an administrator, or the operator) of the city in its path.
pub struct StaffPage {
    pub visitor: Visitor,
    pub city: City,
    pub staff: Staff,
    pub path: String,
}

/// A form posted to a page, its CSRF token checked with the page's visitor: a handler that takes
/// one runs only for a form this site made for whoever posts it (a refusal page otherwise).
pub struct Posted<P> {
    pub page: P,
    /// The posted fields, by name (a field sent twice keeps its last value).
    pub form: BTreeMap<String, String>,
}

/// What a refusal page needs of the page it refuses.
pub trait Page {
    fn refusal_context(&self) -> (&Visitor, &City, &str);
}

impl Page for CitizenPage {
    fn refusal_context(&self) -> (&Visitor, &City, &str) {
        (&self.visitor, &self.city, &self.path)
    }
}

impl Page for StaffPage {
    fn refusal_context(&self) -> (&Visitor, &City, &str) {
        (&self.visitor, &self.city, &self.path)
    }
}

impl<P> FromRequest<Carmen> for Posted<P>
where
    P: FromRequestParts<Carmen, Rejection = Response> + Page + Send,
{
    type Rejection = Response;

    async fn from_request(request: Request, carmen: &Carmen) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let page = P::from_request_parts(&mut parts, carmen).await?;
        let request = Request::from_parts(parts, body);
        let form = posted(axum::Form::from_request(request, carmen).await);
        let (visitor, city, path) = page.refusal_context();
        checked(visitor, city, path, &form)?;
        Ok(Posted { page, form })
    }
}

/// The visitor, the caller, the path and the city's slug (the path's first segment) of a page.
async fn asked(
    parts: &mut Parts,
    carmen: &Carmen,
) -> (Visitor, Result<Caller, ApiError>, String, String) {
    let visitor = match Visitor::from_request_parts(parts, carmen).await {
        Ok(visitor) => visitor,
        Err(never) => match never {},
    };
    let caller = Caller::from_request_parts(parts, carmen).await;
    let path = parts.uri.path().to_string();
    let slug = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    (visitor, caller, path, slug)
}

impl CitizenPage {
    /// The visitor, the city, the citizen's proof and the page's path.
    pub fn into_parts(self) -> (Visitor, City, Citizen, String) {
        (self.visitor, self.city, self.citizen, self.path)
    }
}

impl StaffPage {
    /// The visitor, the city, the staff member's proof and the page's path.
    pub fn into_parts(self) -> (Visitor, City, Staff, String) {
        (self.visitor, self.city, self.staff, self.path)
    }
}

impl FromRequestParts<Carmen> for CitizenPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, carmen: &Carmen) -> Result<Self, Response> {
        let (visitor, caller, path, slug) = asked(parts, carmen).await;
        let (city, citizen) = citizen_of(carmen, &visitor, &slug, &path, caller).await?;
        Ok(CitizenPage {
            visitor,
            city,
            citizen,
            path,
        })
    }
}

impl FromRequestParts<Carmen> for StaffPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, carmen: &Carmen) -> Result<Self, Response> {
        let (visitor, caller, path, slug) = asked(parts, carmen).await;
        let (city, staff) = staff_of(carmen, &visitor, &slug, &path, caller).await?;
        Ok(StaffPage {
            visitor,
            city,
            staff,
            path,
        })
    }
}

/// The signed-in citizen of `city`, or the page to show instead (the sign-in page for anyone
/// else: staff sign in at the console).
async fn citizen_of(
    carmen: &Carmen,
    visitor: &Visitor,
    slug: &str,
    path: &str,
    caller: Result<Caller, ApiError>,
) -> Result<(City, Citizen), Response> {
    let city = city_or_page(carmen, visitor, slug, path).await?;
    let citizen = caller
        .as_ref()
        .ok()
        .and_then(|c| c.principal.as_ref())
        .and_then(|who| who.citizen_of(slug).ok());
    if let Some(citizen) = citizen {
        return Ok((city, citizen));
    }
    match caller {
        Err(refusal) if refusal.status == StatusCode::FORBIDDEN => {
            let text = visitor.texts.t("error-csrf");
            Err(message_page(
                visitor,
                Some(&city),
                path,
                StatusCode::FORBIDDEN,
                &text,
            ))
        }
        _ => Err(visitor.redirect(&format!("/{slug}/account/sign-in"))),
    }
}

/// The signed-in staff member of `city`, or the page to show instead: the sign-in form for
/// nobody, a refusal for anyone else.
async fn staff_of(
    carmen: &Carmen,
    visitor: &Visitor,
    slug: &str,
    path: &str,
    caller: Result<Caller, ApiError>,
) -> Result<(City, Staff), Response> {
    let city = carmen
        .city(slug)
        .await
        .map_err(|e| failure(visitor, None, path, e))?;
    let principal = match caller {
        Ok(caller) => caller.principal,
        // The session cookie came with a change from another site: refused, nothing done.
        Err(refusal) if refusal.status == StatusCode::FORBIDDEN => {
            let text = visitor.texts.t("error-csrf");
            return Err(message_page(
                visitor,
                Some(&city),
                path,
                StatusCode::FORBIDDEN,
                &text,
            ));
        }
        Err(_) => None,
    };
    match principal.map(|who| who.staff_of(slug)) {
        None => Err(visitor.redirect(&format!("/{slug}/console/sign-in"))),
        Some(Ok(staff)) => Ok((city, staff)),
        Some(Err(_)) => {
            let text = visitor.texts.t("console-not-staff");
            Err(message_page(
                visitor,
                Some(&city),
                path,
                StatusCode::FORBIDDEN,
                &text,
            ))
        }
    }
}
