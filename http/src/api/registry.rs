//! Handlers for city administrators: install a service from the shared registry, upgrade it, roll
//! it back, uninstall it — the same operations as the CLI, audited.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::city_path::{CityPath, Proven};
use super::{ApiError, ApiJson};
use std::future::Future;

use crate::runtime::jobs::{Job, JobState, PATIENCE, Waited};
use crate::runtime::proofs::Admin;
use crate::runtime::registry::Approval;
use crate::runtime::types::{CrmError, Grants, Install};
use crate::runtime::{Carmen, RuntimeError};

/// What an administrator approves through the API: `grants` (`422` for one that is unknown) and
/// each of `hosts` by its own name, not the hosts the package's settings name.
fn approval(grants: &[String], hosts: Vec<String>) -> Result<Approval, ApiError> {
    let grants = Grants::parse(&grants.join(",")).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "Invalid request",
            e,
        )
    })?;
    Ok(Approval {
        grants,
        hosts,
        named: false,
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
    /// The hosts it may call (capability `http`), as approved.
    hosts: Vec<String>,
}

fn view(install: &Install) -> Value {
    json!(InstallView {
        plugin: install.plugin.clone(),
        version: install.version.clone(),
        code: install.code.clone(),
        digest: install.digest.clone(),
        grants: install.grants.to_string(),
        hosts: install.hosts.clone(),
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
    /// The hosts approved for its requests (capability `http`), such as
    /// `https://waste.example.org`: every host the package names with these settings.
    #[serde(default)]
    hosts: Vec<String>,
    /// Tell the registry that this city runs it.
    #[serde(default)]
    report: bool,
}

fn any_version() -> String {
    "*".into()
}

#[utoipa::path(post, path = "/api/v1/cities/{city}/registry/installs", tag = "admin",
    summary = "Install a service from the shared registry, granting the capabilities it asks for",
    params(CityPath), request_body = NewRegistryInstall,
    security(("bearer" = [])),
    responses((status = 201, description = "Installed", body = InstallView), (status = 202, description = "Still compiling: follow the job", body = JobView), (status = 422, description = "Refused, with the reason (or no registry is configured)")))]
pub async fn install(
    State(carmen): State<Carmen>,
    Proven(actor): Proven<Admin>,
    ApiJson(body): ApiJson<NewRegistryInstall>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let approval = approval(&body.grants, body.hosts)?;
    let what = format!("install {}", body.package);
    let work = {
        let (carmen, actor) = (carmen.clone(), actor.clone());
        async move {
            carmen
                .install_from_registry_approving(
                    &actor,
                    &body.package,
                    &body.requirement,
                    approval,
                    body.config,
                    body.report,
                )
                .await
        }
    };
    answered(&carmen, &actor, &what, StatusCode::CREATED, work).await
}

/// The answer of an install or upgrade: the install when done within `PATIENCE`, else `202` and
/// the job to follow.
async fn answered(
    carmen: &Carmen,
    admin: &Admin,
    what: &str,
    done: StatusCode,
    work: impl Future<Output = Result<Install, RuntimeError>> + Send + 'static,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    match carmen.as_job(admin, what, PATIENCE, work).await? {
        Waited::Done(install) => Ok((done, Json(view(&install)))),
        Waited::Running(id) => {
            let job = carmen
                .job(admin, id)
                .ok_or_else(|| ApiError::from(RuntimeError::Invalid("the job is gone".into())))?;
            Ok((StatusCode::ACCEPTED, Json(job_view(&job))))
        }
    }
}

/// An install or upgrade going on in the background.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct JobView {
    id: u64,
    /// Where to follow it.
    href: String,
    /// What it does, such as `install noise-report`.
    what: String,
    /// `running`, `done` or `failed`.
    state: String,
    /// How long it ran, or has run so far.
    elapsed_seconds: f64,
    /// The service as installed, once done.
    install: Option<InstallView>,
    /// Why it failed; nothing changed.
    reason: Option<String>,
}

fn job_view(job: &Job) -> Value {
    let (state, install, reason) = match &job.state {
        JobState::Running => ("running", None, None),
        JobState::Done(install) => ("done", Some(view(install)), None),
        JobState::Failed(reason) => ("failed", None, Some(reason.clone())),
    };
    json!({
        "id": job.id,
        "href": format!("/api/v1/cities/{}/registry/jobs/{}", job.city, job.id),
        "what": job.what,
        "state": state,
        "elapsed_seconds": (job.elapsed().as_secs_f64() * 10.0).round() / 10.0,
        "install": install,
        "reason": reason,
    })
}

