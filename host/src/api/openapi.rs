//! The OpenAPI document of the JSON API, generated from the handlers' annotations.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{admin, citizens, operator, registry, requests, services, sessions, staff};

#[derive(OpenApi)]
#[openapi(
    info(title = "Carmen", description = "City services as sandboxed plugins, for many cities on one host. Errors are RFC 9457 problem documents."),
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
        staff::queue,
        staff::show,
        staff::change_status,
        staff::post_message,
        admin::assign,
        admin::list_departments,
        admin::add_department,
        admin::set_route,
        admin::city_settings,
        admin::service_settings,
        staff::add_user,
        admin::issue_key,
        admin::revoke_key,
        staff::audit_log,
        registry::install,
        registry::upgrade,
        registry::rollback,
        registry::uninstall
    ),
    modifiers(&BearerAuth),
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

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
