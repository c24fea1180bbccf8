//! Benchmark: one node for a continent — 100,000 cities with 10 installed services each, served
//! by a real `carmen serve` process on SQLite. Prints how long it takes to be ready, its resident
//! memory, the first requests in cities never used before, how memory grows with cities used, and
//! how many components were compiled; each against the same server over one city (the baseline),
//! started in the same run.
//!
//! Run with `cargo bench -p carmen-tests --bench scale` after `scripts/build-plugins.sh`
//! (`CITIES=10000` for a quicker run).

use std::path::Path;
use std::time::{Duration, Instant};

use carmen::runtime::Carmen;
use carmen_tests::child::{ChildServer, env_or, percentile, run_if_child};
use serde_json::json;
/// Services per city, made from the template city's installs.
const SERVICES: usize = 10;

fn cities() -> usize {
    env_or("CITIES", 100_000)
}

/// A database with a template city holding three real installs; then `count` more cities, each
/// with `SERVICES` installs copied from the template's (written by SQL: installing a million
/// services one by one would measure the installer, not the server).
async fn database(dir: &Path, count: usize) -> String {
    let db = dir.join("carmen.db()").to_string_lossy().into_owned();
    let carmen = Carmen::open(&db, &dir.join("cache")).await.unwrap();
    carmen_tests::add_city(&carmen, "template", "Template")
        .await
        .unwrap();
    for plugin in ["street-issue", "bulky-waste", "document-reminder"] {
        carmen_tests::install(&carmen, "template", plugin, &[]).await;
    }
    let columns =
        carmen_tests::numbered_cities(&carmen, count, &["id", "city", "code", "next_tick_at"])
            .await;
    let pool = carmen.db().pool();
    let copied: Vec<String> = columns.iter().map(|c| format!("t.{c}")).collect();
    sqlx::query(&format!(
        "WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j + 1 < {SERVICES}) \
         INSERT INTO installs (city, code, next_tick_at, {}) \
         SELECT c.slug, t.code || '-' || k.j, 9000000000, {} FROM cities c CROSS JOIN k \
         JOIN (SELECT *, ROW_NUMBER() OVER (ORDER BY code) - 1 AS r FROM installs WHERE city = 'template') t \
         ON t.r = k.j % 3 WHERE c.slug <> 'template'",
        columns.join(", "),
        copied.join(", ")
    ))
    .execute(pool)
    .await
    .unwrap();
    // As a server that has run a while: the log checkpointed into the database file.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(pool)
        .await
        .unwrap();
    carmen.close().await;
    if std::env::var("SHOW").is_ok() {
        for suffix in ["", "-wal"] {
            let size = std::fs::metadata(format!("{db}{suffix}")).map_or(0, |m| m.len());
            eprintln!("{db}{suffix}: {size} bytes");
        }
    }
    db
}

/// The first requests in `cities` never used before: its services list, then a report.
async fn first_requests(
    server: &ChildServer,
    cities: impl Iterator<Item = String>,
) -> Vec<Duration> {
    let client = reqwest::Client::new();
    let mut times = Vec::new();
    for city in cities {
        let started = Instant::now();
        let listed = client
            .get(server.url(&format!("/api/v1/cities/{city}/services")))
            .send()
            .await
            .unwrap();
        assert_eq!(listed.status(), 200);
        listed.bytes().await.unwrap();
        let filed = client
            .post(server.url(&format!(
                "/api/v1/cities/{city}/services/street-issue-2/requests"
            )))
            .json(&json!({"fields": {"category": "pothole"}, "location": {"address": "Quay 1"}}))
            .send()
            .await
            .unwrap();
        assert_eq!(filed.status(), 201, "{city}");
        filed.bytes().await.unwrap();
        times.push(started.elapsed());
    }
    if std::env::var("SHOW").is_ok() {
        eprintln!("first three: {:?}", &times[..times.len().min(3)]);
    }
    times.sort();
    times
}

/// How many pages a listing's memory is read after, besides the end: what a page's working set
/// leaves with the allocator settles by then (each of the server's threads has served pages).
const SETTLED_AFTER_PAGES: usize = 10;

/// What listing every city found.
struct Listing {
    /// Each page's time, sorted.
    times: Vec<Duration>,
    listed: usize,
    /// The server's anonymous memory after `SETTLED_AFTER_PAGES` pages, in MiB.
    anonymous_when_settled: f64,
}

/// Every city of `server`, listed a page of `limit` at a time.
async fn list_every_city(server: &ChildServer, limit: usize) -> Listing {
    let client = reqwest::Client::new();
    let (mut times, mut listed, mut after) = (Vec::new(), 0, None::<String>);
    let mut anonymous_when_settled = None;
    loop {
        let mut url = server.url(&format!("/api/v1/cities?limit={limit}"));
        if let Some(after) = &after {
            url.push_str(&format!("&after={after}"));
        }
        let started = Instant::now();
        let page: serde_json::Value = client.get(url).send().await.unwrap().json().await.unwrap();
        times.push(started.elapsed());
        listed += page["cities"].as_array().unwrap().len();
        if times.len() == SETTLED_AFTER_PAGES {
            anonymous_when_settled = Some(server.memory_mib("RssAnon"));
        }
        match page["next"].as_str() {
            Some(next) => after = Some(next.to_string()),
            None => break,
        }
    }
    times.sort();
    Listing {
        times,
        listed,
        anonymous_when_settled: anonymous_when_settled
            .unwrap_or_else(|| server.memory_mib("RssAnon")),
    }
}

