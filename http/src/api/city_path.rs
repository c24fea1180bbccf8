//! What a route of one city (`/api/v1/cities/{city}/...`) takes from its path: the caller's proof
//! for that city (`Proven<Staff>`, `Proven<Citizen>`, ...), and the numbers of the things it names
//! (`CaseId`, `RequestId`, ...). A handler that takes them runs only for a caller the runtime
//! proved to be of the city in the path, about a thing that can exist.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use super::ApiError;
use super::auth::Caller;
use crate::runtime::Carmen;
use crate::runtime::proofs::{Admin, Citizen, Member, Staff};

/// The city of a route (`{city}`), as the OpenAPI document describes it.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // never built: it only documents
pub struct CityPath {
    /// The city's slug
    city: String,
}

/// A proof the runtime makes of a caller for one city; refused with 401 (nobody signed in) or 403.
pub trait CityProof: Sized {
    fn of(caller: &Caller, city: &str) -> Result<Self, ApiError>;
}

impl CityProof for Staff {
    fn of(caller: &Caller, city: &str) -> Result<Staff, ApiError> {
        caller.staff_of(city)
    }
}

impl CityProof for Admin {
    fn of(caller: &Caller, city: &str) -> Result<Admin, ApiError> {
        caller.admin_of(city)
    }
}

impl CityProof for Citizen {
    fn of(caller: &Caller, city: &str) -> Result<Citizen, ApiError> {
        caller.citizen_of(city)
    }
}

impl CityProof for Member {
    fn of(caller: &Caller, city: &str) -> Result<Member, ApiError> {
        Ok(caller.signed_in()?.member_of(city)?)
    }
}

/// The caller's proof `P` for the city in the path: the caller's own refusal (an unknown token, a
/// cross-site change), else 401 for nobody signed in, else 403 for anyone `P` does not fit.
pub struct Proven<P>(pub P);

impl<P: CityProof> FromRequestParts<Carmen> for Proven<P> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, carmen: &Carmen) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, carmen).await?;
        let city = city(parts, carmen).await?;
        P::of(&caller, &city).map(Proven)
    }
}

/// The city in the path (`{city}`).
pub(super) async fn city(parts: &mut Parts, carmen: &Carmen) -> Result<String, ApiError> {
    param(parts, carmen, "city").await
}

/// The path parameter `name` of the route (every route of a city has `city`).
async fn param(parts: &mut Parts, carmen: &Carmen, name: &str) -> Result<String, ApiError> {
    let Path(mut params) =
        Path::<HashMap<String, String>>::from_request_parts(parts, carmen).await?;
    params
        .remove(name)
        .ok_or_else(|| ApiError::not_found(format!("no such resource (no {name} in the path)")))
}

/// The number in path parameter `name`, or 404 `<what> "<text>" not found`: a segment that is no
/// number names nothing, the same as a number that names nothing.
async fn number(
    parts: &mut Parts,
    carmen: &Carmen,
    name: &str,
    what: &str,
) -> Result<i64, ApiError> {
    let text = param(parts, carmen, name).await?;
    text.parse()
        .map_err(|_| ApiError::not_found(format!("{what} {text:?} not found")))
}

/// Declares the extractors of the numbers in a city's paths: `Name = "param": "what";`.
macro_rules! numbers_in_path {
    ($($(#[$doc:meta])* $name:ident = $param:literal: $what:literal;)*) => {$(
        $(#[$doc])*
        pub struct $name(pub i64);

        impl FromRequestParts<Carmen> for $name {
            type Rejection = ApiError;

            async fn from_request_parts(parts: &mut Parts, carmen: &Carmen) -> Result<Self, ApiError> {
                number(parts, carmen, $param, $what).await.map($name)
            }
        }
    )*};
}

numbers_in_path! {
    /// A request, by its id (`{id}`), as its submitter or the public sees it.
    RequestId = "id": "request";
    /// A case, by its request's id (`{id}`), as staff see it.
    CaseId = "id": "case";
    /// An article of the knowledge base (`{id}`).
    ArticleId = "id": "article";
    /// A saved reply (`{id}`).
    SavedReplyId = "id": "saved reply";
    /// A saved reply to fill in for a case (`{reply}`).
    ReplyToFill = "reply": "saved reply";
    /// One of the things a citizen follows (`{id}`).
    FollowId = "id": "follow";
}
