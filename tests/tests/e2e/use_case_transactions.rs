//! One use case, one transaction: with a fault injected into its last write (a trigger that makes
//! the audit entry, or a case's history, fail to insert), every use case leaves the store exactly
//! as it was; without the fault it succeeds and is audited, from the API and from the console.

use std::collections::BTreeMap;

use carmen::runtime::Carmen;
use carmen_tests::TestHost;
use carmen_tests::api::{People, call, two_cities};
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::Row;

/// Every row of every table but the audit log and the id blocks (an id taken for a use case that
/// failed leaves a gap, by design), each row as one line of quoted values.
async fn snapshot(carmen: &Carmen) -> BTreeMap<String, Vec<String>> {
    let pool = carmen.db().pool();
    let tables: Vec<String> = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT IN ('_sqlx_migrations', 'audit', 'id_blocks') ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get(0))
    .collect();
    let mut all = BTreeMap::new();
    for table in tables {
        let columns: Vec<String> =
            sqlx::query(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(pool)
                .await
                .unwrap()
                .iter()
                .map(|r| format!("quote({})", r.get::<String, _>(0)))
                .collect();
        let rows = sqlx::query(&format!(
            "SELECT {} FROM {table} ORDER BY 1",
            columns.join(" || ',' || ")
        ))
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect();
        all.insert(table, rows);
    }
    all
}

/// Makes every insert into `table` fail until `heal`.
async fn break_inserts(carmen: &Carmen, table: &str) {
    sqlx::query(&format!(
        "CREATE TRIGGER injected_fault BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
    ))
    .execute(carmen.db().pool())
    .await
    .unwrap();
}

async fn heal(carmen: &Carmen) {
    sqlx::query("DROP TRIGGER injected_fault")
        .execute(carmen.db().pool())
        .await
        .unwrap();
}

/// The audit log's newest action in `city`.
async fn last_audited(carmen: &Carmen, city: &str) -> String {
    carmen
        .audit_log(&carmen.console().admin_of(city), None, 1)
        .await
        .unwrap()[0]
        .action
        .clone()
}

/// One use case over the API: the call, and the action it audits.
struct Step {
    what: &'static str,
    method: Method,
    path: String,
    token: String,
    body: Option<Value>,
    /// The city whose audit log records it, and the action.
    audited: (&'static str, &'static str),
}

/// With audit inserts failing, `step` answers 503 and changes nothing; healed, it succeeds and is
/// audited.
async fn all_or_nothing(host: &TestHost, step: Step) {
    let before = snapshot(&host.carmen).await;
    break_inserts(&host.carmen, "audit").await;
    let (status, body) = call(
        host,
        step.method.clone(),
        &step.path,
        Some(&step.token),
        step.body.clone(),
    )
    .await;
    assert_eq!(status, 503, "{}: {body}", step.what);
    assert!(
        !body.to_string().contains("injected"),
        "{}: no internal detail: {body}",
        step.what
    );
    assert!(
        before == snapshot(&host.carmen).await,
        "{}: a failed audit write left part of the change",
        step.what
    );
    heal(&host.carmen).await;
    let (status, body) = call(host, step.method, &step.path, Some(&step.token), step.body).await;
    assert!(status < 300, "{}: {status} {body}", step.what);
    assert_eq!(
        last_audited(&host.carmen, step.audited.0).await,
        step.audited.1,
        "{}",
        step.what
    );
}

