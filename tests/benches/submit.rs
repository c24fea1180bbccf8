//! Benchmark: one plugin call through the engine (instantiate + call); submit throughput and
//! latency over HTTP through the plugin and through native Rust twins in the same run, as
//! ratios, on SQLite and on PostgreSQL. There are two twins: the same service in Rust, run by
//! the host in the plugin's place, whose request passes through every other part the plugin's
//! does (the API, the runtime, the commit, the answer), so that the ratio is what the sandbox
//! costs; and a bare handler, which does the form check and the store alone. The sides take
//! turns in rounds, so that the machine's drift falls on each alike.
//!
//! Run with `cargo bench -p carmen-tests --bench submit` after `scripts/build-plugins.sh`;
//! with `CARMEN_BENCH_ONLY_CALLS=1` it measures the plugin call alone.

use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use carmen::contract::types::{
    CaseDraft, FieldError, Outcome, Priority as DraftPriority, ServiceDescription, Submission,
};
use carmen::runtime::Carmen;
use carmen::runtime::form::{self, RequestInput};
use carmen::runtime::requesters;
use carmen_core::crm::cases::{self, CaseKind, CaseStatus, Location, NewCase, Priority};
use carmen_tests::child::{env_or, percentile};
use carmen_tests::{TestHost, counted, install};
use serde_json::{Value, json};

const CALLS: usize = 20_000;
/// Long enough that a city's indexes outgrow the writer's page cache: at 4,000 a random index
/// (each request's secret, before secrets named their request) cost little, at 20,000 it halved
/// the rate.
const REQUESTS: usize = 20_000;
const CLIENTS: usize = 32;

/// street-issue's `validate` and `submit` in Rust, run by the host in the component's place
/// (`PluginEngine::run_natively`): the request passes through every part of the host but the
/// sandbox.
struct NativeStreetIssue;

impl carmen_core::engine::NativeService for NativeStreetIssue {
    fn validate(&self, submission: &Submission) -> Vec<FieldError> {
        let category = submission
            .fields
            .iter()
            .find(|field| field.code == "category")
            .and_then(|field| field.values.first());
        match category.map(String::as_str) {
            Some("pothole" | "street-light" | "graffiti" | "illegal-dumping") => Vec::new(),
            _ => vec![FieldError {
                code: "category".into(),
                message: "Choose what kind of problem it is.".into(),
            }],
        }
    }

    fn submit(&self, submission: &Submission) -> Outcome {
        let address = submission
            .location
            .as_ref()
            .and_then(|l| l.address.clone())
            .unwrap_or_default();
        Outcome::Opened(CaseDraft {
            title: format!("Pothole at {address}"),
            description: submission.description.clone().unwrap_or_default(),
            priority: DraftPriority::High,
            location: submission.location.clone(),
            department: Some("roads".into()),
            due: Some(submission.received_at + 72 * 3600),
            notice: Some("Thank you.".into()),
        })
    }
}

/// The bare twin of street-issue's submit: the same form check and the same case with its
/// secret's hash, without wasm, and without the API's layers, the runtime or the answer's view.
async fn native_submit(
    State((carmen, form)): State<(Carmen, std::sync::Arc<ServiceDescription>)>,
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
        citizen: None,
        secrets: Vec::new(),
        organisation_id: None,
        photos: Vec::new(),
    };
    if !form::check(&form, &input).is_empty() {
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({})));
    }
    let now = carmen_core::db::now();
    let id = carmen
        .db()
        .next_id(carmen_core::db::Sequence::Cases)
        .await
        .unwrap();
    let mut tx = carmen.db().begin_write().await.unwrap();
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
        // As every request filed through a service: the submitter's secret, kept as its hash.
        secret_hash: Some(requesters::secret_hash(&requesters::new_secret(id))),
    };
    let case = cases::create(&mut tx, id, &new, now).await.unwrap();
    tx.commit().await.unwrap();
    (
        StatusCode::CREATED,
        Json(json!({"id": case.id, "status": "submitted"})),
    )
}

/// The counter of plugin calls caught holding their caller's thread too long: 0.3 ms and an epoch
/// tick, or 1.3 ms (see `carmen_engine::callers_thread`).
const SLOW_ON_CALLERS_THREAD: &str = "carmen_plugin_calls_slow_on_callers_thread_total";

/// How many submits each measured run sends: `REQUESTS`, or `CARMEN_BENCH_REQUESTS` (longer
/// runs, for a profiler to attach to one side).
fn requests() -> usize {
    env_or("CARMEN_BENCH_REQUESTS", REQUESTS)
}

/// How many plugin calls the call bench makes: `CALLS`, or `CARMEN_BENCH_CALLS` (for a profiler).
fn calls() -> usize {
    env_or("CARMEN_BENCH_CALLS", CALLS)
}

/// The CPU time this process has used, user and system: the server's and the clients' (the
/// clients' is the same for each side, so the difference between sides is the server's).
fn process_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime))
}

