//! The engine's hot path keeps its answers true: a description is kept only while nothing it
//! rests on can change, and `validate` and `submit` share one instance without sharing anything
//! with another request.

use carmen_tests::{HOSTILE_GRANTS, TestHost, install, install_hostile};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn a_description_is_kept_unless_it_read_the_store_and_never_crosses_cities() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    for (slug, name) in [("rivertown", "Rivertown"), ("hillcrest", "Hillcrest")] {
        carmen_tests::add_city(&carmen, slug, name).await.unwrap();
        install_hostile(&carmen, slug, HOSTILE_GRANTS)
            .await
            .unwrap();
    }
    install(&carmen, "rivertown", "street-issue", &[]).await;
    let host = TestHost::serve(carmen).await;
    let described = |city: &'static str, lang: &'static str| {
        let host = &host;
        async move {
            let (status, form) = host
                .get(&format!("/cities/{city}/services/hostile?lang={lang}"))
                .await;
            assert_eq!(status, 200, "{form}");
            form["description"].as_str().unwrap().to_string()
        }
    };
    let kept = |city: &'static str, lang: &'static str| {
        let (host, described) = (&host, &described);
        async move {
            let hits = host.carmen.engine().descriptions_kept_hits();
            let description = described(city, lang).await;
            (
                description,
                host.carmen.engine().descriptions_kept_hits() > hits,
            )
        }
    };

    // A description that reads nothing is kept: asked again, the plugin is not called.
    let hits = host.carmen.engine().descriptions_kept_hits();
    described("rivertown", "fr").await;
    described("rivertown", "fr").await;
    described("hillcrest", "fr").await;
    assert_eq!(host.carmen.engine().descriptions_kept_hits(), hits + 2);
    let (status, _) = host
        .get("/cities/rivertown/services/street-issue?lang=nl")
        .await;
    assert_eq!(status, 200);
    let (_, dutch) = host.get("/cities/rivertown/services?lang=nl").await;
    assert!(
        dutch.to_string().contains("Meld een probleem op straat"),
        "{dutch}"
    );

    // One that reads the store is asked every time, and reads its own city's store.
    assert_eq!(kept("rivertown", "x-store").await, ("mark: ".into(), false));
    assert_eq!(kept("rivertown", "x-store").await, ("mark: ".into(), false));
    let (status, answer) = host
        .post(
            "/cities/rivertown/services/hostile/requests",
            &json!({"fields": {"mode": "mark"}, "description": "rivertown's mark"}),
        )
        .await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(
        kept("rivertown", "x-store").await,
        ("mark: rivertown's mark".into(), false)
    );
    assert_eq!(kept("hillcrest", "x-store").await, ("mark: ".into(), false));
    host.stop().await;
}

