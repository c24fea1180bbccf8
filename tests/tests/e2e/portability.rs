//! A city out of its host whole: `carmen city export` writes everything of one city, and nothing
//! of another, into one archive the host signs; `carmen city verify` finds any change to it.

use carmen::runtime::portability::read_archive;
use carmen_tests::api::{call, report_pothole, two_cities};
use carmen_tests::count_rows;
use reqwest::Method;
use serde_json::{Value, json};

use crate::process::{run_carmen, try_carmen};

/// The rows of a table's part, parsed.
fn rows(archive: &carmen::runtime::portability::Archive, table: &str) -> Vec<Value> {
    String::from_utf8(archive.parts[&format!("tables/{table}.jsonl")].clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_city_archive_holds_all_of_its_city_none_of_another_and_any_change_to_it_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = two_cities(dir.path()).await;
    // Rivertown: a citizen's request with a staff reply and an internal note, an anonymous one
    // with a photo, a webhook secret and an API key. Hillcrest: a request of its own.
    let river = report_pothole(&host, "rivertown", Some(&people.river_citizen)).await;
    for (body, internal) in [("On our list", false), ("Crew B, Tuesday", true)] {
        let (status, _) = call(
            &host,
            Method::POST,
            &format!("/cities/rivertown/cases/{river}/messages"),
            Some(&people.river_staff),
            Some(json!({"body": body, "internal": internal})),
        )
        .await;
        assert_eq!(status, 201);
    }
    let photo = carmen_tests::png(40, 30);
    let sent = carmen_tests::portal_report(&host.client, host.addr, "rivertown", &[&photo])
        .send()
        .await
        .unwrap();
    assert!(
        sent.url().path().contains("/follow/"),
        "filed: {}",
        sent.url()
    );
    let (status, _) = call(
        &host,
        Method::PUT,
        "/cities/rivertown/delivery",
        Some(&people.river_admin),
        Some(json!({"webhook_url": "https://backoffice.rivertown.example/carmen", "webhook_secret": "a webhook secret of the city"})),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = call(
        &host,
        Method::POST,
        "/cities/rivertown/api-keys",
        Some(&people.river_admin),
        Some(json!({"label": "street light contractor"})),
    )
    .await;
    assert_eq!(status, 201);
    report_pothole(&host, "hillcrest", Some(&people.hill_citizen)).await;

    let db = dir.path().join("carmen.db()").to_string_lossy().to_string();
    let cache = dir.path().join("cache").to_string_lossy().to_string();
    let out = dir.path().join("rivertown.carmen");
    let out_s = out.to_string_lossy().to_string();
    let export = |out: &str, more: &[&str]| {
        let mut args = vec![
            "city",
            "export",
            "rivertown",
            "--db",
            &db,
            "--cache-dir",
            &cache,
            "--out",
            out,
        ];
        args.extend(more);
        let printed = run_carmen(&args);
        String::from_utf8_lossy(&printed.stdout).to_string()
    };
    let said = export(&out_s, &[]);
    assert!(said.contains("exported rivertown: 2 requests"), "{said}");
    assert!(
        said.contains("street light contractor"),
        "the keys to reissue are named: {said}"
    );

    // Every table's part holds exactly the city's rows; nothing names the other city.
    let archive = read_archive(&out, None).unwrap();
    assert_eq!(archive.manifest.city, "rivertown");
    for table in carmen::runtime::portability::table_names() {
        let expected = if table == "cities" {
            1
        } else {
            count_rows(&host.carmen, table, "rivertown").await as usize
        };
        assert_eq!(archive.manifest.rows(table), expected, "{table}");
        assert_eq!(rows(&archive, table).len(), expected, "{table}");
    }
    for (name, bytes) in &archive.parts {
        assert!(
            !String::from_utf8_lossy(bytes).contains("hillcrest"),
            "{name} holds something of Hillcrest"
        );
    }
    assert_eq!(rows(&archive, "photos").len(), 1);
    assert_eq!(
        rows(&archive, "case_messages").len(),
        2,
        "the reply and the internal note"
    );
    let users = rows(&archive, "users");
    let admin = users
        .iter()
        .find(|u| u["email"] == "admin@rivertown.example")
        .unwrap();
    assert!(
        admin["password_hash"]
            .as_str()
            .is_some_and(|h| h.starts_with("$argon2")),
        "password hashes go along: {admin}"
    );
    assert!(
        archive.parts.keys().any(|p| p.starts_with("components/")),
        "the components go along"
    );
    assert!(
        rows(&archive, "city_delivery")[0]["webhook_secret"].is_null(),
        "no secret unless asked"
    );
    let with = dir.path().join("with-secrets.carmen");
    export(&with.to_string_lossy(), &["--with-secrets"]);
    let archive = read_archive(&with, None).unwrap();
    assert_eq!(
        rows(&archive, "city_delivery")[0]["webhook_secret"],
        "a webhook secret of the city"
    );
    let key = archive.manifest.host_key.clone();

    // Verified as written; refused once a byte of a part or of the manifest changed, or when
    // another host's key is the one trusted; an export never writes over a file.
    let verify = |file: &std::path::Path, more: &[&str]| {
        let mut args = vec!["city", "verify"];
        let file = file.to_string_lossy().to_string();
        args.push(&file);
        args.extend(more);
        try_carmen(&args)
    };
    assert!(verify(&out, &["--key", &key]).status.success());
    let original = std::fs::read(&out).unwrap();
    let changed = |from: &str, to: &str| {
        let mut bytes = original.clone();
        let at = bytes
            .windows(from.len())
            .position(|w| w == from.as_bytes())
            .unwrap_or_else(|| panic!("{from} is in the archive"));
        bytes[at..at + to.len()].copy_from_slice(to.as_bytes());
        let file = dir.path().join("changed.carmen");
        std::fs::write(&file, bytes).unwrap();
        file
    };
    let refused = verify(&changed("Crew B, Tuesday", "Crew C, Tuesday"), &[]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("tables/case_messages.jsonl does not match"),
        "{refused:?}"
    );
    let refused = verify(
        &changed("\"name\": \"Rivertown\"", "\"name\": \"Rivertowm\""),
        &[],
    );
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("does not match its signature"),
        "{refused:?}"
    );
    let other = "0".repeat(64);
    let refused = verify(&out, &["--key", &other]);
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("not by the key trusted"),
        "{refused:?}"
    );
    let again = try_carmen(&[
        "city",
        "export",
        "rivertown",
        "--db",
        &db,
        "--cache-dir",
        &cache,
        "--out",
        &out_s,
    ]);
    assert!(!again.status.success());
    assert_eq!(
        std::fs::read(&out).unwrap(),
        original,
        "the archive is untouched"
    );
}
