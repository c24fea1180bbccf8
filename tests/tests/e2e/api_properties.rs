//! A property-based run over the live OpenAPI document: for every operation, requests generated
//! from its own schemas (bodies and query parameters that the document allows, with optional
//! parts chosen by a seeded generator) and mutations the document forbids (a missing required
//! property, a value of the wrong type, an unknown property, a bound passed, a value outside an
//! enumeration, an array for an object). Every answer must be no 5xx, documented and of its
//! documented shape (an undocumented error at least a problem document), and no request the
//! document forbids may be accepted. Bounded: a fixed number of cases per operation.

use std::collections::BTreeSet;

use carmen_tests::api::two_cities;
use reqwest::Method;
use serde_json::{Value, json};

/// Optional variants generated per operation (besides the minimal one and the mutations).
const VARIANTS: usize = 4;

/// A small deterministic generator (xorshift), so a failure is found again by the same run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn chance(&mut self) -> bool {
        self.next().is_multiple_of(2)
    }
}

/// The document, and its schemas resolved.
struct Doc {
    root: Value,
}

impl Doc {
    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema["$ref"].as_str() {
            Some(reference) => {
                let name = reference.trim_start_matches("#/components/schemas/");
                self.resolve(&self.root["components"]["schemas"][name])
            }
            None => schema,
        }
    }

    /// `schema` with the components beside it, for the validator.
    fn standalone(&self, schema: &Value) -> Value {
        let mut whole = schema.clone();
        if let Some(object) = whole.as_object_mut() {
            object.insert("components".into(), self.root["components"].clone());
        }
        whole
    }

    fn validates(&self, schema: &Value, instance: &Value) -> Result<(), String> {
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&self.standalone(schema))
            .map_err(|e| format!("the document's schema does not compile: {e}"))?;
        let problems: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }

    /// The types `schema` allows, without null.
    fn types(schema: &Value) -> Vec<String> {
        match &schema["type"] {
            Value::String(t) => vec![t.clone()],
            Value::Array(ts) => ts
                .iter()
                .filter_map(|t| t.as_str())
                .filter(|t| *t != "null")
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// An instance of `schema` (optional properties each taken or not by `rng`).
    fn instance(&self, schema: &Value, rng: &mut Rng, depth: usize) -> Value {
        let schema = self.resolve(schema);
        if let Some(choices) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
            let real: Vec<&Value> = choices.iter().filter(|c| c["type"] != "null").collect();
            return match real.first() {
                Some(choice) => self.instance(choice, rng, depth),
                None => Value::Null,
            };
        }
        if let Some(values) = schema["enum"].as_array() {
            return values[(rng.next() as usize) % values.len()].clone();
        }
        let types = Self::types(schema);
        match types.first().map(String::as_str) {
            Some("object") | None if depth < 4 => {
                let mut object = serde_json::Map::new();
                let required: BTreeSet<&str> = schema["required"]
                    .as_array()
                    .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
                    .unwrap_or_default();
                if let Some(properties) = schema["properties"].as_object() {
                    for (name, property) in properties {
                        if property["readOnly"] == true {
                            continue;
                        }
                        if required.contains(name.as_str()) || rng.chance() {
                            object.insert(name.clone(), self.instance(property, rng, depth + 1));
                        }
                    }
                }
                Value::Object(object)
            }
            Some("object") | None => json!({}),
            Some("array") => json!([self.instance(&schema["items"], rng, depth + 1)]),
            Some("string") => {
                // A pattern of alternatives (`^(email|sms)$`): one of them.
                if let Some(inner) = schema["pattern"]
                    .as_str()
                    .and_then(|p| p.strip_prefix("^("))
                    .and_then(|p| p.strip_suffix(")$"))
                {
                    let choices: Vec<&str> = inner.split('|').collect();
                    return json!(choices[(rng.next() as usize) % choices.len()]);
                }
                let text = match schema["format"].as_str() {
                    Some("email") => "prop.test@example.org".to_string(),
                    Some("uri") => "https://example.org/p".to_string(),
                    Some("date") => "2026-12-01".to_string(),
                    Some("date-time") => "2026-12-01T10:00:00Z".to_string(),
                    _ => format!("text{}", rng.next() % 100),
                };
                let min = schema["minLength"].as_u64().unwrap_or(0) as usize;
                let max = schema["maxLength"].as_u64().map(|m| m as usize);
                let mut text = if text.len() < min {
                    format!("{text}{}", "x".repeat(min - text.len()))
                } else {
                    text
                };
                if let Some(max) = max {
                    text.truncate(max.max(min));
                }
                Value::String(text)
            }
            Some("integer") => {
                let low = schema["minimum"].as_i64().unwrap_or(1);
                let high = schema["maximum"].as_i64().unwrap_or(low + 10);
                json!(low + (rng.next() % ((high - low).max(0) as u64 + 1)) as i64)
            }
            Some("number") => {
                let low = schema["minimum"].as_f64().unwrap_or(0.0);
                let high = schema["maximum"].as_f64().unwrap_or(low + 1.0);
                json!(low + (high - low) / 2.0)
            }
            Some("boolean") => json!(rng.chance()),
            _ => Value::Null,
        }
    }

    /// Values that break `schema` (checked with the validator by the caller).
    fn breakers(&self, schema: &Value) -> Vec<(String, Value)> {
        let schema = self.resolve(schema);
        let mut out = Vec::new();
        if schema["format"] == "email" {
            out.push(("no e-mail address".into(), json!("not-an-address")));
        }
        if schema["format"] == "uri" {
            out.push(("no URI".into(), json!("not a uri")));
        }
        if schema["enum"].is_array() || schema["pattern"].is_string() {
            out.push((
                "a value outside the enumeration".into(),
                json!("no-such-value"),
            ));
        }
        for kind in Self::types(schema) {
            let wrong = match kind.as_str() {
                "string" => json!(12345),
                "integer" | "number" => json!("not a number"),
                "boolean" => json!("yes"),
                "object" => json!("not an object"),
                "array" => json!("not a list"),
                _ => continue,
            };
            out.push((format!("a value that is no {kind}"), wrong));
        }
        if let Some(max) = schema["maxLength"].as_u64() {
            out.push((
                format!("longer than {max}"),
                json!("y".repeat(max as usize + 1)),
            ));
        }
        if let Some(min) = schema["minLength"].as_u64().filter(|m| *m > 0) {
            out.push((
                format!("shorter than {min}"),
                json!("y".repeat(min as usize - 1)),
            ));
        }
        if let Some(max) = schema["maximum"].as_f64() {
            out.push((format!("over {max}"), json!(max + 1.0)));
        }
        if let Some(min) = schema["minimum"].as_f64() {
            out.push((format!("under {min}"), json!(min - 1.0)));
        }
        out
    }
}

