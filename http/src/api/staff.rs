//! Handlers for city staff and administrators: the case queue, one case with its whole thread,
//! status changes, replies and internal notes, people, and the audit log.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::city_path::{CaseId, CityPath, Proven};
use super::views;
use super::{ApiError, ApiJson, ApiQuery};
use crate::runtime::Carmen;
use crate::runtime::proofs::{Admin, Staff};
use crate::runtime::types::{AuditEntry, CaseStatus, NewUser, QueueFilter, Role, User};

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Only cases in this status.
    status: Option<CaseStatus>,
    /// Only cases of this department.
    department: Option<String>,
    /// Only cases of this service.
    service: Option<String>,
    /// Only cases assigned to this user.
    assignee: Option<i64>,
    /// Only open cases past their due date.
    overdue: Option<bool>,
    /// Words in the title or description.
    #[param(max_length = 200)]
    q: Option<String>,
    /// The page, from 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Cases per page, 1 to 100 (25 by default).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
}

#[utoipa::path(
    get,
    path = "/api/v1/cities/{city}/cases",
    tag = "staff",
    summary = "The case queue: filter by status, department, service, assignee, overdue, text; paginated; soonest due first",
    params(CityPath, QueueQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of cases with the total", body = views::QueuePage), (status = 400, description = "Bad query"), (status = 401, description = "Not signed in"), (status = 403, description = "Not staff of this city"))
)]
pub async fn queue(
    State(carmen): State<Carmen>,
    Proven(staff): Proven<Staff>,
    ApiQuery(query): ApiQuery<QueueQuery>,
) -> Result<Json<Value>, ApiError> {
    if query.q.as_ref().is_some_and(|q| q.chars().count() > 200) {
        return Err(ApiError::bad_request("q is at most 200 characters"));
    }
    let filter = QueueFilter {
        status: query.status,
        department: query.department,
        service: query.service,
        assignee: query.assignee,
        overdue: query.overdue.unwrap_or(false),
        text: query.q.filter(|q| !q.trim().is_empty()),
        page: query.page.unwrap_or(1),
        per_page: query.per_page.unwrap_or(25),
    };
    let (found, total) = carmen.queue(&staff, &filter).await?;
    let now = crate::runtime::types::now();
    let cases = found
        .iter()
        .map(|case| views::QueueItem {
            request: views::request(case, None),
            overdue: case.status.is_open() && case.due_at.is_some_and(|due| due < now),
        })
        .collect();
    Ok(Json(json!(views::QueuePage {
        total,
        page: filter.page.max(1),
        per_page: filter.per_page.clamp(1, 100),
        cases,
    })))
}

#[utoipa::path(
    get,
    path = "/api/v1/cities/{city}/cases/{id}",
    operation_id = "read_case",
    tag = "staff",
    summary = "One case with its contact, whole thread and internal notes",
    params(CityPath, ("id" = i64, Path, description = "The request's id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The case", body = views::CaseFileView), (status = 404, description = "No such case in this city"))
)]
pub async fn show(
    State(carmen): State<Carmen>,
    Proven(staff): Proven<Staff>,
    CaseId(id): CaseId,
) -> Result<Json<Value>, ApiError> {
    let file = carmen.case_file(&staff, id).await?;
    let contact = file.case.contact.as_ref().map(|c| views::ContactView {
        name: c.name.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
    });
    let mut request = views::request(&file.case, Some(file.history));
    request.messages = Some(file.messages);
    Ok(Json(json!(views::CaseFileView {
        request,
        contact,
        notes: file.notes.iter().map(views::NoteView::from).collect(),
    })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    status: CaseStatus,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    duplicate_of: Option<i64>,
}

#[utoipa::path(
    post,
    path = "/api/v1/cities/{city}/cases/{id}/status",
    tag = "staff",
    summary = "Move a case along its lifecycle",
    params(CityPath, ("id" = i64, Path, description = "The request's id")),
    request_body = StatusChange,
    security(("bearer" = [])),
    responses((status = 200, description = "The case", body = views::RequestView), (status = 404, description = "No such case in this city"), (status = 422, description = "The lifecycle forbids the move"))
)]
pub async fn change_status(
    State(carmen): State<Carmen>,
    Proven(actor): Proven<Staff>,
    CaseId(id): CaseId,
    ApiJson(body): ApiJson<StatusChange>,
) -> Result<Json<Value>, ApiError> {
    let to = body.status;
    let case = carmen
        .change_status(&actor, id, to, body.note.as_deref(), body.duplicate_of)
        .await?;
    Ok(Json(
        serde_json::to_value(views::request(&case, None)).expect("views serialize"),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    body: String,
    #[serde(default)]
    internal: bool,
}

#[utoipa::path(
    post,
    path = "/api/v1/cities/{city}/cases/{id}/messages",
    tag = "staff",
    summary = "Reply to the citizen (also sent through the outbox) or add an internal note",
    params(CityPath, ("id" = i64, Path, description = "The request's id")),
    request_body = NewMessage,
    security(("bearer" = [])),
    responses((status = 201, description = "The message", body = crate::runtime::types::Message), (status = 404, description = "No such case in this city"), (status = 422, description = "Invalid message"))
)]
pub async fn post_message(
    State(carmen): State<Carmen>,
    Proven(actor): Proven<Staff>,
    CaseId(id): CaseId,
    ApiJson(body): ApiJson<NewMessage>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let message = carmen
        .post_message(&actor, id, &body.body, body.internal)
        .await?;
    Ok((StatusCode::CREATED, Json(json!(message))))
}

