//! Shared helpers for the end-to-end tests: the compiled plugins, a host served on a real port,
//! and small HTTP helpers.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use carmen::manifest::Manifest;
use carmen::runtime::Carmen;
use carmen::runtime::install::InstallRequest;
use carmen::runtime::types::{Grants, Install, Limits};
use serde_json::Value;

pub mod api;
pub mod browser;
pub mod child;
pub mod mail;
pub mod postgres;
pub mod store_checks;
pub mod storm;

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// The path of a compiled plugin, such as `street-issue`.
pub fn plugin_path(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"));
    target
        .join("wasm32-wasip2/release")
        .join(format!("{}.wasm", name.replace('-', "_")))
}

/// The bytes of a compiled plugin, such as `street-issue`.
pub fn plugin_wasm(name: &str) -> Vec<u8> {
    let path = plugin_path(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; build the plugins first with scripts/build-plugins.sh",
            path.display()
        )
    })
}

/// The manifest of a plugin.
pub fn manifest(name: &str) -> Manifest {
    Manifest::read(&workspace().join("plugins").join(name).join("carmen.toml"))
        .expect("plugin manifest parses")
}

/// A host on a SQLite file `carmen.db()` in `dir`, compiling into `dir/cache`. Its outbound
/// requests may reach loopback, where the tests' SMS gateways and webhooks listen (as an operator
/// allows with `--allow-outbound 127.0.0.0/8`).
pub async fn open_carmen(dir: &Path) -> Carmen {
    Carmen::open(
        &dir.join("carmen.db()").to_string_lossy(),
        &dir.join("cache"),
    )
    .await
    .expect("host opens")
    .with_outbound(loopback())
    .expect("the outbound client builds")
}

/// The loopback network, for `Carmen::with_outbound`.
pub fn loopback() -> Vec<ipnet::IpNet> {
    vec!["127.0.0.0/8".parse().expect("a network")]
}

/// A registry on `dir/registry.db` and `dir/blobs`, served over HTTP on a loopback port; its URL.
pub async fn serve_registry(
    dir: &Path,
    registration: carmen_registry::server::Registration,
) -> (carmen_registry::store::Registry, String) {
    let registry =
        carmen_registry::store::Registry::open(&dir.join("registry.db"), &dir.join("blobs"))
            .await
            .expect("registry opens");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = carmen_registry::server::app(registry.clone(), registration);
    tokio::spawn(async move { axum::serve(listener, app).await });
    (registry, url)
}

/// Installs plugin `name` in `city` with its manifest's capabilities and `config` (and the hosts
/// it names with them).
pub async fn install(carmen: &Carmen, city: &str, name: &str, config: &[(&str, &str)]) -> Install {
    let manifest = manifest(name);
    let config: std::collections::BTreeMap<String, String> = config
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    // The administrator approves every host the service names with these settings.
    let hosts = manifest
        .hosts_for(&manifest.resolve_config(&config).unwrap())
        .unwrap();
    let request = InstallRequest {
        hosts,
        grants: manifest.capabilities().unwrap(),
        config,
        manifest: Some(manifest),
        limits: Limits::default(),
        quotas: Default::default(),
    };
    carmen
        .install(
            &carmen.console().admin_of(city),
            &plugin_wasm(name),
            request,
        )
        .await
        .expect("install succeeds")
}

/// Installs the hostile test plugin with `grants` and tight limits.
pub async fn install_hostile(
    carmen: &Carmen,
    city: &str,
    grants: &str,
) -> Result<Install, carmen::runtime::RuntimeError> {
    install_hostile_with(carmen, city, grants, HOSTILE_LIMITS).await
}

/// Everything the hostile plugin asks for.
pub const HOSTILE_GRANTS: &str = "cases,store,notify,log";

/// The tight limits `install_hostile` sets, so that a runaway call is stopped quickly.
pub const HOSTILE_LIMITS: Limits = Limits {
    deadline_ms: 300,
    memory_bytes: 32 * 1024 * 1024,
};

/// Installs the hostile test plugin with `grants` and `limits`.
pub async fn install_hostile_with(
    carmen: &Carmen,
    city: &str,
    grants: &str,
    limits: Limits,
) -> Result<Install, carmen::runtime::RuntimeError> {
    let request = InstallRequest {
        hosts: Vec::new(),
        grants: Grants::parse(grants).unwrap(),
        config: Default::default(),
        manifest: Some(manifest("hostile")),
        limits,
        quotas: Default::default(),
    };
    carmen
        .install(
            &carmen.console().admin_of(city),
            &plugin_wasm("hostile"),
            request,
        )
        .await
}

