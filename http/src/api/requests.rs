//! Handlers: submit a request to a city's service; read a request with its history.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::Value;

use super::auth::Caller;
use super::city_path::{CityPath, RequestId};
use super::views::{self, RequestView};
use super::{ApiError, ApiJson};
use crate::contract::types::FieldError;
use crate::runtime::Carmen;
use crate::runtime::form::RequestInput;
use crate::runtime::requests::Submitted;
use crate::runtime::types::{Contact, Fields, Location};

/// The body of `POST .../requests`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    #[serde(default)]
    fields: BTreeMap<String, Value>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    /// Where it is: `latitude` and `longitude` (WGS 84) and/or `address`.
    #[schema(value_type = Option<views::LocationView>)]
    location: Option<Location>,
    #[serde(default)]
    /// How to reach the citizen: `name`, `email`, `phone`.
    #[schema(value_type = Option<views::ContactView>)]
    contact: Option<Contact>,
    #[serde(default)]
    language: Option<String>,
}

/// The header a request's submitter presents its secret in (one per earlier request).
pub const SECRET_HEADER: &str = "x-carmen-secret";

/// The request secrets presented with a call.
pub(super) fn presented_secrets(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(SECRET_HEADER)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Field answers as text: a string or number, or a list of them; `null` means absent.
fn field_values(fields: BTreeMap<String, Value>) -> Result<Fields, Vec<FieldError>> {
    let mut out = BTreeMap::new();
    let mut errors = Vec::new();
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    for (code, value) in fields {
        let values = match &value {
            Value::Null => continue,
            Value::Array(items) => items.iter().map(scalar).collect::<Option<Vec<_>>>(),
            other => scalar(other).map(|s| vec![s]),
        };
        match values {
            Some(values) => {
                out.insert(code, values);
            }
            None => errors.push(FieldError {
                code,
                message: "give a string, a number, or a list of them".into(),
            }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/cities/{city}/services/{code}/requests",
    operation_id = "submit_request",
    tag = "public",
    summary = "Submit a request: answered with the new request (a case, or the service's immediate answer)",
    params(CityPath, ("code" = String, Path, description = "The service code"), ("x-carmen-secret" = Option<String>, Header, description = "Secrets of earlier requests of the caller's, to prove they filed them (comma-separated)")),
    request_body = NewRequest,
    responses((status = 201, description = "The request, with its secret (shown this once)", body = RequestView), (status = 401, description = "The service needs an account"), (status = 404, description = "No such city or service"), (status = 413, description = "Body too large"), (status = 422, description = "Invalid fields, listed in `errors`"), (status = 503, description = "The service failed", headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))))
)]
pub async fn create(
    State(carmen): State<Carmen>,
    Path((city, code)): Path<(String, String)>,
    headers: HeaderMap,
    caller: Caller,
    ApiJson(body): ApiJson<NewRequest>,
) -> Result<(StatusCode, Json<RequestView>), ApiError> {
    let fields = field_values(body.fields).map_err(ApiError::invalid_fields)?;
    let citizen = caller
        .principal
        .as_ref()
        .and_then(|who| who.citizen_of(&city).ok());
    let contact = body.contact;
    let input = RequestInput {
        citizen,
        fields,
        description: body.description,
        location: body.location,
        contact,
        language: views::language(body.language.as_deref(), &headers),
        secrets: presented_secrets(&headers),
        organisation_id: None,
        photos: Vec::new(),
    };
    match carmen.submit(&city, &code, input).await? {
        Submitted::Opened(filed) | Submitted::Answered(filed) => {
            let mut view = views::request(&filed.case, None);
            view.secret = Some(filed.secret);
            Ok((StatusCode::CREATED, Json(view)))
        }
        Submitted::Rejected(refusal) => Err(ApiError::invalid_fields(refusal.errors)),
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/cities/{city}/requests/{id}",
    operation_id = "read_request",
    tag = "public",
    summary = "A request with its status, history and public messages",
    params(CityPath, ("id" = i64, Path, description = "The request's id"), ("x-carmen-secret" = Option<String>, Header, description = "The request's secret, for a private request's submitter")),
    responses((status = 200, description = "The request", body = RequestView), (status = 404, description = "No such request in this city, or not one the caller may see"))
)]
pub async fn show(
    State(carmen): State<Carmen>,
    Path((city, _)): Path<(String, String)>,
    headers: HeaderMap,
    caller: Caller,
    RequestId(id): RequestId,
) -> Result<Json<RequestView>, ApiError> {
    let secret = presented_secrets(&headers).into_iter().next();
    let file = carmen
        .request_file(&city, id, caller.principal.as_ref(), secret.as_deref())
        .await?;
    let mut view = views::request(&file.case, Some(file.history));
    view.messages = Some(file.messages);
    Ok(Json(view))
}
