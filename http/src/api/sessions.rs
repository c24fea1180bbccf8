//! Handlers: sign in to a city (or as the operator) for a web session; sign out.

use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::auth::{Caller, SESSION_COOKIE};
use super::city_path::CityPath;
use super::{ApiError, ApiJson, Client};
use crate::runtime::types::CrmError;
use crate::runtime::types::SESSION_SECONDS;
use crate::runtime::{Carmen, RuntimeError};

/// A web session.
/// The cookie that carries a web session's `token` (`Secure` when the client came over HTTPS).
pub fn session_cookie(token: &str, https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={SESSION_SECONDS}{secure}"
    )
}

/// The cookie that makes a browser forget its session cookie.
pub fn ended_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Session {
    /// The session's token: a bearer token, also set as the `carmen_session` cookie.
    token: String,
    /// operator, admin, staff or citizen.
    #[schema(value_type = crate::runtime::types::RoleName)]
    role: String,
    user_id: i64,
    /// Seconds the session lasts.
    expires_in: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    email: String,
    password: String,
}

async fn sign_in(
    carmen: &Carmen,
    city: Option<&str>,
    client: Option<Client>,
    body: SignIn,
) -> Result<Response, ApiError> {
    let from = client.map(|c| c.address);
    let (user, token) = carmen
        .sign_in(city, &body.email, &body.password, from)
        .await
        .map_err(|e| match e {
            RuntimeError::Crm(CrmError::Invalid(_)) => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Sign-in failed",
                "wrong e-mail address or password",
            ),
            other => other.into(),
        })?;
    // Over HTTPS (a trusted proxy says so) the cookie is never sent over plain HTTP.
    let cookie = session_cookie(&token, client.is_some_and(|c| c.https));
    let mut response = (
        StatusCode::CREATED,
        Json(json!(Session {
            token,
            role: user.role.as_str().to_string(),
            user_id: user.id,
            expires_in: SESSION_SECONDS,
        })),
    )
        .into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("a token is header-safe"),
    );
    Ok(response)
}

#[utoipa::path(
    post,
    path = "/api/v1/cities/{city}/sessions",
    tag = "people",
    summary = "Sign in to a city",
    params(CityPath),
    request_body = SignIn,
    responses((status = 201, description = "A session token (also set as cookie)", body = Session), (status = 401, description = "Wrong e-mail address or password"), (status = 429, description = "Too many failed tries: wait Retry-After seconds", headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))))
)]
pub async fn city_sign_in(
    State(carmen): State<Carmen>,
    Path(city): Path<String>,
    client: Option<Extension<Client>>,
    ApiJson(body): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    sign_in(&carmen, Some(&city), client.map(|c| c.0), body).await
}

#[utoipa::path(
    post,
    path = "/api/v1/operator/sessions",
    tag = "people",
    summary = "Sign in as the operator",
    request_body = SignIn,
    responses((status = 201, description = "A session token (also set as cookie)", body = Session), (status = 401, description = "Wrong e-mail address or password"))
)]
pub async fn operator_sign_in(
    State(carmen): State<Carmen>,
    client: Option<Extension<Client>>,
    ApiJson(body): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    sign_in(&carmen, None, client.map(|c| c.0), body).await
}

#[utoipa::path(
    delete,
    path = "/api/v1/sessions/current",
    tag = "people",
    summary = "Sign out: end the web session used for this call (API keys are revoked by their own route)",
    security(("bearer" = [])),
    responses((status = 204, description = "The session ended"), (status = 401, description = "Not signed in"), (status = 422, description = "The token is an API key, not a session"))
)]
pub async fn sign_out(
    State(carmen): State<Carmen>,
    caller: Caller,
) -> Result<StatusCode, ApiError> {
    caller.signed_in()?;
    if let Some(token) = &caller.token {
        carmen.sign_out(token).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
