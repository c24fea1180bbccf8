//! Handlers for citizens: an account, their requests, talking with the city about them,
//! accepting or rejecting a resolution, and their data (download and erasure).

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::Caller;
use super::city_path::{self, CityPath, FollowId, Proven, RequestId};
use super::views;
use super::{ApiError, ApiJson, ApiQuery};
use crate::runtime::Carmen;
use crate::runtime::accounts::REGISTERED;
use crate::runtime::casework::Follower;
use crate::runtime::proofs::{Citizen, Member};
use crate::runtime::types::{NewUser, Role, User};

/// What a registration answers, the same whether or not the address was in use.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Registered {
    /// Always `accepted`.
    status: String,
    detail: String,
}

/// A page of a citizen's requests, newest first.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RequestList {
    requests: Vec<views::RequestView>,
    /// The `before` of the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<i64>,
}

/// A page of the citizen's requests.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RequestsQuery {
    /// Requests numbered below this one (the previous page's `next`).
    #[param(minimum = 1)]
    before: Option<i64>,
    /// How many requests (1 to 100; 50 by default).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
}

/// What an erasure did in the city's services.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErasedView {
    /// Services that forgot the citizen.
    forgotten_by: Vec<String>,
    /// Services that cannot be asked to forget (built against a contract before 0.1.2).
    not_asked: Vec<String>,
    /// Services that failed to forget now: the host erased its part and asks them again until
    /// they forget.
    pending: Vec<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    /// The name the city addresses them by.
    #[schema(min_length = 1, max_length = 200)]
    name: String,
    /// The address they sign in with (required for an account).
    #[schema(format = "email", max_length = 254)]
    email: Option<String>,
    /// A phone number (E.164, such as `+393331234567`), to be reached by SMS.
    #[schema(max_length = 32)]
    phone: Option<String>,
    /// At least 10 characters.
    #[schema(min_length = 10, max_length = 1024)]
    password: String,
    /// How the city reaches them: `email` (the default) or `sms`.
    #[serde(default)]
    #[schema(pattern = "^(email|sms)$")]
    channel: Option<String>,
    /// The language of their messages (BCP 47, such as `it`).
    #[serde(default)]
    #[schema(max_length = 35)]
    language: Option<String>,
    #[serde(default)]
    consent: bool,
}

#[utoipa::path(
    post,
    path = "/api/v1/cities/{city}/citizens",
    tag = "citizens",
    summary = "Create a citizen account; the answer is the same whether or not the e-mail address is in use",
    params(CityPath),
    request_body = Registration,
    responses((status = 202, description = "Registered if the address was new; verification codes are on their way", body = Registered), (status = 404, description = "No such city"), (status = 422, description = "Invalid input"), (status = 429, description = "This address made as many accounts as it may for now; see Retry-After", headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))))
)]
pub async fn register(
    State(carmen): State<Carmen>,
    Path(city): Path<String>,
    client: Option<axum::Extension<super::Client>>,
    ApiJson(body): ApiJson<Registration>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    carmen
        .register_citizen(
            &city,
            NewUser {
                name: body.name,
                email: body.email,
                phone: body.phone,
                password: Some(body.password),
                channel: body.channel,
                language: body.language,
                consent: body.consent,
                ..Default::default()
            },
            client.map(|c| c.address),
        )
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!(Registered {
            status: "accepted".into(),
            detail: REGISTERED.into(),
        })),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    /// `email` or `phone`.
    #[schema(pattern = "^(email|phone)$")]
    channel: String,
    /// The code sent to that contact.
    code: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/cities/{city}/me/verify",
    tag = "citizens",
    summary = "Prove an e-mail address or phone number with the code sent to it",
    params(CityPath),
    request_body = Verification,
    security(("bearer" = [])),
    responses((status = 200, description = "The profile, the contact verified", body = User), (status = 401, description = "Not signed in"), (status = 403, description = "Not a citizen of this city"), (status = 422, description = "Wrong or expired code"))
)]
pub async fn verify(
    State(carmen): State<Carmen>,
    Proven(citizen): Proven<Citizen>,
    ApiJson(body): ApiJson<Verification>,
) -> Result<Json<Value>, ApiError> {
    let user = carmen
        .verify_contact(&citizen, &body.channel, &body.code)
        .await?;
    Ok(Json(json!(user)))
}

