//! The knowledge base over the API: anyone reads and searches a city's published articles (with
//! its services); the city's staff write them and see their drafts, keep saved replies, fill one
//! in for a case, and see what a case's words suggest.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::auth::Caller;
use super::city_path::{ArticleId, CaseId, CityPath, Proven, ReplyToFill, SavedReplyId};
use super::{ApiError, ApiJson, ApiQuery};
use crate::runtime::Carmen;
use crate::runtime::knowledge::Found;
use crate::runtime::proofs::Staff;
use crate::runtime::types::{Article, ArticleDraft, NewReply, SavedReply};

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only articles about this service (by its code).
    service: Option<String>,
    /// Skip this many (paging).
    #[serde(default)]
    offset: i64,
    /// At most this many (1 to 100, default 20).
    limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/cities/{city}/articles", tag = "public",
    summary = "A city's articles, newest first: published ones, and drafts for its own staff",
    params(CityPath, ListQuery),
    responses((status = 200, description = "The articles", body = Vec<Article>), (status = 404, description = "No such city")))]
pub async fn list(
    State(carmen): State<Carmen>,
    Path(city): Path<String>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Vec<Article>>, ApiError> {
    let staff = caller.staff_of(&city).ok();
    let page = (query.offset, query.limit.unwrap_or(20));
    Ok(Json(
        carmen
            .articles(&city, staff.as_ref(), query.service.as_deref(), page)
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/cities/{city}/articles/{id}", tag = "public",
    summary = "One article: published, or a draft for the city's own staff",
    params(CityPath, ("id" = i64, Path, description = "The article's id")),
    responses((status = 200, description = "The article", body = Article), (status = 404, description = "No such article the caller may see")))]
pub async fn show(
    State(carmen): State<Carmen>,
    Path((city, _)): Path<(String, String)>,
    caller: Caller,
    ArticleId(id): ArticleId,
) -> Result<Json<Article>, ApiError> {
    let staff = caller.staff_of(&city).ok();
    Ok(Json(carmen.article(&city, id, staff.as_ref()).await?))
}

#[utoipa::path(post, path = "/api/v1/cities/{city}/articles", tag = "staff",
    summary = "Write an article (a draft unless its status says published)",
    params(CityPath), request_body = ArticleDraft,
    security(("bearer" = [])),
    responses((status = 201, description = "Written", body = Article), (status = 422, description = "Refused, with the reason")))]
pub async fn create(
    State(carmen): State<Carmen>,
    Proven(staff): Proven<Staff>,
    ApiJson(draft): ApiJson<ArticleDraft>,
) -> Result<(StatusCode, Json<Article>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(carmen.write_article(&staff, &draft).await?),
    ))
}

#[utoipa::path(put, path = "/api/v1/cities/{city}/articles/{id}", tag = "staff",
    summary = "Rewrite an article: its texts, links, notice date and status",
    params(CityPath, ("id" = i64, Path, description = "The article's id")),
    request_body = ArticleDraft, security(("bearer" = [])),
    responses((status = 200, description = "Rewritten", body = Article), (status = 404, description = "No such article in this city"), (status = 422, description = "Refused, with the reason")))]
pub async fn update(
    State(carmen): State<Carmen>,
    Proven(staff): Proven<Staff>,
    ArticleId(id): ArticleId,
    ApiJson(draft): ApiJson<ArticleDraft>,
) -> Result<Json<Article>, ApiError> {
    Ok(Json(carmen.rewrite_article(&staff, id, &draft).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// What to look for.
    q: String,
    /// The reader's language (BCP 47), for the services' names; default `en`.
    language: Option<String>,
    /// Articles with any of the longer words, not every word (suggestions as one types).
    #[serde(default)]
    any: bool,
}

#[utoipa::path(get, path = "/api/v1/cities/{city}/search", tag = "public",
    summary = "Search a city's published articles and its services",
    params(CityPath, SearchQuery),
    responses((status = 200, description = "What was found: articles best first, with highlighted snippets, and services", body = Found), (status = 404, description = "No such city")))]
