//! The Open311 resources: discovery, services, service definitions, requests (list, one, post),
//! tokens, and the `servicerequestupdates` extension.

use std::collections::HashMap;

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::Call;
use super::render::{Format, error, errors, render};
use crate::api::views::{iso, open311_datatype};
use crate::contract::types::ServiceDescription;
use crate::runtime::form::RequestInput;
use crate::runtime::requests::Submitted;
use crate::runtime::types::{Case, CaseStatus, Contact, CrmError, Location, RequestSearch, Role};
use crate::runtime::{Carmen, RuntimeError};

/// The default window of `GET requests`, in days, and its cap on results.
const WINDOW_DAYS: i64 = 90;
const MAX_REQUESTS: u32 = 1000;
/// Longest description the specification allows.
const MAX_DESCRIPTION: usize = 4000;

pub async fn dispatch(carmen: &Carmen, method: Method, call: Call) -> Response {
    let resource = call.resource.clone();
    let (head, tail) = match resource.split_once('/') {
        Some((head, tail)) => (head, Some(tail)),
        None => (resource.as_str(), None),
    };
    let format = call.format;
    match (method, head, tail) {
        (Method::GET, "discovery", None) => discovery(&call.origin, Some(&call.city.slug), format),
        (Method::GET, "services", None) => services(carmen, &call).await,
        (Method::GET, "services", Some(code)) => definition(carmen, &call, code).await,
        (Method::GET, "requests", None) => list_requests(carmen, &call).await,
        (Method::POST, "requests", None) => post_request(carmen, &call).await,
        (Method::GET, "requests", Some(id)) => one_request(carmen, &call, id).await,
        (Method::GET, "tokens", Some(value)) => token(carmen, &call, value).await,
        (Method::GET, "servicerequestupdates", None) => request_updates(carmen, &call).await,
        (_, "discovery" | "services" | "requests" | "tokens" | "servicerequestupdates", _) => {
            let allowed = if head == "requests" && tail.is_none() {
                "GET, POST"
            } else {
                "GET"
            };
            let mut refused = error(
                format,
                StatusCode::METHOD_NOT_ALLOWED,
                format!("this resource takes {allowed}"),
            );
            refused.headers_mut().insert(
                axum::http::header::ALLOW,
                axum::http::HeaderValue::from_static(allowed),
            );
            refused
        }
        _ => error(
            format,
            StatusCode::NOT_FOUND,
            format!("unknown resource {resource:?}"),
        ),
    }
}

/// `GET discovery`: where the endpoint is and what it speaks.
pub fn discovery(origin: &str, city: Option<&str>, format: Format) -> Response {
    let url = match city {
        Some(slug) => format!("{origin}/open311/v2/cities/{slug}"),
        None => format!("{origin}/open311/v2"),
    };
    let value = json!({
        "changeset": "2026-11-28T00:00:00Z",
        "contact": "The city's customer-care office",
        "key_service": "API keys are issued by each city's administrator",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": url,
            "changeset": "2026-11-28T00:00:00Z",
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    });
    render(StatusCode::OK, format, "discovery", &value)
}

