//! A city's developer in Rust, Python or JavaScript, from nothing to a citizen's answer:
//! `carmen plugin new` → `plugin build` (the real toolchain: cargo, componentize-py,
//! componentize-js) → `plugin test` (a real engine, a throwaway city) → `carmen publish` to a
//! registry over HTTP → installed in another city → a citizen's request answered over HTTP. The
//! example services in Python and JavaScript go the same way with their own scenarios. And what
//! the host refuses before compiling: an ungranted capability, a WASI interface it does not provide.

use std::path::{Path, PathBuf};
use std::time::Instant;

use carmen::cli::plugin::{self, Lang, Scaffold};
use carmen_tests::{TestHost, workspace};
use clap::Parser;
use serde_json::{Value, json};

/// Where the Rust projects' cargo builds: one folder for all, so wit-bindgen compiles once.
fn cargo_target() -> PathBuf {
    workspace().join("target/plugin-projects")
}

/// The compiled-component cache of a test's developer (the CLI uses the user's own cache folder).
fn compiled(dir: &Path) -> PathBuf {
    dir.join("compiled")
}

/// `carmen plugin build`, off the async threads.
pub(crate) async fn build(dir: &Path) -> plugin::Built {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || plugin::build_with(&dir, Some(&cargo_target())))
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("plugin build: {e:#}"))
}

/// Runs `carmen <args>` as the command line does.
async fn carmen_cli(args: &[&str]) -> anyhow::Result<()> {
    let cli =
        carmen::cli::Cli::try_parse_from(std::iter::once("carmen").chain(args.iter().copied()))?;
    carmen::cli::run(cli).await
}

/// `carmen publish` of the project to a fresh registry as Rivertown's developer (its signing key
/// in `dir`); the registry.
async fn publish_with_cli(project: &Path, dir: &Path) -> crate::registry::World {
    let world = crate::registry::registry().await;
    let key = dir.join("signing.key");
    std::fs::write(&key, &world.secret).unwrap();
    carmen_cli(&[
        "publish",
        &project.to_string_lossy(),
        "--registry",
        &world.url,
        "--token",
        &world.token,
        "--key-file",
        &key.to_string_lossy(),
    ])
    .await
    .unwrap_or_else(|e| panic!("publish: {e:#}"));
    world
}

/// `carmen publish` of the project to a fresh registry as Rivertown's developer, then an install
/// of it in Hillcrest granting `grants`, served over HTTP; returns the host and the registry.
async fn publish_and_install_elsewhere(
    project: &Path,
    name: &str,
    grants: &str,
    dir: &Path,
) -> (TestHost, crate::registry::World) {
    let world = publish_with_cli(project, dir).await;
    let info = world.client.package(name).await.unwrap();
    assert_eq!(info.versions.len(), 1, "published once");

    // The host keeps its compiled components where `plugin test` kept them (the developer's
    // cache): the install in Hillcrest loads the compiled form of the same digest instead of
    // compiling it again.
    std::fs::create_dir_all(dir.join("host")).unwrap();
    let carmen = carmen::runtime::Carmen::open(
        &dir.join("host/carmen.db()").to_string_lossy(),
        &compiled(dir),
    )
    .await
    .unwrap();
    carmen_tests::add_city(&carmen, "hillcrest", "Hillcrest")
        .await
        .unwrap();
    let install = world
        .install(&carmen, "hillcrest", name, "^0.1", grants, false)
        .await
        .unwrap_or_else(|e| panic!("install in hillcrest: {e}"));
    assert_eq!(install.plugin, name);
    (TestHost::serve(carmen).await, world)
}

