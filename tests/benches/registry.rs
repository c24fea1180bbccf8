//! Benchmark: resolving a requirement among 10,000 versions, and publishing and installing a
//! component of about 2 MB, each against a baseline measured in the same run.
//!
//! Run with `cargo bench -p carmen-tests --bench registry` after `scripts/build-plugins.sh`.

use std::time::{Duration, Instant};

use carmen_core::crm::grants::Grants;
use carmen_registry::client::RegistryClient;
use carmen_registry::resolve::{Candidate, parse_requirement, resolve};
use carmen_tests::{plugin_wasm, workspace};
use semver::Version;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// street-issue with a custom section that brings it to about 2 MB; `tag` makes each one unique.
fn two_megabyte_component(tag: u32) -> Vec<u8> {
    let mut bytes = plugin_wasm("street-issue");
    let name = b"carmen-padding";
    let mut payload = tag.to_le_bytes().to_vec();
    payload.resize(2 * 1024 * 1024 - bytes.len(), 0x5a);
    let size = 1 + name.len() + payload.len();
    bytes.push(0);
    let mut leb = size;
    loop {
        let byte = (leb & 0x7f) as u8;
        leb >>= 7;
        if leb == 0 {
            bytes.push(byte);
            break;
        }
        bytes.push(byte | 0x80);
    }
    bytes.push(name.len() as u8);
    bytes.extend_from_slice(name);
    bytes.extend_from_slice(&payload);
    bytes
}

fn manifest(version: &str) -> String {
    std::fs::read_to_string(workspace().join("plugins/street-issue/carmen.toml"))
        .unwrap()
        .replacen(
            "version = \"0.1.0\"",
            &format!("version = \"{version}\""),
            1,
        )
}

/// The baseline of moving the same bytes: their sha256 and a file copy.
fn hash_and_copy(bytes: &[u8], dir: &std::path::Path) -> Duration {
    let started = Instant::now();
    std::hint::black_box(carmen_registry::signing::digest(bytes));
    let from = dir.join("from.bin");
    std::fs::write(&from, bytes).unwrap();
    std::fs::copy(&from, dir.join("to.bin")).unwrap();
    started.elapsed()
}

#[tokio::main]
async fn main() {
    // Resolution among 10,000 versions, against finding the highest of them with no rules.
    let candidates: Vec<Candidate> = (0..10_000u64)
        .map(|i| Candidate {
            version: Version::new(i / 1000, (i / 10) % 100, i % 10),
            yanked: i % 7 == 0,
            contract: "0.1.0".into(),
        })
        .collect();
    let req = parse_requirement(">=3.5, <8").unwrap();
    let mut resolving = Vec::new();
    let mut baseline = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        std::hint::black_box(resolve(&req, &candidates, &["0.1.0"]));
        resolving.push(started.elapsed());
        let started = Instant::now();
        std::hint::black_box(candidates.iter().map(|c| &c.version).max());
        baseline.push(started.elapsed());
    }
    let (r, b) = (median(resolving), median(baseline));
    println!(
        "resolve among 10,000 versions: median {r:?}; baseline (highest version, no rules) {b:?}; ratio {:.1}",
        r.as_secs_f64() / b.as_secs_f64()
    );

    // A registry over real HTTP, and a host.
    let dir = tempfile::tempdir().unwrap();
    let (_, url) =
        carmen_tests::serve_registry(dir.path(), carmen_registry::server::Registration::Open).await;
    let client = RegistryClient::new(&url);
    let (secret, public) = carmen_registry::signing::generate();
    let token = client
        .register_publisher("bench", "rivertown", &public)
        .await
        .unwrap();
    let carmen = carmen_tests::open_carmen(dir.path())
        .await
        .with_registry(Some(url.clone()));

    let rounds = 5u32;
    let (mut publishing, mut installing, mut copying) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let bytes = two_megabyte_component(round);
        copying.push(hash_and_copy(&bytes, dir.path()));
        let version = format!("1.0.{round}");
        let started = Instant::now();
        client
            .publish(&token, &secret, &manifest(&version), &bytes)
            .await
            .unwrap();
        publishing.push(started.elapsed());
        let city = format!("city-{round}");
        carmen_tests::add_city(&carmen, &city, &city).await.unwrap();
        let started = Instant::now();
        carmen
            .install_from_registry(
                &carmen.console().admin_of(&city),
                "street-issue",
                &format!("={version}"),
                Grants::parse("config,log").unwrap(),
                Default::default(),
                false,
            )
            .await
            .unwrap();
        installing.push(started.elapsed());
    }
    let (p, i, c) = (median(publishing), median(installing), median(copying));
    println!(
        "component of {} bytes, {rounds} rounds (medians):",
        two_megabyte_component(0).len()
    );
    println!("  baseline: sha256 + file copy of the same bytes  {c:?}");
    println!(
        "  publish over HTTP (sign, upload, inspect, verify, store)  {p:?}  ratio {:.1}",
        p.as_secs_f64() / c.as_secs_f64()
    );
    println!(
        "  install from the registry (resolve, download, verify, compile, record)  {i:?}  ratio {:.1}",
        i.as_secs_f64() / c.as_secs_f64()
    );
}
