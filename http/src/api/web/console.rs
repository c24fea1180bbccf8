//! The city console at `/{city}/console/`, for the city's staff and administrators (and the
//! operator): signing in and out, the case queue with the API's filters, and a case's page where
//! it is worked — status changes with notes, replies and internal notes, assignment.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::Visitor;
use super::answers::{
    checked, failure, id_or_page, message_page, posted, refused, status_text, when,
};
use super::layout::{Frame, page};
use super::pages::{Posted, StaffPage};
use crate::api::ApiError;
use crate::api::Client;
use crate::api::auth::Caller;
use crate::runtime::types::{CaseStatus, City, QueueFilter, now};
use crate::runtime::{Carmen, RuntimeError};

/// Cases per page of the queue.
const PER_PAGE: u32 = 25;

/// The console's frame around `main`, with the sign-out button.
pub(super) fn console_page(
    visitor: &Visitor,
    city: &City,
    path: &str,
    title: &str,
    status: StatusCode,
    main: Markup,
) -> Response {
    let t = visitor.texts;
    let main = html! {
        nav.console aria-label=(t.t("console-title")) {
            div {
                a href={ "/" (city.slug) "/console/" } { (t.t("console-queue")) }
                " · "
                a href={ "/" (city.slug) "/console/marketplace" } { (t.t("console-marketplace")) }
                " · "
                a href={ "/" (city.slug) "/console/evaluation" } { (t.t("console-evaluation")) }
                " · "
                a href={ "/" (city.slug) "/console/administration" } { (t.t("console-administration")) }
            }
            form.inline method="post" action={ "/" (city.slug) "/console/sign-out" } {
                input type="hidden" name=(super::csrf::FIELD) value=(visitor.csrf.value());
                button.secondary type="submit" { (t.t("console-sign-out")) }
            }
        }
        (main)
    };
    let frame = Frame {
        visitor,
        city: Some(city),
        title,
        path,
    };
    visitor.answer(status, page(&frame, main))
}

