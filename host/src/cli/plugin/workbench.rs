//! `carmen plugin test` and `carmen plugin run`: the built component in a throwaway city on a real
//! engine and a real SQLite file under the project's build/ folder. Compiled forms are kept in the
//! user's own cache folder (`user_cache`), so a second run does not compile again — never in the
//! project, whose files come with it: a compiled form is native code the engine loads as it is.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;

use super::back_office::BackOffice;
use super::scenarios;
use super::{built_wasm, read_manifest};
use crate::manifest::Manifest;
use crate::runtime::Carmen;
use crate::runtime::install::InstallRequest;
use crate::runtime::requests::Submitted;
use crate::runtime::types::{CaseStatus, Grants, Written};

/// The throwaway city a component is tried in; scenario N runs in city `try-N`.
const CITY: &str = "try";

/// One call and what became of it.
pub struct Step {
    pub call: String,
    pub took: Duration,
    pub said: String,
    /// None: nothing was expected; Some(false): not what was expected.
    pub as_expected: Option<bool>,
    /// How it differs from what was expected, one line each.
    pub differences: Vec<String>,
}

impl Step {
    /// A call that was expected to work, and did or did not.
    /// A failure the catalogue knows comes with what to do.
    fn worked(call: impl Into<String>, took: Duration, said: String, ok: bool) -> Step {
        let differences = match super::mistakes::recognise(&said) {
            Some(mistake) if !ok => vec![format!("{}: {}", mistake.name, mistake.fix)],
            _ => Vec::new(),
        };
        Step {
            call: call.into(),
            took,
            said,
            as_expected: Some(ok),
            differences,
        }
    }
}

/// What `carmen plugin test` found.
pub struct Report {
    pub name: String,
    pub compiled_in: Duration,
    pub steps: Vec<Step>,
    pub written: Written,
}

impl Report {
    pub fn failures(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| s.as_expected == Some(false))
            .count()
    }

    pub fn passed(&self) -> bool {
        self.failures() == 0
    }
}

/// Text from the service as the terminal shows it: control characters (escape sequences) escaped.
fn plain(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: installed in a throwaway city (compile or load {})",
            self.name,
            ms(self.compiled_in)
        )?;
        for step in &self.steps {
            let mark = match step.as_expected {
                Some(true) => "ok  ",
                Some(false) => "FAIL",
                None => "    ",
            };
            writeln!(
                f,
                "{mark} {:<30} {:>10}  {}",
                step.call,
                ms(step.took),
                plain(&step.said)
            )?;
            for difference in &step.differences {
                writeln!(f, "       - {}", plain(difference))?;
            }
        }
        writeln!(f, "what it wrote:")?;
        for case in &self.written.cases {
            writeln!(
                f,
                "  case #{} [{}] {} (department {})",
                case.id,
                case.status.as_str(),
                plain(&case.title),
                plain(case.department.as_deref().unwrap_or("-"))
            )?;
        }
        for (key, value) in &self.written.store {
            let text = String::from_utf8_lossy(value);
            let shown: String = text.chars().take(80).collect();
            writeln!(f, "  store {key:?} = {shown:?} ({} bytes)", value.len())?;
        }
        for message in &self.written.outbox {
            let to = message
                .recipient
                .email
                .as_deref()
                .or(message.recipient.phone.as_deref())
                .unwrap_or("-");
            writeln!(f, "  message to {}: {}", plain(to), plain(&message.subject))?;
        }
        if self.written.cases.is_empty()
            && self.written.store.is_empty()
            && self.written.outbox.is_empty()
        {
            writeln!(f, "  nothing")?;
        }
        let failures = self.failures();
        if failures == 0 {
            writeln!(f, "all {} calls answered as expected", self.steps.len())
        } else {
            writeln!(f, "{failures} answer(s) not as expected")
        }
    }
}