/// A request to a service filed to lately is filed with the filing kept from then (the install,
/// the city's move, its routing, its webhook), checked at the commit: whatever another node
/// changed since on the same database is in force for the very next request, and a request
/// number the city brought from another host is never given again.
#[tokio::test(flavor = "multi_thread")]
async fn a_request_filed_with_a_kept_filing_sees_what_another_node_changed_since() {
    let dir = tempfile::tempdir().unwrap();
    let here = carmen_tests::open_carmen(dir.path()).await;
    carmen_tests::add_city(&here, "rivertown", "Rivertown")
        .await
        .unwrap();
    install(&here, "rivertown", "street-issue", &[]).await;
    // The other node: another host on the same database file, with its own writer.
    let there = carmen::runtime::Carmen::open(
        &dir.path().join("carmen.db()").to_string_lossy(),
        &dir.path().join("cache-there"),
    )
    .await
    .unwrap();
    let host = TestHost::serve(here.clone()).await;
    let path = "/cities/rivertown/services/street-issue/requests";
    let pothole = json!({"fields": {"category": "pothole"}, "description": "Deep hole", "location": {"address": "Canal Street 1"}});
    let (status, first) = host.post(path, &pothole).await;
    assert_eq!(status, 201, "{first}");
    assert!(here.filing_kept("rivertown", "street-issue", "pothole"));
    let (status, second) = host.post(path, &pothole).await;
    assert_eq!(status, 201, "{second}");
    assert_eq!(second["department"], first["department"]);
    // A choice written with spaces around it is the same choice, and keeps no filing of its own.
    let spaced = json!({"fields": {"category": " pothole "}, "description": "Deep hole", "location": {"address": "Canal Street 1"}});
    let (status, body) = host.post(path, &spaced).await;
    assert_eq!(status, 201, "{body}");
    assert!(!here.filing_kept("rivertown", "street-issue", " pothole "));
    // A refusal met with the kept filing stands while the filing is the same.
    let unplaced = json!({"fields": {"category": "pothole"}, "description": "Somewhere"});
    let (status, refused) = host.post(path, &unplaced).await;
    assert_eq!(status, 422, "{refused}");
    assert!(here.filing_kept("rivertown", "street-issue", "pothole"));

    // The other node routes potholes to the parks department: the next request goes there.
    carmen_tests::route_to(&there, "rivertown", "street-issue", "pothole", "parks").await;
    // A refusal met with a filing changed since is met again with what is true now: the kept
    // filing is let go.
    let (status, refused) = host.post(path, &unplaced).await;
    assert_eq!(status, 422, "{refused}");
    assert!(!here.filing_kept("rivertown", "street-issue", "pothole"));
    let (status, routed) = host.post(path, &pothole).await;
    assert_eq!(status, 201, "{routed}");
    assert_eq!(routed["department"], "parks", "{routed}");
    let (status, routed) = host.post(path, &pothole).await;
    assert_eq!(status, 201, "{routed}");
    assert_eq!(routed["department"], "parks", "{routed}");
    assert!(here.filing_kept("rivertown", "street-issue", "pothole"));

    // Request numbers the city brought from another host, the next ones this node would give:
    // the request gets another, and each old number still names the old request.
    let next = here
        .db()
        .next_id(carmen_core::db::Sequence::Cases)
        .await
        .unwrap();
    let old = first["id"].as_i64().unwrap();
    for old_id in next + 1..next + 6 {
        carmen_core::db::execute(
            &mut there.db().read().await.unwrap(),
            "INSERT INTO case_aliases (city, old_id, case_id) VALUES ('rivertown', $1, $2)",
            (old_id, old),
        )
        .await
        .unwrap();
    }
    let (status, renumbered) = host.post(path, &pothole).await;
    assert_eq!(status, 201, "{renumbered}");
    let id = renumbered["id"].as_i64().unwrap();
    assert!(!(next + 1..next + 6).contains(&id), "{id} is an old number");
    for old_id in next + 1..next + 6 {
        let (status, named) = host
            .get(&format!("/cities/rivertown/requests/{old_id}"))
            .await;
        assert_eq!((status, &named["id"]), (200, &first["id"]), "{named}");
    }

    // The other node makes the service one for account holders: an anonymous request is refused,
    // and nothing of it is stored.
    let cases = carmen_tests::count_rows(&here, "cases", "rivertown").await;
    let admin = there.console().admin_of("rivertown");
    let anonymous = async |anonymous: bool| {
        let settings = carmen::runtime::admin::ServiceSettings {
            anonymous: Some(anonymous),
            ..Default::default()
        };
        there
            .set_service_settings(&admin, "street-issue", &settings)
            .await
            .unwrap();
    };
    anonymous(false).await;
    let (status, refused) = host.post(path, &pothole).await;
    assert_eq!(status, 401, "{refused}");
    assert_eq!(
        carmen_tests::count_rows(&here, "cases", "rivertown").await,
        cases
    );

    // The city moves away: this node takes no request for it, whatever it kept.
    anonymous(true).await;
    let (status, body) = host.post(path, &pothole).await;
    assert_eq!(status, 201, "{body}");
    assert!(here.filing_kept("rivertown", "street-issue", "pothole"));
    carmen_core::db::execute(
        &mut there.db().read().await.unwrap(),
        "UPDATE cities SET moved_to = 'https://elsewhere.example' WHERE slug = 'rivertown'",
        (),
    )
    .await
    .unwrap();
    let cases = carmen_tests::count_rows(&here, "cases", "rivertown").await;
    let (status, moved) = host.post(path, &pothole).await;
    assert_ne!(status, 201, "{moved}");
    assert_eq!(
        carmen_tests::count_rows(&here, "cases", "rivertown").await,
        cases,
        "a moved city's request is not stored here"
    );
    assert!(!here.filing_kept("rivertown", "street-issue", "pothole"));
    host.stop().await;
    there.close().await;
}

