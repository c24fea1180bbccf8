//! City B cannot see or change city A's requests, store entries or outbox — through the API or through a plugin.

use carmen_core::crm::outbox;
use carmen_tests::{TestHost, count_rows, pickup_day};
use serde_json::json;

async fn two_cities(dir: &std::path::Path) -> TestHost {
    let bulky: &[(&str, &str)] = &[
        ("capacity-per-day", "1"),
        ("pickup-weekdays", "mon,tue,wed,thu,fri,sat,sun"),
    ];
    carmen_tests::two_cities_with(
        dir,
        &[
            ("street-issue", &[]),
            ("bulky-waste", bulky),
            ("document-reminder", &[]),
        ],
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn another_city_cannot_read_a_request_through_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let host = two_cities(dir.path()).await;
    let (status, made) = host
        .post(
            "/cities/rivertown/services/street-issue/requests",
            &json!({"fields": {"category": "pothole"}, "location": {"address": "Canal Street 1"}, "contact": {"email": "ada@example.org"}}),
        )
        .await;
    assert_eq!(status, 201);
    let id = made["id"].as_i64().unwrap();
    assert_eq!(
        host.get(&format!("/cities/rivertown/requests/{id}"))
            .await
            .0,
        200
    );
    let (status, body) = host.get(&format!("/cities/hillcrest/requests/{id}")).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["type"], "urn:carmen:problem:not-found");
    assert!(
        !body.to_string().contains("Canal Street"),
        "nothing of the request leaks in the error"
    );
    // The citizen's contact details are not part of the public view at all.
    let (_, own) = host.get(&format!("/cities/rivertown/requests/{id}")).await;
    assert!(!own.to_string().contains("ada@example.org"));
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn store_entries_are_kept_per_city() {
    let dir = tempfile::tempdir().unwrap();
    let host = two_cities(dir.path()).await;
    let book =
        |address: &str| json!({"fields": {"items": ["sofa"]}, "location": {"address": address}});

    let (_, a1) = host
        .post(
            "/cities/rivertown/services/bulky-waste/requests",
            &book("A 1"),
        )
        .await;
    let (_, a2) = host
        .post(
            "/cities/rivertown/services/bulky-waste/requests",
            &book("A 2"),
        )
        .await;
    assert_ne!(
        pickup_day(&a1),
        pickup_day(&a2),
        "capacity 1: the second Rivertown booking takes the next day"
    );
    assert_eq!(a2["answer"]["reference"], "BW-000002");

    let (_, b1) = host
        .post(
            "/cities/hillcrest/services/bulky-waste/requests",
            &book("B 1"),
        )
        .await;
    assert_eq!(
        pickup_day(&b1),
        pickup_day(&a1),
        "Hillcrest's first day is free whatever Rivertown booked"
    );
    assert_eq!(
        b1["answer"]["reference"], "BW-000001",
        "Hillcrest's counter is its own"
    );

    // Hillcrest cannot cancel a Rivertown booking, even with its reference and address.
    let cancel =
        json!({"fields": {"cancel-reference": "BW-000002"}, "location": {"address": "A 2"}});
    let (status, body) = host
        .post("/cities/hillcrest/services/bulky-waste/requests", &cancel)
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], "cancel-reference");
    let (status, body) = host
        .post_with_secret(
            "/cities/hillcrest/services/bulky-waste/requests",
            &cancel,
            a2["secret"].as_str().unwrap(),
        )
        .await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (422, Some("cancel-reference")),
        "nor with the Rivertown booking's secret"
    );
    let (status, _) = host
        .post_with_secret(
            "/cities/rivertown/services/bulky-waste/requests",
            &cancel,
            a2["secret"].as_str().unwrap(),
        )
        .await;
    assert_eq!(status, 201, "Rivertown's booker cancels their own booking");

    assert_eq!(
        count_rows(&host.carmen, "kv", "hillcrest").await,
        3,
        "seq, one day, one booking"
    );
    assert_eq!(
        count_rows(&host.carmen, "kv", "rivertown").await,
        3,
        "seq, one day left, one booking left"
    );
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn compare_and_swap_and_the_entry_limit_never_reach_another_city() {
    let dir = tempfile::tempdir().unwrap();
    let host = two_cities(dir.path()).await;
    let db = &host.carmen.db();
    carmen_tests::store_checks::compare_and_swap_is_exact_and_per_city(db).await;
    carmen_tests::store_checks::two_calls_that_read_the_same_entry_cannot_both_commit(db).await;
    carmen_tests::store_checks::the_entry_limit_holds_per_city(db).await;
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_outbox_is_kept_per_city() {
    let dir = tempfile::tempdir().unwrap();
    let host = two_cities(dir.path()).await;
    let in_ten_days = time::OffsetDateTime::now_utc().date() + time::Duration::days(10);
    let register = json!({
        "fields": {"document": "parking-permit", "expires-on": in_ten_days.to_string()},
        "contact": {"email": "ada@example.org"}
    });
    let (status, body) = host
        .post(
            "/cities/rivertown/services/document-reminder/requests",
            &register,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let report = host.carmen.tick_all(carmen_core::db::now()).await.unwrap();
    assert_eq!(report.ticked, 6);
    assert!(report.failed.is_empty());
    let rivertown = outbox::list(&mut host.carmen.db().read().await.unwrap(), "rivertown")
        .await
        .unwrap();
    assert_eq!(rivertown.len(), 1);
    assert_eq!(
        rivertown[0].recipient.email.as_deref(),
        Some("ada@example.org")
    );
    assert!(
        outbox::list(&mut host.carmen.db().read().await.unwrap(), "hillcrest")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(count_rows(&host.carmen, "outbox", "hillcrest").await, 0);
    host.stop().await;
}
