//! Extractors for the pages of one city, and what every page handler answers with. A handler
//! takes a `CityPage` (anyone), a `CitizenPage` or a `StaffPage` (a signed-in citizen or staff
//! member of the city in its path, with the runtime's proof of it), or a `Posted` form of one of
//! them (its CSRF token checked), and what its query `Asked`. Whoever may not see the page gets
//! the page to see instead (the sign-in form, a refusal, the city not found) before the handler
//! runs; a handler answers an `Answer`, its errors rendered by the page they happened on (`Page`,
//! `OrPage`).

use std::collections::BTreeMap;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use maud::{Markup, html};

use super::Visitor;
use super::answers::{failure, message_page, refused};
use super::layout::{Frame, page};
use crate::api::ApiError;
use crate::api::auth::Caller;
use crate::i18n::Texts;
use crate::runtime::proofs::{Citizen, Identity, Staff};
use crate::runtime::types::City;
use crate::runtime::{Carmen, RuntimeError};

/// What a page handler answers: the page, or the page that says why not (both rendered).
pub type Answer = Result<Response, Response>;

/// A page of the city in its path, for anyone; a citizen of the city signed in is known.
pub struct CityPage {
    pub visitor: Visitor,
    pub city: City,
    /// The page's path, for its links and its error pages.
    pub path: String,
    /// The citizen of this city signed in, if any.
    pub citizen: Option<Citizen>,
    /// What the action that led here did (`?done=`), said at the top of the page.
    pub done: Option<&'static str>,
}

/// What an action that worked may say on the page it leads to (`?done=key`), by the text's id:
/// only these, so that a link cannot make a city's page say anything else.
const DONE: &[(&str, &str)] = &[
    ("reply", "done-reply"),
    ("note", "done-note"),
    ("status", "done-status"),
    ("assigned", "done-assigned"),
    ("message", "done-message"),
    ("accepted", "done-accepted"),
    ("rejected", "done-rejected"),
    ("rated", "done-rated"),
    ("installed", "done-installed"),
    ("upgraded", "done-upgraded"),
    ("rolled-back", "done-rolled-back"),
    ("uninstalled", "done-uninstalled"),
    ("saved", "done-saved"),
    ("helpful", "help-thanks"),
    ("verified", "done-verified"),
    ("codes-sent", "done-codes-sent"),
    ("unfollowed", "done-unfollowed"),
    ("followed", "done-followed"),
    ("evidence", "done-evidence"),
    ("invited", "org-invited"),
    ("joined", "done-joined"),
    ("declined", "done-declined"),
];

/// The text id of a `?done=` key, if it is one.
fn done_of(query: Option<&str>) -> Option<&'static str> {
    let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(query?).ok()?;
    let (_, key) = pairs.into_iter().find(|(name, _)| name == "done")?;
    DONE.iter().find(|(k, _)| *k == key).map(|(_, id)| *id)
}

impl CityPage {
    /// The whole document of the city's page around `main`.
    fn document(&self, title: &str, main: Markup) -> Markup {
        page(
            &Frame {
                visitor: &self.visitor,
                city: Some(&self.city),
                title,
                path: &self.path,
            },
            main,
        )
    }

    /// Where the city moved, if it did; the notice of what the action that led here did, if any.
    fn notice(&self) -> Markup {
        html! {
            @if let Some(to) = &self.city.moved_to {
                p.notice #moved {
                    (self.visitor.texts.with("city-moved", &[("city", &self.city.name)])) " "
                    a href=(to) { (to) }
                }
            }
            @if let Some(id) = self.done {
                p.notice.done role="status" #done { (self.visitor.texts.t(id)) }
            }
        }
    }
}

/// A page asked by a signed-in citizen of the city in its path.
pub struct CitizenPage {
    pub at: CityPage,
    pub citizen: Citizen,
}

/// A console page asked by staff (or an administrator, or the operator) of the city in its path.
pub struct StaffPage {
    pub at: CityPage,
    pub staff: Staff,
}

/// Cities on one page of a list of the host's cities (the home page's, the operator's).
pub const CITIES_PAGE: u32 = 100;

/// `?after=`: the slug a page of the host's cities goes on after.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CitiesAfter {
    pub after: Option<String>,
}

/// What a page's query string asks, or the defaults for one that does not parse: a page never
/// fails on a stray or mangled query.
pub struct Asked<T>(pub T);

impl<T, S> FromRequestParts<S> for Asked<T>
where
    T: serde::de::DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let asked = axum::extract::Query::<T>::from_request_parts(parts, state).await;
        Ok(Asked(asked.map(|query| query.0).unwrap_or_default()))
    }
}

/// A form posted to a page, its CSRF token checked with the page's visitor: a handler that takes
/// one runs only for a form this site made for whoever posts it (a refusal page otherwise).
pub struct Posted<P> {
    pub page: P,
    /// The posted fields, by name (a field sent twice keeps its last value).
    pub form: BTreeMap<String, String>,
    /// The posted fields as sent, in order (for a name sent once per ticked box).
    pub pairs: Vec<(String, String)>,
}

