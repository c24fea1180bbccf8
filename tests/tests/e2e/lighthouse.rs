//! Lighthouse (pinned in `tests/browser`, run with Debian's Chromium) on the pages a city puts its
//! name on — the portal, a form, a follow page, the console's queue and a case, the marketplace,
//! the evaluation — on a phone and on a desktop: at least 95 in performance, accessibility, best
//! practices and SEO. The scores are printed; the reports are kept in
//! `target/browser-artifacts/lighthouse/`. A page below the line is measured again (at most three
//! times, each category keeping its best): performance is timed on a machine the other tests
//! share.

use std::process::Command;

use carmen_tests::api::{People, two_cities};
use serde_json::Value;

/// The least score of each category, out of 100.
const LEAST: f64 = 95.0;

/// Lighthouse's four scores (0 to 100) of `url`, asked with `headers`, as a phone or a desktop.
fn scores(url: &str, headers: &str, desktop: bool, report: &std::path::Path) -> Vec<(String, f64)> {
    let lighthouse = carmen_tests::workspace().join("tests/browser/node_modules/.bin/lighthouse");
    let mut command = Command::new(&lighthouse);
    command
        .env(
            "CHROME_PATH",
            std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
        )
        .arg(url)
        .arg("--quiet")
        .arg("--only-categories=performance,accessibility,best-practices,seo")
        .arg("--output=json")
        .arg(format!("--output-path={}", report.display()))
        .arg("--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage")
        .arg(format!("--extra-headers={headers}"));
    if desktop {
        command.arg("--preset=desktop");
    }
    let run = command
        .output()
        .expect("lighthouse runs (npm ci --prefix tests/browser; scripts/setup.sh does)");
    assert!(
        run.status.success(),
        "lighthouse {url}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(report).unwrap()).expect("a JSON report");
    ["performance", "accessibility", "best-practices", "seo"]
        .into_iter()
        .map(|category| {
            let score = report["categories"][category]["score"]
                .as_f64()
                .unwrap_or_else(|| panic!("{url}: no {category} score"));
            (category.to_string(), (score * 100.0).round())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pages_a_city_shows_score_at_least_95_on_a_phone_and_a_desktop() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = two_cities(dir.path()).await;
    let People {
        river_admin,
        river_staff,
        ..
    } = &people;
    // A request followed by its secret link, and a case to open in the console.
    let filed: Value = host
        .client
        .post(host.url("/cities/rivertown/services/street-issue/requests"))
        .json(&serde_json::json!({"fields": {"category": "pothole"}, "location": {"address": "Canal 1"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let case = filed["id"].as_i64().expect("filed");
    let secret = filed["secret"].as_str().expect("its secret link");
    let bearer = |token: &str| format!("{{\"Authorization\": \"Bearer {token}\"}}");
    let pages = [
        ("portal", "/rivertown/".to_string(), "{}".to_string()),
        (
            "form",
            "/rivertown/services/street-issue".into(),
            "{}".into(),
        ),
        ("follow", format!("/rivertown/follow/{secret}"), "{}".into()),
        ("queue", "/rivertown/console/".into(), bearer(river_staff)),
        (
            "case",
            format!("/rivertown/console/cases/{case}"),
            bearer(river_staff),
        ),
        (
            "marketplace",
            "/rivertown/console/marketplace".into(),
            bearer(river_admin),
        ),
        (
            "evaluation",
            "/rivertown/console/evaluation".into(),
            bearer(river_staff),
        ),
    ];
    let artifacts = carmen_tests::workspace().join("target/browser-artifacts/lighthouse");
    std::fs::create_dir_all(&artifacts).unwrap();
    let mut low = Vec::new();
    for (name, path, headers) in &pages {
        for desktop in [false, true] {
            let url = format!("http://{}{path}", host.addr);
            let device = if desktop { "desktop" } else { "phone" };
            let report = artifacts.join(format!("{name}-{device}.json"));
            let url_for_run = url.clone();
            let headers = headers.clone();
            let report_for_run = report.clone();
            // Performance is timed on a machine the other tests share: a score below the line
            // is measured again, up to three times, and each category keeps its best.
            let scores = tokio::task::spawn_blocking(move || {
                let mut best = scores(&url_for_run, &headers, desktop, &report_for_run);
                for _ in 1..3 {
                    if best.iter().all(|(_, score)| *score >= LEAST) {
                        break;
                    }
                    let again = scores(&url_for_run, &headers, desktop, &report_for_run);
                    for ((_, kept), (_, new)) in best.iter_mut().zip(again) {
                        *kept = kept.max(new);
                    }
                }
                best
            })
            .await
            .unwrap();
            println!("lighthouse {name} on a {device}: {scores:?}");
            for (category, score) in scores {
                if score < LEAST {
                    low.push(format!("{name} ({device}) {category}: {score}"));
                }
            }
        }
    }
    assert!(low.is_empty(), "below {LEAST}: {low:#?}");
    host.stop().await;
}
