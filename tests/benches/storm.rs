//! Benchmark: a calm city's latency (listing services and filing reports) with and without another
//! city storming the host with looping, memory-hogging and host-hammering plugin calls, measured
//! in the same run; prints p50 and p99 of both and their ratios.
//!
//! Run with `cargo bench -p carmen-tests --bench storm` after `scripts/build-plugins.sh`.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use carmen_tests::storm::{self, Storm};

const CLIENTS: usize = 4;
const EACH: usize = 150;
const STORM_CLIENTS: usize = 40;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let host = storm::host(dir.path()).await;
    storm::calm(&host, CLIENTS, 20).await; // warm-up
    let quiet = storm::calm(&host, CLIENTS, EACH).await;

    let storm = Storm::start(&host, STORM_CLIENTS);
    let started = Instant::now();
    while storm.answered.load(Ordering::Relaxed) < 16 && started.elapsed() < Duration::from_secs(60)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let stormy = storm::calm(&host, CLIENTS, EACH).await;
    let stormed = storm.answered.load(Ordering::Relaxed);
    storm.stop().await;

    let failed = stormy
        .answers
        .iter()
        .filter(|(s, _)| !(200..300).contains(s))
        .count();
    let (p50, p99) = (quiet.percentile(0.5), quiet.percentile(0.99));
    let (s50, s99) = (stormy.percentile(0.5), stormy.percentile(0.99));
    println!(
        "calm city: {} requests from {CLIENTS} clients (services list + report, alternating)",
        quiet.answers.len()
    );
    println!("  without a storm:       p50 {p50:?}, p99 {p99:?}");
    println!(
        "  with another city's storm ({} clients looping, hogging memory and hammering the host; {stormed} storm calls answered):",
        3 * STORM_CLIENTS
    );
    println!("                         p50 {s50:?}, p99 {s99:?}, failures {failed}");
    println!(
        "  ratio storm / calm:    p50 {:.2}x, p99 {:.2}x",
        s50.as_secs_f64() / p50.as_secs_f64(),
        s99.as_secs_f64() / p99.as_secs_f64()
    );
    host.stop().await;
}