impl<P> Posted<P> {
    /// The posted value of `name`, trimmed; "" when absent.
    pub fn value(&self, name: &str) -> &str {
        self.form.get(name).map_or("", |v| v.trim())
    }

    /// The posted value of `name`, trimmed, when it is not empty.
    pub fn given(&self, name: &str) -> Option<&str> {
        Some(self.value(name)).filter(|v| !v.is_empty())
    }

    /// Whether a checkbox `name` was ticked.
    pub fn ticked(&self, name: &str) -> bool {
        self.form.contains_key(name)
    }
}

/// What every page can answer: itself, the error page for what went wrong, a redirect. The
/// answers carry the visitor's cookies and are in the visitor's language.
pub trait Page {
    /// The city page this is.
    fn at(&self) -> &CityPage;

    /// The whole document around `main` (the console's pages frame it with the console's
    /// navigation).
    fn frame(&self, title: &str, main: Markup) -> Markup {
        let at = self.at();
        at.document(title, html! { (at.notice()) (main) })
    }

    fn texts(&self) -> Texts {
        self.at().visitor.texts
    }

    /// The page, `200 OK`.
    fn show(&self, title: &str, main: Markup) -> Response {
        self.show_as(StatusCode::OK, title, main)
    }

    /// The page with `status`.
    fn show_as(&self, status: StatusCode, title: &str, main: Markup) -> Response {
        self.at().visitor.answer(status, self.frame(title, main))
    }

    /// The error page for `error`.
    fn fail(&self, error: RuntimeError) -> Response {
        let at = self.at();
        failure(&at.visitor, Some(&at.city), &at.path, error)
    }

    /// The page for an action refused: its reason when it is the visitor's to fix.
    fn refuse(&self, error: RuntimeError) -> Response {
        let at = self.at();
        refused(&at.visitor, &at.city, &at.path, error)
    }

    /// A page that only says `text`.
    fn say(&self, status: StatusCode, text: &str) -> Response {
        let at = self.at();
        message_page(&at.visitor, Some(&at.city), &at.path, status, text)
    }

    /// The city's not-found page.
    fn not_found(&self) -> Response {
        self.say(StatusCode::NOT_FOUND, &self.texts().t("error-not-found"))
    }

    /// The number in a path segment, or the not-found page.
    fn id(&self, raw: &str) -> Result<i64, Response> {
        raw.parse::<i64>().map_err(|_| self.not_found())
    }

    /// A `303 See Other` to `to`, with the visitor's cookies.
    fn go(&self, to: &str) -> Response {
        self.at().visitor.redirect(to)
    }

    /// A `303 See Other` to the city's page `rest` (`/{city}/{rest}`).
    fn go_to(&self, rest: &str) -> Response {
        self.go(&format!("/{}/{rest}", self.at().city.slug))
    }

    /// A `303 See Other` to the city's page `rest`, saying there that `done` (a `DONE` key)
    /// was done.
    fn done(&self, rest: &str, done: &str) -> Response {
        let joiner = if rest.contains('?') { '&' } else { '?' };
        self.go_to(&format!("{rest}{joiner}done={done}"))
    }
}

impl Page for CityPage {
    fn at(&self) -> &CityPage {
        self
    }
}

impl Page for CitizenPage {
    fn at(&self) -> &CityPage {
        &self.at
    }
}

impl Page for StaffPage {
    fn at(&self) -> &CityPage {
        &self.at
    }

    fn frame(&self, title: &str, main: Markup) -> Markup {
        let at = &self.at;
        let t = at.visitor.texts;
        let slug = &at.city.slug;
        let main = html! {
            nav.console aria-label=(t.t("console-title")) {
                div {
                    a href={ "/" (slug) "/console/" } { (t.t("console-queue")) }
                    " · "
                    a href={ "/" (slug) "/console/marketplace" } { (t.t("console-marketplace")) }
                    " · "
                    a href={ "/" (slug) "/console/evaluation" } { (t.t("console-evaluation")) }
                    " · "
                    a href={ "/" (slug) "/console/articles" } { (t.t("console-knowledge")) }
                    " · "
                    a href={ "/" (slug) "/console/administration" } { (t.t("console-administration")) }
                }
                form.inline method="post" action={ "/" (slug) "/console/sign-out" } {
                    input type="hidden" name=(super::csrf::FIELD) value=(at.visitor.csrf.value());
                    button.secondary type="submit" { (t.t("console-sign-out")) }
                }
            }
            (at.notice())
            (main)
        };
        at.document(title, main)
    }
}

