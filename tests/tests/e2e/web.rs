//! The citizen portal in a real headless Chromium and over plain HTTP: a report made in Italian
//! on a phone without an account and followed by its link, the keyboard alone, axe-core on every
//! page, every page in five languages, CSRF, and what one city's pages show of another's.

use carmen::i18n::{LANGUAGES, Texts};
use carmen::runtime::types::QueueFilter;
use carmen_tests::browser::{Browser, PHONE};
use carmen_tests::{TestHost, install, open_carmen};
use serde_json::json;

/// Rivertown and Hillcrest, each with street-issue (public) and bulky-waste (private).
async fn two_cities(dir: &std::path::Path) -> TestHost {
    carmen_tests::two_cities_with(dir, &[("street-issue", &[]), ("bulky-waste", &[])]).await
}

fn page(host: &TestHost, path: &str) -> String {
    format!("http://{}{path}", host.addr)
}

async fn cases(host: &TestHost, city: &str) -> i64 {
    host.carmen
        .queue(
            &host.carmen.console().staff_of(city),
            &QueueFilter::default(),
        )
        .await
        .unwrap()
        .1
}

#[tokio::test]
async fn a_citizen_reports_a_pothole_in_italian_on_a_phone_without_an_account_and_follows_it_by_its_link()
 {
    let dir = tempfile::tempdir().unwrap();
    let host = two_cities(dir.path()).await;
    let it = Texts::new("it");
    let mut browser = Browser::start("citizen-reports-in-italian", "it", PHONE).await;

    browser.open(&page(&host, "/rivertown/")).await;
    assert_eq!(
        browser.page_language().await,
        "it",
        "Accept-Language chooses the page"
    );
    let text = browser.text().await;
    assert!(
        text.contains(&it.with("services-title", &[("city", "Rivertown")])),
        "{text}"
    );
    browser.check_page("servizi").await;

    browser
        .follow("a[href='/rivertown/services/street-issue']")
        .await;
    browser.check_page("modulo").await;

    // Sent empty: the errors come back beside their fields, and nothing is filed.
    browser.follow("#form button[type=submit]").await;
    let text = browser.text().await;
    assert!(text.contains(&it.t("form-errors-title")), "{text}");
    for error in [
        "#field-category-error",
        "#location-error",
        "#errors a[href='#field-category']",
    ] {
        browser
            .client
            .find(fantoccini::Locator::Css(error))
            .await
            .unwrap_or_else(|_| panic!("{error} shown"));
    }
    assert_eq!(cases(&host, "rivertown").await, 0);
    // The host's own checks speak the page's language too.
    assert!(text.contains(&it.t("check-location-required")), "{text}");
    // The summary of the errors has the focus: a screen reader reads it first.
    assert_eq!(browser.focused().await, "errors");
    browser.check_page("errori").await;

    // Coordinates that are no numbers and a missing category: every error at once, in Italian,
    // and what was typed kept.
    browser.fill("#latitude", "nord").await;
    browser.fill("#address", "Via Roma 1").await;
    browser.follow("#form button[type=submit]").await;
    let text = browser.text().await;
    assert!(text.contains(&it.t("form-error-coordinates")), "{text}");
    for error in ["#field-category-error", "#location-error"] {
        browser
            .client
            .find(fantoccini::Locator::Css(error))
            .await
            .unwrap_or_else(|_| panic!("{error} shown with the coordinates' error"));
    }
    assert_eq!(browser.focused().await, "errors");
    assert_eq!(cases(&host, "rivertown").await, 0);
    for kept in ["#latitude", "#address"] {
        browser
            .client
            .find(fantoccini::Locator::Css(kept))
            .await
            .unwrap()
            .clear()
            .await
            .unwrap();
    }

    browser.click("#field-category-0").await;
    browser.fill("#address", "Via Roma 1").await;
    browser
        .fill("#description", "Una buca profonda davanti al numero 1")
        .await;
    browser.follow("#form button[type=submit]").await;
    let sent = browser.url().await;
    assert!(
        sent.contains("/rivertown/follow/") && sent.ends_with("?sent=1"),
        "{sent}: {}",
        browser.text().await
    );
    let text = browser.text().await;
    assert!(text.contains(&it.t("submitted-title")), "{text}");
    assert!(text.contains(&it.t("submitted-follow-lead")), "{text}");
    browser.check_page("inviata").await;
    let (filed, total) = host
        .carmen
        .queue(
            &host.carmen.console().staff_of("rivertown"),
            &QueueFilter::default(),
        )
        .await
        .unwrap();
    assert_eq!(total, 1);
    assert_eq!(filed[0].language, "it");
    assert_eq!(
        filed[0].location.as_ref().unwrap().address.as_deref(),
        Some("Via Roma 1")
    );

    // Later, on another visit, by the link alone.
    browser.forget_cookies().await;
    let link = sent.trim_end_matches("?sent=1").to_string();
    browser.open(&link).await;
    let text = browser.text().await;
    assert!(
        text.contains(&it.with("request-title", &[("id", &filed[0].id.to_string())])),
        "{text}"
    );
    assert!(
        text.contains("Via Roma 1") && text.contains(&it.t("status-submitted")),
        "{text}"
    );
    browser.check_page("seguire").await;

    // The public list and the public page of a public request.
    browser.open(&page(&host, "/rivertown/requests")).await;
    assert!(browser.text().await.contains(&it.t("public-view")));
    browser.check_page("pubbliche").await;
    browser
        .open(&page(
            &host,
            &format!("/rivertown/requests/{}", filed[0].id),
        ))
        .await;
    browser.check_page("pubblica").await;
}

#[tokio::test]
async fn a_citizen_sends_a_form_with_the_keyboard_alone() {
    let dir = tempfile::tempdir().unwrap();
    let host = two_cities(dir.path()).await;
    let mut browser = Browser::start("keyboard-alone", "en", (1280, 900)).await;
    browser
        .open(&page(&host, "/rivertown/services/street-issue"))
        .await;
    const TAB: &str = "\u{E004}";
    // The first stop is the skip link; following it lands in the main region.
    browser.keys(TAB).await;
    assert!(
        browser.focused().await.starts_with("A:"),
        "{}",
        browser.focused().await
    );
    browser.keys("\u{E007}").await;
    assert_eq!(browser.focused().await, "main");
    async fn tab_to(browser: &Browser, wanted: &str) {
        for _ in 0..30 {
            browser.keys("\u{E004}").await;
            if browser.focused().await.starts_with(wanted) {
                return;
            }
        }
        panic!("Tab never reached {wanted}");
    }
    tab_to(&browser, "field-category-").await;
    browser.keys("\u{E00D}").await;
    tab_to(&browser, "address").await;
    browser.keys("Main Street 2").await;
    tab_to(&browser, "BUTTON").await;
    browser.screenshot("before-sending").await;
    browser.keys_to_new_page("\u{E007}").await;
    let url = browser.url().await;
    assert!(url.contains("/rivertown/follow/"), "{url}");
    browser.check_page("sent").await;
    assert_eq!(cases(&host, "rivertown").await, 1);
}

/// The `lang` attribute of an HTML page.
fn html_lang(body: &str) -> &str {
    let start = body
        .find("<html lang=\"")
        .expect("an html element with lang")
        + 12;
    &body[start..start + body[start..].find('"').unwrap()]
}

#[tokio::test]
async fn every_page_is_served_in_the_five_languages_and_accept_language_chooses_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let host = two_cities(dir.path()).await;
    let id = carmen_tests::api::report_pothole(&host, "rivertown", None).await;
    let paths = [
        "/rivertown/".to_string(),
        "/rivertown/services/street-issue".to_string(),
        "/rivertown/requests".to_string(),
        format!("/rivertown/requests/{id}"),
        "/rivertown/no-such-page".to_string(),
        "/nowhere/".to_string(),
    ];
    for (language, _) in LANGUAGES {
        let t = Texts::new(language);
        for path in &paths {
            let response = host
                .client
                .get(page(&host, &format!("{path}?lang={language}")))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            assert!(status == 200 || status == 404, "{path}: {status}");
            assert_eq!(response.headers()["content-language"], *language);
            let body = response.text().await.unwrap();
            assert_eq!(html_lang(&body), *language, "{path}");
            assert!(
                body.contains(&maud::html! { (t.t("skip-to-content")) }.into_string()),
                "{language} {path}"
            );
        }
    }
    let german = host
        .client
        .get(page(&host, "/rivertown/"))
        .header("accept-language", "de-CH, en;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(html_lang(&german), "de");
    // A language asked once is kept by its cookie.
    let chosen = host
        .client
        .get(page(&host, "/rivertown/?lang=fr"))
        .send()
        .await
        .unwrap();
    let cookie = chosen.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let kept = host
        .client
        .get(page(&host, "/rivertown/services/street-issue"))
        .header("cookie", cookie)
        .header("accept-language", "it")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(html_lang(&kept), "fr");
}

