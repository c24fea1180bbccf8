//! Open311 GeoReport v2 conformance, written from the specification: every endpoint, parameter and
//! error case, in JSON and in XML (parsed, never compared as text).

use carmen_tests::api::{People, call, two_cities};
use carmen_tests::{TestHost, count_rows, install};
use reqwest::Method;
use serde_json::{Value, json};

/// A parsed XML answer: the document element's name and a JSON-like view of its children.
fn xml(text: &str) -> (String, Value) {
    fn convert(node: roxmltree::Node) -> Value {
        let children: Vec<roxmltree::Node> = node.children().filter(|c| c.is_element()).collect();
        if children.is_empty() {
            return Value::String(node.text().unwrap_or("").to_string());
        }
        let names: Vec<&str> = children.iter().map(|c| c.tag_name().name()).collect();
        let is_list = names.len() > 1 && names.iter().all(|n| *n == names[0])
            || matches!(
                node.tag_name().name(),
                "services"
                    | "service_requests"
                    | "errors"
                    | "attributes"
                    | "values"
                    | "service_request_updates"
                    | "endpoints"
                    | "formats"
            );
        if is_list {
            Value::Array(children.into_iter().map(convert).collect())
        } else {
            Value::Object(
                children
                    .into_iter()
                    .map(|c| (c.tag_name().name().to_string(), convert(c)))
                    .collect(),
            )
        }
    }
    let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("not XML ({e}): {text}"));
    let root = doc.root_element();
    (root.tag_name().name().to_string(), convert(root))
}

struct Open311 {
    host: TestHost,
    people: People,
    river_key: String,
    hill_key: String,
}

async fn set_up(dir: &std::path::Path) -> Open311 {
    let (host, people) = two_cities(dir).await;
    install(&host.carmen, "rivertown", "bulky-waste", &[]).await;
    carmen_core::crm::cities::set_domain(
        &mut host.carmen.db().read().await.unwrap(),
        "rivertown",
        "rivertown.example",
    )
    .await
    .unwrap();
    let mut keys = Vec::new();
    for (city, admin) in [
        ("rivertown", &people.river_admin),
        ("hillcrest", &people.hill_admin),
    ] {
        let (status, issued) = call(
            &host,
            Method::POST,
            &format!("/cities/{city}/api-keys"),
            Some(admin),
            Some(json!({"label": "311 app"})),
        )
        .await;
        assert_eq!(status, 201);
        keys.push(issued["key"].as_str().unwrap().to_string());
    }
    let hill_key = keys.pop().unwrap();
    let river_key = keys.pop().unwrap();
    Open311 {
        host,
        people,
        river_key,
        hill_key,
    }
}

impl Open311 {
    fn url(&self, path: &str) -> String {
        format!("http://{}/open311/v2{path}", self.host.addr)
    }

    async fn get_raw(&self, path: &str) -> (u16, String, String) {
        let response = self.host.client.get(self.url(path)).send().await.unwrap();
        let status = response.status().as_u16();
        let ct = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (status, ct, response.text().await.unwrap())
    }

    async fn get_json(&self, path: &str) -> (u16, Value) {
        let (status, ct, body) = self.get_raw(path).await;
        assert!(ct.starts_with("application/json"), "{path}: {ct}");
        let answer: Value =
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
        conforms(path, "GET", status, &answer);
        (status, answer)
    }

    async fn get_xml(&self, path: &str) -> (u16, String, Value) {
        let (status, ct, body) = self.get_raw(path).await;
        assert!(ct.starts_with("text/xml"), "{path}: {ct}");
        let (root, value) = xml(&body);
        (status, root, value)
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let body = serde_urlencoded::to_string(form).unwrap();
        let response = self
            .host
            .client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        if path.ends_with(".json") {
            conforms(path, "POST", status, &serde_json::from_str(&body).unwrap());
        }
        (status, body)
    }
}

/// Checks a JSON answer against the GeoReport v2 schema of its resource
/// (`tests/open311-schemas/`, formats such as date-time checked too).
/// Whether `value` holds a `null` anywhere.
fn has_null(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.iter().any(has_null),
        Value::Object(fields) => fields.values().any(has_null),
        _ => false,
    }
}

