//! Handlers for city administrators: the city's settings, departments and routing, services'
//! settings, API keys for apps, and assignment of cases.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::Caller;
use super::views;
use super::{ApiError, ApiJson};
use crate::crm::departments::{self, Route};
use crate::crm::people::{self, Role};
use crate::crm::{audit, cities, installs};
use crate::runtime::Carmen;

const ADMIN: &[Role] = &[Role::Admin, Role::Operator];
const STAFF: &[Role] = &[Role::Staff, Role::Admin, Role::Operator];

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CitySettings {
    reopen_days: i64,
}

#[utoipa::path(
    put,
    path = "/api/v1/cities/{city}/settings",
    tag = "admin",
    summary = "Set the days a citizen has to reject a resolution",
    params(("city" = String, Path, description = "The city's slug")),
    request_body = CitySettings,
    security(("bearer" = [])),
    responses((status = 200, description = "The city"), (status = 422, description = "Out of range"))
)]
pub async fn city_settings(
    State(carmen): State<Carmen>,
    Path(city): Path<String>,
    caller: Caller,
    ApiJson(body): ApiJson<CitySettings>,
) -> Result<Json<Value>, ApiError> {
    let actor = caller.in_city(&city, ADMIN)?;
    let before = cities::get(&carmen.db, &city).await?;
    let after = cities::set_reopen_days(&carmen.db, &city, body.reopen_days).await?;
    audit::record(
        &carmen.db,
        Some(&city),
        actor,
        "city.settings",
        &format!("city:{city}"),
        Some(json!({"reopen_days": before.reopen_days})),
        Some(json!({"reopen_days": after.reopen_days})),
    )
    .await?;
    Ok(Json(json!(after)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceSettings {
    anonymous: bool,
}

#[utoipa::path(
    put,
    path = "/api/v1/cities/{city}/services/{code}/settings",
    tag = "admin",
    summary = "Set whether a service takes requests without an account",
    params(("city" = String, Path, description = "The city's slug"), ("code" = String, Path, description = "The service code")),
    request_body = ServiceSettings,
    security(("bearer" = [])),
    responses((status = 200, description = "The setting"), (status = 404, description = "No such service"))
)]
pub async fn service_settings(
    State(carmen): State<Carmen>,
    Path((city, code)): Path<(String, String)>,
    caller: Caller,
    ApiJson(body): ApiJson<ServiceSettings>,
) -> Result<Json<Value>, ApiError> {
    let actor = caller.in_city(&city, ADMIN)?;
    let before = installs::get(&carmen.db, &city, &code).await?;
    let after = installs::set_anonymous(&carmen.db, &city, &code, body.anonymous).await?;
    audit::record(
        &carmen.db,
        Some(&city),
        actor,
        "service.settings",
        &format!("service:{code}"),
        Some(json!({"anonymous": before.anonymous})),
        Some(json!({"anonymous": after.anonymous})),
    )
    .await?;
    Ok(Json(
        json!({"code": after.code, "anonymous": after.anonymous}),
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/cities/{city}/departments",
    tag = "admin",
    summary = "The city's departments and routing rules",
    params(("city" = String, Path, description = "The city's slug")),
    security(("bearer" = [])),
    responses((status = 200, description = "Departments and routes"))
)]
pub async fn list_departments(
    State(carmen): State<Carmen>,
    Path(city): Path<String>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    caller.in_city(&city, STAFF)?;
    Ok(Json(json!({
        "departments": departments::list(&carmen.db, &city).await?,
        "routes": departments::routes(&carmen.db, &city).await?,
    })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDepartment {
    code: String,
    name: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/cities/{city}/departments",
    tag = "admin",
    summary = "Add a department",
    params(("city" = String, Path, description = "The city's slug")),
    request_body = NewDepartment,
    security(("bearer" = [])),
    responses((status = 201, description = "The department"), (status = 409, description = "It exists"), (status = 422, description = "Invalid code or name"))
)]
pub async fn add_department(
    State(carmen): State<Carmen>,
    Path(city): Path<String>,
    caller: Caller,
    ApiJson(body): ApiJson<NewDepartment>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let actor = caller.in_city(&city, ADMIN)?;
    cities::get(&carmen.db, &city).await?;
    let department = departments::create(&carmen.db, &city, &body.code, &body.name).await?;
    audit::record(
        &carmen.db,
        Some(&city),
        actor,
        "department.create",
        &format!("department:{}", department.code),
        None,
        Some(json!(department)),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!(department))))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteRule {
    service: String,
    #[serde(default)]
    category: String,
    department: String,
}

#[utoipa::path(
    put,
    path = "/api/v1/cities/{city}/routes",
    tag = "admin",
    summary = "Route a service (or one category of it) to a department",
    params(("city" = String, Path, description = "The city's slug")),
    request_body = RouteRule,
    security(("bearer" = [])),
    responses((status = 200, description = "The rule"), (status = 404, description = "No such service"), (status = 422, description = "No such department"))
)]
pub async fn set_route(
    State(carmen): State<Carmen>,
    Path(city): Path<String>,
    caller: Caller,
    ApiJson(body): ApiJson<RouteRule>,
) -> Result<Json<Value>, ApiError> {
    let actor = caller.in_city(&city, ADMIN)?;
    installs::get(&carmen.db, &city, &body.service).await?;
    let route = Route {
        service: body.service,
        category: body.category,
        department: body.department,
    };
    departments::set_route(&carmen.db, &city, &route).await?;
    audit::record(
        &carmen.db,
        Some(&city),
        actor,
        "route.set",
        &format!("service:{}", route.service),
        None,
        Some(json!(route)),
    )
    .await?;
    Ok(Json(json!(route)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    label: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/cities/{city}/api-keys",
    tag = "admin",
    summary = "Issue an API key for an app; the key is shown once",
    params(("city" = String, Path, description = "The city's slug")),
    request_body = NewKey,
    security(("bearer" = [])),
    responses((status = 201, description = "The key"), (status = 422, description = "Invalid label"))
)]
pub async fn issue_key(
    State(carmen): State<Carmen>,
    Path(city): Path<String>,
    caller: Caller,
    ApiJson(body): ApiJson<NewKey>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let actor = caller.in_city(&city, ADMIN)?;
    cities::get(&carmen.db, &city).await?;
    let (key_id, token) = people::issue_api_key(&carmen.db, &city, &body.label).await?;
    let label = body.label.trim();
    audit::record(
        &carmen.db,
        Some(&city),
        actor,
        "key.issue",
        &format!("key:{key_id}"),
        None,
        Some(json!({"label": label})),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"id": key_id, "label": label, "key": token, "note": "shown once; only its hash is kept"}),
        ),
    ))
}

