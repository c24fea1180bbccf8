//! The city console at `/{city}/console/`, for the city's staff and administrators (and the
//! operator): signing in and out, the case queue with the API's filters, and a case's page where
//! it is worked — its facts, history and thread beside the actions: status changes with notes,
//! replies and internal notes, assignment to a person picked by name.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::Visitor;
use super::answers::{problem_summary, status_text, when};
use super::layout::column_heads;
use super::pages::{Answer, Asked, CityPage, OrPage, Page, Posted, StaffPage};
use super::portal::answered;
use super::sign_in::{city_sign_in, city_sign_out};
use crate::api::ApiError;
use crate::api::Client;
use crate::api::auth::Caller;
use crate::i18n::Texts;
use crate::runtime::types::{CaseStatus, City, QueueFilter, User, now};
use crate::runtime::{Carmen, RuntimeError};

/// Cases per page of the queue.
const PER_PAGE: u32 = 25;

fn sign_in_form(visitor: &Visitor, city: &City, failed: Option<String>, email: &str) -> Markup {
    let t = visitor.texts;
    html! {
        h1 { (t.with("console-sign-in-title", &[("city", &city.name)])) }
        (problem_summary(failed.as_deref()))
        form method="post" action={ "/" (city.slug) "/console/sign-in" } {
            input type="hidden" name=(super::csrf::FIELD) value=(visitor.csrf.value());
            div.field {
                label for="email" { (t.t("console-email")) }
                input #email type="email" name="email" value=(email) autocomplete="username";
            }
            div.field {
                label for="password" { (t.t("console-password")) }
                input #password type="password" name="password" autocomplete="current-password";
            }
            button type="submit" { (t.t("console-sign-in")) }
        }
    }
}

/// `GET /{city}/console/sign-in`.
pub async fn sign_in_page(at: CityPage) -> Response {
    let title = at.texts().t("console-sign-in");
    at.show(&title, sign_in_form(&at.visitor, &at.city, None, ""))
}

/// `POST /{city}/console/sign-in`: opens a session (the API's cookie) and goes to the queue.
pub async fn sign_in(
    State(carmen): State<Carmen>,
    client: Option<Extension<Client>>,
    posted: Posted<CityPage>,
) -> Answer {
    city_sign_in(
        &carmen,
        client,
        posted,
        "console/",
        "console-sign-in-failed",
        |at, problem, email| {
            let main = sign_in_form(&at.visitor, &at.city, Some(problem), email);
            (at.texts().t("console-sign-in"), main)
        },
    )
    .await
}

/// `POST /{city}/console/sign-out`: ends the session and forgets its cookie.
pub async fn sign_out(
    State(carmen): State<Carmen>,
    caller: Result<Caller, ApiError>,
    Posted { mut page, .. }: Posted<CityPage>,
) -> Answer {
    city_sign_out(&carmen, caller, &mut page, "console/sign-in").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct QueueQuery {
    status: Option<String>,
    department: Option<String>,
    service: Option<String>,
    assignee: Option<String>,
    q: Option<String>,
    overdue: Option<String>,
    page: Option<u32>,
}

/// A select of `options` (value, label) named `name`, with `chosen` selected and `first` (the
/// empty choice) first.
fn select(
    id: &str,
    label: String,
    first: String,
    options: &[(String, String)],
    chosen: Option<&str>,
) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            select id=(id) name=(id) {
                option value="" { (first) }
                @for (value, text) in options {
                    option value=(value) selected[chosen == Some(value.as_str())] { (text) }
                }
            }
        }
    }
}

/// How long ago `at` was, in the page's words (minutes, hours or days).
fn age(t: Texts, at: i64, now: i64) -> String {
    let minutes = ((now - at) / 60).max(0);
    let (id, count) = match minutes {
        0..60 => ("age-minutes", minutes),
        60..2880 => ("age-hours", minutes / 60),
        _ => ("age-days", minutes / 1440),
    };
    t.with(id, &[("count", &count.to_string())])
}

/// The city's staff by id, and how a case's actor (`staff:2`, `citizen`, ...) is named.
struct People {
    names: BTreeMap<i64, String>,
}

impl People {
    fn of(staff: &[User]) -> People {
        People {
            names: staff.iter().map(|u| (u.id, u.name.clone())).collect(),
        }
    }

    fn name(&self, id: i64) -> String {
        self.names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }

    /// An actor as recorded (`role:id` or a role alone) in the page's words.
    fn actor(&self, t: Texts, actor: &str) -> String {
        match actor.split_once(':') {
            // Only staff and administrators are named; a citizen stays "the citizen".
            Some(("staff" | "admin", id)) if let Ok(id) = id.parse::<i64>() => self.name(id),
            Some((role, _)) => self.actor(t, role),
            _ => match actor {
                "citizen" => t.t("console-by-citizen"),
                "staff" | "admin" | "operator" => t.t("console-by-city"),
                _ => t.t("console-by-system"),
            },
        }
    }
}

/// `GET /{city}/console/`: the queue, on the desktop's whole width: each case's age, department
/// and assignee, the whole row a link.
pub async fn queue(
    State(carmen): State<Carmen>,
    Asked(query): Asked<QueueQuery>,
    page: StaffPage,
) -> Answer {
    let (staff, slug, path) = (&page.staff, &page.at.city.slug, &page.at.path);
    let t = page.texts();
    let given = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
    let filter = QueueFilter {
        status: given(&query.status).and_then(|s| s.parse().ok()),
        department: given(&query.department),
        service: given(&query.service),
        assignee: given(&query.assignee).and_then(|a| a.parse().ok()),
        overdue: query.overdue.is_some(),
        text: given(&query.q),
        page: query.page.unwrap_or(1).max(1),
        per_page: PER_PAGE,
    };
    let found = async {
        let queue = carmen.queue(staff, &filter).await?;
        let (departments, _) = carmen.departments(staff).await?;
        let services = carmen.services(slug, t.language).await?;
        let people = carmen.staff(staff).await?;
        Ok::<_, RuntimeError>((queue, departments, services, people))
    };
    let ((cases, total), departments, services, people) = found.await.or_fail(&page)?;
    let names: BTreeMap<&str, &str> = services
        .iter()
        .map(|(_, d)| (d.code.as_str(), d.name.as_str()))
        .collect();
    let department_names: BTreeMap<&str, &str> = departments
        .iter()
        .map(|d| (d.code.as_str(), d.name.as_str()))
        .collect();
    let statuses: Vec<(String, String)> = CaseStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), status_text(t, *s)))
        .collect();
    let department_options: Vec<(String, String)> = departments
        .iter()
        .map(|d| (d.code.clone(), d.name.clone()))
        .collect();
    let service_options: Vec<(String, String)> = services
        .iter()
        .map(|(_, d)| (d.code.clone(), d.name.clone()))
        .collect();
    let assignee_options: Vec<(String, String)> = people
        .iter()
        .map(|u| (u.id.to_string(), u.name.clone()))
        .collect();
    let people = People::of(&people);
    let now = now();
    let pages = (total.max(0) as u32).div_ceil(PER_PAGE).max(1);
    let page_link = |number: u32| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (name, value) in [
            ("status", &query.status),
            ("department", &query.department),
            ("service", &query.service),
            ("assignee", &query.assignee),
            ("q", &query.q),
            ("overdue", &query.overdue),
        ] {
            if let Some(value) = given(value) {
                pairs.push((name, value));
            }
        }
        pairs.push(("page", number.to_string()));
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    let any = || t.t("console-filter-any");
    let title = t.t("console-queue");
    let main = html! {
        h1 { (title) }
        form.filters method="get" action=(path) aria-label=(t.t("console-filter")) {
            (select("status", t.t("console-filter-status"), any(), &statuses, given(&query.status).as_deref()))
            (select("department", t.t("console-filter-department"), any(), &department_options, given(&query.department).as_deref()))
            (select("service", t.t("console-filter-service"), any(), &service_options, given(&query.service).as_deref()))
            (select("assignee", t.t("console-assignee"), any(), &assignee_options, given(&query.assignee).as_deref()))
            div.field {
                label for="q" { (t.t("console-filter-text")) }
                input #q type="search" name="q" value=[given(&query.q)];
            }
            div.choice {
                input #overdue type="checkbox" name="overdue" value="1" checked[filter.overdue];
                label for="overdue" { (t.t("console-filter-overdue")) }
            }
            button type="submit" { (t.t("console-filter-apply")) }
        }
        p #total { (t.with("console-total", &[("total", &total.to_string())])) }
        @if cases.is_empty() {
            p { (t.t("console-none")) }
        } @else {
            table.queue {
                (column_heads(t, &[
                    "console-case", "request-status", "console-age", "console-department",
                    "console-assignee", "request-due",
                ]))
                tbody {
                    @for case in &cases {
                        tr {
                            td {
                                // The link covers the whole row (the stylesheet stretches it).
                                a.row-link href={ "/" (slug) "/console/cases/" (case.id) } {
                                    span.case-id { "#" (case.id) } " " (case.title)
                                }
                                br;
                                span.help { (names.get(case.service.as_str()).copied().unwrap_or(&case.service)) }
                            }
                            td { span.tag { (status_text(t, case.status)) } }
                            td { (age(t, case.created_at, now)) }
                            td { (case.department.as_deref().map(|d| department_names.get(d).copied().unwrap_or(d)).unwrap_or("—")) }
                            td { (case.assignee_id.map(|id| people.name(id)).unwrap_or_else(|| t.t("console-unassigned"))) }
                            td {
                                @if let Some(due) = case.due_at { (when(t, due)) }
                                @if case.status.is_open() && case.due_at.is_some_and(|due| due < now) {
                                    " " strong.overdue { (t.t("console-overdue")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if pages > 1 {
            nav.pages aria-label=(t.t("console-pages")) {
                @if filter.page > 1 { a href=(page_link(filter.page - 1)) { (t.t("console-page-previous")) } " " }
                (filter.page) " / " (pages)
                @if filter.page < pages { " " a href=(page_link(filter.page + 1)) { (t.t("console-page-next")) } }
            }
        }
    };
    Ok(page.show(&title, html! { div.wide { (main) } }))
}

/// What the case page is asked to put in its reply box: a saved reply filled in for the case (in
/// a language), or an article's link.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CaseQuery {
    #[serde(rename = "saved-reply")]
    saved_reply: Option<i64>,
    language: Option<String>,
    article: Option<i64>,
}

/// `GET /{city}/console/cases/{id}`: a case with everything staff see — its facts, history and
/// thread beside the forms that work it, and the saved replies and articles its words suggest.
pub async fn case_page(
    State(carmen): State<Carmen>,
    Path((slug, id)): Path<(String, String)>,
    Asked(asked): Asked<CaseQuery>,
    page: StaffPage,
) -> Answer {
    let staff = &page.staff;
    let path = &page.at.path;
    let t = page.texts();
    let id = page.id(&id)?;
    let found = async {
        let file = carmen.case_file(staff, id).await?;
        let rating = carmen.rating(&file.case).await?;
        let organisation = carmen.organisation_of_case(staff, id).await?;
        let photos = carmen.photo_count(&file.case).await?;
        let people = carmen.staff(staff).await?;
        let (departments, _) = carmen.departments(staff).await?;
        Ok::<_, RuntimeError>((file, rating, organisation, photos, people, departments))
    };
    let (file, rating, organisation, photos, people, departments) = found.await.or_fail(&page)?;
    let (suggested_articles, suggested_replies) =
        carmen.suggestions(staff, id).await.unwrap_or_default();
    let saved = carmen.saved_replies(staff).await.unwrap_or_default();
    // The reply box, filled as asked: a saved reply for this case, or an article's link.
    let prefilled = match (asked.saved_reply, asked.article) {
        (Some(reply), _) => carmen
            .filled_reply(staff, id, reply, asked.language.as_deref())
            .await
            .map(|(_, text)| text)
            .or_fail(&page)?,
        (None, Some(article)) => {
            let article = carmen
                .article(&slug, article, Some(staff))
                .await
                .or_fail(&page)?;
            let title = article
                .text_in(&file.case.language, "en")
                .map(|(_, text)| text.title.clone())
                .unwrap_or_default();
            let base = carmen.public_url().unwrap_or_default();
            format!("{title}: {base}/{slug}/help/{}", article.id)
        }
        (None, None) => String::new(),
    };
    let service = carmen
        .service(&slug, &file.case.service, t.language)
        .await
        .ok()
        .map(|(_, d)| d);
    let case = &file.case;
    let csrf = page.at.visitor.csrf.value();
    let statuses: Vec<CaseStatus> = CaseStatus::ALL
        .into_iter()
        .filter(|s| case.status.can_move_to(*s))
        .collect();
    let department = case.department.as_deref().map(|code| {
        departments
            .iter()
            .find(|d| d.code == code)
            .map_or(code.to_string(), |d| d.name.clone())
    });
    let names = People::of(&people);
    let title = t.with("console-case-title", &[("id", &id.to_string())]);
    let main = html! {
        p { a href={ "/" (slug) "/console/" } { (t.t("console-back")) } }
        h1 { (title) }
        p.lead { (case.title) }
        div.columns {
            div.record {
                dl.facts {
                    dt { (t.t("request-service")) } dd { (service.as_ref().map_or(case.service.as_str(), |d| d.name.as_str())) }
                    dt { (t.t("request-status")) } dd { span.tag #status { (status_text(t, case.status)) } }
                    dt { (t.t("request-filed")) } dd { (when(t, case.created_at)) }
                    @if let Some(due) = case.due_at { dt { (t.t("request-due")) } dd { (when(t, due)) } }
                    dt { (t.t("console-department")) } dd { (department.clone().unwrap_or_else(|| "—".into())) }
                    dt { (t.t("console-assignee")) } dd #assignee-name { (case.assignee_id.map(|a| names.name(a)).unwrap_or_else(|| t.t("console-unassigned"))) }
                    @if let Some(location) = &case.location {
                        dt { (t.t("request-where")) }
                        dd {
                            @if let Some(address) = &location.address { (address) br; }
                            @if let (Some(lat), Some(lon)) = (location.latitude, location.longitude) { (format!("{lat:.5}, {lon:.5}")) }
                        }
                    }
                    @if let Some(organisation) = &organisation {
                        dt { (t.t("org-on-behalf")) } dd #on-behalf { (organisation.name) }
                    }
                    dt { (t.t("console-contact")) }
                    dd {
                        @match &case.contact {
                            Some(c) => {
                                @for part in [&c.name, &c.email, &c.phone].into_iter().flatten() { (part) br; }
                            },
                            None => (t.t("console-no-contact")),
                        }
                    }
                    @if let Some(rating) = &rating {
                        dt { (t.t("console-rating")) } dd { (rating.score) " / 5" @if !rating.comment.is_empty() { br; (rating.comment) } }
                    }
                }
                @if !case.fields.is_empty() || !case.description.is_empty() {
                    h2 { (t.t("request-details")) }
                    dl.facts {
                        @for (code, values) in &case.fields {
                            @let (label, shown) = answered(service.as_deref(), code, values);
                            dt { (label) } dd { (shown) }
                        }
                    }
                    @if !case.description.is_empty() { p { (case.description) } }
                }
                @if photos > 0 {
                    h2 { (t.t("request-photos")) }
                    ul.photos #case-photos {
                        @for n in 1..=photos {
                            li { a href={ "/" (slug) "/requests/" (id) "/photos/" (n) } {
                                img src={ "/" (slug) "/requests/" (id) "/photos/" (n) "?size=thumb" } alt=(t.with("request-photo", &[("n", &n.to_string())]));
                            } }
                        }
                    }
                }
                h2 { (t.t("console-history")) }
                ol.timeline {
                    @for entry in &file.history {
                        li {
                            (when(t, entry.at)) " — " (status_text(t, entry.to)) " · " (names.actor(t, &entry.actor))
                            @if let Some(note) = &entry.note { br; (note) }
                        }
                    }
                }
                h2 { (t.t("console-thread")) }
                @if file.messages.is_empty() && file.notes.is_empty() {
                    p { (t.t("request-no-messages")) }
                }
                ul.thread {
                    @for message in &file.messages {
                        @let author = match message.author_id {
                            Some(id) if message.author_role != "citizen" => names.name(id),
                            _ => names.actor(t, &message.author_role),
                        };
                        @if message.internal {
                            li.internal {
                                span.who { strong { (t.t("console-internal")) } " · " (author) " · " (when(t, message.at)) }
                                (message.body)
                            }
                        } @else {
                            li {
                                span.who { (author) " · " (when(t, message.at)) }
                                (message.body)
                            }
                        }
                    }
                    @for note in &file.notes {
                        li.internal { span.who { strong { (t.t("console-internal")) } " · " (names.actor(t, &note.author)) " · " (when(t, note.at)) } (note.body) }
                    }
                }
            }
            div.actions {
                @if !statuses.is_empty() {
                    h2 { (t.t("console-change-status")) }
                    form method="post" action={ (path) "/status" } {
                        input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                        div.field {
                            label for="new-status" { (t.t("console-new-status")) }
                            select #new-status name="status" required {
                                option value="" selected { (t.t("console-choose-status")) }
                                @for status in &statuses { option value=(status.as_str()) { (status_text(t, *status)) } }
                            }
                        }
                        div.field {
                            label for="note" { (t.t("console-status-note")) }
                            textarea #note name="note" {}
                        }
                        div.field {
                            label for="duplicate-of" { (t.t("console-duplicate-of")) }
                            input #duplicate-of type="text" inputmode="numeric" name="duplicate_of";
                        }
                        button #change-status type="submit" { (t.t("console-change")) }
                    }
                }
                h2 { (t.t("console-reply")) }
                @if !saved.is_empty() {
                    form #insert-saved method="get" action=(path) {
                        div.field {
                            label for="saved-reply" { (t.t("console-saved-replies")) }
                            select #saved-reply name="saved-reply" {
                                @for reply in suggested_replies.iter().chain(saved.iter().filter(|r| !suggested_replies.contains(r))) {
                                    option value=(reply.id) selected[asked.saved_reply == Some(reply.id)] { (reply.name) }
                                }
                            }
                        }
                        div.field {
                            label for="reply-language" { (t.t("console-reply-language")) }
                            select #reply-language name="language" {
                                @for (code, name) in crate::i18n::LANGUAGES {
                                    option value=(code) selected[asked.language.as_deref().unwrap_or(&case.language) == *code] { (name) }
                                }
                            }
                        }
                        button.secondary #insert-reply type="submit" { (t.t("console-insert")) }
                    }
                }
                @if !suggested_articles.is_empty() {
                    section #suggested-articles aria-labelledby="suggested-title" {
                        h3 #suggested-title { (t.t("console-suggested-articles")) }
                        ul {
                            @for hit in &suggested_articles {
                                li lang=(hit.language) {
                                    a href={ "/" (slug) "/help/" (hit.article) } { (hit.title) }
                                    " · "
                                    a.insert-link href={ (path) "?article=" (hit.article) } { (t.t("console-insert-link")) }
                                }
                            }
                        }
                    }
                }
                form method="post" action={ (path) "/message" } {
                    input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                    div.field {
                        label for="reply" { (t.t("console-reply-body")) }
                        textarea #reply name="body" { (prefilled) }
                    }
                    div.choice {
                        input #internal type="checkbox" name="internal" value="1";
                        label for="internal" { (t.t("console-reply-internal")) }
                    }
                    button #send-reply type="submit" { (t.t("console-reply-send")) }
                }
                h2 { (t.t("console-assign")) }
                form method="post" action={ (path) "/assign" } {
                    input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                    div.field {
                        label for="assignee" { (t.t("console-assign-to")) }
                        select #assignee name="assignee" {
                            option value="" selected[case.assignee_id.is_none()] { (t.t("console-unassigned")) }
                            @for person in &people {
                                option value=(person.id) selected[case.assignee_id == Some(person.id)] {
                                    (person.name)
                                    @if let Some(department) = &person.department { " (" (department) ")" }
                                }
                            }
                        }
                    }
                    button #assign type="submit" { (t.t("console-assign-send")) }
                }
            }
        }
    };
    Ok(page.show(&title, html! { div.wide { (main) } }))
}

/// `POST /{city}/console/cases/{id}/{action}`: `status`, `message` or `assign`; back on the
/// case's page, saying what was done.
pub async fn case_action(
    State(carmen): State<Carmen>,
    Path((_, id, action)): Path<(String, String, String)>,
    posted: Posted<StaffPage>,
) -> Answer {
    let page = &posted.page;
    let (actor, t) = (&page.staff, page.texts());
    let id = page.id(&id)?;
    let number = |name: &str| -> Result<Option<i64>, RuntimeError> {
        posted
            .given(name)
            .map(|v| {
                v.parse::<i64>().map_err(|_| {
                    RuntimeError::Invalid(t.with("error-not-a-number", &[("value", v)]))
                })
            })
            .transpose()
    };
    let done = async {
        match action.as_str() {
            "status" => {
                let status: CaseStatus = posted
                    .given("status")
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| RuntimeError::Invalid(t.t("console-choose-status")))?;
                carmen
                    .change_status(
                        actor,
                        id,
                        status,
                        posted.given("note"),
                        number("duplicate_of")?,
                    )
                    .await
                    .map(|_| "status")
            }
            "message" => {
                let internal = posted.ticked("internal");
                carmen
                    .post_message(actor, id, posted.value("body"), internal)
                    .await
                    .map(|_| if internal { "note" } else { "reply" })
            }
            "assign" => carmen
                .assign(actor, id, number("assignee")?)
                .await
                .map(|_| "assigned"),
            _ => Err(RuntimeError::Crm(
                crate::runtime::types::CrmError::NotFound("page".into()),
            )),
        }
    };
    let done = done.await.or_refuse(page)?;
    Ok(page.done(&format!("console/cases/{id}"), done))
}
