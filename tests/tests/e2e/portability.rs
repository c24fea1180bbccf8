//! A city out of its host whole: `carmen city export` writes everything of one city, and nothing
//! of another, into one archive the host signs; `carmen city verify` finds any change to it.

use carmen::runtime::portability::read_archive;
use carmen_tests::api::{call, report_pothole, two_cities};
use carmen_tests::count_rows;
use reqwest::Method;
use serde_json::{Value, json};

use crate::process::{run_carmen, try_carmen};

/// The rows of a table's part, parsed.
fn rows(archive: &carmen::runtime::portability::Archive, table: &str) -> Vec<Value> {
    String::from_utf8(archive.parts[&format!("tables/{table}.jsonl")].clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_city_archive_holds_all_of_its_city_none_of_another_and_any_change_to_it_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = two_cities(dir.path()).await;
    // Rivertown: a citizen's request with a staff reply and an internal note, an anonymous one
    // with a photo, a webhook secret and an API key. Hillcrest: a request of its own.
    let river = report_pothole(&host, "rivertown", Some(&people.river_citizen)).await;
    for (body, internal) in [("On our list", false), ("Crew B, Tuesday", true)] {
        let (status, _) = call(
            &host,
            Method::POST,
            &format!("/cities/rivertown/cases/{river}/messages"),
            Some(&people.river_staff),
            Some(json!({"body": body, "internal": internal})),
        )
        .await;
        assert_eq!(status, 201);
    }
    let photo = carmen_tests::png(40, 30);
    let sent = carmen_tests::portal_report(&host.client, host.addr, "rivertown", &[&photo])
        .send()
        .await
        .unwrap();
    assert!(
        sent.url().path().contains("/follow/"),
        "filed: {}",
        sent.url()
    );
    let (status, _) = call(
        &host,
        Method::PUT,
        "/cities/rivertown/delivery",
        Some(&people.river_admin),
        Some(json!({"webhook_url": "https://backoffice.rivertown.example/carmen", "webhook_secret": "a webhook secret of the city"})),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = call(
        &host,
        Method::POST,
        "/cities/rivertown/api-keys",
        Some(&people.river_admin),
        Some(json!({"label": "street light contractor"})),
    )
    .await;
    assert_eq!(status, 201);
    for (city, token) in [
        ("rivertown", &people.river_staff),
        ("hillcrest", &people.hill_staff),
    ] {
        let article =
            json!({"texts": {"en": {"title": format!("Lights in {city}"), "body": "Lights."}}});
        let (status, _) = call(
            &host,
            Method::POST,
            &format!("/cities/{city}/articles"),
            Some(token),
            Some(article),
        )
        .await;
        assert_eq!(status, 201);
    }
    report_pothole(&host, "hillcrest", Some(&people.hill_citizen)).await;

    let db = dir.path().join("carmen.db()").to_string_lossy().to_string();
    let cache = dir.path().join("cache").to_string_lossy().to_string();
    let out = dir.path().join("rivertown.carmen");
    let out_s = out.to_string_lossy().to_string();
    let export = |out: &str, more: &[&str]| {
        let mut args = vec![
            "city",
            "export",
            "rivertown",
            "--db",
            &db,
            "--cache-dir",
            &cache,
            "--out",
            out,
        ];
        args.extend(more);
        let printed = run_carmen(&args);
        String::from_utf8_lossy(&printed.stdout).to_string()
    };
    let said = export(&out_s, &[]);
    assert!(said.contains("exported rivertown: 2 requests"), "{said}");
    assert!(
        said.contains("street light contractor"),
        "the keys to reissue are named: {said}"
    );

    // Every table's part holds exactly the city's rows; nothing names the other city.
    let archive = read_archive(&out, None).unwrap();
    assert_eq!(archive.manifest.city, "rivertown");
    for table in carmen::runtime::portability::table_names() {
        let expected = if table == "cities" {
            1
        } else {
            count_rows(&host.carmen, table, "rivertown").await as usize
        };
        assert_eq!(archive.manifest.rows(table), expected, "{table}");
        assert_eq!(rows(&archive, table).len(), expected, "{table}");
    }
    for (name, bytes) in &archive.parts {
        assert!(
            !String::from_utf8_lossy(bytes).contains("hillcrest"),
            "{name} holds something of Hillcrest"
        );
    }
    assert_eq!(rows(&archive, "photos").len(), 1);
    assert_eq!(
        rows(&archive, "case_messages").len(),
        2,
        "the reply and the internal note"
    );
    let users = rows(&archive, "users");
    let admin = users
        .iter()
        .find(|u| u["email"] == "admin@rivertown.example")
        .unwrap();
    assert!(
        admin["password_hash"]
            .as_str()
            .is_some_and(|h| h.starts_with("$argon2")),
        "password hashes go along: {admin}"
    );
    assert!(
        archive.parts.keys().any(|p| p.starts_with("components/")),
        "the components go along"
    );
    assert!(
        rows(&archive, "city_delivery")[0]["webhook_secret"].is_null(),
        "no secret unless asked"
    );
    let with = dir.path().join("with-secrets.carmen");
    export(&with.to_string_lossy(), &["--with-secrets"]);
    let archive = read_archive(&with, None).unwrap();
    assert_eq!(
        rows(&archive, "city_delivery")[0]["webhook_secret"],
        "a webhook secret of the city"
    );
    let key = archive.manifest.host_key.clone();

    // Verified as written; refused once a byte of a part or of the manifest changed, or when
    // another host's key is the one trusted; an export never writes over a file.
    let verify = |file: &std::path::Path, more: &[&str]| {
        let mut args = vec!["city", "verify"];
        let file = file.to_string_lossy().to_string();
        args.push(&file);
        args.extend(more);
        try_carmen(&args)
    };
    assert!(verify(&out, &["--key", &key]).status.success());
    let original = std::fs::read(&out).unwrap();
    let changed = |from: &str, to: &str| {
        let mut bytes = original.clone();
        let at = bytes
            .windows(from.len())
            .position(|w| w == from.as_bytes())
            .unwrap_or_else(|| panic!("{from} is in the archive"));
        bytes[at..at + to.len()].copy_from_slice(to.as_bytes());
        let file = dir.path().join("changed.carmen");
        std::fs::write(&file, bytes).unwrap();
        file
    };
    let refused = verify(&changed("Crew B, Tuesday", "Crew C, Tuesday"), &[]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("tables/case_messages.jsonl does not match"),
        "{refused:?}"
    );
    let refused = verify(
        &changed("\"name\": \"Rivertown\"", "\"name\": \"Rivertowm\""),
        &[],
    );
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("does not match its signature"),
        "{refused:?}"
    );
    let other = "0".repeat(64);
    let refused = verify(&out, &["--key", &other]);
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("not by the key trusted"),
        "{refused:?}"
    );
    let again = try_at(
        &db,
        &cache,
        &["city", "export", "rivertown", "--out", &out_s],
    );
    assert!(!again.status.success());
    assert_eq!(
        std::fs::read(&out).unwrap(),
        original,
        "the archive is untouched"
    );
}

