//! What reaches the logs: never a password or a token, at any level; and a plugin's lines only
//! as one escaped line each, tagged with its city. A binary of its own: it installs the
//! process-wide log subscriber, once, for both tests.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use carmen_tests::api::{PASSWORD, call, two_cities};
use reqwest::Method;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything Carmen, sqlx, axum and tower log, at every level, from every test of this binary
/// (the compiler's own trace is left out).
fn captured() -> Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            let captured = Captured::default();
            let writer = captured.clone();
            let filter = tracing_subscriber::EnvFilter::new(
                "trace,cranelift=info,wasmtime=info,wasmtime_cranelift=info,regalloc2=info,wasmtime_environ=info",
            );
            tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_ansi(false)
                .with_writer(move || writer.clone())
                .init();
            captured
        })
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn passwords_and_tokens_never_reach_the_logs() {
    let captured = captured();
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    let (_, key) = call(
        &host,
        Method::POST,
        "/cities/rivertown/api-keys",
        Some(&p.river_admin),
        Some(serde_json::json!({"label": "app"})),
    )
    .await;
    let key = key["key"].as_str().unwrap().to_string();
    call(&host, Method::GET, "/cities/rivertown/me", Some(&key), None).await;
    call(
        &host,
        Method::GET,
        "/cities/rivertown/cases",
        Some(&p.river_staff),
        None,
    )
    .await;
    call(
        &host,
        Method::GET,
        "/cities/rivertown/cases",
        Some("cm_wrong_token"),
        None,
    )
    .await;
    host.stop().await;
    let logs = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    assert!(logs.len() > 1000, "the test captured the logs");
    assert!(!logs.contains(PASSWORD), "a password reached the logs");
    for token in [
        &key,
        &p.river_admin,
        &p.river_staff,
        &p.operator,
        &"cm_wrong_token".to_string(),
    ] {
        assert!(!logs.contains(token.as_str()), "a token reached the logs");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plugins_log_line_with_newlines_and_escape_codes_comes_out_as_one_escaped_line() {
    let captured = captured();
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    carmen_tests::install_hostile(&carmen, "rivertown", carmen_tests::HOSTILE_GRANTS)
        .await
        .unwrap();
    let host = carmen_tests::TestHost::serve(carmen).await;
    let (status, body) = host
        .post(
            "/cities/rivertown/services/hostile/requests",
            &serde_json::json!({"fields": {"mode": "forge-log"}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    host.stop().await;
    let logs = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    let lines: Vec<&str> = logs.lines().collect();
    let forged: Vec<&&str> = lines
        .iter()
        .filter(|l| l.contains("city=hillcrest forged"))
        .collect();
    assert_eq!(forged.len(), 1, "{forged:?}");
    let line = forged[0];
    assert!(
        line.contains(
            r"booked\n2026-11-28T10:00:00.000000Z  INFO carmen: city=hillcrest forged\u{1b}[2K\r"
        ),
        "{line}"
    );
    assert!(
        line.contains("city=rivertown") && line.contains("service=hostile"),
        "tagged with the plugin's own city: {line}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with("2026-11-28T10:00:00.000000Z")),
        "no line passes for the host's own"
    );
    assert!(!logs.contains('\u{1b}'), "no escape code reaches the log");
    let stdout = lines
        .iter()
        .find(|l| l.contains("stdout\\u{1b}[31m red\\rline"));
    assert!(stdout.is_some(), "the plugin's stdout is escaped too");
}