fn conforms(path: &str, method: &str, status: u16, answer: &Value) {
    assert!(
        !has_null(answer),
        "{method} {path}: an absent field is left out, never null: {answer}"
    );
    let resource = path.split('?').next().unwrap().trim_end_matches(".json");
    let name = if status >= 400 {
        "errors"
    } else if resource.ends_with("/discovery") {
        "discovery"
    } else if method == "POST" {
        "request_created"
    } else if resource.contains("/tokens/") {
        "token"
    } else if resource.ends_with("/servicerequestupdates") {
        "updates"
    } else if resource.contains("/services/") {
        "service_definition"
    } else if resource.ends_with("/services") {
        "services"
    } else if resource.contains("/requests") {
        "requests"
    } else {
        panic!("no schema for {path}")
    };
    let file = carmen_tests::workspace().join(format!("tests/open311-schemas/{name}.json"));
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let problems: Vec<String> = validator
        .iter_errors(answer)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        problems.is_empty(),
        "{method} {path} ({status}) breaks the GeoReport v2 schema {name}: {problems:?}\n{answer}"
    );
}

fn pothole(key: &str) -> Vec<(&str, &str)> {
    vec![
        ("api_key", key),
        ("service_code", "street-issue"),
        ("attribute[category]", "pothole"),
        ("lat", "52.09"),
        ("long", "5.12"),
        ("description", "Deep hole"),
        ("email", "ada@example.org"),
    ]
}