/// A runtime answer turned into the page's: `?` in a handler then shows the error page.
pub trait OrPage<T> {
    /// The value, or the error page.
    fn or_fail(self, page: &impl Page) -> Result<T, Response>;
    /// The value, or the refusal page (the reason shown when it is the visitor's to fix).
    fn or_refuse(self, page: &impl Page) -> Result<T, Response>;
}

impl<T> OrPage<T> for Result<T, RuntimeError> {
    fn or_fail(self, page: &impl Page) -> Result<T, Response> {
        self.map_err(|e| page.fail(e))
    }

    fn or_refuse(self, page: &impl Page) -> Result<T, Response> {
        self.map_err(|e| page.refuse(e))
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
        let pairs = axum::Form::<Vec<(String, String)>>::from_request(request, carmen)
            .await
            .map(|axum::Form(pairs)| pairs)
            .unwrap_or_default();
        let form: BTreeMap<String, String> = pairs.iter().cloned().collect();
        if !page
            .at()
            .visitor
            .csrf
            .accepts(form.get(super::csrf::FIELD).map(String::as_str))
        {
            return Err(page.say(StatusCode::FORBIDDEN, &page.texts().t("error-csrf")));
        }
        Ok(Posted { page, form, pairs })
    }
}

/// The city's slug: the path's first segment.
fn slug_of(path: &str) -> &str {
    path.trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
}

/// The city page and the caller, or the page saying there is no such city.
async fn city_page(
    parts: &mut Parts,
    carmen: &Carmen,
) -> Result<(CityPage, Result<Caller, ApiError>), Response> {
    let visitor = match Visitor::from_request_parts(parts, carmen).await {
        Ok(visitor) => visitor,
        Err(never) => match never {},
    };
    let caller = Caller::from_request_parts(parts, carmen).await;
    let path = parts.uri.path().to_string();
    let slug = slug_of(&path);
    let city = carmen
        .city(slug)
        .await
        .map_err(|e| failure(&visitor, None, &path, e))?;
    // Times are shown on the city's clock (its time zone, or the offset of its quiet hours).
    let mut visitor = visitor;
    visitor.texts = visitor.texts.on(city.clock());
    let identity = caller.as_ref().ok().and_then(|c| c.principal.as_ref());
    let citizen = identity.and_then(|who| who.citizen_of(&city.slug).ok());
    let mut at = CityPage {
        visitor,
        city,
        path,
        citizen,
        done: done_of(parts.uri.query()),
    };
    if let Some(who) = identity {
        at.visitor.who = signed_in_name(carmen, who, &at.city.slug).await;
    }
    Ok((at, caller))
}

/// The name the header shows for whoever is signed in to `city`.
async fn signed_in_name(carmen: &Carmen, who: &Identity, city: &str) -> Option<String> {
    let member = who.member_of(city).ok()?;
    let user = carmen.profile(&member).await.ok()?;
    Some(user.name)
        .filter(|name| !name.trim().is_empty())
        .or(user.email)
        .or(user.phone)
}

/// The refusal of a page changed from another site with the session cookie.
fn cross_site(at: &CityPage) -> Response {
    at.say(StatusCode::FORBIDDEN, &at.texts().t("error-csrf"))
}

impl FromRequestParts<Carmen> for CityPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, carmen: &Carmen) -> Result<Self, Response> {
        Ok(city_page(parts, carmen).await?.0)
    }
}

impl FromRequestParts<Carmen> for CitizenPage {
    type Rejection = Response;

    /// The signed-in citizen of the city; the sign-in page for anyone else (staff sign in at
    /// the console).
    async fn from_request_parts(parts: &mut Parts, carmen: &Carmen) -> Result<Self, Response> {
        let (mut at, caller) = city_page(parts, carmen).await?;
        match (at.citizen.take(), caller) {
            (Some(citizen), _) => Ok(CitizenPage { at, citizen }),
            (None, Err(refusal)) if refusal.status == StatusCode::FORBIDDEN => Err(cross_site(&at)),
            (None, _) => Err(at.go_to("account/sign-in")),
        }
    }
}

impl FromRequestParts<Carmen> for StaffPage {
    type Rejection = Response;

    /// The signed-in staff member of the city: the sign-in form for nobody, a refusal for
    /// anyone else.
    async fn from_request_parts(parts: &mut Parts, carmen: &Carmen) -> Result<Self, Response> {
        let (at, caller) = city_page(parts, carmen).await?;
        let principal = match caller {
            Ok(caller) => caller.principal,
            // The session cookie came with a change from another site: refused, nothing done.
            Err(refusal) if refusal.status == StatusCode::FORBIDDEN => {
                return Err(cross_site(&at));
            }
            Err(_) => None,
        };
        match principal.map(|who| who.staff_of(&at.city.slug)) {
            None => Err(at.go_to("console/sign-in")),
            Some(Ok(staff)) => Ok(StaffPage { at, staff }),
            Some(Err(_)) => Err(at.say(StatusCode::FORBIDDEN, &at.texts().t("console-not-staff"))),
        }
    }
}
