//! The registry commands of the CLI: serve a registry, become a publisher, publish, search, show,
//! install, upgrade, roll back, uninstall, yank. Long steps show a spinner on a terminal only.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use carmen_registry::client::RegistryClient;
use carmen_registry::server::Registration;
use carmen_registry::store::{Registry, Search};
use clap::{Args, Subcommand};

use super::{Store, parse_config};
use crate::runtime::registry::Approval;

/// Where the registry is.
#[derive(Args, Clone)]
pub struct RegistryUrl {
    /// The registry's base URL.
    #[arg(
        long = "registry",
        env = "CARMEN_REGISTRY",
        default_value = "http://127.0.0.1:8090"
    )]
    url: String,
}

/// A registry and a publisher's token there: what changing a published version takes.
#[derive(Args, Clone)]
pub struct PublisherAt {
    #[command(flatten)]
    registry: RegistryUrl,
    /// The publisher's token (from `carmen registry publisher`).
    #[arg(long, env = "CARMEN_REGISTRY_TOKEN", hide_env_values = true)]
    token: String,
}

/// A publisher's credentials.
#[derive(Args, Clone)]
pub struct Publisher {
    /// The publisher token the registry gave.
    #[arg(long, env = "CARMEN_REGISTRY_TOKEN", hide_env_values = true)]
    token: String,
    /// The file holding the publisher's ed25519 signing key (hex).
    #[arg(
        long,
        env = "CARMEN_SIGNING_KEY_FILE",
        default_value = "carmen-signing.key"
    )]
    key_file: PathBuf,
}

#[derive(Subcommand)]
pub enum RegistryCommand {
    /// Serve a registry.
    Serve {
        /// The registry's own SQLite file: publishers, packages, versions, cities' reports.
        #[arg(long, default_value = "registry.db")]
        db: PathBuf,
        /// The folder the packages' components are kept in, by digest.
        #[arg(long, default_value = "registry-blobs")]
        blobs: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8090")]
        listen: SocketAddr,
        /// The largest component a package may have, in megabytes.
        #[arg(long, default_value_t = (carmen_registry::store::MAX_COMPONENT_BYTES / 1_000_000) as u64)]
        max_package_mb: u64,
        #[command(flatten)]
        registration: RegistrationFlags,
    },
    /// Become a publisher: makes a signing key (kept in --key-file) and prints the token once.
    Publisher {
        /// The publisher's name, as cities will see it (such as `rivertown-digital`).
        name: String,
        /// The publishing city.
        #[arg(long)]
        city: String,
        /// Where to write the new signing key (kept secret: it signs every version published).
        #[arg(long, default_value = "carmen-signing.key")]
        key_file: PathBuf,
        /// The registration token from the registry's operator, if it registers by invitation.
        #[arg(
            long,
            env = "CARMEN_REGISTRY_REGISTRATION_TOKEN",
            hide_env_values = true
        )]
        registration_token: Option<String>,
        #[command(flatten)]
        registry: RegistryUrl,
    },
}

/// Who may become a publisher of a registry being served: one of the two must be chosen.
#[derive(Args, Clone)]
#[group(required = true, multiple = false)]
pub struct RegistrationFlags {
    /// Publishers register only with this token, which the operator hands to each city's developers.
    #[arg(
        long,
        env = "CARMEN_REGISTRY_REGISTRATION_TOKEN",
        hide_env_values = true
    )]
    registration_token: Option<String>,
    /// Anyone may register as a publisher (for a registry of one's own, in tests and demos).
    #[arg(long)]
    open_registration: bool,
}

impl RegistrationFlags {
    fn registration(&self) -> anyhow::Result<Registration> {
        match &self.registration_token {
            Some(token) if token.len() < 16 => {
                bail!("a registration token has at least 16 characters")
            }
            Some(token) => Ok(Registration::ByInvitation(token.clone())),
            None => Ok(Registration::Open),
        }
    }
}

