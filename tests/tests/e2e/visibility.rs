//! Private by default: a private request is invisible to the public in every view (JSON, Open311
//! JSON and XML, lists, single requests, updates), a public one shows none of its private parts,
//! and only whoever filed a booking — by account or by the booking's secret — can cancel it.

use carmen_tests::api::{PASSWORD, call, new_citizen, two_cities};
use carmen_tests::{TestHost, count_rows, install};
use reqwest::Method;
use serde_json::{Value, json};

const BULKY: &str = "/cities/rivertown/services/bulky-waste/requests";
const ADDRESS: &str = "Secret Lane 7";
const EMAIL: &str = "hidden.person@example.org";
const PHONE: &str = "+31 6 1111 2222";

/// Everything the public can fetch about the city's requests, in every format, as text.
async fn everything_public(host: &TestHost, ids: &[i64]) -> String {
    let client = reqwest::Client::new();
    let base = format!("http://{}", host.addr);
    let mut paths = vec![
        "/open311/v2/cities/rivertown/requests.json".to_string(),
        "/open311/v2/cities/rivertown/requests.xml".to_string(),
        "/open311/v2/cities/rivertown/servicerequestupdates.json".to_string(),
        "/open311/v2/cities/rivertown/servicerequestupdates.xml".to_string(),
        "/open311/v2/requests.json?jurisdiction_id=rivertown".to_string(),
    ];
    for id in ids {
        paths.push(format!("/api/v1/cities/rivertown/requests/{id}"));
        paths.push(format!("/open311/v2/cities/rivertown/requests/{id}.json"));
        paths.push(format!("/open311/v2/cities/rivertown/requests/{id}.xml"));
        paths.push(format!(
            "/open311/v2/cities/rivertown/requests.json?service_request_id={id}"
        ));
    }
    let mut all = String::new();
    for path in paths {
        let response = client.get(format!("{base}{path}")).send().await.unwrap();
        all.push_str(&format!("\n== {path} {}\n", response.status()));
        all.push_str(&response.text().await.unwrap());
    }
    all
}

