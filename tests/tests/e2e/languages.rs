//! Every word in the reader's language: each page a citizen, staff or an administrator sees, and
//! each message Carmen itself sends, in Italian, Spanish, German and French holds none of the
//! English catalogue's sentences.

use carmen::i18n::{LANGUAGES, Texts};
use carmen_tests::TestHost;
use carmen_tests::api::{People, two_cities};
use reqwest::Method;
use serde_json::json;

/// A CSRF token the tests' forms carry, in its cookie and its field.
const CSRF: &str = "7e57c0de7e57c0de7e57c0de7e57c0de7e57c0de7e57c0de7e57c0de7e57c0de";

/// The English catalogue's sentences: every text's literal runs of at least three words (the
/// parts between its placeholders), which no page in another language may show.
fn english_sentences() -> Vec<String> {
    let catalogue = include_str!("../../../core/src/locales/en.ftl");
    let en = Texts::new("en");
    let mut sentences = Vec::new();
    for line in catalogue.lines() {
        let Some((id, _)) = line.split_once(" = ") else {
            continue;
        };
        if id.starts_with('#') || id.contains(' ') {
            continue;
        }
        // Placeholders filled with a mark the runs are cut at.
        let args: Vec<(&str, &str)> = ["city", "id", "name", "title", "query", "reason", "total"]
            .into_iter()
            .map(|name| (name, "\u{1}"))
            .collect();
        for run in en.with(id, &args).split('\u{1}') {
            let run = run.trim().trim_end_matches(['.', ':', ',']);
            if run.split_whitespace().count() >= 3 {
                sentences.push(run.to_string());
            }
        }
    }
    assert!(sentences.len() > 100, "{}", sentences.len());
    sentences
}

