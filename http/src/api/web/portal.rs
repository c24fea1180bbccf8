//! The citizen portal of a city: its services by group with search, a service's form, the page
//! that follows a request by its secret link, and the city's public requests. No account needed.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::Visitor;
use super::answers::{failure, message_page, status_text, when, with_retry_after};
use super::form::{self, Entered};
use super::layout::{Frame, page};
use super::pages::{
    Answer, Asked, CITIES_PAGE, CitiesAfter, CitizenPage, CityPage, OrPage, Page, Posted,
};
use crate::api::ApiError;
use crate::contract::types::{Datatype, FieldError, ServiceDescription};
use crate::i18n::Texts;
use crate::runtime::casework::Follower;
use crate::runtime::proofs::Citizen;
use crate::runtime::queries::RequestFile;
use crate::runtime::requests::Submitted;
use crate::runtime::types::{Case, CaseKind, CaseStatus, City, Install, RequestSearch, now};
use crate::runtime::{Carmen, RuntimeError};

/// How far back the public list looks, and how many it shows.
const PUBLIC_DAYS: i64 = 90;
const PUBLIC_SHOWN: u32 = 100;

/// The city, or the page saying there is none (for the pages that take no `CityPage`).
async fn city_or_page(
    carmen: &Carmen,
    visitor: &Visitor,
    slug: &str,
    path: &str,
) -> Result<City, Response> {
    carmen
        .city(slug)
        .await
        .map_err(|e| failure(visitor, None, path, e))
}

/// `GET /` (`?after=` for the next page): at a city's own domain, its portal; elsewhere, the
/// cities on this host, a page at a time.
pub async fn root(
    State(carmen): State<Carmen>,
    Asked(asked): Asked<CitiesAfter>,
    headers: axum::http::HeaderMap,
    uri: Uri,
    visitor: Visitor,
) -> Response {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(|h| {
            h.rsplit_once(':')
                .map_or(h, |(name, _)| name)
                .to_ascii_lowercase()
        });
    if let Some(host) = host
        && let Ok(city) = carmen.city_by_jurisdiction(&host).await
        && city.domain.as_deref() == Some(host.as_str())
    {
        return Redirect::to(&format!("/{}/", city.slug)).into_response();
    }
    let (cities, next) = match carmen
        .cities_page(asked.after.as_deref(), CITIES_PAGE)
        .await
    {
        Ok(page) => page,
        Err(e) => return failure(&visitor, None, uri.path(), e),
    };
    let t = visitor.texts;
    let title = t.t("home-title");
    let main = html! {
        h1 { (title) }
        p.lead { (t.t("home-lead")) }
        ul.services #cities {
            @for city in &cities { li { a href={ "/" (city.slug) "/" } { (city.name) } } }
        }
        @if let Some(next) = &next { p { a href={ "/?after=" (next) } { (t.t("cities-more")) } } }
    };
    let frame = Frame {
        visitor: &visitor,
        city: None,
        title: &title,
        path: uri.path(),
    };
    visitor.answer(StatusCode::OK, page(&frame, main))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SurveyQuery {
    score: Option<i64>,
}

/// `GET /{city}/survey/{id}/{token}` (`?score=` from the message's link): the satisfaction
/// survey of a resolved request, the score chosen, a comment to add, one button to send.
pub async fn survey_page(
    State(carmen): State<Carmen>,
    Path((slug, id, token)): Path<(String, String, String)>,
    Asked(query): Asked<SurveyQuery>,
    at: CityPage,
) -> Answer {
    let id = at.id(&id)?;
    carmen.survey_follower(&slug, id, &token).or_fail(&at)?;
    let t = at.texts();
    let chosen = query.score;
    let title = t.t("survey-title");
    let main = html! {
        h1 { (title) }
        p.lead { (t.t("survey-lead")) " " (t.with("request-title", &[("id", &id.to_string())])) }
        form method="post" action=(at.path) {
            input type="hidden" name=(super::csrf::FIELD) value=(at.visitor.csrf.value());
            fieldset {
                legend { (t.t("follow-rate-score")) }
                @for score in (1..=5).rev() {
                    div.choice {
                        input type="radio" id={ "score-" (score) } name="score" value=(score) checked[chosen == Some(score)];
                        label for={ "score-" (score) } { (t.t(&format!("rating-{score}"))) }
                    }
                }
            }
            div.field {
                label for="comment" { (t.t("follow-rate-comment")) }
                textarea #comment name="comment" {}
            }
            button #rate type="submit" { (t.t("follow-rate-send")) }
        }
    };
    Ok(at.show(&title, main))
}

