//! The knowledge base: articles found by their words' stems on SQLite and PostgreSQL alike, drafts
//! and past notices never public, one city's articles never another's, Markdown that cannot
//! inject markup, and the portal showing answers before a citizen files.

use carmen::runtime::Carmen;
use carmen::runtime::types::{ArticleDraft, ArticleStatus, ArticleText};
use carmen_tests::api::{call, two_cities};
use carmen_tests::postgres::{drop_database, fresh_database};
use reqwest::Method;
use serde_json::json;

fn article(language: &str, title: &str, body: &str, status: ArticleStatus) -> ArticleDraft {
    ArticleDraft {
        texts: [(
            language.to_string(),
            ArticleText {
                title: title.into(),
                body: body.into(),
            },
        )]
        .into(),
        status,
        ..Default::default()
    }
}

/// The same articles written in two cities of `carmen`, and what fixed searches find (titles).
async fn searches(carmen: &Carmen) -> Vec<(String, Vec<String>)> {
    carmen_tests::add_city(carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    carmen_tests::add_city(carmen, "bayside", "Bayside")
        .await
        .unwrap();
    let river = carmen.console().admin_of("rivertown").staff();
    let bay = carmen.console().admin_of("bayside").staff();
    let mut lamp = article(
        "it",
        "Lampione spento in via Roma",
        "Il **lampione** davanti al civico 12 è spento. I tecnici lo riparano entro venerdì.",
        ArticleStatus::Published,
    );
    lamp.known_issue = true;
    lamp.services = vec!["street-issue".into()];
    lamp.texts.insert(
        "en".into(),
        ArticleText {
            title: "Street light out on Via Roma".into(),
            body: "The street light in front of number 12 is out; it is repaired by Friday.".into(),
        },
    );
    let lamp = carmen.write_article(&river, &lamp).await.unwrap();
    let draft = carmen
        .write_article(
            &river,
            &article(
                "it",
                "Lampioni nuovi in piazza",
                "Bozza: i lampioni nuovi.",
                ArticleStatus::Draft,
            ),
        )
        .await
        .unwrap();
    let mut past = article(
        "it",
        "Lampioni spenti per lavori",
        "Fino a ieri i lampioni erano spenti.",
        ArticleStatus::Published,
    );
    past.until = Some(carmen::runtime::types::now() - 60);
    carmen.write_article(&river, &past).await.unwrap();
    carmen
        .write_article(
            &river,
            &article(
                "en",
                "Bulky waste collection days",
                "Bulky waste is collected on weekdays. Book a pickup online; wardrobes and sofas are welcome.",
                ArticleStatus::Published,
            ),
        )
        .await
        .unwrap();
    carmen
        .write_article(
            &bay,
            &article(
                "it",
                "Lampioni a Bayside",
                "I lampioni di Bayside.",
                ArticleStatus::Published,
            ),
        )
        .await
        .unwrap();

    // A draft is its city's staff's only: not the public's, not another city's staff's.
    assert!(carmen.article("rivertown", draft.id, None).await.is_err());
    assert!(
        carmen
            .article("rivertown", draft.id, Some(&bay))
            .await
            .is_err()
    );
    assert!(
        carmen
            .article("bayside", draft.id, Some(&bay))
            .await
            .is_err()
    );
    assert_eq!(
        carmen
            .article("rivertown", draft.id, Some(&river))
            .await
            .unwrap()
            .id,
        draft.id
    );
    assert!(carmen.article("rivertown", lamp.id, None).await.is_ok());
    let public = carmen
        .articles("rivertown", None, None, (0, 50))
        .await
        .unwrap();
    assert_eq!(
        public.len(),
        2,
        "the draft and the past notice are not listed"
    );
    let own = carmen
        .articles("rivertown", Some(&river), None, (0, 50))
        .await
        .unwrap();
    assert_eq!(own.len(), 4);
    let about = carmen
        .articles("rivertown", None, Some("street-issue"), (0, 50))
        .await
        .unwrap();
    assert_eq!(about.iter().map(|a| a.id).collect::<Vec<_>>(), [lamp.id]);

    let mut found = Vec::new();
    for query in [
        "lampioni",
        "LAMPIONE spento",
        "street lights",
        "wardrobe",
        "sofa collected",
        "bozza",
        "nothing here",
        "",
    ] {
        let hits = carmen
            .search("rivertown", query, "it", false)
            .await
            .unwrap()
            .articles;
        found.push((
            query.to_string(),
            hits.iter().map(|h| h.title.clone()).collect(),
        ));
    }
    // The snippet marks the word found, in the article's language.
    let hits = carmen
        .search("rivertown", "lampioni", "it", false)
        .await
        .unwrap()
        .articles;
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(hits[0].known_issue);
    assert!(
        hits[0]
            .snippet
            .iter()
            .any(|p| p.matched && p.text == "lampione"),
        "{:?}",
        hits[0].snippet
    );
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn articles_are_found_by_their_words_stems_the_same_on_sqlite_and_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = carmen_tests::open_carmen(dir.path()).await;
    let on_sqlite = searches(&sqlite).await;

    let (url, name) = fresh_database().await;
    let pg_dir = tempfile::tempdir().unwrap();
    let postgres = Carmen::open(&url, pg_dir.path()).await.unwrap();
    let on_postgres = searches(&postgres).await;
    postgres.db().close().await;
    drop_database(&name).await;

    let titles = |query: &str| -> Vec<String> {
        on_sqlite
            .iter()
            .find(|(q, _)| q == query)
            .map(|(_, t)| t.clone())
            .unwrap()
    };
    // "lampioni" finds "lampione" (Italian stems); neither the draft, nor the notice past its
    // date, nor Bayside's article is found.
    assert_eq!(titles("lampioni"), ["Lampione spento in via Roma"]);
    assert_eq!(titles("LAMPIONE spento"), ["Lampione spento in via Roma"]);
    assert_eq!(titles("street lights"), ["Street light out on Via Roma"]);
    assert_eq!(titles("wardrobe"), ["Bulky waste collection days"]);
    assert_eq!(titles("sofa collected"), ["Bulky waste collection days"]);
    assert!(titles("bozza").is_empty());
    assert!(titles("nothing here").is_empty());
    assert!(titles("").is_empty());
    assert_eq!(on_sqlite, on_postgres, "the same results on both stores");
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_write_articles_the_portal_shows_them_safely_and_before_a_citizen_files() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    let draft = json!({
        "texts": {"en": {
            "title": "Street light out on Mill Lane",
            "body": "The lights on Mill Lane are **being repaired**.\n\n<script>alert('x')</script>\n\n[More](javascript:alert(1))",
        }},
        "services": ["street-issue"],
        "known_issue": true,
        "status": "published",
    });
    let path = "/cities/rivertown/articles";
    // Only the city's staff write; a citizen, another city's staff and strangers do not.
    for token in [
        None,
        Some(p.river_citizen.as_str()),
        Some(p.hill_admin.as_str()),
    ] {
        let (status, _) = call(&host, Method::POST, path, token, Some(draft.clone())).await;
        assert!(matches!(status, 401 | 403), "{status}");
    }
    let (status, written) = call(
        &host,
        Method::POST,
        path,
        Some(p.river_staff.as_str()),
        Some(draft),
    )
    .await;
    assert_eq!(status, 201, "{written}");
    let id = written["id"].as_i64().unwrap();
    let (status, refused) = call(
        &host,
        Method::POST,
        path,
        Some(p.river_staff.as_str()),
        Some(json!({"texts": {}})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    let (status, hidden) = call(
        &host,
        Method::POST,
        path,
        Some(p.river_staff.as_str()),
        Some(json!({"texts": {"en": {"title": "Draft about lights", "body": "lights"}}})),
    )
    .await;
    assert_eq!(status, 201, "{hidden}");
    let hidden_id = hidden["id"].as_i64().unwrap();
    let (status, _) = call(
        &host,
        Method::GET,
        &format!("{path}/{hidden_id}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 404, "a draft is not public");
    let (status, _) = call(
        &host,
        Method::GET,
        &format!("/cities/hillcrest/articles/{id}"),
        Some(p.hill_admin.as_str()),
        None,
    )
    .await;
    assert_eq!(status, 404, "another city's article is not found there");
    let (_, listed) = call(&host, Method::GET, path, None, None).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    let (_, found) = call(
        &host,
        Method::GET,
        "/cities/rivertown/search?q=light",
        None,
        None,
    )
    .await;
    assert_eq!(found["articles"][0]["article"], id, "{found}");
    let (_, elsewhere) = call(
        &host,
        Method::GET,
        "/cities/hillcrest/search?q=light",
        None,
        None,
    )
    .await;
    assert!(
        elsewhere["articles"].as_array().unwrap().is_empty(),
        "{elsewhere}"
    );

    let page = |path: String| {
        let client = host.client.clone();
        let url = format!("http://{}{path}", host.addr);
        async move {
            let answer = client.get(url).send().await.unwrap();
            (answer.status().as_u16(), answer.text().await.unwrap())
        }
    };
    let (status, html) = page(format!("/rivertown/help/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("<strong>being repaired</strong>"), "{html}");
    assert!(!html.contains("<script>alert"), "raw HTML is text: {html}");
    assert!(!html.contains("javascript:"), "{html}");
    let (status, _) = page(format!("/rivertown/help/{hidden_id}")).await;
    assert_eq!(status, 404);
    let (status, _) = page(format!("/hillcrest/help/{id}")).await;
    assert_eq!(status, 404);
    // Searching the portal finds the answer first, the word marked.
    let (_, html) = page("/rivertown/?q=lights".into()).await;
    assert!(
        html.contains(&format!("href=\"/rivertown/help/{id}\"")),
        "{html}"
    );
    assert!(html.contains("<mark>lights</mark>"), "{html}");
    // The service's form says the problem is known before the citizen reports it.
    let (_, html) = page("/rivertown/services/street-issue".into()).await;
    assert!(html.contains("id=\"before-filing\""), "{html}");
    assert!(html.contains("Known: no need to report"), "{html}");
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn saved_replies_are_a_citys_own_and_fill_in_a_cases_reference_address_and_due_date() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    let case = carmen_tests::api::report_pothole(&host, "rivertown", Some(&p.river_citizen)).await;
    let reply = json!({
        "name": "Pothole planned",
        "texts": {
            "de": "Ihre Meldung {reference} ({address}) wird bis zum {due} erledigt.",
            "en": "Your report {reference} ({address}) is fixed by {due}.",
        },
    });
    let path = "/cities/rivertown/saved-replies";
    for token in [
        None,
        Some(p.river_citizen.as_str()),
        Some(p.hill_staff.as_str()),
    ] {
        let (status, _) = call(&host, Method::POST, path, token, Some(reply.clone())).await;
        assert!(matches!(status, 401 | 403), "{status}");
    }
    let (status, refused) = call(
        &host,
        Method::POST,
        path,
        Some(p.river_staff.as_str()),
        Some(json!({"name": "Odd", "texts": {"de": "Hallo {name}"}})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused.to_string().contains("{name} is not a placeholder"),
        "{refused}"
    );
    let (status, saved) = call(
        &host,
        Method::POST,
        path,
        Some(p.river_staff.as_str()),
        Some(reply),
    )
    .await;
    assert_eq!(status, 201, "{saved}");
    let id = saved["id"].as_i64().unwrap();
    let (_, theirs) = call(
        &host,
        Method::GET,
        "/cities/hillcrest/saved-replies",
        Some(p.hill_staff.as_str()),
        None,
    )
    .await;
    assert!(theirs.as_array().unwrap().is_empty(), "{theirs}");
    let (status, _) = call(
        &host,
        Method::GET,
        &format!("/cities/hillcrest/cases/{case}/saved-replies/{id}"),
        Some(p.hill_staff.as_str()),
        None,
    )
    .await;
    assert_eq!(
        status, 404,
        "another city's case and reply are not found there"
    );

    let (status, filled) = call(
        &host,
        Method::GET,
        &format!("/cities/rivertown/cases/{case}/saved-replies/{id}?language=de"),
        Some(p.river_staff.as_str()),
        None,
    )
    .await;
    assert_eq!(status, 200, "{filled}");
    let text = filled["text"].as_str().unwrap();
    let staff = host.carmen.console().staff_of("rivertown");
    let due = host
        .carmen
        .case_file(&staff, case)
        .await
        .unwrap()
        .case
        .due_at;
    assert!(
        text.starts_with(&format!("Ihre Meldung {case} (Canal 1) wird bis zum ")),
        "{text}"
    );
    assert!(!text.contains('{'), "every placeholder filled: {text}");
    let german = carmen::i18n::Texts::new("de").date(due.expect("a pothole is due within its SLA"));
    assert!(text.contains(&german), "{text} has {german}");
    // Without a language, the case's own (English here).
    let (_, filled) = call(
        &host,
        Method::GET,
        &format!("/cities/rivertown/cases/{case}/saved-replies/{id}"),
        Some(p.river_staff.as_str()),
        None,
    )
    .await;
    assert!(
        filled["text"].as_str().unwrap().starts_with("Your report"),
        "{filled}"
    );
    // The case's words suggest the reply ("pothole").
    let (status, suggested) = call(
        &host,
        Method::GET,
        &format!("/cities/rivertown/cases/{case}/suggestions"),
        Some(p.river_staff.as_str()),
        None,
    )
    .await;
    assert_eq!(status, 200, "{suggested}");
    assert_eq!(suggested["replies"][0]["id"], id, "{suggested}");
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_evaluation_counts_articles_read_answers_given_and_filings_avoided() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    carmen_tests::install(&carmen, "rivertown", "street-issue", &[]).await;
    let staff = carmen.console().admin_of("rivertown").staff();
    let mut linked = article(
        "en",
        "Potholes on Canal Street",
        "They are filled this week.",
        ArticleStatus::Published,
    );
    linked.services = vec!["street-issue".into()];
    let linked = carmen.write_article(&staff, &linked).await.unwrap().id;
    let other = carmen
        .write_article(
            &staff,
            &article(
                "en",
                "Library hours",
                "Open daily.",
                ArticleStatus::Published,
            ),
        )
        .await
        .unwrap()
        .id;
    let host = carmen_tests::TestHost::serve(carmen).await;
    let base = format!("http://{}", host.addr);
    let visitor = |n: u8| format!("{n:x}").repeat(64)[..64].to_string();
    let read = |who: String, path: String| {
        let (client, base) = (host.client.clone(), base.clone());
        async move {
            let answer = client
                .get(format!("{base}{path}"))
                .header("cookie", format!("carmen_csrf={who}"))
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 200, "{path}");
        }
    };
    let from_form = format!("/rivertown/help/{linked}?from=street-issue");
    // Visitor 1 reads the linked article from the form (twice), says it answered them, and
    // does not file: a filing avoided.
    read(visitor(1), from_form.clone()).await;
    read(visitor(1), from_form.clone()).await;
    let said = host
        .client
        .post(format!("{base}/rivertown/help/{linked}/helpful"))
        .header("cookie", format!("carmen_csrf={}", visitor(1)))
        .header("origin", base.clone())
        .form(&[("csrf", visitor(1))])
        .send()
        .await
        .unwrap();
    assert!(
        said.url().path().ends_with(&format!("/help/{linked}")),
        "{}",
        said.url()
    );
    let said = said.text().await.unwrap();
    assert!(
        said.contains("id=\"done\"") && !said.contains("id=\"helpful\""),
        "{said}"
    );
    // Visitor 2 (the one `portal_report` posts as) reads it from the form, then files anyway.
    read(carmen_tests::CSRF.to_string(), from_form.clone()).await;
    let sent = carmen_tests::portal_report(&host.client, host.addr, "rivertown", &[])
        .send()
        .await
        .unwrap();
    assert!(sent.url().path().contains("/follow/"), "{}", sent.url());
    // Visitor 3 reads it from a search, not the form; visitor 4 reads another article.
    read(visitor(3), format!("/rivertown/help/{linked}")).await;
    read(visitor(4), format!("/rivertown/help/{other}")).await;

    // Reading the same article again the same day adds no row: seven things happened (visitor
    // 1 read from the form, answered, and was shown the page again without coming from it).
    assert_eq!(
        carmen_tests::count_rows(&host.carmen, "article_events", "rivertown").await,
        7
    );
    let now = carmen::runtime::types::now();
    let figures = host
        .carmen
        .evaluation(
            &host.carmen.console().staff_of("rivertown"),
            now - 3_600,
            now + 3_600,
        )
        .await
        .unwrap();
    let street = figures
        .iter()
        .find(|f| f.service == "street-issue")
        .unwrap();
    // What the test computes: three readers of the linked article (1, 2, 3), one answer (1),
    // one reader from the form who did not file (1; 2 filed).
    assert_eq!(
        (
            street.article_views,
            street.answered_votes,
            street.filings_avoided
        ),
        (3, 1, 1),
        "{street:?}"
    );
    assert_eq!(street.volume, 1);
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_packages_articles_arrive_as_drafts_a_city_adopts_for_its_service() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    for slug in ["rivertown", "bayside"] {
        carmen_tests::add_city(&carmen, slug, slug).await.unwrap();
    }
    carmen_tests::install(&carmen, "rivertown", "bulky-waste", &[]).await;
    let staff = carmen.console().admin_of("rivertown").staff();
    let drafts = carmen
        .articles("rivertown", Some(&staff), None, (0, 50))
        .await
        .unwrap();
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    let brought = &drafts[0];
    assert_eq!(brought.status, ArticleStatus::Draft);
    assert_eq!(brought.services, ["bulky-waste"]);
    assert_eq!(
        brought.texts.keys().cloned().collect::<Vec<_>>(),
        ["de", "en", "es", "fr", "it", "nl"]
    );
    // A draft until the city adopts it; never Bayside's.
    assert!(
        carmen
            .articles("rivertown", None, None, (0, 50))
            .await
            .unwrap()
            .is_empty()
    );
    let bay = carmen.console().admin_of("bayside").staff();
    assert!(
        carmen
            .articles("bayside", Some(&bay), None, (0, 50))
            .await
            .unwrap()
            .is_empty()
    );
    let adopted = ArticleDraft {
        texts: brought.texts.clone(),
        services: brought.services.clone(),
        tags: brought.tags.clone(),
        status: ArticleStatus::Published,
        ..Default::default()
    };
    carmen
        .rewrite_article(&staff, brought.id, &adopted)
        .await
        .unwrap();
    let on_form = carmen
        .articles("rivertown", None, Some("bulky-waste"), (0, 50))
        .await
        .unwrap();
    assert_eq!(on_form.len(), 1);
    let found = carmen
        .search("rivertown", "ingombranti", "it", false)
        .await
        .unwrap();
    assert_eq!(found.articles.len(), 1, "{found:?}");
}
