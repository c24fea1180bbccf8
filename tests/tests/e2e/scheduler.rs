//! The scheduler: one install that cannot run never stops the others' ticks, and a tick still
//! running when the next round comes is not started twice; nodes sharing a database share a
//! scheduled round.

use std::time::Duration;

use carmen::runtime::Carmen;
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
    let db = dir.path().join("carmen.db()");
    let carmen = carmen::runtime::Carmen::open(&db.to_string_lossy(), &dir.path().join("cache-2"))
        .await
        .unwrap();
    sqlx::query("UPDATE components SET bytes = $1 WHERE digest = $2")
        .bind(b"\0asm broken".to_vec())
        .bind(&broken.digest)
        .execute(carmen.db().pool())
        .await
        .unwrap();
    let report = carmen.tick_all(carmen_core::db::now()).await.unwrap();
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
    .execute(carmen.db().pool())
    .await
    .unwrap();
    let first = tokio::spawn({
        let carmen = carmen.clone();
        async move { carmen.tick_all(carmen_core::db::now()).await.unwrap() }
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    let second = carmen.tick_all(carmen_core::db::now()).await.unwrap();
    assert_eq!(
        (second.ticked, second.skipped),
        (1, 1),
        "street-issue ticked again, the slow tick was not started twice: {second:?}"
    );
    let first = first.await.unwrap();
    assert_eq!(first.ticked, 1, "{first:?}");
    assert_eq!(first.failed.len(), 1, "the slow tick ran into its deadline");
    let third = carmen.tick_all(carmen_core::db::now()).await.unwrap();
    assert_eq!(third.skipped, 0, "once finished, it runs again: {third:?}");
}

/// Two nodes on one database run the same scheduled round: each due install is ticked once, by
/// one of them; a round is not due again until its interval passed.
async fn two_nodes_tick_each_due_install_once(location: &str, dir: &std::path::Path) {
    let first = Carmen::open(location, &dir.join("cache-1")).await.unwrap();
    for n in 0..6 {
        let city = format!("city-{n}");
        carmen_tests::add_city(&first, &city, &city).await.unwrap();
        carmen_tests::install(&first, &city, "street-issue", &[]).await;
        carmen_tests::install(&first, &city, "document-reminder", &[]).await;
    }
    let second = Carmen::open(location, &dir.join("cache-2")).await.unwrap();
    let every = 60;
    let now = carmen_core::db::now();
    for (at, expected) in [(now, 12), (now + 1, 0), (now + every, 12)] {
        let (one, two) = tokio::join!(first.tick_due(at, every), second.tick_due(at, every));
        let (one, two) = (one.unwrap(), two.unwrap());
        assert!(
            one.failed.is_empty() && two.failed.is_empty(),
            "at {at}: failed {:?} and {:?}",
            one.failed,
            two.failed
        );
        assert_eq!(
            one.ticked + two.ticked,
            expected,
            "at {at}: {} + {} ticks",
            one.ticked,
            two.ticked
        );
    }
    first.close().await;
    second.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_nodes_on_one_sqlite_file_tick_each_due_install_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir
        .path()
        .join("carmen.db()")
        .to_string_lossy()
        .into_owned();
    two_nodes_tick_each_due_install_once(&db, dir.path()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_nodes_on_one_postgres_tick_each_due_install_once() {
    let (url, name) = carmen_tests::postgres::fresh_database().await;
    let dir = tempfile::tempdir().unwrap();
    two_nodes_tick_each_due_install_once(&url, dir.path()).await;
    carmen_tests::postgres::drop_database(&name).await;
}