/// One generated call.
struct Case {
    what: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
    /// Whether the document forbids it.
    invalid: bool,
}

/// The query string form of a JSON value.
fn query_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn cases(doc: &Doc, operation: &Value, rng: &mut Rng) -> Vec<Case> {
    let parameters: Vec<&Value> = operation["parameters"]
        .as_array()
        .map(|p| p.iter().filter(|p| p["in"] == "query").collect())
        .unwrap_or_default();
    let body_schema = operation["requestBody"]["content"]["application/json"]["schema"].clone();
    let has_body = !body_schema.is_null();
    let mut all = Vec::new();
    for variant in 0..=VARIANTS {
        let mut query = Vec::new();
        for parameter in &parameters {
            if variant > 0 && rng.chance() {
                let value = doc.instance(&parameter["schema"], rng, 1);
                query.push((
                    parameter["name"].as_str().unwrap().to_string(),
                    query_text(&value),
                ));
            }
        }
        let body = has_body.then(|| doc.instance(&body_schema, rng, 0));
        all.push(Case {
            what: format!("generated case {variant}"),
            query,
            body,
            invalid: false,
        });
    }
    // The query parameters, each broken alone.
    for parameter in &parameters {
        let name = parameter["name"].as_str().unwrap();
        for (why, value) in doc.breakers(&parameter["schema"]) {
            if value.is_number()
                && Doc::types(doc.resolve(&parameter["schema"])).contains(&"string".to_string())
            {
                continue; // a number written in a query is a string too
            }
            all.push(Case {
                what: format!("query {name}: {why}"),
                query: vec![(name.to_string(), query_text(&value))],
                body: has_body.then(|| doc.instance(&body_schema, &mut Rng(7), 0)),
                invalid: true,
            });
        }
    }
    // The body, broken one way at a time.
    if has_body {
        let schema = doc.resolve(&body_schema).clone();
        let base = doc.instance(&schema, &mut Rng(11), 0);
        let mut broken: Vec<(String, Value)> =
            vec![("an array for the object".into(), json!([base.clone()]))];
        if schema["additionalProperties"] == false {
            let mut extra = base.clone();
            extra["zz_unknown"] = json!(1);
            broken.push(("an unknown property".into(), extra));
        }
        for name in schema["required"].as_array().into_iter().flatten() {
            let mut missing = base.clone();
            missing
                .as_object_mut()
                .unwrap()
                .remove(name.as_str().unwrap());
            broken.push((format!("without required {name}"), missing));
        }
        for (name, property) in schema["properties"].as_object().into_iter().flatten() {
            for (why, value) in doc.breakers(property) {
                let mut changed = base.clone();
                changed[name] = value;
                broken.push((format!("{name}: {why}"), changed));
            }
        }
        for (why, body) in broken {
            // Only what the document itself refuses counts as invalid.
            if doc.validates(&body_schema, &body).is_ok() {
                continue;
            }
            all.push(Case {
                what: format!("body {why}"),
                query: Vec::new(),
                body: Some(body),
                invalid: true,
            });
        }
    }
    all
}

