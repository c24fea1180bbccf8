//! Benchmark: a city of 100,000 requests moved whole. Files the requests through the real
//! service (every tenth with a contact and a staff reply, so messages and the outbox are full
//! too), then times `export_city`, and `import_city` into a new SQLite store and a new PostgreSQL
//! database; the baseline, in the same run, is `carmen backup` of the same store (SQLite's own
//! copy of every byte). Prints each time, its ratio to the baseline and to the goal (60 s), and
//! the archive's size.
//!
//! Run with `cargo bench -p carmen-tests --bench portability` after `scripts/build-plugins.sh`
//! (`REQUESTS=10000` for a quicker run; PostgreSQL from CARMEN_TEST_POSTGRES, skipped if absent).

use std::sync::Arc;
use std::time::Instant;

use carmen::runtime::Carmen;
use carmen::runtime::form::RequestInput;
use carmen::runtime::requests::Submitted;
use carmen::runtime::types::{Contact, Location};
use carmen_tests::child::env_or;

const GOAL_SECONDS: f64 = 60.0;

fn requests() -> usize {
    env_or("REQUESTS", 100_000)
}

async fn fill(carmen: &Carmen, count: usize) {
    carmen_tests::add_city(carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    carmen_tests::install(carmen, "rivertown", "street-issue", &[]).await;
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..32 {
        let (carmen, next) = (carmen.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let staff = carmen.console().staff_of("rivertown");
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= count {
                    return;
                }
                let input = RequestInput {
                    fields: [("category".to_string(), vec!["pothole".to_string()])].into(),
                    description: Some(format!("A hole in the road, number {n}")),
                    location: Some(Location {
                        address: Some(format!("Canal Street {n}")),
                        latitude: Some(45.0 + (n % 1000) as f64 / 10_000.0),
                        longitude: Some(9.0),
                    }),
                    contact: (n % 10 == 0).then(|| Contact {
                        name: Some(format!("Person {n}")),
                        email: Some(format!("person{n}@example.org")),
                        phone: None,
                    }),
                    language: "en".into(),
                    ..Default::default()
                };
                let Submitted::Opened(filed) = carmen
                    .submit("rivertown", "street-issue", input)
                    .await
                    .unwrap()
                else {
                    panic!("a case is opened")
                };
                if n % 10 == 0 {
                    carmen
                        .post_message(&staff, filed.case.id, "Seen: a crew goes this week.", false)
                        .await
                        .unwrap();
                }
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
}

fn line(what: &str, seconds: f64, baseline: f64) {
    println!(
        "{what:<40} {seconds:>7.1} s   {:>5.1}x the backup   {}",
        seconds / baseline,
        if seconds <= GOAL_SECONDS {
            "goal <= 60 s: met"
        } else {
            "goal <= 60 s: NOT met"
        }
    );
}

#[tokio::main]
async fn main() {
    let count = requests();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("source.db").to_string_lossy().to_string();
    let carmen = Carmen::open(&db, &dir.path().join("cache")).await.unwrap();
    let started = Instant::now();
    fill(&carmen, count).await;
    println!(
        "filed {count} requests ({} with a reply) in {:.1} s",
        count.div_ceil(10),
        started.elapsed().as_secs_f64()
    );

    let backup = dir.path().join("backup.db");
    let started = Instant::now();
    carmen::runtime::backup::backup(&db, &backup).await.unwrap();
    let baseline = started.elapsed().as_secs_f64();
    println!(
        "{:<40} {baseline:>7.1} s   (the baseline), {} MB",
        "backup of the store (VACUUM INTO)",
        std::fs::metadata(&backup).unwrap().len() / 1_000_000
    );

    let archive = dir.path().join("rivertown.carmen");
    let started = Instant::now();
    let manifest = carmen
        .export_city(&carmen.console(), "rivertown", false, &archive)
        .await
        .unwrap();
    line("export", started.elapsed().as_secs_f64(), baseline);
    println!(
        "archive: {} MB, {} requests, {} messages, {} history entries",
        std::fs::metadata(&archive).unwrap().len() / 1_000_000,
        manifest.rows("cases"),
        manifest.rows("case_messages"),
        manifest.rows("case_history")
    );
    carmen.close().await;

    let started = Instant::now();
    let read = carmen::runtime::portability::read_archive(&archive, None).unwrap();
    line(
        "check the archive",
        started.elapsed().as_secs_f64(),
        baseline,
    );

    let target = dir.path().join("target.db").to_string_lossy().to_string();
    let sqlite = Carmen::open(&target, &dir.path().join("target-cache"))
        .await
        .unwrap();
    let started = Instant::now();
    sqlite
        .import_city(&sqlite.console(), &read, None)
        .await
        .unwrap();
    line(
        "import into SQLite",
        started.elapsed().as_secs_f64(),
        baseline,
    );
    sqlite.close().await;

    let server = std::env::var("CARMEN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    if sqlx::PgPool::connect(&server).await.is_err() {
        println!("import into PostgreSQL: skipped (no server at {server})");
        return;
    }
    let (url, name) = carmen_tests::postgres::fresh_database().await;
    let pg = Carmen::open(&url, &dir.path().join("pg-cache"))
        .await
        .unwrap();
    let started = Instant::now();
    pg.import_city(&pg.console(), &read, None).await.unwrap();
    line(
        "import into PostgreSQL",
        started.elapsed().as_secs_f64(),
        baseline,
    );
    pg.close().await;
    carmen_tests::postgres::drop_database(&name).await;
}
