//! The same host on PostgreSQL: migrations, requests, per-city store entries and tenancy, on a real
//! server (CARMEN_TEST_POSTGRES, default postgres://postgres@127.0.0.1:5432/test), in a fresh database.

use carmen::runtime::Carmen;
use carmen_core::crm::cases::{self, CaseFilter, CaseStatus};
use carmen_core::crm::cities::{self, Map, QuietHours};
use carmen_core::crm::kv;
use carmen_tests::postgres::{drop_database, fresh_database};
use carmen_tests::{TestHost, install};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn the_host_runs_on_postgres_with_cities_kept_apart() {
    let (url, name) = fresh_database().await;
    let dir = tempfile::tempdir().unwrap();
    let carmen = Carmen::open(&url, dir.path()).await.unwrap();
    for (slug, city) in [("rivertown", "Rivertown"), ("hillcrest", "Hillcrest")] {
        carmen_tests::add_city(&carmen, slug, city).await.unwrap();
        install(&carmen, slug, "street-issue", &[]).await;
        install(&carmen, slug, "bulky-waste", &[("capacity-per-day", "1")]).await;
    }
    let host = TestHost::serve(carmen).await;
    let (status, made) = host
        .post(
            "/cities/rivertown/services/street-issue/requests",
            &json!({"fields": {"category": "pothole"}, "location": {"address": "Canal 1"}}),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_i64().unwrap();
    let (status, read) = host.get(&format!("/cities/rivertown/requests/{id}")).await;
    assert_eq!((status, read["status"].as_str()), (200, Some("submitted")));
    // The case and its first history row are written by one statement (a data-modifying WITH).
    let history = read["history"].as_array().unwrap();
    assert_eq!(history.len(), 1, "{read}");
    assert_eq!(history[0]["to"], "submitted", "{read}");
    // The next request is filed with the filing kept from the first, checked by the statement
    // that stores it: on PostgreSQL too, a route set in between is followed.
    assert!(
        host.carmen
            .filing_kept("rivertown", "street-issue", "pothole")
    );
    carmen_tests::route_to(
        &host.carmen,
        "rivertown",
        "street-issue",
        "pothole",
        "parks",
    )
    .await;
    // The first is filed again once its kept filing is found changed; the second with the new one.
    for _ in 0..2 {
        let (status, next) = host
            .post(
                "/cities/rivertown/services/street-issue/requests",
                &json!({"fields": {"category": "pothole"}, "location": {"address": "Canal 2"}}),
            )
            .await;
        assert_eq!(
            (status, &next["department"]),
            (201, &json!("parks")),
            "{next}"
        );
        let next_id = next["id"].as_i64().unwrap();
        let (_, read) = host
            .get(&format!("/cities/rivertown/requests/{next_id}"))
            .await;
        assert_eq!(read["history"].as_array().unwrap().len(), 1, "{read}");
    }
    assert_eq!(
        host.get(&format!("/cities/hillcrest/requests/{id}"))
            .await
            .0,
        404
    );

    let book = json!({"fields": {"items": ["sofa"]}, "location": {"address": "Mill 1"}});
    let (_, a) = host
        .post("/cities/rivertown/services/bulky-waste/requests", &book)
        .await;
    let (_, b) = host
        .post("/cities/hillcrest/services/bulky-waste/requests", &book)
        .await;
    assert_eq!(a["answer"]["reference"], "BW-000001");
    assert_eq!(
        b["answer"]["reference"], "BW-000001",
        "each city's counter is its own"
    );

    let db = &host.carmen.db();
    let mut conn = db.read().await.unwrap();
    let space = kv::Space {
        city: "rivertown",
        plugin: "bulky-waste",
    };
    assert_eq!(
        kv::list(&mut conn, &space, "booking/", None, 10)
            .await
            .unwrap(),
        ["booking/BW-000001"]
    );
    let filter = CaseFilter {
        status: Some(CaseStatus::Submitted),
        after_id: None,
        limit: 10,
    };
    assert_eq!(
        cases::list_in_service(&mut conn, "rivertown", "street-issue", &filter)
            .await
            .unwrap()
            .len(),
        3,
        "the first request and the two after the route"
    );
    assert_eq!(
        cases::list_in_service(
            &mut conn,
            "hillcrest",
            "street-issue",
            &CaseFilter {
                limit: 10,
                ..Default::default()
            }
        )
        .await
        .unwrap()
        .len(),
        0
    );
    let (moved, from) = cases::update_status(
        &mut conn,
        "rivertown",
        id,
        CaseStatus::Acknowledged,
        "staff:test",
        Some("seen"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        (moved.status, from),
        (CaseStatus::Acknowledged, CaseStatus::Submitted)
    );
    assert!(
        cases::update_status(
            &mut conn,
            "hillcrest",
            id,
            CaseStatus::InProgress,
            "staff:test",
            None,
            None
        )
        .await
        .is_err()
    );
    drop(conn);
    cities_read_back_whole_one_or_a_page_at_a_time(db).await;
    carmen_tests::store_checks::compare_and_swap_is_exact_and_per_city(db).await;
    carmen_tests::store_checks::two_calls_that_read_the_same_entry_cannot_both_commit(db).await;
    carmen_tests::store_checks::the_entry_limit_holds_per_city(db).await;
    host.stop().await;
    drop_database(&name).await;
}

/// A city with every optional column set, and one with none, read back the same alone and in a
/// page (the page is one JSON value PostgreSQL builds: its numbers, NULLs and order).
async fn cities_read_back_whole_one_or_a_page_at_a_time(db: &carmen_core::db::Db) {
    let mut conn = db.read().await.unwrap();
    let map = Map {
        tiles: "https://tiles.example/{z}/{x}/{y}.png".into(),
        latitude: 45.4371908,
        longitude: -12.25,
        zoom: 15,
    };
    cities::set_map(&mut conn, "rivertown", Some(&map))
        .await
        .unwrap();
    let quiet = QuietHours {
        start: 21,
        end: 7,
        utc_offset_minutes: -150,
    };
    cities::set_quiet_hours(&mut conn, "rivertown", Some(&quiet))
        .await
        .unwrap();
    cities::set_colour(&mut conn, "rivertown", Some("#0a5c36"))
        .await
        .unwrap();
    cities::set_time_zone(&mut conn, "rivertown", Some("Europe/Rome"))
        .await
        .unwrap();
    let full = cities::get(&mut conn, "rivertown").await.unwrap();
    assert_eq!(
        (
            full.map.as_ref(),
            full.quiet.as_ref(),
            full.colour.as_deref()
        ),
        (Some(&map), Some(&quiet), Some("#0a5c36"))
    );
    let bare = cities::get(&mut conn, "hillcrest").await.unwrap();
    assert_eq!(
        (bare.map, bare.quiet, bare.colour, bare.domain),
        (None, None, None, None)
    );
    let first = cities::page(&mut conn, None, 1).await.unwrap();
    let rest = cities::page(&mut conn, Some("hillcrest"), 5).await.unwrap();
    assert_eq!(
        first.iter().map(|c| c.slug.as_str()).collect::<Vec<_>>(),
        ["hillcrest"]
    );
    assert_eq!(rest, [full]);
    assert!(
        cities::page(&mut conn, Some("rivertown"), 5)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        cities::get(&mut conn, "nowhere").await,
        Err(carmen_core::crm::CrmError::NotFound(_))
    ));
}
