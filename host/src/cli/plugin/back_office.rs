//! A stand-in for a city's own application (its waste system, its permit register), served on
//! loopback while `plugin test` runs a scenario: it answers the service's requests as the scenario
//! says and keeps what it was asked, so a service with capability `http` is tested without the
//! real thing.

use std::sync::{Arc, Mutex};

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::scenarios::Stub;

/// The stub, serving until dropped.
pub struct BackOffice {
    /// Its address, `http://127.0.0.1:PORT`: what `{back-office}` in a setting becomes.
    pub url: String,
    received: Arc<Mutex<Vec<String>>>,
    serving: tokio::task::JoinHandle<()>,
}

impl BackOffice {
    pub async fn start(stubs: Vec<Stub>) -> anyhow::Result<BackOffice> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let received: Arc<Mutex<Vec<String>>> = Arc::default();
        let stubs = Arc::new(stubs);
        let app = axum::Router::new().fallback({
            let received = received.clone();
            move |request: axum::extract::Request| {
                let (received, stubs) = (received.clone(), stubs.clone());
                async move { answer(&stubs, &received, &request) }
            }
        });
        let serving = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(BackOffice {
            url,
            received,
            serving,
        })
    }

    /// What it was asked, in order: `METHOD /path`.
    pub fn received(&self) -> Vec<String> {
        self.received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Drop for BackOffice {
    fn drop(&mut self) {
        self.serving.abort();
    }
}

/// The first stub for the request's method and path, as its response; a 404 naming the request
/// when there is none.
fn answer(
    stubs: &[Stub],
    received: &Mutex<Vec<String>>,
    request: &axum::extract::Request,
) -> Response {
    let (method, path) = (request.method().as_str(), request.uri().path());
    received
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(format!("{method} {path}"));
    let Some(stub) = stubs
        .iter()
        .find(|s| s.method.eq_ignore_ascii_case(method) && s.path == path)
    else {
        let said = format!("the scenario's back office has no answer for {method} {path}");
        return (StatusCode::NOT_FOUND, said).into_response();
    };
    let status = StatusCode::from_u16(stub.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match (&stub.json, &stub.body) {
        (Some(json), _) => {
            let body = serde_json::to_value(json)
                .map(|value| dated(value).to_string())
                .unwrap_or_default();
            (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        (None, Some(body)) => (status, body.clone()).into_response(),
        (None, None) => status.into_response(),
    }
}

/// `value` with `{today}` and `{today+N}` in its strings made dates (YYYY-MM-DD, UTC), so that a
/// scenario's answers stay in the service's window whatever day it runs.
fn dated(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(text) => Value::String(with_dates(&text)),
        Value::Array(items) => Value::Array(items.into_iter().map(dated).collect()),
        Value::Object(fields) => {
            Value::Object(fields.into_iter().map(|(k, v)| (k, dated(v))).collect())
        }
        other => other,
    }
}

fn with_dates(text: &str) -> String {
    let today = time::OffsetDateTime::now_utc().date();
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{today") {
        out.push_str(&rest[..start]);
        let after = &rest[start + "{today".len()..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let offset = after[..end].trim();
        let days = match offset.strip_prefix('+') {
            Some(n) => n.trim().parse::<i64>().ok(),
            None if offset.is_empty() => Some(0),
            None => offset.parse::<i64>().ok(),
        };
        match days {
            Some(days) => {
                let day = today + time::Duration::days(days);
                out.push_str(&format!(
                    "{:04}-{:02}-{:02}",
                    day.year(),
                    u8::from(day.month()),
                    day.day()
                ));
            }
            None => out.push_str(&rest[start..start + "{today".len() + end + 1]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_counted_from_today_and_other_text_is_kept() {
        let today = time::OffsetDateTime::now_utc().date();
        let in_two = today + time::Duration::days(2);
        let said = with_dates("{today}..{today+2}, {today-1}, {settings.x}, {today+x}");
        assert!(said.starts_with(&format!("{:04}-", today.year())), "{said}");
        assert!(
            said.contains(&format!(
                "..{:04}-{:02}-{:02},",
                in_two.year(),
                u8::from(in_two.month()),
                in_two.day()
            )),
            "{said}"
        );
        assert!(said.ends_with(", {settings.x}, {today+x}"), "{said}");
    }
}
