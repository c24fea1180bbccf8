//! Identity is an id, verified: a contact links nothing to an account until its owner proves it
//! with the code sent to it; erasure removes exactly the erased citizen's data, in the host's
//! tables and in each service's store, whatever their contacts look like; registration and
//! sign-in do not tell whether an account exists, and sign-in slows down a guesser whatever
//! address they come from.

use std::collections::BTreeMap;

use carmen_tests::api::{PASSWORD, call, new_citizen, two_cities, verify};
use carmen_tests::{TestHost, install};
use reqwest::Method;
use serde_json::{Value, json};

/// Every store entry of Rivertown, key to value.
async fn stores(host: &TestHost) -> BTreeMap<String, Vec<u8>> {
    sqlx::query_as::<_, (String, String, Vec<u8>)>(
        "SELECT plugin, key, value FROM kv WHERE city = 'rivertown' ORDER BY plugin, key",
    )
    .fetch_all(host.carmen.db().pool())
    .await
    .unwrap()
    .into_iter()
    .map(|(plugin, key, value)| (format!("{plugin}/{key}"), value))
    .collect()
}

/// Every row of the host's tables that mentions `needle`, as text.
async fn rows_mentioning(host: &TestHost, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (table, columns) in [
        (
            "users",
            "name || ' ' || COALESCE(email, '') || ' ' || COALESCE(phone, '')",
        ),
        ("cases", "COALESCE(contact, '') || ' ' || description"),
        ("outbox", "recipient || ' ' || subject || ' ' || body"),
        ("case_messages", "body"),
    ] {
        let rows: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT {columns} FROM {table} WHERE city = 'rivertown'"
        ))
        .fetch_all(host.carmen.db().pool())
        .await
        .unwrap();
        found.extend(
            rows.into_iter()
                .filter(|r| r.contains(needle))
                .map(|r| format!("{table}: {r}")),
        );
    }
    found
}

async fn file(host: &TestHost, token: Option<&str>, service: &str, body: Value) -> Value {
    let (status, made) = call(
        host,
        Method::POST,
        &format!("/cities/rivertown/services/{service}/requests"),
        token,
        Some(body),
    )
    .await;
    assert_eq!(status, 201, "{service}: {made}");
    made
}

