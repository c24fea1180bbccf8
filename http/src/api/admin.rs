//! Handlers for city administrators: the city's settings, departments and routing, services'
//! settings, API keys for apps, and assignment of cases.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::city_path::{CaseId, CityPath, Proven};
use super::views;
use super::{ApiError, ApiJson};
use crate::runtime::Carmen;
use crate::runtime::admin::{CitySettings as Settings, ServiceSettings as Service};
use crate::runtime::proofs::{Admin, Staff};
use crate::runtime::types::{Department, Map, QuietHours, Quotas, Route};

/// A service's settings.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ServiceSettingsView {
    code: String,
    /// Whether citizens without an account may submit.
    anonymous: bool,
    /// Whether its requests may be shown to the public.
    public: bool,
    quotas: QuotasView,
}

/// What one install may create (see the README's quotas).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub struct QuotasView {
    cases_per_call: u32,
    messages_per_call: u32,
    cases_per_day: u32,
    messages_per_day: u32,
    store_bytes: u64,
    call_bytes: u64,
}

impl From<Quotas> for QuotasView {
    fn from(q: Quotas) -> QuotasView {
        QuotasView {
            cases_per_call: q.cases_per_call,
            messages_per_call: q.messages_per_call,
            cases_per_day: q.cases_per_day,
            messages_per_day: q.messages_per_day,
            store_bytes: q.store_bytes,
            call_bytes: q.call_bytes,
        }
    }
}

/// A department of a city.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DepartmentView {
    code: String,
    name: String,
}

impl From<&Department> for DepartmentView {
    fn from(d: &Department) -> DepartmentView {
        DepartmentView {
            code: d.code.clone(),
            name: d.name.clone(),
        }
    }
}

/// A routing rule: cases of `service` (of `category`, when not empty) go to `department`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RouteView {
    service: String,
    category: String,
    department: String,
}

impl From<&Route> for RouteView {
    fn from(r: &Route) -> RouteView {
        RouteView {
            service: r.service.clone(),
            category: r.category.clone(),
            department: r.department.clone(),
        }
    }
}

/// A city's departments and routing rules.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DepartmentsView {
    departments: Vec<DepartmentView>,
    routes: Vec<RouteView>,
}

/// A new API key, shown once.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct KeyIssued {
    /// The key's id, for revoking it.
    id: String,
    label: String,
    /// The key itself: send it as a bearer token, or as Open311's api_key.
    key: String,
    note: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CitySettings {
    /// Days a citizen has to reject a resolution (0 to 365).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 365)]
    reopen_days: Option<i64>,
    /// Most messages the city's services together may queue in a day.
    #[serde(default)]
    messages_per_day: Option<i64>,
    /// Whether public views of public requests show where they are.
    #[serde(default)]
    public_location: Option<bool>,
    /// The map of the city's forms; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Map>)]
    map: Option<Option<Map>>,
    /// The hours the city sends no unprompted message; `null` removes them.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<QuietHours>)]
    quiet_hours: Option<Option<QuietHours>>,
    /// The city's colour (`#rrggbb`), dark enough for white text on it (WCAG AA); `null`
    /// removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, pattern = "^#[0-9a-fA-F]{6}$")]
    colour: Option<Option<String>>,
    /// The city's time zone, an IANA name such as `Europe/Rome`: its pages, e-mails and quiet
    /// hours follow it through summer time; `null` removes it (the quiet hours' offset holds).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "Europe/Rome")]
    time_zone: Option<Option<String>>,
}

/// A field that is present, even as `null` (absent stays `None` by `default`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

#[utoipa::path(
    put,
    path = "/api/v1/cities/{city}/settings",
    tag = "admin",
    summary = "Set the days a citizen has to reject a resolution",
    params(CityPath),
    request_body = CitySettings,
    security(("bearer" = [])),
    responses((status = 200, description = "The city", body = views::CityView), (status = 422, description = "Out of range"))
)]
pub async fn city_settings(
    State(carmen): State<Carmen>,
    Proven(actor): Proven<Admin>,
    ApiJson(body): ApiJson<CitySettings>,
) -> Result<Json<Value>, ApiError> {
    let settings = Settings {
        reopen_days: body.reopen_days,
        messages_per_day: body.messages_per_day,
        public_location: body.public_location,
        map: body.map,
        quiet: body.quiet_hours,
        colour: body.colour,
        time_zone: body.time_zone,
    };
    let city = carmen.set_city_settings(&actor, &settings).await?;
    Ok(Json(json!(views::CityView::from(&city))))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceSettings {
    /// Whether citizens without an account may submit.
    #[serde(default)]
    anonymous: Option<bool>,
    /// Whether its requests (those filed already too) may be shown to the public.
    #[serde(default)]
    public: Option<bool>,
    /// Quotas to change: `cases-per-call`, `messages-per-call`, `cases-per-day`,
    /// `messages-per-day`, `store-bytes`, `call-bytes`.
    #[serde(default)]
    quotas: std::collections::BTreeMap<String, u64>,
}

#[utoipa::path(
    put,
    path = "/api/v1/cities/{city}/services/{code}/settings",
    tag = "admin",
    summary = "Set whether a service takes requests without an account",
    params(CityPath, ("code" = String, Path, description = "The service code")),
    request_body = ServiceSettings,
    security(("bearer" = [])),
    responses((status = 200, description = "The service's settings", body = ServiceSettingsView), (status = 404, description = "No such service"))
)]
pub async fn service_settings(
    State(carmen): State<Carmen>,
    Proven(actor): Proven<Admin>,
    Path((_, code)): Path<(String, String)>,
    ApiJson(body): ApiJson<ServiceSettings>,
) -> Result<Json<Value>, ApiError> {
    let settings = Service {
        anonymous: body.anonymous,
        public: body.public,
        quotas: body
            .quotas
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect(),
    };
    let after = carmen
        .set_service_settings(&actor, &code, &settings)
        .await?;
    Ok(Json(json!(ServiceSettingsView {
        code: after.code,
        anonymous: after.anonymous,
        public: after.public,
        quotas: after.quotas.into(),
    })))
}