/// How many rounds each side's requests are split into. The sides take turns within each round,
/// in an order that rotates, so that what the shared machine does meanwhile falls on every side
/// alike: run one after the other, the sides' ratio moved by ±15% from run to run.
const ROUNDS: usize = 5;

/// What one side of the comparison measured, over all its rounds.
#[derive(Default)]
struct Side {
    /// Every request's latency.
    times: Vec<Duration>,
    /// The wall-clock time of the side's rounds together.
    elapsed: Duration,
    /// This process's CPU time over the side's rounds: the server's and the load's clients'.
    cpu: Duration,
    /// The requests a second of each round.
    round_rates: Vec<f64>,
}

impl Side {
    /// Requests a second over every round.
    fn rate(&self) -> f64 {
        self.times.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// This process's CPU time a request, the load's clients with it.
    fn cpu_per_request(&self) -> Duration {
        self.cpu / self.times.len() as u32
    }

    fn percentile(&self, q: f64) -> Duration {
        let mut times = self.times.clone();
        times.sort();
        percentile(&times, q)
    }
}

/// Sends `requests` submits from `CLIENTS` clients, each acknowledged (201) after its commit,
/// and adds what they took to `side`.
async fn round(side: &mut Side, url: &str, body: &Value, requests: usize) {
    let client = reqwest::Client::new();
    let cpu_before = process_cpu();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (client, url, body) = (client.clone(), url.to_string(), body.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            for _ in 0..requests / CLIENTS {
                let sent = Instant::now();
                let response = client.post(&url).json(&body).send().await.unwrap();
                assert_eq!(response.status().as_u16(), 201);
                response.bytes().await.unwrap();
                times.push(sent.elapsed());
            }
            times
        }));
    }
    let mut sent = 0;
    for task in tasks {
        let times = task.await.unwrap();
        sent += times.len();
        side.times.extend(times);
    }
    let elapsed = started.elapsed();
    side.elapsed += elapsed;
    side.cpu += process_cpu() - cpu_before;
    side.round_rates.push(sent as f64 / elapsed.as_secs_f64());
}

/// The plugin side's rate over the twin's, round by round: the lowest and the highest.
fn round_ratios(plugin: &Side, twin: &Side) -> (f64, f64) {
    let ratios = plugin
        .round_rates
        .iter()
        .zip(&twin.round_rates)
        .map(|(plugin, twin)| plugin / twin);
    ratios.fold((f64::MAX, f64::MIN), |(low, high), r| {
        (low.min(r), high.max(r))
    })
}

