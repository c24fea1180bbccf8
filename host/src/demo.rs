//! `carmen demo`: two cities on the embedded SQLite, the three services installed in both, example
//! requests made over real HTTP, and the URLs to try printed.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;

use anyhow::Context;
use serde_json::{Value, json};

use crate::cli::plugin_manifest;
use crate::runtime::Carmen;
use crate::runtime::install::InstallRequest;
use crate::runtime::types::{Grants, Limits, NewUser, Role};

const CITIES: &[(&str, &str)] = &[("rivertown", "Rivertown"), ("hillcrest", "Hillcrest")];
const SERVICES: &[(&str, &str)] = &[
    ("street-issue", "street_issue.wasm"),
    ("bulky-waste", "bulky_waste.wasm"),
    ("document-reminder", "document_reminder.wasm"),
];

/// City-specific settings: Hillcrest routes potholes to its public-works team and has fewer pickups.
fn config_for(city: &str, service: &str) -> BTreeMap<String, String> {
    let pairs: &[(&str, &str)] = match (city, service) {
        ("hillcrest", "street-issue") => &[("department.pothole", "public-works")],
        ("hillcrest", "bulky-waste") => &[("capacity-per-day", "5")],
        _ => &[],
    };
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub async fn run(
    plugins: &Path,
    wasm: &Path,
    data: &Path,
    listen: SocketAddr,
    no_serve: bool,
) -> anyhow::Result<()> {
    if data.exists() {
        std::fs::remove_dir_all(data)
            .with_context(|| format!("cannot empty {}", data.display()))?;
    }
    std::fs::create_dir_all(data)?;
    let db = data.join("carmen.db");
    let carmen = Carmen::open(&db.to_string_lossy(), &data.join("cache")).await?;

    println!("Carmen demo: data in {}", data.display());
    let console = carmen.console();
    for (slug, name) in CITIES {
        let domain = format!("{slug}.example");
        carmen
            .create_city(&console, slug, name, Some(&domain), None)
            .await?;
    }

    // 1. Rivertown pilots its three services from its own builds.
    println!("\n1. Rivertown pilots its services, installed from its own builds:");
    let mut builds = Vec::new();
    for (plugin, file) in SERVICES {
        let manifest_path = plugins.join(plugin).join("carmen.toml");
        let manifest_text = std::fs::read_to_string(&manifest_path)
            .with_context(|| format!("cannot read {}", manifest_path.display()))?;
        let manifest = plugin_manifest(plugins, plugin)?;
        let path = wasm.join(file);
        let bytes = std::fs::read(&path).with_context(|| {
            format!(
                "cannot read {}: build the plugins first (see README)",
                path.display()
            )
        })?;
        let request = InstallRequest {
            hosts: Vec::new(),
            grants: manifest.capabilities()?,
            config: config_for("rivertown", plugin),
            manifest: Some(manifest),
            limits: Limits::default(),
            quotas: Default::default(),
        };
        let install = carmen
            .install(&console.admin_of("rivertown"), &bytes, request)
            .await?;
        println!(
            "   installed {} {} (granted {}; sha256 {}…)",
            install.plugin,
            install.version,
            install.grants,
            &install.digest[..12]
        );
        builds.push((plugin, manifest_text, bytes));
    }

    // 2. A registry starts, and Rivertown's developer publishes the services, signed.
    let registry = carmen_registry::store::Registry::open(
        &data.join("registry.db"),
        &data.join("registry-blobs"),
    )
    .await?;
    let registry_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let registry_url = format!("http://{}", registry_listener.local_addr()?);
    // Publishers register by invitation: the operator hands the token to Rivertown's developers.
    let invitation = carmen_registry::signing::random_token("ri");
    let registration = carmen_registry::server::Registration::ByInvitation(invitation.clone());
    tokio::spawn(
        axum::serve(
            registry_listener,
            carmen_registry::server::app(registry, registration),
        )
        .into_future(),
    );
    let client = carmen_registry::client::RegistryClient::new(&registry_url).invited(&invitation);
    let (secret, public) = carmen_registry::signing::generate();
    let token = client
        .register_publisher("rivertown-digital", "rivertown", &public)
        .await?;
    // The demo's operator reports for its cities with the same publisher token.
    let client = client.with_host_token(&token);
    println!(
        "\n2. The shared registry runs at {registry_url}; Rivertown publishes, signed with its key:"
    );
    for (plugin, manifest_text, bytes) in &builds {
        let version = client
            .publish(&token, &secret, manifest_text, bytes)
            .await?;
        println!(
            "   published {} {} (sha256 {}…, asks for {})",
            plugin,
            version.version,
            &version.digest[..12],
            version.capabilities.join(",")
        );
    }
    let carmen = carmen
        .with_registry(Some(registry_url.clone()))
        .with_registry_token(Some(token.clone()));

    // 3. Hillcrest installs them from the registry, grants what they ask, and sets its own config.
    println!("\n3. Hillcrest installs them from the registry (digest and signature checked):");
    for (plugin, _, _) in &builds {
        let grants = carmen.registry_asks(plugin, "^0.1").await?.join(",");
        let install = carmen
            .install_from_registry(
                &console.admin_of("hillcrest"),
                plugin,
                "^0.1",
                Grants::parse(&grants).map_err(anyhow::Error::msg)?,
                config_for("hillcrest", plugin),
                true,
            )
            .await?;
        println!(
            "   installed {} {} (granted {})",
            install.plugin, install.version, install.grants
        );
    }

    let staff = demo_people(&carmen).await?;

    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    let app = crate::api::app(carmen.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(axum::serve(listener, app).into_future());
    let base = format!("http://{addr}/api/v1");
    let client = reqwest::Client::new();

    println!("\nExample requests over HTTP:");
    let examples: &[(&str, &str, Value)] = &[
        (
            "rivertown",
            "street-issue",
            json!({
                "fields": {"category": "pothole", "photo-url": "https://photos.example.org/pothole.jpg"},
                "description": "Deep pothole in the cycle lane",
                "location": {"latitude": 52.0907, "longitude": 5.1214, "address": "Canal Street 12"},
                "contact": {"name": "Ada", "email": "ada@example.org"}
            }),
        ),
        (
            "hillcrest",
            "street-issue",
            json!({
                "fields": {"category": "pothole"},
                "description": "Pothole at the school gate",
                "location": {"address": "School Lane 3"}
            }),
        ),
        (
            "rivertown",
            "bulky-waste",
            json!({
                "fields": {"items": ["sofa", "mattress"]},
                "location": {"address": "Mill Road 8"}
            }),
        ),
        (
            "hillcrest",
            "document-reminder",
            json!({
                "fields": {"document": "passport", "expires-on": "2027-02-01"},
                "contact": {"name": "Bo", "email": "bo@example.org"},
                "language": "nl"
            }),
        ),
    ];
    let mut first_ids = Vec::new();
    for (city, service, body) in examples {
        let response = client
            .post(format!("{base}/cities/{city}/services/{service}/requests"))
            .json(body)
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await?;
        let said = body["answer"]["message"]
            .as_str()
            .or(body["notice"].as_str())
            .unwrap_or("");
        println!(
            "  POST {city}/{service} -> {status}: request {} ({}) {said}",
            body["id"],
            body["status"].as_str().unwrap_or("?")
        );
        let public = body["public"].as_bool().unwrap_or(false);
        let secret = body["secret"].as_str().unwrap_or_default().to_string();
        first_ids.push((city.to_string(), body["id"].clone(), public, secret));
    }

    println!(
        "\nIn a browser (the citizen portal, in English; ?lang=it, es, de or fr for another language):"
    );
    for (slug, _) in CITIES {
        println!("  http://{addr}/{slug}/");
    }
    for (city, _, public, secret) in &first_ids {
        if !*public && !secret.is_empty() {
            println!(
                "  http://{addr}/{city}/follow/{secret}   # a private request, by its secret link"
            );
        }
    }
    println!("The city console (cases, and the marketplace for administrators):");
    for (slug, _) in CITIES {
        println!(
            "  http://{addr}/{slug}/console/   as admin@{slug}.example or staff@{slug}.example, password {PASSWORD}"
        );
    }
    println!("Citizens create their account at http://{addr}/rivertown/account/register");

    println!("\nTry:");
    for (slug, _) in CITIES {
        println!("  curl {base}/cities/{slug}/services");
    }
    println!("  curl '{base}/cities/hillcrest/services/street-issue?lang=nl'");
    for (city, id, public, secret) in &first_ids {
        if *public {
            println!("  curl {base}/cities/{city}/requests/{id}");
        } else {
            println!(
                "  curl -H 'x-carmen-secret: {secret}' {base}/cities/{city}/requests/{id}   # private: its submitter's secret"
            );
        }
    }
    println!(
        "  curl -X POST {base}/cities/rivertown/services/street-issue/requests -H 'content-type: application/json' \\\n    \
         -d '{{\"fields\":{{\"category\":\"graffiti\"}},\"location\":{{\"address\":\"Town Hall\"}}}}'"
    );

    println!("\nStaff work (sign-in tokens of the demo's staff, valid 12 hours):");
    for (city, token) in &staff {
        println!("  curl -H 'authorization: Bearer {token}' {base}/cities/{city}/cases");
    }
    println!("  The OpenAPI document: {base}/openapi.json");
    println!(
        "\nThe registry: curl {registry_url}/api/v1/packages/street-issue (Hillcrest is listed among its cities)"
    );

    let (_, key) = carmen
        .issue_api_key(&console.admin_of("rivertown"), "demo Open311 app")
        .await?;
    let open311 = format!("http://{addr}/open311/v2");
    println!("\nOpen311 GeoReport v2 (Rivertown's API key for the demo: {key}):");
    println!("  curl {open311}/cities/rivertown/services.xml");
    println!("  curl '{open311}/services.json?jurisdiction_id=hillcrest.example'");
    println!("  curl {open311}/cities/rivertown/requests.json");
    println!(
        "  curl -X POST {open311}/cities/rivertown/requests.json -d api_key={key} -d service_code=street-issue \\\n    \
         -d 'attribute[category]=street-light' -d lat=52.0907 -d long=5.1214 -d 'description=Light out'"
    );

    if no_serve {
        server.abort();
        carmen.close().await;
        return Ok(());
    }
    println!("\nServing on http://{addr} — press Ctrl-C to stop.");
    tokio::select! {
        _ = crate::cli::stop_requested() => {}
        result = server => { result??; }
    }
    carmen.close().await;
    Ok(())
}

/// The demo's people: an administrator and a roads department with one staff member per city.
/// Returns a session token per city for the staff member, to try the staff routes with.
/// The demo staff's password (the demo's data is thrown away).
const PASSWORD: &str = "demo-password-not-secret";

async fn demo_people(carmen: &Carmen) -> anyhow::Result<Vec<(String, String)>> {
    let console = carmen.console();
    println!("\nPeople:");
    let mut tokens = Vec::new();
    for (slug, _) in CITIES {
        carmen
            .add_department(&console.admin_of(slug), "roads", "Roads")
            .await?;
        for (role, name, email) in [
            (Role::Admin, "Avery Admin", format!("admin@{slug}.example")),
            (Role::Staff, "Sam Staff", format!("staff@{slug}.example")),
        ] {
            let new = NewUser {
                name: name.into(),
                email: Some(email.clone()),
                password: Some(PASSWORD.into()),
                department: (role == Role::Staff).then(|| "roads".to_string()),
                ..Default::default()
            };
            carmen.add_staff(&console.admin_of(slug), role, new).await?;
            if role == Role::Staff {
                let (_, token) = carmen.sign_in(Some(slug), &email, PASSWORD, None).await?;
                tokens.push((slug.to_string(), token));
            }
        }
        println!(
            "  {slug}: sign in as admin@{slug}.example or staff@{slug}.example with password {PASSWORD}"
        );
    }
    Ok(tokens)
}
