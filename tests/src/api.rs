//! A city set up over the API for the CRM tests: the operator, two cities with administrators,
//! staff, and a citizen each, and one street-issue request in Rivertown.

use carmen::runtime::types::NewUser;
use reqwest::Method;
use serde_json::{Value, json};

use crate::{TestHost, install};

/// The password every test account uses.
pub const PASSWORD: &str = "a long enough password";

/// Tokens of everyone in the two test cities.
pub struct People {
    pub operator: String,
    pub river_admin: String,
    pub river_staff: String,
    pub river_citizen: String,
    pub hill_admin: String,
    pub hill_staff: String,
    pub hill_citizen: String,
}

/// Calls the API with an optional bearer token and JSON body.
pub async fn call(
    host: &TestHost,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = host.client.request(method, host.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Signs in to `city` and returns the session token.
pub async fn sign_in(host: &TestHost, city: &str, email: &str) -> String {
    let body = json!({"email": email, "password": PASSWORD});
    let (status, answer) = call(
        host,
        Method::POST,
        &format!("/cities/{city}/sessions"),
        None,
        Some(body),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    answer["token"].as_str().unwrap().to_string()
}

/// Creates a citizen account in `city` from `account` (its `email` and the shared `PASSWORD`) and
/// signs it in; the session token.
pub async fn new_citizen(host: &TestHost, city: &str, account: Value) -> String {
    let email = account["email"]
        .as_str()
        .expect("the account has an email")
        .to_string();
    let (status, answer) = call(
        host,
        Method::POST,
        &format!("/cities/{city}/citizens"),
        None,
        Some(account),
    )
    .await;
    assert_eq!(status, 202, "{answer}");
    sign_in(host, city, &email).await
}

/// Two cities, each with an administrator, a staff member of `roads`, a citizen and street-issue.
pub async fn two_cities(dir: &std::path::Path) -> (TestHost, People) {
    let carmen = crate::open_carmen(dir).await;
    let (_, operator) = carmen
        .create_operator(
            &carmen.console(),
            NewUser {
                name: "Op".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let host = TestHost::serve(carmen).await;
    let mut tokens = Vec::new();
    for (slug, name) in [("rivertown", "Rivertown"), ("hillcrest", "Hillcrest")] {
        let admin_email = format!("admin@{slug}.example");
        let body = json!({"slug": slug, "name": name, "admin_name": "Admin", "admin_email": admin_email, "admin_password": PASSWORD});
        let (status, made) = call(
            &host,
            Method::POST,
            "/operator/cities",
            Some(&operator),
            Some(body),
        )
        .await;
        assert_eq!(status, 201, "{made}");
        install(&host.carmen, slug, "street-issue", &[]).await;
        let admin = sign_in(&host, slug, &admin_email).await;
        let dept = json!({"code": "roads", "name": "Roads"});
        assert_eq!(
            call(
                &host,
                Method::POST,
                &format!("/cities/{slug}/departments"),
                Some(&admin),
                Some(dept)
            )
            .await
            .0,
            201
        );
        let staff_email = format!("staff@{slug}.example");
        let staff = json!({"role": "staff", "name": "Sam", "email": staff_email, "password": PASSWORD, "department": "roads"});
        assert_eq!(
            call(
                &host,
                Method::POST,
                &format!("/cities/{slug}/users"),
                Some(&admin),
                Some(staff)
            )
            .await
            .0,
            201
        );
        let citizen_email = format!("citizen@{slug}.example");
        let citizen = json!({"name": "Cit Izen", "email": citizen_email, "password": PASSWORD, "consent": true});
        let citizen = new_citizen(&host, slug, citizen).await;
        let staff = sign_in(&host, slug, &staff_email).await;
        tokens.push((admin, staff, citizen));
    }
    let (hill_admin, hill_staff, hill_citizen) = tokens.pop().unwrap();
    let (river_admin, river_staff, river_citizen) = tokens.pop().unwrap();
    (
        host,
        People {
            operator,
            river_admin,
            river_staff,
            river_citizen,
            hill_admin,
            hill_staff,
            hill_citizen,
        },
    )
}

/// Files a pothole report in `city` as `token` (or anonymously) and returns its id.
pub async fn report_pothole(host: &TestHost, city: &str, token: Option<&str>) -> i64 {
    let body = json!({"fields": {"category": "pothole"}, "location": {"address": "Canal 1"}});
    let (status, made) = call(
        host,
        Method::POST,
        &format!("/cities/{city}/services/street-issue/requests"),
        token,
        Some(body),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    made["id"].as_i64().unwrap()
}

/// The last verification code sent to `contact` (an e-mail address or an E.164 phone number), read
/// from the city's outbox as its recipient would read it.
pub async fn code_sent_to(host: &TestHost, city: &str, contact: &str) -> String {
    let sent = carmen_core::crm::outbox::list(&mut host.carmen.db().read().await.unwrap(), city)
        .await
        .unwrap();
    let message = sent
        .iter()
        .rev()
        .find(|m| {
            m.service == "account"
                && crate::mail::is_code_subject(&m.subject)
                && (m.recipient.email.as_deref() == Some(contact)
                    || m.recipient.phone.as_deref() == Some(contact))
        })
        .unwrap_or_else(|| panic!("no code was sent to {contact}"));
    message
        .body
        .split_whitespace()
        .find_map(|w| {
            let w = w.trim_end_matches('.');
            (w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit())).then(|| w.to_string())
        })
        .expect("the message holds a six-digit code")
}

/// Proves the signed-in citizen's contact on `channel` with the code sent to `contact`.
pub async fn verify(host: &TestHost, city: &str, token: &str, channel: &str, contact: &str) {
    let code = code_sent_to(host, city, contact).await;
    let (status, answer) = call(
        host,
        Method::POST,
        &format!("/cities/{city}/me/verify"),
        Some(token),
        Some(json!({"channel": channel, "code": code})),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
}
