//! The shared registry over real HTTP, with a real host server: publish in one city, install in
//! another, upgrade, roll back, yank — and everything the registry must refuse.

use carmen::runtime::Carmen;
use carmen_core::crm::grants::Grants;
use carmen_registry::client::RegistryClient;
use carmen_registry::server;
use carmen_registry::store::{Registry, Search};
use carmen_tests::{TestHost, plugin_wasm, workspace};
use serde_json::json;

/// The registration token the test registry's operator hands out.
const INVITATION: &str = "ri_test-invitation-token";

pub(crate) struct World {
    registry: Registry,
    pub(crate) url: String,
    pub(crate) client: RegistryClient,
    pub(crate) token: String,
    pub(crate) secret: String,
    _dir: tempfile::TempDir,
}

pub(crate) async fn registry() -> World {
    let dir = tempfile::tempdir().unwrap();
    let (registry, url) = carmen_tests::serve_registry(
        dir.path(),
        server::Registration::ByInvitation(INVITATION.into()),
    )
    .await;
    let client = RegistryClient::new(&url).invited(INVITATION);
    let (secret, public) = carmen_registry::signing::generate();
    let token = client
        .register_publisher("rivertown-dev", "rivertown", &public)
        .await
        .unwrap();
    // The hosts of this world report for their cities with this publisher's token.
    let client = client.with_host_token(&token);
    World {
        registry,
        url,
        client,
        token,
        secret,
        _dir: dir,
    }
}

impl World {
    /// Publishes `plugin` at `version` as this world's publisher: its manifest and a component with
    /// bytes of its own.
    pub(crate) async fn publish(
        &self,
        plugin: &str,
        version: &str,
    ) -> carmen_registry::store::VersionInfo {
        self.client
            .publish(
                &self.token,
                &self.secret,
                &manifest(plugin, version),
                &component(plugin, version),
            )
            .await
            .unwrap()
    }

    /// Installs `package` at `requirement` into `city` from this registry, granting `grants`.
    pub(crate) async fn install(
        &self,
        carmen: &Carmen,
        city: &str,
        package: &str,
        requirement: &str,
        grants: &str,
        report: bool,
    ) -> Result<carmen_core::crm::installs::Install, carmen::runtime::RuntimeError> {
        let carmen = self.host(carmen);
        carmen
            .install_from_registry(
                &carmen.console().admin_of(city),
                package,
                requirement,
                self::grants(grants),
                Default::default(),
                report,
            )
            .await
    }

    /// `carmen` installing from this world's registry, reporting with its publisher's token.
    pub(crate) fn host(&self, carmen: &Carmen) -> Carmen {
        carmen
            .clone()
            .with_registry(Some(self.url.clone()))
            .with_registry_token(Some(self.token.clone()))
    }

    /// Upgrades `package` in `city` from this registry as the operator at the console.
    pub(crate) async fn upgrade(
        &self,
        carmen: &Carmen,
        city: &str,
        package: &str,
        requirement: &str,
        grants: &Grants,
    ) -> Result<carmen_core::crm::installs::Install, carmen::runtime::RuntimeError> {
        let carmen = self.host(carmen);
        carmen
            .upgrade(
                &carmen.console().admin_of(city),
                package,
                requirement,
                grants,
            )
            .await
    }
}

/// The plugin's manifest text at `version`.
fn manifest(plugin: &str, version: &str) -> String {
    let text =
        std::fs::read_to_string(workspace().join("plugins").join(plugin).join("carmen.toml"))
            .unwrap();
    text.replacen(
        "version = \"0.1.0\"",
        &format!("version = \"{version}\""),
        1,
    )
}

/// The plugin's component with a custom section naming `version`, so each version has its own bytes.
pub(crate) fn component(plugin: &str, version: &str) -> Vec<u8> {
    let mut bytes = plugin_wasm(plugin);
    let name = b"carmen-build";
    let payload = version.as_bytes();
    let size = 1 + name.len() + payload.len();
    bytes.push(0);
    bytes.push(size as u8);
    bytes.push(name.len() as u8);
    bytes.extend_from_slice(name);
    bytes.extend_from_slice(payload);
    bytes
}

async fn host_with_cities(dir: &std::path::Path) -> TestHost {
    let carmen = carmen_tests::open_carmen(dir).await;
    for (slug, name) in [
        ("rivertown", "Rivertown"),
        ("bayside", "Bayside"),
        ("cliffton", "Cliffton"),
    ] {
        carmen_tests::add_city(&carmen, slug, name).await.unwrap();
    }
    TestHost::serve(carmen).await
}

fn grants(list: &str) -> Grants {
    Grants::parse(list).unwrap()
}

