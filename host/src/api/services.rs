//! Handlers: the cities, a city's services, one service with its form.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};

use super::views::{self, ServiceDetail, ServiceSummary};
use super::{ApiError, ApiQuery};
use crate::crm::cities::{self, City};
use crate::runtime::Carmen;

#[derive(Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

#[derive(Serialize)]
pub struct CityList {
    cities: Vec<City>,
}

pub async fn cities(State(carmen): State<Carmen>) -> Result<Json<CityList>, ApiError> {
    Ok(Json(CityList {
        cities: cities::list(&carmen.db).await?,
    }))
}

#[derive(Serialize)]
pub struct ServiceList {
    city: String,
    services: Vec<ServiceSummary>,
}

pub async fn list(
    State(carmen): State<Carmen>,
    Path(city): Path<String>,
    ApiQuery(query): ApiQuery<LangQuery>,
    headers: HeaderMap,
) -> Result<Json<ServiceList>, ApiError> {
    let language = views::language(query.lang.as_deref(), &headers);
    let services = carmen.services(&city, &language).await?;
    Ok(Json(ServiceList {
        city,
        services: services.iter().map(|(i, d)| views::summary(i, d)).collect(),
    }))
}

pub async fn show(
    State(carmen): State<Carmen>,
    Path((city, code)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<LangQuery>,
    headers: HeaderMap,
) -> Result<Json<ServiceDetail>, ApiError> {
    let language = views::language(query.lang.as_deref(), &headers);
    let (install, description) = carmen.service(&city, &code, &language).await?;
    Ok(Json(views::detail(&install, &description)))
}
