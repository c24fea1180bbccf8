//! How domain objects look in the JSON API.

use axum::http::HeaderMap;
use serde::Serialize;

use crate::contract::types::{Choice, Datatype, Need, ServiceDescription};
use crate::runtime::types::{
    Case, CaseKind, City, Fields, HistoryEntry, Install, Location, Map, Message, Note,
};

/// RFC 3339 text of a timestamp.
pub fn iso(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// `?lang=` as the document declares it (a tag of at most 35 letters, digits and hyphens), or
/// a 400 saying so: a declared bound is a bound.
pub fn checked_lang(lang: Option<&str>) -> Result<(), super::ApiError> {
    match lang {
        Some(tag)
            if tag.len() > 35 || !tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
        {
            Err(super::ApiError::bad_request(
                "lang is a language tag (BCP 47, such as it or pt-BR) of at most 35 characters",
            ))
        }
        _ => Ok(()),
    }
}

/// The language asked for: `?lang=`, else the first `Accept-Language` tag, else English.
pub fn language(query: Option<&str>, headers: &HeaderMap) -> String {
    let from_header = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|tag| tag.split(';').next().unwrap_or("").trim().to_string());
    query
        .map(str::to_string)
        .or(from_header)
        .filter(|tag| {
            !tag.is_empty()
                && tag.len() <= 35
                && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .unwrap_or_else(|| "en".into())
}

fn need(need: Need) -> &'static str {
    match need {
        Need::None => "none",
        Need::Optional => "optional",
        Need::Required => "required",
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ServiceSummary {
    pub code: String,
    pub name: String,
    pub description: String,
    pub group: String,
    pub keywords: Vec<String>,
    pub department: String,
    pub sla_hours: u32,
    pub language: String,
    pub plugin: String,
    pub version: String,
    pub digest: String,
}

pub fn summary(install: &Install, d: &ServiceDescription) -> ServiceSummary {
    ServiceSummary {
        code: install.code.clone(),
        name: d.name.clone(),
        description: d.description.clone(),
        group: d.group.clone(),
        keywords: d.keywords.clone(),
        department: d.department.clone(),
        sla_hours: d.sla_hours,
        language: d.language.clone(),
        plugin: install.plugin.clone(),
        version: install.version.clone(),
        digest: install.digest.clone(),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ChoiceView {
    pub key: String,
    pub name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FieldView {
    pub code: String,
    pub label: String,
    pub help: String,
    pub required: bool,
    pub order: u32,
    /// The Open311 datatype: string, number, datetime, text, singlevaluelist or multivaluelist.
    #[schema(value_type = String)]
    pub datatype: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<ChoiceView>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ServiceDetail {
    #[serde(flatten)]
    pub summary: ServiceSummary,
    pub fields: Vec<FieldView>,
    /// Whether the form asks for a location: none, optional or required.
    #[schema(value_type = String)]
    pub location: &'static str,
    /// Whether the form asks for contact details: none, optional or required.
    #[schema(value_type = String)]
    pub contact: &'static str,
}

/// A field's Open311 datatype (string, number, datetime, text, singlevaluelist or
/// multivaluelist) and, for a list, the values to choose from.
pub fn open311_datatype(datatype: &Datatype) -> (&'static str, Option<&[Choice]>) {
    match datatype {
        Datatype::String => ("string", None),
        Datatype::Number => ("number", None),
        Datatype::Datetime => ("datetime", None),
        Datatype::Text => ("text", None),
        Datatype::SingleValueList(c) => ("singlevaluelist", Some(c)),
        Datatype::MultiValueList(c) => ("multivaluelist", Some(c)),
    }
}

pub fn detail(install: &Install, d: &ServiceDescription) -> ServiceDetail {
    let mut fields: Vec<FieldView> = d
        .fields
        .iter()
        .map(|f| {
            let (datatype, choices) = open311_datatype(&f.datatype);
            FieldView {
                code: f.code.clone(),
                label: f.label.clone(),
                help: f.help.clone(),
                required: f.required,
                order: f.order,
                datatype,
                values: choices
                    .map(|c| {
                        c.iter()
                            .map(|c| ChoiceView {
                                key: c.key.clone(),
                                name: c.name.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    fields.sort_by_key(|f| f.order);
    ServiceDetail {
        summary: summary(install, d),
        fields,
        location: need(d.location),
        contact: need(d.contact),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AnswerView {
    pub reference: Option<String>,
    pub message: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct HistoryView {
    pub at: String,
    pub actor: String,
    pub from: Option<String>,
    pub to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RequestView {
    pub id: i64,
    pub city: String,
    pub service: String,
    pub status: String,
    pub open: bool,
    pub title: String,
    pub description: String,
    pub priority: String,
    pub department: Option<String>,
    #[schema(value_type = Option<LocationView>)]
    pub location: Option<Location>,
    /// The answers of the form: field code to values.
    pub fields: Fields,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<AnswerView>,
    pub due_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryView>>,
    /// The public thread (never internal notes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<Message>>,
    /// Whether the public may see it.
    pub public: bool,
    /// The staff member working it (absent in public views).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<i64>,
    /// The secret its submitter follows it with (`x-carmen-secret`): in the answer to the
    /// submission only, never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

pub fn request(case: &Case, history: Option<Vec<HistoryEntry>>) -> RequestView {
    let answered = case.kind == CaseKind::Answer;
    RequestView {
        id: case.id,
        city: case.city.clone(),
        service: case.service.clone(),
        status: case.status.as_str().to_string(),
        open: case.status.is_open(),
        title: case.title.clone(),
        description: case.description.clone(),
        priority: case.priority.as_str().to_string(),
        department: case.department.clone(),
        location: case.location.clone(),
        fields: case.fields.clone(),
        notice: if answered { None } else { case.notice.clone() },
        answer: answered.then(|| AnswerView {
            reference: case.reference.clone(),
            message: case.notice.clone(),
        }),
        due_at: case.due_at.map(iso),
        duplicate_of: case.duplicate_of,
        created_at: iso(case.created_at),
        updated_at: iso(case.updated_at),
        history: history.map(|h| {
            h.into_iter()
                .map(|e| HistoryView {
                    at: iso(e.at),
                    actor: e.actor,
                    from: e.from.map(|s| s.as_str().to_string()),
                    to: e.to.as_str().to_string(),
                    note: e.note,
                })
                .collect()
        }),
        messages: None,
        public: case.public,
        assignee: case.assignee_id,
        secret: None,
    }
}

/// Where something is: coordinates (WGS 84), an address, or both.
#[derive(Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct LocationView {
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub latitude: Option<f64>,
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub longitude: Option<f64>,
    #[schema(max_length = 1000)]
    pub address: Option<String>,
}

/// How to reach a citizen.
#[derive(Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ContactView {
    #[schema(max_length = 200)]
    pub name: Option<String>,
    #[schema(max_length = 254)]
    pub email: Option<String>,
    /// In international form, such as +31 6 1234 5678.
    pub phone: Option<String>,
}

/// One city on this host.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CityView {
    pub slug: String,
    pub name: String,
    /// Its domain: its Open311 jurisdiction_id.
    pub domain: Option<String>,
    pub created_at: i64,
    /// Days a citizen has to reject a resolution.
    pub reopen_days: i64,
    /// Most messages its services together queue in a day.
    pub messages_per_day: i64,
    /// Whether public views show where public requests are.
    pub public_location: bool,
    /// The map its forms show to place a request, if it set one.
    pub map: Option<Map>,
    /// Its colour (`#rrggbb`), if it set one.
    pub colour: Option<String>,
    /// The address of its crest (a PNG), if it set one.
    pub crest: Option<String>,
    /// Its time zone (an IANA name), if it set one.
    pub time_zone: Option<String>,
}

impl From<&City> for CityView {
    fn from(c: &City) -> CityView {
        CityView {
            slug: c.slug.clone(),
            name: c.name.clone(),
            domain: c.domain.clone(),
            created_at: c.created_at,
            reopen_days: c.reopen_days,
            messages_per_day: c.messages_per_day,
            public_location: c.public_location,
            map: c.map.clone(),
            colour: c.colour.clone(),
            crest: c.crest_at.map(|at| format!("/{}/crest.png?v={at}", c.slug)),
            time_zone: c.time_zone.clone(),
        }
    }
}

/// A request in the staff queue.
#[derive(Serialize, utoipa::ToSchema)]
pub struct QueueItem {
    #[serde(flatten)]
    pub request: RequestView,
    /// Open and past its due date.
    pub overdue: bool,
}

/// One page of the staff queue.
#[derive(Serialize, utoipa::ToSchema)]
pub struct QueuePage {
    /// Cases matching the filters, on every page.
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub cases: Vec<QueueItem>,
}

/// An internal note on a case.
#[derive(Serialize, utoipa::ToSchema)]
pub struct NoteView {
    pub at: i64,
    pub author: String,
    pub body: String,
}

impl From<&Note> for NoteView {
    fn from(n: &Note) -> NoteView {
        NoteView {
            at: n.at,
            author: n.author.clone(),
            body: n.body.clone(),
        }
    }
}

/// A case as staff see it: the request with its whole thread (internal notes too, in
/// `messages`), its contact and its notes.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CaseFileView {
    #[serde(flatten)]
    pub request: RequestView,
    pub contact: Option<ContactView>,
    pub notes: Vec<NoteView>,
}