fn step(
    what: &'static str,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
    audited: (&'static str, &'static str),
) -> Step {
    Step {
        what,
        method,
        path: path.to_string(),
        token: token.to_string(),
        body,
        audited,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_use_case_over_the_api_commits_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    let People {
        operator,
        river_admin: admin,
        river_staff: staff,
        river_citizen: citizen,
        ..
    } = &p;
    let case = carmen_tests::api::report_pothole(&host, "rivertown", Some(citizen)).await;
    let (_, me) = call(
        &host,
        Method::GET,
        "/cities/rivertown/me",
        Some(staff),
        None,
    )
    .await;
    let staff_id = me["id"].as_i64().unwrap();
    let steps = [
        step(
            "status change",
            Method::POST,
            &format!("/cities/rivertown/cases/{case}/status"),
            staff,
            Some(json!({"status": "acknowledged", "note": "seen"})),
            ("rivertown", "case.status"),
        ),
        step(
            "staff reply with its outbox message",
            Method::POST,
            &format!("/cities/rivertown/cases/{case}/messages"),
            staff,
            Some(json!({"body": "We are on it"})),
            ("rivertown", "case.reply"),
        ),
        step(
            "assignment",
            Method::POST,
            &format!("/cities/rivertown/cases/{case}/assign"),
            admin,
            Some(json!({"assignee": staff_id})),
            ("rivertown", "case.assign"),
        ),
        step(
            "new department",
            Method::POST,
            "/cities/rivertown/departments",
            admin,
            Some(json!({"code": "parks", "name": "Parks"})),
            ("rivertown", "department.create"),
        ),
        step(
            "routing rule",
            Method::PUT,
            "/cities/rivertown/routes",
            admin,
            Some(json!({"service": "street-issue", "category": "graffiti", "department": "parks"})),
            ("rivertown", "route.set"),
        ),
        step(
            "city settings",
            Method::PUT,
            "/cities/rivertown/settings",
            admin,
            Some(json!({"reopen_days": 30})),
            ("rivertown", "city.settings"),
        ),
        step(
            "service settings",
            Method::PUT,
            "/cities/rivertown/services/street-issue/settings",
            admin,
            Some(json!({"anonymous": false, "quotas": {"cases-per-call": 5}})),
            ("rivertown", "service.settings"),
        ),
        step(
            "API key",
            Method::POST,
            "/cities/rivertown/api-keys",
            admin,
            Some(json!({"label": "Fix-it app"})),
            ("rivertown", "key.issue"),
        ),
        step(
            "staff member",
            Method::POST,
            "/cities/rivertown/users",
            admin,
            Some(
                json!({"role": "staff", "name": "Kim", "email": "kim@rivertown.example", "password": carmen_tests::api::PASSWORD}),
            ),
            ("rivertown", "user.create"),
        ),
        step(
            "a city with its first administrator",
            Method::POST,
            "/operator/cities",
            operator,
            Some(
                json!({"slug": "lakeside", "name": "Lakeside", "domain": "lakeside.example", "admin_name": "Lee", "admin_email": "lee@lakeside.example", "admin_password": carmen_tests::api::PASSWORD}),
            ),
            ("lakeside", "city.create"),
        ),
    ];
    for step in steps {
        all_or_nothing(&host, step).await;
    }

    // Revoking the key issued above.
    let (_, key) = call(
        &host,
        Method::POST,
        "/cities/rivertown/api-keys",
        Some(admin),
        Some(json!({"label": "second app"})),
    )
    .await;
    let key_id = key["id"].as_str().unwrap().to_string();
    all_or_nothing(
        &host,
        step(
            "key revocation",
            Method::DELETE,
            &format!("/cities/rivertown/api-keys/{key_id}"),
            admin,
            None,
            ("rivertown", "key.revoke"),
        ),
    )
    .await;

    // A citizen's erasure of their own data.
    all_or_nothing(
        &host,
        step(
            "erasure",
            Method::DELETE,
            "/cities/rivertown/me",
            citizen,
            None,
            ("rivertown", "citizen.erase"),
        ),
    )
    .await;
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_submission_whose_case_cannot_be_written_keeps_nothing_the_plugin_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    carmen_tests::install(&carmen, "rivertown", "bulky-waste", &[]).await;
    let host = TestHost::serve(carmen).await;
    let booking = json!({"fields": {"items": ["sofa"]}, "location": {"address": "Elm 1"}});
    let path = "/cities/rivertown/services/bulky-waste/requests";
    let before = snapshot(&host.carmen).await;
    break_inserts(&host.carmen, "case_history").await;
    let (status, body) = host.post(path, &booking).await;
    assert_eq!(status, 503, "{body}");
    assert!(
        before == snapshot(&host.carmen).await,
        "the place the plugin took and the booking it wrote went with the request"
    );
    heal(&host.carmen).await;
    let (status, body) = host.post(path, &booking).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body["answer"]["reference"], "BW-000001",
        "the counter never moved"
    );
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn installs_upgrades_rollbacks_and_uninstalls_commit_whole_and_the_console_is_audited() {
    let w = crate::registry::registry().await;
    w.publish("street-issue", "1.0.0").await;
    w.publish("street-issue", "1.1.0").await;
    let dir = tempfile::tempdir().unwrap();
    let carmen = w.host(&carmen_tests::open_carmen(dir.path()).await);
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    let console = carmen.console();
    let grants = carmen::runtime::types::Grants::parse("config,log").unwrap();
    let install = async || {
        carmen
            .install_from_registry(
                &console.admin_of("rivertown"),
                "street-issue",
                "=1.0.0",
                grants.clone(),
                Default::default(),
                false,
            )
            .await
    };
    let upgrade = async || {
        carmen
            .upgrade(
                &console.admin_of("rivertown"),
                "street-issue",
                "^1",
                &grants,
            )
            .await
    };
    let rollback = async || {
        carmen
            .rollback(&console.admin_of("rivertown"), "street-issue")
            .await
    };
    let uninstall = async || {
        carmen
            .uninstall(&console.admin_of("rivertown"), "street-issue")
            .await
    };

    // Each with a failing audit write: nothing changes, the install keeps no publisher pin alone.
    macro_rules! fails_whole {
        ($use_case:expr) => {{
            let before = snapshot(&carmen).await;
            break_inserts(&carmen, "audit").await;
            assert!($use_case.await.is_err());
            assert!(
                before == snapshot(&carmen).await,
                "{}",
                stringify!($use_case)
            );
            heal(&carmen).await;
        }};
    }
    fails_whole!(install());
    assert!(carmen.installs("rivertown").await.unwrap().is_empty());
    install().await.unwrap();
    assert_eq!(last_audited(&carmen, "rivertown").await, "service.install");
    fails_whole!(upgrade());
    assert_eq!(upgrade().await.unwrap().version, "1.1.0");
    assert_eq!(last_audited(&carmen, "rivertown").await, "service.upgrade");
    fails_whole!(rollback());
    assert_eq!(rollback().await.unwrap().version, "1.0.0");
    assert_eq!(last_audited(&carmen, "rivertown").await, "service.rollback");
    fails_whole!(uninstall());
    uninstall().await.unwrap();
    let log = carmen
        .audit_log(&carmen.console().admin_of("rivertown"), None, 10)
        .await
        .unwrap();
    assert_eq!(log[0].action, "service.uninstall");
    assert!(
        log.iter()
            .all(|e| e.actor_role == "console" && e.actor_id.is_none()),
        "the console's actions are audited as the console: {log:?}"
    );
}
