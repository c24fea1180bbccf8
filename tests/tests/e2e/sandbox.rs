//! Hostile plugins: each misbehaviour fails its own call with a clear error, and the same server
//! keeps answering other requests correctly.

use carmen_tests::{TestHost, counted, install, install_hostile, install_hostile_with};
use serde_json::{Value, json};

async fn host_with_hostile(dir: &std::path::Path) -> TestHost {
    host_with_hostile_limits(dir, carmen_tests::HOSTILE_LIMITS).await
}

async fn host_with_hostile_limits(
    dir: &std::path::Path,
    limits: carmen_core::crm::installs::Limits,
) -> TestHost {
    let carmen = carmen_tests::open_carmen(dir).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    carmen_tests::add_city(&carmen, "hillcrest", "Hillcrest")
        .await
        .unwrap();
    install(&carmen, "rivertown", "street-issue", &[]).await;
    for city in ["rivertown", "hillcrest"] {
        install_hostile_with(&carmen, city, carmen_tests::HOSTILE_GRANTS, limits)
            .await
            .unwrap();
    }
    TestHost::serve(carmen).await
}

fn hostile(mode: &str) -> Value {
    json!({"fields": {"mode": mode}})
}

/// A good request to another service of the same city, answered correctly.
async fn still_serves(host: &TestHost) {
    let (status, body) = host
        .post(
            "/cities/rivertown/services/street-issue/requests",
            &json!({"fields": {"category": "graffiti"}, "location": {"address": "Town Hall"}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["department"], "cleaning");
    let (status, body) = host
        .post(
            "/cities/rivertown/services/hostile/requests",
            &hostile("ok"),
        )
        .await;
    assert_eq!(
        (status, body["answer"]["message"].as_str()),
        (201, Some("ok")),
        "the hostile plugin itself recovers"
    );
}

async fn expect_failure(host: &TestHost, mode: &str, detail_says: &str) {
    let (status, body) = host
        .post(
            "/cities/rivertown/services/hostile/requests",
            &hostile(mode),
        )
        .await;
    assert_eq!(status, 503, "{mode}: {body}");
    assert_eq!(
        body["type"], "urn:carmen:problem:service-failed",
        "{mode}: {body}"
    );
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains(detail_says),
        "{mode}: {detail:?} should say {detail_says:?}"
    );
    still_serves(host).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endless_loop_is_stopped_at_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let host = host_with_hostile(dir.path()).await;
    let long_before = counted("carmen_plugin_calls_long_total");
    let left_before = counted("carmen_plugin_calls_slow_on_callers_thread_total");
    let started = std::time::Instant::now();
    expect_failure(&host, "loop", "deadline of 300 ms").await;
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert!(
        counted("carmen_plugin_calls_long_total") > long_before,
        "the loop went on in the long calls' lane"
    );
    // A citizen's call starts on the server's thread that took the request; the loop was caught
    // within its first slice, and the server kept answering (`expect_failure`).
    assert!(
        counted("carmen_plugin_calls_slow_on_callers_thread_total") > left_before,
        "the loop was caught on its caller's thread"
    );
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unbounded_allocation_is_stopped_at_the_memory_cap() {
    let dir = tempfile::tempdir().unwrap();
    // A deadline long enough that the cap, not the clock, stops it on a loaded machine.
    let limits = carmen_core::crm::installs::Limits {
        deadline_ms: 5_000,
        ..carmen_tests::HOSTILE_LIMITS
    };
    let host = host_with_hostile_limits(dir.path(), limits).await;
    expect_failure(&host, "allocate", "memory cap of 33554432 bytes").await;
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unbounded_recursion_is_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let host = host_with_hostile(dir.path()).await;
    expect_failure(&host, "recurse", "overflowed its stack").await;
    expect_failure(
        &host,
        "recurse-in-memory",
        "overran its stack in linear memory",
    )
    .await;
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panic_fails_the_call_with_the_plugins_message() {
    let dir = tempfile::tempdir().unwrap();
    let host = host_with_hostile(dir.path()).await;
    expect_failure(&host, "panic", "panics on purpose").await;
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn megabytes_on_stdout_are_bounded_and_the_call_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    // 4,096 writes through WASI take their time in a debug build on a busy machine: the deadline
    // here is generous, because what this test pins is the bound on output, not speed.
    let limits = carmen_core::crm::installs::Limits {
        deadline_ms: 20_000,
        ..carmen_tests::HOSTILE_LIMITS
    };
    let host = host_with_hostile_limits(dir.path(), limits).await;
    let (status, body) = host
        .post(
            "/cities/rivertown/services/hostile/requests",
            &hostile("flood-stdout"),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["answer"]["message"], "flooded 4 MiB");
    still_serves(&host).await;
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ungranted_capability_is_refused_at_install_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let err = install_hostile(&carmen, "rivertown", "log")
        .await
        .unwrap_err()
        .to_string();
    let took = started.elapsed();
    assert!(
        err.contains("`cases`") && err.contains("carmen:city/cases@0.1.2"),
        "{err}"
    );
    // Read from the bytes before compiling: nothing was compiled, the cache holds nothing.
    assert_eq!(
        carmen.engine().cache_stats().compiled,
        0,
        "refused before compiling"
    );
    assert_eq!(
        carmen.engine().compiled_on_disk(),
        (0, 0),
        "the cache holds nothing of it"
    );
    assert!(took.as_millis() < 500, "refused in {took:?}");
    assert!(
        carmen_core::crm::installs::list(&mut carmen.db().read().await.unwrap(), "rivertown")
            .await
            .unwrap()
            .is_empty(),
        "nothing was installed"
    );
    // The manifest of street-issue asks for config and log; a grant without config is refused too.
    let manifest = carmen_tests::manifest("street-issue");
    let request = carmen::runtime::install::InstallRequest {
        hosts: Vec::new(),
        grants: carmen_core::crm::grants::Grants::parse("log").unwrap(),
        manifest: Some(manifest),
        ..Default::default()
    };
    let err = carmen
        .install(
            &carmen.console().admin_of("rivertown"),
            &carmen_tests::plugin_wasm("street-issue"),
            request,
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("`config`"), "{err}");
    let host = TestHost::serve(carmen).await;
    let (status, _) = host.get("/cities/rivertown/services").await;
    assert_eq!(status, 200, "the host still serves");
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plugin_cannot_read_or_change_another_citys_case() {
    let dir = tempfile::tempdir().unwrap();
    let host = host_with_hostile(dir.path()).await;
    let (_, theirs) = host
        .post(
            "/cities/rivertown/services/street-issue/requests",
            &json!({"fields": {"category": "pothole"}, "location": {"address": "Canal Street 1"}}),
        )
        .await;
    let theirs = theirs["id"].as_i64().unwrap();
    // A request of hillcrest's own hostile service is visible to it: the probe works.
    let (_, own) = host
        .post(
            "/cities/hillcrest/services/hostile/requests",
            &hostile("ok"),
        )
        .await;
    let own = own["id"].as_i64().unwrap();
    let peek = |id: i64| json!({"fields": {"mode": "peek-case", "case-id": id}});
    let (_, seen) = host
        .post("/cities/hillcrest/services/hostile/requests", &peek(own))
        .await;
    assert_eq!(
        seen["answer"]["message"],
        format!("found case {own}: Hostile test service")
    );

    let (_, seen) = host
        .post("/cities/hillcrest/services/hostile/requests", &peek(theirs))
        .await;
    assert_eq!(
        seen["answer"]["message"], "not-found",
        "another city's case"
    );
    let (_, seen) = host
        .post("/cities/rivertown/services/hostile/requests", &peek(theirs))
        .await;
    assert_eq!(
        seen["answer"]["message"], "not-found",
        "another service's case in the same city"
    );

    let poke = json!({"fields": {"mode": "poke-case", "case-id": theirs}});
    let (_, poked) = host
        .post("/cities/hillcrest/services/hostile/requests", &poke)
        .await;
    assert_eq!(
        poked["answer"]["message"],
        "status: Err(HostError::NotFound); note: Err(HostError::NotFound)"
    );
    let (_, after) = host
        .get(&format!("/cities/rivertown/requests/{theirs}"))
        .await;
    assert_eq!(after["status"], "submitted");
    assert_eq!(after["history"].as_array().unwrap().len(), 1);
    let notes = carmen_core::crm::cases::notes(
        &mut host.carmen.db().read().await.unwrap(),
        "rivertown",
        theirs,
    )
    .await
    .unwrap();
    assert!(notes.is_empty());
    host.stop().await;
}
