//! Services that reach the city's own applications (capability `http`): real back offices on real
//! ports, real services calling them through wasi:http — only at the hosts their city approved,
//! under the operator's outbound policy, within the call's deadline, answers bounded.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use carmen::runtime::Carmen;
use carmen::runtime::install::InstallRequest;
use carmen::runtime::registry::Approval;
use carmen_tests::{TestHost, plugin_wasm, workspace};
use serde_json::{Value, json};

/// A back office the test starts, counting the requests it receives.
struct Office {
    url: String,
    hits: Arc<AtomicUsize>,
}

async fn office(app: Router) -> Office {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let app = app.layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| {
            counted.fetch_add(1, Ordering::SeqCst);
            next.run(request)
        },
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Office { url, hits }
}

/// The example waste system (`examples/waste-system/server.py`), on a free port.
struct WasteSystem {
    url: String,
    _child: tokio::process::Child,
}

async fn waste_system() -> WasteSystem {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new("python3")
        .arg(workspace().join("examples/waste-system/server.py"))
        .args(["--port", "0", "--days", "mon,tue,wed,thu,fri,sat,sun"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python3 runs the example waste system");
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    tokio::io::BufReader::new(stdout)
        .read_line(&mut line)
        .await
        .unwrap();
    let url = line
        .trim()
        .rsplit(' ')
        .next()
        .expect("it says where it listens")
        .to_string();
    WasteSystem { url, _child: child }
}

async fn bookings(system: &WasteSystem) -> Vec<Value> {
    let answer: Value = reqwest::get(format!("{}/bookings", system.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["bookings"].as_array().unwrap().clone()
}

/// A host whose operator lets services call this machine (where the test's back offices are).
async fn host_allowing_loopback(dir: &std::path::Path, cities: &[&str]) -> Carmen {
    let carmen = carmen_tests::open_carmen(dir).await;
    for city in cities {
        carmen_tests::add_city(&carmen, city, city).await.unwrap();
    }
    carmen
}

/// Installs bulky-waste in `city` with `settings`, approving `hosts`.
async fn install_bulky(
    carmen: &Carmen,
    city: &str,
    settings: &[(&str, &str)],
    hosts: &[&str],
) -> Result<carmen_core::crm::installs::Install, carmen::runtime::RuntimeError> {
    let manifest = carmen_tests::manifest("bulky-waste");
    let request = InstallRequest {
        grants: manifest.capabilities().unwrap(),
        hosts: hosts.iter().map(|h| h.to_string()).collect(),
        config: settings
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        manifest: Some(manifest),
        limits: Default::default(),
        quotas: Default::default(),
    };
    carmen
        .install(
            &carmen.console().admin_of(city),
            &plugin_wasm("bulky-waste"),
            request,
        )
        .await
}

fn booking(address: &str) -> Value {
    json!({"fields": {"items": ["sofa"]}, "location": {"address": address}})
}

fn bulky(city: &str) -> String {
    format!("/cities/{city}/services/bulky-waste/requests")
}

const NOT_ANSWERING: &str = "the city's booking system is not answering right now";

#[tokio::test(flavor = "multi_thread")]
async fn bulky_waste_books_in_the_citys_waste_system_at_the_host_its_administrator_approved() {
    let system = waste_system().await;
    let dir = tempfile::tempdir().unwrap();
    let carmen = host_allowing_loopback(dir.path(), &["rivertown", "bayside"]).await;
    let settings = [("waste-system", system.url.as_str()), ("lead-days", "1")];

    // The host the service would call is named, with how to approve it.
    let refused = install_bulky(&carmen, "rivertown", &settings, &[])
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains(&format!("calls {}, which is not approved", system.url)),
        "{refused}"
    );
    let installed = install_bulky(&carmen, "rivertown", &settings, &[&system.url])
        .await
        .unwrap();
    assert_eq!(installed.hosts, vec![system.url.clone()]);
    // Bayside keeps the service's own calendar: it names no host, and none is approved.
    let local = install_bulky(&carmen, "bayside", &[], &[]).await.unwrap();
    assert!(local.hosts.is_empty());

    let host = TestHost::serve(carmen).await;
    let (status, booked) = host.post(&bulky("rivertown"), &booking("Elm 1")).await;
    assert_eq!(status, 201, "{booked}");
    let reference = booked["answer"]["reference"].as_str().unwrap().to_string();
    assert!(
        reference.starts_with("WS-"),
        "the waste system's reference: {booked}"
    );
    let kept = bookings(&system).await;
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0]["address"], "Elm 1");
    // A service that reaches another system is filed with its install read each time (a call
    // made with an install found changed at the commit would be made again, its booking twice).
    assert!(!host.carmen.filing_kept("rivertown", "bulky-waste", ""));
    assert_eq!(kept[0]["items"], json!(["sofa"]));

    let (status, here) = host.post(&bulky("bayside"), &booking("Oak 2")).await;
    assert_eq!(status, 201, "{here}");
    assert!(host.carmen.filing_kept("bayside", "bulky-waste", ""));
    assert!(
        here["answer"]["reference"]
            .as_str()
            .unwrap()
            .starts_with("BW-")
    );
    assert_eq!(
        bookings(&system).await.len(),
        1,
        "Bayside's booking stays in Bayside"
    );

    // Cancelling, by whoever booked, cancels in the waste system too.
    let secret = booked["secret"].as_str().unwrap();
    let cancel =
        json!({"fields": {"cancel-reference": reference}, "location": {"address": "Elm 1"}});
    let (status, cancelled) = host
        .post_with_secret(&bulky("rivertown"), &cancel, secret)
        .await;
    assert_eq!(status, 201, "{cancelled}");
    assert!(bookings(&system).await.is_empty());

    let metrics = host.carmen.metrics_text().await.unwrap();
    for status in ["200", "201", "204"] {
        let series = format!(
            "carmen_plugin_outbound_requests_total{{city=\"rivertown\",service=\"bulky-waste\",host=\"{}\",status=\"{status}\"}} 1",
            system.url
        );
        assert!(metrics.contains(&series), "{series} in\n{metrics}");
    }
    assert!(!metrics.contains("city=\"bayside\",service=\"bulky-waste\",host"));
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_host_a_huge_answer_a_redirect_and_a_private_address_each_fail_one_call_alone() {
    let slow = office(Router::new().route(
        "/slots",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(20)).await;
            "{}"
        }),
    ))
    .await;
    let huge = office(Router::new().route(
        "/slots",
        get(|| async { format!("{{\"slots\": [\"{}\"]}}", "x".repeat(2 * 1024 * 1024)) }),
    ))
    .await;
    let elsewhere =
        office(Router::new().route("/slots", get(|| async { "{\"slots\": []}" }))).await;
    let to = format!("{}/slots", elsewhere.url);
    let redirecting = office(Router::new().route(
        "/slots",
        get(move || async move { Redirect::temporary(&to) }),
    ))
    .await;

    let dir = tempfile::tempdir().unwrap();
    let carmen = host_allowing_loopback(
        dir.path(),
        &["slowtown", "hugeton", "redirtown", "quietville"],
    )
    .await;
    for (city, office) in [
        ("slowtown", &slow),
        ("hugeton", &huge),
        ("redirtown", &redirecting),
    ] {
        install_bulky(
            &carmen,
            city,
            &[("waste-system", &office.url)],
            &[&office.url],
        )
        .await
        .unwrap();
    }
    install_bulky(&carmen, "quietville", &[], &[])
        .await
        .unwrap();
    let host = TestHost::serve(carmen).await;

    // A host slower than the call's deadline (1 s): the request gives up just before it, the
    // service hears so and tells the citizen; another city's booking, sent while it waits, is
    // answered meanwhile.
    let started = Instant::now();
    let (slowed, quiet) = tokio::join!(
        async {
            let answer = host.post(&bulky("slowtown"), &booking("Elm 1")).await;
            (answer, started.elapsed())
        },
        async {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let answer = host.post(&bulky("quietville"), &booking("Elm 1")).await;
            (answer, started.elapsed())
        },
    );
    let ((status, said), slow_took) = slowed;
    assert_eq!(status, 422, "{said}");
    assert!(said.to_string().contains(NOT_ANSWERING), "{said}");
    let ((status, answered), quiet_took) = quiet;
    assert_eq!(status, 201, "{answered}");
    assert!(
        quiet_took < slow_took,
        "{quiet_took:?} before {slow_took:?}"
    );
    assert!(
        slow_took < Duration::from_secs(10),
        "the deadline cut it: {slow_took:?}"
    );

    // An answer over 1 MiB is cut: the service hears so and tells the citizen.
    let (status, said) = host.post(&bulky("hugeton"), &booking("Elm 1")).await;
    assert_eq!(status, 422, "{said}");
    assert!(said.to_string().contains(NOT_ANSWERING), "{said}");

    // A redirect is the service's to follow or not: bulky-waste does not, and nothing reaches
    // the other host.
    let (status, said) = host.post(&bulky("redirtown"), &booking("Elm 1")).await;
    assert_eq!(status, 422, "{said}");
    assert_eq!(elsewhere.hits.load(Ordering::SeqCst), 0);

    let metrics = host.carmen.metrics_text().await.unwrap();
    for (city, office, status) in [
        ("slowtown", &slow, "connection-read-timeout"),
        ("hugeton", &huge, "http-response-body-size"),
        ("redirtown", &redirecting, "307"),
    ] {
        let series = format!(
            "city=\"{city}\",service=\"bulky-waste\",host=\"{}\",status=\"{status}\"",
            office.url
        );
        assert!(metrics.contains(&series), "{series} in\n{metrics}");
    }
    host.stop().await;

    // On a host whose operator allowed no private network, the same approved address on this
    // machine is never connected to.
    let plain_dir = tempfile::tempdir().unwrap();
    let plain = carmen_tests::open_carmen(plain_dir.path())
        .await
        .with_outbound(Vec::new())
        .unwrap();
    carmen_tests::add_city(&plain, "rivertown", "Rivertown")
        .await
        .unwrap();
    let office = office_with_slots().await;
    install_bulky(
        &plain,
        "rivertown",
        &[("waste-system", &office.url)],
        &[&office.url],
    )
    .await
    .unwrap();
    let host = TestHost::serve(plain).await;
    let (status, said) = host.post(&bulky("rivertown"), &booking("Elm 1")).await;
    assert_eq!(status, 422, "{said}");
    assert!(said.to_string().contains(NOT_ANSWERING), "{said}");
    assert_eq!(office.hits.load(Ordering::SeqCst), 0);
    let metrics = host.carmen.metrics_text().await.unwrap();
    assert!(
        metrics.contains("status=\"destination-ip-prohibited\""),
        "{metrics}"
    );
    host.stop().await;
}

