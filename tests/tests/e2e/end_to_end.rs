//! Two cities, the three real plugins, requests over a real port, and a restart.

use carmen::runtime::Carmen;
use carmen_tests::{TestHost, install};
use serde_json::{Value, json};

fn requests() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "rivertown",
            "street-issue",
            json!({
                "fields": {"category": "street-light"},
                "description": "Light out for a week",
                "location": {"latitude": 52.09, "longitude": 5.12},
            }),
        ),
        (
            "hillcrest",
            "street-issue",
            json!({
                "fields": {"category": "pothole", "photo-url": "https://photos.example.org/1.jpg"},
                "location": {"address": "School Lane 3"},
            }),
        ),
        (
            "rivertown",
            "bulky-waste",
            json!({"fields": {"items": ["sofa", "fridge"]}, "location": {"address": "Mill Road 8"}}),
        ),
        (
            "hillcrest",
            "bulky-waste",
            json!({"fields": {"items": "mattress"}, "location": {"address": "Hill Top 1"}}),
        ),
        (
            "rivertown",
            "document-reminder",
            json!({
                "fields": {"document": "passport", "expires-on": "2099-01-31"},
                "contact": {"email": "ada@example.org"},
            }),
        ),
        (
            "hillcrest",
            "document-reminder",
            json!({
                "fields": {"document": "identity-card", "expires-on": "2099-06-30"},
                "contact": {"phone": "+31 20 555 0100"},
                "language": "nl",
            }),
        ),
    ]
}

