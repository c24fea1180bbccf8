//! The `carmen` command line: serve, set up cities and services, run the demo.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};

use crate::crm::grants::Grants;
use crate::crm::installs::Limits;
use crate::crm::people::{self, NewUser, Role};
use crate::crm::{cities, installs};
use crate::manifest::Manifest;
use crate::runtime::Carmen;
use crate::runtime::install::InstallRequest;

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
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Set up, make the example requests, print the URLs and stop instead of serving.
        #[arg(long)]
        no_serve: bool,
    },
}

#[derive(Subcommand)]
enum OperatorCommand {
    /// Create the first operator and print its API token (shown once; only its hash is kept).
    Init {
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
        #[arg(long)]
        name: String,
        #[command(flatten)]
        store: Store,
    },
    /// List the cities.
    List {
        #[command(flatten)]
        store: Store,
    },
}

#[derive(Subcommand)]
enum ServiceCommand {
    /// Install a compiled service into a city.
    Install {
        city: String,
        /// The component (.wasm).
        file: PathBuf,
        /// Capabilities to grant, comma-separated (cases, store, notify, config, log, clock).
        #[arg(long, default_value = "")]
        grant: String,
        /// A setting, as key=value; repeat for more.
        #[arg(long = "config", value_name = "KEY=VALUE")]
        config: Vec<String>,
        /// The package manifest (default: carmen.toml beside the file, if any).
        #[arg(long)]
        manifest: Option<PathBuf>,
        /// Deadline of one call, in milliseconds.
        #[arg(long, default_value_t = 1000)]
        deadline_ms: u64,
        /// Memory cap, in MiB.
        #[arg(long, default_value_t = 64)]
        memory_mb: u64,
        #[command(flatten)]
        store: Store,
    },
    /// List a city's services.
    List {
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

/// Runs the command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            store,
            listen,
            tick_seconds,
        } => {
            let carmen = store.open().await?;
            serve(carmen, listen, tick_seconds).await
        }
        Command::City {
            command: CityCommand::Add { slug, name, store },
        } => {
            let carmen = store.open().await?;
            let city = cities::create(&carmen.db, &slug, &name).await?;
            println!("added city {} ({})", city.slug, city.name);
            Ok(())
        }
        Command::City {
            command: CityCommand::List { store },
        } => {
            let carmen = store.open().await?;
            for city in cities::list(&carmen.db).await? {
                println!("{}\t{}", city.slug, city.name);
            }
            Ok(())
        }
        Command::Service {
            command:
                ServiceCommand::Install {
                    city,
                    file,
                    grant,
                    config,
                    manifest,
                    deadline_ms,
                    memory_mb,
                    store,
                },
        } => {
            let carmen = store.open().await?;
            let manifest_path = manifest
                .or_else(|| Some(file.with_file_name("carmen.toml")).filter(|p| p.exists()));
            let request = InstallRequest {
                grants: Grants::parse(&grant).map_err(anyhow::Error::msg)?,
                config: parse_config(&config)?,
                manifest: manifest_path.as_deref().map(Manifest::read).transpose()?,
                limits: Limits {
                    deadline_ms,
                    memory_bytes: memory_mb * 1024 * 1024,
                },
            };
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let install = carmen.install(&city, &bytes, request).await?;
            println!(
                "installed {} {} in {} as service {:?} (sha256 {}, granted: {})",
                install.plugin,
                install.version,
                install.city,
                install.code,
                install.digest,
                install.grants
            );
            Ok(())
        }
        Command::Service {
            command: ServiceCommand::List { city, store },
        } => {
            let carmen = store.open().await?;
            cities::get(&carmen.db, &city).await?;
            for i in installs::list(&carmen.db, &city).await? {
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
            if people::operator_exists(&carmen.db).await? {
                bail!("an operator exists already; the first operator is created once");
            }
            let operator = people::create(
                &carmen.db,
                Role::Operator,
                NewUser {
                    name,
                    email,
                    password,
                    ..Default::default()
                },
            )
            .await?;
            let token = people::issue_token(&carmen.db, &operator, "api", "operator init").await?;
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

/// Serves the API on `listen` until Ctrl-C, ticking every service every `tick_seconds`.
pub async fn serve(carmen: Carmen, listen: SocketAddr, tick_seconds: u64) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let warmed = carmen.warm().await?;
    tracing::info!(%listen, installs = warmed, "carmen is serving");
    if tick_seconds > 0 {
        tokio::spawn(
            carmen
                .clone()
                .run_scheduler(Duration::from_secs(tick_seconds)),
        );
    }
    let db = carmen.db.clone();
    let app = crate::api::app(carmen).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    db.close().await;
    Ok(())
}

/// The manifest of plugin `name` in the plugins' source folder.
pub fn plugin_manifest(plugins: &Path, name: &str) -> anyhow::Result<Manifest> {
    Ok(Manifest::read(&plugins.join(name).join("carmen.toml"))?)
}