/// A Carmen host on a real loopback port, over files in one temporary folder.
pub struct TestHost {
    pub carmen: Carmen,
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl TestHost {
    /// Opens the store and cache in `dir` (as a fresh process would) and serves on a free port.
    pub async fn start(dir: &Path) -> TestHost {
        let carmen = crate::open_carmen(dir).await;
        carmen.warm().await.expect("installed components load");
        TestHost::serve(carmen).await
    }

    /// Serves an already open host with the default HTTP policy.
    pub async fn serve(carmen: Carmen) -> TestHost {
        TestHost::serve_with(carmen, carmen::api::HttpPolicy::default()).await
    }

    /// Serves an already open host with `policy`, on a real port, with client addresses known.
    pub async fn serve_with(carmen: Carmen, policy: carmen::api::HttpPolicy) -> TestHost {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = carmen::api::app_with(carmen.clone(), policy)
            .into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        TestHost {
            carmen,
            addr,
            client: reqwest::Client::new(),
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// `http://addr/api/v1` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}/api/v1{path}", self.addr)
    }

    /// Sends `request`, returning the status and the JSON body (`null` when there is none).
    async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// GET, returning the status and the JSON body.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        Self::send(self.client.get(self.url(path))).await
    }

    /// POST a JSON body, returning the status and the JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        Self::send(self.client.post(self.url(path)).json(body)).await
    }

    /// POST a JSON body presenting a request's secret (`x-carmen-secret`).
    pub async fn post_with_secret(&self, path: &str, body: &Value, secret: &str) -> (u16, Value) {
        let request = self.client.post(self.url(path)).json(body);
        Self::send(request.header("x-carmen-secret", secret)).await
    }

    /// GET presenting a request's secret (`x-carmen-secret`).
    pub async fn get_with_secret(&self, path: &str, secret: &str) -> (u16, Value) {
        Self::send(
            self.client
                .get(self.url(path))
                .header("x-carmen-secret", secret),
        )
        .await
    }

    /// POST raw bytes with a content type, returning the status, content type and JSON body.
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> (u16, String, Value) {
        let response = self
            .client
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let ct = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        (status, ct, response.json().await.unwrap_or(Value::Null))
    }

    /// Stops serving and closes the store, as a process exit would.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap();
        }
        self.carmen.db().close().await;
    }
}

/// The pickup day (`YYYY-MM-DD`) in a bulky-waste booking's English answer ("Your pickup is booked for 4
/// December 2026 (Friday). …").
pub fn pickup_day(answer: &Value) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let message = answer["answer"]["message"].as_str().unwrap_or_default();
    let words: Vec<&str> = message.split(' ').skip(5).take(3).collect();
    let day = match words[..] {
        [day, month, year] => day
            .parse::<u8>()
            .ok()
            .zip(MONTHS.iter().position(|m| *m == month))
            .zip(year.parse::<i32>().ok()),
        _ => None,
    };
    let ((day, month), year) = day.unwrap_or_else(|| panic!("no pickup day in {answer}"));
    format!("{year:04}-{:02}-{day:02}", month + 1)
}

/// The rating of request `id` of `city`, as its staff see it.
pub async fn rating_of(
    carmen: &Carmen,
    city: &str,
    id: i64,
) -> Option<carmen::runtime::types::Rating> {
    let staff = carmen.console().staff_of(city);
    let file = carmen.case_file(&staff, id).await.unwrap();
    carmen.rating(&file.case).await.unwrap()
}

/// What the process-wide counter `name` (as `/metrics` spells it) has counted so far: other
/// tests' or runs' calls only add to it, so compare it with a reading taken before.
pub fn counted(name: &str) -> u64 {
    let text = carmen_core::metrics::render(0, &[]);
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in\n{text}"))
}

