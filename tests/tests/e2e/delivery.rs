//! Delivery: e-mail through a real SMTP server (aiosmtpd) in the recipient's language with the
//! right headers and an unsubscribe link that works; SMS through a gateway's signed webhook, with
//! retries, backoff, the dead letter, and nothing sent twice across a restart.

use std::sync::{Arc, Mutex};

use carmen::runtime::Carmen;
use carmen::runtime::delivery::{DeliveryConfig, MAX_ATTEMPTS, backoff, verify_signature};
use carmen::runtime::types::now;
use carmen_tests::api::{PASSWORD, call, two_cities};
use carmen_tests::mail::SmtpSink;
use carmen_tests::{TestHost, install};
use reqwest::Method;
use serde_json::json;

fn config(smtp: &SmtpSink, host: &TestHost) -> DeliveryConfig {
    DeliveryConfig {
        smtp_url: Some(smtp.url()),
        default_from: "Carmen <noreply@carmen.test>".into(),
        public_url: format!("http://{}", host.addr),
        lease_seconds: carmen::runtime::delivery::LEASE_SECONDS,
    }
}

/// `days` days from now as `YYYY-MM-DD`.
fn in_days(days: i64) -> String {
    let day = time::OffsetDateTime::from_unix_timestamp(now() + days * 86_400).unwrap();
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_staff_reply_and_a_reminder_arrive_in_the_citizens_language_and_the_unsubscribe_link_stops_the_next_reminder()
 {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = two_cities(dir.path()).await;
    install(&host.carmen, "rivertown", "document-reminder", &[]).await;
    let smtp = SmtpSink::start();
    let carmen = host
        .carmen
        .clone()
        .with_delivery(config(&smtp, &host))
        .unwrap();
    // The sender is the operator's to set; the city's administrator sets where replies go.
    let (status, _) = call(
        &host,
        Method::PUT,
        "/cities/rivertown/delivery",
        Some(&people.operator),
        Some(json!({"email_from": "Rivertown <noreply@rivertown.example>"})),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = call(
        &host,
        Method::PUT,
        "/cities/rivertown/delivery",
        Some(&people.river_admin),
        Some(json!({"reply_to": "help@rivertown.example"})),
    )
    .await;
    assert_eq!(status, 204);

    // A citizen with an account in Italian, e-mail proven.
    let token = carmen_tests::api::new_citizen(&host, "rivertown", json!({"name": "Giulia", "email": "giulia@example.it", "password": PASSWORD, "language": "it", "consent": true})).await;
    carmen_tests::api::verify(&host, "rivertown", &token, "email", "giulia@example.it").await;
    carmen.deliver_due(now()).await.unwrap(); // the verification code goes out too
    let before = smtp.received().len();

    // Her report, in Italian, and a staff reply about it.
    let (status, filed) = call(&host, Method::POST, "/cities/rivertown/services/street-issue/requests", Some(&token), Some(json!({"fields": {"category": "pothole"}, "location": {"address": "Via Roma 3"}, "language": "it"}))).await;
    assert_eq!(status, 201, "{filed}");
    let id = filed["id"].as_i64().unwrap();
    let (status, _) = call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/cases/{id}/messages"),
        Some(&people.river_staff),
        Some(json!({"body": "Abbiamo programmato la riparazione per lunedì."})),
    )
    .await;
    assert_eq!(status, 201);
    let report = carmen.deliver_due(now()).await.unwrap();
    assert!(report.sent >= 1, "{report:?}");
    let mails = smtp.wait_for(before + 1).await;
    let reply = mails
        .iter()
        .rev()
        .find(|m| m.text().contains("Abbiamo programmato"))
        .expect("the reply arrived");
    assert_eq!(reply.header("Content-Language").as_deref(), Some("it"));
    assert!(
        reply
            .header("From")
            .unwrap()
            .contains("noreply@rivertown.example")
    );
    let reply_to = reply.header("Reply-To").unwrap();
    assert!(
        reply_to.contains(&format!("help+{id}.")) && reply_to.ends_with("@rivertown.example"),
        "replies name the request: {reply_to}"
    );
    assert!(reply.header("To").unwrap().contains("giulia@example.it"));
    assert!(
        reply
            .header("Message-ID")
            .unwrap()
            .starts_with("<carmen-rivertown-")
    );
    assert!(
        reply.header("List-Unsubscribe").is_none(),
        "a reply about her own request is not unprompted"
    );
    let content_type = reply.header("Content-Type").unwrap();
    assert!(
        content_type.starts_with("multipart/alternative"),
        "{content_type}"
    );
    assert!(reply.text().contains("text/plain") && reply.text().contains("text/html"));

    // A reminder she asked for, 30 days before her passport expires: unprompted, with the link.
    let expiry = 45;
    let (status, filed) = call(&host, Method::POST, "/cities/rivertown/services/document-reminder/requests", Some(&token), Some(json!({"fields": {"document": "passport", "expires-on": in_days(expiry)}, "language": "it"}))).await;
    assert_eq!(status, 201, "{filed}");
    carmen
        .tick_all(now() + (expiry - 30) * 86_400)
        .await
        .unwrap();
    carmen.deliver_due(now()).await.unwrap();
    let mails = smtp.wait_for(before + 2).await;
    let reminder = mails.last().unwrap();
    assert_eq!(reminder.header("Content-Language").as_deref(), Some("it"));
    let link = reminder
        .header("List-Unsubscribe")
        .expect("an unprompted message carries the link");
    assert_eq!(
        reminder.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let link = link.trim_matches(['<', '>']).to_string();
    assert!(
        link.starts_with(&format!("http://{}/rivertown/unsubscribe/", host.addr)),
        "{link}"
    );
    assert!(
        reminder.text().contains(&link),
        "the link is in the text too"
    );

    // The link works without signing in (one click, RFC 8058); a forged one does not.
    let forged = format!("{}x", link);
    assert_eq!(
        host.client
            .post(&forged)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    let page = host.client.get(&link).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let done = host
        .client
        .post(&link)
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status().as_u16(), 200);

    // The 7-day reminder is not sent; a staff reply about her own request still is.
    carmen
        .tick_all(now() + (expiry - 7) * 86_400)
        .await
        .unwrap();
    let report = carmen.deliver_due(now()).await.unwrap();
    assert_eq!((report.sent, report.suppressed), (0, 1), "{report:?}");
    let (status, _) = call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/cases/{id}/messages"),
        Some(&people.river_staff),
        Some(json!({"body": "Fatto."})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(carmen.deliver_due(now()).await.unwrap().sent, 1);
    let mails = smtp.wait_for(before + 3).await;
    assert_eq!(mails.len(), before + 3, "nothing else was sent");
    // Another city's unsubscribe link for the same message id opens nothing.
    let other = link.replace("/rivertown/", "/hillcrest/");
    assert_eq!(
        host.client
            .post(&other)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
}

/// What the gateway received: each delivery id with its body, and whether it accepted it.
#[derive(Default)]
struct Gateway {
    received: Vec<(String, Vec<u8>, String, bool)>,
    fail_first: usize,
}

/// An SMS gateway on a loopback port that checks each signature with `secret`, refuses the first
/// `fail_first` deliveries with 503, and keeps what it received.
async fn gateway(secret: &'static str, fail_first: usize) -> (String, Arc<Mutex<Gateway>>) {
    let state = Arc::new(Mutex::new(Gateway {
        fail_first,
        ..Default::default()
    }));
    let shared = state.clone();
    let app = axum::Router::new().route(
        "/sms",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let state = shared.clone();
                async move {
                    let signature = headers["carmen-signature"].to_str().unwrap().to_string();
                    if !verify_signature(secret, &signature, &body, now()) {
                        return axum::http::StatusCode::UNAUTHORIZED;
                    }
                    let id = headers["carmen-delivery"].to_str().unwrap().to_string();
                    let mut state = state.lock().unwrap();
                    let accept = state.received.len() >= state.fail_first;
                    state.received.push((id, body.to_vec(), signature, accept));
                    if accept {
                        axum::http::StatusCode::OK
                    } else {
                        axum::http::StatusCode::SERVICE_UNAVAILABLE
                    }
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sms", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, state)
}

/// Files a report in Rivertown whose citizen is reached by SMS, and has staff reply to it.
async fn reply_by_sms(host: &TestHost, staff: &str, phone: &str) -> i64 {
    let (status, filed) = call(host, Method::POST, "/cities/rivertown/services/street-issue/requests", None, Some(json!({"fields": {"category": "graffiti"}, "location": {"address": "Wall 2"}, "contact": {"phone": phone}}))).await;
    assert_eq!(status, 201, "{filed}");
    let id = filed["id"].as_i64().unwrap();
    let (status, _) = call(
        host,
        Method::POST,
        &format!("/cities/rivertown/cases/{id}/messages"),
        Some(staff),
        Some(json!({"body": "We are on it."})),
    )
    .await;
    assert_eq!(status, 201);
    id
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_gateway_gets_signed_retries_with_backoff_then_the_message_is_dead_with_the_reason()
 {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = two_cities(dir.path()).await;
    let smtp = SmtpSink::start();
    let (url, gateway) = gateway("gateway secret 0123456789", usize::MAX).await;
    let (status, answer) = call(
        &host,
        Method::PUT,
        "/cities/rivertown/delivery",
        Some(&people.river_admin),
        Some(json!({"sms_url": url, "sms_secret": "short"})),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    let (status, _) = call(
        &host,
        Method::PUT,
        "/cities/rivertown/delivery",
        Some(&people.river_admin),
        Some(json!({"sms_url": url, "sms_secret": "gateway secret 0123456789"})),
    )
    .await;
    assert_eq!(status, 204);
    let (_, shown) = call(
        &host,
        Method::GET,
        "/cities/rivertown/delivery",
        Some(&people.river_admin),
        None,
    )
    .await;
    assert!(
        shown.get("sms_secret").is_none(),
        "the secret is never shown: {shown}"
    );
    let (status, _) = call(
        &host,
        Method::GET,
        "/cities/rivertown/delivery",
        Some(&people.hill_admin),
        None,
    )
    .await;
    assert_eq!(status, 403, "another city's administrator");
    let carmen = host
        .carmen
        .clone()
        .with_delivery(config(&smtp, &host))
        .unwrap();
    reply_by_sms(&host, &people.river_staff, "+393331234567").await;

    let mut at = now();
    for attempt in 0..MAX_ATTEMPTS {
        let report = carmen.deliver_due(at).await.unwrap();
        if attempt + 1 < MAX_ATTEMPTS {
            assert_eq!(report.retried, 1, "attempt {attempt}: {report:?}");
            // Not due again before its backoff.
            assert_eq!(
                carmen
                    .deliver_due(at + backoff(attempt) - 1)
                    .await
                    .unwrap()
                    .retried,
                0
            );
            at += backoff(attempt);
        } else {
            assert_eq!(report.dead, 1, "{report:?}");
        }
    }
    let received = gateway.lock().unwrap().received.clone();
    assert_eq!(received.len() as i64, MAX_ATTEMPTS);
    assert!(
        received.iter().all(|(id, ..)| *id == received[0].0),
        "one delivery id for every attempt"
    );
    let message =
        carmen_core::crm::outbox::list(&mut host.carmen.db().read().await.unwrap(), "rivertown")
            .await
            .unwrap()
            .into_iter()
            .last()
            .unwrap();
    assert_eq!(message.status, "dead");
    let (attempts, error) = carmen_core::crm::delivery::attempts(
        &mut host.carmen.db().read().await.unwrap(),
        message.id,
    )
    .await
    .unwrap();
    assert_eq!(attempts, MAX_ATTEMPTS);
    assert!(error.unwrap().contains("503"));
    // Nothing more is tried.
    assert_eq!(
        carmen.deliver_due(at + 86_400).await.unwrap(),
        Default::default()
    );
    // A delivery replayed later than the window fails the receiver's check.
    let (_, body, signature, _) = &received[0];
    assert!(!verify_signature(
        "gateway secret 0123456789",
        signature,
        body,
        now() + 301
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dispatcher_restarted_mid_retry_sends_the_message_once() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = two_cities(dir.path()).await;
    let smtp = SmtpSink::start();
    let (url, gateway) = gateway("gateway secret 0123456789", 1).await;
    let (status, _) = call(
        &host,
        Method::PUT,
        "/cities/rivertown/delivery",
        Some(&people.river_admin),
        Some(json!({"sms_url": url, "sms_secret": "gateway secret 0123456789"})),
    )
    .await;
    assert_eq!(status, 204);
    reply_by_sms(&host, &people.river_staff, "+393337654321").await;
    let start = now();
    {
        let first = host
            .carmen
            .clone()
            .with_delivery(config(&smtp, &host))
            .unwrap();
        assert_eq!(first.deliver_due(start).await.unwrap().retried, 1);
    }
    // A new process on the same database.
    let db = dir
        .path()
        .join("carmen.db()")
        .to_string_lossy()
        .into_owned();
    let second = Carmen::open(&db, &dir.path().join("cache2"))
        .await
        .unwrap()
        .with_outbound(carmen_tests::loopback())
        .unwrap()
        .with_delivery(config(&smtp, &host))
        .unwrap();
    assert_eq!(
        second.deliver_due(start + 1).await.unwrap(),
        Default::default(),
        "not before its backoff"
    );
    assert_eq!(
        second.deliver_due(start + backoff(0)).await.unwrap().sent,
        1
    );
    assert_eq!(
        second.deliver_due(start + 86_400).await.unwrap(),
        Default::default()
    );
    let accepted: Vec<String> = gateway
        .lock()
        .unwrap()
        .received
        .iter()
        .filter(|r| r.3)
        .map(|r| r.0.clone())
        .collect();
    assert_eq!(accepted.len(), 1, "accepted once: {accepted:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resolved_request_brings_its_citizen_a_survey_whose_link_keeps_the_rating() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = two_cities(dir.path()).await;
    let smtp = SmtpSink::start();
    let carmen = host
        .carmen
        .clone()
        .with_delivery(config(&smtp, &host))
        .unwrap();
    let (status, filed) = call(&host, Method::POST, "/cities/rivertown/services/street-issue/requests", None, Some(json!({"fields": {"category": "pothole"}, "location": {"address": "Via Verdi 8"}, "contact": {"email": "marco@example.it"}, "language": "it"}))).await;
    assert_eq!(status, 201, "{filed}");
    let id = filed["id"].as_i64().unwrap();
    // Resolved by staff (of the city's host, which delivers messages: the survey is queued).
    let actor = host
        .carmen
        .authenticate(&people.river_staff)
        .await
        .unwrap()
        .unwrap();
    carmen
        .change_status(
            &actor.staff_of("rivertown").unwrap(),
            id,
            carmen::runtime::types::CaseStatus::Resolved,
            Some("Riparata"),
            None,
        )
        .await
        .unwrap();
    carmen.deliver_due(now()).await.unwrap();
    let mails = smtp.wait_for(1).await;
    let survey = mails.last().unwrap();
    let it = carmen::i18n::Texts::new("it");
    let opening: String = it
        .with("survey-body", &[("id", &id.to_string()), ("title", "")])
        .chars()
        .take(16)
        .collect();
    assert!(survey.text().contains(&opening), "{}", survey.text());
    assert_eq!(survey.header("Content-Language").as_deref(), Some("it"));
    let text = survey.text();
    let links: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.contains(&format!("/rivertown/survey/{id}/")))
        .collect();
    assert!(links.len() >= 5, "one link per score: {links:?}");
    let four = links
        .iter()
        .find(|l| l.ends_with("score=4"))
        .unwrap()
        .to_string();
    // A tampered link or another city's path opens nothing.
    let tampered = four.replace(&format!("/survey/{id}/"), &format!("/survey/{id}/x"));
    assert_eq!(
        host.client
            .get(&tampered)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        host.client
            .get(four.replace("/rivertown/", "/hillcrest/"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    let mut browser =
        carmen_tests::browser::Browser::start("survey", "it", carmen_tests::browser::PHONE).await;
    browser.open(&four).await;
    let chosen = browser
        .client
        .find(fantoccini::Locator::Css("#score-4"))
        .await
        .unwrap()
        .prop("checked")
        .await
        .unwrap();
    assert_eq!(
        chosen.as_deref(),
        Some("true"),
        "the link's score is chosen"
    );
    browser.check_page("sondaggio").await;
    browser.fill("#comment", "Buon lavoro").await;
    browser.follow("#rate").await;
    assert!(browser.text().await.contains(&it.t("survey-thanks")));
    let rating = carmen_tests::rating_of(&host.carmen, "rivertown", id)
        .await
        .unwrap();
    assert_eq!((rating.score, rating.comment.as_str()), (4, "Buon lavoro"));
    // And the figures count it.
    let figures = host
        .carmen
        .evaluation(
            &host.carmen.console().staff_of("rivertown"),
            now() - 86_400,
            now() + 60,
        )
        .await
        .unwrap();
    let street = figures
        .iter()
        .find(|f| f.service == "street-issue")
        .unwrap();
    assert_eq!(
        (street.satisfaction_count, street.satisfaction_mean),
        (1, Some(4.0))
    );
    assert_eq!(street.satisfaction_distribution, [0, 0, 0, 1, 0]);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_dispatchers_on_one_postgres_deliver_every_message_exactly_once() {
    let (url, name) = carmen_tests::postgres::fresh_database().await;
    let smtp = SmtpSink::start();
    let dir = tempfile::tempdir().unwrap();
    let first = Carmen::open(&url, &dir.path().join("a")).await.unwrap();
    carmen_tests::add_city(&first, "rivertown", "Rivertown")
        .await
        .unwrap();
    install(&first, "rivertown", "street-issue", &[]).await;
    let host = TestHost::serve(first.clone()).await;
    let staff = first.console().staff_of("rivertown");
    const MESSAGES: usize = 40;
    for n in 0..MESSAGES {
        let (status, filed) = call(&host, Method::POST, "/cities/rivertown/services/street-issue/requests", None, Some(json!({"fields": {"category": "graffiti"}, "location": {"address": format!("Wall {n}")}, "contact": {"email": format!("person{n}@example.org")}}))).await;
        assert_eq!(status, 201, "{filed}");
        first
            .post_message(
                &staff,
                filed["id"].as_i64().unwrap(),
                &format!("Reply {n}"),
                false,
            )
            .await
            .unwrap();
    }
    let config = DeliveryConfig {
        smtp_url: Some(smtp.url()),
        default_from: "Carmen <noreply@carmen.test>".into(),
        public_url: "http://carmen.test".into(),
        lease_seconds: carmen::runtime::delivery::LEASE_SECONDS,
    };
    let a = first.clone().with_delivery(config.clone()).unwrap();
    let b = Carmen::open(&url, &dir.path().join("b"))
        .await
        .unwrap()
        .with_delivery(config)
        .unwrap();
    let mut sent = 0;
    for _ in 0..5 {
        let (x, y) = tokio::join!(a.deliver_due(now()), b.deliver_due(now()));
        sent += x.unwrap().sent + y.unwrap().sent;
    }
    assert_eq!(sent, MESSAGES);
    let mails = smtp.wait_for(MESSAGES).await;
    let mut ids: Vec<String> = mails
        .iter()
        .map(|m| m.header("Message-ID").unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        (mails.len(), ids.len()),
        (MESSAGES, MESSAGES),
        "each message once"
    );
    drop(host);
    a.close().await;
    b.close().await;
    carmen_tests::postgres::drop_database(&name).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_citizen_who_did_not_consent_gets_no_unprompted_message_until_they_do() {
    let dir = tempfile::tempdir().unwrap();
    let (host, _) = two_cities(dir.path()).await;
    install(&host.carmen, "rivertown", "document-reminder", &[]).await;
    let smtp = SmtpSink::start();
    let carmen = host
        .carmen
        .clone()
        .with_delivery(config(&smtp, &host))
        .unwrap();
    let token = carmen_tests::api::new_citizen(&host, "rivertown", json!({"name": "Nora", "email": "nora@example.org", "password": PASSWORD, "consent": false})).await;
    carmen_tests::api::verify(&host, "rivertown", &token, "email", "nora@example.org").await;
    carmen.deliver_due(now()).await.unwrap();
    let before = smtp.received().len();
    let expiry = 45;
    let (status, filed) = call(
        &host,
        Method::POST,
        "/cities/rivertown/services/document-reminder/requests",
        Some(&token),
        Some(json!({"fields": {"document": "passport", "expires-on": in_days(expiry)}})),
    )
    .await;
    assert_eq!(status, 201, "{filed}");
    carmen
        .tick_all(now() + (expiry - 30) * 86_400)
        .await
        .unwrap();
    let report = carmen.deliver_due(now()).await.unwrap();
    assert_eq!(
        (report.sent, report.suppressed),
        (0, 1),
        "no consent, no reminder: {report:?}"
    );
    let (status, _) = call(
        &host,
        Method::PUT,
        "/cities/rivertown/me/preferences",
        Some(&token),
        Some(json!({"language": "en", "channel": "email", "consent": true})),
    )
    .await;
    assert_eq!(status, 200);
    carmen
        .tick_all(now() + (expiry - 7) * 86_400)
        .await
        .unwrap();
    assert_eq!(
        carmen.deliver_due(now()).await.unwrap().sent,
        1,
        "consented: the next reminder goes"
    );
    assert_eq!(smtp.wait_for(before + 1).await.len(), before + 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_citizens_email_reply_joins_the_thread_when_the_provider_signs_it_for_that_request() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = two_cities(dir.path()).await;
    let smtp = SmtpSink::start();
    let carmen = host
        .carmen
        .clone()
        .with_delivery(config(&smtp, &host))
        .unwrap();
    const SECRET: &str = "inbound secret 0123456789";
    let (status, _) = call(
        &host,
        Method::PUT,
        "/cities/rivertown/delivery",
        Some(&people.river_admin),
        Some(
            json!({"reply_to": "Rivertown <replies@rivertown.example>", "inbound_secret": SECRET}),
        ),
    )
    .await;
    assert_eq!(status, 204);
    let (_, filed) = call(&host, Method::POST, "/cities/rivertown/services/street-issue/requests", None, Some(json!({"fields": {"category": "pothole"}, "location": {"address": "Reply Road 1"}, "contact": {"email": "rita@example.org"}}))).await;
    let id = filed["id"].as_i64().unwrap();
    let (status, _) = call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/cases/{id}/messages"),
        Some(&people.river_staff),
        Some(json!({"body": "Can you tell us which side of the road?"})),
    )
    .await;
    assert_eq!(status, 201);
    let sent = carmen.deliver_due(now()).await.unwrap().sent;
    let mails = smtp.wait_for(sent).await;
    let Some(mail) = mails.iter().find(|m| m.text().contains("which side")) else {
        let rows = carmen_core::crm::outbox::list(
            &mut host.carmen.db().read().await.unwrap(),
            "rivertown",
        )
        .await
        .unwrap();
        let last = rows.last().unwrap().id;
        panic!(
            "not sent: {:?} {:?}",
            rows.last(),
            carmen_core::crm::delivery::attempts(&mut host.carmen.db().read().await.unwrap(), last)
                .await
        );
    };
    let reply_to = mail
        .header("Reply-To")
        .unwrap_or_else(|| panic!("{}", mail.0));
    assert!(
        reply_to.contains(&format!("replies+{id}.")) && reply_to.contains("@rivertown.example"),
        "{reply_to}"
    );
    let address = match reply_to.split_once('<') {
        Some((_, inside)) => inside.trim_end_matches('>').to_string(),
        None => reply_to.clone(),
    };
    let post = |to: String, secret: &'static str, at: i64| {
        let body = serde_json::to_vec(&json!({"to": to, "from": "rita@example.org", "text": "The north side, by the bakery.\n\n> Can you tell us which side of the road?"})).unwrap();
        host.client
            .post(host.url("/cities/rivertown/inbound/email"))
            .header(
                "carmen-signature",
                carmen::runtime::delivery::signature(secret, at, &body),
            )
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    assert_eq!(
        post(address.clone(), "not the city's secret!!", now())
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    assert_eq!(
        post(address.clone(), SECRET, now() - 3_600)
            .await
            .unwrap()
            .status()
            .as_u16(),
        401,
        "outside the window"
    );
    let forged = address.replacen(&format!("+{id}."), &format!("+{}.", id + 1), 1);
    assert_eq!(
        post(forged, SECRET, now()).await.unwrap().status().as_u16(),
        404,
        "the token names one request"
    );
    let at = now();
    assert_eq!(
        post(address.clone(), SECRET, at)
            .await
            .unwrap()
            .status()
            .as_u16(),
        204
    );
    assert_eq!(
        post(address.clone(), SECRET, at)
            .await
            .unwrap()
            .status()
            .as_u16(),
        409,
        "the same signed reply, sent again within its window, is taken once"
    );
    let (_, case) = call(
        &host,
        Method::GET,
        &format!("/cities/rivertown/cases/{id}"),
        Some(&people.river_staff),
        None,
    )
    .await;
    let bodies: Vec<&str> = case["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert!(
        bodies.contains(&"The north side, by the bakery."),
        "the reply without the quote: {bodies:?}"
    );
    assert_eq!(
        bodies
            .iter()
            .filter(|b| **b == "The north side, by the bakery.")
            .count(),
        1,
        "once: {bodies:?}"
    );
    // Another city's endpoint does not take this request's address.
    let (status, _) = call(
        &host,
        Method::PUT,
        "/cities/hillcrest/delivery",
        Some(&people.hill_admin),
        Some(json!({"inbound_secret": SECRET})),
    )
    .await;
    assert_eq!(status, 204);
    let body = serde_json::to_vec(&json!({"to": address, "text": "hello"})).unwrap();
    let other = host
        .client
        .post(host.url("/cities/hillcrest/inbound/email"))
        .header(
            "carmen-signature",
            carmen::runtime::delivery::signature(SECRET, now(), &body),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status().as_u16(), 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn messages_claimed_by_a_dispatcher_that_died_are_sent_by_another_once_its_lease_runs_out() {
    let (url, name) = carmen_tests::postgres::fresh_database().await;
    let smtp = SmtpSink::start();
    let dir = tempfile::tempdir().unwrap();
    let first = Carmen::open(&url, &dir.path().join("a")).await.unwrap();
    carmen_tests::add_city(&first, "rivertown", "Rivertown")
        .await
        .unwrap();
    install(&first, "rivertown", "street-issue", &[]).await;
    let host = TestHost::serve(first.clone()).await;
    let console = first.console().staff_of("rivertown");
    for n in 0..5 {
        let (_, filed) = call(&host, Method::POST, "/cities/rivertown/services/street-issue/requests", None, Some(json!({"fields": {"category": "graffiti"}, "location": {"address": format!("Lane {n}")}, "contact": {"email": format!("p{n}@example.org")}}))).await;
        first
            .post_message(&console, filed["id"].as_i64().unwrap(), "On it", false)
            .await
            .unwrap();
    }
    // A dispatcher claims them and dies before sending anything.
    let start = now();
    {
        let mut tx = first.db().begin_write().await.unwrap();
        let claimed = carmen_core::crm::delivery::claim(&mut tx, start, 120, 64)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(claimed.len(), 5);
    }
    let other = Carmen::open(&url, &dir.path().join("b"))
        .await
        .unwrap()
        .with_delivery(DeliveryConfig {
            smtp_url: Some(smtp.url()),
            default_from: "Carmen <noreply@carmen.test>".into(),
            public_url: "http://carmen.test".into(),
            lease_seconds: carmen::runtime::delivery::LEASE_SECONDS,
        })
        .unwrap();
    assert_eq!(
        other.deliver_due(start + 60).await.unwrap(),
        Default::default(),
        "not while the lease holds"
    );
    assert_eq!(
        other.deliver_due(start + 121).await.unwrap().sent,
        5,
        "the other finishes the work"
    );
    assert_eq!(
        other.deliver_due(start + 400).await.unwrap(),
        Default::default()
    );
    assert_eq!(smtp.wait_for(5).await.len(), 5);
    drop(host);
    first.close().await;
    other.close().await;
    carmen_tests::postgres::drop_database(&name).await;
}

/// A consenting citizen of Rivertown with a proven e-mail (their codes already sent) registers a
/// passport expiring in 45 days, and a tick 15 days on queues its first reminder; their token.
async fn reminder_queued(host: &TestHost, carmen: &Carmen) -> String {
    let token = carmen_tests::api::new_citizen(host, "rivertown", json!({"name": "Quinn", "email": "quinn@example.org", "password": PASSWORD, "consent": true})).await;
    carmen_tests::api::verify(host, "rivertown", &token, "email", "quinn@example.org").await;
    carmen.deliver_due(now()).await.unwrap();
    let (_, filed) = call(
        host,
        Method::POST,
        "/cities/rivertown/services/document-reminder/requests",
        Some(&token),
        Some(json!({"fields": {"document": "passport", "expires-on": in_days(45)}})),
    )
    .await;
    assert!(filed["id"].is_i64(), "{filed}");
    carmen.tick_all(now() + 15 * 86_400).await.unwrap();
    token
}

#[tokio::test(flavor = "multi_thread")]
async fn during_quiet_hours_reminders_wait_and_replies_about_ones_own_request_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = two_cities(dir.path()).await;
    install(&host.carmen, "rivertown", "document-reminder", &[]).await;
    let smtp = SmtpSink::start();
    let carmen = host
        .carmen
        .clone()
        .with_delivery(config(&smtp, &host))
        .unwrap();
    // Quiet for two hours from the current hour (UTC+0).
    let hour = now().rem_euclid(86_400) / 3_600;
    let (status, answer) = call(
        &host,
        Method::PUT,
        "/cities/rivertown/settings",
        Some(&people.river_admin),
        Some(json!({"quiet_hours": {"start": hour, "end": (hour + 2) % 24}})),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let (status, _) = call(
        &host,
        Method::PUT,
        "/cities/rivertown/settings",
        Some(&people.river_admin),
        Some(json!({"quiet_hours": {"start": 3, "end": 3}})),
    )
    .await;
    assert_eq!(status, 422, "an empty span is refused");
    let token = reminder_queued(&host, &carmen).await;
    let id = carmen_tests::api::report_pothole(&host, "rivertown", Some(&token)).await;
    let (status, _) = call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/cases/{id}/messages"),
        Some(&people.river_staff),
        Some(json!({"body": "Seen it"})),
    )
    .await;
    assert_eq!(status, 201);
    let report = carmen.deliver_due(now()).await.unwrap();
    assert_eq!(
        (report.sent, report.deferred),
        (1, 1),
        "the reply goes, the reminder waits: {report:?}"
    );
    let start_of_hour = now() - now().rem_euclid(3_600);
    let end = start_of_hour + 2 * 3_600;
    assert_eq!(
        carmen.deliver_due(end - 1).await.unwrap(),
        Default::default(),
        "still quiet"
    );
    assert_eq!(
        carmen.deliver_due(end).await.unwrap().sent,
        1,
        "sent when the quiet hours end"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_citys_time_zone_places_its_quiet_hours_and_no_other_city_sets_it() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = two_cities(dir.path()).await;
    install(&host.carmen, "rivertown", "document-reminder", &[]).await;
    let smtp = SmtpSink::start();
    let carmen = host
        .carmen
        .clone()
        .with_delivery(config(&smtp, &host))
        .unwrap();
    let settings = async |token: &str, city: &str, body: serde_json::Value| {
        call(
            &host,
            Method::PUT,
            &format!("/cities/{city}/settings"),
            Some(token),
            Some(body),
        )
        .await
    };
    let (status, answer) = settings(
        &people.river_admin,
        "rivertown",
        json!({"time_zone": "Mars/Olympus"}),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    assert!(
        answer.to_string().contains("Europe/Rome"),
        "the error shows a good name: {answer}"
    );
    let (status, _) = settings(
        &people.hill_admin,
        "rivertown",
        json!({"time_zone": "Asia/Kathmandu"}),
    )
    .await;
    assert_eq!(
        status, 403,
        "another city's administrator sets nothing here"
    );
    // Kolkata is 5 h 30 min east of UTC all year: its hours begin at half past a UTC hour.
    let offset = 5 * 3_600 + 1_800;
    let local_hour = (now() + offset).rem_euclid(86_400) / 3_600;
    let (status, city) = settings(
        &people.river_admin,
        "rivertown",
        json!({"time_zone": "asia/kolkata", "quiet_hours": {"start": local_hour, "end": (local_hour + 2) % 24}}),
    )
    .await;
    assert_eq!(status, 200, "{city}");
    assert_eq!(
        city["time_zone"], "Asia/Kolkata",
        "kept in its own spelling"
    );
    let (_, hill) = settings(&people.hill_admin, "hilltown", json!({})).await;
    assert!(
        hill["time_zone"].is_null(),
        "the other city keeps its clock: {hill}"
    );

    reminder_queued(&host, &carmen).await;
    assert_eq!(
        carmen.deliver_due(now()).await.unwrap().deferred,
        1,
        "quiet in Kolkata"
    );
    let local_hour_start = now() - (now() + offset).rem_euclid(3_600);
    let end = local_hour_start + 2 * 3_600;
    assert_eq!(
        carmen.deliver_due(end - 1).await.unwrap().sent,
        0,
        "still quiet"
    );
    assert_eq!(
        carmen.deliver_due(end).await.unwrap().sent,
        1,
        "sent when the quiet hours end on Kolkata's clock, at half past a UTC hour"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_daily_digest_tells_a_follower_what_changed_on_their_request_and_in_their_area_and_nothing_private()
 {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = two_cities(dir.path()).await;
    install(&host.carmen, "rivertown", "bulky-waste", &[]).await;
    let smtp = SmtpSink::start();
    let carmen = host
        .carmen
        .clone()
        .with_delivery(config(&smtp, &host))
        .unwrap();
    let token = carmen_tests::api::new_citizen(
        &host,
        "rivertown",
        json!({"name": "Fola", "email": "fola@example.org", "password": PASSWORD, "consent": true}),
    )
    .await;
    carmen_tests::api::verify(&host, "rivertown", &token, "email", "fola@example.org").await;
    let unproven = carmen_tests::api::new_citizen(
        &host,
        "rivertown",
        json!({"name": "Ugo", "email": "victim@example.org", "password": PASSWORD, "consent": true}),
    )
    .await;
    carmen.deliver_due(now()).await.unwrap();
    let before = smtp.received().len();
    let report = |city: &str, category: &str, lat: f64, lon: f64, address: &str| {
        let host = &host;
        let (city, category, address) =
            (city.to_string(), category.to_string(), address.to_string());
        async move {
            let (status, made) = call(host, Method::POST, &format!("/cities/{city}/services/street-issue/requests"), None, Some(json!({"fields": {"category": category}, "location": {"latitude": lat, "longitude": lon, "address": address}}))).await;
            assert_eq!(status, 201, "{made}");
            made["id"].as_i64().unwrap()
        }
    };
    let followed = report("rivertown", "pothole", 45.4642, 9.1900, "Followed Street 1").await;
    let (status, _) = call(
        &host,
        Method::POST,
        "/cities/rivertown/me/follows",
        Some(&token),
        Some(json!({"request_id": followed})),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = call(
        &host,
        Method::POST,
        "/cities/rivertown/me/follows",
        Some(&token),
        Some(json!({"latitude": 45.4642, "longitude": 9.1900, "radius_m": 1000})),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = call(
        &host,
        Method::POST,
        "/cities/rivertown/me/follows",
        Some(&token),
        Some(json!({"latitude": 45.4642, "longitude": 9.19, "radius_m": 999_999})),
    )
    .await;
    assert_eq!(status, 422, "an area of bounded size");
    let (_, mine) = call(
        &host,
        Method::GET,
        "/cities/rivertown/me/follows",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(mine["follows"].as_array().unwrap().len(), 2);
    // Someone who typed an address they never proved follows the same request: no digest goes to
    // that address.
    let (status, _) = call(
        &host,
        Method::POST,
        "/cities/rivertown/me/follows",
        Some(&unproven),
        Some(json!({"request_id": followed})),
    )
    .await;
    assert_eq!(status, 204);
    exec_sql(
        &host,
        "UPDATE follows SET last_digest_at = last_digest_at - 10",
    )
    .await;
    // What happens afterwards: the followed request moves; one report nearby, one 2 km away; a
    // private booking nearby; a report at the same point in another city.
    let (status, _) = call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/cases/{followed}/status"),
        Some(&people.river_staff),
        Some(json!({"status": "in_progress"})),
    )
    .await;
    assert_eq!(status, 200);
    report("rivertown", "graffiti", 45.4650, 9.1910, "Nearby Square 2").await;
    report("rivertown", "graffiti", 45.4822, 9.1900, "Far Away Road 3").await;
    let (status, _) = call(&host, Method::POST, "/cities/rivertown/services/bulky-waste/requests", None, Some(json!({"fields": {"items": ["sofa"]}, "location": {"latitude": 45.4643, "longitude": 9.1901, "address": "Secret Court 4"}}))).await;
    assert_eq!(status, 201);
    report("hillcrest", "pothole", 45.4642, 9.1900, "Other City 5").await;

    assert_eq!(
        carmen.digest_round(now()).await.unwrap(),
        0,
        "not a day yet"
    );
    assert_eq!(
        carmen.digest_round(now() + 86_400).await.unwrap(),
        2,
        "one digest per follow with changes"
    );
    assert_eq!(
        carmen.digest_round(now() + 86_400).await.unwrap(),
        0,
        "at most daily"
    );
    let sent = carmen.deliver_due(now()).await.unwrap().sent;
    let mails = smtp.wait_for(before + sent).await;
    let digests: String = mails[before..].iter().map(|m| m.text()).collect();
    assert!(
        digests.contains(&format!("/rivertown/requests/{followed}")),
        "{digests}"
    );
    assert!(digests.contains("Nearby Square 2"), "{digests}");
    assert!(
        !digests.contains("Far Away")
            && !digests.contains("Secret Court")
            && !digests.contains("/hillcrest/"),
        "{digests}"
    );
    assert!(
        !mails[before..].iter().any(|m| m
            .header("To")
            .is_some_and(|to| to.contains("victim@example.org"))
            && m.text().contains("/rivertown/requests/")),
        "no digest to an address nobody proved"
    );
    assert!(
        mails[before..]
            .iter()
            .all(|m| m.header("List-Unsubscribe").is_some()),
        "a digest is unprompted: it can be stopped"
    );
    // Another citizen cannot remove Fola's follows.
    let id = mine["follows"][0]["id"].as_i64().unwrap();
    let (status, _) = call(
        &host,
        Method::DELETE,
        &format!("/cities/rivertown/me/follows/{id}"),
        Some(&people.river_citizen),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(
        &host,
        Method::DELETE,
        &format!("/cities/rivertown/me/follows/{id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 204);
}

/// Runs `sql` on the host's store.
async fn exec_sql(host: &TestHost, sql: &str) {
    sqlx::query(sql)
        .execute(&mut *host.carmen.db().read().await.unwrap())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_citys_own_systems_get_its_requests_events_by_a_signed_webhook_and_no_other_citys() {
    let dir = tempfile::tempdir().unwrap();
    let (host, people) = two_cities(dir.path()).await;
    let smtp = SmtpSink::start();
    let carmen = host
        .carmen
        .clone()
        .with_delivery(config(&smtp, &host))
        .unwrap();
    let (url, systems) = gateway("city systems secret 0123", 0).await;
    let (status, _) = call(
        &host,
        Method::PUT,
        "/cities/rivertown/delivery",
        Some(&people.river_admin),
        Some(json!({"webhook_url": url, "webhook_secret": "short"})),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = call(
        &host,
        Method::PUT,
        "/cities/rivertown/delivery",
        Some(&people.river_admin),
        Some(json!({"webhook_url": url, "webhook_secret": "city systems secret 0123"})),
    )
    .await;
    assert_eq!(status, 204);
    let river = carmen_tests::api::report_pothole(&host, "rivertown", None).await;
    carmen_tests::api::report_pothole(&host, "hillcrest", None).await;
    let (status, _) = call(
        &host,
        Method::POST,
        &format!("/cities/rivertown/cases/{river}/status"),
        Some(&people.river_staff),
        Some(json!({"status": "in_progress"})),
    )
    .await;
    assert_eq!(status, 200);
    carmen.deliver_due(now()).await.unwrap();
    let received = systems.lock().unwrap().received.clone();
    let events: Vec<serde_json::Value> = received
        .iter()
        .map(|(_, body, _, _)| serde_json::from_slice(body).unwrap())
        .collect();
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(
        (
            events[0]["event"].as_str(),
            events[0]["request_id"].as_i64()
        ),
        (Some("request.created"), Some(river))
    );
    assert_eq!(
        (events[1]["event"].as_str(), events[1]["status"].as_str()),
        (Some("request.status"), Some("in_progress"))
    );
    assert!(
        events.iter().all(|e| e["city"] == "rivertown"),
        "no other city's events"
    );
    assert!(
        !received
            .iter()
            .any(|(_, body, _, _)| String::from_utf8_lossy(body).contains("Canal")),
        "ids and statuses, no personal data"
    );
    // Not counted as the service's outreach.
    let figures = host
        .carmen
        .evaluation(
            &host.carmen.console().staff_of("rivertown"),
            now() - 60,
            now() + 60,
        )
        .await
        .unwrap();
    let street = figures
        .iter()
        .find(|f| f.service == "street-issue")
        .unwrap();
    assert_eq!(street.messages_sent, 0);
}
