//! The operator's console at `/operator/`: the cities, creating a city with its first
//! administrator, and the platform's health.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use maud::{Markup, html};

use super::Visitor;
use super::answers::{failure, posted, problem_summary};
use super::layout::{Frame, page};
use super::pages::{Asked, CITIES_PAGE, CitiesAfter};
use super::sign_in::{SignIn, signing_in};
use crate::api::auth::Caller;
use crate::api::{ApiError, Client};
use crate::runtime::proofs::Operator;
use crate::runtime::types::{CrmError, NewUser};
use crate::runtime::{Carmen, RuntimeError};

fn operator_page(
    visitor: &Visitor,
    path: &str,
    title: &str,
    status: StatusCode,
    main: Markup,
) -> Response {
    let frame = Frame {
        visitor,
        city: None,
        title,
        path,
    };
    visitor.answer(status, page(&frame, main))
}

fn field(id: &str, label: String, kind: &str, autocomplete: &str) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            input id=(id) type=(kind) name=(id) autocomplete=(autocomplete);
        }
    }
}

/// Whether the posted form carries the visitor's token; else the refusal page.
fn token_refusal(
    visitor: &Visitor,
    path: &str,
    form: &BTreeMap<String, String>,
) -> Option<Response> {
    let accepted = visitor
        .csrf
        .accepts(form.get(super::csrf::FIELD).map(String::as_str));
    (!accepted).then(|| {
        let text = visitor.texts.t("error-csrf");
        operator_page(
            visitor,
            path,
            &visitor.texts.t("error-title"),
            StatusCode::FORBIDDEN,
            html! { p.lead { (text) } },
        )
    })
}

/// The operator signed in, or the sign-in page's address.
fn operator_of(visitor: &Visitor, caller: Result<Caller, ApiError>) -> Result<Operator, Response> {
    match caller.ok().and_then(|c| c.principal) {
        Some(who) if let Ok(operator) = who.operator() => Ok(operator),
        _ => Err(visitor.redirect("/operator/sign-in")),
    }
}

fn sign_in_form(visitor: &Visitor, problem: Option<String>) -> Markup {
    let t = visitor.texts;
    html! {
        h1 { (t.t("operator-sign-in")) }
        (problem_summary(problem.as_deref()))
        form method="post" action="/operator/sign-in" {
            input type="hidden" name=(super::csrf::FIELD) value=(visitor.csrf.value());
            (field("email", t.t("console-email"), "email", "username"))
            (field("password", t.t("console-password"), "password", "current-password"))
            button #sign-in type="submit" { (t.t("console-sign-in")) }
        }
    }
}

/// `GET /operator/sign-in`.
pub async fn sign_in_page(uri: Uri, visitor: Visitor) -> Response {
    let title = visitor.texts.t("operator-sign-in");
    operator_page(
        &visitor,
        uri.path(),
        &title,
        StatusCode::OK,
        sign_in_form(&visitor, None),
    )
}

/// `POST /operator/sign-in`.
pub async fn sign_in(
    State(carmen): State<Carmen>,
    uri: Uri,
    mut visitor: Visitor,
    client: Option<Extension<Client>>,
    form: Result<axum::Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let path = uri.path();
    let form = posted(form);
    if let Some(refusal) = token_refusal(&visitor, path, &form) {
        return refusal;
    }
    let (status, problem) =
        match signing_in(&carmen, &mut visitor, None, &form, client, "/operator/").await {
            SignIn::Done(answer) => return answer,
            SignIn::Again(status, problem) => (status, problem),
            SignIn::Failed(e) => return failure(&visitor, None, path, e),
        };
    let t = visitor.texts;
    let problem = problem.unwrap_or_else(|| t.t("console-sign-in-failed"));
    operator_page(
        &visitor,
        path,
        &t.t("operator-sign-in"),
        status,
        sign_in_form(&visitor, Some(problem)),
    )
}

