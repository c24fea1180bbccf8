//! The web pages, served by the same process as the API: the citizen portal of each city at
//! `/{city}/`. Server-rendered HTML (maud, checked at compile time), every page usable without
//! JavaScript, a strict CSP, a CSRF token on every form, the pages' words in five languages and
//! the services' words in the language the plugin answers `describe` in.

mod account;
mod administration;
mod answers;
mod assets;
mod console;
mod csrf;
mod evaluation;
mod form;
mod help;
mod identity;

mod layout;
mod markdown;
mod marketplace;
mod operator;
mod pages;
mod portal;
mod sign_in;
mod writing;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::i18n::{self, Texts};
use crate::runtime::Carmen;

/// The cookie that keeps the page language a visitor chose.
const LANGUAGE_COOKIE: &str = "carmen_lang";

/// The largest service form: its fields and its photos.
const FORM_WITH_PHOTOS_BYTES: usize = crate::runtime::photos::MAX_PHOTOS
    * crate::runtime::photos::MAX_PHOTO_BYTES
    + crate::api::MAX_BODY_BYTES;

/// The largest crest image an administrator may upload (the form's token beside it).
const CREST_BYTES: usize = crate::runtime::photos::MAX_PHOTO_BYTES + 64 * 1024;

/// The portal's routes.
pub fn routes() -> Router<Carmen> {
    Router::new()
        .route("/", get(portal::root))
        .route("/assets/{*file}", get(assets::file))
        .route("/robots.txt", get(identity::robots))
        .route("/favicon.ico", get(identity::favicon))
        .route("/{city}/crest.png", get(identity::crest))
        .route("/{city}/theme.css", get(identity::theme))
        .route("/{city}/manifest.webmanifest", get(identity::manifest))
        .route("/operator/", get(operator::home))
        .route(
            "/operator/sign-in",
            get(operator::sign_in_page).post(operator::sign_in),
        )
        .route("/operator/cities", post(operator::create_city))
        .route("/{city}", get(portal::to_home))
        .route("/{city}/", get(portal::home))
        .route(
            "/{city}/services/{code}",
            get(portal::service_form)
                .post(portal::submit)
                .layer(axum::extract::DefaultBodyLimit::max(FORM_WITH_PHOTOS_BYTES)),
        )
        .route("/{city}/requests/{id}/photos/{n}", get(portal::photo))
        .route("/{city}/follow/{secret}", get(portal::follow))
        .route(
            "/{city}/follow/{secret}/{action}",
            post(portal::follow_action),
        )
        .route("/{city}/requests", get(portal::public_requests))
        .route("/{city}/help/{id}", get(help::article_page))
        .route("/{city}/help/{id}/helpful", post(help::helpful))
        .route(
            "/{city}/survey/{id}/{token}",
            get(portal::survey_page).post(portal::survey),
        )
        .route(
            "/{city}/unsubscribe/{id}/{token}",
            get(portal::unsubscribe_page).post(portal::unsubscribe),
        )
        .route("/{city}/requests/{id}", get(portal::public_request))
        .route("/{city}/requests/{id}/follow", post(portal::follow_request))
        .route("/{city}/account/", get(account::home))
        .route(
            "/{city}/account/register",
            get(account::register_page).post(account::register),
        )
        .route(
            "/{city}/account/sign-in",
            get(account::sign_in_page).post(account::sign_in),
        )
        .route("/{city}/account/sign-out", post(account::sign_out))
        .route("/{city}/account/export", get(account::export))
        .route("/{city}/account/requests/{id}", get(account::request))
        .route(
            "/{city}/account/requests/{id}/{action}",
            post(account::request_action),
        )
        .route(
            "/{city}/account/organisations",
            post(account::create_organisation),
        )
        .route(
            "/{city}/account/organisations/{id}",
            get(account::organisation),
        )
        .route(
            "/{city}/account/organisations/{id}/export",
            get(account::export_organisation),
        )
        .route(
            "/{city}/account/organisations/{id}/{action}",
            post(account::organisation_action),
        )
        .route(
            "/{city}/account/invitations/{id}/{answer}",
            post(account::answer_invitation),
        )
        .route("/{city}/account/{action}", post(account::act))
        .route("/{city}/console", get(portal::to_console))
        .route("/{city}/console/", get(console::queue))
        .route(
            "/{city}/console/sign-in",
            get(console::sign_in_page).post(console::sign_in),
        )
        .route("/{city}/console/sign-out", post(console::sign_out))
        .route("/{city}/console/cases/{id}", get(console::case_page))
        .route(
            "/{city}/console/cases/{id}/{action}",
            post(console::case_action),
        )
        .route("/{city}/console/administration", get(administration::page))
        .route(
            "/{city}/console/administration/crest",
            post(administration::crest).layer(axum::extract::DefaultBodyLimit::max(CREST_BYTES)),
        )
        .route(
            "/{city}/console/administration/{action}",
            post(administration::act),
        )
        .route("/{city}/console/audit", get(administration::audit))
        .route("/{city}/console/evaluation", get(evaluation::page))
        .route(
            "/{city}/console/articles",
            get(writing::list).post(writing::create),
        )
        .route("/{city}/console/articles/new", get(writing::new_page))
        .route(
            "/{city}/console/articles/{id}",
            get(writing::edit_page).post(writing::save),
        )
        .route("/{city}/console/replies", post(writing::save_reply))
        .route("/{city}/console/marketplace", get(marketplace::browse))
        .route(
            "/{city}/console/marketplace/jobs/{id}",
            get(marketplace::job_page),
        )
        .route(
            "/{city}/console/marketplace/{package}",
            get(marketplace::package_page),
        )
        .route(
            "/{city}/console/marketplace/{package}/{action}",
            post(marketplace::package_action),
        )
        .route("/{city}/{*rest}", get(portal::no_such_page))
}