fn failure(format: Format, e: RuntimeError) -> Response {
    match e {
        RuntimeError::Crm(CrmError::NotFound(what)) => {
            error(format, StatusCode::NOT_FOUND, format!("{what} not found"))
        }
        RuntimeError::Crm(CrmError::Storage(e)) => {
            tracing::error!(error = %e, "storage failure");
            error(
                format,
                StatusCode::SERVICE_UNAVAILABLE,
                "the store is unavailable; try again shortly",
            )
        }
        RuntimeError::AccountRequired | RuntimeError::Forbidden(_) => {
            error(format, StatusCode::FORBIDDEN, e.to_string())
        }
        RuntimeError::Busy | RuntimeError::Overloaded(_) => {
            error(format, StatusCode::SERVICE_UNAVAILABLE, e.to_string())
        }
        RuntimeError::Throttled(_) | RuntimeError::RateLimited(_) => {
            error(format, StatusCode::TOO_MANY_REQUESTS, e.to_string())
        }
        RuntimeError::Service(e) => error(format, StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
        RuntimeError::Moved(_) => error(format, StatusCode::GONE, e.to_string()),
        other => error(format, StatusCode::BAD_REQUEST, other.to_string()),
    }
}

fn language(call: &Call) -> String {
    call.params
        .get("locale")
        .or(call.params.get("lang"))
        .unwrap_or("en")
        .to_string()
}

async fn services(carmen: &Carmen, call: &Call) -> Response {
    let list = match carmen.services(&call.city.slug, &language(call)).await {
        Ok(list) => list,
        Err(e) => return failure(call.format, e),
    };
    let value: Vec<Value> = list
        .iter()
        .map(|(install, d)| {
            json!({
                "jurisdiction_id": call.city.domain.clone().unwrap_or_else(|| call.city.slug.clone()),
                "service_code": install.code,
                "service_name": d.name,
                "description": d.description,
                "metadata": !d.fields.is_empty(),
                "type": "realtime",
                "keywords": d.keywords.join(","),
                "group": d.group,
            })
        })
        .collect();
    render(
        StatusCode::OK,
        call.format,
        "services",
        &Value::Array(value),
    )
}

async fn definition(carmen: &Carmen, call: &Call, code: &str) -> Response {
    let (install, d) = match carmen.service(&call.city.slug, code, &language(call)).await {
        Ok(found) => found,
        Err(RuntimeError::Crm(CrmError::NotFound(_))) => {
            return error(
                call.format,
                StatusCode::NOT_FOUND,
                format!("service_code {code:?} not found"),
            );
        }
        Err(e) => return failure(call.format, e),
    };
    let mut fields = d.fields.clone();
    fields.sort_by_key(|f| f.order);
    let attributes: Vec<Value> = fields
        .iter()
        .map(|f| {
            let (datatype, choices) = open311_datatype(&f.datatype);
            let mut attribute = json!({
                "variable": true,
                "code": f.code,
                "datatype": datatype,
                "required": f.required,
                "datatype_description": f.help,
                "order": f.order,
                "description": f.label,
            });
            if let Some(choices) = choices {
                attribute["values"] = choices
                    .iter()
                    .map(|c| json!({"key": c.key, "name": c.name}))
                    .collect();
            }
            attribute
        })
        .collect();
    render(
        StatusCode::OK,
        call.format,
        "service_definition",
        &json!({"service_code": install.code, "attributes": attributes}),
    )
}

/// ISO 8601 (W3C) date-time or date, to seconds since the epoch.
fn parse_datetime(text: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(at) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return Some(at.unix_timestamp());
    }
    let date = time::Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}

/// The time window of `start_date` and `end_date`: `end_date` defaults to now, `start_date` to
/// 90 days before `end_date`.
fn window(p: &super::params::Params) -> Result<(i64, i64), String> {
    let parse = |name: &str| match p.get(name) {
        None => Ok(None),
        Some(d) => parse_datetime(d)
            .map(Some)
            .ok_or(format!("{name} {d:?} is not an ISO 8601 date-time")),
    };
    let end = parse("end_date")?.unwrap_or_else(crate::runtime::types::now);
    let start = parse("start_date")?.unwrap_or(end - WINDOW_DAYS * 86_400);
    if start > end {
        return Err("start_date is after end_date".into());
    }
    if end - start > WINDOW_DAYS * 86_400 {
        return Err(format!(
            "start_date to end_date spans more than {WINDOW_DAYS} days"
        ));
    }
    Ok((start, end))
}

/// `text` cut to at most `max` characters.
fn truncated(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Open311's two statuses for Carmen's seven.
fn open_or_closed(status: CaseStatus) -> &'static str {
    if status.is_open() { "open" } else { "closed" }
}

