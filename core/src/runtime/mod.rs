//! The runtime: the only door to the domain, for the HTTP API and the command line alike. Each use
//! case (submit, change status, reply, assign, install, upgrade, erase, settings, ...) runs in one
//! write transaction with its history, audit entry and outbox rows; a plugin call's own writes
//! commit in the same transaction, only if the call succeeded.

pub mod accounts;
pub mod admin;
mod background;
pub mod backup;
mod calls;
pub mod casework;
pub mod delivery;
pub mod evaluation;
mod faults;
mod filings;
pub mod follows;
pub mod form;
pub mod images;
pub mod install;
pub mod jobs;
pub mod knowledge;
pub mod organisations;
pub mod outbound;
pub mod passwords;
pub mod photos;
pub mod portability;
pub mod privacy;
pub mod proofs;
pub mod queries;
mod rate_windows;
pub mod registry;
pub mod replies;
pub mod requesters;
pub mod requests;
pub mod schedule;
pub mod transports;
pub mod types;
pub mod visibility;
pub mod workbench;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::capabilities::CallContext;
use crate::contract::types::ServiceDescription;
use crate::crm::installs::{self, Install};
use crate::crm::staged::{Access, Scope, Staged};
use crate::crm::{CrmError, cities, components};
use crate::db::Db;
use crate::engine::{PluginEngine, PluginError, Target};

