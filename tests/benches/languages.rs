//! Benchmark: services written in Python and JavaScript at scale, beside one in Rust. Builds the
//! examples with the real toolchains (componentize-py, componentize-js); then, for each language
//! on a fresh host (SQLite, in process, served over HTTP on loopback): how long the first install
//! takes until the service answers (its compile), the compiles for CITIES cities running it (one
//! per digest), a citizen's request in each of USED of those cities (p50, p99), and the resident
//! memory before and after. The Rust street-issue service, measured the same way in the same run,
//! is the baseline.
//!
//! Run with `cargo bench -p carmen-tests --bench languages` after `scripts/build-plugins.sh`
//! (`CITIES=1000 USED=200` for a quicker run), with `tools/js/node_modules/.bin` on `PATH` (as
//! `scripts/test.sh` puts it) for the pinned componentize-js.

use std::path::Path;
use std::time::{Duration, Instant};

use carmen::api::HttpPolicy;
use carmen::manifest::Manifest;
use carmen::runtime::install::InstallRequest;
use carmen::runtime::types::Limits;
use carmen_tests::TestHost;
use carmen_tests::child::{env_or, percentile, resident_mib};
use serde_json::{Value, json};

/// One language's service: its component, manifest and the request a citizen sends to it.
struct Service {
    language: &'static str,
    code: String,
    wasm: Vec<u8>,
    manifest: Manifest,
    request: fn(usize) -> Value,
}

/// What one language measured.
struct Figures {
    ready: Duration,
    /// When the optimized form took the quick tier's place (the same as ready without a tier).
    optimized: Duration,
    compiled: usize,
    submits: Vec<Duration>,
    resident_before: f64,
    resident_after: f64,
}

/// A Python or JavaScript example built with its toolchain.
fn example(name: &str, dir: &Path) -> (Vec<u8>, Manifest, Duration) {
    let project = carmen_tests::example(name, dir);
    let built = carmen::cli::plugin::build_with(&project, None)
        .unwrap_or_else(|e| panic!("build {name}: {e:#}"));
    let manifest = Manifest::read(&project.join("carmen.toml")).unwrap();
    (std::fs::read(&built.wasm).unwrap(), manifest, built.took)
}

/// The service installed in a template city (timed until it answers its first request), then
/// in `cities` more by SQL (installing one by one would measure the installer); a request in
/// each of `used` of them.
async fn measure(service: &Service, dir: &Path, cities: usize, used: usize) -> Figures {
    let carmen = carmen_tests::open_carmen(dir).await;
    carmen_tests::add_city(&carmen, "template", "Template")
        .await
        .unwrap();
    let host = TestHost::serve_with(
        carmen.clone(),
        HttpPolicy {
            per_client_per_second: 1_000_000,
            per_client_burst: 1_000_000,
            ..Default::default()
        },
    )
    .await;
    let submit = async |city: &str, n: usize| {
        let path = format!("/cities/{city}/services/{}/requests", service.code);
        let (status, body) = host.post(&path, &(service.request)(n)).await;
        assert_eq!(status, 201, "{} in {city}: {body}", service.language);
    };

    let started = Instant::now();
    let request = InstallRequest {
        hosts: Vec::new(),
        grants: service.manifest.capabilities().unwrap(),
        config: Default::default(),
        manifest: Some(service.manifest.clone()),
        limits: Limits::default(),
        quotas: Default::default(),
    };
    let install = carmen
        .install(
            &carmen.console().admin_of("template"),
            &service.wasm,
            request,
        )
        .await
        .unwrap();
    submit("template", 0).await;
    let ready = started.elapsed();
    while carmen.engine().is_quick(&install.digest) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let optimized = started.elapsed();

    let columns = carmen_tests::numbered_cities(&carmen, cities, &["id", "city"]).await;
    let list = columns.join(", ");
    let copied = columns
        .iter()
        .map(|c| format!("t.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    sqlx::query(&format!(
        "INSERT INTO installs (city, {list}) SELECT c.slug, {copied} FROM cities c \
         JOIN installs t ON t.city = 'template' WHERE c.slug LIKE 'city-%'"
    ))
    .execute(carmen.db().pool())
    .await
    .unwrap();

    let resident_before = resident_mib("self");
    let step = (cities / used.max(1)).max(1);
    let mut submits = Vec::with_capacity(used);
    for n in 0..used.min(cities) {
        let city = format!("city-{}", n * step);
        let started = Instant::now();
        submit(&city, n + 1).await;
        submits.push(started.elapsed());
    }
    submits.sort();
    let resident_after = resident_mib("self");
    let compiled = std::fs::read_dir(dir.join("cache"))
        .map(|entries| {
            entries
                .filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "cwasm"))
                })
                .count()
        })
        .unwrap_or(0);
    host.stop().await;
    carmen.close().await;
    Figures {
        ready,
        optimized,
        compiled,
        submits,
        resident_before,
        resident_after,
    }
}

