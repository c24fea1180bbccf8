//! One city's storm and another city's calm requests, for the storm test and its benchmark: a
//! storming city runs the hostile plugin's loops, memory hogs and host-call hammering from many
//! clients at once, while a calm city's citizens file reports and list services.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use carmen::runtime::types::Limits;
use serde_json::json;

use crate::{TestHost, install, install_hostile_with};

/// A host with `storm` (the hostile plugin, 1 s deadline, 32 MiB) and `calm` (street-issue), and
/// limits per client address that the load here does not reach.
pub async fn host(dir: &std::path::Path) -> TestHost {
    let carmen = crate::open_carmen(dir).await;
    crate::add_city(&carmen, "storm", "Storm").await.unwrap();
    crate::add_city(&carmen, "calm", "Calm").await.unwrap();
    let limits = Limits {
        deadline_ms: 1_000,
        memory_bytes: 32 * 1024 * 1024,
    };
    install_hostile_with(&carmen, "storm", crate::HOSTILE_GRANTS, limits)
        .await
        .unwrap();
    install(&carmen, "calm", "street-issue", &[]).await;
    let policy = carmen::api::HttpPolicy {
        per_client_per_second: 1_000_000,
        per_client_burst: 1_000_000,
        max_concurrent: 4_096,
        ..Default::default()
    };
    TestHost::serve_with(carmen, policy).await
}

/// The storm running in the background until dropped.
pub struct Storm {
    stop: Arc<AtomicBool>,
    /// Storm requests answered (any status).
    pub answered: Arc<AtomicUsize>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Storm {
    /// Starts `clients` clients for each of the loop, hog and hammer modes.
    pub fn start(host: &TestHost, clients: usize) -> Storm {
        let stop = Arc::new(AtomicBool::new(false));
        let answered = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for mode in ["loop", "hog", "hammer"] {
            for _ in 0..clients {
                let url = host.url("/cities/storm/services/hostile/requests");
                let (stop, answered) = (stop.clone(), answered.clone());
                tasks.push(tokio::spawn(async move {
                    let client = reqwest::Client::new();
                    while !stop.load(Ordering::Relaxed) {
                        let body = json!({"fields": {"mode": mode}});
                        if let Ok(response) = client.post(&url).json(&body).send().await {
                            let _ = response.bytes().await;
                            answered.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }));
            }
        }
        Storm {
            stop,
            answered,
            tasks,
        }
    }

    /// Stops the storm and waits for its clients.
    pub async fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// What the calm city's citizens saw.
pub struct Calm {
    /// Every request's status and time taken.
    pub answers: Vec<(u16, Duration)>,
}

impl Calm {
    /// The time taken at percentile `p` (0 to 1).
    pub fn percentile(&self, p: f64) -> Duration {
        let mut times: Vec<Duration> = self.answers.iter().map(|(_, t)| *t).collect();
        times.sort();
        times[((times.len() as f64 - 1.0) * p).round() as usize]
    }
}

/// `clients` citizens of the calm city each file `each` reports, reading the city's services
/// before every report.
pub async fn calm(host: &TestHost, clients: usize, each: usize) -> Calm {
    let mut tasks = Vec::new();
    for n in 0..clients {
        let report = host.url("/cities/calm/services/street-issue/requests");
        let services = host.url("/cities/calm/services");
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut answers = Vec::new();
            for i in 0..each {
                let started = Instant::now();
                let status = client.get(&services).send().await.unwrap().status();
                answers.push((status.as_u16(), started.elapsed()));
                let body = json!({"fields": {"category": "pothole"}, "location": {"address": format!("Calm Street {n}-{i}")}});
                let started = Instant::now();
                let response = client.post(&report).json(&body).send().await.unwrap();
                let status = response.status().as_u16();
                let _ = response.bytes().await;
                answers.push((status, started.elapsed()));
            }
            answers
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.extend(task.await.unwrap());
    }
    Calm { answers }
}