/// Whom an administrator can add to their city.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Admin,
    Staff,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaff {
    role: StaffRole,
    name: String,
    email: String,
    password: String,
    #[serde(default)]
    department: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/cities/{city}/users",
    tag = "admin",
    summary = "Add a staff member or administrator",
    params(CityPath),
    request_body = NewStaff,
    security(("bearer" = [])),
    responses((status = 201, description = "The person", body = User), (status = 409, description = "The e-mail address is taken"), (status = 422, description = "Invalid input"))
)]
pub async fn add_user(
    State(carmen): State<Carmen>,
    Proven(actor): Proven<Admin>,
    ApiJson(body): ApiJson<NewStaff>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let role = match body.role {
        StaffRole::Admin => Role::Admin,
        StaffRole::Staff => Role::Staff,
    };
    let new = NewUser {
        name: body.name,
        email: Some(body.email),
        password: Some(body.password),
        department: body.department,
        ..Default::default()
    };
    let user = carmen.add_staff(&actor, role, new).await?;
    Ok((StatusCode::CREATED, Json(json!(user))))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries before this entry id (for the next page).
    before: Option<i64>,
    /// How many entries (1 to 500; 100 by default).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

/// One audited action.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AuditEntryView {
    id: i64,
    city: Option<String>,
    /// Absent for the console.
    actor_id: Option<i64>,
    /// operator, admin, staff, citizen or console.
    actor_role: String,
    /// Such as `case.status` or `service.install`.
    action: String,
    /// Such as `case:12`.
    object: String,
    #[schema(value_type = Option<Object>)]
    before: Option<Value>,
    #[schema(value_type = Option<Object>)]
    after: Option<Value>,
    at: i64,
}

impl From<&AuditEntry> for AuditEntryView {
    fn from(e: &AuditEntry) -> AuditEntryView {
        AuditEntryView {
            id: e.id,
            city: e.city.clone(),
            actor_id: e.actor_id,
            actor_role: e.actor_role.clone(),
            action: e.action.clone(),
            object: e.object.clone(),
            before: e.before.clone(),
            after: e.after.clone(),
            at: e.at,
        }
    }
}

/// A page of the audit log.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AuditLog {
    entries: Vec<AuditEntryView>,
}

#[utoipa::path(
    get,
    path = "/api/v1/cities/{city}/audit",
    tag = "admin",
    summary = "The city's audit log, newest first",
    params(CityPath, AuditQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "Entries, newest first", body = AuditLog))
)]
pub async fn audit_log(
    State(carmen): State<Carmen>,
    Proven(admin): Proven<Admin>,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    let entries = carmen
        .audit_log(&admin, query.before, query.limit.unwrap_or(100))
        .await?;
    Ok(Json(json!(AuditLog {
        entries: entries.iter().map(AuditEntryView::from).collect(),
    })))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EvaluationQuery {
    /// The first day of the window (YYYY-MM-DD); 90 days before `to` by default.
    from: Option<String>,
    /// The last day of the window (YYYY-MM-DD); today by default.
    to: Option<String>,
    /// `json` (the default) or `csv`.
    format: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Evaluation {
    city: String,
    from: String,
    to: String,
    services: Vec<crate::runtime::types::Figures>,
}

/// The start of day `text` (YYYY-MM-DD), or why not.
fn day(text: &str, end_of_day: bool) -> Result<i64, ApiError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(text, &format).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad-query",
            "Bad query",
            format!("{text:?} is not a day (YYYY-MM-DD)"),
        )
    })?;
    let start = date.midnight().assume_utc().unix_timestamp();
    Ok(if end_of_day { start + 86_399 } else { start })
}

#[utoipa::path(
    get,
    path = "/api/v1/cities/{city}/evaluation",
    tag = "staff",
    summary = "How each service performs over the requests filed in a window: volume, first response, time to resolve (median, p90), SLA hit rate, reopen rate, satisfaction, outreach — JSON or CSV",
    params(CityPath, EvaluationQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "The figures (application/json, or text/csv with format=csv)", body = Evaluation), (status = 400, description = "Bad query"), (status = 403, description = "Not staff of this city"))
)]
pub async fn evaluation(
    State(carmen): State<Carmen>,
    Proven(staff): Proven<Staff>,
    ApiQuery(query): ApiQuery<EvaluationQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let to = match &query.to {
        Some(text) => day(text, true)?,
        None => crate::runtime::types::now(),
    };
    let from = match &query.from {
        Some(text) => day(text, false)?,
        None => to - 90 * 86_400,
    };
    if from > to {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad-query",
            "Bad query",
            "from is after to",
        ));
    }
    let city = staff.city().to_string();
    let services = carmen.evaluation(&staff, from, to).await?;
    match query.format.as_deref() {
        None | Some("json") => Ok(Json(json!(Evaluation {
            city,
            from: views::iso(from),
            to: views::iso(to),
            services,
        }))
        .into_response()),
        Some("csv") => Ok((
            [(axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            crate::runtime::evaluation::csv(&services),
        )
            .into_response()),
        Some(other) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad-query",
            "Bad query",
            format!("format is json or csv, not {other:?}"),
        )),
    }
}
