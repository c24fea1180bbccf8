//! Benchmark: the time a failed sign-in takes for an account that exists (wrong password) and for
//! one that does not, measured in the same run, interleaved; a difference would tell an attacker
//! which accounts exist. Prints both and their ratio.
//!
//! Run with `cargo bench -p carmen-tests --bench sign_in`.

use std::time::{Duration, Instant};

use carmen_tests::TestHost;
use carmen_tests::api::{PASSWORD, call};
use reqwest::Method;
use serde_json::json;

const TRIES: usize = 60;

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    times[((times.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    // Each try comes from its own address behind the proxy and names its own account, so no
    // throttling delay mixes into the measure.
    let policy = carmen::api::HttpPolicy {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        per_client_per_second: 1_000_000,
        per_client_burst: 1_000_000,
        ..Default::default()
    };
    let host = TestHost::serve_with(carmen, policy).await;
    for n in 0..TRIES {
        let account =
            json!({"name": "Known", "email": format!("known{n}@x.com"), "password": PASSWORD});
        let (status, _) = call(
            &host,
            Method::POST,
            "/cities/rivertown/citizens",
            None,
            Some(account),
        )
        .await;
        assert_eq!(status, 202);
    }
    let try_once = async |email: String, from: String| {
        let started = Instant::now();
        let response = host
            .client
            .post(host.url("/cities/rivertown/sessions"))
            .header("x-forwarded-for", from)
            .json(&json!({"email": email, "password": "not the password at all"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 401);
        response.bytes().await.unwrap();
        started.elapsed()
    };
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for n in 0..TRIES {
        known.push(
            try_once(
                format!("known{n}@x.com"),
                format!("10.1.{}.{}", n / 250, n % 250),
            )
            .await,
        );
        unknown.push(
            try_once(
                format!("unknown{n}@x.com"),
                format!("10.2.{}.{}", n / 250, n % 250),
            )
            .await,
        );
    }
    let (k50, u50) = (percentile(&mut known, 0.5), percentile(&mut unknown, 0.5));
    let (k90, u90) = (percentile(&mut known, 0.9), percentile(&mut unknown, 0.9));
    println!("failed sign-ins, {TRIES} each, interleaved:");
    println!("  existing account, wrong password: median {k50:?}, p90 {k90:?}");
    println!("  no such account:                  median {u50:?}, p90 {u90:?}");
    println!(
        "  ratio unknown / known: median {:.2}, p90 {:.2}",
        u50.as_secs_f64() / k50.as_secs_f64(),
        u90.as_secs_f64() / k90.as_secs_f64()
    );
    host.stop().await;
}