async fn report(host: &TestHost, city: &str) -> (u16, serde_json::Value) {
    host.post(
        &format!("/cities/{city}/services/street-issue/requests"),
        &json!({"fields": {"category": "pothole"}, "location": {"address": "Harbour 1"}}),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn publish_in_one_city_install_upgrade_roll_back_and_yank_in_others() {
    let w = registry().await;
    let dir = tempfile::tempdir().unwrap();
    let host = host_with_cities(dir.path()).await;
    let carmen = &host.carmen;

    let v1 = w.publish("street-issue", "1.0.0").await;
    assert_eq!(v1.capabilities, ["config", "log"]);
    let installed = w
        .install(carmen, "bayside", "street-issue", "^1", "config,log", true)
        .await
        .unwrap();
    assert_eq!(installed.version, "1.0.0");
    let (status, first) = report(&host, "bayside").await;
    assert_eq!(status, 201, "{first}");

    w.publish("street-issue", "1.1.0").await;
    let upgraded = w
        .upgrade(carmen, "bayside", "street-issue", "^1", &Grants::default())
        .await
        .unwrap();
    assert_eq!(
        (upgraded.version.as_str(), upgraded.id),
        ("1.1.0", installed.id)
    );
    let (_, still) = host
        .get(&format!("/cities/bayside/requests/{}", first["id"]))
        .await;
    assert_eq!(
        still["title"], first["title"],
        "earlier cases are intact after the upgrade"
    );
    assert_eq!(report(&host, "bayside").await.0, 201);

    let back = carmen
        .rollback(&carmen.console().admin_of("bayside"), "street-issue")
        .await
        .unwrap();
    assert_eq!(back.version, "1.0.0");
    assert_eq!(report(&host, "bayside").await.0, 201);
    let again = w
        .upgrade(carmen, "bayside", "street-issue", "^1", &Grants::default())
        .await
        .unwrap();
    assert_eq!(again.version, "1.1.0");

    w.client
        .set_yanked(&w.token, "street-issue", "1.1.0", true)
        .await
        .unwrap();
    let c = w
        .install(
            carmen,
            "cliffton",
            "street-issue",
            "^1",
            "config,log",
            false,
        )
        .await
        .unwrap();
    assert_eq!(c.version, "1.0.0", "a yanked version is not resolved");
    let (status, _) = report(&host, "bayside").await;
    assert_eq!(
        status, 201,
        "Bayside, still on the yanked 1.1.0, keeps working"
    );
    let (_, services) = host.get("/cities/bayside/services").await;
    assert_eq!(services["services"][0]["version"], "1.1.0");

    let page = w.client.package("street-issue").await.unwrap();
    assert_eq!(page.publisher_city, "rivertown");
    assert_eq!(
        page.cities,
        [("bayside".to_string(), "1.0.0".to_string())],
        "only the city that agreed to say so"
    );
    assert!(
        page.versions
            .iter()
            .any(|v| v.version == "1.1.0" && v.yanked)
    );
    assert_eq!(
        w.client.search("pothole", None, None).await.unwrap().len(),
        1
    );
    assert_eq!(
        w.client
            .search("", Some("streets"), None)
            .await
            .unwrap()
            .len(),
        1,
        "by group"
    );
    assert_eq!(
        w.client
            .search("", None, Some("graffiti"))
            .await
            .unwrap()
            .len(),
        1,
        "by keyword"
    );
    assert!(
        w.client
            .search("", None, Some("graf"))
            .await
            .unwrap()
            .is_empty(),
        "keywords match whole"
    );
    assert!(
        w.client
            .search("", Some("waste"), None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        w.client
            .search("parking meter", None, None)
            .await
            .unwrap()
            .is_empty()
    );
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upgrade_that_asks_for_more_waits_for_the_grant() {
    let w = registry().await;
    let dir = tempfile::tempdir().unwrap();
    let host = host_with_cities(dir.path()).await;
    let base = manifest("bulky-waste", "1.0.0");
    w.client
        .publish(
            &w.token,
            &w.secret,
            &base,
            &component("bulky-waste", "1.0.0"),
        )
        .await
        .unwrap();
    w.install(
        &host.carmen,
        "bayside",
        "bulky-waste",
        "1",
        "store,config,log,requester,http",
        false,
    )
    .await
    .unwrap();
    let wider = manifest("bulky-waste", "1.1.0").replace(
        "capabilities = [\"store\", \"config\", \"log\", \"requester\", \"http\"]",
        "capabilities = [\"store\", \"config\", \"log\", \"requester\", \"http\", \"notify\"]",
    );
    w.client
        .publish(
            &w.token,
            &w.secret,
            &wider,
            &component("bulky-waste", "1.1.0"),
        )
        .await
        .unwrap();
    let book = json!({"fields": {"items": ["sofa"]}, "location": {"address": "Quay 1"}});
    let (status, first) = host
        .post("/cities/bayside/services/bulky-waste/requests", &book)
        .await;
    assert_eq!(
        (status, first["answer"]["reference"].as_str()),
        (201, Some("BW-000001"))
    );
    let err = w
        .upgrade(
            &host.carmen,
            "bayside",
            "bulky-waste",
            "^1",
            &Grants::default(),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("notify"), "{err}");
    let up = w
        .upgrade(
            &host.carmen,
            "bayside",
            "bulky-waste",
            "^1",
            &grants("notify"),
        )
        .await
        .unwrap();
    assert_eq!(
        (up.version.as_str(), up.grants.to_string().as_str()),
        ("1.1.0", "store,notify,config,log,requester,http")
    );
    let (_, second) = host
        .post("/cities/bayside/services/bulky-waste/requests", &book)
        .await;
    assert_eq!(
        second["answer"]["reference"], "BW-000002",
        "the store entries survive the upgrade"
    );
    host.carmen
        .rollback(&host.carmen.console().admin_of("bayside"), "bulky-waste")
        .await
        .unwrap();
    let (_, third) = host
        .post("/cities/bayside/services/bulky-waste/requests", &book)
        .await;
    assert_eq!(
        third["answer"]["reference"], "BW-000003",
        "and the rollback"
    );
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tampered_components_and_signatures_are_refused_at_install() {
    let w = registry().await;
    let dir = tempfile::tempdir().unwrap();
    let host = host_with_cities(dir.path()).await;
    let v = w.publish("street-issue", "1.0.0").await;
    let blob = w.registry.blobs.path(&v.digest).unwrap();
    let good = std::fs::read(&blob).unwrap();
    let mut bad = good.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0xff;
    std::fs::write(&blob, &bad).unwrap();
    let err = w
        .install(
            &host.carmen,
            "bayside",
            "street-issue",
            "1",
            "config,log",
            false,
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("digest"), "{err}");
    std::fs::write(&blob, &good).unwrap();

    // A version whose stored signature is not its publisher's.
    let (other_secret, _) = carmen_registry::signing::generate();
    let forged = carmen_registry::signing::sign(&other_secret, b"anything").unwrap();
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        w._dir.path().join("registry.db").display()
    ))
    .await
    .unwrap();
    sqlx::query("UPDATE versions SET signature = ? WHERE name = 'street-issue'")
        .bind(&forged)
        .execute(&pool)
        .await
        .unwrap();
    let err = w
        .install(
            &host.carmen,
            "bayside",
            "street-issue",
            "1",
            "config,log",
            false,
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("signature"), "{err}");
    assert!(
        carmen_core::crm::installs::list(&mut host.carmen.db().read().await.unwrap(), "bayside")
            .await
            .unwrap()
            .is_empty(),
        "nothing was installed"
    );
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upgrade_signed_by_another_key_than_the_install_is_refused() {
    let w = registry().await;
    let dir = tempfile::tempdir().unwrap();
    let host = host_with_cities(dir.path()).await;
    let carmen = &host.carmen;
    let publish = |version: &'static str, secret: String| {
        let w = &w;
        async move {
            w.client
                .publish(
                    &w.token,
                    &secret,
                    &manifest("street-issue", version),
                    &component("street-issue", version),
                )
                .await
                .unwrap()
        }
    };
    publish("1.0.0", w.secret.clone()).await;
    w.install(carmen, "bayside", "street-issue", "^1", "config,log", false)
        .await
        .unwrap();

    // The registry is compromised: the publisher's key is replaced, and a new version is signed
    // with the new key. The registry itself finds nothing wrong with it.
    let (stolen_secret, stolen_public) = carmen_registry::signing::generate();
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        w._dir.path().join("registry.db").display()
    ))
    .await
    .unwrap();
    sqlx::query("UPDATE publishers SET public_key = ? WHERE name = 'rivertown-dev'")
        .bind(&stolen_public)
        .execute(&pool)
        .await
        .unwrap();
    let evil = publish("1.1.0", stolen_secret).await;
    assert_eq!(evil.public_key, stolen_public);

    let err = w
        .upgrade(carmen, "bayside", "street-issue", "^1", &grants(""))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("signed by another key"), "{err}");
    let kept = carmen_core::crm::installs::get_by_plugin(
        &mut carmen.db().read().await.unwrap(),
        "bayside",
        "street-issue",
    )
    .await
    .unwrap();
    assert_eq!(kept.version, "1.0.0", "the city still runs what it trusted");
    let (status, _) = report(&host, "bayside").await;
    assert_eq!(status, 201, "and it still serves");

    // Trusting the new key is the administrator's act: uninstall, then install again.
    carmen
        .uninstall(&carmen.console().admin_of("bayside"), "street-issue")
        .await
        .unwrap();
    let again = w
        .install(carmen, "bayside", "street-issue", "^1", "config,log", false)
        .await
        .unwrap();
    assert_eq!(again.version, "1.1.0");
    let origin =
        carmen_core::crm::installs::origin(&mut carmen.db().read().await.unwrap(), again.id)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(
        (
            origin.publisher.as_str(),
            origin.publisher_key.as_str(),
            origin.source.as_str()
        ),
        ("rivertown-dev", stolen_public.as_str(), w.url.as_str())
    );
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_registry_refuses_bad_publishes_with_the_reason() {
    let w = registry().await;
    let good = manifest("street-issue", "1.0.0");
    let bytes = component("street-issue", "1.0.0");
    w.client
        .publish(&w.token, &w.secret, &good, &bytes)
        .await
        .unwrap();
    let refusal = |r: Result<
        carmen_registry::store::VersionInfo,
        carmen_registry::client::ClientError,
    >| r.unwrap_err().to_string();

    let err = refusal(
        w.client
            .publish(
                &w.token,
                &w.secret,
                &good,
                &component("street-issue", "other bytes"),
            )
            .await,
    );
    assert!(err.contains("409") && err.contains("immutable"), "{err}");
    let narrow = manifest("street-issue", "1.2.0").replace(
        "capabilities = [\"config\", \"log\"]",
        "capabilities = [\"log\"]",
    );
    let err = refusal(
        w.client
            .publish(
                &w.token,
                &w.secret,
                &narrow,
                &component("street-issue", "1.2.0"),
            )
            .await,
    );
    assert!(err.contains("does not declare: config"), "{err}");
    let err = refusal(
        w.client
            .publish(
                &w.token,
                &w.secret,
                &manifest("street-issue", "1.3.0"),
                b"\0asm\x01\0\0\0",
            )
            .await,
    );
    assert!(err.contains("not a WebAssembly component"), "{err}");
    let (stranger_secret, _) = carmen_registry::signing::generate();
    let err = refusal(
        w.client
            .publish(
                &w.token,
                &stranger_secret,
                &manifest("street-issue", "1.4.0"),
                &bytes,
            )
            .await,
    );
    assert!(err.contains("signature"), "{err}");
    let (other_secret, other_public) = carmen_registry::signing::generate();
    let other = w
        .client
        .register_publisher("bayside-dev", "bayside", &other_public)
        .await
        .unwrap();
    let err = refusal(
        w.client
            .publish(
                &other,
                &other_secret,
                &manifest("street-issue", "2.0.0"),
                &bytes,
            )
            .await,
    );
    assert!(
        err.contains("403") && err.contains("another publisher"),
        "{err}"
    );
    let err = refusal(
        w.client
            .publish(
                "cr_nobody",
                &w.secret,
                &manifest("street-issue", "2.0.0"),
                &bytes,
            )
            .await,
    );
    assert!(err.contains("401"), "{err}");
    let page = w.client.package("street-issue").await.unwrap();
    assert_eq!(
        page.versions.len(),
        1,
        "no refused publish left a version behind"
    );
    let blobs = walk(&w._dir.path().join("blobs"));
    assert_eq!(blobs, 1, "nor a blob");
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn publishers_register_only_with_the_operators_invitation() {
    let w = registry().await;
    let (_, public) = carmen_registry::signing::generate();
    let uninvited = RegistryClient::new(&w.url);
    let err = uninvited
        .register_publisher("intruder", "nowhere", &public)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("401") && err.contains("by invitation"),
        "{err}"
    );
    let err = RegistryClient::new(&w.url)
        .invited("ri_a-guess-at-the-token")
        .register_publisher("intruder", "nowhere", &public)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("403"), "{err}");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM publishers")
        .fetch_one(
            &sqlx::SqlitePool::connect(&format!(
                "sqlite://{}",
                w._dir.path().join("registry.db").display()
            ))
            .await
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(count, 1, "only the invited publisher of the test world");
    w.client
        .register_publisher("bayside-dev", "bayside", &public)
        .await
        .expect("the invited developer registers");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_publishes_of_the_same_new_version_at_once_one_wins() {
    let w = registry().await;
    let text = manifest("street-issue", "3.0.0");
    let a = component("street-issue", "3.0.0-a");
    let b = component("street-issue", "3.0.0-b");
    let (ra, rb) = tokio::join!(
        w.client.publish(&w.token, &w.secret, &text, &a),
        w.client.publish(&w.token, &w.secret, &text, &b),
    );
    assert_eq!(
        [ra.is_ok(), rb.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{ra:?} {rb:?}"
    );
    let winner = ra.or(rb).unwrap();
    let stored = w.registry.version("street-issue", "3.0.0").await.unwrap();
    assert_eq!(stored.digest, winner.digest);
    let bytes = w
        .client
        .download(&stored, stored.size as u64)
        .await
        .unwrap();
    assert_eq!(
        carmen_registry::signing::digest(&bytes),
        stored.digest,
        "the stored state is consistent"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_to_every_registry_route_is_refused_and_leaves_nothing() {
    let w = registry().await;
    let http = reqwest::Client::new();
    let put = |path: String, body: String| {
        http.put(format!("{}{path}", w.url))
            .bearer_auth(&w.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let cases: Vec<(String, String, u16)> = vec![
        ("/api/v1/packages/street-issue/1.0.0".into(), "{\"manifest\": \"[pack".into(), 400),
        ("/api/v1/packages/street-issue/1.0.0".into(), json!({"manifest": "garbage = [", "component": "", "signature": ""}).to_string(), 422),
        ("/api/v1/packages/street-issue/1.0.0".into(), json!({"manifest": manifest("street-issue", "1.0.0"), "component": "!!!not base64", "signature": "00"}).to_string(), 422),
        ("/api/v1/packages/street-issue/1.0.0".into(), json!({"manifest": manifest("street-issue", "1.0.0"), "component": "AGFzbQ==", "signature": "00"}).to_string(), 422),
        ("/api/v1/packages/street-issue/one".into(), json!({"manifest": manifest("street-issue", "one"), "component": "", "signature": ""}).to_string(), 422),
        (format!("/api/v1/packages/{}/1.0.0", "x".repeat(5000)), json!({"manifest": manifest("street-issue", "1.0.0"), "component": "", "signature": ""}).to_string(), 422),
        ("/api/v1/packages/..%2F..%2Fetc/1.0.0".into(), json!({"manifest": manifest("street-issue", "1.0.0").replace("street-issue", "../../etc"), "component": "", "signature": ""}).to_string(), 422),
    ];
    for (path, body, expected) in cases {
        let response = put(path.clone(), body).await.unwrap();
        let status = response.status().as_u16();
        let answer: serde_json::Value = response.json().await.unwrap_or_default();
        assert_eq!(status, expected, "{path}: {answer}");
        assert!(
            answer["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{path}: {answer}"
        );
    }
    for path in [
        "/api/v1/packages/..%2Fetc",
        "/api/v1/blobs/..%2F..%2Fregistry.db",
        "/api/v1/packages/street-issue/resolve?req=not-a-req",
        "/api/v1/packages/NOPE",
    ] {
        let response = http.get(format!("{}{path}", w.url)).send().await.unwrap();
        assert!(
            (400..500).contains(&response.status().as_u16()),
            "{path}: {}",
            response.status()
        );
    }
    let response = http
        .post(format!("{}/api/v1/publishers", w.url))
        .bearer_auth(INVITATION)
        .json(&json!({"name": "../x", "city": "a", "public_key": "00"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        w.client.search("", None, None).await.unwrap().is_empty(),
        "nothing was published"
    );
    assert_eq!(
        walk(&w._dir.path().join("blobs")),
        0,
        "no blob was left behind"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_publishes_installs_upgrades_rolls_back_and_uninstalls() {
    use clap::Parser;
    let w = registry().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db").to_string_lossy().to_string();
    let key_file = dir.path().join("signing.key").to_string_lossy().to_string();
    let run = |args: Vec<String>| async move {
        carmen::cli::run(carmen::cli::Cli::try_parse_from(args).unwrap()).await
    };
    let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    run(s(&[
        "carmen", "city", "add", "bayside", "--name", "Bayside", "--db", &db,
    ]))
    .await
    .unwrap();

    // A publisher made through the CLI; the token is printed, so register it here the same way.
    let (secret, public) = carmen_registry::signing::generate();
    std::fs::write(&key_file, &secret).unwrap();
    let token = w
        .client
        .register_publisher("cli-dev", "bayside", &public)
        .await
        .unwrap();
    let plugin = workspace()
        .join("plugins/bulky-waste")
        .to_string_lossy()
        .to_string();
    let publish = |version: &str| {
        let manifest = dir.path().join(format!("carmen-{version}.toml"));
        std::fs::write(&manifest, self::manifest("bulky-waste", version)).unwrap();
        let wasm_copy = dir.path().join(format!("bulky-{version}.wasm"));
        std::fs::write(&wasm_copy, component("bulky-waste", version)).unwrap();
        s(&[
            "carmen",
            "publish",
            &plugin,
            "--manifest",
            &manifest.to_string_lossy(),
            "--wasm",
            &wasm_copy.to_string_lossy(),
            "--registry",
            &w.url,
            "--token",
            &token,
            "--key-file",
            &key_file,
        ])
    };
    run(publish("1.0.0")).await.unwrap();
    run(publish("1.1.0")).await.unwrap();
    run(s(&["carmen", "search", "pickup", "--registry", &w.url]))
        .await
        .unwrap();
    run(s(&["carmen", "info", "bulky-waste", "--registry", &w.url]))
        .await
        .unwrap();
    let err = run(s(&[
        "carmen",
        "install",
        "bayside",
        "bulky-waste@=1.0.0",
        "--grant",
        "store",
        "--registry",
        &w.url,
        "--db",
        &db,
    ]))
    .await
    .unwrap_err();
    assert!(format!("{err:#}").contains("grant config, log"), "{err:#}");
    run(s(&[
        "carmen",
        "install",
        "bayside",
        "bulky-waste@=1.0.0",
        "--grant",
        "store,config,log,requester,http",
        "--registry",
        &w.url,
        "--db",
        &db,
    ]))
    .await
    .unwrap();
    run(s(&[
        "carmen",
        "upgrade",
        "bayside",
        "bulky-waste",
        "--to",
        "^1",
        "--registry",
        &w.url,
        "--db",
        &db,
    ]))
    .await
    .unwrap();
    run(s(&[
        "carmen",
        "rollback",
        "bayside",
        "bulky-waste",
        "--db",
        &db,
    ]))
    .await
    .unwrap();
    let carmen = Carmen::open(&db, &dir.path().join("city.db.cache"))
        .await
        .unwrap();
    assert_eq!(
        carmen_core::crm::installs::get_by_plugin(
            &mut carmen.db().read().await.unwrap(),
            "bayside",
            "bulky-waste"
        )
        .await
        .unwrap()
        .version,
        "1.0.0"
    );
    carmen.db().close().await;
    run(s(&[
        "carmen",
        "deprecate",
        "bulky-waste@1.0.0",
        "--message",
        "use 1.1",
        "--registry",
        &w.url,
        "--token",
        &token,
    ]))
    .await
    .unwrap();
    assert_eq!(
        w.registry
            .version("bulky-waste", "1.0.0")
            .await
            .unwrap()
            .deprecated
            .as_deref(),
        Some("use 1.1")
    );
    run(s(&[
        "carmen",
        "yank",
        "bulky-waste@1.1.0",
        "--registry",
        &w.url,
        "--token",
        &token,
    ]))
    .await
    .unwrap();
    assert!(
        w.registry
            .version("bulky-waste", "1.1.0")
            .await
            .unwrap()
            .yanked
    );
    run(s(&[
        "carmen",
        "uninstall",
        "bayside",
        "bulky-waste",
        "--db",
        &db,
    ]))
    .await
    .unwrap();
    let err = run(s(&[
        "carmen",
        "rollback",
        "bayside",
        "bulky-waste",
        "--db",
        &db,
    ]))
    .await
    .unwrap_err();
    assert!(format!("{err:#}").contains("not found"), "{err:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn city_administrators_install_upgrade_and_roll_back_over_http() {
    use carmen_core::crm::people::{self, NewUser, Role};
    let w = registry().await;
    w.publish("street-issue", "1.0.0").await;
    w.publish("street-issue", "1.1.0").await;
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    let carmen = carmen
        .with_registry(Some(w.url.clone()))
        .with_registry_token(Some(w.token.clone()));
    let mut tokens = Vec::new();
    for city in ["bayside", "cliffton"] {
        carmen_tests::add_city(&carmen, city, city).await.unwrap();
        let admin = people::create(
            &mut carmen.db().read().await.unwrap(),
            Role::Admin,
            NewUser {
                city: Some(city.into()),
                name: "Admin".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        tokens.push(
            people::issue_token(
                &mut carmen.db().read().await.unwrap(),
                &admin,
                "api",
                "test",
            )
            .await
            .unwrap(),
        );
    }
    let host = TestHost::serve(carmen).await;
    let call = async |method: reqwest::Method,
                      path: &str,
                      token: &str,
                      body: Option<serde_json::Value>| {
        carmen_tests::api::call(&host, method, path, Some(token), body).await
    };
    let bay = tokens[0].clone();
    let cliff = tokens[1].clone();
    use reqwest::Method;
    let install = json!({"package": "street-issue", "requirement": "=1.0.0", "grants": ["config", "log"], "report": true});
    let (status, refused) = call(
        Method::POST,
        "/cities/bayside/registry/installs",
        &cliff,
        Some(install.clone()),
    )
    .await;
    assert_eq!(status, 403, "{refused}");
    let (status, installed) = call(
        Method::POST,
        "/cities/bayside/registry/installs",
        &bay,
        Some(install),
    )
    .await;
    assert_eq!(
        (status, installed["version"].as_str()),
        (201, Some("1.0.0")),
        "{installed}"
    );
    let (status, _) = report(&host, "bayside").await;
    assert_eq!(status, 201);
    // Installed from the registry while serving: Open311 lists it at once.
    let services: serde_json::Value = host
        .client
        .get(format!(
            "http://{}/open311/v2/cities/bayside/services.json",
            host.addr
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(services[0]["service_code"], "street-issue", "{services}");
    let (status, up) = call(
        Method::POST,
        "/cities/bayside/registry/installs/street-issue/upgrade",
        &bay,
        Some(json!({"to": "^1"})),
    )
    .await;
    assert_eq!(
        (status, up["version"].as_str()),
        (200, Some("1.1.0")),
        "{up}"
    );
    let (status, back) = call(
        Method::POST,
        "/cities/bayside/registry/installs/street-issue/rollback",
        &bay,
        None,
    )
    .await;
    assert_eq!(
        (status, back["version"].as_str()),
        (200, Some("1.0.0")),
        "{back}"
    );
    let (status, _) = call(
        Method::POST,
        "/cities/cliffton/registry/installs/street-issue/rollback",
        &cliff,
        None,
    )
    .await;
    assert_eq!(status, 404, "Cliffton has nothing to roll back");
    let (status, bad) = call(
        Method::POST,
        "/cities/bayside/registry/installs",
        &bay,
        Some(json!({"package": "street-issue", "requirement": "^9"})),
    )
    .await;
    assert_eq!(status, 422, "{bad}");
    let (_, log) = call(Method::GET, "/cities/bayside/audit", &bay, None).await;
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // The city was added at the console: that is audited too.
    assert_eq!(
        actions,
        [
            "service.rollback",
            "service.upgrade",
            "service.install",
            "city.create"
        ]
    );
    let (status, _) = call(
        Method::DELETE,
        "/cities/bayside/registry/installs/street-issue",
        &bay,
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(report(&host, "bayside").await.0, 404, "uninstalled");
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_that_started_before_an_upgrade_finishes_on_its_version() {
    let w = registry().await;
    for version in ["1.0.0", "1.1.0"] {
        w.publish("street-issue", version).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let host = host_with_cities(dir.path()).await;
    let carmen = &host.carmen;
    let old = w
        .install(
            carmen,
            "bayside",
            "street-issue",
            "=1.0.0",
            "config,log",
            false,
        )
        .await
        .unwrap();
    // A call resolves its install to a component when it starts.
    let in_flight = carmen.target(&old).await.unwrap();
    let new = w
        .upgrade(carmen, "bayside", "street-issue", "^1", &Grants::default())
        .await
        .unwrap();
    assert_ne!(new.digest, old.digest);
    // The switch changed the install, not the call: it still runs on 1.0.0's component.
    let described = carmen.engine().describe(&in_flight, "en").await.unwrap();
    assert_eq!(
        (in_flight.digest.as_str(), described.code.as_str()),
        (old.digest.as_str(), "street-issue")
    );
    let next = carmen
        .target(
            &carmen_core::crm::installs::get(
                &mut carmen.db().read().await.unwrap(),
                "bayside",
                "street-issue",
            )
            .await
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        next.digest, new.digest,
        "calls that start after the switch run on 1.1.0"
    );
    host.stop().await;
}

/// A registry states its size limit; a component over it is refused by the publishing client
/// before anything is sent, and by the server with its own message naming both sizes (not a raw
/// 413 from the HTTP layer); what is published travels compressed both ways.
#[tokio::test(flavor = "multi_thread")]
async fn the_size_limit_is_stated_and_explained_and_components_travel_compressed() {
    let dir = tempfile::tempdir().unwrap();
    let component = plugin_wasm("street-issue");
    let registry = Registry::open(&dir.path().join("registry.db"), &dir.path().join("blobs"))
        .await
        .unwrap()
        .with_max_component_bytes(component.len() - 1);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = server::app(registry, server::Registration::Open);
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = RegistryClient::new(&url);
    assert_eq!(
        client.max_component_bytes().await,
        Some(component.len() as u64 - 1),
        "the limit is stated"
    );
    let (secret, public) = carmen_registry::signing::generate();
    let token = client
        .register_publisher("rivertown-dev", "rivertown", &public)
        .await
        .unwrap();
    let refused = client
        .publish(
            &token,
            &secret,
            &manifest("street-issue", "0.1.0"),
            &component,
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("MB; this registry takes components of up to")
            && refused.contains("--max-package-mb"),
        "{refused}"
    );

    // The server says the same to a client that does not ask first.
    let body = json!({"manifest": manifest("street-issue", "0.1.0"), "component": base64_of(&component), "signature": "x"});
    let answer = reqwest::Client::new()
        .put(format!("{url}/api/v1/packages/street-issue/0.1.0"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 413);
    let problem: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(problem["title"], "too-large", "{problem}");
    // Over the body limit itself (a body far larger than any component it takes): still its own words.
    let huge = "A".repeat(component.len() * 2 + 1_000_000);
    let answer = reqwest::Client::new()
        .put(format!("{url}/api/v1/packages/street-issue/0.1.0"))
        .bearer_auth(&token)
        .json(&json!({"manifest": "", "component": huge, "signature": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 413);
    let problem: serde_json::Value = answer.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("GET /api/v1/limits"),
        "{problem}"
    );

    // A compressed body that decompresses past the limit (a zstd bomb) is cut off as it inflates;
    // without a publisher's token, it is not even read.
    let bomb = zstd::encode_all(&vec![b' '; 200_000_000][..], 19).unwrap();
    assert!(bomb.len() < 100_000, "{}", bomb.len());
    let answer = reqwest::Client::new()
        .put(format!("{url}/api/v1/packages/street-issue/0.1.0"))
        .bearer_auth("not-a-publisher")
        .header("content-type", "application/json")
        .header("content-encoding", "zstd")
        .body(bomb.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    let answer = reqwest::Client::new()
        .put(format!("{url}/api/v1/packages/street-issue/0.1.0"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .header("content-encoding", "zstd")
        .body(bomb)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 413, "{:?}", answer.text().await);

    // Within the limit: published (zstd on the wire), and downloaded compressed when asked.
    let world = registry_world_published(dir.path()).await;
    let raw = reqwest::Client::builder().no_zstd().build().unwrap();
    let answer = raw
        .get(format!("{}/api/v1/blobs/{}", world.url, world.digest))
        .header("accept-encoding", "zstd")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()["content-encoding"], "zstd");
    let sent = answer.bytes().await.unwrap();
    let bytes = zstd::decode_all(&sent[..]).unwrap();
    assert_eq!(bytes, component, "the same bytes, compressed");
    assert!(
        sent.len() < component.len() / 2,
        "{} of {}",
        sent.len(),
        component.len()
    );
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

struct Published {
    url: String,
    digest: String,
    _world: World,
}

/// street-issue 0.1.0 published, as is, to a registry with the default limit.
async fn registry_world_published(_dir: &std::path::Path) -> Published {
    let world = registry().await;
    let version = world
        .client
        .publish(
            &world.token,
            &world.secret,
            &manifest("street-issue", "0.1.0"),
            &plugin_wasm("street-issue"),
        )
        .await
        .unwrap();
    Published {
        url: world.url.clone(),
        digest: version.digest,
        _world: world,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_registrys_packages_come_a_page_at_a_time_by_name_to_the_api_the_client_and_a_city() {
    let w = registry().await;
    let names = [
        "bulky-waste",
        "document-reminder",
        "legacy-counter",
        "street-issue",
    ];
    for name in names.iter().rev() {
        w.publish(name, "1.0.0").await;
    }
    let http = reqwest::Client::new();
    let get = async |query: &str| {
        let response = http
            .get(format!("{}/api/v1/packages{query}", w.url))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (
            status,
            response
                .json::<serde_json::Value>()
                .await
                .unwrap_or_default(),
        )
    };
    let (status, first) = get("?limit=3").await;
    assert_eq!(status, 200, "{first}");
    let named = |body: &serde_json::Value| -> Vec<String> {
        body["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(named(&first), names[..3]);
    assert_eq!(first["next"], "legacy-counter");
    let (_, last) = get("?limit=3&after=legacy-counter").await;
    assert_eq!(named(&last), names[3..]);
    assert!(last["next"].is_null(), "{last}");
    let (_, all) = get("").await;
    assert_eq!(named(&all), names, "100 by default");
    for bad in ["?limit=0", "?limit=101"] {
        assert_eq!(get(bad).await.0, 400, "{bad}");
    }

    // The client walks the same pages; a city browsing for a service too.
    let (mut walked, mut search) = (Vec::new(), Search::default());
    loop {
        let (page, next) = w.client.search_page(&search).await.unwrap();
        walked.extend(page.into_iter().map(|p| p.name));
        match next {
            Some(next) => search.after = Some(next),
            None => break,
        }
    }
    assert_eq!(walked, names);
    let dir = tempfile::tempdir().unwrap();
    let carmen = w.host(&carmen_tests::open_carmen(dir.path()).await);
    let (page, next) = carmen
        .browse_registry("", None, Some("document-reminder"))
        .await
        .unwrap();
    let page: Vec<_> = page.into_iter().map(|p| p.name).collect();
    assert_eq!(page, names[2..]);
    assert_eq!(next, None);
}
