//! The host trusts the registry no further than it must. A compromised registry (here, a server in
//! front of a real one that rewrites its answers with other genuinely signed versions) cannot hand
//! a city another package, a version that does not meet the requirement, a yanked one, an older
//! one, or an oversized component; and a report that a city runs a package must come signed from
//! that city's host.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::routing::get;
use carmen::runtime::types::Grants;
use carmen_registry::store::VersionInfo;
use serde_json::{Value, json};

/// What the compromised registry answers instead of the real one.
#[derive(Clone, Default)]
struct Tampering {
    resolve: Arc<Mutex<Option<VersionInfo>>>,
    /// Bytes to serve for every blob instead of the real ones.
    blob: Arc<Mutex<Option<Vec<u8>>>>,
    real: String,
}

async fn resolve(
    State(t): State<Tampering>,
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
) -> Json<Value> {
    if let Some(answer) = t.resolve.lock().unwrap().clone() {
        return Json(json!(answer));
    }
    let url = format!(
        "{}/api/v1/packages/{name}/resolve?{}",
        t.real,
        query.unwrap_or_default()
    );
    Json(reqwest::get(url).await.unwrap().json().await.unwrap())
}

async fn blob(State(t): State<Tampering>, Path(digest): Path<String>) -> Vec<u8> {
    if let Some(bytes) = t.blob.lock().unwrap().clone() {
        return bytes;
    }
    let url = format!("{}/api/v1/blobs/{digest}", t.real);
    reqwest::get(url)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

/// A server in front of the registry at `real` that answers as `Tampering` says; its URL.
async fn compromised(real: &str) -> (Tampering, String) {
    let tampering = Tampering {
        real: real.to_string(),
        ..Default::default()
    };
    let app = axum::Router::new()
        .route("/api/v1/packages/{name}/resolve", get(resolve))
        .route("/api/v1/blobs/{digest}", get(blob))
        .with_state(tampering.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (tampering, url)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_compromised_registry_cannot_hand_a_city_another_package_an_old_or_yanked_version_or_a_huge_one()
 {
    let w = crate::registry::registry().await;
    let old = w.publish("street-issue", "1.0.0").await;
    let current = w.publish("street-issue", "1.1.0").await;
    let other = w.publish("bulky-waste", "1.0.0").await;
    let (tampering, evil_url) = compromised(&w.url).await;

    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path())
        .await
        .with_registry(Some(evil_url.clone()));
    carmen_tests::add_city(&carmen, "bayside", "Bayside")
        .await
        .unwrap();
    let console = carmen.console().admin_of("bayside");
    let grants = Grants::parse("config,log").unwrap();
    let install = async |requirement: &str| {
        carmen
            .install_from_registry(
                &console,
                "street-issue",
                requirement,
                grants.clone(),
                Default::default(),
                false,
            )
            .await
            .map(|i| i.version)
            .map_err(|e| e.to_string())
    };
    let answer = |found: &VersionInfo| *tampering.resolve.lock().unwrap() = Some(found.clone());

    answer(&other);
    let err = install("^1").await.unwrap_err();
    assert!(
        err.contains("package \"bulky-waste\", not \"street-issue\""),
        "{err}"
    );

    answer(&old);
    let err = install("^1.1").await.unwrap_err();
    assert!(err.contains("1.0.0 does not meet ^1.1"), "{err}");

    let mut yanked = current.clone();
    yanked.yanked = true;
    answer(&yanked);
    let err = install("^1").await.unwrap_err();
    assert!(err.contains("street-issue 1.1.0 is yanked"), "{err}");

    let mut huge = current.clone();
    huge.size = 100 * 1024 * 1024;
    answer(&huge);
    let err = install("^1").await.unwrap_err();
    assert!(err.contains("this host takes at most"), "{err}");

    // A blob larger than the answer said is cut off, not read to the end.
    answer(&current);
    *tampering.blob.lock().unwrap() = Some(vec![0u8; current.size as usize + 1024]);
    let err = install("^1").await.unwrap_err();
    assert!(err.contains("larger than the"), "{err}");
    *tampering.blob.lock().unwrap() = None;
    assert!(
        carmen.installs("bayside").await.unwrap().is_empty(),
        "nothing was installed"
    );

    // The genuine answer installs; an "upgrade" to an older signed version is refused.
    assert_eq!(install("^1").await.unwrap(), "1.1.0");
    answer(&old);
    let err = carmen
        .upgrade(&console, "street-issue", "*", &grants)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("1.0.0 is not newer than 1.1.0"), "{err}");
    assert_eq!(
        carmen.installs("bayside").await.unwrap()[0].version,
        "1.1.0"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn only_a_citys_host_can_report_that_the_city_runs_a_package_and_nobody_claims_a_city_anonymously()
 {
    let w = crate::registry::registry().await;
    w.publish("street-issue", "1.0.0").await;
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    carmen_tests::add_city(&carmen, "bayside", "Bayside")
        .await
        .unwrap();
    // The city's host installs and reports, signed with its key.
    w.install(&carmen, "bayside", "street-issue", "^1", "config,log", true)
        .await
        .unwrap();
    let listed = w.client.package("street-issue").await.unwrap().cities;
    assert_eq!(listed, [("bayside".to_string(), "1.0.0".to_string())]);

    let url = format!("{}/api/v1/packages/street-issue/cities/harbour", w.url);
    let http = reqwest::Client::new();
    let unsigned = http
        .put(&url)
        .json(&json!({"version": "1.0.0"}))
        .send()
        .await
        .unwrap();
    assert!(unsigned.status().is_client_error(), "{}", unsigned.status());
    let (secret, public) = carmen_registry::signing::generate();
    let at = time::OffsetDateTime::now_utc().unix_timestamp();
    let signed = |key: &str, city: &str| {
        let message = carmen_registry::signing::report_message("street-issue", city, "1.0.0", at);
        json!({"version": "1.0.0", "at": at, "public_key": public, "signature": carmen_registry::signing::sign(key, &message).unwrap()})
    };
    let (other_secret, _) = carmen_registry::signing::generate();
    let forged = http
        .put(&url)
        .json(&signed(&other_secret, "harbour"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        forged.status(),
        401,
        "a signature by another key than the one sent"
    );
    // A host without the operator's publisher token cannot claim a city that nobody registered,
    // however well it signs: the forged evidence of issue 19 lands nowhere.
    let harbour_claim = http
        .put(&url)
        .json(&signed(&secret, "harbour"))
        .send()
        .await
        .unwrap();
    assert_eq!(harbour_claim.status(), 401, "an anonymous claim on a city");
    let evidence_url = format!("{url}/evidence");
    let figures = json!({"service": "street-issue", "requests": 9999});
    let message = carmen_registry::signing::evidence_message(
        "street-issue",
        "harbour",
        "1.0.0",
        &figures.to_string(),
        at,
    );
    let forged_evidence = http
        .put(&evidence_url)
        .json(&json!({"version": "1.0.0", "figures": figures, "at": at, "public_key": public, "signature": carmen_registry::signing::sign(&secret, &message).unwrap()}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        forged_evidence.status(),
        401,
        "anonymous evidence for a city"
    );
    // Nor can a made-up publisher token.
    let fake_token = http
        .put(&url)
        .bearer_auth("pt_made-up")
        .json(&signed(&secret, "harbour"))
        .send()
        .await
        .unwrap();
    assert_eq!(fake_token.status(), 401);
    // Someone else's host reporting for Bayside, which has a key already: refused.
    let bayside = format!("{}/api/v1/packages/street-issue/cities/bayside", w.url);
    let impostor = http
        .put(&bayside)
        .json(&signed(&secret, "bayside"))
        .send()
        .await
        .unwrap();
    assert_eq!(impostor.status(), 403);
    let listed = w.client.package("street-issue").await.unwrap().cities;
    assert_eq!(
        listed,
        [("bayside".to_string(), "1.0.0".to_string())],
        "nothing changed"
    );
}
