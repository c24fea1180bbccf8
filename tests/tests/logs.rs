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
            let subscriber = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_ansi(false)
                .with_writer(move || writer.clone())
                .finish();
            tracing::subscriber::set_global_default(subscriber).unwrap();
            // Crates that log through `log` rather than `tracing` (the compiler: cranelift,
            // regalloc2, wasmtime) are bridged at info and above, as the filter keeps them: their
            // trace calls, millions in one compile, would otherwise each reach the filter.
            tracing_log::LogTracer::builder()
                .with_max_level(log::LevelFilter::Info)
                .init()
                .unwrap();
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

/// A careless author's service raises an exception with a message, in Python and in JavaScript:
/// the caller sees that message — no stack frame, no path of the machine it was built on — and
/// the log has the whole text.
#[tokio::test(flavor = "multi_thread")]
async fn a_plugins_exception_reaches_the_caller_by_its_message_and_the_log_whole() {
    use carmen::cli::plugin::{self, Lang, Scaffold};
    let captured = captured();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("host")).unwrap();
    let carmen = carmen_tests::open_carmen(&dir.path().join("host")).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    let cases = [
        (
            Lang::Python,
            "careless-python",
            "app.py",
            "        what = answer(submission, \"what\").strip()\n",
            "        what = answer(submission, \"what\").strip()\n        if what == \"boom\":\n            raise ValueError(\"the bench is not ours to fix\")\n",
            "ValueError: the bench is not ours to fix",
        ),
        (
            Lang::Js,
            "careless-js",
            "app.js",
            "    const what = answer(submission, 'what').trim();\n",
            "    const what = answer(submission, 'what').trim();\n    if (what === 'boom') throw new Error('the bench is not ours to fix');\n",
            "the bench is not ours to fix",
        ),
    ];
    for (lang, name, source, line, careless, _) in &cases {
        let project = dir.path().join(name);
        plugin::new_project(&Scaffold {
            name,
            lang: *lang,
            caps: "log",
            dir: &project,
        })
        .unwrap();
        let path = project.join(source);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(line), "{text}");
        std::fs::write(&path, text.replace(line, careless)).unwrap();
        let built = {
            let project = project.clone();
            tokio::task::spawn_blocking(move || plugin::build(&project))
                .await
                .unwrap()
                .unwrap()
        };
        let request = carmen::runtime::install::InstallRequest {
            hosts: Vec::new(),
            grants: carmen::runtime::types::Grants::parse("log").unwrap(),
            ..Default::default()
        };
        carmen
            .install(
                &carmen.console().admin_of("rivertown"),
                &std::fs::read(&built.wasm).unwrap(),
                request,
            )
            .await
            .unwrap();
    }
    let host = carmen_tests::TestHost::serve(carmen).await;
    for (_, name, _, _, _, message) in &cases {
        let (status, body) = host
            .post(
                &format!("/cities/rivertown/services/{name}/requests"),
                &serde_json::json!({"fields": {"what": "boom"}, "location": {"address": "Market Square 1"}}),
            )
            .await;
        assert_eq!(status, 503, "{body}");
        let detail = body["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains(message),
            "{name}: the caller sees the message: {detail:?}"
        );
        assert!(
            !detail.contains('/')
                && !detail.contains("app.")
                && !detail.contains(" at ")
                && !detail.contains("line "),
            "{name}: no path or stack frame: {detail:?}"
        );
    }
    host.stop().await;
    let logs = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    assert!(
        logs.contains("Traceback (most recent call last)")
            && logs.contains("ValueError: the bench is not ours to fix"),
        "the log has Python's whole text"
    );
    assert!(
        logs.lines().any(
            |l| l.contains("service=careless-js") && l.contains("the bench is not ours to fix")
        ),
        "the log has JavaScript's text"
    );
}
