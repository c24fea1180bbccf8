//! Benchmark: one plugin call through the engine (instantiate + call), submit throughput over HTTP,
//! and the same submit done by a native Rust handler in the same run, as a ratio.
//!
//! Run with `cargo bench -p carmen-tests --bench submit` after `scripts/build-plugins.sh`.

use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use carmen::contract::types::ServiceDescription;
use carmen::crm::cases::{self, CaseKind, CaseStatus, Location, NewCase, Priority};
use carmen::runtime::Carmen;
use carmen::runtime::form::{self, RequestInput};
use carmen_tests::{TestHost, install};
use serde_json::{Value, json};

const CALLS: usize = 2_000;
const REQUESTS: usize = 2_000;
const CLIENTS: usize = 8;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// The native twin of street-issue's submit: the same form check and the same case, without wasm.
async fn native_submit(
    State((carmen, form)): State<(Carmen, ServiceDescription)>,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let category = body["fields"]["category"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let location: Option<Location> = serde_json::from_value(body["location"].clone()).ok();
    let input = RequestInput {
        fields: [("category".to_string(), vec![category.clone()])].into(),
        description: body["description"].as_str().map(String::from),
        location: location.clone(),
        contact: None,
        language: "en".into(),
        citizen_id: None,
        secrets: Vec::new(),
    };
    if !form::check(&form, &input).is_empty() {
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({})));
    }
    let now = carmen::db::now();
    let id = carmen
        .db
        .next_id(carmen::db::Sequence::Cases)
        .await
        .unwrap();
    let mut tx = carmen.db.begin_write().await.unwrap();
    let new = NewCase {
        city: "native".into(),
        service: "street-issue".into(),
        kind: CaseKind::Case,
        status: CaseStatus::Submitted,
        title: format!(
            "Pothole at {}",
            location
                .as_ref()
                .and_then(|l| l.address.clone())
                .unwrap_or_default()
        ),
        description: input.description.clone().unwrap_or_default(),
        priority: Priority::High,
        department: Some("roads".into()),
        location,
        contact: None,
        fields: input.fields,
        notice: Some("Thank you.".into()),
        reference: None,
        language: "en".into(),
        due_at: Some(now + 72 * 3600),
        citizen_id: None,
        actor: "citizen".into(),
        public: true,
        hidden_fields: Vec::new(),
        secret_hash: None,
    };
    let case = cases::create(&mut tx, id, &new, now).await.unwrap();
    tx.commit().await.unwrap();
    (
        StatusCode::CREATED,
        Json(json!({"id": case.id, "status": "submitted"})),
    )
}

async fn throughput(url: &str, body: &Value) -> f64 {
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (client, url, body) = (client.clone(), url.to_string(), body.clone());
        tasks.push(tokio::spawn(async move {
            for _ in 0..REQUESTS / CLIENTS {
                let response = client.post(&url).json(&body).send().await.unwrap();
                assert_eq!(response.status().as_u16(), 201);
                response.bytes().await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    REQUESTS as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = Carmen::open(
        &dir.path().join("bench.db").to_string_lossy(),
        &dir.path().join("cache"),
    )
    .await
    .unwrap();
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    carmen_tests::add_city(&carmen, "native", "Native")
        .await
        .unwrap();
    let install = install(&carmen, "rivertown", "street-issue", &[]).await;
    let target = carmen.target(&install).await.unwrap();

    // One plugin call: a fresh store and instance from the pre-instantiated component, then `describe`.
    for _ in 0..100 {
        carmen.engine.describe(&target, "en").await.unwrap();
    }
    let mut times = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let started = Instant::now();
        let form = carmen.engine.describe(&target, "en").await.unwrap();
        times.push(started.elapsed());
        std::hint::black_box(form);
    }
    times.sort();
    println!(
        "plugin call (instantiate + describe), {CALLS} calls: median {:?}, p99 {:?}",
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );

    let form = carmen.engine.describe(&target, "en").await.unwrap();
    let native = axum::Router::new()
        .route("/native/submit", post(native_submit))
        .with_state((carmen.clone(), form));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let native_addr = listener.local_addr().unwrap();
    // Both sides pass the same HTTP protections, with limits this load does not reach.
    let policy = carmen::api::HttpPolicy {
        per_client_per_second: 1_000_000,
        per_client_burst: 1_000_000,
        ..Default::default()
    };
    let native = carmen::api::protect_router(native, policy.clone())
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, native).await.unwrap() });
    let host = TestHost::serve_with(carmen.clone(), policy).await;

    let body = json!({"fields": {"category": "pothole"}, "description": "Deep hole", "location": {"address": "Canal Street 1"}});
    let wasm_url = host.url("/cities/rivertown/services/street-issue/requests");
    let native_url = format!("http://{native_addr}/native/submit");
    throughput(&wasm_url, &body).await; // warm-up
    throughput(&native_url, &body).await;
    let wasm_rps = throughput(&wasm_url, &body).await;
    let native_rps = throughput(&native_url, &body).await;
    println!("submit over HTTP, {REQUESTS} requests from {CLIENTS} clients (SQLite, WAL):");
    println!(
        "  through the street-issue plugin (describe + validate + submit + store): {wasm_rps:.0} requests/s"
    );
    println!(
        "  native Rust handler (same form check + store):                          {native_rps:.0} requests/s"
    );
    println!(
        "  plugin / native throughput ratio: {:.2}",
        wasm_rps / native_rps
    );
    host.stop().await;
}
