//! The authorization matrix: every route, called anonymously and as each role of Rivertown, of
//! Hillcrest and as the operator, answers exactly as the rules say — and the refused calls change nothing.

use carmen_tests::api::{call, report_pothole, two_cities};
use carmen_tests::count_rows;
use reqwest::Method;
use serde_json::{Value, json};

/// The callers, in the order of each row's expectations.
const CALLERS: [&str; 8] = [
    "anonymous",
    "rivertown citizen",
    "rivertown staff",
    "rivertown admin",
    "hillcrest citizen",
    "hillcrest staff",
    "hillcrest admin",
    "operator",
];

/// What a caller gets: `o` allowed (any answer but 401 and 403), `u` 401, `f` 403.
fn expect(code: u8, status: u16, answer: &Value) -> bool {
    // The registry routes answer 503 "no-registry" when the host has none configured: allowed, not refused.
    let unconfigured = status == 503 && answer["type"] == "urn:carmen:problem:no-registry";
    match code {
        b'o' => status != 401 && status != 403 && (status < 500 || unconfigured),
        b'u' => status == 401,
        b'f' => status == 403,
        // Not there for this caller: a private request is found only by its owner and staff.
        b'n' => status == 404,
        // Refused for its credentials, and after five failures on one account, slowed down.
        b'x' => status == 401 || status == 429,
        _ => unreachable!(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_answers_each_role_of_each_city_as_the_rules_say() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    let id = report_pothole(&host, "rivertown", Some(&p.river_citizen)).await;
    carmen_tests::install(&host.carmen, "rivertown", "bulky-waste", &[]).await;
    let (status, booked) = call(
        &host,
        Method::POST,
        "/cities/rivertown/services/bulky-waste/requests",
        Some(&p.river_citizen),
        Some(json!({"fields": {"items": ["sofa"]}, "location": {"address": "Elm 1"}})),
    )
    .await;
    assert_eq!(status, 201, "{booked}");
    let private = booked["id"].as_i64().unwrap();
    let c = |path: &str| format!("/cities/rivertown{path}");
    let new_city = json!({"slug": "lakeside", "name": "Lakeside", "admin_name": "A", "admin_email": "a@lakeside.example", "admin_password": "a long enough password"});
    let rows: Vec<(Method, String, Option<Value>, &str)> = vec![
        (Method::GET, "/cities".into(), None, "oooooooo"),
        (Method::GET, c("/services"), None, "oooooooo"),
        (Method::GET, c("/services/street-issue"), None, "oooooooo"),
        (
            Method::POST,
            c("/services/street-issue/requests"),
            Some(json!({"fields": {"category": "graffiti"}, "location": {"address": "Quay 2"}})),
            "oooooooo",
        ),
        (Method::GET, c(&format!("/requests/{id}")), None, "oooooooo"),
        (
            Method::GET,
            c(&format!("/requests/{private}")),
            None,
            "nooonnno",
        ),
        (
            Method::POST,
            c("/citizens"),
            Some(
                json!({"name": "New", "email": "new@rivertown.example", "password": "a long enough password"}),
            ),
            "oooooooo",
        ),
        (
            Method::POST,
            "/operator/cities".into(),
            Some(new_city),
            "uffffffo",
        ),
        (Method::GET, c("/me"), None, "uoooffff"),
        (Method::GET, c("/me/requests"), None, "uoffffff"),
        (Method::GET, c("/me/export"), None, "uoffffff"),
        (
            Method::POST,
            c("/me/verify"),
            Some(json!({"channel": "email", "code": "000000"})),
            "uoffffff",
        ),
        (Method::POST, c("/me/verify/resend"), None, "uoffffff"),
        (
            Method::POST,
            c(&format!("/requests/{id}/messages")),
            Some(json!({"body": "Any news?"})),
            "uoffffff",
        ),
        (
            Method::POST,
            c(&format!("/requests/{id}/accept")),
            None,
            "uoffffff",
        ),
        (
            Method::POST,
            c(&format!("/requests/{id}/reject")),
            Some(json!({"reason": "not fixed"})),
            "uoffffff",
        ),
        (Method::GET, c("/cases"), None, "ufoofffo"),
        (Method::GET, c(&format!("/cases/{id}")), None, "ufoofffo"),
        (
            Method::POST,
            c(&format!("/cases/{id}/status")),
            Some(json!({"status": "acknowledged"})),
            "ufoofffo",
        ),
        (
            Method::POST,
            c(&format!("/cases/{id}/messages")),
            Some(json!({"body": "On it", "internal": true})),
            "ufoofffo",
        ),
        (
            Method::POST,
            c(&format!("/cases/{id}/assign")),
            Some(json!({"assignee": null})),
            "ufoofffo",
        ),
        (Method::GET, c("/departments"), None, "ufoofffo"),
        (
            Method::POST,
            c("/departments"),
            Some(json!({"code": "parks", "name": "Parks"})),
            "uffofffo",
        ),
        (
            Method::PUT,
            c("/routes"),
            Some(json!({"service": "street-issue", "department": "roads"})),
            "uffofffo",
        ),
        (
            Method::PUT,
            c("/settings"),
            Some(json!({"reopen_days": 10})),
            "uffofffo",
        ),
        (
            Method::PUT,
            c("/services/street-issue/settings"),
            Some(json!({"anonymous": true})),
            "uffofffo",
        ),
        (
            Method::POST,
            c("/users"),
            Some(
                json!({"role": "staff", "name": "S", "email": "s2@rivertown.example", "password": "a long enough password"}),
            ),
            "uffofffo",
        ),
        (
            Method::POST,
            c("/api-keys"),
            Some(json!({"label": "app"})),
            "uffofffo",
        ),
        (
            Method::DELETE,
            c("/api-keys/0123456789abcdef"),
            None,
            "uffofffo",
        ),
        (Method::GET, c("/audit"), None, "uffofffo"),
        (
            Method::POST,
            c("/registry/installs"),
            Some(json!({"package": "street-issue"})),
            "uffofffo",
        ),
        (
            Method::POST,
            c("/registry/installs/street-issue/upgrade"),
            Some(json!({})),
            "uffofffo",
        ),
        (
            Method::POST,
            c("/registry/installs/no-such-package/rollback"),
            None,
            "uffofffo",
        ),
        (
            Method::DELETE,
            c("/registry/installs/no-such-package"),
            None,
            "uffofffo",
        ),
    ];
    let tokens = [
        None,
        Some(&p.river_citizen),
        Some(&p.river_staff),
        Some(&p.river_admin),
        Some(&p.hill_citizen),
        Some(&p.hill_staff),
        Some(&p.hill_admin),
        Some(&p.operator),
    ];
    let mut wrong = Vec::new();
    for (method, path, body, expected) in &rows {
        assert_eq!(expected.len(), CALLERS.len(), "{method} {path}");
        for (i, token) in tokens.iter().enumerate() {
            let (status, answer) = call(
                &host,
                method.clone(),
                path,
                token.map(String::as_str),
                body.clone(),
            )
            .await;
            if !expect(expected.as_bytes()[i], status, &answer) {
                wrong.push(format!(
                    "{method} {path} as {}: {status} {answer}",
                    CALLERS[i]
                ));
            }
            if status == 401 || status == 403 {
                assert_eq!(answer["status"], status, "refusals are problem documents");
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "answers against the rules:\n{}",
        wrong.join("\n")
    );

    // Nothing a Hillcrest caller tried left a trace in Rivertown, nor in Hillcrest.
    let (_, log) = call(
        &host,
        Method::GET,
        "/cities/rivertown/audit?limit=500",
        Some(&p.river_admin),
        None,
    )
    .await;
    let (_, hill_me) = call(
        &host,
        Method::GET,
        "/cities/hillcrest/me",
        Some(&p.hill_admin),
        None,
    )
    .await;
    let (_, hill_staff) = call(
        &host,
        Method::GET,
        "/cities/hillcrest/me",
        Some(&p.hill_staff),
        None,
    )
    .await;
    for entry in log["entries"].as_array().unwrap() {
        assert_ne!(entry["actor_id"], hill_me["id"]);
        assert_ne!(entry["actor_id"], hill_staff["id"]);
    }
    assert_eq!(
        count_rows(&host.carmen, "case_messages", "hillcrest").await,
        0
    );

    // Last, the routes that end sessions or accounts: signing in (public, by credentials), erasing
    // one's account (citizens only), and signing out (anyone signed in).
    let sign_in =
        json!({"email": "citizen@rivertown.example", "password": carmen_tests::api::PASSWORD});
    let wrong_operator =
        json!({"email": "nobody@example.org", "password": carmen_tests::api::PASSWORD});
    let ending: Vec<(Method, String, Option<Value>, &str)> = vec![
        (Method::POST, c("/sessions"), Some(sign_in), "oooooooo"),
        (
            Method::POST,
            "/operator/sessions".into(),
            Some(wrong_operator),
            "uuuuuxxx",
        ),
        (Method::DELETE, c("/me"), None, "uoffffff"),
        (Method::DELETE, "/sessions/current".into(), None, "uuoooooo"),
    ];
    for (method, path, body, expected) in &ending {
        for (i, token) in tokens.iter().enumerate() {
            let (status, answer) = call(
                &host,
                method.clone(),
                path,
                token.map(String::as_str),
                body.clone(),
            )
            .await;
            assert!(
                expect(expected.as_bytes()[i], status, &answer),
                "{method} {path} as {}: {status} {answer}",
                CALLERS[i]
            );
        }
    }
    host.stop().await;
}