/// A spinner on a terminal, nothing elsewhere.
fn step(message: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(message.to_string());
    bar.enable_steady_tick(Duration::from_millis(100));
    Some(bar)
}

fn done(bar: Option<indicatif::ProgressBar>) {
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}

pub async fn run_registry(command: RegistryCommand) -> anyhow::Result<()> {
    match command {
        RegistryCommand::Serve {
            db,
            blobs,
            listen,
            max_package_mb,
            registration,
        } => {
            let registration = registration.registration()?;
            let registry = Registry::open(&db, &blobs)
                .await?
                .with_max_component_bytes((max_package_mb as usize).saturating_mul(1_000_000));
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            tracing::info!(%listen, "the registry is serving");
            axum::serve(
                listener,
                carmen_registry::server::app(registry, registration),
            )
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
            Ok(())
        }
        RegistryCommand::Publisher {
            name,
            city,
            key_file,
            registration_token,
            registry,
        } => {
            if key_file.exists() {
                bail!(
                    "{} exists; keep your key, or choose another --key-file",
                    key_file.display()
                );
            }
            let (secret, public) = carmen_registry::signing::generate();
            let mut client = RegistryClient::new(&registry.url);
            if let Some(invitation) = &registration_token {
                client = client.invited(invitation);
            }
            let token = client.register_publisher(&name, &city, &public).await?;
            write_secret(&key_file, &secret)?;
            println!("{token}");
            eprintln!(
                "publisher {name} registered; signing key in {}; the token above is shown once",
                key_file.display()
            );
            Ok(())
        }
    }
}

fn write_secret(path: &Path, secret: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(secret.as_bytes())?;
    Ok(())
}

/// `carmen publish`: a plugin folder (its carmen.toml and its built component) or a .wasm with --manifest.
pub async fn publish(
    path: &Path,
    manifest: Option<PathBuf>,
    wasm: Option<PathBuf>,
    registry: &RegistryUrl,
    publisher: &Publisher,
) -> anyhow::Result<()> {
    let manifest_path = manifest.unwrap_or_else(|| {
        if path.is_dir() {
            path.join("carmen.toml")
        } else {
            path.with_file_name("carmen.toml")
        }
    });
    let manifest_text = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("cannot read {}", manifest_path.display()))?;
    let parsed = carmen_registry::manifest::Manifest::parse(&manifest_text)?;
    let wasm_path = match (wasm, path.is_dir()) {
        (Some(wasm), _) => wasm,
        // What `carmen plugin build` made, else the workspace's cargo build.
        (None, true) => Some(super::plugin::built_wasm(path, &parsed.package.name))
            .filter(|built| built.exists())
            .unwrap_or_else(|| {
                PathBuf::from("target/wasm32-wasip2/release")
                    .join(format!("{}.wasm", parsed.package.name.replace('-', "_")))
            }),
        (None, false) => path.to_path_buf(),
    };
    let bytes = std::fs::read(&wasm_path)
        .with_context(|| format!("cannot read {}", wasm_path.display()))?;
    let secret = std::fs::read_to_string(&publisher.key_file).with_context(|| {
        format!(
            "cannot read the signing key {key}: make one with `carmen registry publisher NAME --city CITY --key-file {key} --registry {url}` (it also prints your token once), or name yours with --key-file",
            key = publisher.key_file.display(),
            url = registry.url
        )
    })?;
    // A bar of the compressed bytes sent, on a terminal; a line when they are all sent, anywhere.
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(0)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:30}] {binary_bytes}/{binary_total_bytes}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(format!(
        "publishing {} {} ({:.1} MB, compressed)",
        parsed.package.name,
        parsed.package.version,
        bytes.len() as f64 / 1e6
    ));
    let shown = bar.clone();
    let raw = bytes.len();
    let result = RegistryClient::new(&registry.url)
        .publish_with_progress(
            &publisher.token,
            secret.trim(),
            &manifest_text,
            &bytes,
            move |sent, total| {
                shown.set_length(total);
                shown.set_position(sent);
                if sent == total {
                    eprintln!(
                        "sent {:.1} MB compressed (the component is {:.1} MB)",
                        total as f64 / 1e6,
                        raw as f64 / 1e6
                    );
                }
            },
        )
        .await;
    bar.finish_and_clear();
    let version = result.map_err(|e| {
        let said = e.to_string();
        if said.contains("publisher token") {
            anyhow::anyhow!(
                "{said}: the registry at {} does not know this token; is it the registry that gave it to you? Name yours with --registry (or CARMEN_REGISTRY)",
                registry.url
            )
        } else {
            anyhow::Error::from(e)
        }
    })?;
    println!(
        "published {} {} (sha256 {}, capabilities: {})",
        version.name,
        version.version,
        version.digest,
        version.capabilities.join(",")
    );
    Ok(())
}