#[tokio::test(flavor = "multi_thread")]
async fn the_public_sees_nothing_of_private_requests_and_only_the_public_part_of_public_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    install(&host.carmen, "rivertown", "bulky-waste", &[]).await;
    install(&host.carmen, "rivertown", "document-reminder", &[]).await;

    // A booking filed signed in, one filed anonymously, a reminder, and a public pothole report
    // with contact details.
    let booking = json!({"fields": {"items": ["sofa"]}, "location": {"address": ADDRESS}, "contact": {"email": EMAIL, "phone": PHONE}});
    let (status, mine) = call(
        &host,
        Method::POST,
        BULKY,
        Some(&p.river_citizen),
        Some(booking.clone()),
    )
    .await;
    assert_eq!(status, 201, "{mine}");
    let (status, anonymous) = host.post(BULKY, &booking).await;
    assert_eq!(status, 201, "{anonymous}");
    let expires = time::OffsetDateTime::now_utc().date() + time::Duration::days(100);
    let (status, reminder) = host
        .post(
            "/cities/rivertown/services/document-reminder/requests",
            &json!({"fields": {"document": "passport", "expires-on": expires.to_string()}, "contact": {"email": EMAIL}}),
        )
        .await;
    assert_eq!(status, 201, "{reminder}");
    let (status, pothole) = host
        .post(
            "/cities/rivertown/services/street-issue/requests",
            &json!({"fields": {"category": "pothole"}, "description": "Deep hole", "location": {"address": "Canal 1"}, "contact": {"name": "Pat Pothole", "email": EMAIL, "phone": PHONE}}),
        )
        .await;
    assert_eq!(status, 201, "{pothole}");
    let private = [&mine, &anonymous, &reminder].map(|r| r["id"].as_i64().unwrap());
    let public = pothole["id"].as_i64().unwrap();
    // Staff write on the private booking too: its updates must stay private as well.
    let (status, _) = call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/cases/{}/messages", private[1]),
        Some(&p.river_staff),
        Some(json!({"body": "Staff note about Secret Lane"})),
    )
    .await;
    assert_eq!(status, 201);

    let seen = everything_public(&host, &[private[0], private[1], private[2], public]).await;
    for secret_part in [
        ADDRESS,
        "Secret Lane",
        EMAIL,
        "+31611112222",
        "1111",
        "Pat Pothole",
        "BW-0000",
        "DR-0000",
        "passport",
        &expires.to_string(),
        "Thank you",
        "rs_",
    ] {
        assert!(
            !seen.contains(secret_part),
            "the public can see {secret_part:?}:\n{seen}"
        );
    }
    for id in private {
        let (status, _) = host.get(&format!("/cities/rivertown/requests/{id}")).await;
        assert_eq!(status, 404, "request {id} is private");
        let (status, _) = call(
            &host,
            Method::GET,
            &format!("/cities/rivertown/requests/{id}"),
            Some(&p.hill_citizen),
            None,
        )
        .await;
        assert_eq!(status, 404, "another citizen does not see request {id}");
    }
    // The public report is there, without its private parts.
    let (status, shown) = host
        .get(&format!("/cities/rivertown/requests/{public}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(shown["description"], "Deep hole");
    assert!(
        seen.contains("Deep hole") && seen.contains("Canal 1"),
        "{seen}"
    );

    // Whoever filed a request reads all of it: by account, or by its secret; staff read all.
    let (status, read) = call(
        &host,
        Method::GET,
        &format!("/cities/rivertown/requests/{}", private[0]),
        Some(&p.river_citizen),
        None,
    )
    .await;
    assert_eq!(
        (status, read["answer"]["reference"].as_str()),
        (200, Some("BW-000001"))
    );
    let secret = anonymous["secret"].as_str().unwrap();
    let (status, read) = host
        .get_with_secret(
            &format!("/cities/rivertown/requests/{}", private[1]),
            secret,
        )
        .await;
    assert_eq!(
        (status, read["location"]["address"].as_str()),
        (200, Some(ADDRESS))
    );
    let (status, _) = host
        .get_with_secret(
            &format!("/cities/rivertown/requests/{}", private[0]),
            secret,
        )
        .await;
    assert_eq!(status, 404, "one request's secret opens only that request");

    // The city decides: no locations in public, then no public reports at all.
    let path = format!("/cities/rivertown/requests/{public}");
    let (status, _) = call(
        &host,
        Method::PUT,
        "/cities/rivertown/settings",
        Some(&p.river_admin),
        Some(json!({"public_location": false})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, shown) = host.get(&path).await;
    assert_eq!((status, &shown["location"]), (200, &Value::Null), "{shown}");
    let (status, _) = call(
        &host,
        Method::PUT,
        "/cities/rivertown/services/street-issue/settings",
        Some(&p.river_admin),
        Some(json!({"public": false})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(host.get(&path).await.0, 404, "filed before, private now");
    assert!(
        !everything_public(&host, &[public])
            .await
            .contains("Deep hole")
    );
    let (status, _) = call(&host, Method::GET, &path, Some(&p.river_staff), None).await;
    assert_eq!(status, 200, "staff still see it");
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn only_whoever_made_a_booking_can_cancel_it() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    install(&host.carmen, "rivertown", "bulky-waste", &[]).await;
    let booking = json!({"fields": {"items": ["sofa"]}, "location": {"address": ADDRESS}});
    let (_, mine) = call(
        &host,
        Method::POST,
        BULKY,
        Some(&p.river_citizen),
        Some(booking.clone()),
    )
    .await;
    let (_, anonymous) = host.post(BULKY, &booking).await;
    let cancel = |booked: &Value| json!({"fields": {"cancel-reference": booked["answer"]["reference"]}, "location": {"address": ADDRESS}});
    let store = async || {
        sqlx::query_scalar::<_, String>(
            "SELECT group_concat(key || '=' || hex(value), ';') FROM kv WHERE city = 'rivertown'",
        )
        .fetch_one(host.carmen.db().pool())
        .await
        .unwrap()
    };
    let before = store().await;

    // Anyone knowing the reference and the address, another citizen, or the wrong secret: no.
    let other = new_citizen(
        &host,
        "rivertown",
        json!({"name": "Other", "email": "other@rivertown.example", "password": PASSWORD}),
    )
    .await;
    for booked in [&mine, &anonymous] {
        let (status, body) = host.post(BULKY, &cancel(booked)).await;
        assert_eq!(status, 422, "{body}");
        let (status, body) = call(
            &host,
            Method::POST,
            BULKY,
            Some(&other),
            Some(cancel(booked)),
        )
        .await;
        assert_eq!(status, 422, "{body}");
    }
    let (status, _) = host
        .post_with_secret(BULKY, &cancel(&mine), anonymous["secret"].as_str().unwrap())
        .await;
    assert_eq!(
        status, 422,
        "another booking's secret does not cancel this one"
    );
    assert_eq!(before, store().await, "nothing changed");

    // The maker cancels: by account, and by the booking's secret.
    let (status, body) = call(
        &host,
        Method::POST,
        BULKY,
        Some(&p.river_citizen),
        Some(cancel(&mine)),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = host
        .post_with_secret(
            BULKY,
            &cancel(&anonymous),
            anonymous["secret"].as_str().unwrap(),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        count_rows(&host.carmen, "kv", "rivertown").await,
        1,
        "only the booking counter is left"
    );
    host.stop().await;
}