fn sign_in_form(
    visitor: &Visitor,
    city: &City,
    path: &str,
    failed: Option<String>,
    email: &str,
) -> Markup {
    let t = visitor.texts;
    html! {
        h1 { (t.with("console-sign-in-title", &[("city", &city.name)])) }
        @if let Some(failed) = failed {
            div.summary role="alert" { p { (failed) } }
        }
        form method="post" action=(path) {
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
pub async fn sign_in_page(
    State(carmen): State<Carmen>,
    Path(slug): Path<String>,
    uri: Uri,
    visitor: Visitor,
) -> Response {
    let path = uri.path();
    let city = match carmen.city(&slug).await {
        Ok(city) => city,
        Err(e) => return failure(&visitor, None, path, e),
    };
    let title = visitor.texts.t("console-sign-in");
    let frame = Frame {
        visitor: &visitor,
        city: Some(&city),
        title: &title,
        path,
    };
    visitor.answer(
        StatusCode::OK,
        page(&frame, sign_in_form(&visitor, &city, path, None, "")),
    )
}

/// `POST /{city}/console/sign-in`: opens a session (the API's cookie) and goes to the queue.
pub async fn sign_in(
    State(carmen): State<Carmen>,
    Path(slug): Path<String>,
    uri: Uri,
    mut visitor: Visitor,
    client: Option<Extension<Client>>,
    form: Result<axum::Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let path = uri.path();
    let city = match carmen.city(&slug).await {
        Ok(city) => city,
        Err(e) => return failure(&visitor, None, path, e),
    };
    let form = posted(form);
    let t = visitor.texts;
    if let Err(refusal) = checked(&visitor, &city, path, &form) {
        return refusal;
    }
    let email = form.get("email").cloned().unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let client = client.map(|Extension(c)| c);
    let (status, failed) = match carmen
        .sign_in(Some(&slug), &email, &password, client.map(|c| c.address))
        .await
    {
        Ok((_, token)) => {
            visitor.sign_in(&token, client.is_some_and(|c| c.https));
            return visitor.redirect(&format!("/{slug}/console/"));
        }
        Err(RuntimeError::Throttled(_)) => (StatusCode::TOO_MANY_REQUESTS, t.t("error-busy")),
        Err(RuntimeError::Crm(crate::runtime::types::CrmError::Invalid(_))) => {
            (StatusCode::UNAUTHORIZED, t.t("console-sign-in-failed"))
        }
        Err(e) => return failure(&visitor, Some(&city), path, e),
    };
    let title = t.t("console-sign-in");
    let frame = Frame {
        visitor: &visitor,
        city: Some(&city),
        title: &title,
        path,
    };
    visitor.answer(
        status,
        page(
            &frame,
            sign_in_form(&visitor, &city, path, Some(failed), &email),
        ),
    )
}

/// `POST /{city}/console/sign-out`: ends the session and forgets its cookie.
pub async fn sign_out(
    State(carmen): State<Carmen>,
    Path(slug): Path<String>,
    uri: Uri,
    mut visitor: Visitor,
    caller: Result<Caller, ApiError>,
    form: Result<axum::Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let form = posted(form);
    if !visitor
        .csrf
        .accepts(form.get(super::csrf::FIELD).map(String::as_str))
    {
        let text = visitor.texts.t("error-csrf");
        return message_page(&visitor, None, uri.path(), StatusCode::FORBIDDEN, &text);
    }
    if let Some(token) = caller.ok().and_then(|c| c.token)
        && let Err(e) = carmen.sign_out(&token).await
    {
        return failure(&visitor, None, uri.path(), e);
    }
    visitor.set_cookie(crate::api::sessions::ended_session_cookie());
    visitor.redirect(&format!("/{slug}/console/sign-in"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct QueueQuery {
    status: Option<String>,
    department: Option<String>,
    service: Option<String>,
    q: Option<String>,
    overdue: Option<String>,
    page: Option<u32>,
}

/// A select of `options` (value, label) named `name`, with `chosen` selected and "any" first.
fn select(
    id: &str,
    label: String,
    any: String,
    options: &[(String, String)],
    chosen: Option<&str>,
) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            select id=(id) name=(id) {
                option value="" { (any) }
                @for (value, text) in options {
                    option value=(value) selected[chosen == Some(value.as_str())] { (text) }
                }
            }
        }
    }
}

/// `GET /{city}/console/`: the queue.
pub async fn queue(
    State(carmen): State<Carmen>,
    Path(slug): Path<String>,
    query: Result<Query<QueueQuery>, QueryRejection>,
    page: StaffPage,
) -> Response {
    let (visitor, city, staff, path) = page.into_parts();
    let path = path.as_str();
    let t = visitor.texts;
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let given = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
    let filter = QueueFilter {
        status: given(&query.status).and_then(|s| s.parse().ok()),
        department: given(&query.department),
        service: given(&query.service),
        assignee: None,
        overdue: query.overdue.is_some(),
        text: given(&query.q),
        page: query.page.unwrap_or(1).max(1),
        per_page: PER_PAGE,
    };
    let found = async {
        let queue = carmen.queue(&staff, &filter).await?;
        let (departments, _) = carmen.departments(&staff).await?;
        let services = carmen.services(&slug, t.language).await?;
        Ok::<_, RuntimeError>((queue, departments, services))
    };
    let ((cases, total), departments, services) = match found.await {
        Ok(found) => found,
        Err(e) => return failure(&visitor, Some(&city), path, e),
    };
    let names: BTreeMap<&str, &str> = services
        .iter()
        .map(|(_, d)| (d.code.as_str(), d.name.as_str()))
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
    let now = now();
    let pages = (total.max(0) as u32).div_ceil(PER_PAGE).max(1);
    let page_link = |page: u32| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (name, value) in [
            ("status", &query.status),
            ("department", &query.department),
            ("service", &query.service),
            ("q", &query.q),
            ("overdue", &query.overdue),
        ] {
            if let Some(value) = given(value) {
                pairs.push((name, value));
            }
        }
        pairs.push(("page", page.to_string()));
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    let title = t.t("console-queue");
    let main = html! {
        h1 { (title) }
        form.filters method="get" action=(path) aria-label=(t.t("console-filter")) {
            (select("status", t.t("console-filter-status"), t.t("console-filter-any"), &statuses, given(&query.status).as_deref()))
            (select("department", t.t("console-filter-department"), t.t("console-filter-any"), &department_options, given(&query.department).as_deref()))
            (select("service", t.t("console-filter-service"), t.t("console-filter-any"), &service_options, given(&query.service).as_deref()))
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
            table {
                thead { tr {
                    th scope="col" { "#" }
                    th scope="col" { (t.t("request-details")) }
                    th scope="col" { (t.t("request-status")) }
                    th scope="col" { (t.t("request-due")) }
                } }
                tbody {
                    @for case in &cases {
                        tr {
                            td { a href={ "/" (slug) "/console/cases/" (case.id) } { (case.id) } }
                            td {
                                (case.title) br;
                                span.help { (names.get(case.service.as_str()).copied().unwrap_or(&case.service)) }
                            }
                            td { span.tag { (status_text(t, case.status)) } }
                            td {
                                @if let Some(due) = case.due_at { (when(due)) }
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
            nav.pages aria-label="pages" {
                @if filter.page > 1 { a href=(page_link(filter.page - 1)) { (t.t("console-page-previous")) } " " }
                (filter.page) " / " (pages)
                @if filter.page < pages { " " a href=(page_link(filter.page + 1)) { (t.t("console-page-next")) } }
            }
        }
    };
    console_page(&visitor, &city, path, &title, StatusCode::OK, main)
}

/// `GET /{city}/console/cases/{id}`: a case with everything staff see, and the forms to work it.
pub async fn case_page(
    State(carmen): State<Carmen>,
    Path((slug, id)): Path<(String, String)>,
    page: StaffPage,
) -> Response {
    let (visitor, city, staff, path) = page.into_parts();
    let path = path.as_str();
    let t = visitor.texts;
    let id = match id_or_page(&visitor, &city, path, &id) {
        Ok(id) => id,
        Err(page) => return page,
    };
    let found = async {
        let file = carmen.case_file(&staff, id).await?;
        let rating = carmen.rating(&slug, id).await?;
        let organisation = carmen.organisation_of_case(&staff, id).await?;
        let photos = carmen.photo_count(&slug, id).await?;
        Ok::<_, RuntimeError>((file, rating, organisation, photos))
    };
    let (file, rating, organisation, photos) = match found.await {
        Ok(found) => found,
        Err(e) => return failure(&visitor, Some(&city), path, e),
    };
    let case = &file.case;
    let csrf = visitor.csrf.value();
    let statuses: Vec<CaseStatus> = CaseStatus::ALL
        .into_iter()
        .filter(|s| *s != case.status)
        .collect();
    let title = t.with("console-case-title", &[("id", &id.to_string())]);
    let main = html! {
        p { a href={ "/" (slug) "/console/" } { (t.t("console-back")) } }
        h1 { (title) }
        p.lead { (case.title) }
        dl.facts {
            dt { (t.t("request-service")) } dd { (case.service) }
            dt { (t.t("request-status")) } dd { span.tag #status { (status_text(t, case.status)) } }
            dt { (t.t("request-filed")) } dd { (when(case.created_at)) }
            @if let Some(due) = case.due_at { dt { (t.t("request-due")) } dd { (when(due)) } }
            dt { (t.t("console-department")) } dd { (case.department.clone().unwrap_or_default()) }
            dt { (t.t("console-assignee")) } dd { (case.assignee_id.map(|a| a.to_string()).unwrap_or_else(|| t.t("console-unassigned"))) }
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
                @for (code, values) in &case.fields { dt { (code) } dd { (values.join(", ")) } }
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
        h2 { (t.t("console-change-status")) }
        form method="post" action={ (path) "/status" } {
            input type="hidden" name=(super::csrf::FIELD) value=(csrf);
            div.field {
                label for="new-status" { (t.t("console-new-status")) }
                select #new-status name="status" {
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
        h2 { (t.t("console-reply")) }
        form method="post" action={ (path) "/message" } {
            input type="hidden" name=(super::csrf::FIELD) value=(csrf);
            div.field {
                label for="reply" { (t.t("console-reply-body")) }
                textarea #reply name="body" {}
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
                input #assignee type="text" inputmode="numeric" name="assignee" value=[case.assignee_id];
            }
            button #assign type="submit" { (t.t("console-assign-send")) }
        }
        h2 { (t.t("console-history")) }
        ol.timeline {
            @for entry in &file.history {
                li {
                    (when(entry.at)) " — " (status_text(t, entry.to)) " (" (entry.actor) ")"
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
                li {
                    span.who {
                        (message.author_role) " · " (when(message.at))
                        @if message.internal { " · " (t.t("console-internal")) }
                    }
                    (message.body)
                }
            }
            @for note in &file.notes {
                li { span.who { (note.author) " · " (when(note.at)) " · " (t.t("console-internal")) } (note.body) }
            }
        }
    };
    console_page(&visitor, &city, path, &title, StatusCode::OK, main)
}

/// `POST /{city}/console/cases/{id}/{action}`: `status`, `message` or `assign`.
pub async fn case_action(
    State(carmen): State<Carmen>,
    Path((slug, id, action)): Path<(String, String, String)>,
    Posted { page, form }: Posted<StaffPage>,
) -> Response {
    let (visitor, city, actor, path) = page.into_parts();
    let path = path.as_str();
    let id = match id_or_page(&visitor, &city, path, &id) {
        Ok(id) => id,
        Err(page) => return page,
    };
    let given = |name: &str| form.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let number = |name: &str| -> Result<Option<i64>, RuntimeError> {
        given(name)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| RuntimeError::Invalid(format!("{v:?} is not a number")))
            })
            .transpose()
    };
    let done = async {
        match action.as_str() {
            "status" => {
                let status: CaseStatus = given("status")
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| RuntimeError::Invalid("choose a status".into()))?;
                carmen
                    .change_status(&actor, id, status, given("note"), number("duplicate_of")?)
                    .await
                    .map(drop)
            }
            "message" => carmen
                .post_message(
                    &actor,
                    id,
                    given("body").unwrap_or(""),
                    given("internal").is_some(),
                )
                .await
                .map(drop),
            "assign" => carmen
                .assign(&actor, id, number("assignee")?)
                .await
                .map(drop),
            _ => Err(RuntimeError::Crm(
                crate::runtime::types::CrmError::NotFound("page".into()),
            )),
        }
    };
    match done.await {
        Ok(()) => visitor.redirect(&format!("/{slug}/console/cases/{id}")),
        Err(error) => refused(&visitor, &city, path, error),
    }
}