/// A folder of its own for a throwaway store, `build/<what>-<random>/`, the earlier ones of `what`
/// removed. A store of an earlier run may still be closing (a pool closes the connections
/// returned late after it says it is closed), and SQLite removes a store's log by its name when
/// its last connection goes: at the same path, that was the new store's log, which then failed
/// with "disk I/O error".
fn fresh_store_folder(build: &Path, what: &str) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(build)?;
    let prefix = format!("{what}-");
    for entry in std::fs::read_dir(build)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let earlier = name == what || name.starts_with(&prefix);
        if earlier && entry.file_type().is_ok_and(|t| t.is_dir()) {
            // A store still closing there finds its files gone: what it removes late is nothing.
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    Ok(tempfile::Builder::new()
        .prefix(&prefix)
        .tempdir_in(build)?
        .keep())
}

/// A Carmen over `build/<what>-<random>/` with the component installed in city `try` with its
/// default settings, granted exactly what its manifest asks for.
struct Throwaway {
    carmen: Carmen,
    manifest: Manifest,
    bytes: Vec<u8>,
    code: String,
    /// How long the first install took (compiling, or loading the compiled form).
    compiled_in: Duration,
}

impl Throwaway {
    async fn open(
        dir: &Path,
        what: &str,
        wasm: Option<&Path>,
        cache: &Path,
        back_office: bool,
    ) -> anyhow::Result<Throwaway> {
        let manifest = read_manifest(dir)?;
        let wasm = wasm.map_or_else(
            || built_wasm(dir, &manifest.package.name),
            Path::to_path_buf,
        );
        let bytes = std::fs::read(&wasm).with_context(|| {
            format!(
                "cannot read {}; run `carmen plugin build` first",
                wasm.display()
            )
        })?;
        let data = fresh_store_folder(&dir.join("build"), what)?;
        let mut carmen = Carmen::open(&data.join("carmen.db").to_string_lossy(), cache).await?;
        if back_office {
            // The scenarios' stand-in back offices listen on this machine's loopback.
            carmen = carmen.with_outbound(vec![ipnet::IpNet::from(ipnet::Ipv4Net::from(
                std::net::Ipv4Addr::LOCALHOST,
            ))])?;
        }
        let mut made = Throwaway {
            carmen,
            manifest,
            bytes,
            code: String::new(),
            compiled_in: Duration::ZERO,
        };
        let started = Instant::now();
        made.code = made.install_in(CITY, &BTreeMap::new()).await?;
        made.compiled_in = started.elapsed();
        made.prune();
        Ok(made)
    }

    /// Makes `city` and installs the component there with `settings` (the hosts its manifest
    /// names with them approved); the service's code.
    async fn install_in(
        &self,
        city: &str,
        settings: &BTreeMap<String, String>,
    ) -> anyhow::Result<String> {
        let console = self.carmen.console();
        self.carmen
            .create_city(&console, city, "Try-out city", None, None)
            .await?;
        let grants = Grants::parse(&self.manifest.package.capabilities.join(","))
            .map_err(anyhow::Error::msg)?;
        let request = InstallRequest {
            hosts: self.manifest.hosts_for(settings).unwrap_or_default(),
            grants,
            config: settings.clone(),
            manifest: Some(self.manifest.clone()),
            ..Default::default()
        };
        let install = self
            .carmen
            .install(&console.admin_of(city), &self.bytes, request)
            .await?;
        Ok(install.code)
    }

    /// Serves the project's new build in place of the running one, keeping the city's data.
    async fn reload(&self, dir: &Path, wasm: Option<&Path>) -> anyhow::Result<()> {
        let manifest = read_manifest(dir)?;
        let wasm = wasm.map_or_else(
            || built_wasm(dir, &manifest.package.name),
            Path::to_path_buf,
        );
        let bytes =
            std::fs::read(&wasm).with_context(|| format!("cannot read {}", wasm.display()))?;
        let grants =
            Grants::parse(&manifest.package.capabilities.join(",")).map_err(anyhow::Error::msg)?;
        let admin = self.carmen.console().admin_of(CITY);
        self.carmen
            .replace_component(&admin, &self.code, &bytes, &grants)
            .await?;
        self.prune();
        Ok(())
    }