/// `carmen city export`/`import` with `args`, printing what it said.
fn cli(args: &[&str]) -> String {
    String::from_utf8_lossy(&run_carmen(args).stdout).to_string()
}

/// `carmen <args>` on the store `db` (its compiled cache in `cache`), to its end: what it printed.
fn cli_at(db: &str, cache: &str, args: &[&str]) -> String {
    cli(&[args, &["--db", db, "--cache-dir", cache]].concat())
}

/// The same, succeeding or not.
fn try_at(db: &str, cache: &str, args: &[&str]) -> std::process::Output {
    try_carmen(&[args, &["--db", db, "--cache-dir", cache]].concat())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_city_moves_to_postgres_and_back_and_its_passwords_links_and_numbers_still_work() {
    use carmen::runtime::Carmen;
    use carmen_tests::TestHost;
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = two_cities(dir.path()).await;
    let password = carmen_tests::api::PASSWORD;
    // An anonymous report first, so that the citizen's request has a number the target uses too.
    let sent = carmen_tests::portal_report(
        &host.client,
        host.addr,
        "rivertown",
        &[&carmen_tests::png(20, 20)],
    )
    .send()
    .await
    .unwrap();
    let follow = sent.url().path().to_string();
    assert!(follow.contains("/follow/"), "{follow}");
    let citizen = carmen_tests::api::new_citizen(
        &host,
        "rivertown",
        json!({"name": "Mia", "email": "mia@example.org", "password": password, "consent": true}),
    )
    .await;
    let river = report_pothole(&host, "rivertown", Some(&citizen)).await;
    let (status, _) = call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/cases/{river}/messages"),
        Some(&people.river_staff),
        Some(json!({"body": "Crew sent"})),
    )
    .await;
    assert_eq!(status, 201);
    // Every other kind of data: a proven contact, an organisation she represents, a follow, a
    // rating of the resolved request, an internal note.
    carmen_tests::api::verify(&host, "rivertown", &citizen, "email", "mia@example.org").await;
    let made = host
        .client
        .post(format!(
            "http://{}/rivertown/account/organisations",
            host.addr
        ))
        .header(
            "cookie",
            format!(
                "carmen_csrf={}; carmen_session={citizen}",
                carmen_tests::CSRF
            ),
        )
        .header("origin", format!("http://{}", host.addr))
        .form(&[
            ("csrf", carmen_tests::CSRF),
            ("org-name", "Canal Street Traders"),
            ("kind", "business"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        made.url().path().contains("/account/organisations/"),
        "{}",
        made.url()
    );
    let steps = [
        (
            Method::POST,
            "/cities/rivertown/me/follows".to_string(),
            &citizen,
            json!({"request_id": river}),
        ),
        (
            Method::POST,
            format!("/cities/rivertown/cases/{river}/messages"),
            &people.river_staff,
            json!({"body": "Crew B", "internal": true}),
        ),
        (
            Method::POST,
            format!("/cities/rivertown/cases/{river}/status"),
            &people.river_staff,
            json!({"status": "resolved"}),
        ),
        (
            Method::PUT,
            format!("/cities/rivertown/requests/{river}/rating"),
            &citizen,
            json!({"score": 5, "comment": "Quick"}),
        ),
    ];
    for (method, path, token, body) in steps {
        let (status, answer) = call(&host, method, &path, Some(token), Some(body)).await;
        assert!((200..300).contains(&status), "{path}: {status} {answer}");
    }
    // A service that keeps entries of its own (the booked day's places).
    carmen_tests::install(&host.carmen, "rivertown", "bulky-waste", &[]).await;
    let booked = json!({"fields": {"items": ["wardrobe"]}, "location": {"address": "Elm 1"}});
    let (status, answer) = call(
        &host,
        Method::POST,
        "/cities/rivertown/services/bulky-waste/requests",
        None,
        Some(booked),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    // The city's knowledge base goes along, found by its words on either store.
    let article = json!({"texts": {"it": {"title": "Lampione spento in via Roma", "body": "Il lampione è spento."}}, "status": "published"});
    let (status, answer) = call(
        &host,
        Method::POST,
        "/cities/rivertown/articles",
        Some(&people.river_staff),
        Some(article),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    report_pothole(&host, "hillcrest", None).await;
    let path = |name: &str| dir.path().join(name).to_string_lossy().to_string();
    let (db, cache) = (path("carmen.db()"), path("cache"));
    cli_at(
        &db,
        &cache,
        &["city", "export", "rivertown", "--out", &path("a.carmen")],
    );
    let exported =
        carmen::runtime::portability::read_archive(dir.path().join("a.carmen").as_path(), None)
            .unwrap()
            .manifest;

    for table in [
        "users",
        "departments",
        "installs",
        "cases",
        "case_history",
        "case_messages",
        "photos",
        "ratings",
        "follows",
        "organisations",
        "organisation_members",
        "outbox",
        "audit",
        "kv",
        "kv_usage",
        "articles",
        "article_texts",
    ] {
        assert!(exported.rows(table) > 0, "the city has {table} to move");
    }

    // The target: PostgreSQL, with a city of its own whose request numbers are the same.
    let (url, name) = carmen_tests::postgres::fresh_database().await;
    let target_cache = path("pg-cache");
    let target = Carmen::open(&url, std::path::Path::new(&target_cache))
        .await
        .unwrap();
    carmen_tests::add_city(&target, "lakeside", "Lakeside")
        .await
        .unwrap();
    carmen_tests::install(&target, "lakeside", "street-issue", &[]).await;
    let lake_staff = target.console().admin_of("lakeside").staff();
    let mut lake_article = carmen::runtime::types::ArticleDraft::default();
    lake_article.texts.insert(
        "it".into(),
        carmen::runtime::types::ArticleText {
            title: "Lampioni a Lakeside".into(),
            body: "I lampioni del lago.".into(),
        },
    );
    lake_article.status = carmen::runtime::types::ArticleStatus::Published;
    target
        .write_article(&lake_staff, &lake_article)
        .await
        .unwrap();
    let lake_host = TestHost::serve(target.clone()).await;
    let mut lake = Vec::new();
    for _ in 0..3 {
        lake.push(report_pothole(&lake_host, "lakeside", None).await);
    }
    assert!(
        lake.contains(&river),
        "Lakeside has a request numbered {river} too: {lake:?}"
    );
    let said = cli_at(&url, &target_cache, &["city", "import", &path("a.carmen")]);
    assert!(said.contains("imported rivertown: 3 requests"), "{said}");
    assert!(said.contains("to redo: sessions"), "{said}");
    // Written again by the new host at once, the archive holds the same content, numbers
    // included, though every row has another id there.
    cli_at(
        &url,
        &target_cache,
        &["city", "export", "rivertown", "--out", &path("a2.carmen")],
    );
    let rewritten =
        carmen::runtime::portability::read_archive(dir.path().join("a2.carmen").as_path(), None)
            .unwrap()
            .manifest;
    for (first, again) in exported.parts.iter().zip(&rewritten.parts) {
        assert_eq!(first, again, "{}", first.name);
    }
    assert_eq!(exported.content_digest(), rewritten.content_digest());
    assert_ne!(exported.host_key, rewritten.host_key);
    // A slug in use is refused, and the archive can come in under another.
    let again = try_at(&url, &target_cache, &["city", "import", &path("a.carmen")]);
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("is on this host already"),
        "{again:?}"
    );
    let said = cli_at(
        &url,
        &target_cache,
        &["city", "import", &path("a.carmen"), "--as", "riverside"],
    );
    assert!(said.contains("imported riverside: 3 requests"), "{said}");
    let copy = TestHost::serve(target.clone()).await;
    let found = copy
        .client
        .get(format!(
            "http://{}/open311/v2/cities/riverside/requests/{river}.json",
            copy.addr
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(found.status(), 200, "the copy keeps the numbers too");
    drop(copy);

    // Every row came, and nothing of Lakeside changed.
    for table in carmen::runtime::portability::table_names() {
        if ["cities", "case_aliases"].contains(&table) {
            continue;
        }
        assert_eq!(
            count_rows(&target, table, "rivertown").await as usize,
            exported.rows(table),
            "{table}"
        );
    }
    assert_eq!(count_rows(&target, "cases", "lakeside").await, 3);
    let titles = |found: carmen::runtime::knowledge::Found| {
        found
            .articles
            .into_iter()
            .map(|hit| hit.title)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        titles(
            target
                .search("rivertown", "lampioni", "it", false)
                .await
                .unwrap()
        ),
        ["Lampione spento in via Roma"]
    );
    assert_eq!(
        titles(
            target
                .search("lakeside", "lampioni", "it", false)
                .await
                .unwrap()
        ),
        ["Lampioni a Lakeside"]
    );
    for id in &lake {
        let (status, body) = call(
            &lake_host,
            Method::GET,
            &format!("/cities/lakeside/requests/{id}"),
            None,
            None,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert!(!body.to_string().contains("Crew sent"));
    }

    // Citizens and staff sign in with their passwords; links and numbers work.
    let moved = TestHost::serve(target.clone()).await;
    let mia = carmen_tests::api::sign_in(&moved, "rivertown", "mia@example.org").await;
    let (status, mine) = call(
        &moved,
        Method::GET,
        &format!("/cities/rivertown/requests/{river}"),
        Some(&mia),
        None,
    )
    .await;
    assert_eq!(status, 200, "request {river} by its old number: {mine}");
    assert!(mine.to_string().contains("Crew sent"), "{mine}");
    let page = moved
        .client
        .get(format!("http://{}{follow}", moved.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "the follow link");
    assert!(page.text().await.unwrap().contains("Canal Street 4"));
    let open311 = moved
        .client
        .get(format!(
            "http://{}/open311/v2/cities/rivertown/requests/{river}.json",
            moved.addr
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        open311.status(),
        200,
        "Open311 finds the request by the id its app kept"
    );
    let admin = carmen_tests::api::sign_in(&moved, "rivertown", "admin@rivertown.example").await;
    let (status, case) = call(
        &moved,
        Method::GET,
        &format!("/cities/rivertown/cases/{river}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, 200, "{case}");
    let (status, _) = call(
        &moved,
        Method::POST,
        &format!("/cities/rivertown/cases/{river}/status"),
        Some(&admin),
        Some(json!({"status": "closed"})),
    )
    .await;
    assert_eq!(status, 200, "staff work the request by its old number");

    // And back to SQLite: the counts, the passwords and the old numbers still hold.
    cli_at(
        &url,
        &target_cache,
        &["city", "export", "rivertown", "--out", &path("b.carmen")],
    );
    let back = dir.path().join("back");
    std::fs::create_dir(&back).unwrap();
    let back_db = back.join("carmen.db").to_string_lossy().to_string();
    let said = cli_at(
        &back_db,
        &path("back-cache"),
        &["city", "import", &path("b.carmen")],
    );
    assert!(said.contains("imported rivertown: 3 requests"), "{said}");
    let home = Carmen::open(&back_db, &back.join("cache")).await.unwrap();
    let second =
        carmen::runtime::portability::read_archive(dir.path().join("b.carmen").as_path(), None)
            .unwrap()
            .manifest;
    assert_eq!(
        second.rows("case_history"),
        exported.rows("case_history") + 1,
        "the status change went along"
    );
    for table in carmen::runtime::portability::table_names() {
        if ["cities", "case_aliases"].contains(&table) {
            continue;
        }
        assert_eq!(
            count_rows(&home, table, "rivertown").await as usize,
            second.rows(table),
            "{table}"
        );
    }
    let found = home
        .search("rivertown", "lampioni", "it", false)
        .await
        .unwrap();
    assert_eq!(
        found.articles.len(),
        1,
        "found by its words on SQLite again"
    );
    let home = TestHost::serve(home).await;
    let mia = carmen_tests::api::sign_in(&home, "rivertown", "mia@example.org").await;
    let (status, _) = call(
        &home,
        Method::GET,
        &format!("/cities/rivertown/requests/{river}"),
        Some(&mia),
        None,
    )
    .await;
    assert_eq!(
        status, 200,
        "the first number still names the request after two moves"
    );
    drop(moved);
    drop(lake_host);
    target.close().await;
    carmen_tests::postgres::drop_database(&name).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_that_fails_on_its_last_row_leaves_nothing_and_another_city_untouched() {
    use carmen::runtime::Carmen;
    use sqlx::Row;
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = two_cities(dir.path()).await;
    report_pothole(&host, "rivertown", Some(&people.river_citizen)).await;
    let path = |name: &str| dir.path().join(name).to_string_lossy().to_string();
    let (db, cache) = (path("carmen.db()"), path("cache"));
    cli_at(
        &db,
        &cache,
        &["city", "export", "rivertown", "--out", &path("a.carmen")],
    );
    // The archive as its own host would sign it, with one bad row at the end of the audit log:
    // every other row goes in before the import meets it.
    let archive =
        carmen::runtime::portability::read_archive(dir.path().join("a.carmen").as_path(), None)
            .unwrap();
    let key: String = sqlx::query("SELECT value FROM host_keys WHERE name = 'signing'")
        .fetch_one(host.carmen.db().pool())
        .await
        .unwrap()
        .get(0);
    let bad = dir.path().join("bad.carmen");
    resigned(&archive, &key, &bad, |parts| {
        parts.get_mut("tables/audit.jsonl").unwrap().extend_from_slice(
            b"{\"id\":1,\"city\":\"rivertown\",\"actor_id\":\"not a number\",\"action\":\"x\",\"object\":\"x\",\"at\":1}\n",
        );
    });
    // Nor can an archive bring a host operator in, signed or not.
    let operator = dir.path().join("operator.carmen");
    resigned(&archive, &key, &operator, |parts| {
        let users = String::from_utf8(parts["tables/users.jsonl"].clone()).unwrap();
        let users = users.replacen("\"role\":\"citizen\"", "\"role\":\"operator\"", 1);
        parts.insert("tables/users.jsonl".into(), users.into_bytes());
    });
    assert!(
        try_carmen(&["city", "verify", &bad.to_string_lossy()])
            .status
            .success(),
        "it is signed as its host would"
    );

    let target_dir = dir.path().join("target");
    std::fs::create_dir(&target_dir).unwrap();
    let target_db = target_dir.join("carmen.db").to_string_lossy().to_string();
    let target = Carmen::open(&target_db, &target_dir.join("cache"))
        .await
        .unwrap();
    carmen_tests::add_city(&target, "lakeside", "Lakeside")
        .await
        .unwrap();
    let before_components = sqlx::query("SELECT COUNT(*) FROM components")
        .fetch_one(target.db().pool())
        .await
        .unwrap()
        .get::<i64, _>(0);
    target.close().await;
    let refused = try_at(
        &target_db,
        &path("t-cache"),
        &["city", "import", &bad.to_string_lossy()],
    );
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("audit"),
        "{refused:?}"
    );
    let refused = try_at(
        &target_db,
        &path("t-cache"),
        &["city", "import", &operator.to_string_lossy()],
    );
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("not \"operator\""),
        "{refused:?}"
    );
    let target = Carmen::open(&target_db, &target_dir.join("cache"))
        .await
        .unwrap();
    assert!(
        target.city("rivertown").await.is_err(),
        "no city half-imported"
    );
    for table in carmen::runtime::portability::table_names().filter(|t| *t != "cities") {
        assert_eq!(
            count_rows(&target, table, "rivertown").await,
            0,
            "{table}: nothing half-imported"
        );
    }
    assert!(
        target.city("lakeside").await.is_ok(),
        "the other city is there"
    );
    let after_components = sqlx::query("SELECT COUNT(*) FROM components")
        .fetch_one(target.db().pool())
        .await
        .unwrap()
        .get::<i64, _>(0);
    assert_eq!(after_components, before_components, "no component either");
    target.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_city_that_moved_out_stays_readable_takes_no_change_and_sends_nothing_here() {
    use carmen::runtime::delivery::{DeliveryConfig, LEASE_SECONDS};
    use carmen::runtime::types::now;
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = two_cities(dir.path()).await;
    let smtp = carmen_tests::mail::SmtpSink::start();
    let carmen = host
        .carmen
        .clone()
        .with_delivery(DeliveryConfig {
            smtp_url: Some(smtp.url()),
            default_from: "Carmen <noreply@carmen.test>".into(),
            public_url: format!("http://{}", host.addr),
            lease_seconds: LEASE_SECONDS,
        })
        .unwrap();
    let river = report_pothole(&host, "rivertown", Some(&people.river_citizen)).await;
    // A reply queued for the citizen, not sent yet when the city moves.
    let (status, _) = call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/cases/{river}/messages"),
        Some(&people.river_staff),
        Some(json!({"body": "We are on it"})),
    )
    .await;
    assert_eq!(status, 201);
    // An app's key, issued before the move.
    let (status, key) = call(
        &host,
        Method::POST,
        "/cities/rivertown/api-keys",
        Some(&people.river_admin),
        Some(json!({"label": "app"})),
    )
    .await;
    assert_eq!(status, 201);
    let key = key["key"].as_str().unwrap().to_string();
    let db = dir.path().join("carmen.db()").to_string_lossy().to_string();
    let cache = dir.path().join("cache").to_string_lossy().to_string();
    let to = "https://carmen.other-operator.example/rivertown";
    let refused = try_at(
        &db,
        &cache,
        &["city", "move-out", "rivertown", "--to", "ftp://nowhere"],
    );
    assert!(
        !refused.status.success(),
        "only an address a citizen can open"
    );
    let said = cli_at(&db, &cache, &["city", "move-out", "rivertown", "--to", to]);
    assert!(said.contains("read-only"), "{said}");

    // Apps: every change answered 410 with the new address; reading goes on.
    let filed = json!({"fields": {"category": "pothole"}, "location": {"address": "Canal 2"}});
    let (status, body) = call(
        &host,
        Method::POST,
        "/cities/rivertown/services/street-issue/requests",
        None,
        Some(filed.clone()),
    )
    .await;
    assert_eq!(status, 410, "{body}");
    assert!(body.to_string().contains(to), "{body}");
    // Filing is refused by the use case, not the middleware: an app is still told where to go.
    let gone = host
        .client
        .post(host.url("/cities/rivertown/services/street-issue/requests"))
        .json(&filed)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 410);
    assert_eq!(gone.headers()["location"], to);
    let (status, _) = call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/cases/{river}/status"),
        Some(&people.river_staff),
        Some(json!({"status": "closed"})),
    )
    .await;
    assert_eq!(status, 410);
    let open311 = host
        .client
        .post(format!(
            "http://{}/open311/v2/requests.json?jurisdiction_id=rivertown",
            host.addr
        ))
        .form(&[
            ("service_code", "street-issue"),
            ("address_string", "Canal 3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(open311.status(), 410);
    // However the city is named: an encoded slug, a second jurisdiction, the form's body.
    let (status, _) = call(
        &host,
        Method::POST,
        "/cities/%72ivertown/services/street-issue/requests",
        None,
        Some(json!({"fields": {"category": "pothole"}, "location": {"address": "Canal 4"}})),
    )
    .await;
    assert_eq!(status, 410, "an encoded slug");
    for url in [
        format!(
            "http://{}/open311/v2/requests.json?jurisdiction_id=&jurisdiction_id=rivertown",
            host.addr
        ),
        format!("http://{}/open311/v2/requests.json", host.addr),
    ] {
        let sent = host
            .client
            .post(&url)
            .form(&[
                ("api_key", key.as_str()),
                ("jurisdiction_id", "rivertown"),
                ("service_code", "street-issue"),
                ("attribute[category]", "pothole"),
                ("lat", "52.09"),
                ("long", "5.12"),
                ("address_string", "Canal 5"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), 410, "{url}");
    }
    let (status, _) = call(
        &host,
        Method::GET,
        &format!("/cities/rivertown/requests/{river}"),
        Some(&people.river_citizen),
        None,
    )
    .await;
    assert_eq!(status, 200, "still readable");
    assert_eq!(
        count_rows(&host.carmen, "cases", "rivertown").await,
        1,
        "nothing was filed"
    );
    // Browsers: the portal says where the city went; a form sent goes there.
    let portal = host
        .client
        .get(format!("http://{}/rivertown/", host.addr))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(portal.contains(&format!("href=\"{to}\"")), "{portal}");
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let sent = carmen_tests::portal_report(&no_redirect, host.addr, "rivertown", &[])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 303);
    assert_eq!(sent.headers()["location"], to);
    // Its queued reply is the new host's to send; the other city's go as ever.
    let (status, _) = call(
        &host,
        Method::POST,
        "/cities/hillcrest/services/street-issue/requests",
        None,
        Some(filed),
    )
    .await;
    assert_eq!(status, 201, "the other city is untouched");
    carmen.deliver_due(now()).await.unwrap();
    let sent = smtp.received();
    assert!(
        sent.iter().all(|m| !m.text().contains("We are on it")),
        "nothing of the moved city is sent here"
    );
    use sqlx::Row;
    let waiting: i64 = sqlx::query(
        "SELECT COUNT(*) FROM outbox WHERE city = 'rivertown' AND status = 'pending' AND body LIKE '%We are on it%'",
    )
    .fetch_one(host.carmen.db().pool())
    .await
    .unwrap()
    .get(0);
    assert_eq!(waiting, 1, "the reply waits, untouched, for the new host");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_killed_while_it_writes_leaves_the_city_whole_or_absent_never_half() {
    use carmen::runtime::Carmen;
    use carmen::runtime::form::RequestInput;
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source.db").to_string_lossy().to_string();
    let carmen = Carmen::open(&source, &dir.path().join("cache"))
        .await
        .unwrap();
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    carmen_tests::install(&carmen, "rivertown", "street-issue", &[]).await;
    const REQUESTS: usize = 1500;
    for n in 0..REQUESTS {
        let input = RequestInput {
            fields: [("category".to_string(), vec!["pothole".to_string()])].into(),
            location: Some(carmen::runtime::types::Location {
                address: Some(format!("Canal {n}")),
                latitude: None,
                longitude: None,
            }),
            language: "en".into(),
            ..Default::default()
        };
        carmen
            .submit("rivertown", "street-issue", input)
            .await
            .unwrap();
    }
    let archive = dir.path().join("rivertown.carmen");
    carmen
        .export_city(&carmen.console(), "rivertown", false, &archive)
        .await
        .unwrap();
    carmen.close().await;
    let target = dir.path().join("target.db").to_string_lossy().to_string();
    Carmen::open(&target, &dir.path().join("t-cache"))
        .await
        .unwrap()
        .close()
        .await;
    // The import in a child process, killed with SIGKILL a moment after it starts writing.
    let (file, cache) = (
        archive.to_string_lossy().to_string(),
        dir.path().join("t-cache").to_string_lossy().to_string(),
    );
    let args = [
        "city",
        "import",
        &file,
        "--db",
        &target,
        "--cache-dir",
        &cache,
    ];
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "process::the_child_process_runs_the_command_line",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("CARMEN_TEST_CHILD_ARGS", args.join("\u{1f}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let _ = child.kill();
    let finished = child.wait().unwrap().success();
    let target = Carmen::open(&target, &dir.path().join("t-cache"))
        .await
        .unwrap();
    let rows = count_rows(&target, "cases", "rivertown").await;
    let history = count_rows(&target, "case_history", "rivertown").await;
    match target.city("rivertown").await {
        Ok(_) => assert_eq!((rows, history), (REQUESTS as i64, REQUESTS as i64), "whole"),
        Err(_) => assert_eq!((rows, history), (0, 0), "absent, with nothing of it"),
    }
    eprintln!("killed import: finished before the kill: {finished}; requests here: {rows}");
}

/// `archive` with its parts changed by `edit`, its manifest made to match, signed with `key` (as
/// the host holding that key would sign it), written to `out`.
fn resigned(
    archive: &carmen::runtime::portability::Archive,
    key: &str,
    out: &std::path::Path,
    edit: impl FnOnce(&mut std::collections::BTreeMap<String, Vec<u8>>),
) {
    let mut manifest = archive.manifest.clone();
    let mut parts = archive.parts.clone();
    edit(&mut parts);
    for part in &mut manifest.parts {
        let bytes = &parts[&part.name];
        part.bytes = bytes.len() as u64;
        part.sha256 = carmen_registry::signing::digest(bytes);
        if part.rows.is_some() {
            part.rows = Some(bytes.iter().filter(|b| **b == b'\n').count());
        }
    }
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).unwrap();
    let signature = carmen_registry::signing::sign(key, &manifest_bytes).unwrap();
    let mut tar = tar::Builder::new(std::fs::File::create(out).unwrap());
    let mut add = |name: &str, bytes: &[u8]| {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o600);
        header.set_cksum();
        tar.append_data(&mut header, name, bytes).unwrap();
    };
    add("manifest.json", &manifest_bytes);
    add("manifest.sig", signature.as_bytes());
    for (name, bytes) in &parts {
        add(name, bytes);
    }
    tar.finish().unwrap();
}