pub async fn search(
    text: &str,
    group: Option<&str>,
    keyword: Option<&str>,
    registry: &RegistryUrl,
) -> anyhow::Result<()> {
    let client = RegistryClient::new(&registry.url);
    let mut found = Vec::new();
    let mut search = Search::new(text, group, keyword);
    loop {
        let (page, next) = client.search_page(&search).await?;
        found.extend(page);
        match next {
            // Names go up page after page: a registry that answers otherwise is not followed
            // round in circles.
            Some(next) if search.after.as_ref().is_none_or(|after| &next > after) => {
                search.after = Some(next)
            }
            _ => break,
        }
    }
    for package in found {
        let latest = package
            .versions
            .iter()
            .rfind(|v| !v.yanked)
            .map(|v| v.version.as_str())
            .unwrap_or("-");
        println!(
            "{}\t{}\t{}\t(from {}, in {})",
            package.name,
            latest,
            package.description,
            package.publisher_city,
            count(package.cities.len(), "city", "cities")
        );
    }
    Ok(())
}

pub async fn info(name: &str, registry: &RegistryUrl) -> anyhow::Result<()> {
    let package = RegistryClient::new(&registry.url).package(name).await?;
    print!("{}", package_text(&package));
    Ok(())
}

/// What `carmen info` prints of a package: its versions, the cities that run it, and the pilot
/// figures cities published for it.
pub fn package_text(package: &carmen_registry::store::PackageInfo) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {}\npublished by {} ({})",
        package.name, package.description, package.publisher, package.publisher_city
    );
    for v in &package.versions {
        let flags = [
            v.yanked.then_some("yanked".to_string()),
            v.deprecated.as_ref().map(|m| format!("deprecated: {m}")),
        ];
        let flags: Vec<String> = flags.into_iter().flatten().collect();
        let _ = writeln!(
            out,
            "  {}  carmen:city {}  capabilities {}  sha256 {}  {}",
            v.version,
            v.contract,
            v.capabilities.join(","),
            &v.digest[..12],
            flags.join("; ")
        );
        let words = v.hosts_in_words();
        if !words.is_empty() {
            let _ = writeln!(
                out,
                "    may call {} (‹…›: a setting the city fills in; each host is approved at install)",
                words.join(", ")
            );
        }
    }
    for (city, version) in &package.cities {
        let _ = writeln!(out, "  runs in {city} ({version})");
    }
    for e in &package.evidence {
        let figure = |name: &str| {
            e.figures
                .get(name)
                .map_or_else(|| "—".to_string(), |v| v.to_string())
        };
        let _ = writeln!(
            out,
            "  pilot in {} ({}): {} requests, resolved in {} s (median), SLA hit rate {}, satisfaction {} from {} ratings",
            e.city,
            e.version,
            figure("volume"),
            figure("resolve_median"),
            figure("sla_hit_rate"),
            figure("satisfaction_mean"),
            figure("satisfaction_count")
        );
    }
    out
}

