//! Evaluation: each service's figures over a window, on a fixed data set, equal to what the test
//! computes itself; as JSON and CSV; for the city's staff only.

use carmen_tests::api::{call, two_cities};
use reqwest::Method;
use serde_json::{Value, json};

/// Runs `sql` with `binds` (integers) on the host's store.
async fn exec(host: &carmen_tests::TestHost, sql: &str, binds: &[i64]) {
    let mut conn = host.carmen.db().read().await.unwrap();
    let mut query = sqlx::query(sql);
    for b in binds {
        query = query.bind(*b);
    }
    query.execute(&mut *conn).await.unwrap();
}

/// The nearest-rank percentile, as the figures define it.
fn nearest_rank(values: &mut [i64], p: f64) -> i64 {
    values.sort_unstable();
    values[((p * values.len() as f64).ceil() as usize).clamp(1, values.len()) - 1]
}

#[tokio::test(flavor = "multi_thread")]
async fn the_figures_of_a_fixed_data_set_are_what_the_test_computes_and_only_the_citys_staff_get_them()
 {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    let mut ids = Vec::new();
    for n in 0..4 {
        let (status, filed) = call(&host, Method::POST, "/cities/rivertown/services/street-issue/requests", None, Some(json!({"fields": {"category": "pothole"}, "location": {"address": format!("Lane {n}")}, "contact": {"email": format!("c{n}@example.org")}}))).await;
        assert_eq!(status, 201, "{filed}");
        ids.push(filed["id"].as_i64().unwrap());
    }
    let status = |id: i64, to: &str| {
        let host = &host;
        let token = p.river_staff.clone();
        let to = to.to_string();
        async move {
            let (status, body) = call(
                host,
                Method::POST,
                &format!("/cities/rivertown/cases/{id}/status"),
                Some(&token),
                Some(json!({"status": to})),
            )
            .await;
            assert_eq!(status, 200, "{body}");
        }
    };
    // A: moved, resolved in time, rated 5. B: moved, resolved late, reopened, resolved, rated 2.
    // C: moved, resolved, no due date, not rated. D: never touched.
    let (a, b, c, d) = (ids[0], ids[1], ids[2], ids[3]);
    status(a, "in_progress").await;
    status(a, "resolved").await;
    status(b, "in_progress").await;
    status(b, "resolved").await;
    status(b, "in_progress").await;
    status(b, "resolved").await;
    status(c, "acknowledged").await;
    status(c, "resolved").await;
    for (id, score) in [(a, 5), (b, 2)] {
        exec(&host, "INSERT INTO ratings (city, case_id, score, comment, rated_at) VALUES ('rivertown', $1, $2, '', 0)", &[id, score]).await;
    }
    // The data set's times: every request filed at 1,000 s (1970-01-01).
    let times: [(i64, i64, Option<i64>, i64); 3] = [
        (a, 1_100, Some(2_000), 1_600),
        (b, 1_300, Some(2_000), 3_000),
        (c, 1_050, None, 9_000),
    ];
    for id in &ids {
        exec(
            &host,
            "UPDATE cases SET created_at = 1000, due_at = NULL, resolved_at = NULL WHERE id = $1",
            &[*id],
        )
        .await;
        exec(
            &host,
            "UPDATE case_history SET at = 1000 WHERE case_id = $1",
            &[*id],
        )
        .await;
    }
    for (id, first_move, due, resolved) in times {
        exec(
            &host,
            "UPDATE case_history SET at = $2 WHERE case_id = $1 AND from_status IS NOT NULL",
            &[id, first_move],
        )
        .await;
        exec(
            &host,
            "UPDATE cases SET resolved_at = $2 WHERE id = $1",
            &[id, resolved],
        )
        .await;
        if let Some(due) = due {
            exec(
                &host,
                "UPDATE cases SET due_at = $2 WHERE id = $1",
                &[id, due],
            )
            .await;
        }
    }
    let _ = d;
    // Messages of the service: two sent, one dead (status set as the dispatcher would).
    for id in [a, b, c] {
        let (s, _) = call(
            &host,
            Method::POST,
            &format!("/cities/rivertown/cases/{id}/messages"),
            Some(&p.river_staff),
            Some(json!({"body": "Done"})),
        )
        .await;
        assert_eq!(s, 201);
    }
    exec(&host, "UPDATE outbox SET created_at = 1000, status = 'sent' WHERE city = 'rivertown' AND service = 'street-issue'", &[]).await;
    exec(&host, "UPDATE outbox SET status = 'dead' WHERE id = (SELECT MAX(id) FROM outbox WHERE city = 'rivertown' AND service = 'street-issue')", &[]).await;

    // What the test computes itself.
    let mut first = vec![1_100 - 1_000, 1_300 - 1_000, 1_050 - 1_000];
    let mut resolve = vec![1_600 - 1_000, 3_000 - 1_000, 9_000 - 1_000];
    let expected = json!({
        "service": "street-issue",
        "volume": 4,
        "first_response_median": nearest_rank(&mut first, 0.5),
        "resolve_median": nearest_rank(&mut resolve.clone(), 0.5),
        "resolve_p90": nearest_rank(&mut resolve, 0.9),
        "sla_hit_rate": 0.5,
        "reopen_rate": 1.0 / 3.0,
        "satisfaction_mean": 3.5,
        "satisfaction_count": 2,
        "satisfaction_distribution": [0, 1, 0, 0, 1],
        "messages_sent": 2,
        "messages_pending": 0,
        "messages_dead": 1,
        "messages_suppressed": 0,
        "article_views": 0,
        "answered_votes": 0,
        "filings_avoided": 0,
    });
    let window = "from=1970-01-01&to=1970-01-01";
    let (s, answer) = call(
        &host,
        Method::GET,
        &format!("/cities/rivertown/evaluation?{window}"),
        Some(&p.river_staff),
        None,
    )
    .await;
    assert_eq!(s, 200, "{answer}");
    let services = answer["services"].as_array().unwrap();
    let street: &Value = services
        .iter()
        .find(|f| f["service"] == "street-issue")
        .unwrap();
    assert_eq!(*street, expected);
    // As CSV, the same figures.
    let csv = host
        .client
        .get(host.url(&format!("/cities/rivertown/evaluation?{window}&format=csv")))
        .bearer_auth(&p.river_staff)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines
        .find(|l| l.starts_with("street-issue,"))
        .unwrap()
        .split(',')
        .collect();
    let column = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(column("volume"), "4");
    assert_eq!(column("resolve_p90_s"), expected["resolve_p90"].to_string());
    assert_eq!(column("sla_hit_rate"), "0.5000");
    assert_eq!(column("satisfied_5"), "1");
    // Outside the window: nothing. Another city's staff: refused. Hillcrest's own figures: not these.
    let (_, later) = call(
        &host,
        Method::GET,
        "/cities/rivertown/evaluation?from=1971-01-01&to=1971-12-31",
        Some(&p.river_staff),
        None,
    )
    .await;
    assert!(later["services"].as_array().unwrap().is_empty(), "{later}");
    let (s, _) = call(
        &host,
        Method::GET,
        &format!("/cities/rivertown/evaluation?{window}"),
        Some(&p.hill_staff),
        None,
    )
    .await;
    assert_eq!(s, 403);
    let (_, theirs) = call(
        &host,
        Method::GET,
        &format!("/cities/hillcrest/evaluation?{window}"),
        Some(&p.hill_staff),
        None,
    )
    .await;
    assert!(
        theirs["services"].as_array().unwrap().is_empty(),
        "{theirs}"
    );
    let (s, _) = call(
        &host,
        Method::GET,
        "/cities/rivertown/evaluation?from=yesterday",
        Some(&p.river_staff),
        None,
    )
    .await;
    assert_eq!(s, 400);
}