/// `POST /{city}/survey/{id}/{token}`: keeps the rating (replacing an earlier one).
pub async fn survey(
    State(carmen): State<Carmen>,
    Path((slug, id, token)): Path<(String, String, String)>,
    posted: Posted<CityPage>,
) -> Answer {
    let at = &posted.page;
    let id = at.id(&id)?;
    let follower = carmen.survey_follower(&slug, id, &token).or_fail(at)?;
    act_as_follower(
        &carmen,
        &slug,
        id,
        follower,
        "rating",
        &posted.form,
        at.texts(),
    )
    .await
    .or_refuse(at)?;
    Ok(done_page(at, "survey-title", "rated", "survey-thanks"))
}

/// `GET /{city}/unsubscribe/{id}/{token}`: the link in an unprompted message; a button confirms
/// (so that a mail scanner following links unsubscribes no one).
pub async fn unsubscribe_page(at: CityPage) -> Response {
    let t = at.texts();
    let title = t.t("unsubscribe-title");
    let main = html! {
        h1 { (title) }
        p.lead { (t.t("unsubscribe-lead")) }
        form method="post" action=(at.path) {
            button #unsubscribe type="submit" { (t.t("unsubscribe-confirm")) }
        }
    };
    at.show(&title, main)
}

/// `POST /{city}/unsubscribe/{id}/{token}`: the recipient of that message gets no more unprompted
/// messages from the city. Also the one-click unsubscribe of RFC 8058 (the token is the proof; no
/// sign-in, no form token).
pub async fn unsubscribe(
    State(carmen): State<Carmen>,
    Path((slug, id, token)): Path<(String, String, String)>,
    at: CityPage,
) -> Answer {
    let id = at.id(&id)?;
    carmen.unsubscribe(&slug, id, &token).await.or_fail(&at)?;
    Ok(done_page(
        &at,
        "unsubscribe-title",
        "unsubscribed",
        "unsubscribe-done",
    ))
}

/// The page under the title `title` that says `done` (text ids) in its lead, marked `#{id}`.
fn done_page(at: &CityPage, title: &str, id: &str, done: &str) -> Response {
    let t = at.texts();
    let title = t.t(title);
    at.show(
        &title,
        html! { h1 { (title) } p.lead id=(id) { (t.t(done)) } },
    )
}

/// `GET /{city}`: the portal lives at `/{city}/`.
pub async fn to_home(at: CityPage) -> Response {
    Redirect::permanent(&format!("/{}/", at.city.slug)).into_response()
}

/// `GET /{city}/...` that is no page: the city's own not-found page (and the API's problem
/// document under the host's reserved paths, such as an unknown `/api/...`).
pub async fn no_such_page(
    State(carmen): State<Carmen>,
    Path((slug, _)): Path<(String, String)>,
    uri: Uri,
    visitor: Visitor,
) -> Response {
    if crate::runtime::types::RESERVED_SLUGS.contains(&slug.as_str()) {
        return ApiError::not_found("no such route").into_response();
    }
    let path = uri.path();
    match city_or_page(&carmen, &visitor, &slug, path).await {
        Ok(city) => {
            let text = visitor.texts.t("error-not-found");
            message_page(&visitor, Some(&city), path, StatusCode::NOT_FOUND, &text)
        }
        Err(page) => page,
    }
}