    /// Keeps the developer's compiled cache within its bound.
    fn prune(&self) {
        let (files, bytes) = self.carmen.prune_compiled(COMPILED_CACHE_BOUND);
        if files > 0 {
            println!(
                "removed {files} compiled form(s) ({:.0} MB) least recently used from the cache",
                bytes as f64 / 1e6
            );
        }
    }

    fn name(&self) -> String {
        format!(
            "{} {}",
            self.manifest.package.name, self.manifest.package.version
        )
    }
}

/// Runs the component's exports against the project's scenarios (`scenarios/*.toml`, each in a
/// city of its own), then tells the first opened case's move and ticks once; reports what each
/// call returned and wrote, and how it differed from the scenario.
pub async fn test(
    dir: &Path,
    scenarios: Option<&Path>,
    wasm: Option<&Path>,
    cache: &Path,
) -> anyhow::Result<Report> {
    if scenarios.is_none() && dir.join("fixtures.toml").exists() {
        anyhow::bail!(
            "fixtures.toml is no longer read: make each [[submission]] a file in scenarios/ \
             ([given] with its fields, [expect] with outcome = \"opened\", \"answered\" or \"rejected\"), \
             as `carmen plugin new` writes them"
        );
    }
    let scenarios =
        scenarios::read_all(&scenarios.map_or_else(|| dir.join("scenarios"), Path::to_path_buf))?;
    let back_office = scenarios.iter().any(|(_, s)| !s.back_office.is_empty());
    let made = Throwaway::open(dir, "test", wasm, cache, back_office).await?;
    let (carmen, code) = (&made.carmen, &made.code);
    let mut steps = Vec::new();

    let started = Instant::now();
    let described = carmen.service(CITY, code, "en").await;
    let said = match &described {
        Ok((_, service)) => {
            let fields: Vec<String> = service
                .fields
                .iter()
                .map(|f| format!("{}{}", f.code, if f.required { "*" } else { "" }))
                .collect();
            format!("{:?}, fields {}", service.name, fields.join(", "))
        }
        Err(error) => format!("failed: {error}"),
    };
    steps.push(Step::worked(
        "describe(en)",
        started.elapsed(),
        said,
        described.is_ok(),
    ));

    let mut opened = None;
    let mut written = Written::default();
    for (n, (file, scenario)) in scenarios.iter().enumerate() {
        let city = format!("{CITY}-{}", n + 1);
        let call = scenario.name.clone().unwrap_or_else(|| file.clone());
        let started = Instant::now();
        let office = match scenario.back_office.is_empty() {
            true => None,
            false => Some(BackOffice::start(scenario.back_office.clone()).await?),
        };
        let settings: BTreeMap<String, String> = scenario
            .given
            .settings
            .iter()
            .map(|(key, value)| {
                let url = office.as_ref().map_or("", |o| o.url.as_str());
                (key.clone(), value.replace("{back-office}", url))
            })
            .collect();
        let asked = || {
            office
                .as_ref()
                .map(BackOffice::received)
                .unwrap_or_default()
        };
        let step = match made.install_in(&city, &settings).await {
            Err(error) => Step::worked(
                call,
                started.elapsed(),
                format!("not installed with its settings: {error:#}"),
                false,
            ),
            Ok(_) => {
                let mut earlier = Ok(());
                for request in &scenario.given.earlier {
                    if let Err(error) = carmen.submit(&city, code, request.request()).await {
                        earlier = Err(error);
                        break;
                    }
                }
                let submitted = match earlier {
                    Ok(()) => carmen.submit(&city, code, scenario.given.request()).await,
                    Err(error) => Err(error),
                };
                let took = started.elapsed();
                let here = carmen.written_by(&city, code).await?;
                let step = match &submitted {
                    Ok(submitted) => {
                        let differences =
                            scenarios::differences(&scenario.expect, submitted, &here, &asked());
                        if let Submitted::Opened(filed) = submitted {
                            opened.get_or_insert(filed.case.clone());
                        }
                        Step {
                            call,
                            took,
                            said: scenarios::said(submitted).1,
                            as_expected: Some(differences.is_empty()),
                            differences,
                        }
                    }
                    Err(error) => Step::worked(call, took, format!("failed: {error}"), false),
                };
                written.extend(here);
                step
            }
        };
        steps.push(step);
    }

    if let Some(case) = &opened {
        let started = Instant::now();
        let answered = carmen
            .trial_case_event(case, CaseStatus::Acknowledged)
            .await;
        let said = match &answered {
            Ok(()) => "submitted -> acknowledged: ok".into(),
            Err(error) => format!("failed: {error}"),
        };
        steps.push(Step::worked(
            format!("on-case-event #{}", case.id),
            started.elapsed(),
            said,
            answered.is_ok(),
        ));
    }

    let started = Instant::now();
    let ticked = carmen.tick_all(crate::runtime::types::now()).await;
    let took = started.elapsed();
    let (said, ok) = match ticked {
        Ok(report) if report.failed.is_empty() => ("ok".to_string(), true),
        Ok(report) => {
            // Each city's tick fails alike: said once.
            let mut said: Vec<String> = report
                .failed
                .iter()
                .map(|(_, _, error)| format!("failed: {error}"))
                .collect();
            said.dedup();
            (said.join("; "), false)
        }
        Err(error) => (format!("failed: {error}"), false),
    };
    steps.push(Step::worked("tick", took, said, ok));

    carmen.finish_background().await;
    carmen.close().await;
    Ok(Report {
        name: made.name(),
        compiled_in: made.compiled_in,
        steps,
        written,
    })
}

