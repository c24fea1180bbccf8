//! Handlers for the operator: cities and their first administrators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::Caller;
use super::{ApiError, ApiJson};
use crate::crm::people::{self, NewUser, Role};
use crate::crm::{audit, cities};
use crate::runtime::Carmen;

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
    responses((status = 201, description = "The city and its administrator"), (status = 401, description = "Not signed in"), (status = 403, description = "Not the operator"), (status = 409, description = "The city exists"), (status = 422, description = "Invalid input"))
)]
pub async fn create_city(
    State(carmen): State<Carmen>,
    caller: Caller,
    ApiJson(body): ApiJson<NewCity>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let actor = caller.operator()?;
    let mut city = cities::create(&carmen.db, &body.slug, &body.name).await?;
    if let Some(domain) = &body.domain {
        match cities::set_domain(&carmen.db, &city.slug, domain).await {
            Ok(with_domain) => city = with_domain,
            Err(error) => {
                cities::delete_unused(&carmen.db, &city.slug).await?;
                return Err(error.into());
            }
        }
    }
    let admin = people::create(
        &carmen.db,
        Role::Admin,
        NewUser {
            city: Some(city.slug.clone()),
            name: body.admin_name,
            email: Some(body.admin_email),
            password: Some(body.admin_password),
            ..Default::default()
        },
    )
    .await;
    let admin = match admin {
        Ok(admin) => admin,
        Err(error) => {
            // Nothing refers to the new city yet: take it back so a refused request leaves nothing.
            cities::delete_unused(&carmen.db, &city.slug).await?;
            return Err(error.into());
        }
    };
    audit::record(
        &carmen.db,
        Some(&city.slug),
        actor,
        "city.create",
        &format!("city:{}", city.slug),
        None,
        Some(json!({"name": city.name, "admin": admin.id})),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"city": city, "admin": admin})),
    ))
}
