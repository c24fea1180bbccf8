//! The HTTP surface holds up to abuse: rate limits per client address and per key, load shedding,
//! timeouts, oversized and slow requests, CSRF, CORS, security headers, and no internal detail in
//! any answer. Every test is bounded in time and talks only to loopback.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use carmen::api::HttpPolicy;
use carmen_tests::api::{PASSWORD, call};
use carmen_tests::{TestHost, install, install_hostile};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn host(dir: &std::path::Path, policy: HttpPolicy) -> TestHost {
    let carmen = carmen_tests::open_carmen(dir).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    install(&carmen, "rivertown", "street-issue", &[]).await;
    install_hostile(&carmen, "rivertown", carmen_tests::HOSTILE_GRANTS)
        .await
        .unwrap();
    TestHost::serve_with(carmen, policy).await
}

fn client_from(ip: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::from(ip)))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_burst_over_the_limit_gets_429_while_other_clients_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let policy = HttpPolicy {
        per_client_per_second: 1,
        per_client_burst: 5,
        ..Default::default()
    };
    let host = host(dir.path(), policy).await;
    let url = host.url("/cities/rivertown/services");
    let greedy = client_from([127, 0, 0, 1]);
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..12 {
        let response = greedy.get(&url).send().await.unwrap();
        statuses.push(response.status().as_u16());
        if response.status() == 429 {
            retry_after = response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["type"], "urn:carmen:problem:rate-limited");
        }
    }
    // The burst of 5 passes; the rest are refused (one more may pass if a second went by meanwhile).
    let served = statuses.iter().filter(|s| **s == 200).count();
    assert!((5..=6).contains(&served), "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        12 - served,
        "{statuses:?}"
    );
    assert!(statuses[..5].iter().all(|s| *s == 200), "{statuses:?}");
    assert!(retry_after.is_some_and(|s| s >= 1));
    let polite = client_from([127, 0, 0, 2]);
    for _ in 0..3 {
        assert_eq!(
            polite.get(&url).send().await.unwrap().status(),
            200,
            "another client keeps being served"
        );
    }
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit_and_nobody_else_can_forge_one()
 {
    let dir = tempfile::tempdir().unwrap();
    let policy = HttpPolicy {
        per_client_per_second: 1,
        per_client_burst: 3,
        trusted_proxies: vec![carmen::api::parse_proxy("127.0.0.1").unwrap()],
        ..Default::default()
    };
    let host = host(dir.path(), policy).await;
    let url = host.url("/cities/rivertown/services");
    let statuses = |client: reqwest::Client, forwarded: Vec<String>| {
        let url = url.clone();
        async move {
            let mut statuses = Vec::new();
            for value in forwarded {
                let response = client
                    .get(&url)
                    .header("x-forwarded-for", value)
                    .send()
                    .await
                    .unwrap();
                statuses.push(response.status().as_u16());
            }
            statuses
        }
    };
    let proxy = client_from([127, 0, 0, 1]);
    // One citizen behind the proxy uses up their burst...
    let greedy = statuses(proxy.clone(), vec!["198.51.100.1".to_string(); 8]).await;
    assert_eq!(&greedy[..3], [200, 200, 200], "{greedy:?}");
    assert!(greedy[4..].iter().all(|s| *s == 429), "{greedy:?}");
    // ...while the next citizen behind the same proxy is served, and a fake left part changes nothing.
    let other = statuses(proxy.clone(), vec!["198.51.100.2".to_string(); 3]).await;
    assert_eq!(other, [200, 200, 200]);
    let forged = statuses(proxy, vec!["203.0.113.5, 198.51.100.1".to_string(); 2]).await;
    assert_eq!(
        forged,
        [429, 429],
        "the proxy's own hop is the one believed"
    );
    // A client that is not a trusted proxy cannot dodge its limit by naming other addresses.
    let dodger = statuses(
        client_from([127, 0, 0, 3]),
        (0..8).map(|n| format!("192.0.2.{n}")).collect(),
    )
    .await;
    assert_eq!(&dodger[..3], [200, 200, 200], "{dodger:?}");
    assert!(dodger[4..].iter().all(|s| *s == 429), "{dodger:?}");
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_over_its_limit_gets_429_from_any_address_and_other_keys_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let policy = HttpPolicy {
        per_key_per_second: 1,
        per_key_burst: 3,
        ..Default::default()
    };
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    install(&carmen, "rivertown", "street-issue", &[]).await;
    let mut keys = Vec::new();
    for label in ["app one", "app two"] {
        let client = carmen_core::crm::people::create(
            &mut carmen.db().read().await.unwrap(),
            carmen_core::crm::people::Role::Client,
            carmen_core::crm::people::NewUser {
                city: Some("rivertown".into()),
                name: label.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        keys.push(
            carmen_core::crm::people::issue_token(
                &mut carmen.db().read().await.unwrap(),
                &client,
                "api",
                label,
            )
            .await
            .unwrap(),
        );
    }
    let host = TestHost::serve_with(carmen, policy).await;
    let post = |client: reqwest::Client, key: String| {
        let url = format!(
            "http://{}/open311/v2/cities/rivertown/requests.json",
            host.addr
        );
        async move {
            let form = [
                ("api_key", key.as_str()),
                ("service_code", "street-issue"),
                ("attribute[category]", "graffiti"),
                ("address_string", "Quay 1"),
            ];
            client.post(url).form(&form).send().await.unwrap()
        }
    };
    let mut statuses = Vec::new();
    for i in 0..6u8 {
        statuses.push(
            post(client_from([127, 0, 0, 10 + i]), keys[0].clone())
                .await
                .status()
                .as_u16(),
        );
    }
    // The burst of 3 passes from any address; then the key is refused (one more may pass if a
    // second went by meanwhile).
    assert_eq!(
        statuses[..3],
        [200, 200, 200],
        "one key, six addresses: {statuses:?}"
    );
    assert!(
        statuses[3..].iter().filter(|s| **s == 429).count() >= 2,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 429),
        "{statuses:?}"
    );
    let response = post(client_from([127, 0, 0, 30]), keys[1].clone()).await;
    assert_eq!(response.status(), 200, "another key is served");
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn over_the_concurrency_limit_requests_are_shed_with_503_and_service_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let policy = HttpPolicy {
        max_concurrent: 2,
        ..Default::default()
    };
    let host = host(dir.path(), policy).await;
    let url = host.url("/cities/rivertown/services/hostile/requests");
    let mut tasks = Vec::new();
    for i in 0..8u8 {
        let (client, url) = (client_from([127, 0, 1, i]), url.clone());
        tasks.push(tokio::spawn(async move {
            let response = client
                .post(url)
                .json(&json!({"fields": {"mode": "loop"}}))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let retry = response.headers().contains_key("retry-after");
            (status, retry)
        }));
    }
    let mut shed = 0;
    for task in tasks {
        let (status, retry) = task.await.unwrap();
        assert!(status == 503, "{status}");
        if retry {
            shed += 1;
        }
    }
    assert!(shed >= 1, "some requests were shed at once rather than run");
    let (status, _) = host.get("/cities/rivertown/services").await;
    assert_eq!(status, 200);
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_server_stays_up_under_slow_and_oversized_requests() {
    let dir = tempfile::tempdir().unwrap();
    let policy = HttpPolicy {
        request_timeout: Duration::from_secs(2),
        ..Default::default()
    };
    let host = host(dir.path(), policy).await;
    let started = Instant::now();

    // Slow clients: half a request each, then silence.
    let mut slow = Vec::new();
    for _ in 0..50 {
        let mut stream = tokio::net::TcpStream::connect(host.addr).await.unwrap();
        stream.write_all(b"POST /api/v1/cities/rivertown/services/street-issue/requests HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"fie").await.unwrap();
        slow.push(stream);
    }
    // Oversized bodies and headers, in parallel.
    let big = vec![b'x'; 2 * 1024 * 1024];
    let mut floods = Vec::new();
    for _ in 0..10 {
        let (client, url, big) = (
            reqwest::Client::new(),
            host.url("/cities/rivertown/services/street-issue/requests"),
            big.clone(),
        );
        floods.push(tokio::spawn(async move {
            match client
                .post(url)
                .header("content-type", "application/json")
                .body(big)
                .send()
                .await
            {
                Ok(response) => response.status().as_u16(),
                Err(_) => 413, // the server may close the connection before reading it all
            }
        }));
    }
    let response = host
        .client
        .get(host.url("/cities"))
        .header("x-padding", "y".repeat(20_000))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 431);

    // Meanwhile, ordinary requests are answered promptly.
    for _ in 0..5 {
        let asked = Instant::now();
        let (status, _) = host
            .post(
                "/cities/rivertown/services/street-issue/requests",
                &json!({"fields": {"category": "graffiti"}, "location": {"address": "Quay 1"}}),
            )
            .await;
        assert_eq!(status, 201);
        assert!(asked.elapsed() < Duration::from_secs(5));
    }
    for flood in floods {
        assert_eq!(flood.await.unwrap(), 413);
    }
    // The slow requests time out with 408 instead of holding their slot for ever.
    let mut answer = String::new();
    let mut first = slow.remove(0);
    let _ = tokio::time::timeout(Duration::from_secs(10), first.read_to_string(&mut answer)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    drop(slow);
    assert!(started.elapsed() < Duration::from_secs(30));
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cookie_sessions_need_same_origin_for_changes_and_cors_is_strict() {
    let dir = tempfile::tempdir().unwrap();
    let policy = HttpPolicy {
        cors_origins: vec!["https://app.rivertown.example".into()],
        ..Default::default()
    };
    let host = host(dir.path(), policy).await;
    let citizen = json!({"name": "Ada", "email": "ada@rivertown.example", "password": PASSWORD});
    let token = carmen_tests::api::new_citizen(&host, "rivertown", citizen).await;
    let cookie = format!("carmen_session={token}");
    let url = host.url("/cities/rivertown/services/street-issue/requests");
    let body =
        json!({"fields": {"category": "graffiti"}, "location": {"address": "Quay 1"}}).to_string();
    let send = |origin: Option<&str>, csrf: bool| {
        let mut request = host
            .client
            .post(&url)
            .header("cookie", &cookie)
            .header("content-type", "application/json")
            .body(body.clone());
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if csrf {
            request = request.header("x-carmen-csrf", "1");
        }
        request.send()
    };
    let refused = send(Some("https://evil.example"), false).await.unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["type"],
        "urn:carmen:problem:csrf"
    );
    assert_eq!(
        send(None, false).await.unwrap().status(),
        403,
        "no Origin, no header: refused"
    );
    assert_eq!(
        send(Some(&format!("http://{}", host.addr)), false)
            .await
            .unwrap()
            .status(),
        201,
        "same origin"
    );
    assert_eq!(
        send(None, true).await.unwrap().status(),
        201,
        "the CSRF header"
    );
    assert_eq!(
        send(Some("https://app.rivertown.example"), false)
            .await
            .unwrap()
            .status(),
        201,
        "an allowed origin"
    );

    // A route that does not use the cookie is not refused for carrying one: a client that keeps
    // its cookie jar can sign someone else in.
    let sign_in = host
        .client
        .post(host.url("/cities/rivertown/sessions"))
        .header("cookie", &cookie)
        .json(&json!({"email": "ada@rivertown.example", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(sign_in.status(), 201);
    // An ended session's cookie is no one: a public route serves its holder anonymously.
    let (status, _) = call(
        &host,
        Method::DELETE,
        "/sessions/current",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(
        send(None, true).await.unwrap().status(),
        201,
        "ended cookie: anonymous"
    );

    let preflight = |origin: &'static str| {
        host.client
            .request(
                reqwest::Method::OPTIONS,
                host.url("/cities/rivertown/cases"),
            )
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
    };
    let allowed = preflight("https://app.rivertown.example").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://app.rivertown.example"
    );
    let other = preflight("https://evil.example").await.unwrap();
    assert!(!other.headers().contains_key("access-control-allow-origin"));

    let response = host.client.get(host.url("/cities")).send().await.unwrap();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
    ] {
        assert_eq!(response.headers()[name], value);
    }
    assert!(
        response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn no_answer_carries_internal_detail() {
    let dir = tempfile::tempdir().unwrap();
    let host = host(dir.path(), HttpPolicy::default()).await;
    let mut answers = Vec::new();
    for mode in ["panic", "loop", "allocate", "recurse"] {
        answers.push(
            host.post(
                "/cities/rivertown/services/hostile/requests",
                &json!({"fields": {"mode": mode}}),
            )
            .await
            .1,
        );
    }
    answers.push(host.get("/cities/rivertown/requests/not-a-number").await.1);
    answers.push(
        host.post(
            "/cities/rivertown/services/street-issue/requests",
            &json!({"fields": {"category": ["a", {"b": 1}]}}),
        )
        .await
        .1,
    );
    let (_, _, raw) = host
        .post_raw(
            "/cities/rivertown/services/street-issue/requests",
            "application/json",
            b"{\"fields\": [".to_vec(),
        )
        .await;
    answers.push(raw);
    let response = host
        .client
        .get(format!(
            "http://{}/open311/v2/cities/rivertown/requests.json?start_date=%FF",
            host.addr
        ))
        .send()
        .await
        .unwrap();
    answers.push(Value::String(response.text().await.unwrap()));
    for answer in answers {
        let text = answer.to_string();
        for leak in [
            "/work/",
            "/root/",
            ".rs:",
            "sqlx",
            "SELECT ",
            "INSERT ",
            "panicked at",
            "stack backtrace",
            "wasmtime::",
        ] {
            assert!(!text.contains(leak), "{leak:?} in {text}");
        }
    }
    host.stop().await;
}

/// What one client gets from two nodes, asking each in turn `per_node` times within about three
/// seconds that start a window of `policy`'s limit: the statuses, in order.
async fn alternating(nodes: [&TestHost; 2], per_node: usize) -> Vec<u16> {
    // A window lasts 10 s, counted from the epoch: start at one's beginning so that the whole run
    // is in one window.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let into = Duration::from_millis((now.as_millis() % 10_000) as u64);
    if into > Duration::from_millis(200) {
        tokio::time::sleep(Duration::from_secs(10) - into + Duration::from_millis(100)).await;
    }
    let client = client_from([127, 0, 0, 1]);
    let mut statuses = Vec::new();
    for _ in 0..per_node {
        for node in nodes {
            let response = client.get(node.url("/cities")).send().await.unwrap();
            if response.status() == 429 {
                let wait: u64 = response.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((1..=10).contains(&wait), "Retry-After {wait}");
            }
            statuses.push(response.status().as_u16());
            tokio::time::sleep(Duration::from_millis(60)).await;
        }
    }
    statuses
}

#[tokio::test(flavor = "multi_thread")]
async fn two_nodes_on_one_postgres_hold_a_clients_limit_together_where_separate_nodes_each_allow_it_whole()
 {
    // 2 requests a second, bursts of 20: at most 20 in a window of 10 s, over every node.
    let policy = HttpPolicy {
        per_client_per_second: 2,
        per_client_burst: 20,
        ..Default::default()
    };
    let served = |statuses: &[u16]| statuses.iter().filter(|s| **s == 200).count();

    // The baseline: two nodes that share nothing each let the client make its whole burst.
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let apart = [
        TestHost::serve_with(carmen_tests::open_carmen(one.path()).await, policy.clone()).await,
        TestHost::serve_with(carmen_tests::open_carmen(two.path()).await, policy.clone()).await,
    ];
    let alone = alternating([&apart[0], &apart[1]], 22).await;
    assert_eq!(served(&alone), 44, "{alone:?}");

    // Two nodes on one PostgreSQL: the client's 44 requests pass its limit of 20 together.
    let (url, name) = carmen_tests::postgres::fresh_database().await;
    let dir = tempfile::tempdir().unwrap();
    let node = |cache: &str| {
        let (url, cache) = (url.clone(), dir.path().join(cache));
        let policy = policy.clone();
        async move {
            let carmen = carmen::runtime::Carmen::open(&url, &cache).await.unwrap();
            TestHost::serve_with(carmen, policy).await
        }
    };
    let (first, second) = (node("a").await, node("b").await);
    let together = alternating([&first, &second], 22).await;
    let got = served(&together);
    // Refused once the totals are over 20; a share every 250 ms lets a few more through first.
    assert!((20..=27).contains(&got), "{got} served: {together:?}");
    assert!(together[..20].iter().all(|s| *s == 200), "{together:?}");
    assert!(together[28..].iter().all(|s| *s == 429), "{together:?}");
    // Another client is not refused for it.
    let other = client_from([127, 0, 0, 2]);
    for node in [&first, &second] {
        let response = other.get(node.url("/cities")).send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
    eprintln!(
        "one client, 44 requests over two nodes, limit 20 per 10 s: {} served apart, {got} together",
        served(&alone)
    );
    drop((first, second));
    carmen_tests::postgres::drop_database(&name).await;
}