/// `GET /operator/` (`?after=` for the next page of cities): the cities a page at a time, a form
/// to create one, the platform's health.
pub async fn home(
    State(carmen): State<Carmen>,
    Asked(asked): Asked<CitiesAfter>,
    uri: Uri,
    visitor: Visitor,
    caller: Result<Caller, ApiError>,
) -> Response {
    let path = uri.path();
    if let Err(page) = operator_of(&visitor, caller) {
        return page;
    }
    let t = visitor.texts;
    let found = async {
        let cities = carmen
            .cities_page(asked.after.as_deref(), CITIES_PAGE)
            .await?;
        let health = carmen.health().await?;
        Ok::<_, RuntimeError>((cities, health))
    };
    let ((cities, next), health) = match found.await {
        Ok(found) => found,
        Err(e) => return failure(&visitor, None, path, e),
    };
    let csrf = visitor.csrf.value();
    let title = t.t("operator-title");
    let created = uri
        .query()
        .is_some_and(|q| q.split('&').any(|pair| pair == "done=city"));
    let main = html! {
        @if created { p.notice.done role="status" #done { (t.t("done-city")) } }
        h1 { (title) }
        section aria-labelledby="health-title" {
            h2 #health-title { (t.t("operator-health")) }
            dl.facts #health {
                dt { (t.t("operator-health-cities")) } dd { (health.cities) }
                dt { (t.t("operator-health-installs")) } dd { (health.installs) }
                dt { (t.t("operator-health-database")) } dd { (health.database) }
                dt { (t.t("operator-health-registry")) } dd { (health.registry.clone().unwrap_or_else(|| t.t("operator-none"))) }
            }
        }
        section aria-labelledby="cities-title" {
            h2 #cities-title { (t.t("operator-cities")) }
            ul.services #cities {
                @for city in &cities {
                    li {
                        a href={ "/" (city.slug) "/console/" } { (city.name) }
                        p { code { (city.slug) } @if let Some(domain) = &city.domain { " · " (domain) } }
                    }
                }
            }
            @if let Some(next) = &next { p { a href={ "/operator/?after=" (next) } { (t.t("cities-more")) } } }
            form method="post" action="/operator/cities" {
                input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                (field("slug", t.t("operator-city-slug"), "text", "off"))
                (field("name", t.t("operator-city-name"), "text", "off"))
                (field("admin_name", t.t("operator-admin-name"), "text", "off"))
                (field("admin_email", t.t("operator-admin-email"), "email", "off"))
                (field("admin_password", t.with("operator-admin-password", &[("min", &crate::runtime::types::PASSWORD_MIN_CHARS.to_string())]), "password", "new-password"))
                button #create-city type="submit" { (t.t("operator-create")) }
            }
        }
    };
    operator_page(&visitor, path, &title, StatusCode::OK, main)
}

/// `POST /operator/cities`: a city with its first administrator (audited).
pub async fn create_city(
    State(carmen): State<Carmen>,
    uri: Uri,
    visitor: Visitor,
    caller: Result<Caller, ApiError>,
    form: Result<axum::Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let path = uri.path();
    let operator = match operator_of(&visitor, caller) {
        Ok(operator) => operator,
        Err(page) => return page,
    };
    let form = posted(form);
    if let Some(refusal) = token_refusal(&visitor, path, &form) {
        return refusal;
    }
    let value = |name: &str| {
        form.get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let admin = NewUser {
        name: value("admin_name"),
        email: Some(value("admin_email")),
        password: form.get("admin_password").cloned(),
        ..Default::default()
    };
    let password = admin.password.as_deref().unwrap_or_default();
    let created = match super::account::unfit_password(&visitor.texts, password) {
        Some(refused) => Err(refused),
        None => {
            carmen
                .create_city(&operator, &value("slug"), &value("name"), None, Some(admin))
                .await
        }
    };
    match created {
        Ok(_) => visitor.redirect("/operator/?done=city"),
        Err(
            RuntimeError::Invalid(reason)
            | RuntimeError::Crm(CrmError::Invalid(reason) | CrmError::Conflict(reason)),
        ) => {
            let t = visitor.texts;
            let text = t.with("error-invalid", &[("reason", &reason)]);
            let main = html! {
                h1 { (t.t("error-title")) }
                p.lead { (text) }
                p { a href="/operator/" { (t.t("operator-title")) } }
            };
            operator_page(
                &visitor,
                path,
                &t.t("error-title"),
                StatusCode::UNPROCESSABLE_ENTITY,
                main,
            )
        }
        Err(e) => failure(&visitor, None, path, e),
    }
}