#[utoipa::path(
    get,
    path = "/api/v1/cities/{city}/departments",
    tag = "admin",
    summary = "The city's departments and routing rules",
    params(CityPath),
    security(("bearer" = [])),
    responses((status = 200, description = "Departments and routes", body = DepartmentsView))
)]
pub async fn list_departments(
    State(carmen): State<Carmen>,
    Proven(staff): Proven<Staff>,
) -> Result<Json<Value>, ApiError> {
    let (departments, routes) = carmen.departments(&staff).await?;
    Ok(Json(json!(DepartmentsView {
        departments: departments.iter().map(DepartmentView::from).collect(),
        routes: routes.iter().map(RouteView::from).collect(),
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
    params(CityPath),
    request_body = NewDepartment,
    security(("bearer" = [])),
    responses((status = 201, description = "The department", body = DepartmentView), (status = 409, description = "It exists"), (status = 422, description = "Invalid code or name"))
)]
pub async fn add_department(
    State(carmen): State<Carmen>,
    Proven(actor): Proven<Admin>,
    ApiJson(body): ApiJson<NewDepartment>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let department = carmen
        .add_department(&actor, &body.code, &body.name)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!(DepartmentView::from(&department))),
    ))
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
    params(CityPath),
    request_body = RouteRule,
    security(("bearer" = [])),
    responses((status = 200, description = "The rule", body = RouteView), (status = 404, description = "No such service"), (status = 422, description = "No such department"))
)]
pub async fn set_route(
    State(carmen): State<Carmen>,
    Proven(actor): Proven<Admin>,
    ApiJson(body): ApiJson<RouteRule>,
) -> Result<Json<Value>, ApiError> {
    let route = Route {
        service: body.service,
        category: body.category,
        department: body.department,
    };
    carmen.set_route(&actor, &route).await?;
    Ok(Json(json!(RouteView::from(&route))))
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
    params(CityPath),
    request_body = NewKey,
    security(("bearer" = [])),
    responses((status = 201, description = "The key", body = KeyIssued), (status = 422, description = "Invalid label"))
)]
pub async fn issue_key(
    State(carmen): State<Carmen>,
    Proven(actor): Proven<Admin>,
    ApiJson(body): ApiJson<NewKey>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (key_id, token) = carmen.issue_api_key(&actor, &body.label).await?;
    let label = body.label.trim();
    Ok((
        StatusCode::CREATED,
        Json(json!(KeyIssued {
            id: key_id,
            label: label.to_string(),
            key: token,
            note: "shown once; only its hash is kept".into(),
        })),
    ))
}

