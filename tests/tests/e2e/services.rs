//! The three real services behave as their citizens expect.

use carmen_core::crm::{kv, outbox};
use carmen_tests::{TestHost, install, pickup_day};
use serde_json::json;

async fn host(dir: &std::path::Path, bulky: &[(&str, &str)]) -> TestHost {
    let carmen = carmen_tests::open_carmen(dir).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    install(&carmen, "rivertown", "bulky-waste", bulky).await;
    install(&carmen, "rivertown", "document-reminder", &[]).await;
    install(
        &carmen,
        "rivertown",
        "street-issue",
        &[
            ("department.pothole", "public-works"),
            ("sla-hours.pothole", "24"),
        ],
    )
    .await;
    TestHost::serve(carmen).await
}

const BULKY: &str = "/cities/rivertown/services/bulky-waste/requests";

#[tokio::test(flavor = "multi_thread")]
async fn bulky_waste_refuses_when_no_day_is_free_and_a_cancellation_frees_the_slot() {
    let dir = tempfile::tempdir().unwrap();
    // Two collection days in the window (lead 0, window 1, every weekday), one pickup each.
    let host = host(
        dir.path(),
        &[
            ("capacity-per-day", "1"),
            ("window-days", "1"),
            ("lead-days", "0"),
            ("pickup-weekdays", "mon,tue,wed,thu,fri,sat,sun"),
        ],
    )
    .await;
    let book = |address: &str| json!({"fields": {"items": ["wardrobe"]}, "location": {"address": address}});
    let (s1, first) = host.post(BULKY, &book("Elm 1")).await;
    let (s2, _) = host.post(BULKY, &book("Elm 2")).await;
    assert_eq!((s1, s2), (201, 201));
    let (status, full) = host.post(BULKY, &book("Elm 3")).await;
    assert_eq!(status, 422, "{full}");
    assert_eq!(
        full["errors"][0]["message"],
        "No pickup day is free in the next 1 day; please try again later."
    );

    let reference = first["answer"]["reference"].as_str().unwrap();
    let secret = first["secret"].as_str().unwrap();
    let cancel =
        json!({"fields": {"cancel-reference": reference}, "location": {"address": "Elm 1"}});
    // Knowing the reference and the address is not enough: only whoever booked may cancel.
    let (status, wrong) = host.post(BULKY, &cancel).await;
    assert_eq!(
        (status, wrong["errors"][0]["field"].as_str()),
        (422, Some("cancel-reference")),
        "{wrong}"
    );
    let second_secret = host.post(BULKY, &book("Elm 4")).await.1["secret"].clone();
    assert!(second_secret.is_null(), "a refused booking has no secret");
    let (status, _) = host
        .post_with_secret(BULKY, &cancel, "rs_00000000000000000000000000000000")
        .await;
    assert_eq!(status, 422, "another secret proves nothing");
    let (status, cancelled) = host.post_with_secret(BULKY, &cancel, secret).await;
    assert_eq!(status, 201, "{cancelled}");
    assert!(
        cancelled["answer"]["message"]
            .as_str()
            .unwrap()
            .contains("cancelled")
    );
    let (status, again) = host.post(BULKY, &book("Elm 3")).await;
    assert_eq!(status, 201, "the freed slot is booked: {again}");
    assert_eq!(pickup_day(&again), pickup_day(&first));
    host.stop().await;
}

