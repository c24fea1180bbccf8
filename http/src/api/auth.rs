//! Who is calling: a bearer token or the session cookie, checked against the hashed tokens.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;

use super::ApiError;
use crate::runtime::Carmen;
use crate::runtime::proofs::{Admin, Citizen, Identity, Operator, Staff};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "carmen_session";

/// The caller: an identity the runtime checked, or anonymous.
pub struct Caller {
    pub principal: Option<Identity>,
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

impl Caller {
    /// The identity, or 401.
    pub fn signed_in(&self) -> Result<&Identity, ApiError> {
        self.principal
            .as_ref()
            .ok_or_else(|| unauthorized("sign in or send a bearer token"))
    }

    /// Proof of staff of `city` (its administrators and the operator too), or 401/403.
    pub fn staff_of(&self, city: &str) -> Result<Staff, ApiError> {
        Ok(self.signed_in()?.staff_of(city)?)
    }

    /// Proof of an administrator of `city` (or the operator), or 401/403.
    pub fn admin_of(&self, city: &str) -> Result<Admin, ApiError> {
        Ok(self.signed_in()?.admin_of(city)?)
    }

    /// Proof of a citizen of `city`, or 401/403.
    pub fn citizen_of(&self, city: &str) -> Result<Citizen, ApiError> {
        Ok(self.signed_in()?.citizen_of(city)?)
    }

    /// Proof of the operator, or 401/403.
    pub fn operator(&self) -> Result<Operator, ApiError> {
        Ok(self.signed_in()?.operator()?)
    }
}
