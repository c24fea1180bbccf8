//! The scheduler: one install that cannot run never stops the others' ticks, and a tick still
//! running when the next round comes is not started twice.

use std::time::Duration;

use carmen::runtime::types::Limits;
use carmen_tests::{count_rows, install, install_hostile_with};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_install_does_not_stop_the_other_installs_ticks() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    for (slug, name) in [("aardvark", "Aardvark"), ("rivertown", "Rivertown")] {
        carmen_tests::add_city(&carmen, slug, name).await.unwrap();
    }
    let broken = install_hostile_with(
        &carmen,
        "aardvark",
        carmen_tests::HOSTILE_GRANTS,
        carmen_tests::HOSTILE_LIMITS,
    )
    .await
    .unwrap();
    install(&carmen, "rivertown", "document-reminder", &[]).await;
    let host = carmen_tests::TestHost::serve(carmen).await;
    let expires = time::OffsetDateTime::now_utc().date() + time::Duration::days(20);
    let (status, body) = host
        .post(
            "/cities/rivertown/services/document-reminder/requests",
            &json!({"fields": {"document": "passport", "expires-on": expires.to_string()}, "contact": {"email": "ada@example.org"}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    host.stop().await;

    // Aardvark's component is damaged in the store, and a new process has no compiled copy.
    let db = dir.path().join("carmen.db");
    let carmen = carmen::runtime::Carmen::open(&db.to_string_lossy(), &dir.path().join("cache-2"))
        .await
        .unwrap();
    sqlx::query("UPDATE components SET bytes = $1 WHERE digest = $2")
        .bind(b"\0asm broken".to_vec())
        .bind(&broken.digest)
        .execute(carmen.db.pool())
        .await
        .unwrap();
    let report = carmen.tick_all(carmen::db::now()).await.unwrap();
    assert_eq!(report.ticked, 1, "{report:?}");
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert_eq!(
        (report.failed[0].0.as_str(), report.failed[0].1.as_str()),
        ("aardvark", "hostile")
    );
    assert_eq!(
        count_rows(&carmen, "outbox", "rivertown").await,
        1,
        "Rivertown's reminder went out though Aardvark's install comes first and is broken"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tick_that_overruns_is_not_started_again_until_it_finished() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    let slow = Limits {
        deadline_ms: 1_500,
        ..carmen_tests::HOSTILE_LIMITS
    };
    install_hostile_with(&carmen, "rivertown", carmen_tests::HOSTILE_GRANTS, slow)
        .await
        .unwrap();
    install(&carmen, "rivertown", "street-issue", &[]).await;
    sqlx::query(
        "INSERT INTO kv (city, plugin, key, value, updated_at) VALUES ('rivertown', 'hostile', 'slow-tick', $1, 0)",
    )
    .bind(b"1".to_vec())
    .execute(carmen.db.pool())
    .await
    .unwrap();
    let first = tokio::spawn({
        let carmen = carmen.clone();
        async move { carmen.tick_all(carmen::db::now()).await.unwrap() }
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    let second = carmen.tick_all(carmen::db::now()).await.unwrap();
    assert_eq!(
        (second.ticked, second.skipped),
        (1, 1),
        "street-issue ticked again, the slow tick was not started twice: {second:?}"
    );
    let first = first.await.unwrap();
    assert_eq!(first.ticked, 1, "{first:?}");
    assert_eq!(first.failed.len(), 1, "the slow tick ran into its deadline");
    let third = carmen.tick_all(carmen::db::now()).await.unwrap();
    assert_eq!(third.skipped, 0, "once finished, it runs again: {third:?}");
}
