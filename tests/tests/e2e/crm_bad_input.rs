//! Bad input on every CRM route gets a clear 4xx problem document and writes nothing.

use carmen_tests::api::{call, report_pothole, two_cities};
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::Row;

async fn rows(host: &carmen_tests::TestHost) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "users",
        "tokens",
        "departments",
        "routes",
        "case_messages",
        "audit",
        "cases",
        "case_history",
        "outbox",
        "cities",
    ] {
        let row = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(host.carmen.db().pool())
            .await
            .unwrap();
        counts.push(row.try_get(0).unwrap());
    }
    let row = sqlx::query("SELECT reopen_days FROM cities WHERE slug = 'rivertown'")
        .fetch_one(host.carmen.db().pool())
        .await
        .unwrap();
    counts.push(row.try_get(0).unwrap());
    counts
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_on_every_crm_route_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    let id = report_pothole(&host, "rivertown", Some(&p.river_citizen)).await;
    let admin = Some(p.river_admin.as_str());
    let staff = Some(p.river_staff.as_str());
    let citizen = Some(p.river_citizen.as_str());
    let op = Some(p.operator.as_str());
    let c = |path: &str| format!("/cities/rivertown{path}");
    let cases: Vec<(Method, String, Option<&str>, Value)> = vec![
        (
            Method::POST,
            "/operator/cities".into(),
            op,
            json!({"slug": "Bad Slug!", "name": "X", "admin_name": "A", "admin_email": "a@x.example", "admin_password": "a long enough password"}),
        ),
        (
            Method::POST,
            "/operator/cities".into(),
            op,
            json!({"slug": "newtown", "name": "X", "admin_name": "A", "admin_email": "a@x.example", "admin_password": "short"}),
        ),
        (
            Method::POST,
            "/operator/cities".into(),
            op,
            json!({"slug": "rivertown", "name": "Again", "admin_name": "A", "admin_email": "a@x.example", "admin_password": "a long enough password"}),
        ),
        (
            Method::POST,
            "/operator/cities".into(),
            op,
            json!({"slug": "newtown", "name": "X", "admin_name": "A", "admin_email": "not-an-address", "admin_password": "a long enough password"}),
        ),
        (
            Method::POST,
            "/operator/sessions".into(),
            None,
            json!({"email": "nobody@example.org", "password": "a long enough password"}),
        ),
        (
            Method::POST,
            c("/sessions"),
            None,
            json!({"email": "citizen@rivertown.example", "password": "wrong password here"}),
        ),
        (
            Method::POST,
            c("/sessions"),
            None,
            json!({"email": "citizen@rivertown.example"}),
        ),
        (
            Method::POST,
            c("/citizens"),
            None,
            json!({"name": "", "email": "x@rivertown.example", "password": "a long enough password"}),
        ),
        (
            Method::POST,
            c("/citizens"),
            None,
            json!({"name": "X", "email": "not-an-address", "password": "a long enough password"}),
        ),
        (
            Method::POST,
            c("/citizens"),
            None,
            json!({"name": "", "email": "citizen@rivertown.example", "password": "a long enough password"}),
        ),
        (
            Method::POST,
            c("/citizens"),
            None,
            json!({"name": "X", "email": "citizen@rivertown.example", "password": "short"}),
        ),
        (
            Method::POST,
            c("/citizens"),
            None,
            json!({"name": "X", "email": "y@rivertown.example", "password": "short"}),
        ),
        (
            Method::POST,
            c("/citizens"),
            None,
            json!({"name": "X", "password": "a long enough password"}),
        ),
        (
            Method::POST,
            c("/citizens"),
            None,
            json!({"name": "X", "email": "z@rivertown.example", "password": "a long enough password", "channel": "pigeon"}),
        ),
        (
            Method::POST,
            c(&format!("/requests/{id}/messages")),
            citizen,
            json!({"body": "   "}),
        ),
        (
            Method::POST,
            c(&format!("/requests/{id}/messages")),
            citizen,
            json!({"body": "x".repeat(20_000)}),
        ),
        (
            Method::POST,
            c(&format!("/requests/{id}/reject")),
            citizen,
            json!({"reason": "not fixed"}),
        ),
        (
            Method::POST,
            c("/requests/999999/accept"),
            citizen,
            json!(null),
        ),
        (
            Method::POST,
            c(&format!("/cases/{id}/status")),
            staff,
            json!({"status": "teleported"}),
        ),
        (
            Method::POST,
            c(&format!("/cases/{id}/status")),
            staff,
            json!({"status": "closed"}),
        ),
        (
            Method::POST,
            c(&format!("/cases/{id}/status")),
            staff,
            json!({"status": "duplicate", "duplicate_of": 999999}),
        ),
        (
            Method::POST,
            c(&format!("/cases/{id}/status")),
            staff,
            json!({"status": "acknowledged", "duplicate_of": id}),
        ),
        (
            Method::POST,
            c("/cases/abc/status"),
            staff,
            json!({"status": "acknowledged"}),
        ),
        (
            Method::POST,
            c(&format!("/cases/{id}/messages")),
            staff,
            json!({"body": ""}),
        ),
        (
            Method::POST,
            c(&format!("/cases/{id}/messages")),
            staff,
            json!({"body": "hi", "internal": "yes"}),
        ),
        (
            Method::POST,
            c(&format!("/cases/{id}/assign")),
            staff,
            json!({"assignee": 999999}),
        ),
        (
            Method::POST,
            c(&format!("/cases/{id}/assign")),
            staff,
            json!({"assignee": "sam"}),
        ),
        (
            Method::POST,
            c("/departments"),
            admin,
            json!({"code": "Parks & Rec", "name": "Parks"}),
        ),
        (
            Method::POST,
            c("/departments"),
            admin,
            json!({"code": "roads", "name": "Roads again"}),
        ),
        (
            Method::PUT,
            c("/routes"),
            admin,
            json!({"service": "no-such-service", "department": "roads"}),
        ),
        (
            Method::PUT,
            c("/routes"),
            admin,
            json!({"service": "street-issue", "department": "no-such-department"}),
        ),
        (
            Method::PUT,
            c("/settings"),
            admin,
            json!({"reopen_days": -3}),
        ),
        (
            Method::PUT,
            c("/settings"),
            admin,
            json!({"reopen_days": "many"}),
        ),
        (
            Method::PUT,
            c("/services/no-such-service/settings"),
            admin,
            json!({"anonymous": false}),
        ),
        (
            Method::POST,
            c("/users"),
            admin,
            json!({"role": "operator", "name": "X", "email": "x@rivertown.example", "password": "a long enough password"}),
        ),
        (
            Method::POST,
            c("/users"),
            admin,
            json!({"role": "staff", "name": "X", "email": "staff@rivertown.example", "password": "a long enough password"}),
        ),
        (Method::POST, c("/api-keys"), admin, json!({"label": ""})),
        (Method::GET, c("/cases?status=lost"), staff, Value::Null),
        (Method::GET, c("/cases?page=minus-one"), staff, Value::Null),
        (Method::GET, c("/audit?limit=lots"), admin, Value::Null),
    ];
    for (method, path, token, body) in cases {
        let before = rows(&host).await;
        let body = (!body.is_null()).then_some(body);
        let (status, answer) = call(&host, method.clone(), &path, token, body.clone()).await;
        assert!(
            (400..500).contains(&status),
            "{method} {path} {body:?}: {status} {answer}"
        );
        assert_eq!(
            answer["status"], status,
            "{method} {path}: a problem document, not {answer}"
        );
        assert!(
            answer["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{method} {path}: {answer}"
        );
        assert_eq!(rows(&host).await, before, "{method} {path} wrote something");
    }
    // Malformed JSON and a wrong content type, on a route that takes a body.
    let response = host
        .client
        .post(host.url(&c("/departments")))
        .bearer_auth(&p.river_admin)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let response = host
        .client
        .post(host.url(&c("/departments")))
        .bearer_auth(&p.river_admin)
        .body("code=x")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
    host.stop().await;
}
