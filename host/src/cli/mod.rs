//! The `carmen` command line: serve, set up cities and services, the registry, run the demo.

pub mod plugin;
pub mod reference;
pub mod registry;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};

use crate::manifest::Manifest;
use crate::runtime::Carmen;
use crate::runtime::install::InstallRequest;
use crate::runtime::registry::Approval;
use crate::runtime::types::{Grants, Limits, NewUser, Quotas};

#[derive(Parser)]
#[command(
    name = "carmen",
    version,
    about = "Carmen: city services as sandboxed WebAssembly plugins, for many cities on one host"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
pub struct Store {
    /// The database: a SQLite file path (created if missing) or a postgres:// URL.
    #[arg(long, env = "CARMEN_DB", default_value = "carmen.db")]
    db: String,
    /// Where compiled components are cached (default: beside the SQLite file, or ./carmen-cache).
    #[arg(long, env = "CARMEN_CACHE")]
    cache_dir: Option<PathBuf>,
}

impl Store {
    fn cache_dir(&self) -> PathBuf {
        self.cache_dir.clone().unwrap_or_else(|| {
            if self.db.contains("://") {
                PathBuf::from("carmen-cache")
            } else {
                PathBuf::from(format!("{}.cache", self.db))
            }
        })
    }

    async fn open(&self) -> anyhow::Result<Carmen> {
        Carmen::open(&self.db, &self.cache_dir()).await
    }
}

/// What an administrator grants a service they install: its capabilities, the hosts it may call
/// and its settings.
#[derive(Args, Clone)]
pub struct Granted {
    /// The capabilities granted, comma-separated (cases, store, notify, config, log, clock,
    /// requester, http): what its manifest asks for, no more.
    #[arg(long, default_value = "")]
    grant: String,
    /// Approve a host the service calls (capability http), such as
    /// https://waste.example.org; repeat for more. Every host it names must be approved.
    #[arg(long = "allow-host", value_name = "URL")]
    allow_host: Vec<String>,
    /// A setting, as key=value; repeat for more.
    #[arg(long = "config", value_name = "KEY=VALUE")]
    config: Vec<String>,
}

impl Granted {
    /// The capabilities granted, parsed.
    fn grants(&self) -> anyhow::Result<Grants> {
        Grants::parse(&self.grant).map_err(anyhow::Error::msg)
    }
}

/// The HTTP protections of `carmen serve`.
#[derive(Args, Clone)]
pub struct HttpFlags {
    /// Requests per second one client address may sustain (bursts of ten times that).
    #[arg(long, env = "CARMEN_RATE_PER_CLIENT", default_value_t = 100)]
    rate_per_client: u32,
    /// Requests per second one API key or token may sustain (bursts of ten times that).
    #[arg(long, env = "CARMEN_RATE_PER_KEY", default_value_t = 50)]
    rate_per_key: u32,
    /// Requests handled at once; more are answered 503 at once.
    #[arg(long, env = "CARMEN_MAX_CONCURRENT", default_value_t = 512)]
    max_concurrent: usize,
    /// Seconds one request may take, body included.
    #[arg(long, env = "CARMEN_REQUEST_TIMEOUT", default_value_t = 30)]
    request_timeout: u64,
    /// An origin whose pages may call the API from a browser; repeat for more (none by default).
    #[arg(long = "cors-origin")]
    cors_origins: Vec<String>,
    /// A reverse proxy (address or network) whose X-Forwarded-For names the client; repeat for more.
    #[arg(long = "trusted-proxy", env = "CARMEN_TRUSTED_PROXIES", value_delimiter = ',', value_parser = crate::api::parse_proxy)]
    trusted_proxies: Vec<ipnet::IpNet>,
}

impl HttpFlags {
    fn policy(&self) -> crate::api::HttpPolicy {
        crate::api::HttpPolicy {
            per_client_per_second: self.rate_per_client,
            per_client_burst: self.rate_per_client.saturating_mul(10),
            per_key_per_second: self.rate_per_key,
            per_key_burst: self.rate_per_key.saturating_mul(10),
            max_concurrent: self.max_concurrent.max(1),
            request_timeout: Duration::from_secs(self.request_timeout.max(1)),
            cors_origins: self.cors_origins.clone(),
            trusted_proxies: self.trusted_proxies.clone(),
            ..Default::default()
        }
    }
}