#[tokio::test(flavor = "multi_thread")]
async fn generated_requests_find_no_5xx_no_undocumented_answer_and_no_accepted_invalid_request() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = two_cities(dir.path()).await;
    let case_id = carmen_tests::api::report_pothole(&host, "rivertown", None).await;
    let (_, document) = host.get("/openapi.json").await;
    let doc = Doc { root: document };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut findings = Vec::new();
    let mut sent = 0;
    let paths = doc.root["paths"].as_object().unwrap().clone();
    for (path, item) in &paths {
        for (method, operation) in item.as_object().unwrap() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            if path.ends_with("/sessions/current") {
                continue; // would end the session the run uses
            }
            let concrete = path
                .trim_start_matches("/api/v1")
                .replace("{city}", "rivertown")
                .replace("{code}", "street-issue")
                .replace("{package}", "street-issue")
                .replace("{key}", "1")
                .replace("{id}", &case_id.to_string());
            for case in cases(&doc, operation, &mut rng) {
                for token in [Some(people.operator.as_str()), None] {
                    let mut request = host
                        .client
                        .request(method.clone(), host.url(&concrete))
                        .query(&case.query);
                    if let Some(token) = token {
                        request = request.bearer_auth(token);
                    }
                    if let Some(body) = &case.body {
                        request = request.json(body);
                    }
                    let response = request.send().await.unwrap();
                    sent += 1;
                    let status = response.status().as_u16();
                    let text = response.text().await.unwrap_or_default();
                    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    let who = if token.is_some() {
                        "operator"
                    } else {
                        "anonymous"
                    };
                    let at = format!("{method} {path} ({who}, {}) -> {status}", case.what);
                    if status >= 500 {
                        findings.push(format!("{at}: a server error: {text}"));
                        continue;
                    }
                    if case.invalid && status < 400 {
                        findings.push(format!("{at}: accepted what the document forbids"));
                    }
                    let documented = &operation["responses"][status.to_string()];
                    if documented.is_null() {
                        if status < 400 {
                            findings.push(format!("{at}: an undocumented success"));
                        } else if let Err(e) = doc.validates(
                            &json!({"$ref": "#/components/schemas/ProblemDocument"}),
                            &body,
                        ) {
                            findings.push(format!(
                                "{at}: an error that is no problem document: {e}: {text}"
                            ));
                        }
                        continue;
                    }
                    let schema = documented["content"]
                        .as_object()
                        .and_then(|c| c.values().next())
                        .map(|c| c["schema"].clone());
                    if let Some(schema) = schema.filter(|s| !s.is_null())
                        && let Err(e) = doc.validates(&schema, &body)
                    {
                        findings.push(format!("{at}: breaks its documented schema: {e}"));
                    }
                }
            }
        }
    }
    eprintln!("{sent} generated calls, {} findings", findings.len());
    assert!(findings.is_empty(), "{}", findings.join("\n"));
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_whole_number_written_with_a_fraction_is_taken_and_no_error_names_a_rust_type() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = two_cities(dir.path()).await;
    let settings = |body: Value| {
        carmen_tests::api::call(
            &host,
            Method::PUT,
            "/cities/rivertown/settings",
            Some(&people.river_admin),
            Some(body),
        )
    };
    let (status, answer) = settings(json!({"reopen_days": 5.0})).await;
    assert!(status < 300, "5.0 is the whole number 5: {answer}");
    for wrong in [
        json!({"reopen_days": "five"}),
        json!({"reopen_days": 2.5}),
        json!({"public_location": "yes"}),
    ] {
        let (status, answer) = settings(wrong.clone()).await;
        assert_eq!(status, 422, "{wrong}: {answer}");
        let detail = answer["detail"].as_str().unwrap();
        for rust in ["i64", "u32", "u64", "f64", "struct ", "Option<"] {
            assert!(!detail.contains(rust), "{wrong}: {detail}");
        }
    }
    host.stop().await;
}