#[utoipa::path(
    delete,
    path = "/api/v1/cities/{city}/api-keys/{key}",
    tag = "admin",
    summary = "Revoke an API key",
    params(CityPath, ("key" = String, Path, description = "The key's id (16 hex characters)")),
    security(("bearer" = [])),
    responses((status = 204, description = "Revoked"), (status = 404, description = "No such key"))
)]
pub async fn revoke_key(
    State(carmen): State<Carmen>,
    Proven(actor): Proven<Admin>,
    Path((_, key_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    if !carmen.revoke_api_key(&actor, &key_id).await? {
        return Err(ApiError::not_found(format!("key {key_id:?} not found")));
    }
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
    params(CityPath, ("id" = i64, Path, description = "The request's id")),
    request_body = Assignment,
    security(("bearer" = [])),
    responses((status = 200, description = "The case", body = views::RequestView), (status = 404, description = "No such case in this city"), (status = 422, description = "Not staff of this city or department"))
)]
pub async fn assign(
    State(carmen): State<Carmen>,
    Proven(actor): Proven<Staff>,
    CaseId(id): CaseId,
    ApiJson(body): ApiJson<Assignment>,
) -> Result<Json<Value>, ApiError> {
    let case = carmen.assign(&actor, id, body.assignee).await?;
    Ok(Json(json!(views::request(&case, None))))
}

/// How a city's messages leave: its e-mail sender and reply-to, its SMS gateway (a webhook signed
/// with `sms_secret`, which is never shown back).
#[derive(Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverySettings {
    /// The sender, such as `Rivertown <noreply@rivertown.example>`: set by the operator only (an
    /// administrator who sends another is refused with 403; one who leaves it out keeps it).
    #[serde(default)]
    email_from: Option<String>,
    /// Where replies go.
    #[serde(default)]
    reply_to: Option<String>,
    /// The SMS gateway's URL (https, or http; never a private network's address).
    #[serde(default)]
    #[schema(format = "uri")]
    sms_url: Option<String>,
    /// The secret the gateway checks signatures with (at least 16 characters; write only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(write_only, min_length = 16)]
    sms_secret: Option<String>,
    /// The secret the city's mail provider signs forwarded replies with (at least 16
    /// characters; write only): see `POST .../inbound/email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(write_only, min_length = 16)]
    inbound_secret: Option<String>,
    /// The city's own systems, told of its requests' events (created, status changed) by a
    /// webhook signed like the SMS gateway's.
    #[serde(default)]
    #[schema(format = "uri")]
    webhook_url: Option<String>,
    /// Their secret (at least 16 characters; write only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(write_only, min_length = 16)]
    webhook_secret: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/cities/{city}/delivery",
    tag = "admin",
    summary = "How the city's messages leave (the SMS secret is never shown)",
    params(CityPath),
    security(("bearer" = [])),
    responses((status = 200, description = "The settings", body = DeliverySettings), (status = 403, description = "Not an administrator of this city"))
)]
pub async fn delivery_settings(
    State(carmen): State<Carmen>,
    Proven(admin): Proven<Admin>,
) -> Result<Json<DeliverySettings>, ApiError> {
    let settings = carmen.delivery_settings(&admin).await?;
    Ok(Json(DeliverySettings {
        email_from: settings.email_from,
        reply_to: settings.reply_to,
        sms_url: settings.sms_url,
        sms_secret: None,
        inbound_secret: None,
        webhook_url: settings.webhook_url,
        webhook_secret: None,
    }))
}

#[utoipa::path(
    put,
    path = "/api/v1/cities/{city}/delivery",
    tag = "admin",
    summary = "Set how the city's messages leave: sender, reply-to, SMS gateway (audited)",
    params(CityPath),
    request_body = DeliverySettings,
    security(("bearer" = [])),
    responses((status = 204, description = "Set"), (status = 403, description = "Not an administrator of this city, or an administrator changing the sender (the operator's to set)"), (status = 422, description = "A gateway or webhook that is not an http(s) URL or points at a private network, or a secret under 16 characters"))
)]
pub async fn set_delivery_settings(
    State(carmen): State<Carmen>,
    Proven(actor): Proven<Admin>,
    ApiJson(body): ApiJson<DeliverySettings>,
) -> Result<StatusCode, ApiError> {
    let settings = crate::runtime::types::CityDelivery {
        email_from: body.email_from,
        reply_to: body.reply_to,
        sms_url: body.sms_url,
        sms_secret: body.sms_secret,
        inbound_secret: body.inbound_secret,
        webhook_url: body.webhook_url,
        webhook_secret: body.webhook_secret,
    };
    carmen.set_delivery_settings(&actor, &settings).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A reply a city's mail provider forwards.
#[derive(Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct InboundEmail {
    /// The address it was sent to (the reply address of an e-mail about a request).
    to: String,
    /// Who sent it.
    #[serde(default)]
    from: Option<String>,
    /// Its plain text.
    text: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/cities/{city}/inbound/email",
    tag = "admin",
    summary = "A citizen's e-mail reply, forwarded by the city's mail provider, joins its request's thread (signed: Carmen-Signature, HMAC-SHA256 with the city's inbound secret)",
    params(CityPath, ("carmen-signature" = String, Header, description = "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">")),
    request_body = InboundEmail,
    responses((status = 204, description = "Added to the thread"), (status = 401, description = "No valid signature (or outside the five-minute window)"), (status = 404, description = "The address names no request of this city"), (status = 409, description = "This signed reply was taken already"))
)]
pub async fn inbound_email(
    State(carmen): State<Carmen>,
    Path(city): Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let signature = headers
        .get("carmen-signature")
        .and_then(|v| v.to_str().ok());
    let signed = carmen.check_forwarded(&city, signature, &body).await?;
    let email: InboundEmail = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed-json",
            "Malformed JSON",
            e.to_string(),
        )
    })?;
    carmen
        .forwarded_reply(&signed, &email.to, &email.text)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