/// What work strangers and cities can make this host do.
#[derive(clap::Args, Debug)]
pub struct BoundsFlags {
    /// A private network outbound requests (cities' SMS gateways and webhooks) may reach, such as
    /// 10.0.0.0/8 or 127.0.0.0/8; repeat for more. By default only public addresses are called.
    #[arg(long = "allow-outbound", env = "CARMEN_ALLOW_OUTBOUND", value_delimiter = ',', value_parser = crate::api::parse_proxy)]
    allow_outbound: Vec<ipnet::IpNet>,
    /// Photos decoded at once (each up to 24.4 megapixels, about 100 MiB of work).
    #[arg(long, env = "CARMEN_PHOTO_WORKERS", default_value_t = 2)]
    photo_workers: usize,
    /// Uploads that may wait for a photo worker; more are answered 503 with Retry-After.
    #[arg(long, env = "CARMEN_PHOTO_QUEUE", default_value_t = 8)]
    photo_queue: usize,
}

#[derive(Subcommand)]
enum ContractCommand {
    /// Prints the Markdown reference of the contract in DIR, from its doc comments.
    Reference {
        /// The contract's folder, such as `wit/city@0.1.2`.
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API.
    Serve {
        #[command(flatten)]
        store: Store,
        /// Address to listen on.
        #[arg(long, env = "CARMEN_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Seconds between scheduled ticks of every service (0: never).
        #[arg(long, env = "CARMEN_TICK_SECONDS", default_value_t = 60)]
        tick_seconds: u64,
        /// The shared registry city administrators install from over HTTP.
        #[arg(long, env = "CARMEN_REGISTRY")]
        registry: Option<String>,
        /// The operator's publisher token at that registry: reports that a city runs a package,
        /// and its pilot evidence, carry it, so the registry takes this host's key for its cities.
        #[arg(long, env = "CARMEN_REGISTRY_TOKEN", hide_env_values = true)]
        registry_token: Option<String>,
        #[command(flatten)]
        http: HttpFlags,
        #[command(flatten)]
        mail: MailFlags,
        #[command(flatten)]
        bounds: BoundsFlags,
    },
    /// Copy the store while the host serves: on SQLite a consistent, checked copy in a new file;
    /// on PostgreSQL every city's archive (the format a city moves in) in one file. The
    /// compiled-component cache is left out (it is rebuilt from the components in the store).
    Backup {
        /// The file to write; it must not exist.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        store: Store,
    },
    /// Make a new SQLite store from a backup, checked whole first: `carmen restore FILE --db NEW.db`.
    Restore {
        /// The backup (a file `carmen backup` wrote).
        file: PathBuf,
        /// The store to make: a SQLite file path that does not exist yet; or, for a backup of a
        /// host on PostgreSQL, any store (a postgres:// URL too) without its cities.
        #[arg(long)]
        db: String,
    },
    /// Manage cities.
    City {
        #[command(subcommand)]
        command: CityCommand,
    },
    /// Manage a city's services.
    Service {
        #[command(subcommand)]
        command: ServiceCommand,
    },
    /// The shared registry: serve one, become a publisher.
    Registry {
        #[command(subcommand)]
        command: registry::RegistryCommand,
    },
    /// The `carmen:city` contract: `carmen contract reference wit/city@0.1.2` prints its reference.
    Contract {
        #[command(subcommand)]
        command: ContractCommand,
    },
    /// Write a service in Rust, Python or JavaScript: new, world, build, test, run.
    Plugin {
        #[command(subcommand)]
        command: plugin::PluginCommand,
    },
    /// Publish a service (a plugin folder, or a .wasm with --manifest) to the registry.
    Publish {
        /// A plugin folder (with carmen.toml), or a component's .wasm with --manifest.
        path: PathBuf,
        /// The package manifest, when PATH is a .wasm (default: PATH's carmen.toml).
        #[arg(long)]
        manifest: Option<PathBuf>,
        /// The component, when PATH is a plugin folder (default: what `carmen plugin build` made in
        /// its build/ folder, else the cargo build in target/wasm32-wasip2/release/).
        #[arg(long)]
        wasm: Option<PathBuf>,
        #[command(flatten)]
        registry: registry::RegistryUrl,
        #[command(flatten)]
        publisher: registry::Publisher,
    },
    /// Search the registry.
    Search {
        /// Words to look for in names, descriptions and keywords (empty: every package).
        #[arg(default_value = "")]
        text: String,
        /// Only packages in this group.
        #[arg(long)]
        group: Option<String>,
        /// Only packages with this keyword.
        #[arg(long)]
        keyword: Option<String>,
        #[command(flatten)]
        registry: registry::RegistryUrl,
    },
    /// Show a package: versions, digests, capabilities, flags, and the cities that run it.
    Info {
        /// The package's name.
        name: String,
        #[command(flatten)]
        registry: registry::RegistryUrl,
    },
    /// Install a service from the registry into a city: `carmen install rivertown street-issue@^1 --grant config,log`.
    Install {
        /// The city's slug.
        city: String,
        /// The package and the versions to choose from: `name@requirement`, such as `street-issue@^0.1`.
        spec: String,
        #[command(flatten)]
        granted: Granted,
        /// Tell the registry that this city runs it.
        #[arg(long)]
        report: bool,
        #[command(flatten)]
        registry: registry::RegistryUrl,
        #[command(flatten)]
        store: Store,
    },
    /// Upgrade a city's service to the highest version matching --to (default: any).
    Upgrade {
        /// The city's slug.
        city: String,
        /// The package's name.
        name: String,
        /// The versions to choose from, such as `^0.2` (default: any newer).
        #[arg(long, default_value = "*")]
        to: String,
        /// Capabilities to grant beyond those granted already.
        #[arg(long, default_value = "")]
        grant: String,
        /// Approve a host the new version calls that was not approved before; repeat for more.
        #[arg(long = "allow-host", value_name = "URL")]
        allow_host: Vec<String>,
        #[command(flatten)]
        registry: registry::RegistryUrl,
        #[command(flatten)]
        store: Store,
    },
    /// Return a city's service to the version it ran before.
    Rollback {
        /// The city's slug.
        city: String,
        /// The package's name.
        name: String,
        #[command(flatten)]
        store: Store,
    },
    /// Remove a service from a city; its cases stay.
    Uninstall {
        /// The city's slug.
        city: String,
        /// The package's name.
        name: String,
        #[command(flatten)]
        store: Store,
    },
    /// Yank a version (`name@version`), or unyank it with --undo.
    Yank {
        /// The version, as `name@version`.
        spec: String,
        /// Unyank it instead.
        #[arg(long)]
        undo: bool,
        #[command(flatten)]
        publisher: registry::PublisherAt,
    },
    /// Deprecate a version (`name@version`) with a message, or clear it with --undo.
    Deprecate {
        /// The version, as `name@version`.
        spec: String,
        /// What users of the version should know, such as `use 0.2`.
        #[arg(long, default_value = "")]
        message: String,
        /// Clear the deprecation instead.
        #[arg(long)]
        undo: bool,
        #[command(flatten)]
        publisher: registry::PublisherAt,
    },
    /// A city's API keys for apps (Open311 clients and others).
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// The platform operator.
    Operator {
        #[command(subcommand)]
        command: OperatorCommand,
    },
    /// Run the demo: two cities, three services, example requests, then serve.
    Demo {
        /// The plugins' source folder (for their carmen.toml).
        #[arg(long, default_value = "plugins")]
        plugins: PathBuf,
        /// Where the compiled plugins are.
        #[arg(long, default_value = "target/wasm32-wasip2/release")]
        wasm: PathBuf,
        /// The demo's data folder; emptied first.
        #[arg(long, default_value = "demo-data")]
        data: PathBuf,
        /// Address to serve the demo on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Set up, make the example requests, print the URLs and stop instead of serving.
        #[arg(long)]
        no_serve: bool,
    },
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Issue a key for an app; the key is printed once and only its hash is kept.
    Issue {
        /// The city's slug.
        city: String,
        /// What the key is for, such as `fixmystreet bridge`.
        #[arg(long)]
        label: String,
        #[command(flatten)]
        store: Store,
    },
    /// Revoke a key by its id (the 16 hex characters printed at issue).
    Revoke {
        /// The city's slug.
        city: String,
        /// The key's id, as `carmen key issue` printed it.
        id: String,
        #[command(flatten)]
        store: Store,
    },
}

#[derive(Subcommand)]
enum OperatorCommand {
    /// Issue a new API token for the operator (when the last one is lost); printed once, audited.
    Token {
        #[command(flatten)]
        store: Store,
    },
    /// Create the first operator and print its API token (shown once; only its hash is kept).
    Init {
        /// The operator's name.
        #[arg(long, default_value = "Operator")]
        name: String,
        /// The operator's e-mail address, for signing in on the web.
        #[arg(long)]
        email: Option<String>,
        /// The operator's password for the web (read from CARMEN_OPERATOR_PASSWORD).
        #[arg(long, env = "CARMEN_OPERATOR_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        #[command(flatten)]
        store: Store,
    },
}

#[derive(Subcommand)]
enum CityCommand {
    /// Add a city.
    Add {
        /// Short name used in URLs, such as `rivertown`.
        slug: String,
        /// The city's name as citizens read it, such as `Rivertown`.
        #[arg(long)]
        name: String,
        /// The city's domain, its Open311 `jurisdiction_id` (such as `rivertown.example`).
        #[arg(long)]
        domain: Option<String>,
        #[command(flatten)]
        store: Store,
    },
    /// List the cities.
    List {
        #[command(flatten)]
        store: Store,
    },
    /// Write a city whole into one archive signed by this host: its settings, people (password
    /// hashes, proven contacts, consent), installs with their components, stored entries,
    /// requests with history, messages, notes, ratings, photos, follows, outbox and audit log.
    Export {
        /// The city's slug.
        city: String,
        /// The archive to write; it must not exist.
        #[arg(long)]
        out: PathBuf,
        /// Carry the city's delivery secrets (SMS gateway, inbound e-mail, webhook) too.
        #[arg(long)]
        with_secrets: bool,
        #[command(flatten)]
        store: Store,
    },
    /// Bring a city in from its archive, checked first, in one transaction (all or nothing):
    /// its citizens sign in with the same passwords, its request numbers and links still work.
    Import {
        /// The archive `carmen city export` wrote.
        file: PathBuf,
        /// The slug it takes here (default: its own).
        #[arg(long = "as")]
        as_slug: Option<String>,
        /// The public key (hex) of the host that must have signed it.
        #[arg(long)]
        key: Option<String>,
        #[command(flatten)]
        store: Store,
    },
    /// Keep a city that moved to another host read-only here, its pages pointing to its new
    /// address; its messages and scheduled work stop here.
    MoveOut {
        /// The city's slug.
        city: String,
        /// The city's new address, such as https://carmen.other-operator.example/rivertown.
        #[arg(long)]
        to: String,
        #[command(flatten)]
        store: Store,
    },
    /// Check a city archive: the signature over its manifest, and every part against it.
    Verify {
        /// The archive to check.
        file: PathBuf,
        /// The public key (hex) of the host that must have signed it.
        #[arg(long)]
        key: Option<String>,
    },
}

#[derive(Subcommand)]
enum ServiceCommand {
    /// Install a compiled service into a city.
    Install {
        /// The city's slug.
        city: String,
        /// The component (.wasm).
        file: PathBuf,
        #[command(flatten)]
        granted: Granted,
        /// The package manifest (default: carmen.toml beside the file, if any).
        #[arg(long)]
        manifest: Option<PathBuf>,
        /// Deadline of one call, in milliseconds.
        #[arg(long, default_value_t = 1000)]
        deadline_ms: u64,
        /// Memory cap, in MiB.
        #[arg(long, default_value_t = 64)]
        memory_mb: u64,
        /// A quota, as name=number (cases-per-call, messages-per-call, cases-per-day,
        /// messages-per-day, store-bytes, call-bytes); repeat for more. Unset ones take defaults.
        #[arg(long = "quota", value_name = "NAME=NUMBER")]
        quotas: Vec<String>,
        #[command(flatten)]
        store: Store,
    },
    /// List a city's services.
    List {
        /// The city's slug.
        city: String,
        #[command(flatten)]
        store: Store,
    },
}

fn parse_config(pairs: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    pairs
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
            _ => bail!("--config takes key=value, not {pair:?}"),
        })
        .collect()
}