#[utoipa::path(
    post,
    path = "/api/v1/cities/{city}/me/verify/resend",
    tag = "citizens",
    summary = "Send new codes for the contacts not verified yet",
    params(CityPath),
    security(("bearer" = [])),
    responses((status = 202, description = "Sent"), (status = 401, description = "Not signed in"), (status = 403, description = "Not a citizen of this city"), (status = 422, description = "The contact had all the codes it may have: five per account, ever, and ten a day"))
)]
pub async fn resend(
    State(carmen): State<Carmen>,
    Proven(citizen): Proven<Citizen>,
) -> Result<StatusCode, ApiError> {
    carmen.resend_codes(&citizen).await?;
    Ok(StatusCode::ACCEPTED)
}

/// How the city contacts a citizen.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    /// The language of messages (BCP 47, such as `it`).
    #[schema(max_length = 35)]
    language: String,
    /// `email`, or `sms` for the phone number given.
    #[schema(pattern = "^(email|sms)$")]
    channel: String,
    /// Whether the city may contact them before they ask (reminders, notices).
    consent: bool,
}

#[utoipa::path(
    put,
    path = "/api/v1/cities/{city}/me/preferences",
    tag = "citizens",
    summary = "Set how the city contacts the signed-in citizen: language, channel, consent to proactive contact",
    params(CityPath),
    request_body = Preferences,
    security(("bearer" = [])),
    responses((status = 200, description = "The profile", body = User), (status = 401, description = "Not signed in"), (status = 403, description = "Not a citizen of this city"), (status = 422, description = "A language that is not a tag, or a channel with nothing to send to"))
)]
pub async fn set_preferences(
    State(carmen): State<Carmen>,
    Proven(citizen): Proven<Citizen>,
    ApiJson(body): ApiJson<Preferences>,
) -> Result<Json<Value>, ApiError> {
    let user = carmen
        .set_preferences(&citizen, &body.language, &body.channel, body.consent)
        .await?;
    Ok(Json(json!(user)))
}

#[utoipa::path(
    get,
    path = "/api/v1/cities/{city}/me",
    tag = "citizens",
    summary = "The signed-in person's profile",
    params(CityPath),
    security(("bearer" = [])),
    responses((status = 200, description = "The profile", body = User), (status = 401, description = "Not signed in"), (status = 403, description = "Not of this city"))
)]
pub async fn me(
    State(carmen): State<Carmen>,
    Proven(member): Proven<Member>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(carmen.profile(&member).await?)))
}

#[utoipa::path(
    get,
    path = "/api/v1/cities/{city}/me/requests",
    tag = "citizens",
    summary = "The signed-in citizen's requests, newest first, a page at a time",
    params(CityPath, RequestsQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of the requests", body = RequestList), (status = 400, description = "Bad query"), (status = 401, description = "Not signed in"), (status = 403, description = "Not a citizen of this city"))
)]
pub async fn my_requests(
    State(carmen): State<Carmen>,
    Proven(citizen): Proven<Citizen>,
    ApiQuery(query): ApiQuery<RequestsQuery>,
) -> Result<Json<Value>, ApiError> {
    if query.limit.is_some_and(|limit| !(1..=100).contains(&limit)) {
        return Err(ApiError::bad_request("limit is 1 to 100"));
    }
    if query.before.is_some_and(|before| before < 1) {
        return Err(ApiError::bad_request(
            "before is a request's number, 1 or more",
        ));
    }
    let (mine, next) = carmen
        .citizens_requests(&citizen, query.before, query.limit.unwrap_or(50))
        .await?;
    Ok(Json(json!(RequestList {
        requests: mine.iter().map(|c| views::request(c, None)).collect(),
        next,
    })))
}

#[utoipa::path(
    get,
    path = "/api/v1/cities/{city}/me/export",
    tag = "citizens",
    summary = "Download all the signed-in citizen's data",
    params(CityPath),
    security(("bearer" = [])),
    responses((status = 200, description = "All the data, as JSON", body = Object), (status = 401, description = "Not signed in"), (status = 403, description = "Not a citizen of this city"))
)]
pub async fn export(
    State(carmen): State<Carmen>,
    Proven(citizen): Proven<Citizen>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(carmen.export(&citizen).await?))
}

#[utoipa::path(
    delete,
    path = "/api/v1/cities/{city}/me",
    tag = "citizens",
    summary = "Erase the signed-in citizen's personal data; their requests stay without it",
    params(CityPath),
    security(("bearer" = [])),
    responses((status = 200, description = "Erased: which services forgot the citizen, and which could not be asked", body = ErasedView), (status = 401, description = "Not signed in"), (status = 403, description = "Not a citizen of this city"), (status = 503, description = "The host could not erase now; nothing was erased, ask again", headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))))
)]
pub async fn erase(
    State(carmen): State<Carmen>,
    Proven(citizen): Proven<Citizen>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(carmen.erase(&citizen).await?)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CitizenMessage {
    body: String,
}

/// One's own request (`{city}/requests/{id}`), and who acts on it as its submitter: a signed-in
/// citizen of the city, else the holder of the request's secret (`x-carmen-secret`); else 401
/// (or 403 for someone signed in of another kind), then 404 for an id that is no number.
pub struct OwnRequest {
    city: String,
    id: i64,
    submitter: Submitter,
}

enum Submitter {
    Account(Citizen),
    Secret(String),
}

impl OwnRequest {
    fn follower(&self) -> Follower<'_> {
        match &self.submitter {
            Submitter::Account(citizen) => Follower::Account(citizen.clone()),
            Submitter::Secret(secret) => Follower::Secret(secret),
        }
    }
}