/// The metric families of a text exposition, as Prometheus' own Python client parses them: name
/// to the number of samples.
fn parsed_families(text: &str) -> std::collections::BTreeMap<String, usize> {
    use std::io::Write;
    let script = "import sys, json\nfrom prometheus_client.parser import text_string_to_metric_families as parse\ncounts = {}\nfor f in parse(sys.stdin.read()):\n    counts[f.name] = counts.get(f.name, 0) + len(f.samples)\nprint(json.dumps(counts))";
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 with prometheus-client (.ci/run installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the parser refused it: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_parse_with_prometheus_own_parser_and_only_the_operator_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    carmen_tests::api::report_pothole(&host, "rivertown", None).await;
    let (s, _) = call(&host, Method::GET, "/cities/rivertown/services", None, None).await;
    assert_eq!(s, 200);
    let get = |token: Option<String>| {
        let mut request = host.client.get(format!("http://{}/metrics", host.addr));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    assert_eq!(get(None).await.unwrap().status().as_u16(), 401);
    assert_eq!(
        get(Some(p.river_admin.clone()))
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    let answer = get(Some(p.operator.clone())).await.unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    assert!(
        answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = answer.text().await.unwrap();
    let families = parsed_families(&text);
    for family in [
        "carmen_http_requests",
        "carmen_http_request_seconds",
        "carmen_plugin_calls",
        "carmen_descriptions_cached",
        "carmen_outbox_messages",
    ] {
        // A counter's samples may be filed under its name or its `_total` name.
        let samples = families.get(family).copied().unwrap_or(0)
            + families
                .get(&format!("{family}_total"))
                .copied()
                .unwrap_or(0);
        assert!(samples > 0, "{family} in {families:?}\n{text}");
    }
    assert!(
        text.contains("carmen_plugin_calls_total{outcome=\"ok\"}"),
        "{text}"
    );
}
