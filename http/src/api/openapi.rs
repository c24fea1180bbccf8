//! The OpenAPI document of the JSON API, generated from the handlers' annotations.

use axum::Json;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{Modify, OpenApi};

use super::{admin, articles, citizens, operator, registry, requests, services, sessions, staff};

#[derive(OpenApi)]
#[openapi(
    info(title = "Carmen", description = "City services as sandboxed plugins, for many cities on one host. Errors are RFC 9457 problem documents."),
    servers((url = "/", description = "The host that serves this document")),
    paths(
        services::cities,
        services::list,
        services::show,
        requests::create,
        requests::show,
        sessions::operator_sign_in,
        operator::create_city,
        sessions::city_sign_in,
        sessions::sign_out,
        citizens::register,
        citizens::me,
        citizens::erase,
        citizens::my_requests,
        citizens::export,
        citizens::verify,
        citizens::resend,
        citizens::message,
        citizens::accept,
        citizens::reject,
        citizens::rate,
        citizens::set_preferences,
        citizens::follows,
        citizens::follow,
        citizens::unfollow,
        staff::queue,
        staff::show,
        staff::change_status,
        staff::post_message,
        admin::assign,
        admin::list_departments,
        admin::add_department,
        admin::set_route,
        admin::city_settings,
        staff::evaluation,
        admin::delivery_settings,
        admin::inbound_email,
        admin::set_delivery_settings,
        admin::service_settings,
        staff::add_user,
        admin::issue_key,
        admin::revoke_key,
        staff::audit_log,
        registry::install,
        registry::upgrade,
        registry::job,
        registry::rollback,
        registry::publish_evidence,
        registry::uninstall,
        articles::list,
        articles::show,
        articles::create,
        articles::update,
        articles::search,
        articles::replies,
        articles::save_reply,
        articles::resave_reply,
        articles::filled,
        articles::suggestions
    ),
    components(schemas(super::problem::ProblemDocument, super::problem::FieldProblem)),
    modifiers(&BearerAuth, &EveryAnswer),
    tags(
        (name = "public", description = "What anyone may do: find services, submit and follow requests"),
        (name = "people", description = "Signing in and out"),
        (name = "citizens", description = "A citizen's account, requests and data"),
        (name = "staff", description = "Working a city's cases"),
        (name = "admin", description = "Administering a city"),
        (name = "operator", description = "Running the platform"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some(
                "An API key or session token; web sessions may use the carmen_session cookie instead",
            )).build()),
        );
    }
}

/// Completes every operation with the answers every route can give, as problem documents: 401 and
/// 403 where a token is needed, 404 where a city or object is named, 400/413/415/422 where a body
/// is sent, 429 (rate limits), 503 (overload, the store, a service) and a `default`.
struct EveryAnswer;

fn problem(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ProblemDocument")))
                    .build(),
            )
            .build(),
    )
}

impl Modify for EveryAnswer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                let mut add = |status: &str, description: &str| {
                    operation
                        .responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| problem(description));
                };
                if operation.security.is_some() {
                    add("401", "No valid token or session");
                    add("403", "The caller's role does not allow this here");
                }
                if path.contains('{') {
                    add("404", "No such city, or no such object in it");
                }
                if operation.request_body.is_some() {
                    add("400", "The body is not JSON");
                    add("413", "The body is larger than 64 KiB");
                    add("415", "The body is not application/json");
                    add("422", "The JSON does not have the expected shape or values");
                }
                add("429", "Over a rate limit: wait Retry-After seconds");
                add(
                    "503",
                    "Overloaded, or the store or a service is unavailable; try again",
                );
                add("default", "Any other failure, as a problem document");
                // Problem answers are problem documents, whatever the annotation said of them.
                for (status, response) in operation.responses.responses.iter_mut() {
                    let failure = status == "default" || !status.starts_with(['1', '2', '3']);
                    if let (true, RefOr::T(response)) = (failure, response)
                        && response.content.is_empty()
                    {
                        *response = match problem(&response.description) {
                            RefOr::T(r) => r,
                            RefOr::Ref(_) => unreachable!(),
                        };
                    }
                }
            }
        }
    }
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
