//! Handlers for city administrators: install a service from the shared registry, upgrade it, roll
//! it back, uninstall it — the same operations as the CLI, audited.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use carmen_registry::client::RegistryClient;
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::Caller;
use super::{ApiError, ApiJson};
use crate::runtime::Carmen;
use crate::runtime::types::{Grants, Install, Role};

const ADMIN: &[Role] = &[Role::Admin, Role::Operator];

fn registry(carmen: &Carmen) -> Result<(String, RegistryClient), ApiError> {
    let url = carmen.registry.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no-registry",
            "No registry configured",
            "start carmen serve with --registry",
        )
    })?;
    let client = RegistryClient::new(&url);
    Ok((url, client))
}

fn grants(list: &[String]) -> Result<Grants, ApiError> {
    Grants::parse(&list.join(",")).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "Invalid request",
            e,
        )
    })
}

/// A service installed from the registry.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct InstallView {
    plugin: String,
    version: String,
    /// The service code it describes itself with.
    code: String,
    /// The component's sha256.
    digest: String,
    /// The capabilities granted, comma-separated.
    grants: String,
}

fn view(install: &Install) -> Value {
    json!(InstallView {
        plugin: install.plugin.clone(),
        version: install.version.clone(),
        code: install.code.clone(),
        digest: install.digest.clone(),
        grants: install.grants.to_string(),
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRegistryInstall {
    package: String,
    #[serde(default = "any_version")]
    requirement: String,
    #[serde(default)]
    grants: Vec<String>,
    #[serde(default)]
    config: BTreeMap<String, String>,
    /// Tell the registry that this city runs it.
    #[serde(default)]
    report: bool,
}

fn any_version() -> String {
    "*".into()
}

#[utoipa::path(post, path = "/api/v1/cities/{city}/registry/installs", tag = "admin",
    summary = "Install a service from the shared registry, granting the capabilities it asks for",
    params(("city" = String, Path, description = "The city's slug")), request_body = NewRegistryInstall,
    security(("bearer" = [])),
    responses((status = 201, description = "Installed", body = InstallView), (status = 422, description = "Refused, with the reason"), (status = 503, description = "No registry configured")))]
pub async fn install(
    State(carmen): State<Carmen>,
    Path(city): Path<String>,
    caller: Caller,
    ApiJson(body): ApiJson<NewRegistryInstall>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let actor = caller.in_city(&city, ADMIN)?;
    let (url, client) = registry(&carmen)?;
    let install = carmen
        .install_from_registry(
            &city,
            &client,
            &url,
            &body.package,
            &body.requirement,
            grants(&body.grants)?,
            body.config,
            body.report,
            actor,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(view(&install))))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Upgrade {
    #[serde(default = "any_version")]
    to: String,
    #[serde(default)]
    grants: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/cities/{city}/registry/installs/{package}/upgrade", tag = "admin",
    summary = "Upgrade a service from the registry; a version asking for more waits for the grant",
    params(("city" = String, Path, description = "The city's slug"), ("package" = String, Path, description = "The package name")),
    request_body = Upgrade, security(("bearer" = [])),
    responses((status = 200, description = "Upgraded", body = InstallView), (status = 404, description = "Not installed"), (status = 422, description = "Refused, with the reason")))]
pub async fn upgrade(
    State(carmen): State<Carmen>,
    Path((city, package)): Path<(String, String)>,
    caller: Caller,
    ApiJson(body): ApiJson<Upgrade>,
) -> Result<Json<Value>, ApiError> {
    let actor = caller.in_city(&city, ADMIN)?;
    let (_, client) = registry(&carmen)?;
    let install = carmen
        .upgrade(
            &city,
            &client,
            &package,
            &body.to,
            &grants(&body.grants)?,
            actor,
        )
        .await?;
    Ok(Json(view(&install)))
}

#[utoipa::path(post, path = "/api/v1/cities/{city}/registry/installs/{package}/rollback", tag = "admin",
    summary = "Return a service to the version it ran before",
    params(("city" = String, Path, description = "The city's slug"), ("package" = String, Path, description = "The package name")),
    security(("bearer" = [])),
    responses((status = 200, description = "Rolled back", body = InstallView), (status = 404, description = "Not installed"), (status = 422, description = "No previous version")))]
pub async fn rollback(
    State(carmen): State<Carmen>,
    Path((city, package)): Path<(String, String)>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    let actor = caller.in_city(&city, ADMIN)?;
    let install = carmen.rollback(&city, &package, actor).await?;
    Ok(Json(view(&install)))
}

#[utoipa::path(delete, path = "/api/v1/cities/{city}/registry/installs/{package}", tag = "admin",
    summary = "Uninstall a service; its cases stay",
    params(("city" = String, Path, description = "The city's slug"), ("package" = String, Path, description = "The package name")),
    security(("bearer" = [])),
    responses((status = 204, description = "Uninstalled"), (status = 404, description = "Not installed")))]
pub async fn uninstall(
    State(carmen): State<Carmen>,
    Path((city, package)): Path<(String, String)>,
    caller: Caller,
) -> Result<StatusCode, ApiError> {
    let actor = caller.in_city(&city, ADMIN)?;
    carmen.uninstall(&city, &package, actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/cities/{city}/registry/installs/{package}/evidence", tag = "admin",
    summary = "Publish the city's pilot figures for the version it runs (last 90 days, aggregated, signed by this host) to the shared registry",
    params(("city" = String, Path, description = "The city's slug"), ("package" = String, Path, description = "The package name")),
    security(("bearer" = [])),
    responses((status = 200, description = "The figures published", body = crate::runtime::types::Figures), (status = 404, description = "Not installed"), (status = 422, description = "The registry refused them")))]
pub async fn publish_evidence(
    State(carmen): State<Carmen>,
    Path((city, package)): Path<(String, String)>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    let actor = caller.in_city(&city, ADMIN)?;
    Ok(Json(carmen.publish_evidence(&city, &package, actor).await?))
}
