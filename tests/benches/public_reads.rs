//! Benchmark: public reads served by plugins — a city's services list, a service's form, Open311
//! `services.json` — and durable submits from a real `carmen serve` process, against the reference for "a request that
//! runs a component": `wasmtime serve` running a wasi:http component that answers a fixed JSON
//! body of the same size (`tests/fixtures/fixed-json`). Same load tool, same run, both servers in
//! processes of their own.
//!
//! Needs `wasmtime` (48) on PATH or in `WASMTIME`:
//! `cargo install wasmtime-cli --version 48.0.8 --no-default-features --features serve,run,cranelift,pooling-allocator,parallel-compilation,cache,component-model-async`.
//! Run with `cargo bench -p carmen-tests --bench public_reads` after `scripts/build-plugins.sh`.

use std::process::Command;
use std::time::{Duration, Instant};

use carmen::runtime::Carmen;
use carmen_tests::child::{ChildServer, free_addr, percentile, run_if_child};

const CLIENTS: usize = 32;
const REQUESTS: usize = 20_000;

/// Requests per second and the median and p99 latency of `REQUESTS` GETs of `url` from
/// `CLIENTS` clients; and the size of one answer.
async fn load(url: &str) -> (f64, Duration, Duration, usize) {
    load_with(url, None, 200).await
}

/// The same for `REQUESTS` requests of `url`, each a POST of `body` when given (else a GET),
/// each answered `status`.
async fn load_with(
    url: &str,
    body: Option<serde_json::Value>,
    status: u16,
) -> (f64, Duration, Duration, usize) {
    let client = reqwest::Client::new();
    let request = move |client: &reqwest::Client, url: &str| match &body {
        Some(body) => client.post(url).json(body),
        None => client.get(url),
    };
    let size = request(&client, url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .len();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (client, url, request) = (client.clone(), url.to_string(), request.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            for _ in 0..REQUESTS / CLIENTS {
                let sent = Instant::now();
                let response = request(&client, &url).send().await.unwrap();
                assert_eq!(response.status().as_u16(), status, "{url}");
                response.bytes().await.unwrap();
                times.push(sent.elapsed());
            }
            times
        }));
    }
    let mut times = Vec::new();
    for task in tasks {
        times.extend(task.await.unwrap());
    }
    let rate = REQUESTS as f64 / started.elapsed().as_secs_f64();
    times.sort();
    (
        rate,
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        size,
    )
}

async fn bench() {
    let wasmtime = std::env::var("WASMTIME").unwrap_or_else(|_| "wasmtime".into());
    let component = carmen_tests::workspace().join("target/wasm32-wasip2/release/fixed_json.wasm");
    assert!(
        component.exists(),
        "run scripts/build-plugins.sh first: {}",
        component.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir
        .path()
        .join("carmen.db()")
        .to_string_lossy()
        .into_owned();
    let cache = dir.path().join("cache");
    {
        let carmen = Carmen::open(&db, &cache).await.unwrap();
        carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
            .await
            .unwrap();
        carmen_tests::install(&carmen, "rivertown", "street-issue", &[]).await;
        carmen.close().await;
    }
    let (carmen, _) = ChildServer::carmen(&db, &cache).await;
    let addr = free_addr();
    let mut command = Command::new(&wasmtime);
    command.args([
        "serve",
        "--addr",
        &addr.to_string(),
        "-S",
        "cli",
        &component.to_string_lossy(),
    ]);
    let (reference, _) = ChildServer::spawn(command, addr, "/").await;

    let (ref_rate, ref_p50, ref_p99, ref_size) = load(&reference.url("/")).await;
    println!(
        "reference: wasmtime serve, a wasi:http component answering {ref_size} bytes of fixed JSON: {ref_rate:.0} requests/s, median {ref_p50:?}, p99 {ref_p99:?} ({REQUESTS} GETs from {CLIENTS} clients)"
    );
    for (what, path) in [
        ("services list", "/api/v1/cities/rivertown/services"),
        (
            "a service's form",
            "/api/v1/cities/rivertown/services/street-issue",
        ),
        (
            "Open311 services.json",
            "/open311/v2/cities/rivertown/services.json",
        ),
    ] {
        let (rate, p50, p99, size) = load(&carmen.url(path)).await;
        println!(
            "carmen {what} ({size} bytes): {rate:.0} requests/s, median {p50:?}, p99 {p99:?}; {:.2}x the reference's rate (goal >= 1)",
            rate / ref_rate
        );
    }
    // Durable submits through the plugin, each acknowledged (201) after its commit, by the same
    // load tool.
    let report = serde_json::json!({"fields": {"category": "pothole"}, "description": "Deep hole", "location": {"address": "Canal Street 1"}});
    let (rate, p50, p99, _) = load_with(
        &carmen.url("/api/v1/cities/rivertown/services/street-issue/requests"),
        Some(report),
        201,
    )
    .await;
    println!(
        "carmen durable submits through street-issue (SQLite): {rate:.0} requests/s, median {p50:?}, p99 {p99:?}; {:.2}x the reference's rate (goal >= 0.5)",
        rate / ref_rate
    );
}

fn main() {
    run_if_child();
    tokio::runtime::Runtime::new().unwrap().block_on(bench());
}