async fn bench() {
    let count = cities();
    let dir = tempfile::tempdir().unwrap();
    let small_dir = dir.path().join("baseline");
    let large_dir = dir.path().join("large");
    std::fs::create_dir_all(&small_dir).unwrap();
    std::fs::create_dir_all(&large_dir).unwrap();
    let small = database(&small_dir, 1).await;
    let made = Instant::now();
    let large = database(&large_dir, count).await;
    println!(
        "{count} cities x {SERVICES} services written in {:.1} s",
        made.elapsed().as_secs_f64()
    );

    let (baseline, baseline_ready) = ChildServer::carmen(&small, &small_dir.join("cache")).await;
    let baseline_rss = baseline.resident_mib();
    let baseline_first = first_requests(&baseline, ["city-0".to_string()].into_iter()).await;
    let baseline_pages = list_every_city(&baseline, 1000).await.times;
    drop(baseline);

    let (server, ready) = ChildServer::carmen(&large, &large_dir.join("cache")).await;
    let ready_rss = server.resident_mib();
    println!("ready to answer after start:");
    println!(
        "  {count} cities: {:.0} ms, {ready_rss:.0} MiB resident; 1 city (baseline): {:.0} ms, {baseline_rss:.0} MiB; ratio {:.2} (goal: <= 1 s, <= 1 GiB)",
        ready.as_secs_f64() * 1e3,
        baseline_ready.as_secs_f64() * 1e3,
        ready.as_secs_f64() / baseline_ready.as_secs_f64()
    );

    let step = (count / 200).max(1);
    let first = first_requests(&server, (0..200).map(|n| format!("city-{}", n * step))).await;
    println!(
        "first requests in 200 cities never used before (services list + a report): median {:?}, p99 {:?}, max {:?}; baseline (1 city) {:?} (goal: <= 20 ms)",
        percentile(&first, 0.5),
        percentile(&first, 0.99),
        first.last().unwrap(),
        baseline_first[0]
    );
    let after_200 = server.resident_mib();
    let more = 2_000.min(count);
    first_requests(
        &server,
        (0..more).map(|n| format!("city-{}", (n * 7 + 3) % count)),
    )
    .await;
    let after_more = server.resident_mib();
    println!(
        "resident memory: {ready_rss:.0} MiB at start, {after_200:.0} MiB after 200 cities used, {after_more:.0} MiB after {} more; {:.1} KiB per city used",
        more,
        (after_more - after_200) * 1024.0 / more as f64
    );
    let before_listing = server.resident_mib();
    let anonymous_before = server.memory_mib("RssAnon");
    let file_before = server.memory_mib("RssFile");
    let first = list_every_city(&server, 1000).await;
    let (anonymous_after, file_after) =
        (server.memory_mib("RssAnon"), server.memory_mib("RssFile"));
    let after_first = server.resident_mib();
    // Listed again: whether what the first listing left behind grows again.
    let again = list_every_city(&server, 1000).await;
    println!(
        "every city listed 1,000 a page: {} cities in {} pages, median {:?}, p99 {:?}, max {:?} a page; listed again: median {:?}, p99 {:?}; baseline (1 city, one page) {:?} (goal: <= 20 ms a page)",
        first.listed,
        first.times.len(),
        percentile(&first.times, 0.5),
        percentile(&first.times, 0.99),
        first.times.last().unwrap(),
        percentile(&again.times, 0.5),
        percentile(&again.times, 0.99),
        baseline_pages[0],
    );
    println!(
        "  resident {before_listing:.0} MiB before ({anonymous_before:.1} anonymous + {file_before:.1} file), {after_first:.0} MiB after ({anonymous_after:.1} anonymous + {file_after:.1} file), {:.0} MiB after listing again",
        server.resident_mib()
    );
    println!(
        "  anonymous memory: {:+.1} MiB over the first {SETTLED_AFTER_PAGES} pages (what a page's work leaves with the allocator, once per thread), {:+.1} MiB over the {} pages after, {:+.1} MiB over all {} pages listed again (goal: memory unchanged by the listing's length)",
        first.anonymous_when_settled - anonymous_before,
        anonymous_after - first.anonymous_when_settled,
        first.times.len() - SETTLED_AFTER_PAGES,
        server.memory_mib("RssAnon") - anonymous_after,
        again.times.len(),
    );
    let compiled = std::fs::read_dir(large_dir.join("cache"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "cwasm"))
        })
        .count();
    println!(
        "compiled components on disk: {compiled} for {} installs of 3 components",
        count * SERVICES + 3
    );
}

fn main() {
    run_if_child();
    tokio::runtime::Runtime::new().unwrap().block_on(bench());
}