async fn set_up(dir: &std::path::Path) {
    let carmen = carmen_tests::open_carmen(dir).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    carmen_tests::add_city(&carmen, "hillcrest", "Hillcrest")
        .await
        .unwrap();
    for city in ["rivertown", "hillcrest"] {
        for plugin in ["street-issue", "bulky-waste", "document-reminder"] {
            install(&carmen, city, plugin, &[]).await;
        }
    }
    carmen.db().close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_cities_three_services_requests_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    set_up(dir.path()).await;

    let host = TestHost::start(dir.path()).await;
    let (status, list) = host.get("/cities/rivertown/services").await;
    assert_eq!(status, 200);
    let codes: Vec<&str> = list["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["bulky-waste", "document-reminder", "street-issue"]);

    let mut made = Vec::new();
    for (city, service, body) in requests() {
        let (status, created) = host
            .post(
                &format!("/cities/{city}/services/{service}/requests"),
                &body,
            )
            .await;
        assert_eq!(status, 201, "{city}/{service}: {created}");
        let id = created["id"].as_i64().unwrap();
        let secret = created["secret"].as_str().unwrap().to_string();
        // Its submitter reads it with the secret, whether or not the public may.
        let path = format!("/cities/{city}/requests/{id}");
        let (status, read) = host.get_with_secret(&path, &secret).await;
        assert_eq!(status, 200);
        assert_eq!(read["service"], service);
        assert_eq!(read["history"][0]["to"], read["status"]);
        let public = host.get(&path).await.0;
        assert_eq!(public, if service == "street-issue" { 200 } else { 404 });
        made.push((city, service, id, read, secret));
    }
    // street-issue opens cases routed by category; the others answer at once.
    assert_eq!(made[0].3["status"], "submitted");
    assert_eq!(made[0].3["department"], "public-lighting");
    assert_eq!(made[1].3["priority"], "high");
    assert!(made[1].3["due_at"].as_str().is_some());
    assert_eq!(made[2].3["status"], "closed");
    assert!(
        made[2].3["answer"]["reference"]
            .as_str()
            .unwrap()
            .starts_with("BW-")
    );
    assert!(
        made[5].3["answer"]["message"]
            .as_str()
            .unwrap()
            .contains("identiteitskaart")
    );
    host.stop().await;

    let host = TestHost::start(dir.path()).await;
    for (city, _, id, before, secret) in &made {
        let (status, after) = host
            .get_with_secret(&format!("/cities/{city}/requests/{id}"), secret)
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            &after, before,
            "request {id} of {city} changed across the restart"
        );
    }
    let (status, _) = host
        .post(
            "/cities/hillcrest/services/street-issue/requests",
            &requests()[1].2,
        )
        .await;
    assert_eq!(status, 201, "the restarted host takes new requests");
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_start_loads_compiled_components_from_the_disk_cache() {
    let dir = tempfile::tempdir().unwrap();
    set_up(dir.path()).await;
    // set_up compiled each of the three components once, whichever city installed it.
    let first = carmen_tests::open_carmen(dir.path()).await;
    first.warm().await.unwrap();
    let stats = first.engine().cache_stats();
    assert_eq!(
        (stats.compiled, stats.loaded_from_disk),
        (0, 3),
        "a fresh engine over a warm cache compiles nothing"
    );
    first.db().close().await;

    let cold = tempfile::tempdir().unwrap();
    let again = Carmen::open(
        &dir.path().join("carmen.db()").to_string_lossy(),
        cold.path(),
    )
    .await
    .unwrap();
    again.warm().await.unwrap();
    let stats = again.engine().cache_stats();
    assert_eq!(
        (stats.compiled, stats.loaded_from_disk),
        (3, 0),
        "an empty cache compiles each component once"
    );
    again.db().close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_large_component_answers_from_the_quick_tier_then_from_its_optimized_form() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    let engine = carmen.engine();
    // Every component counts as large here: the tiers seen with the small real plugins.
    engine.set_quick_tier_above(0);
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();

    // A component compiled quickly and then refused: its optimizing compile, queued behind the
    // quick one, must find it gone and leave nothing on disk.
    let refused = carmen_tests::plugin_wasm("bulky-waste");
    let refused_digest = carmen_core::crm::components::digest_of(&refused);
    let held = engine.hold(&refused_digest);
    let grants = carmen_core::crm::grants::Grants::parse("log").unwrap();
    engine
        .prepare(&refused_digest, &grants, async || Ok(refused))
        .await
        .unwrap_err();
    engine.discard(&held);
    drop(held);

    let paused = engine.pause_optimizing().await;
    let install = install(&carmen, "rivertown", "street-issue", &[]).await;
    assert!(engine.is_quick(&install.digest));
    assert_eq!(
        engine.cache_stats().compiled_quickly,
        2,
        "both compiled by the quick tier first"
    );
    let host = TestHost::serve(carmen.clone()).await;
    let path = "/cities/rivertown/services/street-issue/requests";
    let (status, body) = host.post(path, &requests()[0].2).await;
    assert_eq!(status, 201, "answers before its optimized form: {body}");
    assert!(engine.is_quick(&install.digest), "the quick tier answered");
    assert_eq!(engine.cache_stats().compiled, 0);
    assert_eq!(
        engine.compiled_on_disk().0,
        0,
        "a quick form is never written"
    );
    drop(paused);

    // The optimizer compiles one component at a time, in order: once street-issue's optimized
    // form is in place, the refused one's turn has passed.
    let waited = std::time::Instant::now();
    while engine.is_quick(&install.digest) {
        assert!(
            waited.elapsed() < std::time::Duration::from_secs(120),
            "the optimized form never came"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(engine.cache_stats().compiled, 1, "one optimizing compile");
    assert_eq!(
        engine.compiled_on_disk().0,
        1,
        "only the installed component's optimized form is on disk"
    );
    assert!(!engine.is_loaded(&refused_digest));
    let (status, body) = host.post(path, &requests()[0].2).await;
    assert_eq!(status, 201, "answers from its optimized form: {body}");
    host.stop().await;
    carmen.db().close().await;

    // A restart loads the optimized form: neither tier compiles again.
    let again = carmen_tests::open_carmen(dir.path()).await;
    again.engine().set_quick_tier_above(0);
    again.warm().await.unwrap();
    let stats = again.engine().cache_stats();
    assert_eq!(
        (
            stats.compiled,
            stats.compiled_quickly,
            stats.loaded_from_disk
        ),
        (0, 0, 1)
    );
    assert!(!again.engine().is_quick(&install.digest));
    again.db().close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_sets_up_cities_and_services() {
    use clap::Parser;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db").to_string_lossy().to_string();
    let wasm = carmen_tests::plugin_path("bulky-waste");
    let manifest = carmen_tests::workspace().join("plugins/bulky-waste/carmen.toml");
    let run = |args: Vec<String>| async move {
        carmen::cli::run(carmen::cli::Cli::try_parse_from(args).unwrap()).await
    };
    let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    run(s(&[
        "carmen",
        "city",
        "add",
        "rivertown",
        "--name",
        "Rivertown",
        "--db",
        &db,
    ]))
    .await
    .unwrap();
    let err = run(s(&[
        "carmen",
        "city",
        "add",
        "rivertown",
        "--name",
        "Again",
        "--db",
        &db,
    ]))
    .await
    .unwrap_err();
    assert!(format!("{err:#}").contains("exists already"), "{err:#}");
    let mut install = s(&[
        "carmen",
        "service",
        "install",
        "rivertown",
        &wasm.to_string_lossy(),
        "--grant",
        "store,config,log,requester,http",
    ]);
    install.extend(s(&[
        "--config",
        "capacity-per-day=3",
        "--manifest",
        &manifest.to_string_lossy(),
        "--db",
        &db,
    ]));
    run(install).await.unwrap();
    let carmen = Carmen::open(&db, &dir.path().join("cli.db.cache"))
        .await
        .unwrap();
    let installed = carmen_core::crm::installs::get(
        &mut carmen.db().read().await.unwrap(),
        "rivertown",
        "bulky-waste",
    )
    .await
    .unwrap();
    assert_eq!(installed.config["capacity-per-day"], "3");
    assert_eq!(
        installed.config["window-days"], "28",
        "defaults come from the manifest"
    );
    assert_eq!(
        installed.grants.to_string(),
        "store,config,log,requester,http"
    );
    carmen.db().close().await;
    let err = run(s(&[
        "carmen",
        "service",
        "install",
        "rivertown",
        "/nonexistent.wasm",
        "--db",
        &db,
    ]))
    .await
    .unwrap_err();
    assert!(format!("{err:#}").contains("cannot read"), "{err:#}");
    run(s(&[
        "carmen",
        "key",
        "issue",
        "rivertown",
        "--label",
        "Fix-it app",
        "--db",
        &db,
    ]))
    .await
    .unwrap();
    let err = run(s(&[
        "carmen",
        "key",
        "revoke",
        "rivertown",
        "0123456789abcdef",
        "--db",
        &db,
    ]))
    .await
    .unwrap_err();
    assert!(format!("{err:#}").contains("no key"), "{err:#}");
    let err = run(s(&[
        "carmen", "key", "issue", "atlantis", "--label", "x", "--db", &db,
    ]))
    .await
    .unwrap_err();
    assert!(format!("{err:#}").contains("atlantis"), "{err:#}");
    run(s(&["carmen", "operator", "init", "--db", &db]))
        .await
        .unwrap();
    let err = run(s(&["carmen", "operator", "init", "--db", &db]))
        .await
        .unwrap_err();
    assert!(
        format!("{err:#}").contains("an operator exists already"),
        "{err:#}"
    );
}
