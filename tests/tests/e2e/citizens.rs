//! Citizens: accounts, their own requests, accepting or rejecting a resolution, services that need
//! an account, departments and routing, assignment and API keys.

use carmen_tests::api::{PASSWORD, call, report_pothole, two_cities};
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn a_citizen_rejects_a_resolution_within_the_window_and_accepts_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    let (citizen, staff) = (Some(p.river_citizen.as_str()), Some(p.river_staff.as_str()));
    let id = report_pothole(&host, "rivertown", citizen).await;

    let (_, mine) = call(
        &host,
        Method::GET,
        "/cities/rivertown/me/requests",
        citizen,
        None,
    )
    .await;
    assert_eq!(mine["requests"][0]["id"], id);
    let (_, case) = call(
        &host,
        Method::GET,
        &format!("/cities/rivertown/cases/{id}"),
        staff,
        None,
    )
    .await;
    assert_eq!(
        case["contact"]["email"], "citizen@rivertown.example",
        "the account's contact details are used"
    );

    let resolve = async || {
        let (status, body) = call(
            &host,
            Method::POST,
            &format!("/cities/rivertown/cases/{id}/status"),
            staff,
            Some(json!({"status": "resolved"})),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    };
    let (status, early) = call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/requests/{id}/accept"),
        citizen,
        None,
    )
    .await;
    assert_eq!(
        status, 422,
        "nothing to accept before a resolution: {early}"
    );
    resolve().await;
    let reject = json!({"reason": "The hole is still there"});
    let (status, reopened) = call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/requests/{id}/reject"),
        citizen,
        Some(reject.clone()),
    )
    .await;
    assert_eq!(
        (status, reopened["status"].as_str()),
        (200, Some("in_progress")),
        "{reopened}"
    );
    let (_, public) = host.get(&format!("/cities/rivertown/requests/{id}")).await;
    assert_eq!(public["messages"][0]["body"], "The hole is still there");

    resolve().await;
    // Past the city's window (14 days by default) the resolution can no longer be rejected.
    sqlx::query("UPDATE cases SET resolved_at = resolved_at - 15 * 86400 WHERE id = $1")
        .bind(id)
        .execute(host.carmen.db().pool())
        .await
        .unwrap();
    let (status, late) = call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/requests/{id}/reject"),
        citizen,
        Some(reject),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        late["detail"].as_str().unwrap().contains("passed"),
        "{late}"
    );

    let other = Some(p.hill_citizen.as_str());
    assert_eq!(
        call(
            &host,
            Method::POST,
            &format!("/cities/rivertown/requests/{id}/accept"),
            other,
            None
        )
        .await
        .0,
        403
    );
    let (status, closed) = call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/requests/{id}/accept"),
        citizen,
        None,
    )
    .await;
    assert_eq!((status, closed["status"].as_str()), (200, Some("closed")));
    let (_, public) = host.get(&format!("/cities/rivertown/requests/{id}")).await;
    let steps: Vec<&str> = public["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["to"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        ["submitted", "resolved", "in_progress", "resolved", "closed"]
    );
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn another_citizen_cannot_touch_a_citizens_request() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    let id = report_pothole(&host, "rivertown", Some(&p.river_citizen)).await;
    let body = json!({"name": "Nosy", "email": "nosy@rivertown.example", "password": PASSWORD});
    let nosy = carmen_tests::api::new_citizen(&host, "rivertown", body).await;
    let (status, _) = call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/requests/{id}/messages"),
        Some(&nosy),
        Some(json!({"body": "hi"})),
    )
    .await;
    assert_eq!(status, 404);
    let (_, theirs) = call(
        &host,
        Method::GET,
        "/cities/rivertown/me/requests",
        Some(&nosy),
        None,
    )
    .await;
    assert_eq!(theirs["requests"].as_array().unwrap().len(), 0);
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_can_require_an_account() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    report_pothole(&host, "rivertown", None).await;
    let (status, _) = call(
        &host,
        Method::PUT,
        "/cities/rivertown/services/street-issue/settings",
        Some(&p.river_staff),
        Some(json!({"anonymous": false})),
    )
    .await;
    assert_eq!(status, 403, "staff do not change settings");
    let (status, _) = call(
        &host,
        Method::PUT,
        "/cities/rivertown/services/street-issue/settings",
        Some(&p.river_admin),
        Some(json!({"anonymous": false})),
    )
    .await;
    assert_eq!(status, 200);
    let body = json!({"fields": {"category": "pothole"}, "location": {"address": "Canal 1"}});
    let (status, refused) = host
        .post("/cities/rivertown/services/street-issue/requests", &body)
        .await;
    assert_eq!(
        (status, refused["type"].as_str()),
        (401, Some("urn:carmen:problem:account-required"))
    );
    report_pothole(&host, "rivertown", Some(&p.river_citizen)).await;
    report_pothole(&host, "hillcrest", None).await; // Hillcrest's setting is its own.
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_city_routes_cases_to_its_departments_and_assigns_them_within() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    let admin = Some(p.river_admin.as_str());
    let add_department = async |code: &str, name: &str| {
        let department = json!({"code": code, "name": name});
        let (status, said) = call(
            &host,
            Method::POST,
            "/cities/rivertown/departments",
            admin,
            Some(department),
        )
        .await;
        assert_eq!(status, 201, "{said}");
    };
    add_department("east-roads", "Roads East").await;
    let (status, dup) = call(
        &host,
        Method::POST,
        "/cities/rivertown/departments",
        admin,
        Some(json!({"code": "east-roads", "name": "Again"})),
    )
    .await;
    assert_eq!(status, 409, "{dup}");
    let rule =
        json!({"service": "street-issue", "category": "pothole", "department": "east-roads"});
    assert_eq!(
        call(
            &host,
            Method::PUT,
            "/cities/rivertown/routes",
            admin,
            Some(rule)
        )
        .await
        .0,
        200
    );
    let missing = json!({"service": "street-issue", "department": "no-such-department"});
    assert_eq!(
        call(
            &host,
            Method::PUT,
            "/cities/rivertown/routes",
            admin,
            Some(missing)
        )
        .await
        .0,
        422
    );

    let id = report_pothole(&host, "rivertown", None).await;
    let (_, public) = host.get(&format!("/cities/rivertown/requests/{id}")).await;
    assert_eq!(
        public["department"], "east-roads",
        "the city's rule beats the plugin's proposal"
    );
    let hill = report_pothole(&host, "hillcrest", None).await;
    let (_, public) = host
        .get(&format!("/cities/hillcrest/requests/{hill}"))
        .await;
    assert_eq!(public["department"], "roads", "Hillcrest has no such rule");
    // A rule for the whole service: the category's own rule still wins over it.
    add_department("street-desk", "Street desk").await;
    let whole = json!({"service": "street-issue", "category": "", "department": "street-desk"});
    let (status, said) = call(
        &host,
        Method::PUT,
        "/cities/rivertown/routes",
        admin,
        Some(whole),
    )
    .await;
    assert_eq!(status, 200, "{said}");
    let again = report_pothole(&host, "rivertown", None).await;
    let (_, public) = host
        .get(&format!("/cities/rivertown/requests/{again}"))
        .await;
    assert_eq!(
        public["department"], "east-roads",
        "the category's rule first"
    );
    let (status, dumping) = host
        .post(
            "/cities/rivertown/services/street-issue/requests",
            &json!({"fields": {"category": "illegal-dumping"}, "location": {"address": "Canal 2"}}),
        )
        .await;
    assert_eq!(status, 201, "{dumping}");
    assert_eq!(dumping["department"], "street-desk", "then the service's");

    let (_, me) = call(
        &host,
        Method::GET,
        "/cities/rivertown/me",
        Some(&p.river_staff),
        None,
    )
    .await;
    let staff_id = me["id"].as_i64().unwrap();
    let (status, wrong) = call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/cases/{id}/assign"),
        admin,
        Some(json!({"assignee": staff_id})),
    )
    .await;
    assert_eq!(
        status, 422,
        "Sam works in roads, the case is for east-roads: {wrong}"
    );
    let (_, hill_me) = call(
        &host,
        Method::GET,
        "/cities/hillcrest/me",
        Some(&p.hill_staff),
        None,
    )
    .await;
    let (status, _) = call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/cases/{id}/assign"),
        admin,
        Some(json!({"assignee": hill_me["id"]})),
    )
    .await;
    assert_eq!(status, 422, "staff of another city cannot be assigned");
    let other = report_pothole(&host, "rivertown", None).await;
    let rule = json!({"service": "street-issue", "category": "pothole", "department": "roads"});
    call(
        &host,
        Method::PUT,
        "/cities/rivertown/routes",
        admin,
        Some(rule),
    )
    .await;
    let next = report_pothole(&host, "rivertown", None).await;
    let (status, assigned) = call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/cases/{next}/assign"),
        admin,
        Some(json!({"assignee": staff_id})),
    )
    .await;
    assert_eq!(
        (status, assigned["assignee"].as_i64()),
        (200, Some(staff_id))
    );
    let (_, queue) = call(
        &host,
        Method::GET,
        &format!("/cities/rivertown/cases?assignee={staff_id}"),
        Some(&p.river_staff),
        None,
    )
    .await;
    assert_eq!(queue["total"], 1);
    assert_eq!(queue["cases"][0]["id"], next);
    let _ = other;
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn api_keys_are_shown_once_work_for_their_city_and_can_be_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    let (status, issued) = call(
        &host,
        Method::POST,
        "/cities/rivertown/api-keys",
        Some(&p.river_admin),
        Some(json!({"label": "Fix-it app"})),
    )
    .await;
    assert_eq!(status, 201, "{issued}");
    let key = issued["key"].as_str().unwrap().to_string();
    let key_id = issued["id"].as_str().unwrap().to_string();
    let (status, me) = call(&host, Method::GET, "/cities/rivertown/me", Some(&key), None).await;
    assert_eq!((status, me["role"].as_str()), (200, Some("client")));
    assert_eq!(
        call(&host, Method::GET, "/cities/hillcrest/me", Some(&key), None)
            .await
            .0,
        403,
        "a key belongs to one city"
    );
    assert_eq!(
        call(
            &host,
            Method::DELETE,
            &format!("/cities/hillcrest/api-keys/{key_id}"),
            Some(&p.hill_admin),
            None
        )
        .await
        .0,
        404
    );
    assert_eq!(
        call(
            &host,
            Method::DELETE,
            &format!("/cities/rivertown/api-keys/{key_id}"),
            Some(&p.river_admin),
            None
        )
        .await
        .0,
        204
    );
    assert_eq!(
        call(&host, Method::GET, "/cities/rivertown/me", Some(&key), None)
            .await
            .0,
        401
    );
    assert_eq!(
        call(
            &host,
            Method::DELETE,
            "/cities/rivertown/api-keys/not-a-key",
            Some(&p.river_admin),
            None
        )
        .await
        .0,
        404
    );
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_staff_reply_reaches_the_citizen_in_their_language_and_channel() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    let account = json!({"name": "Noor", "email": "noor@rivertown.example", "phone": "+31 6 1234 5678", "password": PASSWORD, "channel": "sms", "language": "nl"});
    let noor = carmen_tests::api::new_citizen(&host, "rivertown", account).await;
    let id = report_pothole(&host, "rivertown", Some(&noor)).await;
    let reply = json!({"body": "We komen morgen."});
    assert_eq!(
        call(
            &host,
            Method::POST,
            &format!("/cities/rivertown/cases/{id}/messages"),
            Some(&p.river_staff),
            Some(reply)
        )
        .await
        .0,
        201
    );
    let sent: Vec<_> =
        carmen_core::crm::outbox::list(&mut host.carmen.db().read().await.unwrap(), "rivertown")
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.service != "account")
            .collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].channel, "sms");
    assert_eq!(sent[0].recipient.phone.as_deref(), Some("+31612345678"));
    assert!(
        sent[0].subject.starts_with("Antwoord op uw melding"),
        "{}",
        sent[0].subject
    );
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_citizens_requests_come_a_page_at_a_time_on_the_api_and_the_account_page_and_only_their_own()
 {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    let citizen = Some(p.river_citizen.as_str());
    let mut mine = Vec::new();
    for _ in 0..52 {
        mine.push(report_pothole(&host, "rivertown", citizen).await);
    }
    // Someone else's, anonymous, and another city's: never on this citizen's pages.
    report_pothole(&host, "rivertown", None).await;
    report_pothole(&host, "hillcrest", Some(&p.hill_citizen)).await;
    mine.reverse();

    let page = async |query: &str| {
        let path = format!("/cities/rivertown/me/requests{query}");
        call(&host, Method::GET, &path, citizen, None).await
    };
    let (status, first) = page("").await;
    assert_eq!(status, 200, "{first}");
    let ids = |body: &serde_json::Value| -> Vec<i64> {
        body["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(&first), mine[..50], "50 by default, newest first");
    assert_eq!(first["next"], mine[49]);
    let (_, last) = page(&format!("?before={}", mine[49])).await;
    assert_eq!(ids(&last), mine[50..]);
    assert!(last.get("next").is_none(), "the last page says so: {last}");
    // Small pages walk the same list.
    let (mut walked, mut query) = (Vec::new(), "?limit=20".to_string());
    loop {
        let (_, body) = page(&query).await;
        walked.extend(ids(&body));
        match body["next"].as_i64() {
            Some(next) => query = format!("?limit=20&before={next}"),
            None => break,
        }
    }
    assert_eq!(walked, mine);
    for bad in ["?limit=0", "?limit=101", "?before=0", "?limit=x", "?page=2"] {
        let (status, body) = page(bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }

    // The account page shows the newest 50 and links to the older ones, which end there.
    let account = async |query: &str| {
        let response = host
            .client
            .get(format!("http://{}/rivertown/account/{query}", host.addr))
            .bearer_auth(&p.river_citizen)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    };
    let newest = account("").await;
    let older = format!("/rivertown/account/?before={}", mine[49]);
    assert!(newest.contains(&older), "a link to the older requests");
    assert!(newest.contains(&format!("/rivertown/account/requests/{}\"", mine[0])));
    assert!(!newest.contains(&format!("/rivertown/account/requests/{}\"", mine[50])));
    let oldest = account(&format!("?before={}", mine[49])).await;
    assert!(oldest.contains(&format!("/rivertown/account/requests/{}\"", mine[51])));
    assert!(!oldest.contains(&format!("/rivertown/account/requests/{}\"", mine[0])));
    assert!(
        !oldest.contains("account/?before="),
        "no link past the oldest"
    );
    host.stop().await;
}