async fn from_nothing_to_a_citizens_answer(lang: Lang, name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join(name);
    let started = Instant::now();
    plugin::new_project(&Scaffold {
        name,
        lang,
        caps: "store,log",
        dir: &project,
    })
    .unwrap();
    let world = std::fs::read_to_string(project.join("wit/world.wit")).unwrap();
    assert!(
        world.contains("import carmen:city/store@0.1.2;")
            && world.contains("import carmen:city/log@0.1.2;")
            && !world.contains("cases"),
        "the world imports exactly the chosen capabilities: {world}"
    );

    let built = build(&project).await;
    assert_eq!(built.capabilities, "store,log", "{built}");
    let build_took = started.elapsed();
    if lang == Lang::Python {
        let types = std::fs::read_to_string(project.join("stubs/wit_world/imports/types.py"))
            .expect("typed bindings for the editor");
        assert!(types.contains("received_at: int"), "{types}");
    }
    if lang == Lang::Js {
        let types =
            std::fs::read_to_string(project.join("types/interfaces/carmen-city-types.d.ts"))
                .expect("TypeScript declarations for the editor");
        assert!(
            types.contains("export type Timestamp = bigint;")
                && types.contains("receivedAt: Timestamp"),
            "{types}"
        );
    }

    let report = plugin::test(&project, None, None, &compiled(dir.path()))
        .await
        .unwrap();
    let text = report.to_string();
    assert!(report.passed(), "{text}");
    assert!(text.contains("opened case #"), "{text}");
    assert!(
        text.contains("rejected: what: Say in a few words"),
        "{text}"
    );
    assert!(
        report
            .written
            .store
            .iter()
            .any(|(k, v)| k == "requests" && v == b"1"),
        "the test shows what the service stored: {text}"
    );
    assert_eq!(report.written.cases.len(), 1, "{text}");
    // A scenario the service does not meet fails with each difference named, in any language.
    let wrong = project.join("scenarios/wrong.toml");
    std::fs::write(
        &wrong,
        "[given]\nsettings = {}\nfields = { what = \"A broken bench\" }\nlocation = { address = \"Market Square 1\" }\n\
         [expect]\noutcome = \"opened\"\nstore = { requests = \"2\" }\n[expect.case]\ndepartment = \"roads\"\n",
    )
    .unwrap();
    let report = plugin::test(&project, None, None, &compiled(dir.path()))
        .await
        .unwrap();
    let text = report.to_string();
    assert_eq!(report.failures(), 1, "{text}");
    assert!(
        text.contains("FAIL wrong.toml")
            && text.contains("- case.department: expected \"roads\", got \"general\"")
            && text.contains("- store.requests: expected \"2\", got \"1\""),
        "{text}"
    );
    std::fs::remove_file(&wrong).unwrap();

    let (host, _registry) =
        publish_and_install_elsewhere(&project, name, "store,log", dir.path()).await;
    let (status, body) = host
        .post(
            &format!("/cities/hillcrest/services/{name}/requests"),
            &json!({"fields": {"what": "A broken bench"}, "location": {"address": "Market Square 1"}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(
        body.to_string()
            .contains("Thank you: the city's staff will look at it."),
        "the citizen is answered by the service: {body}"
    );
    let (_, again) = host
        .post(
            &format!("/cities/hillcrest/services/{name}/requests"),
            &json!({"fields": {"what": "x"}, "location": {"address": "Market Square 1"}}),
        )
        .await;
    assert!(again.to_string().contains("Say in a few words"), "{again}");
    host.stop().await;
    eprintln!(
        "{}: new -> build in {:.1} s ({:.1} MB), new -> a citizen answered in another city in {:.1} s",
        lang.name(),
        build_took.as_secs_f64(),
        built.bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rust_service_goes_from_nothing_to_a_citizens_answer_in_another_city() {
    from_nothing_to_a_citizens_answer(Lang::Rust, "bench-repair-rust").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn plugin_run_serves_the_form_in_a_throwaway_city() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("pothole-run");
    plugin::new_project(&Scaffold {
        name: "pothole-run",
        lang: Lang::Rust,
        caps: "log",
        dir: &project,
    })
    .unwrap();
    build(&project).await;
    let addr = carmen_tests::child::free_addr();
    let serving = tokio::spawn({
        let project = project.clone();
        let cache = compiled(dir.path());
        async move { plugin::run(&project, addr, None, &cache, None).await }
    });
    let client = reqwest::Client::new();
    let form = format!("http://{addr}/try/services/pothole-run");
    let page = loop {
        match client.get(&form).send().await {
            Ok(answer) => break answer,
            Err(_) if !serving.is_finished() => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await
            }
            Err(error) => panic!("plugin run stopped: {error}"),
        }
    };
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("What is it about?"));
    serving.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_python_service_goes_from_nothing_to_a_citizens_answer_in_another_city() {
    from_nothing_to_a_citizens_answer(Lang::Python, "bench-repair-python").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_javascript_service_goes_from_nothing_to_a_citizens_answer_in_another_city() {
    from_nothing_to_a_citizens_answer(Lang::Js, "bench-repair-js").await;
}

/// An example of the repository, copied to a scratch folder (its build stays out of the tree).
async fn citizen_asks(host: &TestHost, code: &str, body: Value) -> (u16, Value) {
    host.post(
        &format!("/cities/hillcrest/services/{code}/requests"),
        &body,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_python_example_reports_noise_and_raises_repeated_streets() {
    let dir = tempfile::tempdir().unwrap();
    let project = carmen_tests::example("python-noise-report", dir.path());
    let built = build(&project).await;
    assert_eq!(built.capabilities, "store,config,log", "{built}");
    let report = plugin::test(&project, None, None, &compiled(dir.path()))
        .await
        .unwrap();
    assert!(report.passed(), "{report}");

    let (host, _registry) =
        publish_and_install_elsewhere(&project, "noise-report", "store,config,log", dir.path())
            .await;
    let report_noise = |address: &str| json!({"fields": {"source": "music", "when": "Every night after 23:00"}, "location": {"address": address}});
    for n in 12..15 {
        let (status, body) = citizen_asks(
            &host,
            "noise-report",
            report_noise(&format!("Mill Lane {n}")),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let (_, dutch) = citizen_asks(
        &host,
        "noise-report",
        json!({"fields": {"source": "traffic", "when": "x"}, "location": {"address": "Mill Lane 1"}, "language": "nl"}),
    )
    .await;
    assert!(
        dutch.to_string().contains("Zeg in een paar woorden"),
        "{dutch}"
    );
    // The third report about Mill Lane was raised to high priority (the city's threshold is 3).
    let (cases, _) = host
        .carmen
        .queue(
            &host.carmen.console().staff_of("hillcrest"),
            &carmen::runtime::types::QueueFilter {
                per_page: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let high: Vec<_> = cases
        .iter()
        .filter(|c| c.priority == carmen::runtime::types::Priority::High)
        .collect();
    assert_eq!(cases.len(), 3, "{cases:?}");
    assert_eq!(high.len(), 1, "{cases:?}");
    assert!(high[0].title.contains("mill lane"), "{}", high[0].title);
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_javascript_example_plants_one_tree_per_address() {
    let dir = tempfile::tempdir().unwrap();
    let project = carmen_tests::example("js-tree-request", dir.path());
    let built = build(&project).await;
    assert_eq!(built.capabilities, "store,log", "{built}");
    let report = plugin::test(&project, None, None, &compiled(dir.path()))
        .await
        .unwrap();
    assert!(report.passed(), "{report}");

    // Hillcrest's administrator installs it over the API on a host that never compiled it: a
    // 12 MB component compiles longer than an administrator's request waits, so the answer is a
    // job to follow (202), and the service is there once the job is done.
    let world = publish_with_cli(&project, dir.path()).await;
    let carmen = carmen_tests::open_carmen(dir.path())
        .await
        .with_registry(Some(world.url.clone()))
        .with_registry_token(Some(world.token.clone()));
    let admin = carmen::runtime::types::NewUser {
        name: "Admin".into(),
        email: Some("admin@hillcrest.example".into()),
        password: Some(carmen_tests::api::PASSWORD.into()),
        ..Default::default()
    };
    carmen
        .create_city(
            &carmen.console(),
            "hillcrest",
            "Hillcrest",
            None,
            Some(admin),
        )
        .await
        .unwrap();
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    let host = TestHost::serve(carmen).await;
    let token = carmen_tests::api::sign_in(&host, "hillcrest", "admin@hillcrest.example").await;
    let (status, job) = carmen_tests::api::call(
        &host,
        reqwest::Method::POST,
        "/cities/hillcrest/registry/installs",
        Some(&token),
        Some(json!({"package": "tree-request", "grants": ["store", "log"]})),
    )
    .await;
    assert_eq!(status, 202, "{job}");
    assert_eq!(job["state"], "running", "{job}");
    let href = job["href"]
        .as_str()
        .unwrap()
        .trim_start_matches("/api/v1")
        .to_string();
    // The console follows it too: a page that reloads itself while the job runs.
    let page = host
        .client
        .get(format!(
            "http://{}/hillcrest/console/marketplace/jobs/{}",
            host.addr, job["id"]
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(
        page.headers().get("refresh").map(|v| v.to_str().unwrap()),
        Some("2")
    );
    let text = page.text().await.unwrap();
    assert!(
        text.contains("install tree-request") && text.contains("Compiling the service"),
        "{text}"
    );
    let (status, _) = citizen_asks(
        &host,
        "tree-request",
        json!({"fields": {"species": "linden"}, "location": {"address": "Canal Street 4"}}),
    )
    .await;
    assert_eq!(status, 404, "not there before the compile is done");
    let done = loop {
        let (status, job) =
            carmen_tests::api::call(&host, reqwest::Method::GET, &href, Some(&token), None).await;
        assert_eq!(status, 200, "{job}");
        if job["state"] != "running" {
            break job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    };
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["install"]["code"], "tree-request", "{done}");
    // Nor can it be followed from another city.
    let (status, _) = carmen_tests::api::call(
        &host,
        reqwest::Method::GET,
        &href.replace("hillcrest", "rivertown"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(
        status, 403,
        "another city's job is not shown to this city's administrator"
    );
    let ask = json!({"fields": {"species": "linden"}, "location": {"address": "Canal Street 4"}});
    let (status, first) = citizen_asks(&host, "tree-request", ask.clone()).await;
    assert_eq!(status, 201, "{first}");
    assert!(first.to_string().contains("TREE-0001"), "{first}");
    let (status, second) = citizen_asks(&host, "tree-request", ask).await;
    assert_eq!(status, 201, "{second}");
    assert!(
        second
            .to_string()
            .contains("already asked for at this address (reference TREE-0001)"),
        "{second}"
    );
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wasi_interface_the_host_does_not_provide_is_refused_with_the_list_of_those_it_does() {
    let dir = tempfile::tempdir().unwrap();
    let carmen = carmen_tests::open_carmen(dir.path()).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    // The wasi:http component the public-reads benchmark serves imports wasi:http/types.
    let bytes =
        std::fs::read(workspace().join("target/wasm32-wasip2/release/fixed_json.wasm")).unwrap();
    let started = Instant::now();
    let refused = carmen
        .install(
            &carmen.console().admin_of("rivertown"),
            &bytes,
            Default::default(),
        )
        .await
        .unwrap_err()
        .to_string();
    let took = started.elapsed();
    assert!(refused.contains("wasi:http/types@0.2"), "{refused}");
    assert!(
        refused.contains("does not provide")
            && refused.contains("wasi:io/streams")
            && refused.contains("wasi:cli/stdout"),
        "the refusal lists what the host provides: {refused}"
    );
    assert_eq!(
        carmen.engine().cache_stats().compiled,
        0,
        "refused before compiling"
    );
    assert_eq!(
        carmen.engine().compiled_on_disk().0,
        0,
        "the cache holds nothing of it"
    );
    assert!(took.as_millis() < 500, "refused in {took:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_component_refused_after_compiling_leaves_nothing_in_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("bad-code");
    plugin::new_project(&Scaffold {
        name: "bad-code",
        lang: Lang::Rust,
        caps: "log",
        dir: &project,
    })
    .unwrap();
    // A careless author describes the service with a code that is not one.
    let source = project.join("src/lib.rs");
    let text = std::fs::read_to_string(&source).unwrap();
    assert!(text.contains("code: \"bad-code\".into(),"));
    std::fs::write(
        &source,
        text.replace(
            "code: \"bad-code\".into(),",
            "code: \"Not a code!\".into(),",
        ),
    )
    .unwrap();
    let built = build(&project).await;
    let bytes = std::fs::read(&built.wasm).unwrap();

    std::fs::create_dir_all(dir.path().join("host")).unwrap();
    let carmen = carmen_tests::open_carmen(&dir.path().join("host")).await;
    carmen_tests::add_city(&carmen, "rivertown", "Rivertown")
        .await
        .unwrap();
    let install = || carmen::runtime::install::InstallRequest {
        hosts: Vec::new(),
        grants: carmen::runtime::types::Grants::parse("log").unwrap(),
        ..Default::default()
    };
    let console = carmen.console();
    for attempt in 1..=2 {
        let refused = carmen
            .install(&console.admin_of("rivertown"), &bytes, install())
            .await
            .unwrap_err()
            .to_string();
        assert!(refused.contains("invalid service code"), "{refused}");
        assert_eq!(
            carmen.engine().cache_stats().compiled,
            attempt,
            "compiled again: nothing of it was kept in memory"
        );
        assert_eq!(carmen.engine().compiled_on_disk(), (0, 0), "nor on disk");
    }
    assert!(carmen.installs("rivertown").await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_authors_mistakes_at_publish_and_run_are_answered_with_their_fix() {
    let dir = tempfile::tempdir().unwrap();
    let world = crate::registry::registry().await;
    let plugin = workspace().join("plugins/street-issue");
    let wasm = workspace().join("target/wasm32-wasip2/release/street_issue.wasm");
    let key = dir.path().join("signing.key");
    let said = |result: anyhow::Result<()>| format!("{:#}", result.expect_err("refused"));
    let publish = |token: &str| {
        let (plugin, wasm, key) = (
            plugin.to_string_lossy(),
            wasm.to_string_lossy(),
            key.to_string_lossy(),
        );
        let args: Vec<String> = [
            "publish",
            &plugin,
            "--wasm",
            &wasm,
            "--registry",
            &world.url,
            "--token",
            token,
            "--key-file",
            &key,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            carmen_cli(&args).await
        }
    };
    // No signing key yet: where one comes from.
    let error = said(publish(&world.token).await);
    assert!(error.contains("carmen registry publisher"), "{error}");
    assert!(
        error.contains(&key.to_string_lossy().to_string()),
        "{error}"
    );
    // A token this registry never gave: which registry was asked, and how to name another.
    std::fs::write(&key, &world.secret).unwrap();
    let error = said(publish("not-a-token-of-this-registry").await);
    assert!(
        error.contains(&world.url) && error.contains("--registry"),
        "{error}"
    );
    // `plugin run` on a busy address: said before anything is built, with the flag to change.
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let error = said(
        carmen_cli(&[
            "plugin",
            "run",
            &plugin.to_string_lossy(),
            "--listen",
            &addr,
        ])
        .await,
    );
    assert!(
        error.contains("already listens") && error.contains("--listen"),
        "{error}"
    );
    // The help names every capability a city can grant.
    let help = carmen::cli::Cli::try_parse_from(["carmen", "service", "install", "--help"])
        .err()
        .unwrap()
        .to_string();
    for capability in [
        "cases",
        "store",
        "notify",
        "config",
        "log",
        "clock",
        "requester",
    ] {
        assert!(help.contains(capability), "{capability} in {help}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn plugin_run_watch_serves_a_saved_edit_within_its_build_time_and_keeps_the_citys_data() {
    use carmen::cli::plugin::{Reload, Watch};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("bench-watch");
    plugin::new_project(&Scaffold {
        name: "bench-watch",
        lang: Lang::Rust,
        caps: "store,log",
        dir: &project,
    })
    .unwrap();
    build(&project).await;
    let addr = {
        let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        free.local_addr().unwrap()
    };
    let told: Arc<Mutex<Vec<(Instant, Reload)>>> = Arc::default();
    let watch = Watch {
        cargo_target: Some(cargo_target()),
        told: Box::new({
            let told = told.clone();
            move |reload| told.lock().unwrap().push((Instant::now(), reload))
        }),
    };
    let serving = tokio::spawn({
        let (project, cache) = (project.clone(), compiled(dir.path()));
        async move { plugin::run(&project, addr, None, &cache, Some(watch)).await }
    });
    let client = reqwest::Client::new();
    let api = format!("http://{addr}/api/v1/cities/try/services/bench-watch");
    let description = || async {
        let answer = client.get(&api).send().await.ok()?;
        let body: Value = answer.json().await.ok()?;
        body["description"].as_str().map(str::to_string)
    };
    let started = Instant::now();
    while description().await.is_none() {
        assert!(started.elapsed() < Duration::from_secs(120), "never served");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (client, api) = (&client, &api);
    let file = |n: u32| async move {
        let request = json!({"fields": {"what": format!("A broken bench {n}")}, "location": {"address": "Market Square 1"}});
        let answer = client
            .post(format!("{api}/requests"))
            .json(&request)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 201);
        answer.json::<Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let first = file(1).await;

    // An edit, saved: the new description is served within the build's time plus a second.
    let source = project.join("src/lib.rs");
    let text = std::fs::read_to_string(&source).unwrap();
    let edited = text.replace(
        "Tell the city what you need and where",
        "Edited: tell the city what you need and where",
    );
    assert_ne!(text, edited);
    let saved_at = Instant::now();
    std::fs::write(&source, &edited).unwrap();
    let served_at = loop {
        if description()
            .await
            .is_some_and(|d| d.starts_with("Edited:"))
        {
            break Instant::now();
        }
        assert!(
            saved_at.elapsed() < Duration::from_secs(180),
            "the edit was never served"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let (built, loaded) = match told.lock().unwrap().first() {
        Some((_, Reload::Served { built, loaded })) => (*built, *loaded),
        other => panic!("{other:?}"),
    };
    let took = served_at - saved_at;
    println!(
        "an edit served {:.2} s after it was saved; its build took {:.2} s, putting it in place {:.2} s",
        took.as_secs_f64(),
        built.as_secs_f64(),
        loaded.as_secs_f64()
    );
    assert!(
        took <= built + Duration::from_secs(1),
        "{took:?} > {built:?} + 1 s"
    );
    // The city's data is kept: the next request follows the first.
    assert!(file(2).await > first);

    // A broken edit is told, and the last good build stays served.
    std::fs::write(
        &source,
        edited.replace("impl Guest for Service", "impl Guest for"),
    )
    .unwrap();
    let waited = Instant::now();
    while told.lock().unwrap().len() < 2 {
        assert!(
            waited.elapsed() < Duration::from_secs(120),
            "the failed build was never told"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        matches!(&told.lock().unwrap()[1].1, Reload::BuildFailed(_)),
        "{:?}",
        told.lock().unwrap()[1].1
    );
    assert!(
        description()
            .await
            .is_some_and(|d| d.starts_with("Edited:"))
    );
    serving.abort();
}

/// A new project in `dir`, its source edited by `edit` (what to replace, and with what).
fn project_with(dir: &Path, name: &str, lang: Lang, edits: &[(&str, &str)]) -> PathBuf {
    let project = dir.join(name);
    plugin::new_project(&Scaffold {
        name,
        lang,
        caps: "log",
        dir: &project,
    })
    .unwrap();
    let source = project.join(lang.source());
    let mut text = std::fs::read_to_string(&source).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "{from} in {text}");
        text = text.replacen(from, to, 1);
    }
    std::fs::write(&source, text).unwrap();
    project
}

/// The one line `plugin test` gave the failed call, and its fix.
async fn failure_of(project: &Path, dir: &Path) -> String {
    let report = plugin::test(project, None, None, &compiled(dir))
        .await
        .unwrap();
    assert!(!report.passed(), "{report}");
    report.to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_catalogues_mistakes_are_each_answered_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let said = |result: anyhow::Result<()>| format!("{:#}", result.expect_err("refused"));
    let build_cli = |project: &Path| {
        let project = project.to_string_lossy().into_owned();
        async move { carmen_cli(&["plugin", "build", &project]).await }
    };

    // A capability added to carmen.toml, the world not written again: said before any toolchain.
    let project = project_with(dir.path(), "stale-world", Lang::Python, &[]);
    let manifest = project.join("carmen.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace(
            "capabilities = [\"log\"]",
            "capabilities = [\"store\", \"log\"]",
        ),
    )
    .unwrap();
    let error = said(build_cli(&project).await);
    assert!(
        error.contains("wit/world.wit imports log but carmen.toml asks for log, store")
            && error.contains("run `carmen plugin world`"),
        "{error}"
    );

    // A Rust package renamed in carmen.toml only.
    let project = project_with(dir.path(), "renamed", Lang::Rust, &[]);
    let manifest = project.join("carmen.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("name = \"renamed\"", "name = \"renamed-again\""),
    )
    .unwrap();
    let error = said(build_cli(&project).await);
    assert!(
        error.contains("Cargo.toml names it \"renamed\"") && error.contains("same name"),
        "{error}"
    );

    // Files, and a loop past the deadline, in Rust.
    let project = project_with(
        dir.path(),
        "sandboxed-rust",
        Lang::Rust,
        &[(
            "        let what = answer(&submission, \"what\").trim().to_string();",
            "        let what = answer(&submission, \"what\").trim().to_string();\n        \
             if what == \"A file\" { let _ = std::fs::read_to_string(\"/etc/hosts\").unwrap(); }\n        \
             if what == \"A loop\" { loop { std::hint::black_box(&what); } }\n        \
             if what == \"A deep\" { fn deep(n: u64) -> u64 { if n == 0 { 0 } else { 1 + std::hint::black_box(deep(std::hint::black_box(n) - 1)) } } std::hint::black_box(deep(u64::MAX)); }\n        \
             if what == \"A heap\" { let kept = vec![7u8; 1 << 30]; std::hint::black_box(&kept); }",
        )],
    );
    build(&project).await;
    let scenario = |what: &str| {
        format!(
            "[given]\nfields = {{ what = \"{what}\" }}\nlocation = {{ address = \"Market Square 1\" }}\n[expect]\noutcome = \"opened\"\n"
        )
    };
    std::fs::remove_dir_all(project.join("scenarios")).unwrap();
    std::fs::create_dir(project.join("scenarios")).unwrap();
    std::fs::write(project.join("scenarios/file.toml"), scenario("A file")).unwrap();
    std::fs::write(project.join("scenarios/loop.toml"), scenario("A loop")).unwrap();
    std::fs::write(project.join("scenarios/deep.toml"), scenario("A deep")).unwrap();
    std::fs::write(project.join("scenarios/heap.toml"), scenario("A heap")).unwrap();
    let text = failure_of(&project, dir.path()).await;
    assert!(
        text.contains("- files used from the sandbox: a service has no files")
            && text.contains("capability `store`"),
        "{text}"
    );
    assert!(
        text.contains("- a call past its deadline:") && text.contains("a loop that does not end"),
        "{text}"
    );
    assert!(
        text.contains("- a recursion too deep:") && text.contains("make the recursion a loop"),
        "{text}"
    );
    assert!(
        text.contains("- a call past its memory cap:") && text.contains("a page at a time"),
        "{text}"
    );

    // The network, in Python: a module that would open a URL.
    let project = project_with(
        dir.path(),
        "networked-python",
        Lang::Python,
        &[
            (
                "from typing import List",
                "from typing import List\nimport urllib.request",
            ),
            (
                "        what = answer(submission, \"what\").strip()",
                "        what = answer(submission, \"what\").strip()\n        urllib.request.urlopen(\"http://example.org/\")",
            ),
        ],
    );
    build(&project).await;
    let text = failure_of(&project, dir.path()).await;
    assert!(
        text.contains("unknown encoding: idna")
            && text.contains("- the network used from the sandbox:")
            && text.contains("capability `http`"),
        "{text}"
    );

    // BigInt and number mixed, in JavaScript: a day added to the time a request was received.
    let project = project_with(
        dir.path(),
        "bigint-js",
        Lang::Js,
        &[
            (
                "        due: undefined,",
                "        due: submission.receivedAt + 86400,",
            ),
            (
                "  tick(now) {},",
                "  tick(now) { throw new Error('no tick today'); },",
            ),
        ],
    );
    build(&project).await;
    let text = failure_of(&project, dir.path()).await;
    assert!(
        text.contains("BigInt")
            && text.contains("- BigInt and number mixed in JavaScript:")
            && text.contains("Number(x)"),
        "{text}"
    );
    assert!(
        text.contains("- an Error thrown where JavaScript must throw a string:")
            && text.contains("throw String("),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn scenarios_stand_in_for_the_citys_application_and_show_what_it_was_asked() {
    let dir = tempfile::tempdir().unwrap();
    // bulky-waste's own manifest and scenarios, beside its component.
    let project = dir.path().join("bulky-waste");
    std::fs::create_dir_all(project.join("scenarios")).unwrap();
    let plugin = workspace().join("plugins/bulky-waste");
    std::fs::copy(plugin.join("carmen.toml"), project.join("carmen.toml")).unwrap();
    for entry in std::fs::read_dir(plugin.join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            project.join("scenarios").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    let wasm = workspace().join("target/wasm32-wasip2/release/bulky_waste.wasm");
    let report = plugin::test(&project, None, Some(&wasm), &compiled(dir.path()))
        .await
        .unwrap();
    let text = report.to_string();
    assert!(report.passed(), "{text}");
    assert_eq!(report.failures(), 0);
    assert!(
        text.contains("answered:") && text.contains("WB-1042"),
        "{text}"
    );
    // The booking is kept under the waste system's reference, in the city of that scenario.
    assert!(
        report
            .written
            .store
            .iter()
            .any(|(key, _)| key == "booking/WB-1042"),
        "{text}"
    );

    // A scenario that expects the service not to book: the difference names what it asked.
    let other = dir.path().join("other-scenarios");
    std::fs::create_dir_all(&other).unwrap();
    let booked =
        std::fs::read_to_string(project.join("scenarios/booked-in-the-citys-waste-system.toml"))
            .unwrap();
    std::fs::write(
        other.join("only-asks.toml"),
        booked.replace(
            "back_office = [\"GET /slots\", \"POST /bookings\"]",
            "back_office = [\"GET /slots\"]",
        ),
    )
    .unwrap();
    let report = plugin::test(&project, Some(&other), Some(&wasm), &compiled(dir.path()))
        .await
        .unwrap();
    let text = report.to_string();
    assert_eq!(report.failures(), 1, "{text}");
    assert!(
        text.contains(
            "- back_office: expected [\"GET /slots\"], got [\"GET /slots\", \"POST /bookings\"]"
        ),
        "{text}"
    );
}