async fn office_with_slots() -> Office {
    office(Router::new().route("/slots", get(|| async { "{\"slots\": []}" }))).await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upgrade_that_calls_a_new_host_waits_for_its_approval() {
    let w = crate::registry::registry().await;
    let dir = tempfile::tempdir().unwrap();
    let carmen = host_allowing_loopback(dir.path(), &["rivertown"])
        .await
        .with_registry(Some(w.url.clone()));
    let manifest = |version: &str, hosts: &str| {
        std::fs::read_to_string(workspace().join("plugins/bulky-waste/carmen.toml"))
            .unwrap()
            .replacen(
                "version = \"0.1.0\"",
                &format!("version = \"{version}\""),
                1,
            )
            .replacen(
                "hosts = [\"{settings.waste-system}\"]",
                &format!("hosts = [\"{{settings.waste-system}}\"{hosts}]"),
                1,
            )
    };
    for (version, hosts) in [("1.0.0", ""), ("1.1.0", ", \"https://api.waste.example\"")] {
        w.client
            .publish(
                &w.token,
                &w.secret,
                &manifest(version, hosts),
                &crate::registry::component("bulky-waste", version),
            )
            .await
            .unwrap();
    }
    let admin = carmen.console().admin_of("rivertown");
    let grants = carmen_tests::manifest("bulky-waste")
        .capabilities()
        .unwrap();
    let installed = carmen
        .install_from_registry(
            &admin,
            "bulky-waste",
            "=1.0.0",
            grants,
            Default::default(),
            false,
        )
        .await
        .unwrap();
    assert!(installed.hosts.is_empty());

    let refused = carmen
        .upgrade_approving(&admin, "bulky-waste", "^1", &Approval::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("calls https://api.waste.example, which is not approved"),
        "{refused}"
    );
    let approval = Approval {
        hosts: vec!["https://API.waste.example/".into()],
        ..Default::default()
    };
    let upgraded = carmen
        .upgrade_approving(&admin, "bulky-waste", "^1", &approval)
        .await
        .unwrap();
    assert_eq!(upgraded.version, "1.1.0");
    assert_eq!(upgraded.hosts, ["https://api.waste.example"]);
    let back = carmen.rollback(&admin, "bulky-waste").await.unwrap();
    assert!(back.hosts.is_empty(), "a rollback takes the hosts back too");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_javascript_service_fetches_from_its_approved_host_and_a_redirect_elsewhere_is_refused() {
    let elsewhere = office(Router::new().route(
        "/applications/{number}",
        get(|| async { "{\"status\": \"approved\"}" }),
    ))
    .await;
    let moved_to = elsewhere.url.clone();
    let permits = office(Router::new().route(
        "/applications/{number}",
        get(move |Path(number): Path<String>| async move {
            match number.as_str() {
                "P-2026-0412" => (
                    StatusCode::OK,
                    [("content-type", "application/json")],
                    "{\"status\": \"under review\", \"decision_due\": \"2027-01-15\"}",
                )
                    .into_response(),
                "MOVED" => {
                    Redirect::temporary(&format!("{moved_to}/applications/MOVED")).into_response()
                }
                _ => StatusCode::NOT_FOUND.into_response(),
            }
        }),
    ))
    .await;

    let dir = tempfile::tempdir().unwrap();
    let project = carmen_tests::example("js-permit-status", dir.path());
    let built = crate::plugin_authors::build(&project).await;
    assert_eq!(built.capabilities, "config,log,http", "{built}");
    let carmen = host_allowing_loopback(dir.path(), &["rivertown"]).await;
    let manifest = carmen::runtime::types::Manifest::read(&project.join("carmen.toml")).unwrap();
    let request = InstallRequest {
        grants: manifest.capabilities().unwrap(),
        hosts: vec![permits.url.clone()],
        config: [("permits-office".to_string(), permits.url.clone())].into(),
        manifest: Some(manifest),
        limits: carmen::runtime::types::Limits {
            deadline_ms: 5_000,
            memory_bytes: 128 * 1024 * 1024,
        },
        quotas: Default::default(),
    };
    let wasm = std::fs::read(&built.wasm).unwrap();
    let install = carmen
        .install(&carmen.console().admin_of("rivertown"), &wasm, request)
        .await
        .unwrap();
    assert_eq!(install.hosts, vec![permits.url.clone()]);
    let host = TestHost::serve(carmen).await;
    let ask = |number: &str| json!({"fields": {"number": number}});
    let path = "/cities/rivertown/services/permit-status/requests";

    let (status, answered) = host.post(path, &ask("p-2026-0412")).await;
    assert_eq!(status, 201, "{answered}");
    assert_eq!(
        answered["answer"]["message"],
        "Application P-2026-0412: under review. A decision is due by 2027-01-15."
    );
    let (status, unknown) = host.post(path, &ask("P-1")).await;
    assert_eq!(status, 422, "{unknown}");
    assert!(
        unknown
            .to_string()
            .contains("no application with this number"),
        "{unknown}"
    );

    // A redirect reaches the service as it is (the host follows none): nothing goes elsewhere.
    let (status, refused) = host.post(path, &ask("MOVED")).await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused.to_string().contains("not answering"), "{refused}");
    assert_eq!(elsewhere.hits.load(Ordering::SeqCst), 0);

    // Installed without its manifest, with a setting pointing elsewhere than the one host its
    // administrator approved: the request to the other host is refused before it leaves, the
    // service hears so, and Rivertown's install goes on as before.
    carmen_tests::add_city(&host.carmen, "bayside", "Bayside")
        .await
        .unwrap();
    let astray = InstallRequest {
        grants: carmen_core::crm::grants::Grants::parse("config,log,http").unwrap(),
        hosts: vec![permits.url.clone()],
        config: [("permits-office".to_string(), elsewhere.url.clone())].into(),
        manifest: None,
        limits: carmen::runtime::types::Limits {
            deadline_ms: 5_000,
            memory_bytes: 128 * 1024 * 1024,
        },
        quotas: Default::default(),
    };
    host.carmen
        .install(&host.carmen.console().admin_of("bayside"), &wasm, astray)
        .await
        .unwrap();
    let (status, refused) = host
        .post(
            "/cities/bayside/services/permit-status/requests",
            &ask("P-2026-0412"),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused.to_string().contains("not answering"), "{refused}");
    assert_eq!(elsewhere.hits.load(Ordering::SeqCst), 0);
    let (status, _) = host.post(path, &ask("P-2026-0412")).await;
    assert_eq!(status, 201);
    let metrics = host.carmen.metrics_text().await.unwrap();
    for series in [
        "city=\"bayside\",service=\"permit-status\",host=\"unapproved\",status=\"http-request-denied\"",
        &format!(
            "city=\"rivertown\",service=\"permit-status\",host=\"{}\",status=\"307\"",
            permits.url
        ),
    ] {
        assert!(metrics.contains(series), "{series} in\n{metrics}");
    }
    host.stop().await;
}