/// The count of changes to a city's filings moves with every change to what filing a request
/// depends on (its installs, routing, webhook, move), whoever writes it, and with nothing else:
/// not with a scheduled tick's claim, and not with another city's changes.
#[tokio::test(flavor = "multi_thread")]
async fn every_change_to_what_filing_depends_on_moves_its_citys_count_and_nothing_else_does() {
    let dir = tempfile::tempdir().unwrap();
    filings_count_moves_with_every_change(&carmen_tests::open_carmen(dir.path()).await).await;
    let (url, name) = carmen_tests::postgres::fresh_database().await;
    let on_postgres = carmen::runtime::Carmen::open(&url, &dir.path().join("pg"))
        .await
        .unwrap();
    filings_count_moves_with_every_change(&on_postgres).await;
    on_postgres.close().await;
    carmen_tests::postgres::drop_database(&name).await;
}

async fn filings_count_moves_with_every_change(carmen: &carmen::runtime::Carmen) {
    for (slug, name) in [("rivertown", "Rivertown"), ("hillcrest", "Hillcrest")] {
        carmen_tests::add_city(carmen, slug, name).await.unwrap();
    }
    let count = |city: &'static str| async move {
        let (changed,): (i64,) = carmen_core::db::fetch_optional(
            &mut carmen.db().read().await.unwrap(),
            "SELECT filings_changed FROM cities WHERE slug = $1",
            (city,),
        )
        .await
        .unwrap()
        .unwrap();
        changed
    };
    let write = |sql: &'static str| async move {
        let mut tx = carmen.db().begin_write().await.unwrap();
        carmen_core::db::execute(&mut tx, sql, ()).await.unwrap();
        tx.commit().await.unwrap();
    };
    let hillcrest = count("hillcrest").await;
    let mut last = count("rivertown").await;
    let mut moved = async |what: &str| {
        let now = count("rivertown").await;
        assert!(now > last, "{what} did not move the count");
        last = now;
    };
    install(carmen, "rivertown", "street-issue", &[]).await;
    moved("an install").await;
    carmen_tests::route_to(carmen, "rivertown", "street-issue", "pothole", "parks").await;
    moved("a route").await;
    write("UPDATE routes SET department = 'roads' WHERE city = 'rivertown'").await;
    moved("a route changed").await;
    write("INSERT INTO city_delivery (city, webhook_url) VALUES ('rivertown', 'http://127.0.0.1:9/hook')").await;
    moved("a webhook").await;
    write("UPDATE installs SET config = '{\"a\":\"b\"}' WHERE city = 'rivertown'").await;
    moved("settings").await;
    write("DELETE FROM routes WHERE city = 'rivertown'").await;
    moved("a route removed").await;
    write("UPDATE city_delivery SET webhook_url = NULL WHERE city = 'rivertown'").await;
    moved("a webhook removed").await;
    // Every column an install is read from, each written alone.
    for column in carmen_core::crm::installs::COLUMNS.split(", ") {
        let mut tx = carmen.db().begin_write().await.unwrap();
        let sql = format!("UPDATE installs SET {column} = {column} WHERE city = 'rivertown'");
        carmen_core::db::execute(&mut tx, &sql, ()).await.unwrap();
        tx.commit().await.unwrap();
        moved(column).await;
    }
    let before_tick = count("rivertown").await;
    write("UPDATE installs SET next_tick_at = next_tick_at + 60 WHERE city = 'rivertown'").await;
    assert_eq!(
        count("rivertown").await,
        before_tick,
        "a tick's claim is no change to filing"
    );
    write("UPDATE cities SET moved_to = 'https://elsewhere.example' WHERE slug = 'rivertown'")
        .await;
    moved("a move").await;
    write("DELETE FROM installs WHERE city = 'rivertown'").await;
    moved("an uninstall").await;
    assert_eq!(
        count("hillcrest").await,
        hillcrest,
        "another city's count stays"
    );
}

