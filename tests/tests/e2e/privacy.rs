//! A citizen downloads all their data, then erases their account: no field of their personal data
//! is left in the database file, and the city's case counts are unchanged.

use carmen_tests::api::{PASSWORD, call, two_cities};
use carmen_tests::{count_rows, install};
use reqwest::Method;
use serde_json::json;

const NAME: &str = "Zebulon Quixote-Marchetti";
const EMAIL: &str = "zq.private@example.org";
const PHONE: &str = "+31 6 9876 5432";

#[tokio::test(flavor = "multi_thread")]
async fn erasure_leaves_no_personal_data_in_the_file_and_keeps_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    install(&host.carmen, "rivertown", "document-reminder", &[]).await;
    let account = json!({"name": NAME, "email": EMAIL, "phone": PHONE, "password": PASSWORD, "consent": true, "language": "nl"});
    let me = carmen_tests::api::new_citizen(&host, "rivertown", account).await;
    let citizen = Some(me.as_str());
    // Only proved contacts link anything to the account.
    carmen_tests::api::verify(&host, "rivertown", &me, "email", EMAIL).await;
    carmen_tests::api::verify(&host, "rivertown", &me, "phone", "+31698765432").await;

    // A case filed signed in, one filed anonymously with the same e-mail, a reminder registration
    // (kept in the plugin's store), a staff reply (in the outbox), and the citizen's own message.
    let report = json!({"fields": {"category": "graffiti"}, "location": {"address": "Tower 1"}});
    let (_, filed) = call(
        &host,
        Method::POST,
        "/cities/rivertown/services/street-issue/requests",
        citizen,
        Some(report.clone()),
    )
    .await;
    let id = filed["id"].as_i64().unwrap();
    let mut anonymous = report.clone();
    anonymous["contact"] = json!({"name": NAME, "email": EMAIL});
    assert_eq!(
        host.post(
            "/cities/rivertown/services/street-issue/requests",
            &anonymous
        )
        .await
        .0,
        201
    );
    let in_ten_days = time::OffsetDateTime::now_utc().date() + time::Duration::days(10);
    let reminder =
        json!({"fields": {"document": "passport", "expires-on": in_ten_days.to_string()}});
    assert_eq!(
        call(
            &host,
            Method::POST,
            "/cities/rivertown/services/document-reminder/requests",
            citizen,
            Some(reminder)
        )
        .await
        .0,
        201
    );
    host.carmen.tick_all(carmen_core::db::now()).await.unwrap();
    let reply = json!({"body": "We will clean it on Monday."});
    assert_eq!(
        call(
            &host,
            Method::POST,
            &format!("/cities/rivertown/cases/{id}/messages"),
            Some(&p.river_staff),
            Some(reply)
        )
        .await
        .0,
        201
    );
    let mine = json!({"body": format!("Thanks, {NAME} here, call me at {PHONE}")});
    assert_eq!(
        call(
            &host,
            Method::POST,
            &format!("/cities/rivertown/requests/{id}/messages"),
            citizen,
            Some(mine)
        )
        .await
        .0,
        201
    );

    let (status, export) = call(
        &host,
        Method::GET,
        "/cities/rivertown/me/export",
        citizen,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(export["profile"]["email"], EMAIL);
    assert_eq!(
        export["requests"].as_array().unwrap().len(),
        3,
        "the signed-in case, the registration, and the case filed anonymously with the proved e-mail"
    );
    assert_eq!(
        export["messages_sent_to_you"].as_array().unwrap().len(),
        4,
        "the two verification codes, the reminder and the reply"
    );
    assert!(export.to_string().contains("call me at"));

    let cases_before = count_rows(&host.carmen, "cases", "rivertown").await;
    let hill_before = count_rows(&host.carmen, "cases", "hillcrest").await;
    assert_eq!(
        call(
            &host,
            Method::DELETE,
            "/cities/rivertown/me",
            Some(&p.river_staff),
            None
        )
        .await
        .0,
        403,
        "staff cannot erase themselves this way"
    );
    let (status, erased) = call(&host, Method::DELETE, "/cities/rivertown/me", citizen, None).await;
    assert_eq!(status, 200, "{erased}");
    assert_eq!(
        erased["forgotten_by"],
        json!(["document-reminder", "street-issue"]),
        "{erased}"
    );
    assert_eq!(
        call(&host, Method::GET, "/cities/rivertown/me", citizen, None)
            .await
            .0,
        401,
        "the erased account's sessions end"
    );
    assert_eq!(
        count_rows(&host.carmen, "cases", "rivertown").await,
        cases_before
    );
    assert_eq!(
        count_rows(&host.carmen, "cases", "hillcrest").await,
        hill_before
    );
    let (_, still) = call(
        &host,
        Method::GET,
        &format!("/cities/rivertown/cases/{id}"),
        Some(&p.river_staff),
        None,
    )
    .await;
    assert_eq!(still["status"], "submitted", "the case stays for the city");
    host.stop().await;

    let mut bytes = std::fs::read(dir.path().join("carmen.db()")).unwrap();
    bytes.extend(std::fs::read(dir.path().join("carmen.db()-wal")).unwrap_or_default());
    let file = String::from_utf8_lossy(&bytes).to_lowercase();
    for personal in [
        NAME,
        EMAIL,
        PHONE,
        "zebulon",
        "quixote",
        "9876 5432",
        "98765432",
    ] {
        assert!(
            !file.contains(&personal.to_lowercase()),
            "{personal:?} is still in the database file"
        );
    }
    // Another citizen's data is untouched.
    assert!(file.contains("citizen@rivertown.example"));
}