/// Failures of the runtime, as callers must tell them apart.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error(transparent)]
    Crm(#[from] CrmError),
    #[error(transparent)]
    Service(#[from] ServiceFailure),
    #[error("{0}")]
    Invalid(String),
    /// The service takes requests only from citizens with an account.
    #[error("this service takes requests only from citizens who are signed in")]
    AccountRequired,
    /// Concurrent requests kept changing what this one needed; it changed nothing.
    #[error("the service is busy with other requests for the same thing; try again")]
    Busy,
    /// Too many failed tries: wait this many seconds.
    #[error("too many failed tries; wait {0} s")]
    Throttled(u64),
    /// The caller may not do this; the text says why.
    #[error("{0}")]
    Forbidden(String),
    /// This client did this as often as it may for now: try again in this many seconds.
    #[error("this was done from your address as often as it may be for now; try again in {0} s")]
    RateLimited(u64),
    /// The request carries no valid credential of the kind it needs (a signature); the text says
    /// which.
    #[error("{0}")]
    Unsigned(String),
    /// The host is doing as much of this work as it takes at once: try again in this many seconds.
    #[error("the host is busy; try again in {0} s")]
    Overloaded(u64),
    /// The city moved to another host (its address): it takes no change here.
    #[error("this city moved to another host and takes no change here: its services are at {0}")]
    Moved(String),
}

/// How a service's call failed, as the runtime's callers tell it apart; the engine's detail (a
/// trap's backtrace, a host fault) goes to the log when the failure is made, never further.
#[derive(Debug, thiserror::Error)]
pub enum ServiceFailure {
    /// The host could not run it (a fault of the host's, not the service's): try again later.
    #[error("the service could not be run; try again shortly")]
    Unavailable,
    /// It is busy with other requests in this city.
    #[error("{0}")]
    Busy(String),
    /// It cannot run here: not a valid component, or asking for a capability it was not granted.
    #[error("{0}")]
    Broken(String),
    /// Its call failed: a deadline, its memory cap, a trap, or the error it reported.
    #[error("{message}")]
    Failed { kind: &'static str, message: String },
}

impl From<PluginError> for RuntimeError {
    fn from(error: PluginError) -> RuntimeError {
        let kind = error.kind();
        let failure = match error {
            PluginError::Host(detail) => {
                tracing::error!(kind, %detail, "the host could not run a service");
                ServiceFailure::Unavailable
            }
            PluginError::Busy => ServiceFailure::Busy(PluginError::Busy.to_string()),
            broken @ (PluginError::InvalidComponent(_)
            | PluginError::CapabilityNotGranted { .. }) => {
                tracing::warn!(kind, error = %broken, "a service cannot run");
                ServiceFailure::Broken(broken.to_string())
            }
            PluginError::Trap { message, backtrace } => {
                tracing::warn!(kind, %message, %backtrace, "plugin call failed");
                ServiceFailure::Failed {
                    kind,
                    message: PluginError::Trap {
                        message,
                        backtrace: String::new(),
                    }
                    .to_string(),
                }
            }
            other => {
                tracing::warn!(kind, error = %other, "plugin call failed");
                ServiceFailure::Failed {
                    kind,
                    message: other.to_string(),
                }
            }
        };
        RuntimeError::Service(failure)
    }
}

impl From<sqlx::Error> for RuntimeError {
    fn from(error: sqlx::Error) -> RuntimeError {
        RuntimeError::Crm(error.into())
    }
}

/// One Carmen host: the store and the engine shared by every city. A clone is one reference
/// count (every handler's state is one): what it holds is in [`Shared`].
#[derive(Clone)]
pub struct Carmen {
    shared: Arc<Shared>,
}

impl std::ops::Deref for Carmen {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.shared
    }
}

/// What a Carmen host holds, shared by its clones.
#[derive(Clone)]
pub struct Shared {
    pub(crate) db: Db,
    pub(crate) engine: Arc<PluginEngine>,
    /// The shared registry this host installs from, if one is configured.
    pub registry: Option<String>,
    /// The operator's publisher token at that registry: the host's reports for its cities carry
    /// it, so the registry registers their key from this host only.
    registry_token: Option<String>,
    /// The installs whose scheduled tick is running.
    ticking: schedule::Ticking,
    /// The key requester ids are derived with.
    requesters: requesters::RequesterKey,
    /// Work done after answering (services told of their cases' changes).
    background: background::Background,
    /// Password hashing and checking, off the async workers.
    passwords: passwords::Passwords,
    /// Accounts made from each client address (a burst, then a few an hour).
    registrations: Arc<accounts::Registrations>,
    /// The bounded pool photos are decoded on.
    photo_work: photos::PhotoWork,
    /// Requests to addresses cities configured, kept off the host's own network.
    outbound: outbound::Outbound,
    /// Cities seen to exist (a city is never deleted, so this never goes stale).
    known_cities: Arc<std::sync::RwLock<std::collections::HashSet<String>>>,
    /// What filing a request to the busiest services needs, as last read.
    filings: Arc<filings::Filings>,
    /// Where citizens reach this host, as the operator said (`--public-url`).
    public_url: Option<String>,
    /// Where messages leave from, when this host delivers them.
    dispatcher: Option<Arc<delivery::Dispatcher>>,
    /// Installs and upgrades going on after their request was answered.
    jobs: Arc<jobs::Jobs>,
}

impl From<Shared> for Carmen {
    fn from(shared: Shared) -> Carmen {
        Carmen {
            shared: Arc::new(shared),
        }
    }
}

impl Carmen {
    /// Opens the store at `db` and an engine caching compiled components in `cache_dir`.
    pub async fn open(db: &str, cache_dir: &Path) -> anyhow::Result<Carmen> {
        let db = Db::open(db).await?;
        let engine = Arc::new(PluginEngine::new(cache_dir)?);
        let requesters = requesters::RequesterKey::load(&db).await?;
        let outbound = outbound::Outbound::new(Default::default())?;
        engine.set_reach(outbound.reach());
        Ok(Carmen::from(Shared {
            db,
            engine,
            registry: None,
            registry_token: None,
            ticking: Default::default(),
            requesters,
            background: Default::default(),
            passwords: Default::default(),
            photo_work: Default::default(),
            registrations: Default::default(),
            outbound,
            known_cities: Default::default(),
            filings: Default::default(),
            public_url: None,
            dispatcher: None,
            jobs: Default::default(),
        }))
    }

    /// What this host holds, to change while it is built (a builder's `with_…`).
    fn shared_mut(&mut self) -> &mut Shared {
        Arc::make_mut(&mut self.shared)
    }

    /// The same host, installing from the registry at `url`.
    pub fn with_registry(mut self, url: Option<String>) -> Carmen {
        self.shared_mut().registry = url.map(|u| u.trim_end_matches('/').to_string());
        self
    }

    /// The same host, decoding photos on `workers` at once with at most `queue` uploads waiting.
    pub fn with_photo_work(mut self, workers: usize, queue: usize) -> Carmen {
        self.shared_mut().photo_work = photos::PhotoWork::new(workers, queue);
        self
    }

    /// The same host, calling private networks in `allowed` too (say `127.0.0.0/8` for a
    /// gateway on this machine); by default only public addresses are called.
    pub fn with_outbound(mut self, allowed: Vec<ipnet::IpNet>) -> Result<Carmen, RuntimeError> {
        self.shared_mut().outbound = outbound::Outbound::new(outbound::OutboundPolicy { allowed })?;
        self.engine.set_reach(self.outbound.reach());
        Ok(self)
    }

    /// The same host, reporting to its registry with the operator's publisher `token`.
    pub fn with_registry_token(mut self, token: Option<String>) -> Carmen {
        self.shared_mut().registry_token = token;
        self
    }

    /// The store, for the tests alone (the `testing` feature): nothing above the runtime reaches it.
    #[cfg(feature = "testing")]
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The engine, for the tests alone (the `testing` feature).
    #[cfg(feature = "testing")]
    pub fn engine(&self) -> &PluginEngine {
        &self.engine
    }

    /// Whether a filing is kept for a request of `category` to service `code` of `city`, for
    /// the tests alone (the `testing` feature).
    #[cfg(feature = "testing")]
    pub fn filing_kept(&self, city: &str, code: &str, category: &str) -> bool {
        self.filings.get(city, code, category).is_some()
    }

    /// Closes the store, flushing what it holds (SQLite's write-ahead log).
    pub async fn close(&self) {
        self.db.close().await;
    }

    /// Loads every component in use into the engine (from the disk cache when it has them):
    /// one per digest, however many cities installed it. Each install is made ready at its first
    /// call. Returns how many components were loaded.
    pub async fn warm(&self) -> Result<usize, RuntimeError> {
        let digests = installs::digests_in_use(&mut *self.db.read().await?).await?;
        for digest in &digests {
            let db = self.db.clone();
            let wanted = digest.clone();
            self.engine
                .load(digest, async move || {
                    Ok(components::get(&mut *db.read().await?, &wanted).await?)
                })
                .await?;
        }
        Ok(digests.len())
    }

    pub(crate) async fn ensure_loaded(&self, install: &Install) -> Result<(), RuntimeError> {
        if self.engine.is_loaded(&install.digest) {
            return Ok(());
        }
        let db = self.db.clone();
        let digest = install.digest.clone();
        self.engine
            .prepare(&install.digest, &install.grants, async move || {
                Ok(components::get(&mut *db.read().await?, &digest).await?)
            })
            .await?;
        Ok(())
    }

    /// The engine target of an install: its component, limits, and the context it acts in.
    pub async fn target(&self, install: &Install) -> Result<Target, RuntimeError> {
        self.ensure_loaded(install).await?;
        Ok(target_of(install, self.db.clone()))
    }

    /// The installs of a city with their descriptions in `language`. A service that cannot
    /// describe itself (its own fault: kept and told to the city's administrators) is left out,
    /// so that one broken service does not take the city's lists down with it.
    pub async fn services(
        &self,
        city: &str,
        language: &str,
    ) -> Result<Vec<(Install, Arc<ServiceDescription>)>, RuntimeError> {
        let mut out = Vec::new();
        for install in self.installs(city).await? {
            match self.describe(&install, language).await {
                Ok(description) => out.push((install, description)),
                Err(RuntimeError::Service(
                    failure @ (ServiceFailure::Broken(_) | ServiceFailure::Failed { .. }),
                )) => {
                    tracing::warn!(city, service = %install.code, error = %failure, "a service left out of the city's list: it cannot describe itself");
                }
                Err(other) => return Err(other),
            }
        }
        Ok(out)
    }

    /// The names of a city's services in `language`, by service code (as cases name their
    /// service); those `services` leaves out are not named.
    pub async fn service_names(
        &self,
        city: &str,
        language: &str,
    ) -> Result<BTreeMap<String, String>, RuntimeError> {
        Ok(self
            .services(city, language)
            .await?
            .into_iter()
            .map(|(install, description)| (install.code, description.name.clone()))
            .collect())
    }

    /// The installs of a city, by service code, without asking their plugins anything.
    pub async fn installs(&self, city: &str) -> Result<Vec<Install>, RuntimeError> {
        self.known_city(city).await?;
        Ok(installs::list(&mut *self.db.read().await?, city).await?)
    }

    /// One install of a city with its description in `language`.
    pub async fn service(
        &self,
        city: &str,
        code: &str,
        language: &str,
    ) -> Result<(Install, Arc<ServiceDescription>), RuntimeError> {
        let install = self.install_of(city, code).await?;
        let description = self.describe(&install, language).await?;
        Ok((install, description))
    }

    /// The install of service `code` in `city` (an unknown city is not found either).
    pub(crate) async fn install_of(&self, city: &str, code: &str) -> Result<Install, RuntimeError> {
        self.known_city(city).await?;
        Ok(installs::get(&mut *self.db.read().await?, city, code).await?)
    }

    /// Ok when the city exists; not found otherwise. Remembers the cities it found, as cities
    /// are never deleted: the hot path asks the store only once per city.
    pub async fn known_city(&self, slug: &str) -> Result<(), RuntimeError> {
        let known = |slugs: &std::collections::HashSet<String>| slugs.contains(slug);
        if known(&self.known_cities.read().unwrap_or_else(|e| e.into_inner())) {
            return Ok(());
        }
        cities::get(&mut *self.db.read().await?, slug).await?;
        self.known_cities
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(slug.to_string());
        Ok(())
    }

    /// The engine target of `install` for a call that may open cases (`tick`, `on-case-event`):
    /// those it opens without a department go to the one its description names.
    pub(crate) async fn target_opening_cases(
        &self,
        install: &Install,
    ) -> Result<Target, RuntimeError> {
        let mut target = self.target(install).await?;
        if install
            .grants
            .contains(crate::crm::grants::Capability::Cases)
        {
            let described = self.engine.description(&target, "en").await;
            let form = self.watched(install, described).await?;
            target
                .context
                .staged
                .set_default_department(&form.department);
        }
        Ok(target)
    }

    async fn describe(
        &self,
        install: &Install,
        language: &str,
    ) -> Result<Arc<ServiceDescription>, RuntimeError> {
        let target = self.target(install).await?;
        let described = self.engine.description(&target, language).await;
        self.watched(install, described).await
    }
}

/// The engine target of `install`, acting in its city with its grants, settings and quotas.
pub(crate) fn target_of(install: &Install, db: Db) -> Target {
    let scope = Scope {
        city: install.city.clone(),
        service: install.code.clone(),
        plugin: install.plugin.clone(),
        quotas: install.quotas,
        public: install.public,
        private_fields: install.private_fields.clone(),
        default_department: None,
    };
    Target {
        digest: install.digest.clone(),
        limits: crate::engine::Limits {
            deadline_ms: install.limits.deadline_ms,
            memory_bytes: install.limits.memory_bytes,
        },
        context: CallContext {
            grants: install.grants.clone(),
            config: install.config.clone(),
            staged: Staged::new(scope, Access::ReadOnly("describe"), db),
            caller: Default::default(),
            consulted: false,
            hosts: install.hosts.clone().into(),
        },
    }
}
