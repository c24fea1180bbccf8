//! Every `carmen:city` version the host ever accepted stays served: a component built against 0.1.0
//! installs from a file and from the registry, runs and keeps its store, beside components built
//! against 0.1.2 — and in each city apart.

use carmen_registry::client::RegistryClient;
use carmen_registry::server::Registration;
use carmen_tests::{TestHost, install, plugin_wasm};
use serde_json::json;

const COUNTER: &str = "/cities/rivertown/services/legacy-counter/requests";

#[tokio::test(flavor = "multi_thread")]
async fn a_component_built_against_the_first_contract_runs_beside_the_newest() {
    let legacy = carmen_registry::package::inspect(&plugin_wasm("legacy-counter")).unwrap();
    let newest = carmen_registry::package::inspect(&plugin_wasm("bulky-waste")).unwrap();
    assert_eq!(
        (legacy.contract.as_str(), newest.contract.as_str()),
        ("0.1.0", "0.1.2")
    );
    assert!(
        legacy
            .imports
            .contains(&"carmen:city/store@0.1.0".to_string()),
        "{:?}",
        legacy.imports
    );

    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    for (slug, name) in [("rivertown", "Rivertown"), ("hillcrest", "Hillcrest")] {
        carmen_tests::add_city(&carmen, slug, name).await.unwrap();
        install(&carmen, slug, "legacy-counter", &[]).await;
    }
    install(&carmen, "rivertown", "bulky-waste", &[]).await;
    let host = TestHost::serve(carmen).await;
    for expected in 1..=3 {
        let (status, body) = host
            .post(COUNTER, &json!({"fields": {"visitor": "Ada"}}))
            .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["answer"]["reference"], format!("V-{expected}"));
    }
    let (status, body) = host
        .post(
            "/cities/hillcrest/services/legacy-counter/requests",
            &json!({"fields": {"visitor": "Bo"}}),
        )
        .await;
    assert_eq!(
        (status, body["answer"]["reference"].as_str()),
        (201, Some("V-1")),
        "Hillcrest counts its own"
    );
    let (status, body) = host
        .post(
            "/cities/rivertown/services/bulky-waste/requests",
            &json!({"fields": {"items": ["sofa"]}, "location": {"address": "Elm 1"}}),
        )
        .await;
    assert_eq!(status, 201, "the 0.1.1 service beside it: {body}");
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_registry_takes_and_serves_a_first_contract_component() {
    let dir = tempfile::tempdir().unwrap();
    let (_, url) = carmen_tests::serve_registry(dir.path(), Registration::Open).await;
    let client = RegistryClient::new(&url);
    let (secret, public) = carmen_registry::signing::generate();
    let token = client
        .register_publisher("tests", "rivertown", &public)
        .await
        .unwrap();
    let manifest = std::fs::read_to_string(
        carmen_tests::workspace().join("plugins/legacy-counter/carmen.toml"),
    )
    .unwrap();
    let published = client
        .publish(&token, &secret, &manifest, &plugin_wasm("legacy-counter"))
        .await
        .unwrap();
    assert_eq!(
        (
            published.contract.as_str(),
            published.capabilities.as_slice()
        ),
        ("0.1.0", &["store".to_string()][..])
    );

    // A later version of the package targets 0.1.2. A host that serves only 0.1.0 is offered the
    // version it can run; one that serves 0.1.2 gets the newest.
    let newer = manifest
        .replace("version = \"0.1.0\"", "version = \"0.2.0\"")
        .replace("contract = \"0.1.0\"", "contract = \"0.1.2\"")
        .replace(
            "capabilities = [\"store\"]",
            "capabilities = [\"config\", \"log\"]",
        );
    client
        .publish(&token, &secret, &newer, &plugin_wasm("street-issue"))
        .await
        .unwrap();
    let offered = async |requirement: &str, contracts: &[&str]| {
        client
            .resolve("legacy-counter", requirement, contracts)
            .await
            .map(|v| v.version)
            .map_err(|e| e.to_string())
    };
    assert_eq!(offered("*", &["0.1.0"]).await.unwrap(), "0.1.0");
    assert_eq!(offered("*", &["0.1.0", "0.1.2"]).await.unwrap(), "0.2.0");
    assert_eq!(offered("*", &[]).await.unwrap(), "0.2.0");
    let err = offered("^0.2", &["0.1.0"]).await.unwrap_err();
    assert!(err.contains("404") && err.contains("newer host"), "{err}");

    let carmen = carmen_tests::open_carmen(dir.path())
        .await
        .with_registry(Some(url.clone()));
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    carmen
        .install_from_registry(
            &carmen.console().admin_of("rivertown"),
            "legacy-counter",
            "^0.1",
            carmen_core::crm::grants::Grants::parse("store").unwrap(),
            Default::default(),
            false,
        )
        .await
        .unwrap();
    let host = TestHost::serve(carmen).await;
    let (status, body) = host
        .post(COUNTER, &json!({"fields": {"visitor": "Ada"}}))
        .await;
    assert_eq!(
        (status, body["answer"]["reference"].as_str()),
        (201, Some("V-1")),
        "{body}"
    );
    host.stop().await;
}
