//! Who is calling: a bearer token or the session cookie, checked against the hashed tokens.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;

use super::ApiError;
use crate::runtime::Carmen;
use crate::runtime::types::{Principal, Role};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "carmen_session";

/// The caller: a principal, or anonymous.
pub struct Caller {
    pub principal: Option<Principal>,
    pub token: Option<String>,
}

/// Marks a change (POST, PUT, PATCH, DELETE) that came neither from a page of this site nor from
/// an allowed origin, nor with the `x-carmen-csrf` header: the session cookie may not make it.
#[derive(Clone, Copy)]
pub struct CrossSite;

/// Where the caller's token came from.
enum Token {
    Bearer(String),
    Cookie(String),
}

fn token_from(parts: &Parts) -> Option<Token> {
    if let Some(value) = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        return value
            .strip_prefix("Bearer ")
            .map(|t| Token::Bearer(t.trim().to_string()));
    }
    parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            pair.trim()
                .strip_prefix(SESSION_COOKIE)
                .and_then(|rest| rest.strip_prefix('='))
        })
        .map(|t| Token::Cookie(t.to_string()))
}

impl FromRequestParts<Carmen> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, carmen: &Carmen) -> Result<Caller, ApiError> {
        let anonymous = Caller {
            principal: None,
            token: None,
        };
        let (token, cookie) = match token_from(parts) {
            None => return Ok(anonymous),
            Some(Token::Bearer(token)) => (token, false),
            Some(Token::Cookie(token)) => (token, true),
        };
        if cookie && parts.extensions.get::<CrossSite>().is_some() {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf",
                "Cross-site request refused",
                "a change made with the session cookie must come from this site (Origin) or carry the x-carmen-csrf header",
            ));
        }
        match carmen.authenticate(&token).await? {
            Some(principal) => Ok(Caller {
                principal: Some(principal),
                token: Some(token),
            }),
            // A browser keeps an ended session's cookie: its holder is anonymous, and a route that
            // needs someone says so.
            None if cookie => Ok(anonymous),
            None => Err(unauthorized("the token is unknown, expired or revoked")),
        }
    }
}

fn unauthorized(detail: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "Authentication required",
        detail,
    )
}

fn forbidden(detail: &str) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "forbidden", "Not allowed", detail)
}

impl Caller {
    /// The principal, or 401.
    pub fn signed_in(&self) -> Result<&Principal, ApiError> {
        self.principal
            .as_ref()
            .ok_or_else(|| unauthorized("sign in or send a bearer token"))
    }

    /// The principal if it belongs to `city` with one of `roles` (the operator passes everywhere
    /// `Role::Operator` is listed), or 401/403.
    pub fn in_city(&self, city: &str, roles: &[Role]) -> Result<&Principal, ApiError> {
        let principal = self.signed_in()?;
        let city_ok = principal.role == Role::Operator || principal.city.as_deref() == Some(city);
        if !city_ok || !roles.contains(&principal.role) {
            return Err(forbidden("your role does not allow this here"));
        }
        Ok(principal)
    }

    /// The operator, or 401/403.
    pub fn operator(&self) -> Result<&Principal, ApiError> {
        let principal = self.signed_in()?;
        if principal.role != Role::Operator {
            return Err(forbidden("only the operator may do this"));
        }
        Ok(principal)
    }
}
