//! Bad input gets a clear 4xx problem document, and nothing is written.

use carmen_tests::{TestHost, count_rows, install};
use serde_json::{Value, json};

const STREET: &str = "/cities/rivertown/services/street-issue/requests";

async fn host(dir: &std::path::Path) -> TestHost {
    let carmen = carmen_tests::open_carmen(dir).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    install(&carmen, "rivertown", "street-issue", &[]).await;
    install(&carmen, "rivertown", "bulky-waste", &[]).await;
    install(&carmen, "rivertown", "document-reminder", &[]).await;
    TestHost::serve(carmen).await
}

fn assert_problem(status: u16, body: &Value, expected: u16, kind: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["status"], expected, "{body}");
    assert_eq!(body["type"], format!("urn:carmen:problem:{kind}"), "{body}");
    assert!(
        body["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{body}"
    );
    assert!(body["detail"].as_str().is_some(), "{body}");
}

fn fields_in_error(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_and_oversized_bodies_get_problem_documents() {
    let dir = tempfile::tempdir().unwrap();
    let host = host(dir.path()).await;
    let (status, ct, body) = host
        .post_raw(STREET, "application/json", b"{\"fields\": {".to_vec())
        .await;
    assert_eq!(ct, "application/problem+json");
    assert_problem(status, &body, 400, "malformed-json");
    let (status, _, body) = host.post_raw(STREET, "text/plain", b"{}".to_vec()).await;
    assert_problem(status, &body, 415, "unsupported-media-type");
    let (status, _, body) = host
        .post_raw(STREET, "application/json", vec![0xff, 0xfe, b'{'])
        .await;
    assert_problem(status, &body, 400, "malformed-json");
    let big = json!({"fields": {"category": "pothole"}, "description": "x".repeat(200_000)});
    let (status, _, body) = host
        .post_raw(STREET, "application/json", big.to_string().into_bytes())
        .await;
    assert_problem(status, &body, 413, "too-large");
    let (status, body) = host
        .post(STREET, &json!({"fields": {}, "colour": "red"}))
        .await;
    assert_problem(status, &body, 422, "invalid-json-shape");
    assert!(
        body["detail"].as_str().unwrap().contains("colour"),
        "{body}"
    );
    let (status, body) = host
        .post(
            STREET,
            &json!({"fields": {}, "location": {"latitude": "north"}}),
        )
        .await;
    assert_problem(status, &body, 422, "invalid-json-shape");
    assert_eq!(count_rows(&host.carmen, "cases", "rivertown").await, 0);
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_cities_services_requests_and_routes_are_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let host = host(dir.path()).await;
    let (status, body) = host.get("/cities/atlantis/services").await;
    assert_problem(status, &body, 404, "not-found");
    assert!(body["detail"].as_str().unwrap().contains("atlantis"));
    let (status, body) = host
        .post(
            "/cities/atlantis/services/street-issue/requests",
            &json!({}),
        )
        .await;
    assert_problem(status, &body, 404, "not-found");
    let (status, body) = host.get("/cities/rivertown/services/parking-fines").await;
    assert_problem(status, &body, 404, "not-found");
    let (status, body) = host
        .post(
            "/cities/rivertown/services/parking-fines/requests",
            &json!({}),
        )
        .await;
    assert_problem(status, &body, 404, "not-found");
    for id in ["999", "abc", "-1", "99999999999999999999999"] {
        let (status, body) = host.get(&format!("/cities/rivertown/requests/{id}")).await;
        assert_problem(status, &body, 404, "not-found");
    }
    let (status, body) = host.get("/no/such/route").await;
    assert_problem(status, &body, 404, "not-found");
    let response = host
        .client
        .delete(host.url("/cities/rivertown/services"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], "urn:carmen:problem:method-not-allowed");
    assert_eq!(count_rows(&host.carmen, "cases", "rivertown").await, 0);
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_and_mistyped_fields_are_listed_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let host = host(dir.path()).await;
    let (status, body) = host.post(STREET, &json!({"fields": {}})).await;
    assert_problem(status, &body, 422, "invalid-fields");
    assert_eq!(fields_in_error(&body), ["category", "location"]);

    let (status, body) = host
        .post(STREET, &json!({"fields": {"category": "volcano", "photo-url": {"url": "x"}, "colour": "red"}, "location": {"latitude": 123.0, "longitude": 4.0}}))
        .await;
    assert_problem(status, &body, 422, "invalid-fields");
    assert_eq!(
        fields_in_error(&body),
        ["photo-url"],
        "a field of the wrong JSON type is named first"
    );

    let (status, body) = host
        .post(STREET, &json!({"fields": {"category": "volcano", "colour": "red"}, "location": {"latitude": 123.0, "longitude": 4.0}}))
        .await;
    assert_eq!(
        fields_in_error(&body),
        ["colour", "category", "location"],
        "{body}"
    );
    assert_eq!(status, 422);

    // The plugin's own validation: a photo link that is not a web link.
    let (status, body) = host
        .post(STREET, &json!({"fields": {"category": "graffiti", "photo-url": "file:///etc/passwd"}, "location": {"address": "Quay 1"}}))
        .await;
    assert_eq!(
        (status, fields_in_error(&body)),
        (422, vec!["photo-url".to_string()])
    );

    let reminder = "/cities/rivertown/services/document-reminder/requests";
    let (status, body) = host
        .post(reminder, &json!({"fields": {"document": "passport", "expires-on": "next spring"}, "contact": {"email": "not-an-address"}}))
        .await;
    assert_eq!(
        (status, fields_in_error(&body)),
        (422, vec!["expires-on".to_string(), "contact".to_string()])
    );
    let (status, body) = host
        .post(reminder, &json!({"fields": {"document": "passport", "expires-on": "2001-01-01"}, "contact": {"email": "ada@example.org"}}))
        .await;
    assert_eq!(
        (status, fields_in_error(&body)),
        (422, vec!["expires-on".to_string()]),
        "an expired document"
    );
    let (status, body) = host
        .post("/cities/rivertown/services/bulky-waste/requests", &json!({"fields": {"items": ["sofa", "sofa", "piano"]}, "location": {"address": "Quay 1"}}))
        .await;
    assert_eq!(
        (status, fields_in_error(&body)),
        (422, vec!["items".to_string(), "items".to_string()])
    );

    assert_eq!(count_rows(&host.carmen, "cases", "rivertown").await, 0);
    assert_eq!(count_rows(&host.carmen, "kv", "rivertown").await, 0);
    assert_eq!(
        count_rows(&host.carmen, "case_history", "rivertown").await,
        0
    );
    host.stop().await;
}