impl FromRequestParts<Carmen> for OwnRequest {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, carmen: &Carmen) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, carmen).await?;
        let city = city_path::city(parts, carmen).await?;
        let secret = super::requests::presented_secrets(&parts.headers)
            .into_iter()
            .next();
        let citizen = caller
            .principal
            .as_ref()
            .is_some_and(|identity| identity.role() == Role::Citizen);
        let submitter = match secret {
            Some(secret) if !citizen => Submitter::Secret(secret),
            _ => Submitter::Account(caller.citizen_of(&city)?),
        };
        let RequestId(id) = RequestId::from_request_parts(parts, carmen).await?;
        Ok(OwnRequest {
            city,
            id,
            submitter,
        })
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/cities/{city}/requests/{id}/messages",
    tag = "citizens",
    summary = "Write to the city about one's own request (signed in, or with its secret)",
    params(CityPath, ("id" = i64, Path, description = "The request's id"), ("x-carmen-secret" = Option<String>, Header, description = "The request's secret, for a submitter without an account")),
    request_body = CitizenMessage,
    security((), ("bearer" = [])),
    responses((status = 201, description = "The message", body = crate::runtime::types::Message), (status = 401, description = "Neither signed in nor the request's secret"), (status = 404, description = "Not one's own request"), (status = 422, description = "Invalid message"))
)]
pub async fn message(
    State(carmen): State<Carmen>,
    own: OwnRequest,
    ApiJson(body): ApiJson<CitizenMessage>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let message = carmen
        .follower_message(&own.city, own.id, &own.follower(), &body.body)
        .await?;
    Ok((StatusCode::CREATED, Json(json!(message))))
}

#[utoipa::path(
    post,
    path = "/api/v1/cities/{city}/requests/{id}/accept",
    tag = "citizens",
    summary = "Accept the resolution of one's own request: it closes",
    params(CityPath, ("id" = i64, Path, description = "The request's id"), ("x-carmen-secret" = Option<String>, Header, description = "The request's secret, for a submitter without an account")),
    security((), ("bearer" = [])),
    responses((status = 200, description = "The request", body = views::RequestView), (status = 401, description = "Neither signed in nor the request's secret"), (status = 404, description = "Not one's own request"), (status = 422, description = "Not resolved"))
)]
pub async fn accept(
    State(carmen): State<Carmen>,
    own: OwnRequest,
) -> Result<Json<Value>, ApiError> {
    let case = carmen
        .accept_resolution(&own.city, own.id, &own.follower())
        .await?;
    Ok(Json(json!(views::request(&case, None))))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    reason: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/cities/{city}/requests/{id}/reject",
    tag = "citizens",
    summary = "Reject the resolution within the city's window: the request reopens",
    params(CityPath, ("id" = i64, Path, description = "The request's id"), ("x-carmen-secret" = Option<String>, Header, description = "The request's secret, for a submitter without an account")),
    request_body = Rejection,
    security((), ("bearer" = [])),
    responses((status = 200, description = "The request", body = views::RequestView), (status = 401, description = "Neither signed in nor the request's secret"), (status = 404, description = "Not one's own request"), (status = 422, description = "Not resolved, or the window has passed"))
)]
pub async fn reject(
    State(carmen): State<Carmen>,
    own: OwnRequest,
    ApiJson(body): ApiJson<Rejection>,
) -> Result<Json<Value>, ApiError> {
    let case = carmen
        .reject_resolution(&own.city, own.id, &own.follower(), &body.reason)
        .await?;
    Ok(Json(json!(views::request(&case, None))))
}

/// How satisfied the submitter is with a request's resolution.
#[derive(Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingBody {
    /// 1 (very dissatisfied) to 5 (very satisfied).
    #[schema(minimum = 1, maximum = 5)]
    score: i64,
    /// What they want to say, up to 2,000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    comment: String,
}