/// A request's secret names its request, so a follow link finds it by the request's key and then
/// checks the secret there: the index of secrets found by their hash alone keeps only the older
/// secrets, which go on working. Neither another city nor another request's number opens it.
#[tokio::test(flavor = "multi_thread")]
async fn a_follow_link_finds_its_request_by_the_number_its_secret_names_and_older_ones_by_hash() {
    let dir = tempfile::tempdir().unwrap();
    follow_links_find_their_request(carmen_tests::open_carmen(dir.path()).await).await;
    let (url, name) = carmen_tests::postgres::fresh_database().await;
    let on_postgres = carmen::runtime::Carmen::open(&url, &dir.path().join("pg"))
        .await
        .unwrap();
    follow_links_find_their_request(on_postgres).await;
    carmen_tests::postgres::drop_database(&name).await;
}

/// The follow page of `city` for `secret`: its status and its text.
async fn follow_page(host: &TestHost, city: &str, secret: String) -> (u16, String) {
    let page = host
        .client
        .get(format!("http://{}/{city}/follow/{secret}", host.addr))
        .send()
        .await
        .unwrap();
    (page.status().as_u16(), page.text().await.unwrap())
}

/// How many requests of `city` have a secret found by its hash alone.
async fn secrets_found_alone(host: &TestHost, city: &str) -> i64 {
    let (alone,): (i64,) = carmen_core::db::fetch_optional(
        &mut host.carmen.db().read().await.unwrap(),
        "SELECT COUNT(*) FROM cases WHERE city = $1 AND secret_alone = 1",
        (city,),
    )
    .await
    .unwrap()
    .unwrap();
    alone
}

