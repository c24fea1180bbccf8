//! Staff work over the API: sign-in, the queue, the lifecycle, replies and internal notes, the
//! audit log — and no route lets one city's people into another city's cases.

use carmen_core::crm::outbox;
use carmen_tests::TestHost;
use carmen_tests::api::{PASSWORD, call as request, two_cities};
use serde_json::{Value, json};

struct Setup {
    host: TestHost,
    operator: String,
    river_admin: String,
    river_staff: String,
    hill_admin: String,
    case_id: i64,
}

/// Two cities with their people, and a pothole reported anonymously in Rivertown by Ada.
async fn set_up(dir: &std::path::Path) -> Setup {
    let (host, p) = two_cities(dir).await;
    let report = json!({"fields": {"category": "pothole"}, "location": {"address": "Canal 1"}, "contact": {"email": "ada@example.org"}});
    let (status, made) = host
        .post("/cities/rivertown/services/street-issue/requests", &report)
        .await;
    assert_eq!(status, 201, "{made}");
    Setup {
        host,
        operator: p.operator,
        river_admin: p.river_admin,
        river_staff: p.river_staff,
        hill_admin: p.hill_admin,
        case_id: made["id"].as_i64().unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_work_a_case_through_its_lifecycle_with_replies_notes_and_audit() {
    let dir = tempfile::tempdir().unwrap();
    let s = set_up(dir.path()).await;
    let (host, id) = (&s.host, s.case_id);
    let staff = Some(s.river_staff.as_str());
    use reqwest::Method;

    let (status, queue) = request(
        host,
        Method::GET,
        "/cities/rivertown/cases?status=submitted&department=roads",
        staff,
        None,
    )
    .await;
    assert_eq!(status, 200, "{queue}");
    assert_eq!(queue["total"], 1);
    assert_eq!(queue["cases"][0]["id"], id);

    for to in ["acknowledged", "in_progress", "resolved"] {
        let (status, body) = request(
            host,
            Method::POST,
            &format!("/cities/rivertown/cases/{id}/status"),
            staff,
            Some(json!({"status": to})),
        )
        .await;
        assert_eq!((status, body["status"].as_str()), (200, Some(to)), "{body}");
    }
    // A second report of the same pothole is marked a duplicate of the first.
    let (_, second) = host
        .post(
            "/cities/rivertown/services/street-issue/requests",
            &json!({"fields": {"category": "pothole"}, "location": {"address": "Canal 1"}}),
        )
        .await;
    let second = second["id"].as_i64().unwrap();
    let path = format!("/cities/rivertown/cases/{second}/status");
    let (status, _) = request(
        host,
        Method::POST,
        &path,
        staff,
        Some(json!({"status": "duplicate"})),
    )
    .await;
    assert_eq!(status, 422, "a duplicate names its original");
    let (status, dup) = request(
        host,
        Method::POST,
        &path,
        staff,
        Some(json!({"status": "duplicate", "duplicate_of": id})),
    )
    .await;
    assert_eq!(
        (status, dup["duplicate_of"].as_i64()),
        (200, Some(id)),
        "{dup}"
    );
    let (_, public) = host
        .get(&format!("/cities/rivertown/requests/{second}"))
        .await;
    assert_eq!(public["duplicate_of"], id);

    let (status, refused) = request(
        host,
        Method::POST,
        &format!("/cities/rivertown/cases/{id}/status"),
        staff,
        Some(json!({"status": "acknowledged"})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("cannot move from resolved to acknowledged")
    );

    let note = json!({"body": "Asphalt crew says the hole is 20 cm deep", "internal": true});
    assert_eq!(
        request(
            host,
            Method::POST,
            &format!("/cities/rivertown/cases/{id}/messages"),
            staff,
            Some(note)
        )
        .await
        .0,
        201
    );
    let reply = json!({"body": "We filled the hole this morning."});
    assert_eq!(
        request(
            host,
            Method::POST,
            &format!("/cities/rivertown/cases/{id}/messages"),
            staff,
            Some(reply)
        )
        .await
        .0,
        201
    );

    let (_, public) = host.get(&format!("/cities/rivertown/requests/{id}")).await;
    assert_eq!(public["status"], "resolved");
    assert_eq!(public["history"].as_array().unwrap().len(), 4);
    assert_eq!(public["messages"].as_array().unwrap().len(), 1);
    assert!(
        !public.to_string().contains("20 cm deep"),
        "a citizen never sees internal notes"
    );
    let (_, full) = request(
        host,
        Method::GET,
        &format!("/cities/rivertown/cases/{id}"),
        staff,
        None,
    )
    .await;
    assert_eq!(
        full["messages"].as_array().unwrap().len(),
        2,
        "staff see both"
    );
    assert_eq!(full["contact"]["email"], "ada@example.org");

    let sent: Vec<_> = outbox::list(&mut host.carmen.db().read().await.unwrap(), "rivertown")
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.service != "account")
        .collect();
    assert_eq!(
        sent.len(),
        1,
        "the public reply reaches the outbox, the note does not"
    );
    assert_eq!(sent[0].body, "We filled the hole this morning.");

    let (status, log) = request(
        host,
        Method::GET,
        "/cities/rivertown/audit",
        Some(&s.river_admin),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "case.reply",
            "case.note",
            "case.status",
            "case.status",
            "case.status",
            "case.status",
            "user.create",
            "department.create",
            "service.install",
            "city.create"
        ]
    );
    assert_eq!(
        request(host, Method::GET, "/cities/rivertown/audit", staff, None)
            .await
            .0,
        403,
        "staff cannot read the audit log"
    );
    s.host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn no_route_lets_another_city_or_an_anonymous_caller_into_a_citys_cases() {
    let dir = tempfile::tempdir().unwrap();
    let s = set_up(dir.path()).await;
    let (host, id) = (&s.host, s.case_id);
    use reqwest::Method;
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/cities/rivertown/cases".into(), None),
        (Method::GET, format!("/cities/rivertown/cases/{id}"), None),
        (
            Method::POST,
            format!("/cities/rivertown/cases/{id}/status"),
            Some(json!({"status": "rejected"})),
        ),
        (
            Method::POST,
            format!("/cities/rivertown/cases/{id}/messages"),
            Some(json!({"body": "hello"})),
        ),
        (
            Method::POST,
            "/cities/rivertown/users".into(),
            Some(
                json!({"role": "admin", "name": "X", "email": "x@x.example", "password": PASSWORD}),
            ),
        ),
        (Method::GET, "/cities/rivertown/audit".into(), None),
    ];
    for (method, path, body) in &routes {
        let (status, answer) = request(host, method.clone(), path, None, body.clone()).await;
        assert_eq!(status, 401, "anonymous {method} {path}: {answer}");
        let (status, answer) = request(
            host,
            method.clone(),
            path,
            Some(&s.hill_admin),
            body.clone(),
        )
        .await;
        assert_eq!(status, 403, "hillcrest admin {method} {path}: {answer}");
    }
    let (status, _) = request(
        host,
        Method::GET,
        &format!("/cities/hillcrest/cases/{id}"),
        Some(&s.hill_admin),
        None,
    )
    .await;
    assert_eq!(status, 404, "a rivertown case is not found under hillcrest");
    let (status, _) = request(
        host,
        Method::POST,
        &format!("/cities/hillcrest/cases/{id}/status"),
        Some(&s.hill_admin),
        Some(json!({"status": "rejected"})),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = request(host, Method::POST, "/operator/cities", Some(&s.river_admin), Some(json!({"slug": "x", "name": "X", "admin_name": "A", "admin_email": "a@x.example", "admin_password": PASSWORD}))).await;
    assert_eq!(status, 403, "only the operator creates cities");
    let (status, _) = request(
        host,
        Method::GET,
        "/cities/rivertown/cases",
        Some("cm_not_a_token"),
        None,
    )
    .await;
    assert_eq!(status, 401);

    let (_, unchanged) = host.get(&format!("/cities/rivertown/requests/{id}")).await;
    assert_eq!(unchanged["status"], "submitted");
    assert_eq!(unchanged["messages"].as_array().unwrap().len(), 0);
    assert_eq!(
        request(
            host,
            Method::GET,
            "/cities/rivertown/cases",
            Some(&s.operator),
            None
        )
        .await
        .0,
        200,
        "the operator may look"
    );

    // Sign-out revokes the session.
    assert_eq!(
        request(
            host,
            Method::DELETE,
            "/sessions/current",
            Some(&s.river_staff),
            None
        )
        .await
        .0,
        204
    );
    assert_eq!(
        request(
            host,
            Method::GET,
            "/cities/rivertown/cases",
            Some(&s.river_staff),
            None
        )
        .await
        .0,
        401
    );
    s.host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn passwords_and_tokens_are_never_stored_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    let s = set_up(dir.path()).await;
    let tokens = [
        s.operator.clone(),
        s.river_admin.clone(),
        s.river_staff.clone(),
        s.hill_admin.clone(),
    ];
    s.host.stop().await;
    let mut bytes = std::fs::read(dir.path().join("carmen.db()")).unwrap();
    bytes.extend(std::fs::read(dir.path().join("carmen.db()-wal")).unwrap_or_default());
    let haystack = String::from_utf8_lossy(&bytes);
    assert!(!haystack.contains(PASSWORD));
    for token in tokens {
        assert!(token.starts_with("cm_"));
        assert!(!haystack.contains(&token), "a token is stored in clear");
        assert!(
            haystack.contains(&carmen_core::crm::people::token_hash(&token)),
            "its hash is what is kept"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn overdue_cases_are_flagged_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let s = set_up(dir.path()).await;
    let (host, id) = (&s.host, s.case_id);
    let staff = Some(s.river_staff.as_str());
    let (_, queue) = request(
        host,
        reqwest::Method::GET,
        "/cities/rivertown/cases?overdue=true",
        staff,
        None,
    )
    .await;
    assert_eq!(queue["total"], 0, "a fresh case is within its SLA");
    sqlx::query("UPDATE cases SET due_at = due_at - 10 * 86400 WHERE id = $1")
        .bind(id)
        .execute(host.carmen.db().pool())
        .await
        .unwrap();
    let (_, queue) = request(
        host,
        reqwest::Method::GET,
        "/cities/rivertown/cases?overdue=true",
        staff,
        None,
    )
    .await;
    assert_eq!(queue["total"], 1);
    assert_eq!(queue["cases"][0]["overdue"], true);
    let (_, hill) = request(
        host,
        reqwest::Method::GET,
        "/cities/hillcrest/cases?overdue=true",
        Some(&s.hill_admin),
        None,
    )
    .await;
    assert_eq!(
        hill["total"], 0,
        "another city's overdue cases are not listed"
    );
    request(
        host,
        reqwest::Method::POST,
        &format!("/cities/rivertown/cases/{id}/status"),
        staff,
        Some(json!({"status": "resolved"})),
    )
    .await;
    let (_, queue) = request(
        host,
        reqwest::Method::GET,
        "/cities/rivertown/cases?overdue=true",
        staff,
        None,
    )
    .await;
    assert_eq!(queue["total"], 0, "a resolved case is no longer overdue");
    s.host.stop().await;
}

/// Sends `body` to `path` with the request secret `secret`.
async fn with_secret(
    host: &TestHost,
    method: reqwest::Method,
    path: &str,
    secret: &str,
    body: Value,
) -> (u16, Value) {
    let response = host
        .client
        .request(method, host.url(path))
        .header("x-carmen-secret", secret)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_submitter_without_an_account_writes_accepts_and_rates_by_the_secret_and_no_one_else_can()
{
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    let (status, filed) = request(
        &host,
        reqwest::Method::POST,
        "/cities/rivertown/services/street-issue/requests",
        None,
        Some(json!({"fields": {"category": "graffiti"}, "location": {"address": "Wall 1"}})),
    )
    .await;
    assert_eq!(status, 201);
    let id = filed["id"].as_i64().unwrap();
    let secret = filed["secret"].as_str().unwrap().to_string();
    let path = |what: &str| format!("/cities/rivertown/requests/{id}/{what}");
    let rate = json!({"score": 4, "comment": "ok"});
    // Not yet resolved: no rating.
    let (status, _) = with_secret(
        &host,
        reqwest::Method::PUT,
        &path("rating"),
        &secret,
        rate.clone(),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = with_secret(
        &host,
        reqwest::Method::POST,
        &path("messages"),
        &secret,
        json!({"body": "Still there"}),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = request(
        &host,
        reqwest::Method::POST,
        &format!("/cities/rivertown/cases/{id}/status"),
        Some(&p.river_staff),
        Some(json!({"status": "resolved"})),
    )
    .await;
    assert_eq!(status, 200);
    // Anyone else: a wrong secret, another city's path, a citizen who did not file it, nobody.
    for (secret, city) in [
        ("not-the-secret", "rivertown"),
        (secret.as_str(), "hillcrest"),
    ] {
        let (status, _) = with_secret(
            &host,
            reqwest::Method::PUT,
            &format!("/cities/{city}/requests/{id}/rating"),
            secret,
            rate.clone(),
        )
        .await;
        assert_eq!(status, 404, "{secret} {city}");
        let (status, _) = with_secret(
            &host,
            reqwest::Method::POST,
            &format!("/cities/{city}/requests/{id}/accept"),
            secret,
            json!({}),
        )
        .await;
        assert_eq!(status, 404, "{secret} {city}");
    }
    let (status, _) = request(
        &host,
        reqwest::Method::PUT,
        &path("rating"),
        Some(&p.river_citizen),
        Some(rate.clone()),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = request(
        &host,
        reqwest::Method::PUT,
        &path("rating"),
        None,
        Some(rate.clone()),
    )
    .await;
    assert_eq!(status, 401);
    assert!(
        carmen_tests::rating_of(&host.carmen, "rivertown", id)
            .await
            .is_none()
    );
    // Its submitter: a score outside 1 to 5 is refused; then rating, accepting, rating again.
    let (status, _) = with_secret(
        &host,
        reqwest::Method::PUT,
        &path("rating"),
        &secret,
        json!({"score": 6}),
    )
    .await;
    assert_eq!(status, 422);
    let (status, body) =
        with_secret(&host, reqwest::Method::PUT, &path("rating"), &secret, rate).await;
    assert_eq!((status, body["score"].as_i64()), (200, Some(4)));
    let (status, body) = with_secret(
        &host,
        reqwest::Method::POST,
        &path("accept"),
        &secret,
        json!({}),
    )
    .await;
    assert_eq!((status, body["status"].as_str()), (200, Some("closed")));
    let (status, _) = with_secret(
        &host,
        reqwest::Method::PUT,
        &path("rating"),
        &secret,
        json!({"score": 5, "comment": "great"}),
    )
    .await;
    assert_eq!(status, 200);
    let rating = carmen_tests::rating_of(&host.carmen, "rivertown", id)
        .await
        .unwrap();
    assert_eq!((rating.score, rating.comment.as_str()), (5, "great"));
    // Staff see the submitter's message in the thread.
    let (_, case) = request(
        &host,
        reqwest::Method::GET,
        &format!("/cities/rivertown/cases/{id}"),
        Some(&p.river_staff),
        None,
    )
    .await;
    assert!(
        case["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["body"] == "Still there"),
        "{case}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_overdue_case_is_escalated_once_to_its_departments_lead_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    let (status, filed) = request(
        &host,
        reqwest::Method::POST,
        "/cities/rivertown/services/street-issue/requests",
        None,
        Some(json!({"fields": {"category": "pothole"}, "location": {"address": "Late Lane 1"}})),
    )
    .await;
    assert_eq!(status, 201, "{filed}");
    let id = filed["id"].as_i64().unwrap();
    carmen_tests::api::report_pothole(&host, "hillcrest", None).await;
    let due = {
        let (_, case) = request(
            &host,
            reqwest::Method::GET,
            &format!("/cities/rivertown/cases/{id}"),
            Some(&p.river_staff),
            None,
        )
        .await;
        time::OffsetDateTime::parse(
            case["due_at"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
        .unix_timestamp()
    };
    // Not yet due: nothing. Past due: escalated once, in its own city only. (Hillcrest's case was
    // filed after Rivertown's, a second or more later on a loaded machine: a minute past
    // Rivertown's due time, both are overdue, so the next round finds none left.)
    assert_eq!(host.carmen.escalate_overdue(due - 1).await.unwrap(), 0);
    assert!(host.carmen.escalate_overdue(due + 60).await.unwrap() >= 1);
    assert_eq!(
        host.carmen.escalate_overdue(due + 3_600).await.unwrap(),
        0,
        "once"
    );
    let sent =
        carmen_core::crm::outbox::list(&mut host.carmen.db().read().await.unwrap(), "rivertown")
            .await
            .unwrap();
    let told: Vec<_> = sent
        .iter()
        .filter(|m| m.service == "escalation" && m.case_id == Some(id))
        .collect();
    assert_eq!(told.len(), 1, "{sent:?}");
    assert_eq!(
        told[0].recipient.email.as_deref(),
        Some("admin@rivertown.example")
    );
    let hill_sent =
        carmen_core::crm::outbox::list(&mut host.carmen.db().read().await.unwrap(), "hillcrest")
            .await
            .unwrap();
    assert!(
        hill_sent.iter().all(|m| m.case_id != Some(id)),
        "nothing of Rivertown's goes to Hillcrest"
    );
    let (_, audit) = request(
        &host,
        reqwest::Method::GET,
        "/cities/rivertown/audit",
        Some(&p.river_admin),
        None,
    )
    .await;
    assert!(audit.to_string().contains("case.escalated"), "{audit}");
    // A case resolved before its due date is never escalated.
    let (_, other) = request(
        &host,
        reqwest::Method::POST,
        "/cities/rivertown/services/street-issue/requests",
        None,
        Some(json!({"fields": {"category": "graffiti"}, "location": {"address": "On Time 2"}})),
    )
    .await;
    let other = other["id"].as_i64().unwrap();
    let (status, _) = request(
        &host,
        reqwest::Method::POST,
        &format!("/cities/rivertown/cases/{other}/status"),
        Some(&p.river_staff),
        Some(json!({"status": "resolved"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        host.carmen
            .escalate_overdue(due + 30 * 86_400)
            .await
            .unwrap(),
        0,
        "resolved: not escalated"
    );
}