/// The plugin's submit against its native twins over HTTP, on the store at `location`.
async fn compare(location: &str, cache: &std::path::Path, label: &str) {
    let carmen = Carmen::open(location, cache).await.unwrap();
    for (slug, name) in [("rivertown", "Rivertown"), ("native", "Native")] {
        carmen_tests::add_city(&carmen, slug, name).await.unwrap();
    }
    // The same component in the twin's city, whose submissions the host answers in Rust.
    install(&carmen, "native", "street-issue", &[]).await;
    let install = install(&carmen, "rivertown", "street-issue", &[]).await;
    carmen
        .engine()
        .run_natively("native", std::sync::Arc::new(NativeStreetIssue));
    let target = carmen.target(&install).await.unwrap();
    let form = carmen.engine().describe(&target, "en").await.unwrap();
    let bare = axum::Router::new()
        .route("/native/submit", post(native_submit))
        .with_state((carmen.clone(), std::sync::Arc::new(form)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bare_addr = listener.local_addr().unwrap();
    // Every side passes the same HTTP protections, with limits this load does not reach.
    let policy = carmen::api::HttpPolicy {
        per_client_per_second: 1_000_000,
        per_client_burst: 1_000_000,
        max_concurrent: 4_096,
        ..Default::default()
    };
    let bare = carmen::api::protect_router(bare, policy.clone())
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, bare).await.unwrap() });
    let host = TestHost::serve_with(carmen.clone(), policy).await;

    let body = json!({"fields": {"category": "pothole"}, "description": "Deep hole", "location": {"address": "Canal Street 1"}});
    let wasm_url = host.url("/cities/rivertown/services/street-issue/requests");
    let native_url = host.url("/cities/native/services/street-issue/requests");
    let bare_url = format!("http://{bare_addr}/native/submit");
    // The twin's city is answered by the Rust service, the other by the plugin.
    let mut notices = Vec::new();
    for city in ["rivertown", "native"] {
        let (status, filed) = host
            .post(
                &format!("/cities/{city}/services/street-issue/requests"),
                &body,
            )
            .await;
        assert_eq!(status, 201, "{filed}");
        notices.push(filed["notice"].as_str().unwrap_or_default().to_string());
    }
    assert_eq!(notices[1], "Thank you.", "the native twin answered");
    assert_ne!(notices[0], notices[1], "the plugin answered its city");
    let requests = requests();
    for url in [&wasm_url, &native_url, &bare_url] {
        round(&mut Side::default(), url, &body, requests).await; // warm-up
    }
    let left_before = counted(SLOW_ON_CALLERS_THREAD);
    let mut sides: [(Side, &str, &str); 3] = [
        (Side::default(), &wasm_url, "through the plugin"),
        (Side::default(), &native_url, "the native twin"),
        (Side::default(), &bare_url, "the bare handler"),
    ];
    for turn in 0..ROUNDS {
        for next in 0..sides.len() {
            let (side, url, name) = &mut sides[(turn + next) % sides.len()];
            eprintln!("  (round {}: measuring {name})", turn + 1);
            round(side, url, &body, requests / ROUNDS).await;
        }
    }
    eprintln!("  (measured)");
    let left = counted(SLOW_ON_CALLERS_THREAD) - left_before;
    let [(wasm, ..), (native, ..), (bare, ..)] = sides;
    let sent = wasm.times.len();
    println!(
        "submit over HTTP, {sent} durable requests a side from {CLIENTS} clients, in {ROUNDS} rounds the sides take turns in ({label}):"
    );
    let side = |name: &str, side: &Side| {
        println!(
            "  {name}: {:.0} requests/s, median {:?}, p99 {:?}, {:?} of this process's CPU a request",
            side.rate(),
            side.percentile(0.5),
            side.percentile(0.99),
            side.cpu_per_request()
        )
    };
    side("through the street-issue plugin", &wasm);
    println!(
        "    calls caught holding the server's thread too long (0.3 ms and an epoch tick, or 1.3 ms; their city's next calls then start on the guest threads): {left} of {sent}"
    );
    side(
        "native twin (street-issue's validate and submit in Rust, run by the host in the plugin's place; every other part the same)",
        &native,
    );
    side(
        "bare Rust handler (the form check and the store alone: no API layers, runtime or answer view)",
        &bare,
    );
    let (low, high) = round_ratios(&wasm, &native);
    println!(
        "  plugin / native twin throughput: {:.2} (goal >= 0.9; round by round {low:.2}-{high:.2}); plugin / bare handler: {:.2}; plugin: {:.0}/s of the 5,000/s goal, p99 {:?} of 20 ms",
        wasm.rate() / native.rate(),
        wasm.rate() / bare.rate(),
        wasm.rate(),
        wasm.percentile(0.99)
    );
    println!(
        "  what the sandbox costs in CPU (the plugin side's less the twin's, the load's clients and the database's own processes aside): {:?} a request; plugin / native twin CPU: {:.2}",
        wasm.cpu_per_request()
            .saturating_sub(native.cpu_per_request()),
        wasm.cpu.as_secs_f64() / native.cpu.as_secs_f64()
    );
    host.stop().await;
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = Carmen::open(
        &dir.path().join("calls.db").to_string_lossy(),
        &dir.path().join("cache"),
    )
    .await
    .unwrap();
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    let install = install(&carmen, "rivertown", "street-issue", &[]).await;
    let target = carmen.target(&install).await.unwrap();

    // One plugin call: a fresh store and instance from the pre-instantiated component, then `describe`.
    for _ in 0..100 {
        carmen.engine().describe(&target, "en").await.unwrap();
    }
    let caught_before = counted(SLOW_ON_CALLERS_THREAD);
    let calls = calls();
    let mut times = Vec::with_capacity(calls);
    for _ in 0..calls {
        let started = Instant::now();
        let form = carmen.engine().describe(&target, "en").await.unwrap();
        times.push(started.elapsed());
        std::hint::black_box(form);
    }

    times.sort();
    let (median, p99) = (percentile(&times, 0.5), percentile(&times, 0.99));
    println!(
        "plugin call (instantiate + describe), {calls} calls: median {median:?} ({:.1}x the 15 µs goal), p99 {p99:?} ({:.1}x the 50 µs goal)",
        median.as_secs_f64() / 15e-6,
        p99.as_secs_f64() / 50e-6
    );
    println!(
        "  p90 {:?}, p95 {:?}, p99.9 {:?}, max {:?}; calls caught on the caller's thread: {}",
        percentile(&times, 0.9),
        percentile(&times, 0.95),
        percentile(&times, 0.999),
        times.last().unwrap(),
        counted(SLOW_ON_CALLERS_THREAD) - caught_before
    );
    carmen.close().await;
    if std::env::var("CARMEN_BENCH_ONLY_CALLS").is_ok() {
        return;
    }

    let sqlite = dir.path().join("bench.db").to_string_lossy().into_owned();
    compare(
        &sqlite,
        &dir.path().join("cache"),
        "SQLite, WAL, group commit",
    )
    .await;
    let (url, name) = carmen_tests::postgres::fresh_database().await;
    compare(&url, &dir.path().join("cache"), "PostgreSQL").await;
    carmen_tests::postgres::drop_database(&name).await;
}