#[utoipa::path(
    delete,
    path = "/api/v1/cities/{city}/api-keys/{key}",
    tag = "admin",
    summary = "Revoke an API key",
    params(("city" = String, Path, description = "The city's slug"), ("key" = String, Path, description = "The key's id (16 hex characters)")),
    security(("bearer" = [])),
    responses((status = 204, description = "Revoked"), (status = 404, description = "No such key"))
)]
pub async fn revoke_key(
    State(carmen): State<Carmen>,
    Path((city, key_id)): Path<(String, String)>,
    caller: Caller,
) -> Result<StatusCode, ApiError> {
    let actor = caller.in_city(&city, ADMIN)?;
    if !people::revoke_key(&carmen.db, &city, &key_id).await? {
        return Err(ApiError::not_found(format!("key {key_id:?} not found")));
    }
    audit::record(
        &carmen.db,
        Some(&city),
        actor,
        "key.revoke",
        &format!("key:{key_id}"),
        None,
        None,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    assignee: Option<i64>,
}

#[utoipa::path(
    post,
    path = "/api/v1/cities/{city}/cases/{id}/assign",
    tag = "staff",
    summary = "Assign a case to a staff member of its department",
    params(("city" = String, Path, description = "The city's slug"), ("id" = String, Path, description = "The request's id")),
    request_body = Assignment,
    security(("bearer" = [])),
    responses((status = 200, description = "The case"), (status = 404, description = "No such case in this city"), (status = 422, description = "Not staff of this city or department"))
)]
pub async fn assign(
    State(carmen): State<Carmen>,
    Path((city, id)): Path<(String, String)>,
    caller: Caller,
    ApiJson(body): ApiJson<Assignment>,
) -> Result<Json<Value>, ApiError> {
    let actor = caller.in_city(&city, STAFF)?;
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::not_found(format!("case {id:?} not found")))?;
    let case = carmen.assign(&city, id, body.assignee, actor).await?;
    let mut view = json!(views::request(&case, None));
    view["assignee"] = json!(case.assignee_id);
    Ok(Json(view))
}
