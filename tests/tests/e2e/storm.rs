//! Fair share: while one city storms the host with plugin calls that loop, hog memory and hammer
//! the host's functions, another city's requests all succeed. (How fast they stay is measured by
//! `cargo bench -p carmen-tests --bench storm`, not asserted here.)

use std::sync::atomic::Ordering;
use std::time::Duration;

use carmen_tests::storm::{self, Storm};

#[tokio::test(flavor = "multi_thread")]
async fn a_second_citys_requests_all_succeed_while_one_city_storms_the_host() {
    let dir = tempfile::tempdir().unwrap();
    let host = storm::host(dir.path()).await;
    let storm = Storm::start(&host, 20);
    // The storm is in full swing once its first calls have run into their deadline.
    let started = std::time::Instant::now();
    while storm.answered.load(Ordering::Relaxed) < 8 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the storm never got going"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let calm = storm::calm(&host, 4, 15).await;
    let healthz = reqwest::get(format!("http://{}/healthz", host.addr))
        .await
        .unwrap()
        .status();
    let stormed = storm.answered.load(Ordering::Relaxed);
    storm.stop().await;
    let failed: Vec<_> = calm
        .answers
        .iter()
        .filter(|(s, _)| !(200..300).contains(s))
        .collect();
    assert!(failed.is_empty(), "the calm city saw failures: {failed:?}");
    assert_eq!(calm.answers.len(), 120);
    assert_eq!(healthz, 200);
    eprintln!(
        "calm city under a storm of {stormed} answered calls: p50 {:?}, p99 {:?}",
        calm.percentile(0.5),
        calm.percentile(0.99)
    );
    host.stop().await;
}