/// How much of the developer's cache compiled forms may take: beyond it the least recently used
/// go (a Python or JavaScript service compiles to 30–60 MB).
pub const COMPILED_CACHE_BOUND: u64 = 512 * 1024 * 1024;

/// What `plugin run --watch` did after an edit.
#[derive(Debug)]
pub enum Reload {
    /// The edit is served: built in `built`, put in place in `loaded`.
    Served { built: Duration, loaded: Duration },
    /// The build failed; the last good build is still served.
    BuildFailed(String),
    /// The build was refused by the host (its code changed, a capability not declared…); the
    /// last good build is still served.
    Refused(String),
}

impl fmt::Display for Reload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reload::Served { built, loaded } => write!(
                f,
                "rebuilt in {:.1} s and served {} later, its data kept",
                built.as_secs_f64(),
                ms(*loaded)
            ),
            Reload::BuildFailed(error) => {
                write!(
                    f,
                    "the build failed; still serving the last good one:\n{error}"
                )
            }
            Reload::Refused(error) => {
                write!(
                    f,
                    "the build was refused; still serving the last good one: {error}"
                )
            }
        }
    }
}

/// `plugin run --watch`: how to build, and whom to tell what each edit became.
pub struct Watch {
    /// Where a Rust project's cargo builds (default: its own target/).
    pub cargo_target: Option<std::path::PathBuf>,
    pub told: Box<dyn Fn(Reload) + Send + Sync>,
}

impl Watch {
    /// Tells the terminal.
    pub fn printing() -> Watch {
        Watch {
            cargo_target: None,
            told: Box::new(|reload| println!("{reload}")),
        }
    }
}

/// Serves the component in city `try` on `listen` until stopped (Ctrl-C); with `watch`, every
/// saved edit of the project is built and served in place of the running one.
pub async fn run(
    dir: &Path,
    listen: SocketAddr,
    wasm: Option<&Path>,
    cache: &Path,
    watch: Option<Watch>,
) -> anyhow::Result<()> {
    // The address first: "ready" is said only once it is.
    let listener = super::super::bind(listen).await?;
    let made = Throwaway::open(dir, "run", wasm, cache, false).await?;
    println!(
        "{} ready in {:.1} s: try its form at http://{listen}/{CITY}/services/{} (Ctrl-C stops{})",
        made.name(),
        made.compiled_in.as_secs_f64(),
        made.code,
        if watch.is_some() {
            "; edits are rebuilt and served as you save"
        } else {
            ""
        }
    );
    let serving = super::super::serve_on(
        made.carmen.clone(),
        listener,
        60,
        None,
        crate::api::HttpPolicy::default(),
    );
    match watch {
        None => serving.await,
        Some(watch) => tokio::select! {
            served = serving => served,
            watched = watching(&made, dir, wasm, &watch) => watched,
        },
    }
}

