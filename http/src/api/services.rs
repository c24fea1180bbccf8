//! Handlers: the cities, a city's services, one service with its form.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};

use super::views::{self, CityView, ServiceDetail, ServiceSummary};
use super::{ApiError, ApiQuery};
use crate::runtime::Carmen;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// The language to describe services in (BCP 47, such as `nl`); else Accept-Language, else English.
    #[param(max_length = 35)]
    lang: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CityList {
    cities: Vec<CityView>,
}

#[utoipa::path(
    get,
    path = "/api/v1/cities",
    tag = "public",
    summary = "The cities on this host",
    responses((status = 200, description = "The cities", body = CityList))
)]
pub async fn cities(State(carmen): State<Carmen>) -> Result<Json<CityList>, ApiError> {
    Ok(Json(CityList {
        cities: carmen.cities().await?.iter().map(CityView::from).collect(),
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ServiceList {
    city: String,
    services: Vec<ServiceSummary>,
}

#[utoipa::path(
    get,
    path = "/api/v1/cities/{city}/services",
    operation_id = "list_services",
    tag = "public",
    summary = "The services installed in a city, in the asked language (`?lang=` or Accept-Language)",
    params(("city" = String, Path, description = "The city's slug"), LangQuery),
    responses((status = 200, description = "The services", body = ServiceList), (status = 400, description = "A lang that is no language tag"), (status = 404, description = "No such city"))
)]
pub async fn list(
    State(carmen): State<Carmen>,
    Path(city): Path<String>,
    ApiQuery(query): ApiQuery<LangQuery>,
    headers: HeaderMap,
) -> Result<Json<ServiceList>, ApiError> {
    views::checked_lang(query.lang.as_deref())?;
    let language = views::language(query.lang.as_deref(), &headers);
    let services = carmen.services(&city, &language).await?;
    Ok(Json(ServiceList {
        city,
        services: services.iter().map(|(i, d)| views::summary(i, d)).collect(),
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/cities/{city}/services/{code}",
    operation_id = "describe_service",
    tag = "public",
    summary = "One service with its form",
    params(("city" = String, Path, description = "The city's slug"), ("code" = String, Path, description = "The service code"), LangQuery),
    responses((status = 200, description = "The service and its form", body = ServiceDetail), (status = 400, description = "A lang that is no language tag"), (status = 404, description = "No such city or service"))
)]
pub async fn show(
    State(carmen): State<Carmen>,
    Path((city, code)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<LangQuery>,
    headers: HeaderMap,
) -> Result<Json<ServiceDetail>, ApiError> {
    views::checked_lang(query.lang.as_deref())?;
    let language = views::language(query.lang.as_deref(), &headers);
    let (install, description) = carmen.service(&city, &code, &language).await?;
    Ok(Json(views::detail(&install, &description)))
}