/// Names of services, asked of each plugin once per answer.
struct ServiceNames<'a> {
    carmen: &'a Carmen,
    city: String,
    names: HashMap<String, String>,
}

impl ServiceNames<'_> {
    async fn name(&mut self, code: &str) -> String {
        if let Some(name) = self.names.get(code) {
            return name.clone();
        }
        let name = match self.carmen.service(&self.city, code, "en").await {
            Ok((_, d)) => d.name.clone(),
            Err(_) => code.to_string(),
        };
        self.names.insert(code.to_string(), name.clone());
        name
    }
}

async fn request_value(
    carmen: &Carmen,
    names: &mut ServiceNames<'_>,
    case: &Case,
    origin: &str,
) -> Result<Value, RuntimeError> {
    let location = case.location.clone().unwrap_or_default();
    // The first photo the citizen attached (these are public requests), else a photo link the
    // service asked for in its form.
    let media_url = if carmen.photo_count(case).await? > 0 {
        Some(format!(
            "{origin}/{}/requests/{}/photos/1",
            case.city, case.id
        ))
    } else {
        case.fields
            .get("photo-url")
            .and_then(|v| v.first())
            .cloned()
    };
    Ok(json!({
        "service_request_id": case.id.to_string(),
        "status": open_or_closed(case.status),
        "status_notes": carmen.status_notes(case).await?,
        "service_name": names.name(&case.service).await,
        "service_code": case.service,
        // The specification's schema allows 4,000 characters; the JSON API takes more.
        "description": truncated(&case.description, MAX_DESCRIPTION),
        "agency_responsible": case.department,
        "service_notice": case.notice,
        "requested_datetime": iso(case.created_at),
        "updated_datetime": iso(case.updated_at),
        "expected_datetime": case.due_at.map(iso),
        "address": location.address,
        "address_id": null,
        "zipcode": null,
        "lat": location.latitude,
        "long": location.longitude,
        "media_url": media_url,
    }))
}

async fn requests_answer(carmen: &Carmen, call: &Call, found: Vec<Case>) -> Response {
    let mut names = ServiceNames {
        carmen,
        city: call.city.slug.clone(),
        names: HashMap::new(),
    };
    let mut list = Vec::new();
    for case in &found {
        match request_value(carmen, &mut names, case, &call.origin).await {
            Ok(value) => list.push(value),
            Err(e) => return failure(call.format, e),
        }
    }
    render(
        StatusCode::OK,
        call.format,
        "service_requests",
        &Value::Array(list),
    )
}

async fn list_requests(carmen: &Carmen, call: &Call) -> Response {
    let p = &call.params;
    let bad = |description: String| error(call.format, StatusCode::BAD_REQUEST, description);
    let mut search = RequestSearch {
        limit: MAX_REQUESTS,
        ..Default::default()
    };
    for id in p.list("service_request_id") {
        match id.parse::<i64>() {
            Ok(id) => search.ids.push(id),
            Err(_) => return bad(format!("service_request_id {id:?} is not a request id")),
        }
    }
    let (start, end) = match window(p) {
        Ok(window) => window,
        Err(e) => return bad(e),
    };
    (search.start, search.end) = (start, end);
    search.services = p
        .list("service_code")
        .into_iter()
        .map(str::to_string)
        .collect();
    let statuses = p.list("status");
    if !statuses.is_empty() {
        let mut wanted = Vec::new();
        for status in statuses {
            match status {
                "open" => wanted.extend(CaseStatus::ALL.into_iter().filter(|s| s.is_open())),
                "closed" => wanted.extend(CaseStatus::ALL.into_iter().filter(|s| !s.is_open())),
                other => return bad(format!("status {other:?} is neither open nor closed")),
            }
        }
        search.statuses = Some(wanted);
    }
    let number = |name: &str, default: u32| match p.get(name) {
        None => Ok(default),
        Some(v) => match v.parse::<u64>() {
            Ok(n) if n >= 1 && n <= u64::from(u32::MAX) => Ok(n as u32),
            Ok(0) => Err(format!("{name} starts at 1")),
            Ok(_) => Err(format!("{name} {v} is too large (at most {})", u32::MAX)),
            Err(_) => Err(format!("{name} {v:?} is not a positive whole number")),
        },
    };
    let (page, page_size) = match (number("page", 1), number("page_size", MAX_REQUESTS)) {
        (Ok(page), Ok(size)) => (page, size.min(MAX_REQUESTS)),
        (Err(e), _) | (_, Err(e)) => return bad(e),
    };
    search.limit = page_size;
    search.offset = (page - 1).saturating_mul(page_size);
    match carmen
        .search_public_requests(&call.city.slug, &search)
        .await
    {
        Ok(found) => requests_answer(carmen, call, found).await,
        Err(e) => failure(call.format, e),
    }
}

