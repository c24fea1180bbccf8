//! One call, one outcome: what a plugin call writes is committed only if the call succeeds, quotas
//! stop a plugin that writes without end at the documented numbers, and a component's memories
//! together stay under its cap.

use carmen::runtime::types::{Limits, Quotas};
use carmen_tests::{TestHost, count_rows, install_hostile_with};
use serde_json::{Value, json};

const HOSTILE: &str = "/cities/rivertown/services/hostile/requests";

async fn host(dir: &std::path::Path, limits: Limits) -> TestHost {
    let carmen = carmen_tests::open_carmen(dir).await;
    for (slug, name) in [("rivertown", "Rivertown"), ("hillcrest", "Hillcrest")] {
        carmen_tests::add_city(&carmen, slug, name).await.unwrap();
        install_hostile_with(&carmen, slug, carmen_tests::HOSTILE_GRANTS, limits)
            .await
            .unwrap();
    }
    TestHost::serve(carmen).await
}

fn mode(mode: &str) -> Value {
    json!({"fields": {"mode": mode}})
}

async fn rows(host: &TestHost) -> (i64, i64, i64) {
    (
        count_rows(&host.carmen, "cases", "rivertown").await,
        count_rows(&host.carmen, "outbox", "rivertown").await,
        count_rows(&host.carmen, "kv", "rivertown").await,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_stopped_at_its_deadline_leaves_none_of_its_cases_messages_or_entries() {
    let dir = tempfile::tempdir().unwrap();
    let host = host(dir.path(), carmen_tests::HOSTILE_LIMITS).await;
    let (status, body) = host.post(HOSTILE, &mode("open-then-loop")).await;
    assert_eq!(status, 503, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("deadline"),
        "{body}"
    );
    assert_eq!(
        rows(&host).await,
        (0, 0, 0),
        "the five cases, five messages and the store entry it made before the deadline are gone"
    );
    let (status, body) = host.post(HOSTILE, &mode("ok")).await;
    assert_eq!(
        (status, body["answer"]["message"].as_str()),
        (201, Some("ok"))
    );
    assert_eq!(rows(&host).await, (1, 0, 0), "the next call works");
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn quotas_answer_limit_exceeded_at_the_documented_numbers_and_the_next_call_works() {
    let dir = tempfile::tempdir().unwrap();
    // Time enough to write and read up to the quotas on a busy machine: this test is about counts.
    let roomy = Limits {
        deadline_ms: 20_000,
        ..carmen_tests::HOSTILE_LIMITS
    };
    let host = host(dir.path(), roomy).await;
    let quotas = Quotas::default();
    assert_eq!((quotas.cases_per_call, quotas.messages_per_call), (20, 100));

    let (status, body) = host.post(HOSTILE, &mode("open-many")).await;
    assert_eq!(status, 201, "{body}");
    let said = body["answer"]["message"].as_str().unwrap();
    assert!(
        said.starts_with("opened 20; then HostError::LimitExceeded(")
            && said.contains("cases-per-call"),
        "{said}"
    );
    let (status, body) = host.post(HOSTILE, &mode("send-many")).await;
    assert_eq!(status, 201, "{body}");
    let said = body["answer"]["message"].as_str().unwrap();
    assert!(
        said.starts_with("sent 100; then HostError::LimitExceeded(")
            && said.contains("messages-per-call"),
        "{said}"
    );
    // What the calls did within their quotas is kept: 20 cases and 2 answers, 100 messages.
    assert_eq!(rows(&host).await, (22, 100, 0));

    // A day's quota, set lower for this install, counts across calls.
    let console = host.carmen.console();
    let settings = carmen::runtime::admin::ServiceSettings {
        quotas: [("messages-per-day".to_string(), "150".to_string())].into(),
        ..Default::default()
    };
    host.carmen
        .set_service_settings(&console.admin_of("rivertown"), "hostile", &settings)
        .await
        .unwrap();
    let (_, body) = host.post(HOSTILE, &mode("send-many")).await;
    let said = body["answer"]["message"].as_str().unwrap();
    assert!(
        said.starts_with("sent 50; then HostError::LimitExceeded(")
            && said.contains("messages-per-day"),
        "{said}"
    );
    let (_, body) = host.post(HOSTILE, &mode("send-many")).await;
    assert!(
        body["answer"]["message"]
            .as_str()
            .unwrap()
            .starts_with("sent 0;"),
        "{body}"
    );
    // Another city's install has its own quotas.
    let (_, body) = host
        .post(
            "/cities/hillcrest/services/hostile/requests",
            &mode("send-many"),
        )
        .await;
    assert!(
        body["answer"]["message"]
            .as_str()
            .unwrap()
            .starts_with("sent 100;"),
        "{body}"
    );
    let (status, _) = host.post(HOSTILE, &mode("ok")).await;
    assert_eq!(status, 201, "a call that writes nothing still works");
    host.stop().await;
}

/// The hostile component with `extra` more core modules, each with a memory of `pages` 64 KiB
/// pages that is allocated when the component is instantiated.
fn with_memories(extra: usize, pages: u32) -> Vec<u8> {
    let text = wasmprinter::print_bytes(carmen_tests::plugin_wasm("hostile")).unwrap();
    let end = text
        .trim_end()
        .strip_suffix(')')
        .expect("a component ends with )");
    let mut wat = end.to_string();
    for n in 0..extra {
        wat.push_str(&format!(
            "\n  (component $extra{n} (core module $m{n} (memory {pages})) (core instance (instantiate $m{n})))\n  (instance (instantiate $extra{n}))"
        ));
    }
    wat.push_str("\n)\n");
    wat::parse_str(&wat).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_component_with_several_memories_cannot_get_more_than_its_cap_in_total() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    let own = carmen_registry::package::inspect(&carmen_tests::plugin_wasm("hostile"))
        .unwrap()
        .memories;
    // Two more memories of 8 MiB each: 16 MiB more than its own, under a cap of 32 MiB.
    let bytes = with_memories(2, 128);
    assert_eq!(
        carmen_registry::package::inspect(&bytes).unwrap().memories,
        own + 2
    );
    let request = carmen::runtime::install::InstallRequest {
        hosts: Vec::new(),
        grants: carmen::runtime::types::Grants::parse(carmen_tests::HOSTILE_GRANTS).unwrap(),
        manifest: Some(carmen_tests::manifest("hostile")),
        limits: carmen_tests::HOSTILE_LIMITS,
        ..Default::default()
    };
    let console = carmen.console();
    carmen
        .install(&console.admin_of("rivertown"), &bytes, request.clone())
        .await
        .unwrap();
    let host = TestHost::serve(carmen).await;
    let (status, body) = host.post(HOSTILE, &mode("ok")).await;
    assert_eq!(status, 201, "within the cap it runs: {body}");
    // 20 MiB more in its own memory: under the cap for that memory alone, over it for all three.
    let (status, body) = host.post(HOSTILE, &mode("hog")).await;
    assert_eq!(status, 503, "{body}");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("memory cap"), "{detail}");

    // More memories than a call may have: refused at install, with the reason, before compiling.
    let too_many = with_memories(5, 1);
    let err = host
        .carmen
        .install(&console.admin_of("rivertown"), &too_many, request)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!("defines {} linear memories", own + 5)) && err.contains("at most 4"),
        "{err}"
    );
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tick_that_reaches_its_message_quota_keeps_what_it_sent_and_sends_the_rest_next_time() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    carmen_tests::install(&carmen, "rivertown", "document-reminder", &[]).await;
    let console = carmen.console();
    let settings = carmen::runtime::admin::ServiceSettings {
        quotas: [("messages-per-call".to_string(), "2".to_string())].into(),
        ..Default::default()
    };
    carmen
        .set_service_settings(
            &console.admin_of("rivertown"),
            "document-reminder",
            &settings,
        )
        .await
        .unwrap();
    let host = TestHost::serve(carmen).await;
    let expires = time::OffsetDateTime::now_utc().date() + time::Duration::days(20);
    for n in 0..3 {
        let (status, body) = host
            .post(
                "/cities/rivertown/services/document-reminder/requests",
                &json!({"fields": {"document": "passport", "expires-on": expires.to_string()}, "contact": {"email": format!("citizen{n}@example.org")}}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let now = carmen::runtime::types::now();
    let report = host.carmen.tick_all(now).await.unwrap();
    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(count_rows(&host.carmen, "outbox", "rivertown").await, 2);
    host.carmen.tick_all(now).await.unwrap();
    assert_eq!(
        count_rows(&host.carmen, "outbox", "rivertown").await,
        3,
        "the third reminder went at the next tick, and nobody got two"
    );
    host.carmen.tick_all(now).await.unwrap();
    assert_eq!(count_rows(&host.carmen, "outbox", "rivertown").await, 3);
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_that_fails_tells_the_citizen_it_has_a_fault_not_that_it_is_busy() {
    let dir = tempfile::tempdir().unwrap();
    let host = host(dir.path(), carmen_tests::HOSTILE_LIMITS).await;
    let t = carmen::i18n::Texts::new("it");
    let post = |mode: &'static str| {
        host.client
            .post(format!(
                "http://{}/rivertown/services/hostile?lang=it",
                host.addr
            ))
            .header(
                "cookie",
                format!("carmen_csrf={}; carmen_lang=it", carmen_tests::CSRF),
            )
            .header("origin", format!("http://{}", host.addr))
            .form(&[("csrf", carmen_tests::CSRF), ("field.mode", mode)])
            .send()
    };
    let before = rows(&host).await;
    let failed = post("panic").await.unwrap();
    assert_eq!(failed.status().as_u16(), 503);
    assert!(
        failed.headers().get("retry-after").is_none(),
        "no time to wait is promised"
    );
    let page = failed.text().await.unwrap();
    assert!(page.contains(&t.t("error-service-fault")), "{page}");
    assert!(!page.contains(&t.t("error-busy")));
    assert_eq!(rows(&host).await, before, "nothing was filed");
    // A call that works, on the same form, files as before.
    let worked = post("ok").await.unwrap();
    assert!(worked.status().is_success() || worked.status().is_redirection());
}

/// The messages the service-fault notice left in `city`'s outbox: (recipient, subject).
async fn fault_notices(host: &TestHost, city: &str) -> Vec<(String, String)> {
    use sqlx::Row;
    sqlx::query(
        "SELECT recipient, subject FROM outbox WHERE city = $1 AND service = 'service-fault' ORDER BY id",
    )
    .bind(city)
    .fetch_all(host.carmen.db().pool())
    .await
    .unwrap()
    .iter()
    .map(|row| (row.get(0), row.get(1)))
    .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_services_fault_is_told_to_its_own_citys_administrators_once_per_version() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = carmen_tests::api::two_cities(dir.path()).await;
    for slug in ["rivertown", "hillcrest"] {
        install_hostile_with(
            &host.carmen,
            slug,
            carmen_tests::HOSTILE_GRANTS,
            carmen_tests::HOSTILE_LIMITS,
        )
        .await
        .unwrap();
    }
    for _ in 0..3 {
        let (status, body) = host.post(HOSTILE, &mode("panic")).await;
        assert_eq!(
            (status, body["type"].as_str()),
            (503, Some("urn:carmen:problem:service-failed")),
            "{body}"
        );
    }
    let told = fault_notices(&host, "rivertown").await;
    assert_eq!(told.len(), 1, "three faults, one notice: {told:?}");
    assert!(told[0].0.contains("admin@rivertown.example"), "{told:?}");
    assert!(told[0].1.contains("hostile"), "{told:?}");
    assert!(
        fault_notices(&host, "hillcrest").await.is_empty(),
        "another city's administrators hear nothing of Rivertown's fault"
    );
    // Rivertown's administrators see it, counted; Hillcrest's see none of it.
    let console = host.carmen.console();
    let faults = host
        .carmen
        .service_faults(&console.admin_of("rivertown"))
        .await
        .unwrap();
    assert_eq!(faults.len(), 1, "{faults:?}");
    assert_eq!(
        (
            faults[0].service.as_str(),
            faults[0].kind.as_str(),
            faults[0].count
        ),
        ("hostile", "trap", 3)
    );
    assert!(
        host.carmen
            .service_faults(&console.admin_of("hillcrest"))
            .await
            .unwrap()
            .is_empty()
    );
    // The administration page lists it for Rivertown's administrator, not for Hillcrest's.
    let t = carmen::i18n::Texts::new("en");
    let administration = |city: &'static str, token: String| {
        let url = format!("http://{}/{city}/console/administration", host.addr);
        let client = host.client.clone();
        async move {
            let answer = client.get(url).bearer_auth(token).send().await.unwrap();
            assert_eq!(answer.status(), 200);
            answer.text().await.unwrap()
        }
    };
    let page = administration("rivertown", people.river_admin.clone()).await;
    assert!(
        page.contains(&t.t("admin-faults-title")) && page.contains("hostile"),
        "{page}"
    );
    let page = administration("hillcrest", people.hill_admin.clone()).await;
    assert!(!page.contains(&t.t("admin-faults-title")), "{page}");
    // A service that cannot even describe itself is left out of the city's lists, which stay up.
    let (status, body) = host.get("/cities/rivertown/services?lang=x-huge").await;
    assert_eq!(status, 200, "{body}");
    let codes: Vec<&str> = body["services"]
        .as_array()
        .map(|list| list.iter().filter_map(|s| s["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        codes.contains(&"street-issue") && !codes.contains(&"hostile"),
        "{body}"
    );
    // The same fault in Hillcrest is Hillcrest's own news, told to its own administrator.
    let (status, _) = host
        .post(
            "/cities/hillcrest/services/hostile/requests",
            &mode("panic"),
        )
        .await;
    assert_eq!(status, 503);
    let told = fault_notices(&host, "hillcrest").await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].0.contains("admin@hillcrest.example"), "{told:?}");
    assert_eq!(fault_notices(&host, "rivertown").await.len(), 1);
    // A working call is no fault.
    let (status, _) = host.post(HOSTILE, &mode("ok")).await;
    assert_eq!(status, 201);
    assert_eq!(fault_notices(&host, "rivertown").await.len(), 1);
    host.stop().await;
}

/// The departments of `city`'s cases opened by the hostile service's own `cases.create`.
async fn departments_of_opened(host: &TestHost, city: &str) -> Vec<Option<String>> {
    use sqlx::Row;
    sqlx::query(
        "SELECT DISTINCT department FROM cases WHERE city = $1 AND service = 'hostile' AND kind = 'case'",
    )
    .bind(city)
    .fetch_all(host.carmen.db().pool())
    .await
    .unwrap()
    .iter()
    .map(|row| row.get(0))
    .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_case_a_service_opens_without_a_department_goes_to_its_default_unless_the_city_routes_it()
{
    let dir = tempfile::tempdir().unwrap();
    let host = host(dir.path(), carmen_tests::HOSTILE_LIMITS).await;
    // `cases.create` with no department: the department the service's description names.
    let (status, body) = host.post(HOSTILE, &mode("open-many")).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        departments_of_opened(&host, "rivertown").await,
        [Some("testing".to_string())]
    );
    // Hillcrest routes the service to its parks department: that rule wins, in Hillcrest only.
    let admin = host.carmen.console().admin_of("hillcrest");
    host.carmen
        .add_department(&admin, "parks", "Parks")
        .await
        .unwrap();
    let route = carmen::runtime::types::Route {
        service: "hostile".into(),
        category: String::new(),
        department: "parks".into(),
    };
    host.carmen.set_route(&admin, &route).await.unwrap();
    let (status, body) = host
        .post(
            "/cities/hillcrest/services/hostile/requests",
            &mode("open-many"),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        departments_of_opened(&host, "hillcrest").await,
        [Some("parks".to_string())]
    );
    let (status, _) = host.post(HOSTILE, &mode("open-many")).await;
    assert_eq!(status, 201);
    assert_eq!(
        departments_of_opened(&host, "rivertown").await,
        [Some("testing".to_string())],
        "Rivertown keeps the service's default"
    );
    host.stop().await;
}

/// street-issue with the names of its `validate` and `submit` exports swapped: a valid component
/// whose `validate` answers an outcome and whose `submit` answers a list of field errors.
fn with_validate_and_submit_swapped() -> Vec<u8> {
    let text = wasmprinter::print_bytes(carmen_tests::plugin_wasm("street-issue")).unwrap();
    for name in ["validate", "submit"] {
        assert_eq!(
            text.matches(&format!(") \"{name}\" (func ")).count(),
            1,
            "one export named {name} in the service's instance"
        );
    }
    let swapped = text
        .replace(") \"validate\" (func ", ") \"was-validate\" (func ")
        .replace(") \"submit\" (func ", ") \"validate\" (func ")
        .replace(") \"was-validate\" (func ", ") \"submit\" (func ");
    wat::parse_str(&swapped).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_component_whose_exports_are_not_of_the_contracts_types_is_never_called() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    for (slug, name) in [("rivertown", "Rivertown"), ("hillcrest", "Hillcrest")] {
        carmen_tests::add_city(&carmen, slug, name).await.unwrap();
    }
    let manifest = carmen_tests::manifest("street-issue");
    let request = carmen::runtime::install::InstallRequest {
        grants: manifest.capabilities().unwrap(),
        manifest: Some(manifest),
        ..Default::default()
    };
    // Its `describe` is well typed, but every export is checked before any is called: the
    // install's `describe` fails, the first time and the next (were `describe` called unchecked,
    // the install would pass and `validate` be called with another type's values).
    for _ in 0..2 {
        let refused = carmen
            .install(
                &carmen.console().admin_of("rivertown"),
                &with_validate_and_submit_swapped(),
                request.clone(),
            )
            .await;
        assert!(refused.is_err(), "installed: {refused:?}");
    }
    // The same service, well built, in another city files as always, at every call.
    carmen_tests::install(&carmen, "hillcrest", "street-issue", &[]).await;
    let host = TestHost::serve(carmen).await;
    let report = json!({"fields": {"category": "pothole"}, "description": "Deep hole", "location": {"address": "Canal Street 1"}});
    for _ in 0..3 {
        let (status, body) = host
            .post("/cities/hillcrest/services/street-issue/requests", &report)
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, _) = host
        .post("/cities/rivertown/services/street-issue/requests", &report)
        .await;
    assert_eq!(status, 404, "nothing of it was installed");
    assert_eq!(count_rows(&host.carmen, "cases", "rivertown").await, 0);
    host.stop().await;
}
