//! Open311 answers in the two formats of the specification: JSON, and XML built from the same value
//! with the element names of the specification.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The format a client asked for with the path's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// Splits `name.json` / `name.xml` into the name and its format.
    pub fn split(file: &str) -> Option<(&str, Format)> {
        if let Some(name) = file.strip_suffix(".json") {
            Some((name, Format::Json))
        } else {
            file.strip_suffix(".xml").map(|name| (name, Format::Xml))
        }
    }
}

/// The element name of one item of a list element, as the specification names them.
fn item_name(list: &str) -> &'static str {
    match list {
        "services" => "service",
        "attributes" => "attribute",
        "values" => "value",
        "service_requests" => "request",
        "errors" => "error",
        "endpoints" => "endpoint",
        "formats" => "format",
        "service_requests_updates" => "request_update",
        _ => "item",
    }
}

fn escape(text: &str) -> String {
    // XML 1.0 cannot carry most control characters at all, escaped or not.
    let clean: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    quick_xml::escape::escape(clean.as_str()).into_owned()
}

fn write_xml(name: &str, value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str(&format!("<{name}/>")),
        Value::Object(fields) => {
            out.push_str(&format!("<{name}>"));
            for (key, value) in fields {
                write_xml(key, value, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Array(items) => {
            out.push_str(&format!("<{name}>"));
            let item = item_name(name);
            for value in items {
                write_xml(item, value, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::String(text) => out.push_str(&format!("<{name}>{}</{name}>", escape(text))),
        Value::Bool(b) => out.push_str(&format!("<{name}>{b}</{name}>")),
        Value::Number(n) => out.push_str(&format!("<{name}>{n}</{name}>")),
    }
}

/// `value` in `format`, with `root` as the XML document element.
pub fn render(status: StatusCode, format: Format, root: &str, value: &Value) -> Response {
    match format {
        Format::Json => (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            without_nulls(value).to_string(),
        )
            .into_response(),
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            write_xml(root, value, &mut out);
            (
                status,
                [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
                out,
            )
                .into_response()
        }
    }
}

/// `value` without the properties that have no value: GeoReport v2 leaves an absent field out
/// (the strictest schemas of its clients refuse `null` where a string is due).
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// An Open311 error list with one error, answered with that status.
pub fn error(format: Format, status: StatusCode, description: impl Into<String>) -> Response {
    errors(format, status, vec![description.into()])
}

/// An Open311 error list.
pub fn errors(format: Format, status: StatusCode, descriptions: Vec<String>) -> Response {
    let list: Vec<Value> = descriptions
        .into_iter()
        .map(|d| serde_json::json!({"code": status.as_u16(), "description": d}))
        .collect();
    render(status, format, "errors", &Value::Array(list))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_take_the_specifications_item_names_and_text_is_escaped() {
        let value = serde_json::json!([{"service_code": "a&b", "keywords": "x<y", "metadata": true, "group": null}]);
        let mut out = String::new();
        write_xml("services", &value, &mut out);
        assert_eq!(
            out,
            "<services><service><group/><keywords>x&lt;y</keywords><metadata>true</metadata><service_code>a&amp;b</service_code></service></services>"
        );
        assert_eq!(
            Format::split("services.xml"),
            Some(("services", Format::Xml))
        );
        assert_eq!(Format::split("services.html"), None);
        assert_eq!(escape("bell\u{7}"), "bell");
    }
}