/// Where messages leave from.
#[derive(clap::Args, Debug)]
struct MailFlags {
    /// The SMTP server messages are sent through: `smtp://host:25`, `smtps://user:pass@host`,
    /// `smtp://host:587?tls=required`. Without it, messages wait in the outbox.
    #[arg(long, env = "CARMEN_SMTP")]
    smtp: Option<String>,
    /// The sender of cities that set none.
    #[arg(
        long,
        env = "CARMEN_MAIL_FROM",
        default_value = "Carmen <noreply@carmen.invalid>"
    )]
    mail_from: String,
    /// The address citizens reach this host at, for links in messages (default: http://<listen>).
    #[arg(long, env = "CARMEN_PUBLIC_URL")]
    public_url: Option<String>,
    /// Seconds between the dispatcher's rounds.
    #[arg(long, env = "CARMEN_DELIVER_SECONDS", default_value_t = 5)]
    deliver_seconds: u64,
    /// Seconds a dispatcher holds the messages it claimed before another node may take them.
    #[arg(long, env = "CARMEN_DELIVERY_LEASE_SECONDS", default_value_t = crate::runtime::delivery::LEASE_SECONDS)]
    delivery_lease_seconds: i64,
}

/// Runs the command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    crate::tune_memory();
    match cli.command {
        Command::Serve {
            store,
            listen,
            tick_seconds,
            registry,
            registry_token,
            http,
            mail,
            bounds,
        } => {
            let mut carmen = store
                .open()
                .await?
                .with_registry(registry)
                .with_registry_token(registry_token)
                .with_public_url(mail.public_url.clone())
                .with_photo_work(bounds.photo_workers, bounds.photo_queue)
                .with_outbound(bounds.allow_outbound)?;
            let deliver_every = mail
                .smtp
                .as_ref()
                .map(|_| Duration::from_secs(mail.deliver_seconds.max(1)));
            if mail.smtp.is_some() {
                carmen = carmen.with_delivery(crate::runtime::delivery::DeliveryConfig {
                    smtp_url: mail.smtp,
                    default_from: mail.mail_from,
                    public_url: mail
                        .public_url
                        .unwrap_or_else(|| format!("http://{listen}")),
                    lease_seconds: mail.delivery_lease_seconds,
                })?;
            }
            serve(carmen, listen, tick_seconds, deliver_every, http.policy()).await
        }
        Command::City {
            command:
                CityCommand::Add {
                    slug,
                    name,
                    domain,
                    store,
                },
        } => {
            let carmen = store.open().await?;
            let console = carmen.console();
            let (city, _) = carmen
                .create_city(&console, &slug, &name, domain.as_deref(), None)
                .await?;
            match &city.domain {
                Some(domain) => println!("added city {} ({}) at {domain}", city.slug, city.name),
                None => println!("added city {} ({})", city.slug, city.name),
            }
            Ok(())
        }
        Command::Backup { out, store } => {
            let started = std::time::Instant::now();
            let held =
                if store.db.starts_with("postgres://") || store.db.starts_with("postgresql://") {
                    // PostgreSQL: every city in the archive format a city moves in.
                    let carmen = store.open().await?;
                    let held = carmen.backup_cities(&carmen.console(), &out).await;
                    carmen.close().await;
                    held?
                } else {
                    crate::runtime::backup::backup(&store.db, &out).await?
                };
            println!(
                "backed up {} and {} to {} ({} bytes) in {:.1} s",
                registry::count(held.cities as usize, "city", "cities"),
                registry::count(held.requests as usize, "request", "requests"),
                out.display(),
                held.bytes,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Restore { file, db } => {
            let held = if crate::runtime::backup::is_sqlite_file(&file) {
                if db.contains("://") {
                    bail!(
                        "a backup of a SQLite host restores into a SQLite file: name a path with --db"
                    );
                }
                crate::runtime::backup::restore(&file, Path::new(&db)).await?
            } else {
                crate::runtime::backup::restore_cities(&file, &db).await?
            };
            println!(
                "restored {} and {} from {} into {}; serve it with --db {}",
                registry::count(held.cities as usize, "city", "cities"),
                registry::count(held.requests as usize, "request", "requests"),
                file.display(),
                db,
                db
            );
            Ok(())
        }
        Command::City {
            command:
                CityCommand::Export {
                    city,
                    out,
                    with_secrets,
                    store,
                },
        } => {
            let carmen = store.open().await?;
            let started = std::time::Instant::now();
            let written = carmen
                .export_city(&carmen.console(), &city, with_secrets, &out)
                .await;
            carmen.close().await;
            let manifest = written?;
            let bytes = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
            println!(
                "exported {city}: {} requests, {} people, {} parts, {bytes} bytes, to {} in {:.1} s",
                manifest.rows("cases"),
                manifest.rows("users"),
                manifest.parts.len(),
                out.display(),
                started.elapsed().as_secs_f64()
            );
            println!("signed by host key {}", manifest.host_key);
            println!("content digest {}", manifest.content_digest());
            for left in &manifest.not_carried {
                println!("not carried: {left}");
            }
            Ok(())
        }
        Command::City {
            command:
                CityCommand::Import {
                    file,
                    as_slug,
                    key,
                    store,
                },
        } => {
            let started = std::time::Instant::now();
            let archive = crate::runtime::portability::read_archive(&file, key.as_deref())?;
            if key.is_none() {
                eprintln!(
                    "the archive is signed by host key {}; pass --key to require it",
                    archive.manifest.host_key
                );
            }
            let carmen = store.open().await?;
            let imported = carmen
                .import_city(&carmen.console(), &archive, as_slug.as_deref())
                .await;
            carmen.close().await;
            let imported = imported?;
            println!(
                "imported {}: {} requests, {} people, in {:.1} s; {} request numbers kept as aliases",
                imported.city,
                imported.rows.get("cases").unwrap_or(&0),
                imported.rows.get("users").unwrap_or(&0),
                started.elapsed().as_secs_f64(),
                imported.renumbered
            );
            for left in &imported.not_carried {
                println!("to redo: {left}");
            }
            Ok(())
        }
        Command::City {
            command: CityCommand::MoveOut { city, to, store },
        } => {
            let carmen = store.open().await?;
            let moved = carmen.move_out(&carmen.console(), &city, &to).await;
            carmen.close().await;
            let moved = moved?;
            println!(
                "{} is read-only here and points to {}",
                moved.slug,
                moved.moved_to.unwrap_or_default()
            );
            Ok(())
        }
        Command::City {
            command: CityCommand::Verify { file, key },
        } => {
            let archive = crate::runtime::portability::read_archive(&file, key.as_deref())?;
            let manifest = &archive.manifest;
            println!(
                "{}: the archive of {} ({}), {} parts, each as its manifest says; signed by host key {}; content digest {}",
                file.display(),
                manifest.city,
                manifest.name,
                manifest.parts.len(),
                manifest.host_key,
                manifest.content_digest()
            );
            Ok(())
        }
        Command::City {
            command: CityCommand::List { store },
        } => {
            let carmen = store.open().await?;
            for city in carmen.cities().await? {
                println!("{}\t{}", city.slug, city.name);
            }
            Ok(())
        }
        Command::Service {
            command:
                ServiceCommand::Install {
                    city,
                    file,
                    granted,
                    manifest,
                    deadline_ms,
                    memory_mb,
                    quotas,
                    store,
                },
        } => {
            let carmen = store.open().await?;
            let manifest_path = manifest
                .or_else(|| Some(file.with_file_name("carmen.toml")).filter(|p| p.exists()));
            let request = InstallRequest {
                grants: granted.grants()?,
                config: parse_config(&granted.config)?,
                hosts: granted.allow_host,
                manifest: manifest_path.as_deref().map(Manifest::read).transpose()?,
                limits: Limits {
                    deadline_ms,
                    memory_bytes: memory_mb * 1024 * 1024,
                },
                quotas: Quotas::default().with(&parse_config(&quotas)?)?,
            };
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let install = carmen
                .install(&carmen.console().admin_of(&city), &bytes, request)
                .await?;
            println!(
                "installed {} {} in {} as service {:?} (sha256 {}, granted: {}{})",
                install.plugin,
                install.version,
                install.city,
                install.code,
                install.digest,
                install.grants,
                registry::approved_hosts_said(&install.hosts)
            );
            Ok(())
        }
        Command::Service {
            command: ServiceCommand::List { city, store },
        } => {
            let carmen = store.open().await?;
            for i in carmen.installs(&city).await? {
                println!(
                    "{}\t{} {}\tgranted: {}\tsha256 {}",
                    i.code,
                    i.plugin,
                    i.version,
                    i.grants,
                    &i.digest[..12]
                );
            }
            Ok(())
        }
        Command::Registry { command } => registry::run_registry(command).await,
        Command::Plugin { command } => plugin::run_command(command).await,
        Command::Contract {
            command: ContractCommand::Reference { dir },
        } => {
            print!("{}", reference::reference(&dir)?);
            Ok(())
        }
        Command::Publish {
            path,
            manifest,
            wasm,
            registry,
            publisher,
        } => registry::publish(&path, manifest, wasm, &registry, &publisher).await,
        Command::Search {
            text,
            group,
            keyword,
            registry,
        } => registry::search(&text, group.as_deref(), keyword.as_deref(), &registry).await,
        Command::Info { name, registry } => registry::info(&name, &registry).await,
        Command::Install {
            city,
            spec,
            granted,
            report,
            registry,
            store,
        } => {
            let approval = Approval {
                grants: granted.grants()?,
                hosts: granted.allow_host,
                named: false,
            };
            registry::install(
                &city,
                &spec,
                approval,
                &granted.config,
                report,
                &registry,
                &store,
            )
            .await
        }
        Command::Upgrade {
            city,
            name,
            to,
            grant,
            allow_host,
            registry,
            store,
        } => {
            let approval = Approval {
                grants: Grants::parse(&grant).map_err(anyhow::Error::msg)?,
                hosts: allow_host,
                named: false,
            };
            registry::upgrade(&city, &name, &to, &approval, &registry, &store).await
        }
        Command::Rollback { city, name, store } => registry::rollback(&city, &name, &store).await,
        Command::Uninstall { city, name, store } => registry::uninstall(&city, &name, &store).await,
        Command::Deprecate {
            spec,
            message,
            undo,
            publisher,
        } => registry::deprecate(&spec, (!undo).then_some(message.as_str()), &publisher).await,
        Command::Yank {
            spec,
            undo,
            publisher,
        } => registry::yank(&spec, undo, &publisher).await,
        Command::Key {
            command: KeyCommand::Issue { city, label, store },
        } => {
            let carmen = store.open().await?;
            let (id, key) = carmen
                .issue_api_key(&carmen.console().admin_of(&city), &label)
                .await?;
            println!("{key}");
            eprintln!(
                "key {id} issued for {city}; the key above is shown once and only its hash is kept"
            );
            Ok(())
        }
        Command::Key {
            command: KeyCommand::Revoke { city, id, store },
        } => {
            let carmen = store.open().await?;
            if !carmen
                .revoke_api_key(&carmen.console().admin_of(&city), &id)
                .await?
            {
                bail!("no key {id:?} in {city}");
            }
            println!("revoked key {id} of {city}");
            Ok(())
        }
        Command::Operator {
            command: OperatorCommand::Token { store },
        } => {
            let carmen = store.open().await?;
            let (operator, token) = carmen.new_operator_token(&carmen.console()).await?;
            println!("{token}");
            eprintln!(
                "a new token for operator {}; shown once, only its hash is kept; earlier tokens stay valid until revoked",
                operator.id
            );
            Ok(())
        }
        Command::Operator {
            command:
                OperatorCommand::Init {
                    name,
                    email,
                    password,
                    store,
                },
        } => {
            let carmen = store.open().await?;
            let (operator, token) = carmen
                .create_operator(
                    &carmen.console(),
                    NewUser {
                        name,
                        email,
                        password,
                        ..Default::default()
                    },
                )
                .await?;
            println!("{token}");
            eprintln!(
                "operator {} created; the token above is shown once and only its hash is kept",
                operator.id
            );
            Ok(())
        }
        Command::Demo {
            plugins,
            wasm,
            data,
            listen,
            no_serve,
        } => crate::demo::run(&plugins, &wasm, &data, listen, no_serve).await,
    }
}

/// Serves the API on `listen` behind `policy` until SIGTERM or Ctrl-C, ticking every service every
/// `tick_seconds`; then stops taking connections, lets the requests and plugin calls in flight
/// finish (ticks too), closes the store and returns.
pub async fn serve(
    carmen: Carmen,
    listen: SocketAddr,
    tick_seconds: u64,
    deliver_every: Option<Duration>,
    policy: crate::api::HttpPolicy,
) -> anyhow::Result<()> {
    let listener = bind(listen).await?;
    serve_on(carmen, listener, tick_seconds, deliver_every, policy).await
}

/// The address to serve on, taken; a busy one is answered with what to do.
pub async fn bind(listen: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(listen).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow::anyhow!(
                "cannot listen on {listen}: something already listens there (another carmen?); stop it, or choose another address with --listen"
            )
        } else {
            anyhow::anyhow!("cannot listen on {listen}: {e}")
        }
    })
}