/// The visible text of an HTML page: its tags dropped, entities left as they are.
fn visible(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Fails naming every English sentence `text` holds.
fn speaks_only(language: &str, what: &str, text: &str, english: &[String]) {
    let leaks: Vec<&String> = english
        .iter()
        .filter(|s| text.contains(s.as_str()))
        .collect();
    assert!(
        leaks.is_empty(),
        "{language} {what} holds English: {leaks:?}\n{text}"
    );
}

/// A page as `language` asks for it, signed in with `token` when given; its visible text.
async fn page_text(
    host: &TestHost,
    language: &str,
    path: &str,
    token: Option<&str>,
    form: Option<Vec<(&str, &str)>>,
) -> String {
    let url = format!("http://{}{path}", host.addr);
    let method = if form.is_some() {
        Method::POST
    } else {
        Method::GET
    };
    let mut request = host.client.request(method, url).header(
        "cookie",
        format!("carmen_lang={language}; carmen_csrf={CSRF}"),
    );
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(mut form) = form {
        form.push(("csrf", CSRF));
        request = request.form(&form);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let html = response.text().await.unwrap();
    assert!(
        status.is_success() || status.as_u16() == 422,
        "{language} {path}: {status}\n{html}"
    );
    assert!(
        html.contains(&format!("<html lang=\"{language}\"")),
        "{path} in {language}"
    );
    visible(&html)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_and_every_message_speaks_the_readers_language() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    let People {
        river_admin,
        river_staff,
        river_citizen,
        ..
    } = &p;
    let english = english_sentences();
    let case = carmen_tests::api::report_pothole(&host, "rivertown", Some(river_citizen)).await;

    for (language, _) in LANGUAGES.iter().filter(|(l, _)| *l != "en") {
        let t = Texts::new(language);
        let pages: Vec<(&str, Option<&str>)> = vec![
            ("/rivertown/", None),
            ("/rivertown/services/street-issue", None),
            ("/rivertown/requests", None),
            ("/rivertown/account/register", None),
            ("/rivertown/account/sign-in", None),
            ("/rivertown/console/sign-in", None),
            ("/rivertown/account/", Some(river_citizen.as_str())),
            ("/rivertown/console/", Some(river_staff.as_str())),
            ("/rivertown/console/evaluation", Some(river_staff.as_str())),
            ("/rivertown/console/marketplace", Some(river_admin.as_str())),
            (
                "/rivertown/console/administration",
                Some(river_admin.as_str()),
            ),
            ("/rivertown/console/audit", Some(river_admin.as_str())),
        ];
        for (path, token) in pages {
            let text = page_text(&host, language, path, token, None).await;
            speaks_only(language, path, &text, &english);
        }
        let case_page = format!("/rivertown/console/cases/{case}");
        let text = page_text(&host, language, &case_page, Some(river_staff), None).await;
        speaks_only(language, &case_page, &text, &english);
        // Dates in the reader's words: the month's name, not an ISO date.
        assert!(
            (1..=12).any(|m| text.contains(&t.t(&format!("month-{m}")))),
            "{language}: {text}"
        );

        // A refused form: every error, in the page's language.
        let refused = page_text(
            &host,
            language,
            "/rivertown/services/street-issue",
            None,
            Some(vec![("latitude", "north")]),
        )
        .await;
        assert!(
            refused.contains(&t.t("form-error-coordinates")),
            "{refused}"
        );
        speaks_only(language, "a refused form", &refused, &english);

        // A short password and a wrong code are refused in this language too.
        let short = page_text(
            &host,
            language,
            "/rivertown/account/register",
            None,
            Some(vec![
                ("name", "Breve"),
                ("email", "short@example.org"),
                ("password", "short"),
            ]),
        )
        .await;
        let min = carmen::runtime::types::PASSWORD_MIN_CHARS.to_string();
        assert!(
            short.contains(&t.with("account-password-short", &[("min", &min)])),
            "{short}"
        );
        let wrong = page_text(
            &host,
            language,
            "/rivertown/account/verify",
            Some(river_citizen),
            Some(vec![("channel", "email"), ("code", "000000")]),
        )
        .await;
        assert!(wrong.contains(&t.t("account-code-wrong")), "{wrong}");
        speaks_only(language, "a wrong code", &wrong, &english);

        // Registering in this language: the code's message is in it too.
        let email = format!("new-{language}@example.org");
        let registered = page_text(
            &host,
            language,
            "/rivertown/account/register",
            None,
            Some(vec![
                ("name", "Nuova Persona"),
                ("email", &email),
                ("password", carmen_tests::api::PASSWORD),
                ("consent", "1"),
            ]),
        )
        .await;
        speaks_only(language, "registered", &registered, &english);
        // Registering again with the address in use: the note says so in this language.
        page_text(
            &host,
            language,
            "/rivertown/account/register",
            None,
            Some(vec![
                ("name", "Someone Else"),
                ("email", &email),
                ("password", carmen_tests::api::PASSWORD),
            ]),
        )
        .await;
        let sent = carmen_core::crm::outbox::list(
            &mut host.carmen.db().read().await.unwrap(),
            "rivertown",
        )
        .await
        .unwrap();
        let to_them: Vec<_> = sent
            .iter()
            .filter(|m| m.recipient.email.as_deref() == Some(email.as_str()))
            .collect();
        assert_eq!(to_them.len(), 2, "a code and a note: {to_them:?}");
        assert_eq!(to_them[0].subject, t.t("mail-code-subject"));
        assert_eq!(to_them[1].subject, t.t("mail-taken-subject"));
        for message in &to_them {
            speaks_only(
                language,
                "an account message",
                &format!("{} {}", message.subject, message.body),
                &english,
            );
        }
    }

    // A reply reaches the citizen in the language they chose.
    let (status, _) = carmen_tests::api::call(
        &host,
        Method::PUT,
        "/cities/rivertown/me/preferences",
        Some(river_citizen),
        Some(json!({"language": "it", "channel": "email", "consent": true})),
    )
    .await;
    assert!(status < 300, "{status}");
    let (status, _) = carmen_tests::api::call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/cases/{case}/messages"),
        Some(river_staff),
        Some(json!({"body": "Ci siamo"})),
    )
    .await;
    assert_eq!(status, 201);
    let sent =
        carmen_core::crm::outbox::list(&mut host.carmen.db().read().await.unwrap(), "rivertown")
            .await
            .unwrap();
    let reply = sent
        .iter()
        .rev()
        .find(|m| m.case_id == Some(case) && m.body == "Ci siamo")
        .expect("the reply is queued");
    assert!(
        reply.subject.starts_with(&Texts::new("it").with(
            "mail-reply-subject",
            &[("id", &case.to_string()), ("title", "")]
        )),
        "{}",
        reply.subject
    );
    host.stop().await;
}
