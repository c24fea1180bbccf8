//! One error type for the JSON API, answered as an RFC 9457 problem document. 5xx answers carry a
//! generic text; the details go to the log.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::contract::types::FieldError;
use crate::runtime::types::CrmError;
use crate::runtime::{RuntimeError, ServiceFailure};

/// A field-level problem in a problem document's `errors`.
#[derive(Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// An error answer, as an RFC 9457 problem document (the OpenAPI document's view of `ApiError`).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ProblemDocument {
    /// `urn:carmen:problem:<kind>`, such as `urn:carmen:problem:not-found`.
    #[schema(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    detail: String,
    /// The fields that were wrong, for `invalid-fields`.
    errors: Option<Vec<FieldProblem>>,
}

/// An error answer of the JSON API.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub title: &'static str,
    pub detail: String,
    pub errors: Vec<FieldProblem>,
    /// Seconds to wait before trying again (`Retry-After`).
    pub retry_after: Option<u64>,
    /// Where what was asked for is now (`Location`).
    pub location: Option<String>,
}

#[derive(Serialize)]
struct ProblemBody<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: &'a str,
    #[serde(skip_serializing_if = "<[FieldProblem]>::is_empty")]
    errors: &'a [FieldProblem],
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            kind,
            title,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
            location: None,
        }
    }

    /// 410 Gone: a city that moved to another host, whose services are now at `to`, takes no
    /// change here.
    pub fn moved(name: &str, to: &str) -> ApiError {
        let mut error = ApiError::new(
            StatusCode::GONE,
            "city-moved",
            "The city moved",
            format!(
                "{name} moved to another host and takes no change here: its services are at {to}"
            ),
        );
        error.location = Some(to.to_string());
        error
    }

    /// The same answer, telling the client how many seconds to wait.
    pub fn retry_after(mut self, seconds: u64) -> ApiError {
        self.retry_after = Some(seconds.max(1));
        self
    }

    pub fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    pub fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Bad request",
            detail,
        )
    }

    /// 422 with the field errors of a refused submission.
    pub fn invalid_fields(errors: Vec<FieldError>) -> ApiError {
        let mut error = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-fields",
            "The request has invalid fields",
            "Correct the fields listed in `errors` and send the request again.",
        );
        error.errors = errors
            .into_iter()
            .map(|e| FieldProblem {
                field: e.code,
                message: e.message,
            })
            .collect();
        error
    }

    fn unavailable(detail: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Temporarily unavailable",
            detail,
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ProblemBody {
            kind: format!("urn:carmen:problem:{}", self.kind),
            title: self.title,
            status: self.status.as_u16(),
            detail: &self.detail,
            errors: &self.errors,
        };
        let mut response = (self.status, Json(&body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        if let Some(value) = self
            .location
            .and_then(|to| header::HeaderValue::from_str(&to).ok())
        {
            response.headers_mut().insert(header::LOCATION, value);
        }
        response
    }
}

impl From<CrmError> for ApiError {
    fn from(error: CrmError) -> ApiError {
        match error {
            CrmError::NotFound(what) => ApiError::not_found(format!("{what} not found")),
            CrmError::Invalid(detail) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "Invalid request",
                detail,
            ),
            CrmError::Conflict(detail) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", "Conflict", detail)
            }
            CrmError::LimitExceeded(detail) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "limit-exceeded",
                "Limit exceeded",
                detail,
            ),
            CrmError::Storage(e) => {
                tracing::error!(error = %e, "storage failure");
                ApiError::unavailable("The store is unavailable; try again shortly.")
            }
        }
    }
}

impl From<ServiceFailure> for ApiError {
    fn from(failure: ServiceFailure) -> ApiError {
        match failure {
            ServiceFailure::Unavailable => {
                ApiError::unavailable("The service could not be run; try again shortly.")
            }
            ServiceFailure::Busy(detail) => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "Busy", detail)
            }
            ServiceFailure::Broken(detail) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "service-broken",
                "Service unavailable",
                detail,
            ),
            ServiceFailure::Failed { message, .. } => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "service-failed",
                "The service failed",
                message,
            ),
        }
    }
}

impl From<RuntimeError> for ApiError {
    fn from(error: RuntimeError) -> ApiError {
        match error {
            RuntimeError::Crm(e) => e.into(),
            RuntimeError::Service(e) => e.into(),
            RuntimeError::Invalid(detail) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "Invalid request",
                detail,
            ),
            RuntimeError::AccountRequired => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "account-required",
                "Sign in to use this service",
                RuntimeError::AccountRequired.to_string(),
            ),
            RuntimeError::Busy => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "Busy",
                RuntimeError::Busy.to_string(),
            ),
            RuntimeError::Throttled(seconds) => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-tries",
                "Too many failed tries",
                format!("too many failed tries; try again in {seconds} s"),
            )
            .retry_after(seconds),
            RuntimeError::Forbidden(detail) => {
                ApiError::new(StatusCode::FORBIDDEN, "forbidden", "Not allowed", detail)
            }
            RuntimeError::RateLimited(seconds) => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "Too many requests",
                format!("this was done from your address as often as it may be for now; retry in {seconds} s"),
            )
            .retry_after(seconds),
            RuntimeError::Unsigned(detail) => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Not signed",
                detail,
            ),
            RuntimeError::Overloaded(seconds) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                "Server busy",
                format!("the host is busy with work like this; retry in {seconds} s"),
            )
            .retry_after(seconds),
            RuntimeError::Moved(to) => ApiError::moved("this city", &to),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        let status = rejection.status();
        let (kind, title) = match status {
            StatusCode::PAYLOAD_TOO_LARGE => ("too-large", "Request body too large"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                ("unsupported-media-type", "Send application/json")
            }
            StatusCode::UNPROCESSABLE_ENTITY => (
                "invalid-json-shape",
                "The JSON does not have the expected shape",
            ),
            _ => ("malformed-json", "Malformed JSON"),
        };
        ApiError::new(status, kind, title, rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    /// A path parameter of the wrong type (`jobs/-1`) is a resource that cannot exist: 404.
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::not_found(format!("no such resource ({})", rejection.body_text()))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::bad_request(rejection.body_text())
    }
}
