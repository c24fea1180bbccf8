//! Backups of a serving host and restores, as an operator runs them: `carmen backup` while
//! citizens submit, then `carmen restore` into a new store that a new server serves whole.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use carmen::runtime::Carmen;
use serde_json::json;

use crate::process::{Server, keep_submitting, prepare, run_carmen, try_carmen};

const PASSWORD: &str = "a long enough password";

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_under_load_restores_every_request_acknowledged_before_it_began() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().to_string();
    let (db, cache) = (path("live.db"), dir.path().join("live.cache"));
    prepare(&db, &cache).await;
    let server = Server::start(&db, &cache).await;
    let client = reqwest::Client::new();
    // A citizen with an account: their password's hash is in the store.
    let account =
        json!({"name": "Bea", "email": "bea@example.org", "password": PASSWORD, "consent": true});
    let registered = client
        .post(server.url("/cities/rivertown/citizens"))
        .json(&account)
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 202);

    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let clients: Vec<_> = (0..8)
        .map(|_| {
            keep_submitting(
                server.url("/cities/rivertown/services/street-issue/requests"),
                "rivertown",
                stop.clone(),
                acknowledged.clone(),
            )
        })
        .collect();
    let started = Instant::now();
    while acknowledged.lock().unwrap().len() < 200 && started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Everything acknowledged before the backup begins; the submits go on while it runs.
    let before: Vec<i64> = acknowledged
        .lock()
        .unwrap()
        .iter()
        .map(|(_, id)| *id)
        .collect();
    let backup = path("backup.db");
    let printed = {
        let (db, backup) = (db.clone(), backup.clone());
        tokio::task::spawn_blocking(move || run_carmen(&["backup", "--db", &db, "--out", &backup]))
            .await
            .unwrap()
    };
    let during = acknowledged.lock().unwrap().len() - before.len();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.unwrap();
    }
    drop(server);
    let said = String::from_utf8_lossy(&printed.stdout);
    assert!(said.contains("backed up 1 city and"), "{said}");
    assert!(before.len() >= 100, "{} acknowledged before", before.len());

    // A backup never writes over a file; a restore never writes over a store, nor reads a
    // damaged backup.
    let refused = try_carmen(&["backup", "--db", &db, "--out", &backup]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("exists"));
    let refused = try_carmen(&["restore", &backup, "--db", &db]);
    assert!(!refused.status.success());
    let damaged = path("damaged.db");
    let mut bytes = std::fs::read(&backup).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&damaged, bytes).unwrap();
    let refused = try_carmen(&["restore", &damaged, "--db", &path("never.db")]);
    assert!(!refused.status.success(), "a damaged backup is refused");
    assert!(!std::path::Path::new(&path("never.db")).exists());

    // A store that is not there is not made by backing it up.
    let missing = path("missing.db");
    let refused = try_carmen(&[
        "backup",
        "--db",
        &format!("sqlite://{missing}"),
        "--out",
        &path("x.db"),
    ]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("there is no store"),
        "{refused:?}"
    );
    assert!(
        !std::path::Path::new(&missing).exists() && !std::path::Path::new(&path("x.db")).exists()
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "no partial file is left behind");

    // Restored into a new store with a new cache: every request acknowledged before the backup.
    let restored = path("restored.db");
    let said = run_carmen(&["restore", &backup, "--db", &restored]);
    assert!(String::from_utf8_lossy(&said.stdout).contains("restored 1 city and"));
    let new_cache = dir.path().join("restored.cache");
    let carmen = Carmen::open(&restored, &new_cache).await.unwrap();
    let staff = carmen.console().staff_of("rivertown");
    for id in &before {
        assert!(
            carmen.case_file(&staff, *id).await.is_ok(),
            "request {id} was acknowledged before the backup began and is not in it"
        );
    }
    carmen.close().await;
    // The restored host serves: the citizen signs in with the same password, the service's
    // install (its component, rebuilt into the new cache) takes a request.
    let server = Server::start(&restored, &new_cache).await;
    let session = |password: &str| {
        client
            .post(server.url("/cities/rivertown/sessions"))
            .json(&json!({"email": "bea@example.org", "password": password}))
            .send()
    };
    assert_eq!(session(PASSWORD).await.unwrap().status(), 201);
    assert_eq!(
        session("not the password at all").await.unwrap().status(),
        401
    );
    let filed = client
        .post(server.url("/cities/rivertown/services/street-issue/requests"))
        .json(&json!({"fields": {"category": "pothole"}, "location": {"address": "Quay 9"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(filed.status(), 201);
    eprintln!(
        "backup under load: {} acknowledged before it, {during} while it ran",
        before.len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_host_on_postgres_is_backed_up_city_by_city_and_restored_whole_into_sqlite() {
    use carmen::runtime::form::RequestInput;
    let dir = tempfile::tempdir().unwrap();
    let (url, name) = carmen_tests::postgres::fresh_database().await;
    let cache = dir.path().join("cache");
    let carmen = Carmen::open(&url, &cache).await.unwrap();
    for (slug, filed) in [("rivertown", 3), ("hillcrest", 2)] {
        carmen_tests::add_city(&carmen, slug, slug).await.unwrap();
        carmen_tests::install(&carmen, slug, "street-issue", &[]).await;
        for n in 0..filed {
            let input = RequestInput {
                fields: [("category".to_string(), vec!["pothole".to_string()])].into(),
                location: Some(carmen::runtime::types::Location {
                    address: Some(format!("{slug} {n}")),
                    latitude: None,
                    longitude: None,
                }),
                language: "en".into(),
                ..Default::default()
            };
            carmen.submit(slug, "street-issue", input).await.unwrap();
        }
    }
    carmen.close().await;
    let path = |name: &str| dir.path().join(name).to_string_lossy().to_string();
    let said = run_carmen(&[
        "backup",
        "--db",
        &url,
        "--cache-dir",
        &path("cache"),
        "--out",
        &path("host.backup"),
    ]);
    let said = String::from_utf8_lossy(&said.stdout);
    assert!(said.contains("backed up 2 cities and 5 requests"), "{said}");

    // Restored into SQLite: both cities, each whole.
    let restored = path("restored.db");
    let said = run_carmen(&["restore", &path("host.backup"), "--db", &restored]);
    assert!(String::from_utf8_lossy(&said.stdout).contains("restored 2 cities and 5 requests"));
    let back = Carmen::open(&restored, &dir.path().join("restored-cache"))
        .await
        .unwrap();
    assert_eq!(
        carmen_tests::count_rows(&back, "cases", "rivertown").await,
        3
    );
    assert_eq!(
        carmen_tests::count_rows(&back, "cases", "hillcrest").await,
        2
    );
    back.close().await;
    // Into a store that has one of its cities already: refused, and nothing brought in.
    let other = path("other.db");
    let carmen = Carmen::open(&other, &dir.path().join("other-cache"))
        .await
        .unwrap();
    carmen_tests::add_city(&carmen, "hillcrest", "Hillcrest")
        .await
        .unwrap();
    carmen.close().await;
    let refused = try_carmen(&["restore", &path("host.backup"), "--db", &other]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("hillcrest is in"),
        "{refused:?}"
    );
    let carmen = Carmen::open(&other, &dir.path().join("other-cache"))
        .await
        .unwrap();
    assert!(
        carmen.city("rivertown").await.is_err(),
        "no city of it came in"
    );
    carmen.close().await;
    carmen_tests::postgres::drop_database(&name).await;
}