#[utoipa::path(
    put,
    path = "/api/v1/cities/{city}/requests/{id}/rating",
    tag = "citizens",
    summary = "Rate the resolution of one's own request (once it is resolved); rating again replaces it",
    params(CityPath, ("id" = i64, Path, description = "The request's id"), ("x-carmen-secret" = Option<String>, Header, description = "The request's secret, for a submitter without an account")),
    request_body = RatingBody,
    security((), ("bearer" = [])),
    responses((status = 200, description = "The rating", body = RatingBody), (status = 401, description = "Neither signed in nor the request's secret"), (status = 404, description = "Not one's own request"), (status = 422, description = "Not resolved yet, or a score outside 1 to 5"))
)]
pub async fn rate(
    State(carmen): State<Carmen>,
    own: OwnRequest,
    ApiJson(body): ApiJson<RatingBody>,
) -> Result<Json<RatingBody>, ApiError> {
    let rating = carmen
        .rate(
            &own.city,
            own.id,
            &own.follower(),
            body.score,
            &body.comment,
        )
        .await?;
    Ok(Json(RatingBody {
        score: rating.score,
        comment: rating.comment,
    }))
}

/// What to follow: a request (`request_id`), or an area (`latitude`, `longitude`, `radius_m`).
#[derive(Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowBody {
    #[serde(default)]
    request_id: Option<i64>,
    #[serde(default)]
    latitude: Option<f64>,
    #[serde(default)]
    longitude: Option<f64>,
    /// 50 to 5,000 metres.
    #[serde(default)]
    #[schema(minimum = 50, maximum = 5000)]
    radius_m: Option<i64>,
}

/// One thing a citizen follows.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FollowView {
    id: i64,
    request_id: Option<i64>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    radius_m: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FollowList {
    follows: Vec<FollowView>,
}

fn follow_view(follow: &crate::runtime::types::Follow) -> FollowView {
    use crate::runtime::types::FollowTarget as Target;
    match &follow.target {
        Target::Request(id) => FollowView {
            id: follow.id,
            request_id: Some(*id),
            latitude: None,
            longitude: None,
            radius_m: None,
        },
        Target::Area {
            latitude,
            longitude,
            radius_m,
        } => FollowView {
            id: follow.id,
            request_id: None,
            latitude: Some(*latitude),
            longitude: Some(*longitude),
            radius_m: Some(*radius_m),
        },
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/cities/{city}/me/follows",
    tag = "citizens",
    summary = "What the signed-in citizen follows: requests and areas, of which a daily digest tells what changed",
    params(CityPath),
    security(("bearer" = [])),
    responses((status = 200, description = "The follows", body = FollowList), (status = 403, description = "Not a citizen of this city"))
)]
pub async fn follows(
    State(carmen): State<Carmen>,
    Proven(citizen): Proven<Citizen>,
) -> Result<Json<FollowList>, ApiError> {
    let list = carmen.follows(&citizen).await?;
    Ok(Json(FollowList {
        follows: list.iter().map(follow_view).collect(),
    }))
}

#[utoipa::path(
    post,
    path = "/api/v1/cities/{city}/me/follows",
    tag = "citizens",
    summary = "Follow a public request, or an area of the city (a radius around a point)",
    params(CityPath),
    request_body = FollowBody,
    security(("bearer" = [])),
    responses((status = 204, description = "Followed"), (status = 404, description = "No such public request"), (status = 422, description = "Neither a request nor an area, an area out of bounds, or too many follows"))
)]
pub async fn follow(
    State(carmen): State<Carmen>,
    Proven(citizen): Proven<Citizen>,
    ApiJson(body): ApiJson<FollowBody>,
) -> Result<StatusCode, ApiError> {
    use crate::runtime::types::FollowTarget as Target;
    let target = match (
        body.request_id,
        body.latitude,
        body.longitude,
        body.radius_m,
    ) {
        (Some(id), None, None, None) => Target::Request(id),
        (None, Some(latitude), Some(longitude), Some(radius_m)) => Target::Area {
            latitude,
            longitude,
            radius_m,
        },
        _ => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "Invalid request",
                "follow a request_id, or an area: latitude, longitude and radius_m",
            ));
        }
    };
    carmen.follow(&citizen, &target).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    delete,
    path = "/api/v1/cities/{city}/me/follows/{id}",
    tag = "citizens",
    summary = "Stop following",
    params(CityPath, ("id" = i64, Path, description = "The follow's id")),
    security(("bearer" = [])),
    responses((status = 204, description = "Stopped"), (status = 404, description = "Not one of the citizen's follows"))
)]
pub async fn unfollow(
    State(carmen): State<Carmen>,
    Proven(citizen): Proven<Citizen>,
    FollowId(id): FollowId,
) -> Result<StatusCode, ApiError> {
    carmen.unfollow(&citizen, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