/// Counts rows of `table` belonging to `city`, reading the store directly.
pub async fn count_rows(carmen: &Carmen, table: &str, city: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(&format!("SELECT COUNT(*) FROM {table} WHERE city = $1"))
        .bind(city)
        .fetch_one(carmen.db().pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

/// The test world: Rivertown and Hillcrest, each with `services` installed (a plugin and its
/// settings), served on a real port.
pub async fn two_cities_with(
    dir: &std::path::Path,
    services: &[(&str, &[(&str, &str)])],
) -> TestHost {
    let carmen = open_carmen(dir).await;
    for (slug, name) in [("rivertown", "Rivertown"), ("hillcrest", "Hillcrest")] {
        add_city(&carmen, slug, name).await.unwrap();
        for (plugin, config) in services {
            install(&carmen, slug, plugin, config).await;
        }
    }
    TestHost::serve(carmen).await
}

/// Adds city `slug` as the operator at the console does.
pub async fn add_city(
    carmen: &Carmen,
    slug: &str,
    name: &str,
) -> Result<carmen::runtime::types::City, carmen::runtime::RuntimeError> {
    let (city, _) = carmen
        .create_city(&carmen.console(), slug, name, None, None)
        .await?;
    Ok(city)
}

/// Routes `city`'s requests of `category` ('' for all) to `service` to a new department
/// `department`, as the city's administrator does.
pub async fn route_to(
    carmen: &Carmen,
    city: &str,
    service: &str,
    category: &str,
    department: &str,
) {
    let admin = carmen.console().admin_of(city);
    carmen
        .add_department(&admin, department, department)
        .await
        .expect("the department is added");
    let route = carmen::runtime::types::Route {
        service: service.into(),
        category: category.into(),
        department: department.into(),
    };
    carmen
        .set_route(&admin, &route)
        .await
        .expect("the route is set");
}

/// A portal form as a browser posts it with files: `multipart/form-data` with `fields` (name,
/// value) and `files` (field name, bytes); the content type (with its boundary) and the body.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "carmen-test-boundary-7d1f0b2c";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (n, (name, bytes)) in files.iter().enumerate() {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"photo{n}.png\"\r\nContent-Type: image/png\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A CSRF token a visitor holds (the cookie and the form field carry the same value).
pub const CSRF: &str = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";

/// A street-issue report from the portal with `photos`, as an anonymous visitor posts it:
/// the request, ready to send to `http://<addr>/<city>/services/street-issue`.
pub fn portal_report(
    client: &reqwest::Client,
    addr: SocketAddr,
    city: &str,
    photos: &[&[u8]],
) -> reqwest::RequestBuilder {
    let files: Vec<(&str, &[u8])> = photos.iter().map(|p| ("photos", *p)).collect();
    let (content_type, body) = multipart(
        &[
            ("csrf", CSRF),
            ("field.category", "pothole"),
            ("address", "Canal Street 4"),
            ("description", "A deep hole"),
        ],
        &files,
    );
    client
        .post(format!("http://{addr}/{city}/services/street-issue"))
        .header("content-type", content_type)
        .header("cookie", format!("carmen_csrf={CSRF}"))
        .header("origin", format!("http://{addr}"))
        .body(body)
}

/// A PNG of `width`×`height` pixels, a soft gradient (it compresses well but must be decoded
/// whole).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x / 16 % 256) as u8, (y / 16 % 256) as u8, 96])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("a PNG encodes");
    out.into_inner()
}

/// A PNG of `width`×`height` black pixels: a few hundred KB that decode to `width`×`height`×3
/// bytes.
pub fn blank_png(width: u32, height: u32) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::new(width, height)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("a PNG encodes");
    out.into_inner()
}

/// A copy of the example project `name` (from `examples/`) in `dir`, without its build output
/// or installed packages; its path.
pub fn example(name: &str, dir: &Path) -> PathBuf {
    let to = dir.join(name);
    copy_dir(&workspace().join("examples").join(name), &to);
    to
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "build" && entry.file_name() != "node_modules" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `count` cities, `city-0` to `city-<count - 1>`, written by SQL into `carmen`'s store (adding
/// them one by one would measure the city admin, not what a bench is after); and the columns of
/// `installs` but `leaving_out`, for copying a template city's installs to them.
pub async fn numbered_cities(carmen: &Carmen, count: usize, leaving_out: &[&str]) -> Vec<String> {
    use sqlx::Row;
    let pool = carmen.db().pool();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $1) \
         INSERT INTO cities (slug, name, created_at) SELECT 'city-' || i, 'City ' || i, 0 FROM n",
    )
    .bind(count as i64)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("SELECT name FROM pragma_table_info('installs')")
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|row| row.get::<String, _>(0))
        .filter(|name| !leaving_out.contains(&name.as_str()))
        .collect()
}