#[utoipa::path(get, path = "/api/v1/cities/{city}/registry/jobs/{id}", tag = "admin",
    summary = "Follow an install or upgrade that went on in the background (answered 202)",
    params(CityPath, ("id" = u64, Path, description = "The job's id")),
    security(("bearer" = [])),
    responses((status = 200, description = "Where it stands", body = JobView), (status = 404, description = "No such job in this city")))]
pub async fn job(
    State(carmen): State<Carmen>,
    Proven(admin): Proven<Admin>,
    super::ApiPath((_, id)): super::ApiPath<(String, u64)>,
) -> Result<Json<Value>, ApiError> {
    let job = carmen.job(&admin, id).ok_or_else(|| {
        ApiError::from(RuntimeError::Crm(CrmError::NotFound(format!("job {id}"))))
    })?;
    Ok(Json(job_view(&job)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Upgrade {
    #[serde(default = "any_version")]
    to: String,
    #[serde(default)]
    grants: Vec<String>,
    /// Hosts the new version calls that were not approved before (capability `http`).
    #[serde(default)]
    hosts: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/cities/{city}/registry/installs/{package}/upgrade", tag = "admin",
    summary = "Upgrade a service from the registry; a version asking for more waits for the grant",
    params(CityPath, ("package" = String, Path, description = "The package name")),
    request_body = Upgrade, security(("bearer" = [])),
    responses((status = 200, description = "Upgraded", body = InstallView), (status = 202, description = "Still compiling: follow the job; the version before serves until it is done", body = JobView), (status = 404, description = "Not installed"), (status = 422, description = "Refused, with the reason")))]
pub async fn upgrade(
    State(carmen): State<Carmen>,
    Proven(actor): Proven<Admin>,
    Path((_, package)): Path<(String, String)>,
    ApiJson(body): ApiJson<Upgrade>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let approval = approval(&body.grants, body.hosts)?;
    let what = format!("upgrade {package}");
    let work = {
        let (carmen, actor) = (carmen.clone(), actor.clone());
        async move {
            carmen
                .upgrade_approving(&actor, &package, &body.to, &approval)
                .await
        }
    };
    answered(&carmen, &actor, &what, StatusCode::OK, work).await
}

#[utoipa::path(post, path = "/api/v1/cities/{city}/registry/installs/{package}/rollback", tag = "admin",
    summary = "Return a service to the version it ran before",
    params(CityPath, ("package" = String, Path, description = "The package name")),
    security(("bearer" = [])),
    responses((status = 200, description = "Rolled back", body = InstallView), (status = 404, description = "Not installed"), (status = 422, description = "No previous version")))]
pub async fn rollback(
    State(carmen): State<Carmen>,
    Proven(actor): Proven<Admin>,
    Path((_, package)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let install = carmen.rollback(&actor, &package).await?;
    Ok(Json(view(&install)))
}

#[utoipa::path(delete, path = "/api/v1/cities/{city}/registry/installs/{package}", tag = "admin",
    summary = "Uninstall a service; its cases stay",
    params(CityPath, ("package" = String, Path, description = "The package name")),
    security(("bearer" = [])),
    responses((status = 204, description = "Uninstalled"), (status = 404, description = "Not installed")))]
pub async fn uninstall(
    State(carmen): State<Carmen>,
    Proven(actor): Proven<Admin>,
    Path((_, package)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    carmen.uninstall(&actor, &package).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/cities/{city}/registry/installs/{package}/evidence", tag = "admin",
    summary = "Publish the city's pilot figures for the version it runs (last 90 days, aggregated, signed by this host) to the shared registry",
    params(CityPath, ("package" = String, Path, description = "The package name")),
    security(("bearer" = [])),
    responses((status = 200, description = "The figures published", body = crate::runtime::types::Figures), (status = 404, description = "Not installed"), (status = 422, description = "The registry refused them")))]
pub async fn publish_evidence(
    State(carmen): State<Carmen>,
    Proven(actor): Proven<Admin>,
    Path((_, package)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(carmen.publish_evidence(&actor, &package).await?))
}