/// Sends every body to the bulky-waste service at once; the answers in the order of the bodies.
async fn all_at_once(
    host: &std::sync::Arc<TestHost>,
    bodies: Vec<(serde_json::Value, Option<String>)>,
) -> Vec<(u16, serde_json::Value)> {
    let mut calls = tokio::task::JoinSet::new();
    for (n, (body, secret)) in bodies.into_iter().enumerate() {
        let host = host.clone();
        calls.spawn(async move {
            let answer = match secret {
                Some(secret) => host.post_with_secret(BULKY, &body, &secret).await,
                None => host.post(BULKY, &body).await,
            };
            (n, answer)
        });
    }
    let mut answers = calls.join_all().await;
    answers.sort_by_key(|(n, _)| *n);
    answers.into_iter().map(|(_, answer)| answer).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn citizens_booking_at_the_same_moment_never_get_the_same_place_or_number() {
    let dir = tempfile::tempdir().unwrap();
    // Two collection days, three pickups each: six places for twenty citizens at once.
    let host = host(
        dir.path(),
        &[
            ("capacity-per-day", "3"),
            ("window-days", "1"),
            ("lead-days", "0"),
            ("pickup-weekdays", "mon,tue,wed,thu,fri,sat,sun"),
        ],
    )
    .await;
    let host = std::sync::Arc::new(host);
    let book =
        |address: String| json!({"fields": {"items": ["sofa"]}, "location": {"address": address}});
    let answers = all_at_once(
        &host,
        (0..20).map(|n| (book(format!("Oak {n}")), None)).collect(),
    )
    .await;
    let mut booked = Vec::new();
    for (n, (status, body)) in answers.iter().enumerate() {
        match status {
            201 => booked.push((n, body)),
            422 => assert!(
                body["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("No pickup day is free"),
                "{body}"
            ),
            _ => panic!("unexpected {status}: {body}"),
        }
    }
    assert_eq!(booked.len(), 6, "exactly the six places are given");
    let references: std::collections::BTreeSet<_> = booked
        .iter()
        .map(|(_, b)| b["answer"]["reference"].as_str().unwrap())
        .collect();
    assert_eq!(
        references.len(),
        6,
        "every booking has its own number: {references:?}"
    );
    let mut per_day = std::collections::BTreeMap::<String, u32>::new();
    for (_, body) in &booked {
        *per_day.entry(pickup_day(body)).or_default() += 1;
    }
    assert_eq!(
        per_day.values().copied().collect::<Vec<_>>(),
        [3, 3],
        "{per_day:?}"
    );

    // The same cancellation sent three times at once frees one place, not three.
    let (n, first) = booked[0];
    let cancel = json!({"fields": {"cancel-reference": first["answer"]["reference"]}, "location": {"address": format!("Oak {n}")}});
    let secret = first["secret"].as_str().map(str::to_string);
    let answers = all_at_once(
        &host,
        vec![
            (cancel.clone(), secret.clone()),
            (cancel.clone(), secret.clone()),
            (cancel, secret),
        ],
    )
    .await;
    let statuses: Vec<u16> = answers.iter().map(|(status, _)| *status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{answers:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 422).count(),
        2,
        "{answers:?}"
    );
    let answers = all_at_once(
        &host,
        (20..23).map(|n| (book(format!("Oak {n}")), None)).collect(),
    )
    .await;
    let rebooked: Vec<_> = answers
        .iter()
        .filter(|(status, _)| *status == 201)
        .collect();
    assert_eq!(rebooked.len(), 1, "one place was freed: {answers:?}");
    assert_eq!(
        pickup_day(&rebooked[0].1),
        pickup_day(first),
        "on the day of the cancelled booking"
    );
    std::sync::Arc::into_inner(host).unwrap().stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_booking_that_cannot_be_saved_gives_its_place_back() {
    let dir = tempfile::tempdir().unwrap();
    let host = host(
        dir.path(),
        &[
            ("capacity-per-day", "2"),
            ("window-days", "1"),
            ("lead-days", "0"),
            ("pickup-weekdays", "mon,tue,wed,thu,fri,sat,sun"),
        ],
    )
    .await;
    let book =
        |address: &str| json!({"fields": {"items": ["sofa"]}, "location": {"address": address}});
    let (status, first) = host.post(BULKY, &book("Elm 1")).await;
    assert_eq!(status, 201, "{first}");
    let day = pickup_day(&first);
    let space = kv::Space {
        city: "rivertown",
        plugin: "bulky-waste",
    };
    let db = &host.carmen.db();
    let taken = async || {
        kv::get(&mut db.read().await.unwrap(), &space, &format!("day/{day}"))
            .await
            .unwrap()
    };
    assert_eq!(taken().await.as_deref(), Some(&b"1"[..]));

    // The service's store is full: the place is taken, but the booking cannot be written.
    let used = carmen_tests::count_rows(&host.carmen, "kv", "rivertown").await;
    carmen_tests::store_checks::fill(db, &space, "filler/", kv::MAX_ENTRIES - used).await;
    let (status, body) = host.post(BULKY, &book("Elm 2")).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["errors"][0]["message"],
        "the booking could not be saved; please try again"
    );
    assert_eq!(
        taken().await.as_deref(),
        Some(&b"1"[..]),
        "the place was given back"
    );

    // With room again, the last place of the day is there to book.
    let removed = sqlx::query("DELETE FROM kv WHERE city = 'rivertown' AND key LIKE 'filler/%'")
        .execute(db.pool())
        .await
        .unwrap();
    assert!(removed.rows_affected() > 0);
    let (status, again) = host.post(BULKY, &book("Elm 2")).await;
    assert_eq!((status, pickup_day(&again)), (201, day.clone()), "{again}");
    let (status, next) = host.post(BULKY, &book("Elm 3")).await;
    assert_eq!(status, 201, "{next}");
    assert_ne!(
        pickup_day(&next),
        day,
        "and then that day is full: two places, two bookings"
    );
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn document_reminders_go_30_and_7_days_before_each_once() {
    let dir = tempfile::tempdir().unwrap();
    let host = host(dir.path(), &[]).await;
    let now = carmen_core::db::now();
    let today = time::OffsetDateTime::from_unix_timestamp(now)
        .unwrap()
        .date();
    let expires = today + time::Duration::days(40);
    let (status, body) = host
        .post(
            "/cities/rivertown/services/document-reminder/requests",
            &json!({"fields": {"document": "passport", "expires-on": expires.to_string()}, "contact": {"name": "Ada", "email": "ada@example.org"}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(
        body["answer"]["message"]
            .as_str()
            .unwrap()
            .contains(&format!(
                "{} {} {}",
                expires.day(),
                expires.month(),
                expires.year()
            ))
    );

    let day = 86_400;
    let sent = async |at: i64| {
        let report = host.carmen.tick_all(at).await.unwrap();
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        outbox::list(&mut host.carmen.db().read().await.unwrap(), "rivertown")
            .await
            .unwrap()
    };
    assert_eq!(sent(now).await.len(), 0, "40 days before: nothing yet");
    assert_eq!(
        sent(now + 9 * day).await.len(),
        0,
        "31 days before: nothing yet"
    );
    let messages = sent(now + 10 * day).await;
    assert_eq!(messages.len(), 1, "30 days before: the first reminder");
    assert_eq!(messages[0].subject, "Your passport expires in 30 days");
    assert_eq!(messages[0].channel, "email");
    assert_eq!(sent(now + 11 * day).await.len(), 1, "sent once");
    assert_eq!(
        sent(now + 33 * day).await.len(),
        2,
        "7 days before: the second reminder"
    );
    assert_eq!(sent(now + 34 * day).await.len(), 2, "sent once");
    assert_eq!(sent(now + 45 * day).await.len(), 2, "nothing after expiry");
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn street_issues_are_routed_by_category_with_the_citys_settings() {
    let dir = tempfile::tempdir().unwrap();
    let host = host(dir.path(), &[]).await;
    let report = |category: &str| json!({"fields": {"category": category}, "location": {"latitude": 51.5, "longitude": -0.12}});
    let (status, pothole) = host
        .post(
            "/cities/rivertown/services/street-issue/requests",
            &report("pothole"),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(
        pothole["department"], "public-works",
        "the city's own routing"
    );
    assert_eq!(pothole["priority"], "high");
    assert_eq!(pothole["title"], "Pothole at 51.50000, -0.12000");
    let created = time::OffsetDateTime::parse(
        pothole["created_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let due = time::OffsetDateTime::parse(
        pothole["due_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(
        (due - created).whole_hours() >= 23 && (due - created).whole_hours() <= 24,
        "due from the city's 24 h SLA"
    );
    let (_, dumping) = host
        .post(
            "/cities/rivertown/services/street-issue/requests",
            &report("illegal-dumping"),
        )
        .await;
    assert_eq!(
        (dumping["department"].as_str(), dumping["priority"].as_str()),
        (Some("cleaning"), Some("normal"))
    );

    let (status, form) = host
        .get("/cities/rivertown/services/street-issue?lang=nl")
        .await;
    assert_eq!(status, 200);
    assert_eq!(form["language"], "nl");
    assert_eq!(form["fields"][0]["datatype"], "singlevaluelist");
    assert_eq!(form["fields"][0]["values"][0]["name"], "Gat in de weg");
    assert_eq!(form["location"], "required");
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cities_are_listed_a_bounded_page_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    for slug in ["avon", "brook", "cedar", "dale", "elm"] {
        carmen_tests::add_city(&carmen, slug, slug).await.unwrap();
    }
    let host = carmen_tests::TestHost::serve(carmen).await;
    let slugs = |body: &serde_json::Value| -> Vec<String> {
        body["cities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["slug"].as_str().unwrap().to_string())
            .collect()
    };
    let (status, first) = host.get("/cities?limit=2").await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(slugs(&first), ["avon", "brook"]);
    assert_eq!(first["next"], "brook");
    let (_, second) = host.get("/cities?limit=2&after=brook").await;
    assert_eq!(slugs(&second), ["cedar", "dale"]);
    let (_, last) = host.get("/cities?limit=2&after=dale").await;
    assert_eq!(slugs(&last), ["elm"]);
    assert!(
        last.get("next").is_none(),
        "the last page says no next: {last}"
    );
    // Without a limit, a page of 100; a limit out of bounds is refused, saying the bounds.
    let (_, all) = host.get("/cities").await;
    assert_eq!(slugs(&all).len(), 5);
    for bad in [
        "/cities?limit=0",
        "/cities?limit=1001",
        "/cities?limit=x",
        "/cities?page=2",
    ] {
        let (status, body) = host.get(bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    let (_, body) = host.get("/cities?limit=5000").await;
    assert!(
        body["detail"].as_str().unwrap().contains("1 to 1000"),
        "{body}"
    );
    // The largest page still leads to the next: 1,000 more cities are two pages of 1,000.
    carmen_tests::numbered_cities(&host.carmen, 1_000, &[]).await;
    let (_, full) = host.get("/cities?limit=1000").await;
    assert_eq!(slugs(&full).len(), 1_000);
    let next = full["next"].as_str().expect("a page after the first 1,000");
    let (_, rest) = host.get(&format!("/cities?limit=1000&after={next}")).await;
    assert_eq!(slugs(&rest).len(), 5, "{rest}");
    assert!(rest.get("next").is_none());
    host.stop().await;
}