/// The CSRF cookie a page set and the token its form carries.
async fn form_token(host: &TestHost, path: &str) -> (String, String) {
    let response = host.client.get(page(host, path)).send().await.unwrap();
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .find(|c| c.starts_with("carmen_csrf="))
        .expect("a CSRF cookie");
    let body = response.text().await.unwrap();
    let start = body.find("name=\"csrf\" value=\"").unwrap() + 19;
    let token = body[start..start + 64].to_string();
    (cookie, token)
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused_and_files_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let host = two_cities(dir.path()).await;
    let path = "/rivertown/services/street-issue";
    let (cookie, token) = form_token(&host, path).await;
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let post = |cookie: Option<&str>, token: Option<&str>| {
        let mut form = vec![("field.category", "pothole"), ("address", "Canal 3")];
        if let Some(token) = token {
            form.push(("csrf", token));
        }
        let mut request = no_redirect.post(page(&host, path)).form(&form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send()
    };
    let other_token = "0".repeat(64);
    for (cookie, token) in [
        (Some(cookie.as_str()), None),
        (None, Some(token.as_str())),
        (Some(cookie.as_str()), Some(other_token.as_str())),
        (
            Some("carmen_csrf=0000000000000000000000000000000000000000000000000000000000000000"),
            Some(token.as_str()),
        ),
    ] {
        let refused = post(cookie, token).await.unwrap();
        assert_eq!(refused.status().as_u16(), 403);
        let body = refused.text().await.unwrap();
        assert!(
            body.contains(&maud::html! { (Texts::new("en").t("error-csrf")) }.into_string()),
            "{body}"
        );
    }
    assert_eq!(cases(&host, "rivertown").await, 0, "nothing filed");
    let sent = post(Some(&cookie), Some(&token)).await.unwrap();
    assert_eq!(sent.status().as_u16(), 303);
    assert!(
        sent.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/rivertown/follow/")
    );
    assert_eq!(cases(&host, "rivertown").await, 1);
}

/// Files a private bulky-waste booking in `city` with a contact; its id and secret.
async fn private_booking(host: &TestHost, city: &str) -> (i64, String) {
    let (status, made) = carmen_tests::api::call(
        host,
        reqwest::Method::POST,
        &format!("/cities/{city}/services/bulky-waste/requests"),
        None,
        Some(json!({"fields": {"items": ["sofa"]}, "location": {"address": "Secret Lane 9"}, "contact": {"email": "private.person@example.org", "name": "Private Person"}})),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    (
        made["id"].as_i64().unwrap(),
        made["secret"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn one_citys_pages_show_nothing_of_another_and_the_public_sees_only_what_privacy_allows() {
    let dir = tempfile::tempdir().unwrap();
    let host = two_cities(dir.path()).await;
    let get = |path: String| {
        let host = &host;
        async move {
            let response = host.client.get(page(host, &path)).send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let (hill_private, hill_secret) = private_booking(&host, "hillcrest").await;
    let (river_private, river_secret) = private_booking(&host, "rivertown").await;
    let hill_public = carmen_tests::api::report_pothole(&host, "hillcrest", None).await;

    // Its own submitter follows a private request by its link, in its own city only.
    let (status, body) = get(format!("/rivertown/follow/{river_secret}")).await;
    assert_eq!(status, 200);
    assert!(body.contains("Secret Lane 9"));
    let (status, body) = get(format!("/rivertown/follow/{hill_secret}")).await;
    assert_eq!(status, 404, "another city's secret opens nothing here");
    assert!(!body.contains("Secret Lane 9"));
    // A public request of one city is not a request of another.
    let (status, _) = get(format!("/rivertown/requests/{hill_public}")).await;
    assert_eq!(status, 404);
    let (status, _) = get(format!("/hillcrest/requests/{hill_public}")).await;
    assert_eq!(status, 200);
    // Private requests have no public page, in their city or another.
    for (city, id) in [
        ("rivertown", river_private),
        ("hillcrest", hill_private),
        ("rivertown", hill_private),
    ] {
        let (status, body) = get(format!("/{city}/requests/{id}")).await;
        assert_eq!(status, 404, "{city} {id}");
        assert!(!body.contains("Secret Lane 9") && !body.contains("private.person"));
    }
    // The public lists: each city's public requests only, and never a contact or a private one.
    let (_, river_list) = get("/rivertown/requests".into()).await;
    assert!(!river_list.contains(&format!("/rivertown/requests/{hill_public}")));
    let (_, hill_list) = get("/hillcrest/requests".into()).await;
    assert!(hill_list.contains(&format!("/hillcrest/requests/{hill_public}")));
    for list in [&river_list, &hill_list] {
        assert!(
            !list.contains("Secret Lane 9")
                && !list.contains("private.person")
                && !list.contains("Private Person")
        );
        assert!(
            !list.contains(&format!("requests/{river_private}\""))
                && !list.contains(&format!("requests/{hill_private}\""))
        );
    }
    // Even the submitter's own page never shows the contact back.
    let (_, own) = get(format!("/hillcrest/follow/{hill_secret}")).await;
    assert!(!own.contains("private.person"));
}

/// Signs in to `city`'s console in the browser as `email`.
async fn console_sign_in(browser: &mut Browser, host: &TestHost, city: &str, email: &str) {
    browser
        .open(&page(host, &format!("/{city}/console/")))
        .await;
    assert!(
        browser.url().await.ends_with("/console/sign-in"),
        "the console asks who it is"
    );
    browser.check_page("console-sign-in").await;
    browser.fill("#email", email).await;
    browser.fill("#password", carmen_tests::api::PASSWORD).await;
    browser.follow("form button[type=submit]").await;
}

#[tokio::test]
async fn staff_work_a_report_to_resolved_and_reply_and_its_citizen_accepts_and_rates_it_by_the_link()
 {
    let dir = tempfile::tempdir().unwrap();
    let (host, _) = carmen_tests::api::two_cities(dir.path()).await;
    let it = Texts::new("it");
    let mut citizen = Browser::start("staff-and-citizen", "it", PHONE).await;
    citizen
        .open(&page(&host, "/rivertown/services/street-issue"))
        .await;
    citizen.click("#field-category-0").await;
    citizen.fill("#address", "Piazza Grande 4").await;
    citizen.follow("#form button[type=submit]").await;
    let link = citizen.url().await.trim_end_matches("?sent=1").to_string();
    let (found, _) = host
        .carmen
        .queue(
            &host.carmen.console().staff_of("rivertown"),
            &QueueFilter {
                text: None,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let id = found
        .iter()
        .find(|c| c.location.as_ref().and_then(|l| l.address.as_deref()) == Some("Piazza Grande 4"))
        .unwrap()
        .id;

    let en = Texts::new("en");
    let mut staff = Browser::start("staff-console", "en", (1280, 900)).await;
    console_sign_in(&mut staff, &host, "rivertown", "staff@rivertown.example").await;
    assert!(staff.url().await.ends_with("/rivertown/console/"));
    assert!(
        staff.text().await.contains("Piazza Grande 4")
            || staff.text().await.contains(&id.to_string())
    );
    staff.check_page("queue").await;
    staff
        .follow(&format!("a[href='/rivertown/console/cases/{id}']"))
        .await;
    assert!(staff.text().await.contains("Piazza Grande 4"));
    staff.check_page("case").await;
    // No status is chosen for staff: one careless click changes nothing.
    assert_eq!(staff.value("#new-status").await, "");
    for status in ["in_progress", "resolved"] {
        staff
            .click(&format!("#new-status option[value='{status}']"))
            .await;
        if status == "resolved" {
            staff.fill("#note", "Filled and rolled").await;
        }
        staff.follow("#change-status").await;
        assert!(
            staff.path().await.ends_with(&format!("/cases/{id}"))
                && staff.text().await.contains(&en.t("done-status")),
            "{}",
            staff.text().await
        );
    }
    assert!(staff.text().await.contains(&en.t("status-resolved")));
    staff
        .fill("#reply", "Abbiamo riparato la buca. Grazie!")
        .await;
    staff.follow("#send-reply").await;
    assert!(staff.text().await.contains(&en.t("done-reply")));
    staff.fill("#reply", "Crew 7 did it").await;
    staff.click("#internal").await;
    staff.follow("#send-reply").await;
    assert!(staff.text().await.contains(&en.t("done-note")));
    // Assigning is picking a person by name; the case then names them.
    staff
        .client
        .find(fantoccini::Locator::Css("#assignee"))
        .await
        .unwrap()
        .select_by_label("Sam (roads)")
        .await
        .unwrap();
    staff.follow("#assign").await;
    assert!(staff.text().await.contains(&en.t("done-assigned")));
    let assignee = staff
        .client
        .find(fantoccini::Locator::Css("#assignee-name"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(assignee, "Sam");
    staff.check_page("case-worked").await;

    // The citizen, by the link: the reply and the resolution, not the internal note.
    citizen.open(&link).await;
    let text = citizen.text().await;
    assert!(
        text.contains("Abbiamo riparato la buca") && text.contains(&it.t("status-resolved")),
        "{text}"
    );
    assert!(!text.contains("Crew 7"), "internal notes stay inside");
    citizen.check_page("risolta").await;
    citizen.follow("#accept").await;
    assert!(citizen.text().await.contains(&it.t("status-closed")));
    citizen.click("#score-5").await;
    citizen.fill("#comment", "Veloci e gentili").await;
    citizen.follow("#rate").await;
    assert!(
        citizen
            .text()
            .await
            .contains(&it.with("follow-rated", &[("score", "5")]))
    );
    citizen.check_page("valutata").await;
    let rating = carmen_tests::rating_of(&host.carmen, "rivertown", id)
        .await
        .unwrap();
    assert_eq!(
        (rating.score, rating.comment.as_str()),
        (5, "Veloci e gentili")
    );

    // The evaluation shows the service's figures and its satisfaction as a chart.
    staff
        .open(&page(&host, "/rivertown/console/evaluation"))
        .await;
    // Services by their names, not their codes.
    let service = "Report a street issue";
    let chart = staff
        .attr(
            &format!("#evaluation svg[role=img][aria-label*='{service}']"),
            "aria-label",
        )
        .await;
    assert!(chart.contains(service) && chart.contains("5: 1"), "{chart}");
    // Each service's trend over the period.
    let trend = staff
        .attr(
            &format!("#trends svg[role=img][aria-label*='{service}']"),
            "aria-label",
        )
        .await;
    assert!(trend.contains(": 1"), "one request in the period: {trend}");
    staff.check_page("evaluation").await;
    // A period of the past holds no request; a period that ends before it starts says so.
    staff
        .open(&page(
            &host,
            "/rivertown/console/evaluation?from=2020-01-01&to=2020-01-31",
        ))
        .await;
    assert!(staff.text().await.contains(&en.t("eval-none")));
    staff
        .open(&page(
            &host,
            "/rivertown/console/evaluation?from=2026-02-01&to=2026-01-01",
        ))
        .await;
    assert!(staff.text().await.contains(&en.t("eval-period-wrong")));
    assert_eq!(staff.focused().await, "errors");
    // Staff see the rating on the case; then sign out, and the console asks again.
    staff
        .open(&page(&host, &format!("/rivertown/console/cases/{id}")))
        .await;
    assert!(staff.text().await.contains("Veloci e gentili"));
    staff.follow("nav.console button[type=submit]").await;
    staff.open(&page(&host, "/rivertown/console/")).await;
    assert!(staff.url().await.ends_with("/console/sign-in"));
}

#[tokio::test]
async fn a_console_user_of_one_city_gets_nothing_of_another_and_citizens_get_no_console() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = carmen_tests::api::two_cities(dir.path()).await;
    let river_case = carmen_tests::api::report_pothole(&host, "rivertown", None).await;
    let hill_case = carmen_tests::api::report_pothole(&host, "hillcrest", None).await;
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get = |path: String, token: &str| {
        no_redirect
            .get(page(&host, &path))
            .header("cookie", format!("carmen_session={token}"))
            .send()
    };
    // Hillcrest's staff: Rivertown's console, queue and cases are closed to them.
    for path in [
        "/rivertown/console/".to_string(),
        format!("/rivertown/console/cases/{river_case}"),
    ] {
        let response = get(path.clone(), &people.hill_staff).await.unwrap();
        assert_eq!(response.status().as_u16(), 403, "{path}");
        let body = response.text().await.unwrap();
        assert!(!body.contains("Canal 1"), "{path}");
    }
    // Their own console does not reach the other city's case by its number.
    let response = get(
        format!("/hillcrest/console/cases/{river_case}"),
        &people.hill_staff,
    )
    .await
    .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let response = get(
        format!("/hillcrest/console/cases/{hill_case}"),
        &people.hill_staff,
    )
    .await
    .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    // A citizen's session opens no console.
    let response = get("/rivertown/console/".into(), &people.river_citizen)
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    // Nobody: the sign-in page.
    let response = no_redirect
        .get(page(&host, "/rivertown/console/"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    // A change posted by Hillcrest's staff to a Rivertown case changes nothing, token or not.
    let (cookie, token) = form_token(&host, "/rivertown/console/sign-in").await;
    let response = no_redirect
        .post(page(
            &host,
            &format!("/rivertown/console/cases/{river_case}/status"),
        ))
        .header(
            "cookie",
            format!("{cookie}; carmen_session={}", people.hill_staff),
        )
        .form(&[("csrf", token.as_str()), ("status", "closed")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let case = host
        .carmen
        .case_file(&host.carmen.console().staff_of("rivertown"), river_case)
        .await
        .unwrap()
        .case;
    assert_eq!(case.status, carmen::runtime::types::CaseStatus::Submitted);
    // A crest: not from Rivertown's staff (administrators only), not from Hillcrest's
    // administrator, not from Rivertown's administrator without the form's token.
    let crest = carmen_tests::png(64, 64);
    let upload = |session: &str, csrf: &str| {
        let (content_type, body) =
            carmen_tests::multipart(&[("csrf", csrf)], &[("crest", crest.as_slice())]);
        no_redirect
            .post(page(&host, "/rivertown/console/administration/crest"))
            .header("content-type", content_type)
            .header("cookie", format!("{cookie}; carmen_session={session}"))
            // From the site's own page: what refuses is the handler, not the origin check.
            .header("origin", page(&host, ""))
            .body(body)
            .send()
    };
    for (who, session, csrf) in [
        ("Rivertown's staff", &people.river_staff, token.as_str()),
        (
            "Hillcrest's administrator",
            &people.hill_admin,
            token.as_str(),
        ),
        ("a forged form", &people.river_admin, "0123456789abcdef"),
    ] {
        let response = upload(session, csrf).await.unwrap();
        assert_eq!(response.status().as_u16(), 403, "{who}");
    }
    let crest_at = |slug: &'static str| {
        let host = &host;
        async move { host.carmen.city(slug).await.unwrap().crest_at }
    };
    assert_eq!(crest_at("rivertown").await, None, "no crest was set");
    let response = upload(&people.river_admin, &token).await.unwrap();
    assert_eq!(response.status().as_u16(), 303, "its administrator sets it");
    assert!(crest_at("rivertown").await.is_some());
    assert_eq!(crest_at("hillcrest").await, None, "and only for Rivertown");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_administrator_installs_a_service_from_the_marketplace_approving_its_capabilities_and_a_citizen_uses_it_at_once()
 {
    use carmen::runtime::types::NewUser;
    let world = crate::registry::registry().await;
    world.publish("bulky-waste", "1.0.0").await;
    let dir = tempfile::tempdir().unwrap();
    let carmen = open_carmen(dir.path())
        .await
        .with_registry(Some(world.url.clone()))
        .with_registry_token(Some(world.token.clone()));
    for (slug, name) in [("bayside", "Bayside"), ("cliffton", "Cliffton")] {
        let admin = NewUser {
            name: "Admin".into(),
            email: Some(format!("admin@{slug}.example")),
            password: Some(carmen_tests::api::PASSWORD.into()),
            ..Default::default()
        };
        carmen
            .create_city(&carmen.console(), slug, name, None, Some(admin))
            .await
            .unwrap();
    }
    let host = TestHost::serve(carmen).await;
    let en = Texts::new("en");
    let mut admin = Browser::start("marketplace", "en", (1280, 1000)).await;
    console_sign_in(&mut admin, &host, "bayside", "admin@bayside.example").await;
    admin.follow("a[href='/bayside/console/marketplace']").await;
    // Packages by their names for people, not their codes.
    assert!(
        admin.text().await.contains("Bulky-waste pickups"),
        "{}",
        admin.text().await
    );
    admin.check_page("marketplace").await;
    admin
        .follow("a[href='/bayside/console/marketplace/bulky-waste']")
        .await;
    let text = admin.text().await;
    for capability in ["store", "requester", "http"] {
        assert!(
            text.contains(&en.t(&format!("capability-{capability}"))),
            "{capability}: {text}"
        );
    }
    // The hosts it may call, in plain words: its waste system, at the address a city sets.
    assert!(
        text.contains(&en.t("market-hosts")) && text.contains("‹waste-system›"),
        "{text}"
    );
    // Settings by their labels, with their descriptions; no code for a label.
    assert!(
        text.contains("Pickups a day") && text.contains("Pickups per collection day."),
        "{text}"
    );
    assert!(!text.contains("capacity-per-day"), "{text}");
    admin.check_page("package").await;
    // Without approving every capability, nothing is installed.
    admin.click("#grant-store").await;
    admin.follow("#install").await;
    assert!(
        host.carmen
            .install_of_package(&host.carmen.console().staff_of("bayside"), "bulky-waste")
            .await
            .unwrap()
            .is_none()
    );
    admin.check_page("refused").await;
    // The refusal is no dead end: its first link leads back to the package's page.
    admin.follow("#back").await;
    assert!(
        admin
            .path()
            .await
            .ends_with("/bayside/console/marketplace/bulky-waste")
    );
    let asked: Vec<String> = {
        let boxes = admin
            .client
            .find_all(fantoccini::Locator::Css("input[name=grant]"))
            .await
            .unwrap();
        let mut names = Vec::new();
        for b in boxes {
            names.push(b.attr("value").await.unwrap().unwrap());
        }
        names
    };
    assert!(
        asked.contains(&"store".to_string()) && asked.contains(&"requester".to_string()),
        "{asked:?}"
    );
    for name in &asked {
        admin.click(&format!("#grant-{name}")).await;
    }
    admin
        .client
        .find(fantoccini::Locator::Css("#config-capacity-per-day"))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
    admin.fill("#config-capacity-per-day", "3").await;
    admin.follow("#install").await;
    assert!(
        admin
            .text()
            .await
            .contains(&en.with("market-installed", &[("version", "1.0.0")])),
        "{}",
        admin.text().await
    );
    // The page says it was done; there is no earlier version to go back to, and uninstalling
    // asks first.
    assert!(admin.text().await.contains(&en.t("done-installed")));
    assert!(
        admin
            .client
            .find(fantoccini::Locator::Css("#rollback"))
            .await
            .is_err()
    );
    assert!(
        admin
            .client
            .find(fantoccini::Locator::Css("#uninstall-confirm[required]"))
            .await
            .is_ok()
    );
    admin.check_page("installed").await;
    let install = host
        .carmen
        .install_of_package(&host.carmen.console().staff_of("bayside"), "bulky-waste")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        install.config.get("capacity-per-day").map(String::as_str),
        Some("3")
    );
    assert!(
        host.carmen
            .install_of_package(&host.carmen.console().staff_of("cliffton"), "bulky-waste")
            .await
            .unwrap()
            .is_none(),
        "one city's install is its own"
    );

    // A citizen books a pickup at once.
    let mut citizen = Browser::start("marketplace-citizen", "en", PHONE).await;
    citizen.open(&page(&host, "/bayside/")).await;
    citizen
        .follow("a[href='/bayside/services/bulky-waste']")
        .await;
    citizen.click("#field-items-0").await;
    citizen.fill("#address", "Harbour Road 5").await;
    citizen.follow("#form button[type=submit]").await;
    assert!(
        citizen.url().await.contains("/bayside/follow/"),
        "{}",
        citizen.text().await
    );
    citizen.check_page("booked").await;

    // Cliffton's administrator gets nothing of Bayside's console or marketplace actions.
    let mut other = Browser::start("marketplace-other-city", "en", (1280, 900)).await;
    console_sign_in(&mut other, &host, "cliffton", "admin@cliffton.example").await;
    other
        .open(&page(&host, "/bayside/console/marketplace/bulky-waste"))
        .await;
    assert!(other.text().await.contains(&en.t("console-not-staff")));
}

#[tokio::test]
async fn a_citizen_registers_confirms_files_signed_in_downloads_their_data_and_erases_the_account_in_german()
 {
    let dir = tempfile::tempdir().unwrap();
    let host = two_cities(dir.path()).await;
    let de = Texts::new("de");
    let mut browser = Browser::start("account-in-german", "de", PHONE).await;
    browser.open(&page(&host, "/rivertown/")).await;
    browser.follow("a.account").await;
    assert!(browser.url().await.ends_with("/rivertown/account/sign-in"));
    browser.check_page("anmelden").await;
    browser
        .follow("a[href='/rivertown/account/register']")
        .await;
    browser.fill("#name", "Greta Muster").await;
    browser.fill("#email", "greta@example.org").await;
    browser.fill("#password", "ein recht langes Passwort").await;
    browser.click("#consent").await;
    browser.check_page("registrieren").await;
    browser.follow("#register").await;
    assert!(browser.text().await.contains(&de.t("account-registered")));
    browser.follow("a.button").await;
    browser.fill("#email", "greta@example.org").await;
    browser.fill("#password", "ein recht langes Passwort").await;
    browser.follow("#sign-in").await;
    assert!(
        browser.url().await.ends_with("/rivertown/account/"),
        "{}",
        browser.text().await
    );
    assert!(browser.text().await.contains(&de.t("account-not-verified")));
    let code = carmen_tests::api::code_sent_to(&host, "rivertown", "greta@example.org").await;
    browser.fill("#code", &code).await;
    browser.follow("#verify").await;
    assert!(
        browser.text().await.contains(&de.t("account-verified")),
        "{}",
        browser.text().await
    );
    // The inbox: the messages sent to her proven address (the code), and no one else's.
    let inbox = browser
        .client
        .find(fantoccini::Locator::Css("#inbox"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(inbox.contains(&code), "{inbox}");
    assert!(!inbox.contains("citizen@"), "{inbox}");
    browser.check_page("konto").await;

    // Signed in, a request is the account's: the header names her, her contact is filled in,
    // and it is listed.
    browser
        .open(&page(&host, "/rivertown/services/street-issue"))
        .await;
    assert!(
        browser
            .text()
            .await
            .contains(&de.with("signed-in-as", &[("name", "Greta Muster")])),
        "{}",
        browser.text().await
    );
    assert_eq!(browser.value("#email").await, "greta@example.org");
    browser.click("#field-category-2").await;
    browser.fill("#address", "Marktplatz 1").await;
    browser.follow("#form button[type=submit]").await;
    let (cases, _) = host
        .carmen
        .queue(
            &host.carmen.console().staff_of("rivertown"),
            &QueueFilter::default(),
        )
        .await
        .unwrap();
    let filed = cases
        .iter()
        .find(|c| c.location.as_ref().and_then(|l| l.address.as_deref()) == Some("Marktplatz 1"))
        .unwrap();
    assert!(filed.citizen_id.is_some());
    assert_eq!(
        filed.contact.as_ref().and_then(|c| c.email.as_deref()),
        Some("greta@example.org")
    );
    browser.open(&page(&host, "/rivertown/account/")).await;
    browser
        .follow(&format!(
            "#my-requests a[href='/rivertown/account/requests/{}']",
            filed.id
        ))
        .await;
    assert!(browser.text().await.contains("Marktplatz 1"));
    browser.check_page("anfrage").await;
    browser.fill("#message", "Bitte schnell").await;
    browser.follow("#write").await;
    assert!(browser.text().await.contains("Bitte schnell"));
    assert!(
        browser
            .text()
            .await
            .contains(&Texts::new("de").t("done-message"))
    );
    // She follows a public request from its page; her account lists it until she stops.
    let followed = carmen_tests::api::report_pothole(&host, "rivertown", None).await;
    browser
        .open(&page(&host, &format!("/rivertown/requests/{followed}")))
        .await;
    browser.follow("#follow").await;
    assert!(browser.path().await.ends_with("/rivertown/account/"));
    let listed = browser
        .client
        .find(fantoccini::Locator::Css("#follows"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(listed.contains(&followed.to_string()), "{listed}");
    browser.check_page("folgen").await;
    browser.follow("#follows button[type=submit]").await;
    assert!(browser.text().await.contains(&de.t("follows-none")));

    // The account's pages are its own: another city's account pages and another's request.
    let other = carmen_tests::api::report_pothole(&host, "rivertown", None).await;
    browser
        .open(&page(
            &host,
            &format!("/rivertown/account/requests/{other}"),
        ))
        .await;
    assert!(browser.text().await.contains(&de.t("error-not-found")));
    browser.open(&page(&host, "/hillcrest/account/")).await;
    assert!(browser.url().await.ends_with("/hillcrest/account/sign-in"));

    // The data, then erasure.
    let cookie = browser
        .client
        .get_named_cookie("carmen_session")
        .await
        .unwrap();
    let data: serde_json::Value = host
        .client
        .get(page(&host, "/rivertown/account/export"))
        .header("cookie", format!("carmen_session={}", cookie.value()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        data.to_string().contains("greta@example.org") && data.to_string().contains("Marktplatz 1"),
        "{data}"
    );
    browser.open(&page(&host, "/rivertown/account/")).await;
    browser.click("#erase-confirm").await;
    browser.follow("#erase").await;
    assert!(browser.text().await.contains(&de.t("account-erased")));
    browser.check_page("geloescht").await;
    let file = host
        .carmen
        .case_file(&host.carmen.console().staff_of("rivertown"), filed.id)
        .await
        .unwrap();
    assert!(
        file.case.contact.is_none(),
        "the request stays without the contact"
    );
    browser.open(&page(&host, "/rivertown/account/")).await;
    assert!(browser.url().await.ends_with("/account/sign-in"));
}

/// Registers a citizen of `city` and proves their e-mail address over the API; their token.
async fn proven_citizen(host: &TestHost, city: &str, name: &str, email: &str) -> String {
    let token = carmen_tests::api::new_citizen(
        host,
        city,
        json!({"name": name, "email": email, "password": carmen_tests::api::PASSWORD}),
    )
    .await;
    carmen_tests::api::verify(host, city, &token, "email", email).await;
    token
}

/// Signs in to `city`'s portal in the browser as `email`.
async fn portal_sign_in(browser: &Browser, host: &TestHost, city: &str, email: &str) {
    browser
        .open(&page(host, &format!("/{city}/account/sign-in")))
        .await;
    browser.fill("#email", email).await;
    browser.fill("#password", carmen_tests::api::PASSWORD).await;
    browser.follow("#sign-in").await;
    assert!(
        browser.url().await.ends_with(&format!("/{city}/account/")),
        "{}",
        browser.text().await
    );
}

#[tokio::test]
async fn a_representative_books_a_pickup_for_an_association_and_a_second_representative_sees_it() {
    let dir = tempfile::tempdir().unwrap();
    let host = two_cities(dir.path()).await;
    proven_citizen(&host, "rivertown", "Olga Owner", "olga@club.example").await;
    proven_citizen(&host, "rivertown", "Rui Rep", "rui@club.example").await;
    proven_citizen(&host, "hillcrest", "Hilda Else", "hilda@club.example").await;
    let en = Texts::new("en");

    let mut olga = Browser::start("organisation-owner", "en", PHONE).await;
    portal_sign_in(&olga, &host, "rivertown", "olga@club.example").await;
    olga.fill("#org-name", "Rivertown Rowing Club").await;
    olga.click("#kind-association").await;
    olga.follow("#create-org").await;
    assert!(olga.text().await.contains("Rivertown Rowing Club"));
    // An invitation answers the same whoever the address belongs to (a citizen of another city
    // here, a citizen of this one next), and adds nobody until they accept it.
    olga.fill("#representative", "hilda@club.example").await;
    olga.follow("#add-representative").await;
    let after_hilda = olga.text().await;
    assert!(after_hilda.contains(&en.t("org-invited")), "{after_hilda}");
    assert!(!after_hilda.contains("Hilda"), "{after_hilda}");
    let owned = host
        .carmen
        .organisations(&owner_principal(&host, "olga@club.example").await)
        .await
        .unwrap();
    let organisation_id = owned[0].0.id;
    let organisation_page = format!("/rivertown/account/organisations/{organisation_id}");
    olga.open(&page(&host, &organisation_page)).await;
    olga.fill("#representative", "rui@club.example").await;
    olga.follow("#add-representative").await;
    let after_rui = olga.text().await;
    assert!(after_rui.contains(&en.t("org-invited")), "{after_rui}");
    assert!(
        !after_rui.contains("Rui Rep"),
        "not a representative before accepting: {after_rui}"
    );

    // Rui finds the invitation on his account page and accepts it; Hilda, of another city, has
    // none.
    let mut rui = Browser::start("organisation-representative", "en", PHONE).await;
    portal_sign_in(&rui, &host, "rivertown", "rui@club.example").await;
    assert!(
        rui.text()
            .await
            .contains(&en.with("account-invitation", &[("name", "Rivertown Rowing Club")])),
        "{}",
        rui.text().await
    );
    rui.check_page("invitation").await;
    rui.follow(&format!("#accept-{organisation_id}")).await;
    assert!(
        rui.path().await.ends_with(&organisation_page),
        "{}",
        rui.text().await
    );
    let hilda = host
        .carmen
        .invitations(&owner_principal_in(&host, "hillcrest", "hilda@club.example").await)
        .await
        .unwrap();
    assert!(hilda.is_empty(), "{hilda:?}");
    olga.open(&page(&host, &organisation_page)).await;
    assert!(olga.text().await.contains("Rui Rep"));
    olga.check_page("organisation").await;

    // Olga books a pickup on the club's behalf.
    olga.open(&page(&host, "/rivertown/services/bulky-waste"))
        .await;
    olga.check_page("on-behalf-form").await;
    olga.click("input[name=on_behalf]:not([value=''])").await;
    olga.click("#field-items-0").await;
    olga.fill("#address", "Boathouse Quay 1").await;
    olga.follow("#form button[type=submit]").await;
    assert!(
        olga.url().await.contains("/rivertown/follow/"),
        "{}",
        olga.text().await
    );
    let olga_citizen = owner_principal(&host, "olga@club.example").await;
    let booked = host
        .carmen
        .citizens_requests(&olga_citizen, None, 100)
        .await
        .unwrap()
        .0;
    let booking = booked
        .iter()
        .find(|c| {
            c.location.as_ref().and_then(|l| l.address.as_deref()) == Some("Boathouse Quay 1")
        })
        .expect("the booking is Olga's")
        .id;

    // Rui sees it, and can write about it.
    rui.open(&page(&host, "/rivertown/account/")).await;
    rui.follow(&format!("a[href='{organisation_page}']")).await;
    assert!(
        rui.text()
            .await
            .contains(&en.with("org-requests", &[("name", "Rivertown Rowing Club")]))
    );
    rui.follow(&format!(
        "#organisation-requests a[href='/rivertown/account/requests/{booking}']"
    ))
    .await;
    let seen = rui.text().await;
    assert!(
        seen.contains("Boathouse Quay 1") && seen.contains(&en.t("submitted-answer")),
        "{seen}"
    );
    rui.check_page("representative-sees-booking").await;

    // Staff see on whose behalf it was made.
    let file = host
        .carmen
        .organisation_of_case(&host.carmen.console().staff_of("rivertown"), booking)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(file.name, "Rivertown Rowing Club");

    // Someone who does not represent it sees nothing of it; Hilda (another city) neither.
    let stranger = proven_citizen(&host, "rivertown", "Sam Stranger", "sam@else.example").await;
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for path in [
        organisation_page.clone(),
        format!("/rivertown/account/requests/{booking}"),
    ] {
        let response = no_redirect
            .get(page(&host, &path))
            .header("cookie", format!("carmen_session={stranger}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 404, "{path}");
    }
    let forged = host
        .carmen
        .submit(
            "rivertown",
            "bulky-waste",
            on_behalf(
                host.carmen
                    .authenticate(&stranger)
                    .await
                    .unwrap()
                    .unwrap()
                    .citizen_of("rivertown")
                    .unwrap(),
                host.carmen
                    .organisation_of_case(&host.carmen.console().staff_of("rivertown"), booking)
                    .await
                    .unwrap()
                    .unwrap()
                    .id,
                ("items", "sofa"),
                "Elsewhere 1",
            ),
        )
        .await;
    assert!(
        forged.is_err(),
        "no one files for an organisation they do not represent"
    );

    // Many requests for it: its page shows them 50 at a time, the older ones a link away; the
    // owner's export still holds every one.
    for n in 0..55 {
        let filed = host
            .carmen
            .submit(
                "rivertown",
                "street-issue",
                on_behalf(
                    olga_citizen.clone(),
                    organisation_id,
                    ("category", "pothole"),
                    &format!("Quay {n}"),
                ),
            )
            .await
            .unwrap();
        assert!(
            matches!(filed, carmen::runtime::requests::Submitted::Opened(_)),
            "{n}"
        );
    }
    let newest = host
        .carmen
        .organisation(&olga_citizen, organisation_id, None, 50)
        .await
        .unwrap();
    let older = newest.older.expect("more than a page");
    let rest = host
        .carmen
        .organisation(&olga_citizen, organisation_id, Some(older), 50)
        .await
        .unwrap();
    assert_eq!(
        (newest.requests.len(), rest.requests.len(), rest.older),
        (50, 6, None)
    );
    assert!(rest.requests.iter().any(|c| c.id == booking));
    let exported = host
        .carmen
        .export_organisation(&olga_citizen, organisation_id)
        .await
        .unwrap();
    assert_eq!(exported["requests"].as_array().unwrap().len(), 56);
    olga.open(&page(&host, &organisation_page)).await;
    olga.follow(&format!("a[href$='?before={older}']")).await;
    assert!(
        olga.text()
            .await
            .contains(&en.with("request-title", &[("id", &booking.to_string())])),
        "{}",
        olga.text().await
    );

    // The owner erases it as a whole: the requests stay, without its contact details.
    olga.open(&page(&host, &organisation_page)).await;
    olga.click("#org-erase-confirm").await;
    olga.follow("#erase-org").await;
    assert!(olga.text().await.contains(&en.t("org-erased")));
    assert!(
        host.carmen
            .case_file(&host.carmen.console().staff_of("rivertown"), booking)
            .await
            .unwrap()
            .case
            .contact
            .is_none()
    );
    rui.open(&page(&host, &organisation_page)).await;
    assert!(rui.text().await.contains(&en.t("error-not-found")));
}

/// The principal of the citizen of Rivertown with `email`, signed in over the API.
/// A request `citizen` files for organisation `organisation`: one field's answer, and where.
fn on_behalf(
    citizen: carmen::runtime::proofs::Citizen,
    organisation: i64,
    (field, answer): (&str, &str),
    address: &str,
) -> carmen::runtime::form::RequestInput {
    carmen::runtime::form::RequestInput {
        fields: [(field.to_string(), vec![answer.to_string()])].into(),
        location: Some(carmen::runtime::types::Location {
            address: Some(address.into()),
            latitude: None,
            longitude: None,
        }),
        language: "en".into(),
        citizen: Some(citizen),
        organisation_id: Some(organisation),
        ..Default::default()
    }
}

async fn owner_principal(host: &TestHost, email: &str) -> carmen::runtime::proofs::Citizen {
    owner_principal_in(host, "rivertown", email).await
}

async fn owner_principal_in(
    host: &TestHost,
    city: &str,
    email: &str,
) -> carmen::runtime::proofs::Citizen {
    let token = carmen_tests::api::sign_in(host, city, email).await;
    let who = host.carmen.authenticate(&token).await.unwrap().unwrap();
    who.citizen_of(city).unwrap()
}

#[tokio::test]
async fn an_administrator_runs_the_city_from_the_console_and_staff_may_only_read_it() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = carmen_tests::api::two_cities(dir.path()).await;
    let mut admin = Browser::start("administration", "en", (1280, 1000)).await;
    console_sign_in(&mut admin, &host, "rivertown", "admin@rivertown.example").await;
    admin
        .follow("a[href='/rivertown/console/administration']")
        .await;
    admin.check_page("administration").await;
    admin.fill("#department_code", "parks").await;
    admin.fill("#department_name", "Parks and Gardens").await;
    admin.follow("#add-department").await;
    assert!(admin.text().await.contains("Parks and Gardens"));
    admin.click("#route_department option[value='parks']").await;
    admin.fill("#route_category", "graffiti").await;
    admin.follow("#set-route").await;
    admin.fill("#staff_name", "Pat Parks").await;
    admin.fill("#staff_email", "pat@rivertown.example").await;
    admin
        .fill("#staff_password", carmen_tests::api::PASSWORD)
        .await;
    admin.click("#staff_department option[value='parks']").await;
    admin.follow("#add-staff").await;
    assert!(admin.text().await.contains("Pat Parks"));
    admin.fill("#key_label", "Fix-it app").await;
    admin.follow("#issue-key").await;
    let key = admin
        .client
        .find(fantoccini::Locator::Css("#issued-key"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    admin.check_page("key-issued").await;
    // The key files a request over Open311; the route sends graffiti to the parks.
    let posted = host
        .client
        .post(format!(
            "http://{}/open311/v2/cities/rivertown/requests.json",
            host.addr
        ))
        .form(&[
            ("api_key", key.as_str()),
            ("service_code", "street-issue"),
            ("attribute[category]", "graffiti"),
            ("address_string", "Park Lane 1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        posted.status().as_u16(),
        200,
        "{}",
        posted.text().await.unwrap()
    );
    let (found, _) = host
        .carmen
        .queue(
            &host.carmen.console().staff_of("rivertown"),
            &QueueFilter {
                department: Some("parks".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "routed to the new department");
    // Pat signs in (another browser) and sees the case.
    let mut pat = Browser::start("administration-new-staff", "en", (1280, 900)).await;
    console_sign_in(&mut pat, &host, "rivertown", "pat@rivertown.example").await;
    assert!(pat.text().await.contains("Park Lane 1"));
    // The audit log shows every change, by whom.
    admin.open(&page(&host, "/rivertown/console/audit")).await;
    let audit = admin.text().await;
    for action in ["department.create", "route.set", "user.create", "key.issue"] {
        assert!(audit.contains(action), "{action}: {audit}");
    }
    admin.check_page("audit").await;
    // Staff read the administration page, and cannot change anything there.
    pat.open(&page(&host, "/rivertown/console/administration"))
        .await;
    assert!(pat.text().await.contains(&Texts::new("en").t("admin-only")));
    let (cookie, token) = form_token(&host, "/rivertown/services/street-issue").await;
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(page(&host, "/rivertown/console/administration/department"))
        .header(
            "cookie",
            format!("{cookie}; carmen_session={}", people.river_staff),
        )
        .header("origin", format!("http://{}", host.addr))
        .form(&[
            ("csrf", token.as_str()),
            ("department_code", "sneaky"),
            ("department_name", "Sneaky"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let (departments, _) = host
        .carmen
        .departments(&host.carmen.console().staff_of("rivertown"))
        .await
        .unwrap();
    assert!(!departments.iter().any(|d| d.code == "sneaky"));
    // Another city's administrator gets nothing of this one's administration.
    let response = reqwest::Client::new()
        .get(page(&host, "/rivertown/console/administration"))
        .header("cookie", format!("carmen_session={}", people.hill_admin))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    assert!(!response.text().await.unwrap().contains("Parks and Gardens"));
}

#[tokio::test]
async fn the_operator_creates_a_city_with_its_first_administrator_who_signs_in_at_once() {
    use carmen::runtime::types::NewUser;
    let dir = tempfile::tempdir().unwrap();
    let carmen = open_carmen(dir.path()).await;
    carmen
        .create_operator(
            &carmen.console(),
            NewUser {
                name: "Olivia Operator".into(),
                email: Some("operator@host.example".into()),
                password: Some(carmen_tests::api::PASSWORD.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let host = TestHost::serve(carmen).await;
    let mut operator = Browser::start("operator", "en", (1280, 900)).await;
    operator.open(&page(&host, "/operator/")).await;
    assert!(operator.url().await.ends_with("/operator/sign-in"));
    operator.check_page("operator-sign-in").await;
    operator.fill("#email", "operator@host.example").await;
    operator
        .fill("#password", carmen_tests::api::PASSWORD)
        .await;
    operator.follow("#sign-in").await;
    assert!(
        operator.url().await.ends_with("/operator/"),
        "{}",
        operator.text().await
    );
    operator.fill("#slug", "lakeside").await;
    operator.fill("#name", "Lakeside").await;
    operator.fill("#admin_name", "Lee Admin").await;
    operator.fill("#admin_email", "lee@lakeside.example").await;
    operator
        .fill("#admin_password", carmen_tests::api::PASSWORD)
        .await;
    operator.follow("#create-city").await;
    assert!(operator.text().await.contains("Lakeside"));
    let done = Texts::new("en").t("done-city");
    assert!(operator.text().await.contains(&done));
    operator.check_page("operator-home").await;
    // A reserved slug is refused with the reason.
    operator.fill("#slug", "api").await;
    operator.fill("#name", "Api Town").await;
    operator.fill("#admin_name", "X").await;
    operator.fill("#admin_email", "x@api.example").await;
    operator
        .fill("#admin_password", carmen_tests::api::PASSWORD)
        .await;
    operator.follow("#create-city").await;
    assert!(
        operator.text().await.contains("reserved"),
        "{}",
        operator.text().await
    );
    let mut lee = Browser::start("operator-new-admin", "en", (1280, 900)).await;
    console_sign_in(&mut lee, &host, "lakeside", "lee@lakeside.example").await;
    assert!(lee.url().await.ends_with("/lakeside/console/"));
    // A city's administrator is not the operator.
    lee.open(&page(&host, "/operator/")).await;
    assert!(lee.url().await.ends_with("/operator/sign-in"));

    // With many cities, the operator sees them a page at a time.
    carmen_tests::numbered_cities(&host.carmen, 150, &[]).await;
    operator.open(&page(&host, "/operator/")).await;
    let first = operator.text().await;
    assert!(
        first.contains("city-0") && !first.contains("Lakeside"),
        "{first}"
    );
    operator.follow("a[href^='/operator/?after=']").await;
    let rest = operator.text().await;
    assert!(
        rest.contains("Lakeside") && !rest.contains(&Texts::new("en").t("cities-more")),
        "{rest}"
    );
}

/// A JPEG of a street, with an EXIF block that says where it was taken, written to `dir`.
fn photo_with_location(dir: &std::path::Path) -> std::path::PathBuf {
    let street = image::RgbImage::from_fn(800, 600, |x, y| {
        image::Rgb([(x / 4) as u8, (y / 3) as u8, 90])
    });
    let mut plain = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(street)
        .write_to(&mut plain, image::ImageFormat::Jpeg)
        .unwrap();
    let plain = plain.into_inner();
    let payload = b"Exif\0\0MM\0*GPSLatitude 45.4642 GPSLongitude 9.1900 Model PhoneCam";
    let mut jpeg = plain[..2].to_vec();
    jpeg.extend_from_slice(&[0xFF, 0xE1]);
    jpeg.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    jpeg.extend_from_slice(payload);
    jpeg.extend_from_slice(&plain[2..]);
    let path = dir.join("pothole.jpg");
    std::fs::write(&path, jpeg).unwrap();
    path
}

#[tokio::test]
async fn a_citizen_attaches_a_photo_whose_location_is_stripped_and_only_those_who_may_see_the_request_see_it()
 {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = carmen_tests::api::two_cities(dir.path()).await;
    install(&host.carmen, "rivertown", "bulky-waste", &[]).await;
    let photo = photo_with_location(dir.path());
    let not_an_image = dir.path().join("notes.jpg");
    std::fs::write(&not_an_image, b"this is not a picture").unwrap();
    let mut browser = Browser::start("photos", "en", PHONE).await;

    // Not an image: the error beside the field, nothing filed.
    browser
        .open(&page(&host, "/rivertown/services/street-issue"))
        .await;
    browser.click("#field-category-0").await;
    browser.fill("#address", "Photo Street 1").await;
    browser
        .fill("#photos", not_an_image.to_str().unwrap())
        .await;
    browser.follow("#form button[type=submit]").await;
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Css("#photos-error"))
            .await
            .is_ok(),
        "{}",
        browser.text().await
    );
    let before = host
        .carmen
        .queue(
            &host.carmen.console().staff_of("rivertown"),
            &QueueFilter::default(),
        )
        .await
        .unwrap()
        .1;

    // A real photo: filed with it, and what is kept has no location in it.
    browser
        .open(&page(&host, "/rivertown/services/street-issue"))
        .await;
    browser.click("#field-category-0").await;
    browser.fill("#address", "Photo Street 1").await;
    browser.fill("#photos", photo.to_str().unwrap()).await;
    browser.follow("#form button[type=submit]").await;
    let link = browser.url().await;
    assert!(link.contains("/follow/"), "{}", browser.text().await);
    assert_eq!(
        host.carmen
            .queue(
                &host.carmen.console().staff_of("rivertown"),
                &QueueFilter::default()
            )
            .await
            .unwrap()
            .1,
        before + 1
    );
    browser
        .client
        .find(fantoccini::Locator::Css(".photos img"))
        .await
        .expect("the thumbnail is shown");
    browser.check_page("with-photo").await;
    let (found, _) = host
        .carmen
        .queue(
            &host.carmen.console().staff_of("rivertown"),
            &QueueFilter::default(),
        )
        .await
        .unwrap();
    let id = found
        .iter()
        .find(|c| c.location.as_ref().and_then(|l| l.address.as_deref()) == Some("Photo Street 1"))
        .unwrap()
        .id;
    let get = |path: String, cookie: Option<String>| {
        let mut request = host.client.get(page(&host, &path));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let kind = response
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default();
            (status, kind, response.bytes().await.unwrap().to_vec())
        }
    };
    let (status, kind, kept) = get(format!("/rivertown/requests/{id}/photos/1"), None).await;
    assert_eq!(
        (status, kind.as_str()),
        (200, "image/jpeg"),
        "a public request's photo is public"
    );
    assert!(
        !kept.windows(11).any(|w| w == b"GPSLatitude") && !kept.windows(4).any(|w| w == b"Exif")
    );
    assert!(image::load_from_memory(&kept).is_ok());
    let (status, _, thumb) = get(
        format!("/rivertown/requests/{id}/photos/1?size=thumb"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(image::load_from_memory(&thumb).unwrap().width() <= 320);
    // Open311's media_url points at it.
    let open311: serde_json::Value = host
        .client
        .get(format!(
            "http://{}/open311/v2/cities/rivertown/requests/{id}.json",
            host.addr
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        open311[0]["media_url"],
        format!("http://{}/rivertown/requests/{id}/photos/1", host.addr)
    );

    // A private booking's photo: its submitter (by the link) and staff, no one else.
    browser
        .open(&page(&host, "/rivertown/services/bulky-waste"))
        .await;
    browser.click("#field-items-0").await;
    browser.fill("#address", "Private Lane 2").await;
    browser.fill("#photos", photo.to_str().unwrap()).await;
    browser.follow("#form button[type=submit]").await;
    let follow = browser.url().await;
    let secret = follow
        .split("/follow/")
        .nth(1)
        .unwrap()
        .trim_end_matches("?sent=1")
        .to_string();
    let private = host
        .carmen
        .request_by_secret("rivertown", &secret)
        .await
        .unwrap();
    let path = format!("/rivertown/requests/{private}/photos/1");
    assert_eq!(get(path.clone(), None).await.0, 404, "not the public's");
    assert_eq!(
        get(format!("{path}?secret={secret}"), None).await.0,
        200,
        "its submitter's"
    );
    assert_eq!(get(format!("{path}?secret=wrong"), None).await.0, 404);
    assert_eq!(
        get(
            path.clone(),
            Some(format!("carmen_session={}", people.river_staff))
        )
        .await
        .0,
        200,
        "staff's"
    );
    assert_eq!(
        get(
            path.clone(),
            Some(format!("carmen_session={}", people.hill_staff))
        )
        .await
        .0,
        404,
        "not another city's staff"
    );
    assert_eq!(
        get(
            path.clone(),
            Some(format!("carmen_session={}", people.river_citizen))
        )
        .await
        .0,
        404,
        "not another citizen's"
    );
    assert_eq!(
        get(
            format!("/hillcrest/requests/{private}/photos/1?secret={secret}"),
            None
        )
        .await
        .0,
        404
    );
}

/// A tile server on a loopback port answering every tile with the same small PNG; its URL template.
async fn tile_server() -> String {
    let mut tile = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        256,
        256,
        image::Rgb([200, 220, 200]),
    ))
    .write_to(&mut tile, image::ImageFormat::Png)
    .unwrap();
    let tile = tile.into_inner();
    let app = axum::Router::new().route(
        "/tiles/{z}/{x}/{y}",
        axum::routing::get(move || {
            let tile = tile.clone();
            async move { ([(axum::http::header::CONTENT_TYPE, "image/png")], tile) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/tiles/{{z}}/{{x}}/{{y}}.png")
}

#[tokio::test]
async fn where_a_city_set_a_map_a_citizen_places_the_pin_on_it_and_the_coordinates_are_filed() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = carmen_tests::api::two_cities(dir.path()).await;
    let tiles = tile_server().await;
    // A template that would smuggle a policy in is refused; a good one is kept.
    for bad in [
        "https://tiles.example/{z}/{x}/{y}.png; script-src *",
        "javascript:alert(1)/{z}/{x}/{y}",
        "https://tiles.example/no-placeholders.png",
    ] {
        let (status, _) = carmen_tests::api::call(
            &host,
            reqwest::Method::PUT,
            "/cities/rivertown/settings",
            Some(&people.river_admin),
            Some(json!({"map": {"tiles": bad, "latitude": 45.0, "longitude": 9.0, "zoom": 15}})),
        )
        .await;
        assert_eq!(status, 422, "{bad}");
    }
    let (status, city) = carmen_tests::api::call(
        &host,
        reqwest::Method::PUT,
        "/cities/rivertown/settings",
        Some(&people.river_admin),
        Some(json!({"map": {"tiles": tiles, "latitude": 45.4642, "longitude": 9.19, "zoom": 16}})),
    )
    .await;
    assert_eq!(status, 200, "{city}");
    assert_eq!(city["map"]["zoom"], 16);
    let response = host
        .client
        .get(page(&host, "/rivertown/services/street-issue"))
        .send()
        .await
        .unwrap();
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let tile_origin = tiles.split("/tiles/").next().unwrap();
    assert!(
        policy.contains(&format!("img-src 'self' data: {tile_origin};"))
            && policy.contains("script-src 'self'"),
        "{policy}"
    );

    let mut browser = Browser::start("map", "en", (1280, 1000)).await;
    browser
        .open(&page(&host, "/rivertown/services/street-issue"))
        .await;
    let mut map = None;
    for _ in 0..100 {
        if let Ok(found) = browser
            .client
            .find(fantoccini::Locator::Css("#map.leaflet-container"))
            .await
        {
            map = Some(found);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let map = map.expect("the map is shown where the city set one");
    browser.check_page("map").await;
    map.click().await.unwrap();
    let value = |id: &'static str| {
        let browser = &browser;
        async move {
            browser
                .client
                .find(fantoccini::Locator::Id(id))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap()
                .unwrap_or_default()
        }
    };
    let (lat, lon): (f64, f64) = (
        value("latitude").await.parse().unwrap(),
        value("longitude").await.parse().unwrap(),
    );
    assert!(
        (lat - 45.4642).abs() < 0.01 && (lon - 9.19).abs() < 0.01,
        "the pin is where the map was clicked: {lat}, {lon}"
    );
    browser.click("#field-category-0").await;
    browser.follow("#form button[type=submit]").await;
    assert!(
        browser.url().await.contains("/follow/"),
        "{}",
        browser.text().await
    );
    let (found, _) = host
        .carmen
        .queue(
            &host.carmen.console().staff_of("rivertown"),
            &QueueFilter::default(),
        )
        .await
        .unwrap();
    let filed = found.iter().max_by_key(|c| c.id).unwrap();
    let location = filed.location.as_ref().unwrap();
    assert!(
        (location.latitude.unwrap() - lat).abs() < 1e-5
            && (location.longitude.unwrap() - lon).abs() < 1e-5
    );
    // The city's public requests are pins on its map, each a link to its request.
    browser.open(&page(&host, "/rivertown/requests")).await;
    let pin = browser
        .client
        .wait()
        .for_element(fantoccini::Locator::Css("#public-map .leaflet-marker-icon"))
        .await
        .expect("the public requests are pins on the map");
    let pin_title = pin.attr("title").await.unwrap().unwrap_or_default();
    assert!(pin_title.contains(&filed.id.to_string()), "{pin_title}");
    browser.check_page("public-map").await;
    pin.click().await.unwrap();
    let link = browser
        .client
        .wait()
        .for_element(fantoccini::Locator::Css(".leaflet-popup-content a"))
        .await
        .unwrap();
    assert_eq!(
        link.attr("href").await.unwrap().as_deref(),
        Some(format!("/rivertown/requests/{}", filed.id).as_str())
    );

    // Without a map, "use my location" fills in the coordinates from the device.
    browser
        .open(&page(&host, "/hillcrest/services/street-issue"))
        .await;
    browser
        .client
        .execute(
            "navigator.geolocation.getCurrentPosition = function (ok) { ok({ coords: { latitude: 45.07, longitude: 7.68 } }); };",
            vec![],
        )
        .await
        .unwrap();
    browser.click("#use-location").await;
    assert_eq!(browser.value("#latitude").await, "45.070000");
    assert_eq!(browser.value("#longitude").await, "7.680000");
    browser.check_page("use-my-location").await;
    // A city without a map: no map, no script, the address and coordinates as before.
    let body = host
        .client
        .get(page(&host, "/hillcrest/services/street-issue"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !body.contains("leaflet")
            && !body.contains("data-map-tiles")
            && body.contains("id=\"address\"")
    );
}

#[tokio::test]
async fn a_citys_own_domain_opens_its_portal_and_the_host_lists_its_cities() {
    let dir = tempfile::tempdir().unwrap();
    let host = two_cities(dir.path()).await;
    host.carmen
        .set_city_domain(
            &host.carmen.console().admin_of("hillcrest"),
            "services.hillcrest.example",
        )
        .await
        .unwrap();
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let at_domain = no_redirect
        .get(page(&host, "/"))
        .header("host", "services.hillcrest.example")
        .send()
        .await
        .unwrap();
    assert_eq!(at_domain.status().as_u16(), 303);
    assert_eq!(at_domain.headers()["location"], "/hillcrest/");
    // A city's slug as the host name is not its domain.
    let slug_host = no_redirect
        .get(page(&host, "/"))
        .header("host", "rivertown")
        .send()
        .await
        .unwrap();
    assert_eq!(slug_host.status().as_u16(), 200);
    let mut browser = Browser::start("host-home", "fr", PHONE).await;
    browser.open(&page(&host, "/")).await;
    let text = browser.text().await;
    assert!(
        text.contains(&Texts::new("fr").t("home-title"))
            && text.contains("Rivertown")
            && text.contains("Hillcrest"),
        "{text}"
    );
    browser.check_page("accueil").await;

    // A host of many cities lists them a page at a time, the next page one link away; a mangled
    // `?after=` is the first page, not an error.
    carmen_tests::numbered_cities(&host.carmen, 150, &[]).await;
    let home = |query: String| {
        let client = host.client.clone();
        let url = page(&host, &format!("/{query}"));
        async move {
            let answer = client.get(url).send().await.unwrap();
            assert_eq!(answer.status().as_u16(), 200);
            answer.text().await.unwrap()
        }
    };
    let listed = |body: &str| {
        let list = body.split("id=\"cities\"").nth(1).unwrap_or_default();
        let list = list.split("</ul>").next().unwrap_or_default();
        list.matches("<li>").count()
    };
    let first = home(String::new()).await;
    assert_eq!(listed(&first), 100, "{first}");
    let more = Texts::new("en").t("cities-more");
    let next = first
        .split("href=\"/?after=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no link to more cities in {first}"))
        .to_string();
    assert!(first.contains(&more));
    let rest = home(format!("?after={next}")).await;
    assert_eq!(listed(&rest), 52, "{rest}");
    assert!(rest.contains("Hillcrest") && rest.contains("Rivertown") && !rest.contains(&more));
    assert!(!first.contains("Rivertown"));
    assert_eq!(listed(&home("?after=%FF%FE&after=x".into()).await), 100);
}

#[tokio::test]
async fn a_citizen_chooses_how_the_city_contacts_them() {
    let dir = tempfile::tempdir().unwrap();
    let host = two_cities(dir.path()).await;
    let token = proven_citizen(&host, "rivertown", "Pia Prefs", "pia@example.org").await;
    let mut browser = Browser::start("preferences", "it", PHONE).await;
    portal_sign_in(&browser, &host, "rivertown", "pia@example.org").await;
    browser.click("#language option[value='de']").await;
    browser.click("#prefs-consent").await;
    browser.check_page("preferenze").await;
    browser.follow("#save-preferences").await;
    let me = host
        .carmen
        .profile(
            &host
                .carmen
                .authenticate(&token)
                .await
                .unwrap()
                .unwrap()
                .member_of("rivertown")
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        (me.language.as_str(), me.channel.as_str(), me.consent),
        ("de", "email", true)
    );
    // Over the API: a channel with nothing to send to is refused and changes nothing.
    let (status, _) = carmen_tests::api::call(
        &host,
        reqwest::Method::PUT,
        "/cities/rivertown/me/preferences",
        Some(&token),
        Some(json!({"language": "fr", "channel": "sms", "consent": false})),
    )
    .await;
    assert_eq!(status, 422);
    let (status, me) = carmen_tests::api::call(
        &host,
        reqwest::Method::PUT,
        "/cities/rivertown/me/preferences",
        Some(&token),
        Some(json!({"language": "fr", "channel": "email", "consent": false})),
    )
    .await;
    assert_eq!(status, 200, "{me}");
    let me = host
        .carmen
        .profile(
            &host
                .carmen
                .authenticate(&token)
                .await
                .unwrap()
                .unwrap()
                .member_of("rivertown")
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!((me.language.as_str(), me.consent), ("fr", false));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_citys_pilot_figures_travel_to_another_citys_marketplace_and_info_and_no_other_host_can_sign_them()
 {
    use carmen::runtime::types::NewUser;
    let world = crate::registry::registry().await;
    world.publish("bulky-waste", "1.0.0").await;
    let dir = tempfile::tempdir().unwrap();
    let carmen = open_carmen(dir.path())
        .await
        .with_registry(Some(world.url.clone()))
        .with_registry_token(Some(world.token.clone()));
    for (slug, name) in [("bayside", "Bayside"), ("cliffton", "Cliffton")] {
        let admin = NewUser {
            name: "Admin".into(),
            email: Some(format!("admin@{slug}.example")),
            password: Some(carmen_tests::api::PASSWORD.into()),
            ..Default::default()
        };
        carmen
            .create_city(&carmen.console(), slug, name, None, Some(admin))
            .await
            .unwrap();
    }
    world
        .install(
            &carmen,
            "bayside",
            "bulky-waste",
            "*",
            "store,config,log,requester,http",
            true,
        )
        .await
        .unwrap();
    let host = TestHost::serve(carmen).await;
    for n in 0..3 {
        let (status, made) = carmen_tests::api::call(&host, reqwest::Method::POST, "/cities/bayside/services/bulky-waste/requests", None, Some(json!({"fields": {"items": ["sofa"]}, "location": {"address": format!("Dock {n}")}}))).await;
        assert_eq!(status, 201, "{made}");
    }
    let admin = carmen_tests::api::sign_in(&host, "bayside", "admin@bayside.example").await;
    let (status, figures) = carmen_tests::api::call(
        &host,
        reqwest::Method::POST,
        "/cities/bayside/registry/installs/bulky-waste/evidence",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, 200, "{figures}");
    assert_eq!(figures["volume"], 3);
    assert!(
        !figures.to_string().contains("Dock"),
        "aggregated, no personal data"
    );

    // Cliffton sees them, in `carmen info` and in its marketplace.
    let package = world.client.package("bulky-waste").await.unwrap();
    let info = carmen::cli::registry::package_text(&package);
    assert!(
        info.contains("pilot in bayside (1.0.0): 3 requests"),
        "{info}"
    );
    let mut browser = Browser::start("evidence", "en", (1280, 1000)).await;
    console_sign_in(&mut browser, &host, "cliffton", "admin@cliffton.example").await;
    browser
        .open(&page(&host, "/cliffton/console/marketplace/bulky-waste"))
        .await;
    let table = browser
        .client
        .find(fantoccini::Locator::Css("#evidence"))
        .await
        .expect("the evidence table")
        .text()
        .await
        .unwrap();
    assert!(table.contains("bayside") && table.contains('3'), "{table}");
    browser.check_page("evidence").await;

    // Figures for Bayside signed by another host's key are refused; so is anything that is not a
    // figure.
    let (other, _) = carmen_registry::signing::generate();
    let another_host = carmen_registry::client::RegistryClient::new(&world.url);
    let forged = another_host
        .publish_evidence(
            "bulky-waste",
            "bayside",
            "1.0.0",
            &json!({"volume": 1000}),
            &other,
        )
        .await;
    assert!(forged.is_err(), "another host's key");
    let personal = world
        .client
        .publish_evidence(
            "bulky-waste",
            "newtown",
            "1.0.0",
            &json!({"volume": 1, "email": "someone@example.org"}),
            &other,
        )
        .await;
    assert!(personal.is_err(), "personal data is not evidence");
    let package = world.client.package("bulky-waste").await.unwrap();
    assert_eq!(package.evidence.len(), 1);
    assert_eq!(package.evidence[0].figures["volume"], 3);
}

/// The computed `property` of the first element matching `css`.
async fn computed(browser: &Browser, css: &str, property: &str) -> String {
    let value = browser
        .client
        .execute(
            "const e = document.querySelector(arguments[0]); return e ? getComputedStyle(e).getPropertyValue(arguments[1]) : '';",
            vec![json!(css), json!(property)],
        )
        .await
        .unwrap();
    value.as_str().unwrap_or_default().to_string()
}

/// Whether the first image matching `css` loaded (it has a width of its own).
async fn loaded(browser: &Browser, css: &str) -> bool {
    let value = browser
        .client
        .execute(
            "const e = document.querySelector(arguments[0]); return !!e && e.complete && e.naturalWidth > 0;",
            vec![json!(css)],
        )
        .await
        .unwrap();
    value.as_bool().unwrap_or(false)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_administrator_gives_the_city_its_crest_and_colour_seen_on_its_portal_console_and_messages()
 {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = carmen_tests::api::two_cities(dir.path()).await;
    let en = Texts::new("en");
    let smtp = carmen_tests::mail::SmtpSink::start();
    let carmen = host
        .carmen
        .clone()
        .with_delivery(carmen::runtime::delivery::DeliveryConfig {
            smtp_url: Some(smtp.url()),
            default_from: "Carmen <noreply@carmen.test>".into(),
            public_url: format!("http://{}", host.addr),
            lease_seconds: carmen::runtime::delivery::LEASE_SECONDS,
        })
        .unwrap();
    // A crest: a 600×400 PNG, which the host makes 256 pixels wide.
    let crest = dir.path().join("crest.png");
    image::RgbImage::from_fn(600, 400, |x, _| image::Rgb([(x % 200) as u8, 20, 60]))
        .save(&crest)
        .unwrap();

    let mut admin = Browser::start("city-face", "en", (1280, 900)).await;
    console_sign_in(&mut admin, &host, "rivertown", "admin@rivertown.example").await;
    admin
        .open(&page(&host, "/rivertown/console/administration"))
        .await;
    // A colour white text cannot be read on is refused, saying why.
    admin.fill("#colour", "#ffbf47").await;
    admin.follow("#save-settings").await;
    assert!(
        admin.text().await.contains("4.5 to 1"),
        "{}",
        admin.text().await
    );
    admin
        .open(&page(&host, "/rivertown/console/administration"))
        .await;
    admin.fill("#colour", "#8b0000").await;
    admin.follow("#save-settings").await;
    assert!(admin.text().await.contains(&en.t("done-saved")));
    admin
        .client
        .find(fantoccini::Locator::Css("#crest"))
        .await
        .unwrap()
        .send_keys(crest.to_str().unwrap())
        .await
        .unwrap();
    admin.follow("#save-crest").await;
    assert!(
        admin.text().await.contains(&en.t("done-saved")),
        "{}",
        admin.text().await
    );
    assert!(loaded(&admin, "#crest-now").await);
    // The console wears them: the header's colour, the crest beside the name.
    assert_eq!(
        computed(&admin, "header.site", "background-color").await,
        "rgb(139, 0, 0)"
    );
    assert!(loaded(&admin, "header.site .brand img.crest").await);
    admin.check_page("console-with-crest").await;

    // So does the portal, for anyone, and its manifest names them.
    let mut citizen = Browser::start("city-face-portal", "en", PHONE).await;
    citizen.open(&page(&host, "/rivertown/")).await;
    assert_eq!(
        computed(&citizen, "header.site", "background-color").await,
        "rgb(139, 0, 0)"
    );
    assert!(loaded(&citizen, "header.site .brand img.crest").await);
    citizen.check_page("portal-with-crest").await;
    let manifest: serde_json::Value = host
        .client
        .get(page(&host, "/rivertown/manifest.webmanifest"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(manifest["theme_color"], "#8b0000");
    assert!(
        manifest["icons"][0]["src"]
            .as_str()
            .unwrap()
            .starts_with("/rivertown/crest.png")
    );
    let (png, kind) = {
        let response = host
            .client
            .get(page(&host, manifest["icons"][0]["src"].as_str().unwrap()))
            .send()
            .await
            .unwrap();
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        (response.bytes().await.unwrap(), kind)
    };
    assert_eq!(kind, "image/png");
    let made = image::load_from_memory(&png).unwrap();
    assert_eq!((made.width(), made.height()), (256, 171));

    // Another city keeps its own face: neither colour nor crest.
    citizen.open(&page(&host, "/hillcrest/")).await;
    assert_eq!(
        computed(&citizen, "header.site", "background-color").await,
        "rgb(11, 12, 12)"
    );
    assert!(!loaded(&citizen, "header.site .brand img.crest").await);
    let (status, _) = carmen_tests::api::call(
        &host,
        reqwest::Method::PUT,
        "/cities/hillcrest/settings",
        Some(&people.river_admin),
        Some(json!({"colour": "#000000"})),
    )
    .await;
    assert_eq!(
        status, 403,
        "an administrator of one city sets no other city's colour"
    );
    // Staff, not administrators, may not change the crest.
    let mut staff = Browser::start("city-face-staff", "en", (1280, 900)).await;
    console_sign_in(&mut staff, &host, "rivertown", "staff@rivertown.example").await;
    staff
        .open(&page(&host, "/rivertown/console/administration"))
        .await;
    assert!(
        staff
            .client
            .find(fantoccini::Locator::Css("#save-crest"))
            .await
            .is_err()
    );

    // A message from the city carries its name on its colour, beside its crest.
    carmen_tests::api::new_citizen(
        &host,
        "rivertown",
        json!({"name": "Mia", "email": "mia@example.org", "password": carmen_tests::api::PASSWORD}),
    )
    .await;
    carmen
        .deliver_due(carmen::runtime::types::now())
        .await
        .unwrap();
    let mail = smtp.wait_for(1).await.pop().unwrap().text();
    assert!(mail.contains("background:#8b0000"), "{mail}");
    assert!(
        mail.contains(&format!("http://{}/rivertown/crest.png?v=", host.addr)),
        "{mail}"
    );
    host.stop().await;
}

#[tokio::test]
async fn staff_insert_a_saved_reply_in_german_with_its_placeholders_filled() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = carmen_tests::api::two_cities(dir.path()).await;
    let case = carmen_tests::api::report_pothole(&host, "rivertown", Some(&p.river_citizen)).await;
    let staff = host.carmen.console().staff_of("rivertown");
    let reply = carmen::runtime::types::NewReply {
        name: "Schlagloch geplant".into(),
        texts: [
            (
                "de".to_string(),
                "Ihre Meldung {reference} ({address}) wird bis zum {due} erledigt.".to_string(),
            ),
            (
                "en".to_string(),
                "Your report {reference} is planned.".to_string(),
            ),
        ]
        .into(),
    };
    let saved = host.carmen.save_reply(&staff, &reply).await.unwrap();
    let due = host
        .carmen
        .case_file(&staff, case)
        .await
        .unwrap()
        .case
        .due_at
        .unwrap();

    let mut browser = Browser::start("saved-reply", "de", (1280, 1000)).await;
    console_sign_in(&mut browser, &host, "rivertown", "staff@rivertown.example").await;
    browser
        .open(&page(&host, &format!("/rivertown/console/cases/{case}")))
        .await;
    browser
        .click(&format!("#saved-reply option[value='{}']", saved.id))
        .await;
    browser.click("#reply-language option[value='de']").await;
    browser.follow("#insert-reply").await;
    let expected = format!(
        "Ihre Meldung {case} (Canal 1) wird bis zum {} erledigt.",
        Texts::new("de").date(due)
    );
    assert_eq!(browser.value("#reply").await, expected);
    browser.check_page("case-with-a-saved-reply").await;
    browser.follow("#send-reply").await;
    let thread = host.carmen.case_file(&staff, case).await.unwrap().messages;
    assert!(
        thread.iter().any(|m| m.body == expected),
        "the filled reply went out: {thread:?}"
    );
}

#[tokio::test]
async fn staff_publish_an_article_and_a_citizen_searching_the_portal_finds_it_and_the_service() {
    let dir = tempfile::tempdir().unwrap();
    let (host, _) = carmen_tests::api::two_cities(dir.path()).await;
    let mut staff = Browser::start("knowledge-staff", "it", (1280, 1000)).await;
    console_sign_in(&mut staff, &host, "rivertown", "staff@rivertown.example").await;
    staff.follow("a[href='/rivertown/console/articles']").await;
    staff.check_page("knowledge-base").await;
    staff.follow("#new-article").await;
    staff.check_page("article-editor").await;
    staff.fill("#title", "Lampione spento in via Roma").await;
    staff
        .fill(
            "#body",
            "Il **lampione** davanti al civico 12 è spento: i tecnici lo riparano entro venerdì.",
        )
        .await;
    staff.click("#status option[value='published']").await;
    staff.click("#known-issue").await;
    staff.click("#service-street-issue").await;
    staff.follow("#save-article").await;
    assert!(staff.text().await.contains("Lampione spento in via Roma"));
    staff.follow("a[href='/rivertown/console/articles']").await;
    assert!(staff.text().await.contains("Lampione spento in via Roma"));

    // A citizen searches the portal with another form of the word.
    let mut citizen = Browser::start("knowledge-citizen", "it", PHONE).await;
    citizen.open(&page(&host, "/rivertown/")).await;
    citizen.fill("#q", "lampioni").await;
    citizen.follow("form.search button[type=submit]").await;
    let text = citizen.text().await;
    let it = Texts::new("it");
    assert!(text.contains(&it.t("help-answers")), "{text}");
    assert!(text.contains("Lampione spento in via Roma"), "{text}");
    assert!(
        citizen
            .client
            .find(fantoccini::Locator::Css(
                "a[href='/rivertown/services/street-issue']"
            ))
            .await
            .is_ok(),
        "the service is found too: {text}"
    );
    citizen.check_page("search-answers").await;
    citizen.follow("#answers a").await;
    assert!(citizen.text().await.contains("i tecnici lo riparano"));
    citizen.check_page("article").await;
    // Describing the problem on the service's form, the citizen is shown the article before
    // sending: it is known, no need to report.
    citizen
        .open(&page(&host, "/rivertown/services/street-issue"))
        .await;
    citizen
        .fill(
            "#description",
            "Il lampione davanti al civico 12 è spento da giorni",
        )
        .await;
    let mut suggested = String::new();
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        suggested = citizen.text().await;
        if suggested.contains(&it.t("help-suggest")) {
            break;
        }
    }
    assert!(suggested.contains(&it.t("help-suggest")), "{suggested}");
    assert!(
        suggested.contains("Lampione spento in via Roma"),
        "{suggested}"
    );
    citizen.check_page("form-with-a-suggestion").await;
    // Hillcrest's portal does not show Rivertown's article.
    citizen.open(&page(&host, "/hillcrest/?q=lampioni")).await;
    assert!(!citizen.text().await.contains("Lampione spento"));
}
