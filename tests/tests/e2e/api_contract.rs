//! The API as a contract: every route of a city that does not exist answers 404, whatever else the
//! request says; signing out ends sessions, never API keys or the operator's token; and a lost
//! operator token is replaced at the console.

use carmen::runtime::types::NewUser;
use carmen_tests::TestHost;
use carmen_tests::api::{PASSWORD, call, two_cities};
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn every_route_of_the_openapi_document_answers_404_for_an_unknown_city() {
    let dir = tempfile::tempdir().unwrap();
    let (host, p) = two_cities(dir.path()).await;
    let (_, doc) = host.get("/openapi.json").await;
    let mut walked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.contains("{city}") {
            continue;
        }
        let concrete = path
            .trim_start_matches("/api/v1")
            .replace("{city}", "no-such-city")
            .replace("{code}", "street-issue")
            .replace("{id}", "1")
            .replace("{key}", "0123456789abcdef")
            .replace("{package}", "street-issue");
        for method in item.as_object().unwrap().keys() {
            let method: Method = method.to_uppercase().parse().unwrap();
            for token in [None, Some(p.operator.as_str())] {
                // Whatever the body: none, or one of the wrong shape.
                for body in [None, Some(json!({"nonsense": true}))] {
                    let (status, answer) =
                        call(&host, method.clone(), &concrete, token, body).await;
                    assert_eq!(status, 404, "{method} {concrete}: {answer}");
                    assert_eq!(answer["type"], "urn:carmen:problem:not-found");
                }
            }
            walked += 1;
        }
    }
    assert!(walked >= 30, "{walked} operations walked");
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_operator_signs_out_and_in_again_and_signing_out_never_ends_an_api_key() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    let (_, operator_token) = carmen
        .create_operator(
            &carmen.console(),
            NewUser {
                name: "Op".into(),
                email: Some("op@carmen.example".into()),
                password: Some(PASSWORD.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    let host = TestHost::serve(carmen).await;
    let sign_in = async || {
        let (status, session) = call(
            &host,
            Method::POST,
            "/operator/sessions",
            None,
            Some(json!({"email": "op@carmen.example", "password": PASSWORD})),
        )
        .await;
        assert_eq!(status, 201, "{session}");
        session["token"].as_str().unwrap().to_string()
    };
    let session = sign_in().await;
    let (status, _) = call(
        &host,
        Method::DELETE,
        "/sessions/current",
        Some(&session),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = call(
        &host,
        Method::GET,
        "/cities/rivertown/audit",
        Some(&session),
        None,
    )
    .await;
    assert_eq!(status, 401, "the session is over");
    let again = sign_in().await;
    let (status, _) = call(
        &host,
        Method::GET,
        "/cities/rivertown/audit",
        Some(&again),
        None,
    )
    .await;
    assert_eq!(status, 200, "and the operator signs in again");

    // The operator's API token and a city's API key are not sessions: signing out leaves them.
    let (status, body) = call(
        &host,
        Method::DELETE,
        "/sessions/current",
        Some(&operator_token),
        None,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (_, key) = call(
        &host,
        Method::POST,
        "/cities/rivertown/api-keys",
        Some(&operator_token),
        Some(json!({"label": "app"})),
    )
    .await;
    let key = key["key"].as_str().unwrap();
    assert_eq!(
        call(&host, Method::DELETE, "/sessions/current", Some(key), None)
            .await
            .0,
        422
    );
    let (status, _) = call(
        &host,
        Method::GET,
        "/cities/rivertown/audit",
        Some(&operator_token),
        None,
    )
    .await;
    assert_eq!(status, 200, "the operator's token still works");
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_operator_token_is_replaced_at_the_console_and_that_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir
        .path()
        .join("carmen.db()")
        .to_string_lossy()
        .into_owned();
    let cache = dir.path().join("cache").to_string_lossy().into_owned();
    let printed =
        crate::process::run_carmen(&["operator", "init", "--db", &db, "--cache-dir", &cache]);
    let token_in = |output: &std::process::Output| {
        String::from_utf8_lossy(&output.stdout)
            .split_whitespace()
            .find(|w| w.starts_with("cm_"))
            .expect("a token was printed")
            .to_string()
    };
    let first = token_in(&printed);
    // The first token is lost; a new one comes from the console, and works.
    let printed =
        crate::process::run_carmen(&["operator", "token", "--db", &db, "--cache-dir", &cache]);
    let second = token_in(&printed);
    assert_ne!(first, second);
    let host = TestHost::start(dir.path()).await;
    let (status, _) = call(&host, Method::GET, "/cities", Some(&second), None).await;
    assert_eq!(status, 200);
    let (status, made) = call(
        &host,
        Method::POST,
        "/operator/cities",
        Some(&second),
        Some(json!({"slug": "rivertown", "name": "Rivertown", "admin_name": "A", "admin_email": "a@rivertown.example", "admin_password": PASSWORD})),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit WHERE city IS NULL ORDER BY id")
            .fetch_all(host.carmen.db().pool())
            .await
            .unwrap();
    assert_eq!(audited, ["operator.create", "operator.token"]);
    host.stop().await;
}
