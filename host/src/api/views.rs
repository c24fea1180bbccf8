//! How domain objects look in the JSON API.

use axum::http::HeaderMap;
use serde::Serialize;

use crate::contract::types::{Datatype, Need, ServiceDescription};
use crate::runtime::types::{Case, CaseKind, Fields, HistoryEntry, Install, Location, Message};

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

#[derive(Serialize)]
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

#[derive(Serialize)]
pub struct ChoiceView {
    pub key: String,
    pub name: String,
}

#[derive(Serialize)]
pub struct FieldView {
    pub code: String,
    pub label: String,
    pub help: String,
    pub required: bool,
    pub order: u32,
    /// The Open311 datatype: string, number, datetime, text, singlevaluelist or multivaluelist.
    pub datatype: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<ChoiceView>,
}

#[derive(Serialize)]
pub struct ServiceDetail {
    #[serde(flatten)]
    pub summary: ServiceSummary,
    pub fields: Vec<FieldView>,
    pub location: &'static str,
    pub contact: &'static str,
}

pub fn detail(install: &Install, d: &ServiceDescription) -> ServiceDetail {
    let mut fields: Vec<FieldView> = d
        .fields
        .iter()
        .map(|f| {
            let (datatype, choices) = match &f.datatype {
                Datatype::String => ("string", None),
                Datatype::Number => ("number", None),
                Datatype::Datetime => ("datetime", None),
                Datatype::Text => ("text", None),
                Datatype::SingleValueList(c) => ("singlevaluelist", Some(c)),
                Datatype::MultiValueList(c) => ("multivaluelist", Some(c)),
            };
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

#[derive(Serialize)]
pub struct AnswerView {
    pub reference: Option<String>,
    pub message: Option<String>,
}

#[derive(Serialize)]
pub struct HistoryView {
    pub at: String,
    pub actor: String,
    pub from: Option<String>,
    pub to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Serialize)]
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
    pub location: Option<Location>,
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
        secret: None,
    }
}
