//! Passwords and tokens never reach the logs, at any level.

use std::io::Write;
use std::sync::{Arc, Mutex};

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

#[tokio::test(flavor = "multi_thread")]
async fn passwords_and_tokens_never_reach_the_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    // Everything Carmen, sqlx, axum and tower log, at every level; the compiler's own trace is left out.
    let filter = tracing_subscriber::EnvFilter::new(
        "trace,cranelift=info,wasmtime=info,wasmtime_cranelift=info,regalloc2=info,wasmtime_environ=info",
    );
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(move || writer.clone())
        .init();
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