async fn follow_links_find_their_request(carmen: carmen::runtime::Carmen) {
    for (slug, name) in [("rivertown", "Rivertown"), ("hillcrest", "Hillcrest")] {
        carmen_tests::add_city(&carmen, slug, name).await.unwrap();
        install(&carmen, slug, "street-issue", &[]).await;
    }
    let host = TestHost::serve(carmen).await;
    let file = |address: &'static str| {
        let host = &host;
        async move {
            let (status, filed) = host
                .post(
                    "/cities/rivertown/services/street-issue/requests",
                    &json!({"fields": {"category": "pothole"}, "location": {"address": address}}),
                )
                .await;
            assert_eq!(status, 201, "{filed}");
            let id = filed["id"].as_i64().unwrap();
            (id, filed["secret"].as_str().unwrap().to_string())
        }
    };
    let follow = |city: &'static str, secret: String| follow_page(&host, city, secret);
    let (first, first_secret) = file("Canal Street 1").await;
    let (second, second_secret) = file("Mill Lane 9").await;
    assert!(
        first_secret.starts_with(&format!("rs_{first}_")),
        "{first_secret}"
    );
    let (status, page) = follow("rivertown", first_secret.clone()).await;
    assert_eq!(status, 200);
    assert!(page.contains("Canal Street 1") && !page.contains("Mill Lane 9"));
    let (status, page) = follow("rivertown", second_secret.clone()).await;
    assert_eq!(status, 200);
    assert!(page.contains("Mill Lane 9"));
    // Another city, or one request's random part under another request's number: nothing.
    let random_of = |secret: &str| secret.rsplit('_').next().unwrap().to_string();
    for (city, secret) in [
        ("hillcrest", first_secret.clone()),
        (
            "rivertown",
            format!("rs_{second}_{}", random_of(&first_secret)),
        ),
        (
            "rivertown",
            format!("rs_{first}_{}", random_of(&second_secret)),
        ),
        ("rivertown", format!("rs_{}", random_of(&first_secret))),
        (
            "rivertown",
            format!("rs_{}_{}", first + 1_000, random_of(&first_secret)),
        ),
    ] {
        let (status, page) = follow(city, secret.clone()).await;
        assert_eq!(status, 404, "{city} {secret}");
        assert!(!page.contains("Canal Street 1") && !page.contains("Mill Lane 9"));
    }

    // A copy of the city beside itself (`--as`) shares none of its links; the city keeps them.
    let archive = tempfile::tempdir().unwrap();
    let archive = archive.path().join("rivertown.carmen");
    let console = host.carmen.console();
    host.carmen
        .export_city(&console, "rivertown", false, &archive)
        .await
        .unwrap();
    let read = carmen::runtime::portability::read_archive(&archive, None).unwrap();
    host.carmen
        .import_city(&console, &read, Some("riverside"))
        .await
        .unwrap();
    for secret in [&first_secret, &second_secret] {
        assert_eq!(follow("riverside", secret.clone()).await.0, 404);
        assert_eq!(follow("rivertown", secret.clone()).await.0, 200);
    }

    // A secret given before secrets named their request, as the migration left it: found by its
    // hash alone, in its own city only.
    let older = "rs_00112233445566778899aabbccddeeff";
    let mut tx = host.carmen.db().begin_write().await.unwrap();
    carmen_core::db::execute(
        &mut tx,
        "UPDATE cases SET secret_hash = $1, secret_alone = 1 WHERE city = 'rivertown' AND id = $2",
        (carmen::runtime::requesters::secret_hash(older), second),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (status, page) = follow("rivertown", older.into()).await;
    assert_eq!(status, 200);
    assert!(page.contains("Mill Lane 9"));
    assert_eq!(follow("hillcrest", older.into()).await.0, 404);
    assert_eq!(follow("rivertown", second_secret).await.0, 404, "replaced");
    // Only that one is among the city's secrets found by their hash alone; the requests filed
    // here are not (the copy's, brought along, are).
    assert_eq!(secrets_found_alone(&host, "rivertown").await, 1);

    // A request brought from another host is known by its old number too: a secret naming that
    // number finds it, and the same random part under its number here does not.
    let (old_number, random) = (first + 100_000, random_of(&first_secret));
    let brought = format!("rs_{old_number}_{random}");
    let mut tx = host.carmen.db().begin_write().await.unwrap();
    carmen_core::db::execute(
        &mut tx,
        "INSERT INTO case_aliases (city, old_id, case_id) VALUES ('rivertown', $1, $2)",
        (old_number, first),
    )
    .await
    .unwrap();
    carmen_core::db::execute(
        &mut tx,
        "UPDATE cases SET secret_hash = $1 WHERE city = 'rivertown' AND id = $2",
        (carmen::runtime::requesters::secret_hash(&brought), first),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (status, page) = follow("rivertown", brought).await;
    assert_eq!(status, 200);
    assert!(page.contains("Canal Street 1"));
    assert_eq!(
        follow("rivertown", format!("rs_{first}_{random}")).await.0,
        404
    );

    // Both look-ups go by an index, never through the city's requests one by one (SQLite's
    // plans; PostgreSQL's follow its statistics).
    if host.carmen.db().backend() == carmen_core::db::Backend::Sqlite {
        let plan = |sql: String, values: usize| {
            let host = &host;
            async move {
                let mut query =
                    sqlx::query_as::<_, (i64, i64, i64, String)>(&sql).bind("rivertown");
                if values == 3 {
                    query = query.bind(1_i64);
                }
                query
                    .bind("hash")
                    .fetch_all(&mut *host.carmen.db().read().await.unwrap())
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|(.., detail)| detail)
                    .collect::<Vec<_>>()
            }
        };
        for (sql, values, index) in [
            (
                carmen_core::crm::cases::BY_SECRET_NAMING_ITS_NUMBER,
                3,
                "INTEGER PRIMARY KEY",
            ),
            (
                carmen_core::crm::cases::BY_SECRET_ALONE,
                2,
                "INDEX cases_by_secret",
            ),
        ] {
            let plan = plan(format!("EXPLAIN QUERY PLAN {sql}"), values).await;
            assert!(
                plan.iter()
                    .any(|step| step.starts_with("SEARCH cases ") && step.contains(index)),
                "{sql}: {plan:?}"
            );
        }
    }
    host.stop().await;
}