/// Who is looking at a page: the language it is shown in, the CSRF token of their forms, and
/// the cookies the answer must set.
pub struct Visitor {
    pub texts: Texts,
    pub csrf: csrf::Token,
    /// The name of whoever is signed in to the page's city, for the header (set by the page
    /// extractors).
    pub who: Option<String>,
    set_cookies: Vec<String>,
}

/// The value of cookie `name` among the request's cookies.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            pair.trim()
                .strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('='))
        })
}

/// `?lang=` of a query string.
fn asked_language(query: Option<&str>) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query?)
        .ok()?
        .into_iter()
        .find(|(name, _)| name == "lang")
        .map(|(_, value)| value)
}

impl FromRequestParts<Carmen> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &Carmen) -> Result<Visitor, Self::Rejection> {
        let mut set_cookies = Vec::new();
        let asked = asked_language(parts.uri.query());
        let language = match (&asked, cookie(&parts.headers, LANGUAGE_COOKIE)) {
            (Some(asked), _) => {
                let language = i18n::supported(asked);
                set_cookies.push(format!(
                    "{LANGUAGE_COOKIE}={language}; Path=/; Max-Age=31536000; SameSite=Lax"
                ));
                language
            }
            (None, Some(kept)) => i18n::supported(kept),
            (None, None) => i18n::supported(&super::views::language(None, &parts.headers)),
        };
        let (csrf, new_cookie) = csrf::Token::of(&parts.headers);
        set_cookies.extend(new_cookie);
        Ok(Visitor {
            texts: Texts::new(language),
            csrf,
            who: None,
            set_cookies,
        })
    }
}

/// The content security policy of every page: nothing from elsewhere, no inline script or style.
const PAGE_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; connect-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

impl Visitor {
    /// A `303 See Other` to `to`, with the visitor's cookies: where a form that worked leads.
    pub fn redirect(&self, to: &str) -> Response {
        let mut response = axum::response::Redirect::to(to).into_response();
        for cookie in &self.set_cookies {
            if let Ok(value) = HeaderValue::from_str(cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        response
    }

    /// Signs the visitor in with session `token`: its cookie, and a new CSRF token in place of
    /// the one held before signing in.
    pub fn sign_in(&mut self, token: &str, https: bool) {
        let (csrf, cookie) = csrf::Token::fresh();
        self.csrf = csrf;
        self.set_cookies
            .push(crate::api::sessions::session_cookie(token, https));
        self.set_cookies.push(cookie);
    }

    /// Adds a cookie to what the answer sets.
    pub fn set_cookie(&mut self, cookie: String) {
        self.set_cookies.push(cookie);
    }

    /// An HTML page answer with the visitor's cookies and the pages' security policy.
    pub fn answer(&self, status: axum::http::StatusCode, page: maud::Markup) -> Response {
        self.answer_with_policy(status, page, HeaderValue::from_static(PAGE_POLICY))
    }

    /// A page with scripts of this site (the map, "use my location"), and with the city's map
    /// tiles from `tiles` (an origin checked by `Map::check`) when it has a map.
    pub fn answer_with_map(
        &self,
        status: axum::http::StatusCode,
        page: maud::Markup,
        tiles: Option<&str>,
    ) -> Response {
        let tiles = tiles.unwrap_or_default();
        let policy = format!(
            "default-src 'none'; style-src 'self'; img-src 'self' data: {tiles}; script-src 'self'; connect-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        );
        match HeaderValue::from_str(&policy) {
            Ok(policy) => self.answer_with_policy(status, page, policy),
            Err(_) => self.answer(status, page),
        }
    }

    fn answer_with_policy(
        &self,
        status: axum::http::StatusCode,
        page: maud::Markup,
        policy: HeaderValue,
    ) -> Response {
        let html = HeaderValue::from_static("text/html; charset=utf-8");
        let mut response =
            (status, [(header::CONTENT_TYPE, html)], page.into_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        // Pages name who is signed in and hold their contact: no shared cache keeps them.
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
        // Forms post with their Origin, which the session cookie's CSRF check reads (with
        // `no-referrer` a browser sends `Origin: null`); no address leaves the site.
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
        headers.insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(self.texts.language),
        );
        for cookie in &self.set_cookies {
            if let Ok(value) = HeaderValue::from_str(cookie) {
                headers.append(header::SET_COOKIE, value);
            }
        }
        response
    }
}