async fn one_request(carmen: &Carmen, call: &Call, id: &str) -> Response {
    let not_found = || {
        error(
            call.format,
            StatusCode::NOT_FOUND,
            format!("service_request_id {id:?} not found"),
        )
    };
    let Ok(id) = id.parse::<i64>() else {
        return not_found();
    };
    match carmen.public_request(&call.city.slug, id).await {
        Ok(case) => requests_answer(carmen, call, vec![case]).await,
        Err(RuntimeError::Crm(CrmError::NotFound(_))) => not_found(),
        Err(e) => failure(call.format, e),
    }
}

async fn token(carmen: &Carmen, call: &Call, token: &str) -> Response {
    let not_found = || {
        error(
            call.format,
            StatusCode::NOT_FOUND,
            format!("token {token:?} not found"),
        )
    };
    // Tokens answered before they were their own were the request's secret: those still work.
    let found = match token.starts_with("ot_") {
        true => carmen.request_by_open311_token(&call.city.slug, token),
        false => carmen.request_by_secret(&call.city.slug, token).await,
    };
    match found {
        Ok(id) => render(
            StatusCode::OK,
            call.format,
            "service_requests",
            &json!([{"service_request_id": id.to_string(), "token": token}]),
        ),
        Err(RuntimeError::Crm(CrmError::NotFound(_))) => not_found(),
        Err(e) => failure(call.format, e),
    }
}

