//! Handlers for city staff and administrators: the case queue, one case with its whole thread,
//! status changes, replies and internal notes, people, and the audit log.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::Caller;
use super::views;
use super::{ApiError, ApiJson, ApiQuery};
use crate::runtime::Carmen;
use crate::runtime::types::{CaseStatus, NewUser, QueueFilter, Role};

const STAFF: &[Role] = &[Role::Staff, Role::Admin, Role::Operator];
const ADMIN: &[Role] = &[Role::Admin, Role::Operator];

fn parse_id(id: &str) -> Result<i64, ApiError> {
    id.parse()
        .map_err(|_| ApiError::not_found(format!("case {id:?} not found")))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    status: Option<String>,
    department: Option<String>,
    service: Option<String>,
    assignee: Option<i64>,
    overdue: Option<bool>,
    q: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

#[utoipa::path(
    get,
    path = "/api/v1/cities/{city}/cases",
    tag = "staff",
    summary = "The case queue: filter by status, department, service, assignee, overdue, text; paginated; soonest due first",
    params(("city" = String, Path, description = "The city's slug")),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of cases with the total"), (status = 400, description = "Bad query"), (status = 401, description = "Not signed in"), (status = 403, description = "Not staff of this city"))
)]
pub async fn queue(
    State(carmen): State<Carmen>,
    Path(city): Path<String>,
    caller: Caller,
    ApiQuery(query): ApiQuery<QueueQuery>,
) -> Result<Json<Value>, ApiError> {
    caller.in_city(&city, STAFF)?;
    let filter = QueueFilter {
        status: query
            .status
            .as_deref()
            .map(str::parse::<CaseStatus>)
            .transpose()?,
        department: query.department,
        service: query.service,
        assignee: query.assignee,
        overdue: query.overdue.unwrap_or(false),
        text: query.q.filter(|q| !q.trim().is_empty()),
        page: query.page.unwrap_or(1),
        per_page: query.per_page.unwrap_or(25),
    };
    let (found, total) = carmen.queue(&city, &filter).await?;
    let now = crate::runtime::types::now();
    let items: Vec<Value> = found
        .iter()
        .map(|case| {
            let mut view =
                serde_json::to_value(views::request(case, None)).expect("views serialize");
            view["overdue"] =
                json!(case.status.is_open() && case.due_at.is_some_and(|due| due < now));
            view
        })
        .collect();
    Ok(Json(
        json!({"total": total, "page": filter.page.max(1), "per_page": filter.per_page.clamp(1, 100), "cases": items}),
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/cities/{city}/cases/{id}",
    tag = "staff",
    summary = "One case with its contact, whole thread and internal notes",
    params(("city" = String, Path, description = "The city's slug"), ("id" = String, Path, description = "The request's id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The case"), (status = 404, description = "No such case in this city"))
)]
pub async fn show(
    State(carmen): State<Carmen>,
    Path((city, id)): Path<(String, String)>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    caller.in_city(&city, STAFF)?;
    let id = parse_id(&id)?;
    let file = carmen.case_file(&city, id).await?;
    let mut view = serde_json::to_value(views::request(&file.case, Some(file.history)))
        .expect("views serialize");
    view["contact"] = json!(file.case.contact);
    view["messages"] = json!(file.messages);
    view["notes"] = json!(file.notes);
    Ok(Json(view))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    status: String,
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
    params(("city" = String, Path, description = "The city's slug"), ("id" = String, Path, description = "The request's id")),
    request_body = StatusChange,
    security(("bearer" = [])),
    responses((status = 200, description = "The case"), (status = 404, description = "No such case in this city"), (status = 422, description = "The lifecycle forbids the move"))
)]
pub async fn change_status(
    State(carmen): State<Carmen>,
    Path((city, id)): Path<(String, String)>,
    caller: Caller,
    ApiJson(body): ApiJson<StatusChange>,
) -> Result<Json<Value>, ApiError> {
    let actor = caller.in_city(&city, STAFF)?;
    let id = parse_id(&id)?;
    let to: CaseStatus = body.status.parse()?;
    let case = carmen
        .change_status(
            &city,
            id,
            to,
            actor,
            body.note.as_deref(),
            body.duplicate_of,
        )
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
    params(("city" = String, Path, description = "The city's slug"), ("id" = String, Path, description = "The request's id")),
    request_body = NewMessage,
    security(("bearer" = [])),
    responses((status = 201, description = "The message"), (status = 404, description = "No such case in this city"), (status = 422, description = "Invalid message"))
)]
pub async fn post_message(
    State(carmen): State<Carmen>,
    Path((city, id)): Path<(String, String)>,
    caller: Caller,
    ApiJson(body): ApiJson<NewMessage>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let actor = caller.in_city(&city, STAFF)?;
    let id = parse_id(&id)?;
    let message = carmen
        .post_message(&city, id, actor, &body.body, body.internal)
        .await?;
    Ok((StatusCode::CREATED, Json(json!(message))))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaff {
    role: String,
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
    params(("city" = String, Path, description = "The city's slug")),
    request_body = NewStaff,
    security(("bearer" = [])),
    responses((status = 201, description = "The person"), (status = 409, description = "The e-mail address is taken"), (status = 422, description = "Invalid input"))
)]
pub async fn add_user(
    State(carmen): State<Carmen>,
    Path(city): Path<String>,
    caller: Caller,
    ApiJson(body): ApiJson<NewStaff>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let actor = caller.in_city(&city, ADMIN)?;
    let role: Role = body.role.parse()?;
    let new = NewUser {
        name: body.name,
        email: Some(body.email),
        password: Some(body.password),
        department: body.department,
        ..Default::default()
    };
    let user = carmen.add_staff(&city, actor, role, new).await?;
    Ok((StatusCode::CREATED, Json(json!(user))))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    before: Option<i64>,
    limit: Option<u32>,
}

#[utoipa::path(
    get,
    path = "/api/v1/cities/{city}/audit",
    tag = "admin",
    summary = "The city's audit log, newest first",
    params(("city" = String, Path, description = "The city's slug")),
    security(("bearer" = [])),
    responses((status = 200, description = "Entries"))
)]
pub async fn audit_log(
    State(carmen): State<Carmen>,
    Path(city): Path<String>,
    caller: Caller,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    caller.in_city(&city, ADMIN)?;
    let entries = carmen
        .audit_log(&city, query.before, query.limit.unwrap_or(100))
        .await?;
    Ok(Json(json!({"entries": entries})))
}
