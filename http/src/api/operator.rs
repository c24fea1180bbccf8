//! Handlers for the operator: cities and their first administrators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::Caller;
use super::{ApiError, ApiJson, views};
use crate::runtime::Carmen;
use crate::runtime::types::{NewUser, User};

/// A new city and its first administrator.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CreatedCity {
    city: views::CityView,
    admin: Option<User>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCity {
    slug: String,
    name: String,
    admin_name: String,
    admin_email: String,
    admin_password: String,
    /// The city's domain, its Open311 `jurisdiction_id`.
    #[serde(default)]
    domain: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/operator/cities",
    tag = "operator",
    summary = "Create a city with its first administrator",
    request_body = NewCity,
    security(("bearer" = [])),
    responses((status = 201, description = "The city and its administrator", body = CreatedCity), (status = 401, description = "Not signed in"), (status = 403, description = "Not the operator"), (status = 409, description = "The city exists"), (status = 422, description = "Invalid input"))
)]
pub async fn create_city(
    State(carmen): State<Carmen>,
    caller: Caller,
    ApiJson(body): ApiJson<NewCity>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let actor = caller.operator()?;
    let admin = NewUser {
        name: body.admin_name,
        email: Some(body.admin_email),
        password: Some(body.admin_password),
        ..Default::default()
    };
    let (city, admin) = carmen
        .create_city(
            &actor,
            &body.slug,
            &body.name,
            body.domain.as_deref(),
            Some(admin),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!(CreatedCity {
            city: views::CityView::from(&city),
            admin,
        })),
    ))
}