/// Serves on `listener` (see `serve`).
pub async fn serve_on(
    carmen: Carmen,
    listener: tokio::net::TcpListener,
    tick_seconds: u64,
    deliver_every: Option<Duration>,
    policy: crate::api::HttpPolicy,
) -> anyhow::Result<()> {
    let listen = listener.local_addr()?;
    let warmed = carmen.warm().await?;
    tracing::info!(%listen, components = warmed, "carmen is serving");
    let scheduler = (tick_seconds > 0).then(|| {
        tokio::spawn(
            carmen
                .clone()
                .run_scheduler(Duration::from_secs(tick_seconds)),
        )
    });
    let dispatcher = deliver_every.map(|every| tokio::spawn(carmen.clone().run_dispatcher(every)));
    let closing = carmen.clone();
    let app =
        crate::api::app_with(carmen, policy).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(stop_requested())
        .await?;
    if let Some(scheduler) = scheduler {
        scheduler.abort();
    }
    if let Some(dispatcher) = dispatcher {
        dispatcher.abort();
    }
    closing.finish_background().await;
    closing.close().await;
    tracing::info!("carmen stopped");
    Ok(())
}

/// Resolves when the process is asked to stop: SIGTERM (what deployment tools send) or Ctrl-C.
pub async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("stopping: finishing the requests and calls in flight");
}

/// The manifest of plugin `name` in the plugins' source folder.
pub fn plugin_manifest(plugins: &Path, name: &str) -> anyhow::Result<Manifest> {
    Ok(Manifest::read(&plugins.join(name).join("carmen.toml"))?)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every command, every argument and every flag says what it is in `--help`.
    #[test]
    fn every_command_and_flag_has_help() {
        fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
            let path = format!("{path} {}", command.get_name());
            if command.get_about().is_none() && path.trim() != "carmen" {
                missing.push(path.clone());
            }
            for arg in command.get_arguments() {
                let id = arg.get_id().as_str();
                if ["help", "version"].contains(&id) {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in command.get_subcommands() {
                if sub.get_name() != "help" {
                    walk(sub, &path, missing);
                }
            }
        }
        let mut missing = Vec::new();
        walk(&super::Cli::command(), "", &mut missing);
        assert!(missing.is_empty(), "without help: {missing:#?}");
    }
}