/// Builds and serves each saved edit of the project in `dir`, until an error of the loop itself.
async fn watching(
    made: &Throwaway,
    dir: &Path,
    wasm: Option<&Path>,
    watch: &Watch,
) -> anyhow::Result<()> {
    let mut seen = sources(dir);
    loop {
        // A look costs a few dozen `stat`s (what builds make is not walked): often enough that a
        // save is seen before the author is back in the browser.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = sources(dir);
        if now == seen {
            continue;
        }
        // Saved in several writes: wait until the files hold still.
        tokio::time::sleep(Duration::from_millis(50)).await;
        seen = sources(dir);
        let started = Instant::now();
        let project = dir.to_path_buf();
        let target = watch.cargo_target.clone();
        let built =
            tokio::task::spawn_blocking(move || super::build_with(&project, target.as_deref()))
                .await?;
        let built_in = started.elapsed();
        let reload = match built {
            Err(error) => Reload::BuildFailed(format!("{error:#}")),
            Ok(_) => {
                let loading = Instant::now();
                match made.reload(dir, wasm).await {
                    Ok(()) => Reload::Served {
                        built: built_in,
                        loaded: loading.elapsed(),
                    },
                    Err(error) => Reload::Refused(format!("{error:#}")),
                }
            }
        };
        (watch.told)(reload);
    }
}

/// The project's own files (not what builds make) with their sizes and times of change; an edit
/// saved while a build runs is seen after it.
fn sources(dir: &Path) -> BTreeMap<std::path::PathBuf, (u64, std::time::SystemTime)> {
    const MADE: [&str; 9] = [
        "build",
        "stubs",
        "types",
        "target",
        "node_modules",
        "__pycache__",
        ".git",
        "Cargo.lock",
        "package-lock.json",
    ];
    let mut found = BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let name = entry.file_name();
            // Not followed through links: a link to a folder above would never end.
            let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
                continue;
            };
            if MADE.contains(&name.to_string_lossy().as_ref()) {
                continue;
            }
            if meta.is_dir() {
                folders.push(entry.path());
            } else if let Ok(changed) = meta.modified() {
                found.insert(entry.path(), (meta.len(), changed));
            }
        }
    }
    found
}

/// Where `plugin test` and `plugin run` keep compiled components: `$XDG_CACHE_HOME/carmen/compiled`
/// (else `~/.cache/carmen/compiled`), made private to the user.
pub fn user_cache() -> anyhow::Result<std::path::PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| std::path::PathBuf::from(home).join(".cache")))
        .context("neither XDG_CACHE_HOME nor HOME is set: there is no cache folder of yours to compile into")?;
    let dir = base.join("carmen").join("compiled");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot make {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(base.join("carmen"), std::fs::Permissions::from_mode(0o700))?;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_throwaway_store_has_a_folder_of_its_own_and_the_earlier_ones_go() {
        let project = tempfile::tempdir().unwrap();
        let build = project.path().join("build");
        std::fs::create_dir_all(build.join("test")).unwrap();
        std::fs::create_dir_all(build.join("run-kept")).unwrap();
        std::fs::write(build.join("test-note.wasm"), b"a file, not a store").unwrap();
        let first = fresh_store_folder(&build, "test").unwrap();
        let second = fresh_store_folder(&build, "test").unwrap();
        assert_ne!(first, second, "never the same path twice");
        assert!(second.is_dir() && !first.exists() && !build.join("test").exists());
        assert!(
            build.join("run-kept").is_dir(),
            "another kind of store stays"
        );
        assert!(build.join("test-note.wasm").is_file(), "only folders go");
    }
}