async fn bench() {
    let (cities, used) = (env_or("CITIES", 10_000), env_or("USED", 1_000));
    let dir = tempfile::tempdir().unwrap();
    let (python, python_manifest, python_build) =
        example("python-noise-report", &dir.path().join("src"));
    let (javascript, javascript_manifest, javascript_build) =
        example("js-tree-request", &dir.path().join("src"));
    println!(
        "built: Python {:.1} MB in {:.1} s, JavaScript {:.1} MB in {:.1} s",
        python.len() as f64 / 1e6,
        python_build.as_secs_f64(),
        javascript.len() as f64 / 1e6,
        javascript_build.as_secs_f64()
    );
    let services = [
        Service {
            language: "Rust",
            code: "street-issue".into(),
            wasm: carmen_tests::plugin_wasm("street-issue"),
            manifest: carmen_tests::manifest("street-issue"),
            request: |n| json!({"fields": {"category": "pothole"}, "location": {"address": format!("Canal {n}")}}),
        },
        Service {
            language: "Python",
            code: python_manifest.package.name.clone(),
            wasm: python,
            manifest: python_manifest,
            request: |n| json!({"fields": {"source": "music", "when": "Every night after 23:00"}, "location": {"address": format!("Mill Lane {n}")}}),
        },
        Service {
            language: "JavaScript",
            code: javascript_manifest.package.name.clone(),
            wasm: javascript,
            manifest: javascript_manifest,
            request: |n| json!({"fields": {"species": "linden"}, "location": {"address": format!("Canal Street {n}")}}),
        },
    ];
    let mut rust_p50_p99 = None;
    println!(
        "{cities} cities running each service, a citizen's request in {used} of them once optimized (goals: ready <= 5 s, one compile per digest, p50 and p99 <= 5x Rust's, <= 1 GB resident)"
    );
    for (n, service) in services.iter().enumerate() {
        let host_dir = dir.path().join(format!("host-{n}"));
        std::fs::create_dir_all(&host_dir).unwrap();
        let figures = measure(service, &host_dir, cities, used).await;
        let (p50, p99) = (
            percentile(&figures.submits, 0.5),
            percentile(&figures.submits, 0.99),
        );
        let (rust_p50, rust_p99) = *rust_p50_p99.get_or_insert((p50, p99));
        println!(
            "  {:<10} {:.1} MB: ready after {:.2} s, optimized after {:.2} s; {} compiled for {} installs; submit p50 {:?} ({:.1}x Rust), p99 {:?} ({:.1}x Rust); resident {:.0} MiB before, {:.0} MiB after",
            service.language,
            service.wasm.len() as f64 / 1e6,
            figures.ready.as_secs_f64(),
            figures.optimized.as_secs_f64(),
            figures.compiled,
            cities + 1,
            p50,
            p50.as_secs_f64() / rust_p50.as_secs_f64(),
            p99,
            p99.as_secs_f64() / rust_p99.as_secs_f64(),
            figures.resident_before,
            figures.resident_after,
        );
    }
}

fn main() {
    tokio::runtime::Runtime::new().unwrap().block_on(bench());
}