pub async fn search(
    State(carmen): State<Carmen>,
    Path(city): Path<String>,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<Found>, ApiError> {
    let language = query.language.as_deref().unwrap_or("en");
    Ok(Json(
        carmen.search(&city, &query.q, language, query.any).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/cities/{city}/saved-replies", tag = "staff",
    summary = "The city's saved replies",
    params(CityPath), security(("bearer" = [])),
    responses((status = 200, description = "The saved replies, by name", body = Vec<SavedReply>)))]
pub async fn replies(
    State(carmen): State<Carmen>,
    Proven(staff): Proven<Staff>,
) -> Result<Json<Vec<SavedReply>>, ApiError> {
    Ok(Json(carmen.saved_replies(&staff).await?))
}

#[utoipa::path(post, path = "/api/v1/cities/{city}/saved-replies", tag = "staff",
    summary = "Save a reply: a text per language, with {reference}, {address} and {due} filled from the case",
    params(CityPath), request_body = NewReply,
    security(("bearer" = [])),
    responses((status = 201, description = "Saved", body = SavedReply), (status = 422, description = "Refused, with the reason")))]
pub async fn save_reply(
    State(carmen): State<Carmen>,
    Proven(staff): Proven<Staff>,
    ApiJson(reply): ApiJson<NewReply>,
) -> Result<(StatusCode, Json<SavedReply>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(carmen.save_reply(&staff, &reply).await?),
    ))
}

#[utoipa::path(put, path = "/api/v1/cities/{city}/saved-replies/{id}", tag = "staff",
    summary = "Rewrite a saved reply",
    params(CityPath, ("id" = i64, Path, description = "The saved reply's id")),
    request_body = NewReply, security(("bearer" = [])),
    responses((status = 200, description = "Rewritten", body = SavedReply), (status = 404, description = "No such saved reply in this city"), (status = 422, description = "Refused, with the reason")))]
pub async fn resave_reply(
    State(carmen): State<Carmen>,
    Proven(staff): Proven<Staff>,
    SavedReplyId(id): SavedReplyId,
    ApiJson(reply): ApiJson<NewReply>,
) -> Result<Json<SavedReply>, ApiError> {
    Ok(Json(carmen.resave_reply(&staff, id, &reply).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FillQuery {
    /// The language to fill it in (default: the case's).
    language: Option<String>,
}

/// A saved reply filled in for one case.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Filled {
    language: String,
    text: String,
}

#[utoipa::path(get, path = "/api/v1/cities/{city}/cases/{id}/saved-replies/{reply}", tag = "staff",
    summary = "A saved reply filled in for a case: its reference, address and due date",
    params(CityPath, ("id" = i64, Path, description = "The case's id"), ("reply" = i64, Path, description = "The saved reply's id"), FillQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "The filled text", body = Filled), (status = 404, description = "No such case or saved reply in this city")))]
pub async fn filled(
    State(carmen): State<Carmen>,
    Proven(staff): Proven<Staff>,
    CaseId(id): CaseId,
    ReplyToFill(reply): ReplyToFill,
    ApiQuery(query): ApiQuery<FillQuery>,
) -> Result<Json<Filled>, ApiError> {
    let (language, text) = carmen
        .filled_reply(&staff, id, reply, query.language.as_deref())
        .await?;
    Ok(Json(Filled { language, text }))
}

/// What a case's words suggest.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Suggested {
    articles: Vec<crate::runtime::types::ArticleHit>,
    replies: Vec<SavedReply>,
}

#[utoipa::path(get, path = "/api/v1/cities/{city}/cases/{id}/suggestions", tag = "staff",
    summary = "The articles and saved replies a case's own words suggest",
    params(CityPath, ("id" = i64, Path, description = "The case's id")),
    security(("bearer" = [])),
    responses((status = 200, description = "Suggestions", body = Suggested), (status = 404, description = "No such case in this city")))]
pub async fn suggestions(
    State(carmen): State<Carmen>,
    Proven(staff): Proven<Staff>,
    CaseId(id): CaseId,
) -> Result<Json<Suggested>, ApiError> {
    let (articles, replies) = carmen.suggestions(&staff, id).await?;
    Ok(Json(Suggested { articles, replies }))
}