async fn post_request(carmen: &Carmen, call: &Call) -> Response {
    let (p, format) = (&call.params, call.format);
    let bad = |description: String| error(format, StatusCode::BAD_REQUEST, description);
    let Some(key) = p.get("api_key") else {
        return error(format, StatusCode::FORBIDDEN, "api_key is required");
    };
    if let Some(Err(wait)) = call.limits.as_ref().map(|limits| limits.check_key(key)) {
        return crate::api::too_many(wait);
    }
    match carmen.authenticate(key).await {
        Ok(Some(holder))
            if holder.member_of(&call.city.slug).is_ok() && holder.role() != Role::Citizen => {}
        Ok(_) => {
            return error(
                format,
                StatusCode::FORBIDDEN,
                "api_key is not valid for this jurisdiction",
            );
        }
        Err(e) => return failure(format, e),
    }
    let Some(code) = p.get("service_code") else {
        return bad("service_code is required".into());
    };
    let coordinate = |name: &str| {
        p.get(name).map(|v| {
            v.parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or(format!("{name} {v:?} is not a number"))
        })
    };
    let (lat, long) = match (coordinate("lat"), coordinate("long")) {
        (Some(Err(e)), _) | (_, Some(Err(e))) => return bad(e),
        (lat, long) => (lat.and_then(Result::ok), long.and_then(Result::ok)),
    };
    if lat.is_some() != long.is_some() {
        return bad("give both lat and long".into());
    }
    if let (Some(lat), Some(long)) = (lat, long)
        && (!(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&long))
    {
        return bad("lat is -90 to 90 and long -180 to 180".into());
    }
    let description = p.get("description").map(str::to_string);
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION)
    {
        return bad(format!(
            "description is longer than {MAX_DESCRIPTION} characters"
        ));
    }
    // An address_id names an entry of the jurisdiction's own address register, which Carmen does
    // not keep: it is never taken for an address.
    let address = p.get("address_string").map(str::to_string);
    if p.get("address_id").is_some() && address.is_none() && lat.is_none() {
        return bad("address_id is not known here; give lat and long or address_string".into());
    }
    let name = [p.get("first_name"), p.get("last_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let contact = Contact {
        name: (!name.is_empty()).then_some(name),
        email: p.get("email").map(str::to_string),
        phone: p.get("phone").map(str::to_string),
    };
    let mut fields = p.attributes();
    let form = match carmen.service(&call.city.slug, code, "en").await {
        Ok((_, form)) => form,
        Err(RuntimeError::Crm(CrmError::NotFound(_))) => {
            return error(
                format,
                StatusCode::NOT_FOUND,
                format!("service_code {code:?} not found"),
            );
        }
        Err(e) => return failure(format, e),
    };
    if let Some(media) = p.get("media_url")
        && has_field(&form, "photo-url")
    {
        fields
            .entry("photo-url".into())
            .or_insert_with(|| vec![media.to_string()]);
    }
    let input = RequestInput {
        fields,
        description,
        location: (lat.is_some() || address.is_some()).then_some(Location {
            latitude: lat,
            longitude: long,
            address,
        }),
        contact: (contact.name.is_some() || contact.email.is_some() || contact.phone.is_some())
            .then_some(contact),
        language: "en".into(),
        citizen: None,
        secrets: Vec::new(),
        organisation_id: None,
        photos: Vec::new(),
    };
    match carmen.submit(&call.city.slug, code, input).await {
        // The token names the request and is not its secret: Open311 clients put tokens in
        // URLs, and the secret reads a private request.
        Ok(Submitted::Opened(filed) | Submitted::Answered(filed)) => render(
            StatusCode::OK,
            format,
            "service_requests",
            &json!([{
                "service_request_id": filed.case.id.to_string(),
                "token": carmen.open311_token(&call.city.slug, filed.case.id),
                "service_notice": filed.case.notice,
                "account_id": null,
            }]),
        ),
        Ok(Submitted::Rejected(refusal)) => errors(
            format,
            StatusCode::BAD_REQUEST,
            refusal
                .errors
                .into_iter()
                .map(|e| format!("{}: {}", attribute_name(&e.code), e.message))
                .collect(),
        ),
        Err(e) => failure(format, e),
    }
}

fn has_field(form: &ServiceDescription, code: &str) -> bool {
    form.fields.iter().any(|f| f.code == code)
}

/// How Open311 names a part of the submission that a field error points at.
fn attribute_name(code: &str) -> String {
    match code {
        "location" => "lat/long/address_string".into(),
        "contact" => "email/phone".into(),
        "description" => "description".into(),
        other => format!("attribute[{other}]"),
    }
}

async fn request_updates(carmen: &Carmen, call: &Call) -> Response {
    let p = &call.params;
    let bad = |description: String| error(call.format, StatusCode::BAD_REQUEST, description);
    let (start, end) = match window(p) {
        Ok(window) => window,
        Err(e) => return bad(e),
    };
    match carmen
        .updates(&call.city.slug, start, end, MAX_REQUESTS)
        .await
    {
        Ok(found) => {
            let list: Vec<Value> = found
                .iter()
                .map(|u| {
                    json!({
                        "update_id": u.id,
                        "service_request_id": u.case_id.to_string(),
                        "status": open_or_closed(u.status),
                        "updated_datetime": iso(u.at),
                        "description": u.text.clone().unwrap_or_default(),
                        "media_url": null,
                    })
                })
                .collect();
            render(
                StatusCode::OK,
                call.format,
                "service_requests_updates",
                &Value::Array(list),
            )
        }
        Err(e) => failure(call.format, e),
    }
}