/// `GET /{city}/console`: the console lives at `/{city}/console/`. Only a city that exists is
/// redirected to, by its own slug: a path segment such as `%2Fevil.example` never becomes the
/// `//evil.example/...` of a redirect.
pub async fn to_console(at: CityPage) -> Response {
    Redirect::permanent(&format!("/{}/console/", at.city.slug)).into_response()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HomeQuery {
    q: Option<String>,
}

/// Whether a service matches every word of a search.
fn matches(d: &ServiceDescription, query: &str) -> bool {
    let haystack = format!(
        "{} {} {} {}",
        d.name,
        d.description,
        d.group,
        d.keywords.join(" ")
    )
    .to_lowercase();
    query
        .to_lowercase()
        .split_whitespace()
        .all(|word| haystack.contains(word))
}

/// `GET /{city}/`: the city's services by group, with search.
pub async fn home(
    State(carmen): State<Carmen>,
    Asked(query): Asked<HomeQuery>,
    at: CityPage,
) -> Answer {
    let t = at.texts();
    let slug = &at.city.slug;
    let services = carmen.services(slug, t.language).await.or_fail(&at)?;
    let asked = query
        .q
        .map(|q| q.trim().chars().take(100).collect::<String>())
        .filter(|q| !q.is_empty());
    // What the city's articles answer, before the services (a search that fails finds services).
    let found = match &asked {
        Some(q) => carmen
            .search(slug, q, t.language, false)
            .await
            .unwrap_or_default(),
        None => Default::default(),
    };
    let hits = found.articles;
    // A service is found by its words' stems ("lampioni" finds "lampione") or their letters.
    let stemmed: Vec<&str> = found.services.iter().map(|s| s.code.as_str()).collect();
    let mut groups: BTreeMap<&str, Vec<&ServiceDescription>> = BTreeMap::new();
    for (_, d) in &services {
        if asked
            .as_deref()
            .is_none_or(|q| matches(d, q) || stemmed.contains(&d.code.as_str()))
        {
            groups.entry(d.group.as_str()).or_default().push(d);
        }
    }
    for list in groups.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name));
    }
    let title = t.with("services-title", &[("city", &at.city.name)]);
    let main = html! {
        h1 { (title) }
        p.lead { (t.t("services-lead")) }
        form.search method="get" action={ "/" (slug) "/" } role="search" {
            div.field {
                label for="q" { (t.t("services-search-label")) }
                input type="search" id="q" name="q" value=[asked.as_deref()];
            }
            button type="submit" { (t.t("services-search-button")) }
        }
        (super::help::answers(t, slug, &hits))
        @if let Some(q) = &asked {
            h2 { (t.with("services-search-results", &[("query", q)])) }
        }
        @if services.is_empty() {
            p { (t.t("services-none-installed")) }
        } @else if groups.is_empty() {
            p { (t.t("services-none")) }
        }
        @for (group, list) in &groups {
            @if asked.is_none() { h2 lang=[list.first().and_then(|d| form::plugin_lang(t, d))] { (group) } }
            ul.services {
                @for d in list {
                    li lang=[form::plugin_lang(t, d)] {
                        a href={ "/" (slug) "/services/" (d.code) } { (d.name) }
                        p { (d.description) }
                    }
                }
            }
        }
        @if asked.is_some() {
            p { a href={ "/" (slug) "/" } { (t.t("services-show-all")) } }
        }
        p { a href={ "/" (slug) "/requests" } { (t.t("services-public-requests")) } }
    };
    Ok(at.show(&title, main))
}