#[tokio::test(flavor = "multi_thread")]
async fn erasure_with_overlapping_and_degenerate_contacts_removes_exactly_the_erased_citizens_data()
{
    let dir = tempfile::tempdir().unwrap();
    let (host, _) = two_cities(dir.path()).await;
    install(&host.carmen, "rivertown", "bulky-waste", &[]).await;
    install(&host.carmen, "rivertown", "document-reminder", &[]).await;

    // A phone of "-" is no phone number; an empty one is none at all.
    let (status, _) = call(
        &host,
        Method::POST,
        "/cities/rivertown/citizens",
        None,
        Some(json!({"name": "Dash", "email": "dash@x.com", "phone": "-", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, 422);
    let ann = new_citizen(
        &host,
        "rivertown",
        json!({"name": "Ann", "email": "ann@x.com", "phone": "", "password": PASSWORD}),
    )
    .await;
    let joann = new_citizen(
        &host,
        "rivertown",
        json!({"name": "Joann", "email": "joann@x.com", "phone": "+31 6 0000 0002", "password": PASSWORD}),
    )
    .await;
    verify(&host, "rivertown", &ann, "email", "ann@x.com").await;
    verify(&host, "rivertown", &joann, "email", "joann@x.com").await;
    verify(&host, "rivertown", &joann, "phone", "+31600000002").await;

    let expires = time::OffsetDateTime::now_utc().date() + time::Duration::days(100);
    let reminder = json!({"fields": {"document": "passport", "expires-on": expires.to_string()}});
    let booking = json!({"fields": {"items": ["sofa"]}, "location": {"address": "Elm 1"}});
    let report = json!({"fields": {"category": "graffiti"}, "location": {"address": "Wall 1"}});
    for token in [&ann, &joann] {
        file(&host, Some(token), "document-reminder", reminder.clone()).await;
        file(&host, Some(token), "bulky-waste", booking.clone()).await;
        file(&host, Some(token), "street-issue", report.clone()).await;
    }
    // Filed without an account, with each one's proved address, and a look-alike of Ann's.
    for email in ["ann@x.com", "joann@x.com", "xann@x.com"] {
        let mut anonymous = reminder.clone();
        anonymous["contact"] = json!({"email": email});
        file(&host, None, "document-reminder", anonymous).await;
    }
    let mut anonymous = report.clone();
    anonymous["contact"] = json!({"name": "Joann", "email": "joann@x.com"});
    file(&host, None, "street-issue", anonymous).await;

    let before = stores(&host).await;
    let joann_before = rows_mentioning(&host, "joann@x.com").await;
    let look_alike_before = rows_mentioning(&host, "xann@x.com").await;
    assert!(joann_before.len() >= 4, "{joann_before:?}");

    let (status, erased) = call(
        &host,
        Method::DELETE,
        "/cities/rivertown/me",
        Some(&ann),
        None,
    )
    .await;
    assert_eq!(status, 200, "{erased}");
    assert_eq!(
        erased["forgotten_by"],
        json!(["bulky-waste", "document-reminder", "street-issue"])
    );

    let after = stores(&host).await;
    let text = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
    // Gone: Ann's reminders (hers by account and by her proved address) and her booking.
    let gone: Vec<&String> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    assert_eq!(gone.len(), 3, "{gone:?}");
    for key in &gone {
        let value = text(&before[*key]);
        assert!(
            value.contains("ann@x.com") && !value.contains("joann") && !value.contains("xann")
                || key.contains("booking/"),
            "{key}: {value}"
        );
    }
    // Everything else is as it was, byte for byte, but the day counter Ann's booking held.
    for (key, value) in &after {
        if key.starts_with("bulky-waste/day/") {
            continue;
        }
        assert_eq!(Some(value), before.get(key), "{key} changed");
    }
    assert!(
        !after.values().any(|v| text(v).contains("email=ann@x.com")),
        "no entry of Ann's is left"
    );
    assert!(
        rows_mentioning(&host, "ann@x.com")
            .await
            .iter()
            .all(|r| r.contains("joann@x.com") || r.contains("xann@x.com"))
    );
    assert_eq!(rows_mentioning(&host, "joann@x.com").await, joann_before);
    assert_eq!(
        rows_mentioning(&host, "xann@x.com").await,
        look_alike_before
    );

    // A citizen whose phone was left empty is erased like anyone else.
    let empty = new_citizen(
        &host,
        "rivertown",
        json!({"name": "Nophone", "email": "nophone@x.com", "phone": "", "password": PASSWORD}),
    )
    .await;
    let (status, _) = call(
        &host,
        Method::DELETE,
        "/cities/rivertown/me",
        Some(&empty),
        None,
    )
    .await;
    assert_eq!(status, 200);
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_contact_someone_else_uses_gives_access_to_nothing_of_theirs_until_proved() {
    let dir = tempfile::tempdir().unwrap();
    let (host, _) = two_cities(dir.path()).await;
    install(&host.carmen, "rivertown", "document-reminder", &[]).await;
    // The victim registers a reminder without an account, with their phone; it is sent.
    let expires = time::OffsetDateTime::now_utc().date() + time::Duration::days(6);
    file(
        &host,
        None,
        "document-reminder",
        json!({"fields": {"document": "passport", "expires-on": expires.to_string()}, "contact": {"phone": "+31 6 5555 0000"}}),
    )
    .await;
    host.carmen
        .tick_all(carmen::runtime::types::now())
        .await
        .unwrap();

    // The attacker registers with the victim's phone number.
    let attacker = new_citizen(
        &host,
        "rivertown",
        json!({"name": "Mallory", "email": "mallory@x.com", "phone": "+31655550000", "password": PASSWORD}),
    )
    .await;
    let export = async || {
        let (status, export) = call(
            &host,
            Method::GET,
            "/cities/rivertown/me/export",
            Some(&attacker),
            None,
        )
        .await;
        assert_eq!(status, 200);
        export
    };
    let seen = export().await;
    assert_eq!(seen["requests"].as_array().unwrap().len(), 0, "{seen}");
    assert!(!seen.to_string().contains("expires"), "{seen}");
    // Guessing the code does not prove the phone: five wrong tries spend it.
    for guess in ["000000", "111111", "222222", "333333", "444444"] {
        let (status, _) = call(
            &host,
            Method::POST,
            "/cities/rivertown/me/verify",
            Some(&attacker),
            Some(json!({"channel": "phone", "code": guess})),
        )
        .await;
        assert_eq!(status, 422);
    }
    let real = carmen_tests::api::code_sent_to(&host, "rivertown", "+31655550000").await;
    let (status, _) = call(
        &host,
        Method::POST,
        "/cities/rivertown/me/verify",
        Some(&attacker),
        Some(json!({"channel": "phone", "code": real})),
    )
    .await;
    assert_eq!(
        status, 422,
        "after five wrong tries even the right code is spent"
    );
    let seen = export().await;
    assert!(!seen.to_string().contains("passport"), "{seen}");
    assert_eq!(
        seen["messages_sent_to_you"].as_array().unwrap().len(),
        0,
        "{seen}"
    );

    // Whoever holds the phone gets a new code and proves it: then what went to it is theirs.
    let (status, _) = call(
        &host,
        Method::POST,
        "/cities/rivertown/me/verify/resend",
        Some(&attacker),
        None,
    )
    .await;
    assert_eq!(status, 202);
    verify(&host, "rivertown", &attacker, "phone", "+31655550000").await;
    let seen = export().await;
    assert_eq!(seen["requests"].as_array().unwrap().len(), 1, "{seen}");
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn registration_and_sign_in_do_not_reveal_accounts_and_a_guesser_is_slowed_from_any_address()
{
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    let policy = carmen::api::HttpPolicy {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..Default::default()
    };
    let host = TestHost::serve_with(carmen, policy).await;
    let register = |email: &str| json!({"name": "Someone", "email": email, "password": PASSWORD});
    let (s1, new) = call(
        &host,
        Method::POST,
        "/cities/rivertown/citizens",
        None,
        Some(register("kim@x.com")),
    )
    .await;
    let (s2, again) = call(
        &host,
        Method::POST,
        "/cities/rivertown/citizens",
        None,
        Some(register("kim@x.com")),
    )
    .await;
    assert_eq!((s1, s2), (202, 202));
    assert_eq!(new, again, "the second registration answers as the first");
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = 'kim@x.com'")
        .fetch_one(host.carmen.db().pool())
        .await
        .unwrap();
    assert_eq!(users, 1);

    // Wrong passwords for an account, from a new address each time (behind the city's proxy).
    let sign_in = async |email: &str, password: &str, from: &str| {
        let response = host
            .client
            .post(host.url("/cities/rivertown/sessions"))
            .header("x-forwarded-for", from)
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        (status, body)
    };
    // Each account's sixth try follows its fifth failure at once: it waits, whatever the address.
    for (email, net) in [("kim@x.com", "203.0.113"), ("nobody@x.com", "198.51.100")] {
        for n in 0..5 {
            let (status, body) = sign_in(email, "not the password", &format!("{net}.{n}")).await;
            assert_eq!(
                status, 401,
                "{email}: an unknown account answers the same: {body}"
            );
        }
        let (status, body) = sign_in(email, PASSWORD, &format!("{net}.99")).await;
        assert_eq!(
            status, 429,
            "{email}: even the right password waits, from a new address: {body}"
        );
    }
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    let (status, body) = sign_in("kim@x.com", PASSWORD, "203.0.113.99").await;
    assert_eq!(status, 201, "once the wait is over: {body}");
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn behind_a_proxy_that_says_https_the_session_cookie_is_secure_and_hsts_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    let policy = carmen::api::HttpPolicy {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..Default::default()
    };
    let host = TestHost::serve_with(carmen, policy).await;
    call(
        &host,
        Method::POST,
        "/cities/rivertown/citizens",
        None,
        Some(json!({"name": "Kim", "email": "kim@x.com", "password": PASSWORD})),
    )
    .await;
    let sign_in = async |proto: Option<&str>| {
        let mut request = host
            .client
            .post(host.url("/cities/rivertown/sessions"))
            .json(&json!({"email": "kim@x.com", "password": PASSWORD}));
        if let Some(proto) = proto {
            request = request.header("x-forwarded-proto", proto);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 201);
        let cookie = response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .to_string();
        let hsts = response
            .headers()
            .get("strict-transport-security")
            .is_some();
        (cookie, hsts)
    };
    let (cookie, hsts) = sign_in(Some("https")).await;
    assert!(
        cookie.ends_with("; Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    assert!(hsts);
    let (cookie, hsts) = sign_in(None).await;
    assert!(!cookie.contains("Secure") && !hsts, "plain HTTP: {cookie}");
    host.stop().await;
}
