//! Handlers: the cities, a city's services, one service with its form.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};

use super::city_path::CityPath;
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

/// A page of the cities.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CitiesQuery {
    /// Cities after this slug (the previous page's `next`).
    #[param(max_length = 64)]
    after: Option<String>,
    /// How many cities (1 to 1,000; 100 by default).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CityList {
    cities: Vec<CityView>,
    /// The `after` of the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/cities",
    tag = "public",
    summary = "The cities on this host, a page at a time by slug",
    params(CitiesQuery),
    responses((status = 200, description = "A page of cities", body = CityList), (status = 400, description = "Bad query"))
)]
pub async fn cities(
    State(carmen): State<Carmen>,
    ApiQuery(query): ApiQuery<CitiesQuery>,
) -> Result<Json<CityList>, ApiError> {
    let bad = |detail: &str| {
        ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "bad-query",
            "Bad query",
            detail,
        )
    };
    if query
        .limit
        .is_some_and(|limit| !(1..=1000).contains(&limit))
    {
        return Err(bad("limit is 1 to 1000"));
    }
    if query
        .after
        .as_ref()
        .is_some_and(|after| after.chars().count() > 64)
    {
        return Err(bad("after is a city's slug, at most 64 characters"));
    }
    let (page, next) = carmen
        .cities_page(query.after.as_deref(), query.limit.unwrap_or(100))
        .await?;
    Ok(Json(CityList {
        cities: page.iter().map(CityView::from).collect(),
        next,
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
    params(CityPath, LangQuery),
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
    params(CityPath, ("code" = String, Path, description = "The service code"), LangQuery),
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