/// The page of a service's form, with what was entered and the errors found (all at once, the
/// summary of them focused).
fn form_page(
    at: &CityPage,
    install: &Install,
    d: &ServiceDescription,
    entered: &Entered,
    errors: &[crate::contract::types::FieldError],
    organisations: &[(i64, String)],
    related: &Markup,
) -> Response {
    let t = at.texts();
    let city = &at.city;
    let action = format!("/{}/services/{}", city.slug, d.code);
    let title = if errors.is_empty() {
        d.name.clone()
    } else {
        format!("{}: {}", t.t("form-errors-title"), d.name)
    };
    let main = html! {
        p { a href={ "/" (city.slug) "/" } { (t.t("form-back")) } }
        h1 lang=[form::plugin_lang(t, d)] { (d.name) }
        p.lead lang=[form::plugin_lang(t, d)] { (d.description) }
        (related)
        (form::render(t, d, install.public, &action, at.visitor.csrf.value(), entered, errors, organisations, city.map.as_ref()))
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    // The form's scripts (suggestions, the map) are this site's own.
    let tiles = city.map.as_ref().map(|map| map.origin());
    at.visitor
        .answer_with_map(status, at.frame(&title, main), tiles.as_deref())
}

/// The organisations (id, name) the citizen signed in represents.
async fn represented(carmen: &Carmen, citizen: Option<&Citizen>) -> Vec<(i64, String)> {
    match citizen {
        Some(citizen) => carmen
            .organisations(citizen)
            .await
            .map(|list| list.into_iter().map(|(o, _)| (o.id, o.name)).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    }
}

/// The articles and notices linked to service `code`, shown before its form.
async fn related_articles(carmen: &Carmen, at: &CityPage, code: &str) -> Markup {
    let slug = &at.city.slug;
    let articles = carmen
        .articles(slug, None, Some(code), (0, 20))
        .await
        .unwrap_or_default();
    super::help::before_filing(at.texts(), slug, code, &articles)
}

/// `GET /{city}/services/{code}`: the service's form.
pub async fn service_form(
    State(carmen): State<Carmen>,
    Path((slug, code)): Path<(String, String)>,
    at: CityPage,
) -> Answer {
    let organisations = represented(&carmen, at.citizen.as_ref()).await;
    let (install, d) = carmen
        .service(&slug, &code, at.texts().language)
        .await
        .or_fail(&at)?;
    // A citizen signed in finds their contact filled in.
    let profile = match &at.citizen {
        Some(citizen) => carmen.profile(&citizen.member()).await.ok(),
        None => None,
    };
    let entered = profile.map_or_else(Entered::default, |user| {
        Entered::with_contact(&user.name, user.email.as_deref(), user.phone.as_deref())
    });
    let related = related_articles(&carmen, &at, &code).await;
    Ok(form_page(
        &at,
        &install,
        &d,
        &entered,
        &[],
        &organisations,
        &related,
    ))
}

/// `POST /{city}/services/{code}`: sends the form; on success, goes to the request's own page.
/// A refused form comes back as it was entered, every error at once (what was typed, the
/// photos, the service's own checks).
pub async fn submit(
    State(carmen): State<Carmen>,
    Path((slug, code)): Path<(String, String)>,
    at: CityPage,
    request: axum::extract::Request,
) -> Answer {
    let t = at.texts();
    // Photos are read only with a place in the photo pool's line, taken at the first photo byte:
    // a full line has them read past, never held.
    let form::Posted {
        entered,
        files,
        place,
        skipped_files,
    } = form::read_posted(request, || carmen.photo_place().ok())
        .await
        .map_err(|status| at.say(status, &t.t("error-failed")))?;
    if !at.visitor.csrf.accepts(entered.csrf()) {
        return Err(at.say(StatusCode::FORBIDDEN, &t.t("error-csrf")));
    }
    let (mut input, mut found) = entered.request(t);
    // A citizen signed in to this city files as themselves (or for an organisation of theirs).
    input.citizen = at.citizen.clone();
    let prepared = match place {
        _ if skipped_files => Err(RuntimeError::Overloaded(
            crate::runtime::photos::RETRY_AFTER,
        )),
        Some(place) if found.is_empty() => carmen.prepare_photos(place, files).await,
        _ => Ok(Vec::new()),
    };
    let mut retry_after = None;
    match prepared {
        Ok(photos) => input.photos = photos,
        // What was typed is kept; only the photos are to send again.
        Err(RuntimeError::Invalid(message)) => found.push(FieldError {
            code: "photos".into(),
            message,
        }),
        Err(RuntimeError::Overloaded(seconds)) => {
            retry_after = Some(seconds);
            found.push(FieldError {
                code: "photos".into(),
                message: t.t("error-busy"),
            });
        }
        Err(e) => return Err(at.fail(e)),
    }
    let refusal = if found.is_empty() {
        match carmen.submit(&slug, &code, input).await.or_refuse(&at)? {
            Submitted::Opened(filed) | Submitted::Answered(filed) => {
                // Read an article from this form first, and filed anyway: not a filing avoided.
                if let Err(e) = carmen
                    .note_filing(&slug, &code, &super::help::visitor(&at))
                    .await
                {
                    tracing::warn!(city = %slug, service = %code, error = %e, "the filing was not noted for the evaluation");
                }
                return Ok(at.go_to(&format!("follow/{}?sent=1", filed.secret)));
            }
            Submitted::Rejected(refusal) => refusal,
        }
    } else {
        carmen
            .refusal(&slug, &code, &input, found)
            .await
            .or_fail(&at)?
    };
    let organisations = represented(&carmen, at.citizen.as_ref()).await;
    let related = related_articles(&carmen, &at, &code).await;
    let mut page = form_page(
        &at,
        &refusal.install,
        &refusal.form,
        &entered,
        &refusal.errors,
        &organisations,
        &related,
    );
    if retry_after.is_some() {
        *page.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    }
    Ok(with_retry_after(page, retry_after))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FollowQuery {
    sent: Option<String>,
}

/// `GET /{city}/follow/{secret}`: a request as its submitter sees it, by its secret link.
pub async fn follow(
    State(carmen): State<Carmen>,
    Path((slug, secret)): Path<(String, String)>,
    Asked(query): Asked<FollowQuery>,
    at: CityPage,
) -> Answer {
    let file = async {
        let id = carmen.request_by_secret(&slug, &secret).await?;
        carmen.request_file(&slug, id, None, Some(&secret)).await
    };
    let file = file.await.or_fail(&at)?;
    let sent = query.sent.is_some();
    let rating = carmen.rating(&file.case).await.ok().flatten();
    let t = at.texts();
    let view = RequestPage::of(&carmen, &file, t, true, format!("secret={secret}&")).await;
    let path = &at.path;
    let main = html! {
        @if sent {
            div.panel role="status" {
                h1 { (t.t("submitted-title")) }
                p { (t.t("submitted-reference")) strong { (file.case.reference.clone().unwrap_or_else(|| file.case.id.to_string())) } }
            }
            div.notice {
                h2 { (t.t("submitted-follow")) }
                p { (t.t("submitted-follow-lead")) }
                a.link-box href=(path) { (path) }
            }
        }
        (view.render(t, sent))
        (follower_forms(&at.visitor, path, &file.case, rating.as_ref()))
        p { a href={ "/" (slug) "/" } { (t.t("submitted-another")) } }
    };
    let title = if sent {
        t.t("submitted-title")
    } else {
        t.with("request-title", &[("id", &file.case.id.to_string())])
    };
    Ok(at.show(&title, main))
}

/// What the one who filed a request can do on its page: write to the city, accept or reject a
/// resolution, rate it.
pub(super) fn follower_forms(
    visitor: &Visitor,
    path: &str,
    case: &Case,
    rating: Option<&crate::runtime::types::Rating>,
) -> Markup {
    let t = visitor.texts;
    let csrf = visitor.csrf.value();
    let resolved = case.status == CaseStatus::Resolved;
    let rateable = matches!(case.status, CaseStatus::Resolved | CaseStatus::Closed);
    html! {
        @if resolved {
            section.notice aria-labelledby="resolved-title" {
                h2 #resolved-title { (t.t("follow-resolved-title")) }
                p { (t.t("follow-resolved-lead")) }
                form method="post" action={ (path) "/accept" } {
                    input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                    button #accept type="submit" { (t.t("follow-accept")) }
                }
                form method="post" action={ (path) "/reject" } {
                    input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                    div.field {
                        label for="reason" { (t.t("follow-reject-label")) }
                        textarea #reason name="reason" {}
                    }
                    button #reject type="submit" { (t.t("follow-reject")) }
                }
            }
        }
        @if rateable {
            section aria-labelledby="rate-title" {
                h2 #rate-title { (t.t("follow-rate-title")) }
                @if let Some(rating) = rating {
                    p #rated { (t.with("follow-rated", &[("score", &rating.score.to_string())])) }
                }
                form method="post" action={ (path) "/rating" } {
                    input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                    fieldset {
                        legend { (t.t("follow-rate-score")) }
                        span.help { (t.t("follow-rate-lead")) }
                        @for score in 1..=5 {
                            div.choice {
                                input type="radio" id={ "score-" (score) } name="score" value=(score) checked[rating.is_some_and(|r| r.score == score)];
                                label for={ "score-" (score) } { (t.t(&format!("rating-{score}"))) }
                            }
                        }
                    }
                    div.field {
                        label for="comment" { (t.t("follow-rate-comment")) }
                        textarea #comment name="comment" { (rating.map(|r| r.comment.as_str()).unwrap_or("")) }
                    }
                    button #rate type="submit" { (t.t("follow-rate-send")) }
                }
            }
        }
        @if case.status.is_open() || resolved {
            section aria-labelledby="write-title" {
                h2 #write-title { (t.t("follow-write")) }
                form method="post" action={ (path) "/message" } {
                    input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                    div.field {
                        label for="message" { (t.t("follow-write-label")) }
                        textarea #message name="body" {}
                    }
                    button #write type="submit" { (t.t("follow-write-send")) }
                }
            }
        }
    }
}

/// `POST /{city}/follow/{secret}/{action}`: the one who filed a request writes to the city
/// (`message`), accepts or rejects its resolution (`accept`, `reject`) or rates it (`rating`).
pub async fn follow_action(
    State(carmen): State<Carmen>,
    Path((slug, secret, action)): Path<(String, String, String)>,
    posted: Posted<CityPage>,
) -> Answer {
    let at = &posted.page;
    let id = carmen.request_by_secret(&slug, &secret).await.or_fail(at)?;
    let done = act_as_follower(
        &carmen,
        &slug,
        id,
        Follower::Secret(&secret),
        &action,
        &posted.form,
        at.texts(),
    )
    .await
    .or_refuse(at)?;
    Ok(at.done(&format!("follow/{secret}"), done))
}

/// Does `action` on request `id` of `city` as the one who filed it: `message`, `accept`,
/// `reject` or `rating`, with the posted `value`s; what was done, as a `?done=` key.
pub(super) async fn act_as_follower(
    carmen: &Carmen,
    city: &str,
    id: i64,
    follower: Follower<'_>,
    action: &str,
    form: &BTreeMap<String, String>,
    t: Texts,
) -> Result<&'static str, RuntimeError> {
    let value = |name: &str| form.get(name).map(String::as_str);
    match action {
        "message" => carmen
            .follower_message(city, id, &follower, value("body").unwrap_or(""))
            .await
            .map(|_| "message"),
        "accept" => carmen
            .accept_resolution(city, id, &follower)
            .await
            .map(|_| "accepted"),
        "reject" => carmen
            .reject_resolution(city, id, &follower, value("reason").unwrap_or(""))
            .await
            .map(|_| "rejected"),
        "rating" => {
            let score = value("score")
                .and_then(|s| s.parse::<i64>().ok())
                .ok_or_else(|| RuntimeError::Invalid(t.t("error-choose-rating")))?;
            carmen
                .rate(city, id, &follower, score, value("comment").unwrap_or(""))
                .await
                .map(|_| "rated")
        }
        _ => Err(RuntimeError::Crm(
            crate::runtime::types::CrmError::NotFound("page".into()),
        )),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PhotoQuery {
    size: Option<String>,
    secret: Option<String>,
}

/// `GET /{city}/requests/{id}/photos/{n}` (`?size=thumb` for its thumbnail): a photo of a
/// request, for whoever may see the request — staff, its submitter (signed in, or with
/// `?secret=`), a representative of its organisation, the public for a public request.
pub async fn photo(
    State(carmen): State<Carmen>,
    Path((slug, id, n)): Path<(String, String, String)>,
    Asked(query): Asked<PhotoQuery>,
    at: CityPage,
    caller: Result<crate::api::auth::Caller, ApiError>,
) -> Answer {
    let (id, n) = (at.id(&id)?, at.id(&n)?);
    let principal = caller.ok().and_then(|c| c.principal);
    let thumbnail = query.size.as_deref() == Some("thumb");
    let (content_type, bytes) = carmen
        .photo(
            &slug,
            id,
            n,
            thumbnail,
            principal.as_ref(),
            query.secret.as_deref(),
        )
        .await
        .or_fail(&at)?;
    let content_type = HeaderValue::from_str(&content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("inline"),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /{city}/requests/{id}`: a public request as the public sees it; a citizen signed in
/// may follow it (a digest tells them when it changes).
pub async fn public_request(
    State(carmen): State<Carmen>,
    Path((slug, id)): Path<(String, String)>,
    at: CityPage,
) -> Answer {
    let id = at.id(&id)?;
    let file = carmen
        .request_file(&slug, id, None, None)
        .await
        .or_fail(&at)?;
    let t = at.texts();
    let view = RequestPage::of(&carmen, &file, t, false, String::new()).await;
    let title = t.with("request-title", &[("id", &id.to_string())]);
    let main = html! {
        (view.render(t, false))
        @if at.citizen.is_some() {
            form method="post" action={ (at.path) "/follow" } {
                input type="hidden" name=(super::csrf::FIELD) value=(at.visitor.csrf.value());
                button.secondary #follow type="submit" { (t.t("follow-this")) }
            }
        }
    };
    Ok(at.show(&title, main))
}

/// `POST /{city}/requests/{id}/follow`: the signed-in citizen follows this public request.
pub async fn follow_request(
    State(carmen): State<Carmen>,
    Path((_, id)): Path<(String, String)>,
    Posted { page, .. }: Posted<CitizenPage>,
) -> Answer {
    let id = page.id(&id)?;
    let target = crate::runtime::types::FollowTarget::Request(id);
    carmen
        .follow(&page.citizen, &target)
        .await
        .or_refuse(&page)?;
    Ok(page.done("account/", "followed"))
}

/// `GET /{city}/requests`: the city's public requests, newest first.
pub async fn public_requests(State(carmen): State<Carmen>, at: CityPage) -> Answer {
    let slug = &at.city.slug;
    let end = now();
    let search = RequestSearch {
        start: end - PUBLIC_DAYS * 86_400,
        end,
        public_only: true,
        limit: PUBLIC_SHOWN,
        ..Default::default()
    };
    let found = carmen
        .search_public_requests(slug, &search)
        .await
        .or_fail(&at)?;
    let t = at.texts();
    let names = carmen
        .service_names(slug, t.language)
        .await
        .unwrap_or_default();
    let title = t.with("public-title", &[("city", &at.city.name)]);
    // Where the city has a map and shows where requests are, they are pins on it too.
    let map = at.city.map.as_ref().filter(|_| at.city.public_location);
    let points: Vec<serde_json::Value> = found
        .iter()
        .filter_map(|case| {
            let location = case.location.as_ref()?;
            let service = names.get(&case.service).unwrap_or(&case.service);
            Some(serde_json::json!({
                "lat": location.latitude?,
                "lon": location.longitude?,
                "href": format!("/{slug}/requests/{}", case.id),
                "title": format!("{} — {} ({})", t.with("request-title", &[("id", &case.id.to_string())]), service, status_text(t, case.status)),
            }))
        })
        .collect();
    let main = html! {
        h1 { (title) }
        p.lead { (t.t("public-lead")) }
        @if let Some(map) = map.filter(|_| !points.is_empty()) {
            link rel="stylesheet" href="/assets/vendor/leaflet-1.9.4/leaflet.css";
            div.map #public-map hidden role="region" aria-label=(t.t("public-map"))
                data-public-map data-map-tiles=(map.tiles) data-map-latitude=(map.latitude)
                data-map-longitude=(map.longitude) data-map-zoom=(map.zoom)
                data-points=(serde_json::Value::from(points.clone())) {}
            script src="/assets/vendor/leaflet-1.9.4/leaflet.js" defer {}
            script src="/assets/carmen-map.js" defer {}
        }
        @if found.is_empty() {
            p { (t.t("public-none")) }
        } @else {
            table {
                thead { tr {
                    th scope="col" { "#" }
                    th scope="col" { (t.t("request-service")) }
                    th scope="col" { (t.t("request-status")) }
                    th scope="col" { (t.t("request-filed")) }
                } }
                tbody {
                    @for case in &found {
                        tr {
                            td { a href={ "/" (slug) "/requests/" (case.id) } { (t.t("public-view")) " " (case.id) } }
                            td { (names.get(&case.service).cloned().unwrap_or_else(|| case.service.clone())) }
                            td { (status_text(t, case.status)) }
                            td { (when(t, case.created_at)) }
                        }
                    }
                }
            }
        }
    };
    match map.filter(|_| !points.is_empty()) {
        Some(map) => Ok(at.visitor.answer_with_map(
            StatusCode::OK,
            at.frame(&title, main),
            Some(&map.origin()),
        )),
        None => Ok(at.show(&title, main)),
    }
}

/// The label and the shown values of a field answered on a request: the service's words for
/// them (a choice's name, not its key), or the code and the values as stored.
pub(super) fn answered(
    service: Option<&ServiceDescription>,
    code: &str,
    values: &[String],
) -> (String, String) {
    let field = service.and_then(|d| d.fields.iter().find(|f| f.code == code));
    let Some(field) = field else {
        return (code.to_string(), values.join(", "));
    };
    let shown: Vec<String> = match &field.datatype {
        Datatype::SingleValueList(choices) | Datatype::MultiValueList(choices) => values
            .iter()
            .map(|v| {
                choices
                    .iter()
                    .find(|c| c.key == *v)
                    .map_or_else(|| v.clone(), |c| c.name.clone())
            })
            .collect(),
        _ => values.to_vec(),
    };
    (field.label.clone(), shown.join(", "))
}

/// One request's page, for the public or for its submitter.
pub(super) struct RequestPage<'a> {
    file: &'a RequestFile,
    service: Option<std::sync::Arc<ServiceDescription>>,
    owner: bool,
    /// How many photos it has, and the query that shows them to this viewer (`?secret=...`
    /// for the holder of the secret link).
    photos: i64,
    photo_query: String,
}

impl<'a> RequestPage<'a> {
    /// The page of `file`, with its service's words in the page's language and its photos.
    pub(super) async fn of(
        carmen: &Carmen,
        file: &'a RequestFile,
        t: Texts,
        owner: bool,
        photo_query: String,
    ) -> RequestPage<'a> {
        let case = &file.case;
        let service = carmen
            .service(&case.city, &case.service, t.language)
            .await
            .ok()
            .map(|(_, d)| d);
        let photos = carmen.photo_count(case).await.unwrap_or(0);
        RequestPage {
            file,
            service,
            owner,
            photos,
            photo_query,
        }
    }

    pub(super) fn render(&self, t: crate::i18n::Texts, heading_shown: bool) -> Markup {
        let case = &self.file.case;
        let service_name = self
            .service
            .as_ref()
            .map_or_else(|| case.service.clone(), |d| d.name.clone());
        let title = t.with("request-title", &[("id", &case.id.to_string())]);
        html! {
            @if heading_shown { h2 { (title) } } @else { h1 { (title) } }
            p.lead { (case.title) }
            dl.facts {
                dt { (t.t("request-service")) } dd { (service_name) }
                dt { (t.t("request-status")) } dd { span.tag { (status_text(t, case.status)) } }
                dt { (t.t("request-filed")) } dd { (when(t, case.created_at)) }
                dt { (t.t("request-updated")) } dd { (when(t, case.updated_at)) }
                @if let (Some(due), true) = (case.due_at, case.status.is_open()) {
                    dt { (t.t("request-due")) } dd { (when(t, due)) }
                }
                @if let Some(location) = &case.location {
                    dt { (t.t("request-where")) }
                    dd {
                        @if let Some(address) = &location.address { (address) br; }
                        @if let (Some(lat), Some(lon)) = (location.latitude, location.longitude) {
                            (format!("{lat:.5}, {lon:.5}"))
                        }
                    }
                }
            }
            @if let Some(duplicate) = case.duplicate_of {
                p.notice { (t.with("request-duplicate", &[("id", &duplicate.to_string())])) }
            }
            @if self.owner && case.kind == CaseKind::Answer {
                @if let Some(answer) = &case.notice {
                    h2 { (t.t("submitted-answer")) }
                    p.notice { (answer) }
                }
            } @else if let Some(notice) = case.notice.as_ref().filter(|_| self.owner) {
                p.notice { (notice) }
            }
            @if !case.fields.is_empty() || !case.description.is_empty() {
                h2 { (t.t("request-details")) }
                dl.facts {
                    @for (code, values) in &case.fields {
                        @let (label, shown) = answered(self.service.as_deref(), code, values);
                        dt { (label) } dd { (shown) }
                    }
                }
                @if !case.description.is_empty() { p { (case.description) } }
            }
            @if self.photos > 0 {
                h2 { (t.t("request-photos")) }
                ul.photos {
                    @for n in 1..=self.photos {
                        @let base = format!("/{}/requests/{}/photos/{n}", case.city, case.id);
                        li {
                            a href={ (base) "?" (self.photo_query) } {
                                img src={ (base) "?" (self.photo_query) "size=thumb" } alt=(t.with("request-photo", &[("n", &n.to_string())]));
                            }
                        }
                    }
                }
            }
            p { (if case.public { t.t("request-public") } else { t.t("request-private") }) }
            h2 { (t.t("request-timeline")) }
            ol.timeline {
                @for entry in &self.file.history {
                    li {
                        (when(t, entry.at)) " — "
                        @if entry.from.is_none() { (t.t("timeline-submitted")) }
                        @else { (t.with("timeline-changed", &[("status", &status_text(t, entry.to))])) }
                        @if let Some(note) = &entry.note { br; (note) }
                    }
                }
            }
            h2 { (t.t("request-messages")) }
            @if self.file.messages.is_empty() {
                p { (t.t("request-no-messages")) }
            } @else {
                ul.thread {
                    @for message in &self.file.messages {
                        li {
                            span.who {
                                (if message.author_role == "citizen" { t.t("request-from-you") } else { t.t("request-from-city") })
                                " · " (when(t, message.at))
                            }
                            (message.body)
                        }
                    }
                }
            }
        }
    }
}