/// Splits `name@requirement` (no requirement means `*`).
pub fn split_spec(spec: &str) -> (&str, &str) {
    spec.split_once('@').unwrap_or((spec, "*"))
}

/// `, may call https://…` after what was granted, when the install may call hosts.
pub fn approved_hosts_said(hosts: &[String]) -> String {
    if hosts.is_empty() {
        String::new()
    } else {
        format!("; may call {}", hosts.join(", "))
    }
}

pub async fn install(
    city: &str,
    spec: &str,
    approval: Approval,
    config: &[String],
    report: bool,
    registry: &RegistryUrl,
    store: &Store,
) -> anyhow::Result<()> {
    let carmen = store
        .open()
        .await?
        .with_registry(Some(registry.url.clone()));
    let admin = carmen.console().admin_of(city);
    let (name, requirement) = split_spec(spec);
    let bar = step(&format!("installing {name}@{requirement} into {city}"));
    let result = carmen
        .install_from_registry_approving(
            &admin,
            name,
            requirement,
            approval,
            parse_config(config)?,
            report,
        )
        .await;
    done(bar);
    let install = result?;
    println!(
        "installed {} {} in {} as service {:?} (granted {}{})",
        install.plugin,
        install.version,
        city,
        install.code,
        install.grants,
        approved_hosts_said(&install.hosts)
    );
    Ok(())
}

pub async fn upgrade(
    city: &str,
    name: &str,
    to: &str,
    approval: &Approval,
    registry: &RegistryUrl,
    store: &Store,
) -> anyhow::Result<()> {
    let carmen = store
        .open()
        .await?
        .with_registry(Some(registry.url.clone()));
    let admin = carmen.console().admin_of(city);
    let bar = step(&format!("upgrading {name} in {city}"));
    let result = carmen.upgrade_approving(&admin, name, to, approval).await;
    done(bar);
    let install = result?;
    println!(
        "{} in {} is now {} (granted {}{})",
        name,
        city,
        install.version,
        install.grants,
        approved_hosts_said(&install.hosts)
    );
    Ok(())
}

pub async fn rollback(city: &str, name: &str, store: &Store) -> anyhow::Result<()> {
    let carmen = store.open().await?;
    let install = carmen
        .rollback(&carmen.console().admin_of(city), name)
        .await?;
    println!("{} in {} is back at {}", name, city, install.version);
    Ok(())
}

pub async fn uninstall(city: &str, name: &str, store: &Store) -> anyhow::Result<()> {
    let carmen = store.open().await?;
    carmen
        .uninstall(&carmen.console().admin_of(city), name)
        .await?;
    println!("uninstalled {name} from {city}; its cases stay");
    Ok(())
}

pub async fn yank(spec: &str, undo: bool, at: &PublisherAt) -> anyhow::Result<()> {
    let (name, version) = spec.split_once('@').context("give name@version")?;
    let v = RegistryClient::new(&at.registry.url)
        .set_yanked(&at.token, name, version, !undo)
        .await?;
    println!(
        "{} {} is {}",
        v.name,
        v.version,
        if v.yanked {
            "yanked"
        } else {
            "available again"
        }
    );
    Ok(())
}

pub async fn deprecate(spec: &str, message: Option<&str>, at: &PublisherAt) -> anyhow::Result<()> {
    let (name, version) = spec.split_once('@').context("give name@version")?;
    if message.is_some_and(|m| m.trim().is_empty()) {
        bail!("say why with --message, or clear the deprecation with --undo");
    }
    let v = RegistryClient::new(&at.registry.url)
        .set_deprecated(&at.token, name, version, message)
        .await?;
    match &v.deprecated {
        Some(why) => println!("{} {} is deprecated: {why}", v.name, v.version),
        None => println!("{} {} is no longer deprecated", v.name, v.version),
    }
    Ok(())
}

/// `1 city`, `3 cities`: a count with its noun.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
