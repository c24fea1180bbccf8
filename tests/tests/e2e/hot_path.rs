//! The engine's hot path keeps its answers true: a description is kept only while nothing it
//! rests on can change, and `validate` and `submit` share one instance without sharing anything
//! with another request.

use carmen_tests::{HOSTILE_GRANTS, TestHost, install, install_hostile};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn a_description_is_kept_unless_it_read_the_store_and_never_crosses_cities() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    for (slug, name) in [("rivertown", "Rivertown"), ("hillcrest", "Hillcrest")] {
        carmen_tests::add_city(&carmen, slug, name).await.unwrap();
        install_hostile(&carmen, slug, HOSTILE_GRANTS)
            .await
            .unwrap();
    }
    install(&carmen, "rivertown", "street-issue", &[]).await;
    let host = TestHost::serve(carmen).await;
    let described = |city: &'static str, lang: &'static str| {
        let host = &host;
        async move {
            let (status, form) = host
                .get(&format!("/cities/{city}/services/hostile?lang={lang}"))
                .await;
            assert_eq!(status, 200, "{form}");
            form["description"].as_str().unwrap().to_string()
        }
    };
    let kept = |city: &'static str, lang: &'static str| {
        let (host, described) = (&host, &described);
        async move {
            let hits = host.carmen.engine().descriptions_kept_hits();
            let description = described(city, lang).await;
            (
                description,
                host.carmen.engine().descriptions_kept_hits() > hits,
            )
        }
    };

    // A description that reads nothing is kept: asked again, the plugin is not called.
    let hits = host.carmen.engine().descriptions_kept_hits();
    described("rivertown", "fr").await;
    described("rivertown", "fr").await;
    described("hillcrest", "fr").await;
    assert_eq!(host.carmen.engine().descriptions_kept_hits(), hits + 2);
    let (status, _) = host
        .get("/cities/rivertown/services/street-issue?lang=nl")
        .await;
    assert_eq!(status, 200);
    let (_, dutch) = host.get("/cities/rivertown/services?lang=nl").await;
    assert!(
        dutch.to_string().contains("Meld een probleem op straat"),
        "{dutch}"
    );

    // One that reads the store is asked every time, and reads its own city's store.
    assert_eq!(kept("rivertown", "x-store").await, ("mark: ".into(), false));
    assert_eq!(kept("rivertown", "x-store").await, ("mark: ".into(), false));
    let (status, answer) = host
        .post(
            "/cities/rivertown/services/hostile/requests",
            &json!({"fields": {"mode": "mark"}, "description": "rivertown's mark"}),
        )
        .await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(
        kept("rivertown", "x-store").await,
        ("mark: rivertown's mark".into(), false)
    );
    assert_eq!(kept("hillcrest", "x-store").await, ("mark: ".into(), false));
    host.stop().await;
}