/// A request filed before secrets named their request keeps its follow link through the upgrade:
/// a store written by the migrations before (`0036`), with such a request in it, opened by this
/// host (which migrates it) on SQLite and on PostgreSQL.
#[tokio::test(flavor = "multi_thread")]
async fn a_link_given_before_secrets_named_their_request_still_opens_it_after_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("before.db");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&file)
        .create_if_missing(true);
    let sqlite = sqlx::SqlitePool::connect_with(options).await.unwrap();
    migrations_before_secrets_named_their_request("sqlite", dir.path())
        .await
        .run(&sqlite)
        .await
        .unwrap();
    for sql in rows_before_secrets_named_their_request() {
        sqlx::query(&sql).execute(&sqlite).await.unwrap();
    }
    sqlite.close().await;
    let carmen = carmen::runtime::Carmen::open(&file.to_string_lossy(), &dir.path().join("cache"))
        .await
        .unwrap();
    older_link_opens_its_request(carmen).await;

    let (url, name) = carmen_tests::postgres::fresh_database().await;
    let postgres = sqlx::PgPool::connect(&url).await.unwrap();
    migrations_before_secrets_named_their_request("postgres", dir.path())
        .await
        .run(&postgres)
        .await
        .unwrap();
    for sql in rows_before_secrets_named_their_request() {
        sqlx::query(&sql).execute(&postgres).await.unwrap();
    }
    postgres.close().await;
    let carmen = carmen::runtime::Carmen::open(&url, &dir.path().join("pg-cache"))
        .await
        .unwrap();
    older_link_opens_its_request(carmen).await;
    carmen_tests::postgres::drop_database(&name).await;
}

/// The secret a request was given before secrets named their request.
const OLDER_SECRET: &str = "rs_0f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// The store's migrations up to `0036`, the last before secrets named their request.
async fn migrations_before_secrets_named_their_request(
    backend: &str,
    dir: &std::path::Path,
) -> sqlx::migrate::Migrator {
    let source = carmen_tests::workspace().join(format!("store/migrations/{backend}"));
    let before = dir.join(format!("migrations-{backend}"));
    std::fs::create_dir_all(&before).unwrap();
    for entry in std::fs::read_dir(source).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.as_str() < "0037" {
            std::fs::copy(&path, before.join(name)).unwrap();
        }
    }
    sqlx::migrate::Migrator::new(before).await.unwrap()
}

/// A city and one request of it with a secret given before, as that schema held them.
fn rows_before_secrets_named_their_request() -> [String; 2] {
    [
        "INSERT INTO cities (slug, name, created_at) VALUES ('rivertown', 'Rivertown', 0)".into(),
        format!(
            "INSERT INTO cases (id, city, service, kind, status, title, description, priority, \
             fields, language, created_at, updated_at, public, hidden_fields, secret_hash) \
             VALUES (41, 'rivertown', 'street-issue', 'case', 'submitted', 'Lamp out at Quay 3', \
             '', 'normal', '{{}}', 'en', 0, 0, 0, '[]', '{}')",
            carmen::runtime::requesters::secret_hash(OLDER_SECRET)
        ),
    ]
}

async fn older_link_opens_its_request(carmen: carmen::runtime::Carmen) {
    install(&carmen, "rivertown", "street-issue", &[]).await;
    let host = TestHost::serve(carmen).await;
    let follow = |secret: String| follow_page(&host, "rivertown", secret);
    let (status, page) = follow(OLDER_SECRET.into()).await;
    assert_eq!(status, 200);
    assert!(page.contains("Lamp out at Quay 3"), "{page}");
    let (status, _) = host
        .get_with_secret("/cities/rivertown/requests/41", OLDER_SECRET)
        .await;
    assert_eq!(status, 200, "its submitter reads the private request");
    // A request filed after the upgrade: its secret names it, and is not in the older index.
    let (status, filed) = host
        .post(
            "/cities/rivertown/services/street-issue/requests",
            &json!({"fields": {"category": "pothole"}, "location": {"address": "Quay 4"}}),
        )
        .await;
    assert_eq!(status, 201, "{filed}");
    let secret = filed["secret"].as_str().unwrap();
    assert!(
        secret.starts_with(&format!("rs_{}_", filed["id"])),
        "{secret}"
    );
    assert_eq!(follow(secret.into()).await.0, 200);
    assert_eq!(secrets_found_alone(&host, "rivertown").await, 1);
    host.stop().await;
}