fn error_codes(value: &Value) -> Vec<u16> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["code"]
                .as_u64()
                .or_else(|| e["code"].as_str().and_then(|c| c.parse().ok()))
                .unwrap() as u16
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_services_and_definitions_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let o = set_up(dir.path()).await;
    let (status, discovery) = o.get_json("/cities/rivertown/discovery.json").await;
    assert_eq!(status, 200);
    assert_eq!(
        discovery["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    assert_eq!(
        discovery["endpoints"][0]["url"],
        format!("http://{}/open311/v2/cities/rivertown", o.host.addr),
        "an absolute URL, as the specification asks"
    );
    let (status, root, discovery) = o.get_xml("/discovery.xml").await;
    assert_eq!((status, root.as_str()), (200, "discovery"));
    assert_eq!(discovery["endpoints"][0]["formats"][1], "text/xml");

    let (status, services) = o.get_json("/cities/rivertown/services.json").await;
    assert_eq!(status, 200);
    let codes: Vec<&str> = services
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["bulky-waste", "street-issue"]);
    let street = &services[1];
    assert_eq!(
        (street["type"].as_str(), street["metadata"].as_bool()),
        (Some("realtime"), Some(true))
    );
    assert_eq!(street["keywords"], "pothole,street light,graffiti,dumping");
    assert_eq!(street["group"], "Streets");
    let (status, root, services) = o.get_xml("/cities/rivertown/services.xml").await;
    assert_eq!((status, root.as_str()), (200, "services"));
    assert_eq!(services[1]["service_code"], "street-issue");
    assert_eq!(services[1]["metadata"], "true");

    let (status, definition) = o
        .get_json("/cities/rivertown/services/bulky-waste.json")
        .await;
    assert_eq!(status, 200);
    assert_eq!(definition["service_code"], "bulky-waste");
    let items = &definition["attributes"][0];
    assert_eq!(
        (
            items["code"].as_str(),
            items["datatype"].as_str(),
            items["variable"].as_bool()
        ),
        (Some("items"), Some("multivaluelist"), Some(true))
    );
    assert_eq!(items["values"][0]["key"], "sofa");
    assert_eq!(definition["attributes"][1]["datatype"], "string");
    let (status, root, definition) = o
        .get_xml("/cities/rivertown/services/street-issue.xml")
        .await;
    assert_eq!((status, root.as_str()), (200, "service_definition"));
    assert_eq!(definition["attributes"][0]["datatype"], "singlevaluelist");
    assert_eq!(definition["attributes"][0]["values"][0]["name"], "Pothole");
    assert_eq!(definition["attributes"][0]["required"], "true");

    let (status, missing) = o.get_json("/cities/rivertown/services/parking.json").await;
    assert_eq!((status, error_codes(&missing)), (404, vec![404]));
    let (status, root, missing) = o.get_xml("/cities/rivertown/services/parking.xml").await;
    assert_eq!(
        (status, root.as_str(), missing[0]["code"].as_str()),
        (404, "errors", Some("404"))
    );
    assert!(
        missing[0]["description"]
            .as_str()
            .unwrap()
            .contains("parking")
    );
    let (status, _) = o.get_json("/cities/atlantis/services.json").await;
    assert_eq!(status, 404);
    let (status, _, _) = o.get_raw("/cities/rivertown/services.html").await;
    assert_eq!(status, 404);
    o.host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn posting_requests_with_keys_attributes_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let o = set_up(dir.path()).await;
    let (status, body) = o
        .post("/cities/rivertown/requests.json", &pothole(&o.river_key))
        .await;
    assert_eq!(status, 200, "{body}");
    let made: Value = serde_json::from_str(&body).unwrap();
    let token = made[0]["token"].as_str().unwrap();
    assert!(
        token.starts_with("ot_") && !token.starts_with("rs_"),
        "the token names the request and is not its secret: {token}"
    );
    assert!(
        made[0]["service_notice"]
            .as_str()
            .unwrap()
            .contains("roads")
    );

    // A multi-value list, answered at once: the answer is the service notice.
    let form = [
        ("api_key", o.river_key.as_str()),
        ("service_code", "bulky-waste"),
        ("attribute[items][]", "sofa"),
        ("attribute[items][]", "fridge"),
        ("address_string", "Mill Road 8"),
    ];
    let (status, body) = o.post("/cities/rivertown/requests.xml", &form).await;
    assert_eq!(status, 200, "{body}");
    let (root, made) = xml(&body);
    assert_eq!(root, "service_requests");
    assert!(
        made[0]["service_notice"]
            .as_str()
            .unwrap()
            .contains("booked"),
        "{body}"
    );

    let before = count_rows(&o.host.carmen, "cases", "rivertown").await;
    let mut no_key = pothole(&o.river_key);
    no_key.remove(0);
    let (status, body) = o.post("/cities/rivertown/requests.json", &no_key).await;
    assert_eq!(
        (status, error_codes(&serde_json::from_str(&body).unwrap())),
        (403, vec![403])
    );
    let (status, _) = o
        .post("/cities/rivertown/requests.json", &pothole(&o.hill_key))
        .await;
    assert_eq!(status, 403, "a key of Hillcrest is refused in Rivertown");
    let (status, _) = o
        .post(
            "/cities/rivertown/requests.json",
            &pothole(&o.people.river_citizen),
        )
        .await;
    assert_eq!(status, 403, "a citizen's session is not an API key");
    let (status, _) = o
        .post("/cities/rivertown/requests.json", &pothole("cm_not_a_key"))
        .await;
    assert_eq!(status, 403);

    let case = |replace: (&'static str, &'static str)| {
        let mut form: Vec<(String, String)> = pothole(&o.river_key)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        form.retain(|(k, _)| k != replace.0);
        form.push((replace.0.to_string(), replace.1.to_string()));
        form
    };
    let long = "x".repeat(4001);
    type BadForm<'a> = (Vec<(String, String)>, u16, &'a str);
    let bad_forms: Vec<BadForm> = vec![
        (case(("service_code", "")), 400, "service_code is required"),
        (case(("service_code", "parking")), 404, "parking"),
        (case(("lat", "north")), 400, "lat"),
        (case(("lat", "95")), 400, "-90 to 90"),
        (case(("long", "")), 400, "both lat and long"),
        (
            case(("attribute[category]", "volcano")),
            400,
            "attribute[category]",
        ),
        (case(("email", "not-an-address")), 400, "email"),
        (case(("description", long.leak())), 400, "4000"),
    ];
    for (form, expected, says) in bad_forms {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (status, body) = o.post("/cities/rivertown/requests.json", &pairs).await;
        assert_eq!(status, expected, "{body}");
        let errors: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error_codes(&errors), vec![expected]);
        assert!(body.contains(says), "{body} should say {says:?}");
    }
    let response = o
        .host
        .client
        .post(o.url("/cities/rivertown/requests.xml"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a', b'=', 0xff])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let (root, errors) = xml(&response.text().await.unwrap());
    assert_eq!(
        (root.as_str(), errors[0]["code"].as_str()),
        ("errors", Some("400"))
    );
    let response = o
        .host
        .client
        .post(o.url("/cities/rivertown/requests.json"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        400,
        "the specification's POST is form-encoded"
    );
    assert_eq!(
        count_rows(&o.host.carmen, "cases", "rivertown").await,
        before,
        "nothing was written by refused posts"
    );
    assert_eq!(count_rows(&o.host.carmen, "cases", "hillcrest").await, 0);
    o.host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn listing_reading_tokens_and_updates() {
    let dir = tempfile::tempdir().unwrap();
    let o = set_up(dir.path()).await;
    let mut ids = Vec::new();
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let (_, body) = o
            .post("/cities/rivertown/requests.json", &pothole(&o.river_key))
            .await;
        let made = &serde_json::from_str::<Value>(&body).unwrap()[0];
        ids.push(made["service_request_id"].as_str().unwrap().to_string());
        tokens.push(made["token"].as_str().unwrap().to_string());
    }
    let staff = Some(o.people.river_staff.as_str());
    call(
        &o.host,
        Method::POST,
        &format!("/cities/rivertown/cases/{}/status", ids[0]),
        staff,
        Some(json!({"status": "resolved", "note": "Filled with asphalt"})),
    )
    .await;
    call(
        &o.host,
        Method::POST,
        &format!("/cities/rivertown/cases/{}/status", ids[1]),
        staff,
        Some(json!({"status": "in_progress", "note": "Crew is on its way"})),
    )
    .await;
    // A message in the thread, even staff's, is not a status note.
    call(
        &o.host,
        Method::POST,
        &format!("/cities/rivertown/cases/{}/messages", ids[1]),
        staff,
        Some(json!({"body": "We called you"})),
    )
    .await;

    let (status, all) = o.get_json("/cities/rivertown/requests.json").await;
    assert_eq!(status, 200);
    assert_eq!(all.as_array().unwrap().len(), 3);
    let first = all
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service_request_id"] == ids[1].as_str())
        .unwrap();
    assert_eq!(first["status"], "open");
    assert_eq!(first["status_notes"], "Crew is on its way");
    assert_eq!(first["agency_responsible"], "roads");
    assert_eq!(first["service_name"], "Report a street issue");
    assert!(first["expected_datetime"].as_str().unwrap().ends_with('Z'));
    assert_eq!(first["lat"], 52.09);

    let (_, open) = o
        .get_json("/cities/rivertown/requests.json?status=open")
        .await;
    assert_eq!(open.as_array().unwrap().len(), 2);
    let (_, closed) = o
        .get_json("/cities/rivertown/requests.json?status=closed&service_code=street-issue")
        .await;
    assert_eq!(closed.as_array().unwrap().len(), 1);
    let (_, picked) = o
        .get_json(&format!(
            "/cities/rivertown/requests.json?service_request_id={},{}",
            ids[0], ids[2]
        ))
        .await;
    assert_eq!(picked.as_array().unwrap().len(), 2);
    let (_, empty_params) = o
        .get_json("/cities/rivertown/requests.json?status=&service_code=&start_date=")
        .await;
    assert_eq!(
        empty_params.as_array().unwrap().len(),
        3,
        "empty parameters count as absent"
    );
    let (_, paged) = o
        .get_json("/cities/rivertown/requests.json?page=2&page_size=2")
        .await;
    assert_eq!(paged.as_array().unwrap().len(), 1);
    let (_, old) = o
        .get_json("/cities/rivertown/requests.json?end_date=2020-01-01T00:00:00Z")
        .await;
    assert_eq!(
        old.as_array().unwrap().len(),
        0,
        "the 90-day window ends at end_date"
    );
    let (_, hill) = o.get_json("/cities/hillcrest/requests.json").await;
    assert_eq!(hill.as_array().unwrap().len(), 0);
    for bad in [
        "start_date=yesterday",
        "end_date=2026-13-45",
        "status=lost",
        "page=0",
        "page_size=x",
        "service_request_id=abc",
        "start_date=2026-12-01&end_date=2026-11-01",
    ] {
        let (status, errors) = o
            .get_json(&format!("/cities/rivertown/requests.json?{bad}"))
            .await;
        assert_eq!((status, error_codes(&errors)), (400, vec![400]), "{bad}");
        let (status, root, errors) = o
            .get_xml(&format!("/cities/rivertown/requests.xml?{bad}"))
            .await;
        assert_eq!(
            (status, root.as_str(), errors[0]["code"].as_str()),
            (400, "errors", Some("400")),
            "{bad} in XML"
        );
        assert!(
            errors[0]["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty())
        );
    }

    let (status, root, one) = o
        .get_xml(&format!("/cities/rivertown/requests/{}.xml", ids[0]))
        .await;
    assert_eq!((status, root.as_str()), (200, "service_requests"));
    assert_eq!(one[0]["status"], "closed");
    assert_eq!(one[0]["service_code"], "street-issue");
    for missing in ["999999", "abc"] {
        let (status, _) = o
            .get_json(&format!("/cities/rivertown/requests/{missing}.json"))
            .await;
        assert_eq!(status, 404);
    }
    let (status, _) = o
        .get_json(&format!("/cities/hillcrest/requests/{}.json", ids[0]))
        .await;
    assert_eq!(status, 404, "another city's request");
    // The token names the request; the request's id is not a token.
    let (status, token) = o
        .get_json(&format!("/cities/rivertown/tokens/{}.json", tokens[2]))
        .await;
    assert_eq!(
        (status, token[0]["service_request_id"].as_str()),
        (200, Some(ids[2].as_str()))
    );
    let by_id = format!("/cities/rivertown/tokens/{}.json", ids[2]);
    assert_eq!(o.get_json(&by_id).await.0, 404, "an id is not a token");
    let elsewhere = format!("/cities/hillcrest/tokens/{}.json", tokens[2]);
    assert_eq!(o.get_json(&elsewhere).await.0, 404, "another city's token");

    let (status, updates) = o
        .get_json("/cities/rivertown/servicerequestupdates.json")
        .await;
    assert_eq!(status, 200);
    let list = updates.as_array().unwrap();
    assert_eq!(list.len(), 3, "two status changes and a message: {updates}");
    assert!(
        list.iter()
            .any(|u| u["service_request_id"] == ids[0].as_str() && u["status"] == "closed")
    );
    assert!(
        list.iter()
            .any(|u| u["description"] == "Crew is on its way")
    );
    let (status, root, updates) = o
        .get_xml("/cities/rivertown/servicerequestupdates.xml")
        .await;
    assert_eq!(
        (status, root.as_str(), updates.as_array().unwrap().len()),
        (200, "service_requests_updates", 3),
        "FixMyStreet's root element"
    );
    // Once the request is closed, its message still shows the status it was written under.
    call(
        &o.host,
        Method::POST,
        &format!("/cities/rivertown/cases/{}/status", ids[1]),
        staff,
        Some(json!({"status": "resolved"})),
    )
    .await;
    let (_, updates) = o
        .get_json("/cities/rivertown/servicerequestupdates.json")
        .await;
    let of_second: Vec<(&str, &str)> = updates
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["service_request_id"] == ids[1].as_str())
        .map(|u| {
            (
                u["status"].as_str().unwrap(),
                u["description"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        of_second.contains(&("open", "We called you")),
        "{of_second:?}"
    );
    assert!(
        of_second.iter().any(|(status, _)| *status == "closed"),
        "{of_second:?}"
    );
    let (status, _) = o
        .get_json("/cities/rivertown/servicerequestupdates.json?start_date=soon")
        .await;
    assert_eq!(status, 400);
    o.host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_shared_endpoint_picks_the_city_by_jurisdiction() {
    let dir = tempfile::tempdir().unwrap();
    let o = set_up(dir.path()).await;
    let (status, services) = o
        .get_json("/services.json?jurisdiction_id=rivertown.example")
        .await;
    assert_eq!(status, 200);
    assert_eq!(services.as_array().unwrap().len(), 2);
    assert_eq!(services[0]["jurisdiction_id"], "rivertown.example");
    let (status, services) = o.get_json("/services.json?jurisdiction_id=hillcrest").await;
    assert_eq!((status, services.as_array().unwrap().len()), (200, 1));
    let (status, errors) = o.get_json("/services.json").await;
    assert_eq!((status, error_codes(&errors)), (400, vec![400]));
    let (status, _) = o.get_json("/services.json?jurisdiction_id=").await;
    assert_eq!(status, 400, "an empty jurisdiction_id is absent");
    let (status, _) = o
        .get_json("/services.json?jurisdiction_id=atlantis.example")
        .await;
    assert_eq!(status, 404);
    let mut form = pothole(&o.river_key);
    form.push(("jurisdiction_id", "rivertown.example"));
    let (status, body) = o.post("/requests.json", &form).await;
    assert_eq!(status, 200, "{body}");
    let mut form = pothole(&o.river_key);
    form.push(("jurisdiction_id", "hillcrest"));
    assert_eq!(
        o.post("/requests.json", &form).await.0,
        403,
        "Rivertown's key at Hillcrest's jurisdiction"
    );
    let (status, _) = o
        .get_json("/cities/rivertown/services.json?jurisdiction_id=hillcrest")
        .await;
    assert_eq!(
        status, 404,
        "a city's own endpoint refuses another jurisdiction"
    );
    o.host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_installed_while_serving_appears_without_restart() {
    let dir = tempfile::tempdir().unwrap();
    let o = set_up(dir.path()).await;
    let (_, before) = o.get_json("/cities/hillcrest/services.json").await;
    assert_eq!(before.as_array().unwrap().len(), 1);
    install(&o.host.carmen, "hillcrest", "document-reminder", &[]).await;
    let (_, after) = o.get_json("/cities/hillcrest/services.json").await;
    let codes: Vec<&str> = after
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["document-reminder", "street-issue"]);
    o.host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_error_case_answers_the_same_in_json_and_xml() {
    let dir = tempfile::tempdir().unwrap();
    let o = set_up(dir.path()).await;
    let gets: [(&str, u16); 8] = [
        ("/cities/atlantis/services", 404),
        ("/cities/rivertown/services/parking", 404),
        ("/cities/rivertown/requests/999999", 404),
        ("/cities/rivertown/tokens/abc", 404),
        ("/services", 400),
        ("/services?jurisdiction_id=atlantis.example", 404),
        (
            "/cities/rivertown/servicerequestupdates?end_date=never",
            400,
        ),
        ("/cities/rivertown/requests?start_date=%FF", 400),
    ];
    for (path, expected) in gets {
        let (base, query) = path
            .split_once('?')
            .map(|(b, q)| (b, format!("?{q}")))
            .unwrap_or((path, String::new()));
        let (status, errors) = o.get_json(&format!("{base}.json{query}")).await;
        assert_eq!(
            (status, error_codes(&errors)),
            (expected, vec![expected]),
            "{path} in JSON"
        );
        let (status, root, errors) = o.get_xml(&format!("{base}.xml{query}")).await;
        assert_eq!(
            (status, root.as_str()),
            (expected, "errors"),
            "{path} in XML"
        );
        assert_eq!(
            errors[0]["code"].as_str(),
            Some(expected.to_string().as_str()),
            "{path} in XML"
        );
    }
    for format in ["json", "xml"] {
        let mut form = pothole(&o.hill_key);
        form.push(("jurisdiction_id", "rivertown"));
        let (status, body) = o.post(&format!("/requests.{format}"), &form).await;
        assert_eq!(status, 403, "{format}: {body}");
        let (status, _) = o
            .post(
                &format!("/cities/rivertown/requests.{format}"),
                &[("service_code", "street-issue")],
            )
            .await;
        assert_eq!(status, 403, "{format}: no key");
    }
    o.host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn open311_follows_the_specification_where_it_used_to_be_loose() {
    let dir = tempfile::tempdir().unwrap();
    let o = set_up(dir.path()).await;
    // Bookings made public by the city, so that two services have public requests.
    let (status, _) = call(
        &o.host,
        Method::PUT,
        "/cities/rivertown/services/bulky-waste/settings",
        Some(&o.people.river_admin),
        Some(json!({"public": true})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        o.post("/cities/rivertown/requests.json", &pothole(&o.river_key))
            .await
            .0,
        200
    );
    let booking = [
        ("api_key", o.river_key.as_str()),
        ("service_code", "bulky-waste"),
        ("attribute[items][]", "sofa"),
        ("address_string", "Elm 1"),
    ];
    assert_eq!(
        o.post("/cities/rivertown/requests.json", &booking).await.0,
        200
    );
    let count = async |query: &str| {
        let (status, list) = o
            .get_json(&format!("/cities/rivertown/requests.json?{query}"))
            .await;
        assert_eq!(status, 200, "{query}: {list}");
        list.as_array().unwrap().len()
    };
    assert_eq!(count("service_code=street-issue,bulky-waste").await, 2);
    assert_eq!(
        count("service_code=street-issue&service_code=bulky-waste").await,
        2
    );
    assert_eq!(count("service_code=bulky-waste").await, 1);
    assert_eq!(count("status=open&status=closed").await, 2);

    // A window over 90 days is refused; a page past u32 says so.
    let (status, errors) = o
        .get_json("/cities/rivertown/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:00Z")
        .await;
    assert_eq!(status, 400);
    assert!(
        errors[0]["description"]
            .as_str()
            .unwrap()
            .contains("90 days")
    );
    let (status, errors) = o
        .get_json("/cities/rivertown/requests.json?page=4294967296")
        .await;
    assert_eq!(status, 400);
    assert!(
        errors[0]["description"]
            .as_str()
            .unwrap()
            .contains("too large")
    );

    // A long description taken by the JSON API is served within the schema's 4,000 characters.
    let long = "x".repeat(5_000);
    let (status, made) = o
        .host
        .post(
            "/cities/rivertown/services/street-issue/requests",
            &json!({"fields": {"category": "pothole"}, "description": long, "location": {"address": "Canal 2"}}),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let (_, one) = o
        .get_json(&format!("/cities/rivertown/requests/{}.json", made["id"]))
        .await;
    assert_eq!(
        one[0]["description"].as_str().unwrap().chars().count(),
        4_000
    );

    // address_id names the jurisdiction's own address register: never taken for an address.
    let mut by_id = pothole(&o.river_key);
    by_id.retain(|(k, _)| *k != "lat" && *k != "long");
    by_id.push(("address_id", "BAG-0363200000123456"));
    let (status, body) = o.post("/cities/rivertown/requests.json", &by_id).await;
    assert_eq!(status, 400, "{body}");
    let mut with_coordinates = pothole(&o.river_key);
    with_coordinates.push(("address_id", "BAG-0363200000123456"));
    let (status, body) = o
        .post("/cities/rivertown/requests.json", &with_coordinates)
        .await;
    assert_eq!(status, 200, "{body}");
    let id = serde_json::from_str::<Value>(&body).unwrap()[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, one) = o
        .get_json(&format!("/cities/rivertown/requests/{id}.json"))
        .await;
    assert_eq!(one[0]["address"], Value::Null);

    // A method a resource does not take: 405 with the methods it does take.
    for (method, path, allowed) in [
        (
            Method::DELETE,
            "/cities/rivertown/requests.json",
            "GET, POST",
        ),
        (Method::POST, "/cities/rivertown/discovery.json", "GET"),
    ] {
        let response = o
            .host
            .client
            .request(method, o.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{path}");
        assert_eq!(response.headers()["allow"], allowed, "{path}");
    }
    let response = o
        .host
        .client
        .put(o.host.url("/cities"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(
        response.headers()["allow"],
        "GET,HEAD",
        "the JSON API says so too"
    );

    // The schemas bite: an error list with a code that is not a number breaks them.
    let broken = std::panic::catch_unwind(|| {
        conforms(
            "/x.json",
            "GET",
            400,
            &json!([{"code": "400", "description": "x"}]),
        )
    });
    assert!(broken.is_err());
    o.host.stop().await;
}
