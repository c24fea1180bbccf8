//! The plugin engine: wasmtime with the pooling allocator, components compiled once per digest,
//! one pre-instantiated component per (digest, grants), a fresh store per call, a memory cap per
//! call, and WASI with nothing in it but bounded stdout/stderr. A call a citizen waits for may
//! start on its caller's thread (`callers_thread` says whose may), which it leaves at the first
//! epoch tick after 0.3 ms of CPU; guest code runs on the engine's own threads after that, or
//! from the start, fairly shared between cities (`executor`), yielding at every epoch tick and
//! stopped at its deadline; a city and an install hold only a bounded share of the call slots
//! (`share`).

// The capabilities and the contract were `crate::` modules when all were one crate.
use carmen_sandbox::{capabilities, contract};

mod callers_thread;
mod epoch;
pub mod metrics;

pub mod cache;
pub mod descriptions;
pub mod errors;
pub mod executor;
mod exports;
pub mod limits;
pub mod output;
pub mod share;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wasmtime::component::{Component, Instance, InstancePre, Linker, ResourceTable};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store, UpdateDeadline,
};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use self::cache::{CacheStats, ComponentCache};
use self::callers_thread::{CallersThread, FIRST_SLICE_HERE};
use self::descriptions::Descriptions;
use self::epoch::Ticker;
pub use self::errors::PluginError;
use self::executor::GuestExecutor;
use self::exports::ServiceExports;
use self::limits::CallLimiter;
pub use self::limits::Limits;
use self::output::BoundedOutput;
use self::share::Shares;
use crate::capabilities::CallContext;
use crate::capabilities::http::{Mode, OutboundCall, Reach};
use crate::capabilities::{Access, Staged};
use crate::contract::types::{CaseEvent, FieldError, Outcome, ServiceDescription, Submission};
use crate::contract::{ERASURE_EXPORT, ErasureSubject};
use carmen_registry::capabilities::{Capability, Grants};

/// The epoch ticks every this long: a running guest yields its thread at a tick when another
/// call of its lane waits for one.
const EPOCH_TICK: Duration = Duration::from_millis(1);
/// A call that is running guest code at this many epoch ticks (1 to 2 ms of it, or longer when it
/// also waited for the host in between) is a long call: it goes on in the guest threads' second
/// lane, below the server's priority (`executor`).
const SHORT_CALL_TICKS: u32 = 2;
/// The most random bytes a guest may ask for at once (wasmtime's default is 64 MiB).
const MAX_RANDOM_BYTES: u64 = 64 * 1024;
/// The largest memory cap an install may set.
pub const MAX_MEMORY_CAP: u64 = 512 * 1024 * 1024;
/// How many times its deadline a call on the quick tier's form has (see `cache`).
const QUICK_DEADLINE_FACTOR: u64 = 4;
/// The longest deadline an install may set.
pub const MAX_DEADLINE_MS: u64 = 60_000;
/// The `carmen:city` versions this host serves.
/// Every version ever accepted stays served: 0.1.1 and 0.1.2 only added to 0.1.0, so one binding
/// serves them all.
pub const CONTRACT_VERSIONS: &[&str] = &["0.1.0", "0.1.1", "0.1.2"];

/// What a store holds for one call.
pub struct PluginState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    /// Where the call's requests may go (capability `http`).
    outbound: OutboundCall,
    table: ResourceTable,
    limiter: CallLimiter,
    call: CallContext,
}

impl WasiHttpView for PluginState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.outbound,
        }
    }
}

impl WasiView for PluginState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Which install a call goes to.
#[derive(Clone, Debug)]
pub struct Target {
    pub digest: String,
    pub limits: Limits,
    pub context: CallContext,
}

/// An install of a digest under way (see `PluginEngine::hold`).
pub struct Held<'a> {
    engine: &'a PluginEngine,
    digest: String,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        let mut held = self.engine.held.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = held.get_mut(&self.digest) {
            *n -= 1;
            if *n == 0 {
                held.remove(&self.digest);
            }
        }
    }
}

/// Which linker: of the quick tier's engine (true) or the optimizing one, for these grants.
type LinkerKey = (bool, Grants);

/// The engine shared by every city on this host.
pub struct PluginEngine {
    /// Digests with installs under way, and how many.
    held: Mutex<HashMap<String, usize>>,
    /// The optimizing engine, whose pool every call slot has its place in.
    engine: Engine,
    cache: ComponentCache,
    linkers: Mutex<HashMap<LinkerKey, Arc<Linker<PluginState>>>>,
    pres: Mutex<HashMap<(String, Grants), Prepared>>,
    shares: Shares,
    guests: GuestExecutor,
    /// Ticks the epoch while calls are in flight.
    ticker: Ticker,
    descriptions: Descriptions,
    /// Which cities' calls may start on their caller's thread.
    callers_thread: CallersThread,
    /// The operator's outbound policy and its client, for services granted `http`.
    reach: std::sync::RwLock<Option<Arc<Reach>>>,
    /// Cities whose submissions a native service answers in place of their component.
    #[cfg(feature = "testing")]
    natives: std::sync::RwLock<HashMap<String, Arc<dyn NativeService>>>,
}

/// A city service written in Rust and run in the host in place of a city's component, for the
/// tests alone (the `testing` feature): the baseline the submit bench measures a plugin against,
/// a request to it passing through every part of the host a plugin's passes through but the
/// sandbox.
#[cfg(feature = "testing")]
pub trait NativeService: Send + Sync {
    /// As the contract's `validate`.
    fn validate(&self, submission: &Submission) -> Vec<FieldError>;
    /// As the contract's `submit`.
    fn submit(&self, submission: &Submission) -> Outcome;
}

/// A component ready to instantiate with the host functions of some grants, and where its
/// service's functions are.
#[derive(Clone)]
struct Prepared {
    pre: InstancePre<PluginState>,
    exports: Arc<ServiceExports>,
}

/// One export of `carmen:city/service` with its argument.
enum Export {
    Describe(String),
    Validate(Submission),
    /// `validate`, then `submit` in the same instance if it found nothing wrong.
    ValidateThenSubmit(Submission),
    OnCaseEvent(CaseEvent),
    Tick(i64),
    /// `erasure.forget`, under the export's full name.
    Forget(String, ErasureSubject),
}

impl Export {
    /// Whether someone waits for the call's answer (a citizen's form, list or request). Nobody
    /// waits for a tick, a case event or a forgetting: those run below the server's priority from
    /// their start (the guest threads' second lane).
    fn awaited(&self) -> bool {
        match self {
            Export::Describe(_) | Export::Validate(_) | Export::ValidateThenSubmit(_) => true,
            Export::OnCaseEvent(_) | Export::Tick(_) | Export::Forget(..) => false,
        }
    }
}

/// What an export returned.
enum Returned {
    Description(ServiceDescription),
    Errors(Vec<FieldError>),
    Outcome(Outcome),
    Said(Result<(), String>),
}

/// Instantiates `prepared` in `store` and calls `export`.
async fn instantiate_and_call(
    prepared: &Prepared,
    store: &mut Store<PluginState>,
    export: Export,
) -> wasmtime::Result<Returned> {
    use wasmtime::component::Val;
    let instance = prepared.pre.instantiate_async(&mut *store).await?;
    if let Export::Forget(name, subject) = export {
        let forget = instance
            .get_export_index(&mut *store, None, &name)
            .and_then(|erasure| instance.get_export_index(&mut *store, Some(&erasure), "forget"))
            .and_then(|forget| instance.get_func(&mut *store, forget))
            .ok_or_else(|| wasmtime::Error::msg(format!("{name} has no function forget")))?;
        let mut results = [Val::Bool(false)];
        forget
            .call_async(&mut *store, &[subject.to_val()], &mut results)
            .await?;
        return Ok(Returned::Said(match &results[0] {
            Val::Result(Ok(_)) => Ok(()),
            Val::Result(Err(Some(said))) => match &**said {
                Val::String(said) => Err(said.clone()),
                other => Err(format!("{other:?}")),
            },
            other => Err(format!("forget answered {other:?}")),
        }));
    }
    call_export(&prepared.exports, &instance, store, export).await
}

async fn call_export(
    service: &ServiceExports,
    instance: &Instance,
    store: &mut Store<PluginState>,
    export: Export,
) -> wasmtime::Result<Returned> {
    Ok(match export {
        Export::Describe(language) => {
            Returned::Description(service.describe(store, instance, &language).await?)
        }
        Export::Validate(submission) => {
            Returned::Errors(service.validate(store, instance, &submission).await?)
        }
        Export::ValidateThenSubmit(submission) => {
            let errors = service.validate(store, instance, &submission).await?;
            if !errors.is_empty() {
                return Ok(Returned::Errors(errors));
            }
            store.data_mut().call.staged.allow_writes();
            store.data_mut().outbound.allow_writes();
            Returned::Outcome(service.submit(store, instance, &submission).await?)
        }
        Export::OnCaseEvent(event) => {
            Returned::Said(service.on_case_event(store, instance, &event).await?)
        }
        Export::Tick(now) => Returned::Said(service.tick(store, instance, now).await?),
        Export::Forget(..) => unreachable!("forget is called by name in instantiate_and_call"),
    })
}

/// What a finished call returned, what it wrote, and whether it asked the host for more than its
/// settings.
struct Finished {
    returned: Returned,
    staged: Staged,
    consulted: bool,
}

/// What became of `validate_and_submit`.
#[allow(
    clippy::large_enum_variant,
    reason = "one per call, moved once to the runtime"
)]
pub enum Checked {
    /// `validate` found these faults; `submit` was not called.
    Invalid(Vec<FieldError>),
    /// `submit` answered, having written this.
    Submitted(Outcome, Staged),
}

/// The answer of an export that returned something else: a bug in this module.
fn mismatch() -> PluginError {
    PluginError::Host("the export answered with another type".into())
}

impl PluginEngine {
    /// An engine whose compiled components are cached in `cache_dir`.
    pub fn new(cache_dir: &Path) -> anyhow::Result<PluginEngine> {
        let mut pool = PoolingAllocationConfig::default();
        // Every call's component is bounded, and the pool holds the bound for every call slot,
        // so no component can exhaust the pool for the others.
        let instances = share::HOST_SLOTS as u32 + 28;
        pool.total_component_instances(instances)
            .max_memories_per_component(limits::MAX_MEMORIES)
            .max_tables_per_component(limits::MAX_TABLES)
            .max_core_instances_per_component(limits::MAX_CORE_INSTANCES)
            .total_core_instances(instances * limits::MAX_CORE_INSTANCES)
            .total_memories(instances * limits::MAX_MEMORIES)
            .total_tables(instances * limits::MAX_TABLES)
            .total_stacks(instances)
            .max_memory_size(MAX_MEMORY_CAP as usize)
            .max_unused_warm_slots(32)
            // A slot's memory is reset in place (only its dirty pages, where the kernel can say
            // which) instead of being given back and faulted in again by the next call.
            .pagemap_scan(wasmtime::Enabled::Auto)
            .linear_memory_keep_resident(1024 * 1024)
            .table_keep_resident(64 * 1024)
            .decommit_batch_size(16);
        // The optimizing compiles run on one thread: a large component's, made while its quick
        // form already answers, leaves the other cores to the calls.
        let engine = Engine::new(
            config(
                wasmtime::Strategy::Cranelift,
                InstanceAllocationStrategy::Pooling(pool),
            )
            .parallel_compilation(false),
        )
        .map_err(|e| anyhow::anyhow!("{e:#}"))?;
        // The quick tier's calls are few and short-lived (until the optimized form comes): their
        // instances are allocated on demand, bounded by the call's limiter as in the pool.
        let quick = Engine::new(&config(
            wasmtime::Strategy::Winch,
            InstanceAllocationStrategy::OnDemand,
        ));
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let guests = GuestExecutor::start(
            (threads / 2).max(1),
            threads,
            tokio::runtime::Handle::try_current()?,
        )?;
        let mut cache = ComponentCache::new(&engine, cache_dir)?;
        let mut engines = vec![engine.clone()];
        match quick {
            Ok(quick) => {
                cache = cache.with_quick_tier(quick.clone())?;
                engines.push(quick);
            }
            Err(error) => {
                tracing::warn!(error = %format!("{error:#}"), "no quick tier on this machine: large components answer once optimized");
            }
        }
        capabilities::http::count_with(crate::metrics::outbound_request);
        let ticker = Ticker::start(engines)?;
        Ok(PluginEngine {
            held: Mutex::new(HashMap::new()),
            engine,
            cache,
            linkers: Mutex::new(HashMap::new()),
            pres: Mutex::new(HashMap::new()),
            callers_thread: CallersThread::default(),
            shares: Shares::default(),
            guests,
            ticker,
            descriptions: Descriptions::default(),
            reach: Default::default(),
            #[cfg(feature = "testing")]
            natives: Default::default(),
        })
    }

    /// Sends the requests of services granted `http` with `reach`: the operator's policy and
    /// the client that follows it. Until this is called, every such request is denied.
    pub fn set_reach(&self, reach: Reach) {
        *self.reach.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(reach));
    }

    /// How often components were compiled and loaded from the disk cache.
    pub fn cache_stats(&self) -> CacheStats {
        self.cache.stats()
    }

    /// Compiles components of `bytes` or more with the quick tier first (by default those of
    /// `cache::QUICK_TIER_ABOVE`); tests set 0 to see the tiers with a small component.
    #[cfg(feature = "testing")]
    pub fn set_quick_tier_above(&self, bytes: u64) {
        self.cache.set_quick_tier_above(bytes);
    }

    /// Holds the optimizing compiles back while the guard lives: calls stay on the quick tier.
    #[cfg(feature = "testing")]
    pub async fn pause_optimizing(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.cache.pause_optimizing().await
    }

    /// From now on `service` answers the submissions to every service of `city`, in the host,
    /// in place of their components (their descriptions still come from the components).
    #[cfg(feature = "testing")]
    pub fn run_natively(&self, city: &str, service: Arc<dyn NativeService>) {
        self.natives
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(city.to_string(), service);
    }

    /// True while `digest` runs on the quick tier's form, its optimized form still to come.
    pub fn is_quick(&self, digest: &str) -> bool {
        self.cache.is_quick(digest)
    }

    /// Compiles (or loads) a component, checks that it is a city service of a supported contract
    /// version and that it imports nothing beyond `grants`; returns the capabilities it imports.
    pub async fn prepare(
        &self,
        digest: &str,
        grants: &Grants,
        bytes: impl AsyncFnOnce() -> anyhow::Result<Vec<u8>>,
    ) -> Result<Vec<Capability>, PluginError> {
        let component = self
            .cache
            .load(digest, bytes)
            .await
            .map_err(|e| PluginError::InvalidComponent(format!("{e:#}")))?;
        let imported = self.check_imports(&component, grants)?;
        self.pre(digest, grants, &component)?;
        Ok(imported)
    }

    /// Marks `digest` as being installed until the guard is dropped: `discard` leaves it alone
    /// while another install of it is under way.
    pub fn hold(&self, digest: &str) -> Held<'_> {
        *self
            .held
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(digest.to_string())
            .or_default() += 1;
        Held {
            engine: self,
            digest: digest.to_string(),
        }
    }

    /// Forgets a component compiled for an install that was then refused, unless another install
    /// of it is under way; the caller holds it once and says no install keeps its bytes.
    pub fn discard(&self, held: &Held<'_>) {
        let held_elsewhere = self
            .held
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&held.digest)
            .is_some_and(|n| *n > 1);
        if held_elsewhere {
            return;
        }
        self.pres
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|(d, _), _| d != &held.digest);
        self.cache.discard(&held.digest);
    }

    /// The compiled components in the disk cache: how many, and their bytes.
    pub fn compiled_on_disk(&self) -> (usize, u64) {
        self.cache.on_disk()
    }

    /// Keeps the disk cache within `max_bytes`, the least recently used compiled forms removed
    /// first (none this engine holds); how many files and bytes went.
    pub fn prune_compiled(&self, max_bytes: u64) -> (usize, u64) {
        self.cache.prune(max_bytes)
    }

    /// How many descriptions were answered without calling `describe`.
    pub fn descriptions_kept_hits(&self) -> u64 {
        self.descriptions.hits()
    }

    /// How many bytes the kept descriptions weigh (at most 32 MiB).
    pub fn descriptions_kept_bytes(&self) -> u64 {
        self.descriptions.kept_bytes()
    }

    /// Loads a compiled component into memory (from the disk cache, or compiling it), without
    /// checking it against any grants: what a host does at start for the components in use.
    pub async fn load(
        &self,
        digest: &str,
        bytes: impl AsyncFnOnce() -> anyhow::Result<Vec<u8>>,
    ) -> Result<(), PluginError> {
        self.cache
            .load(digest, bytes)
            .await
            .map(|_| ())
            .map_err(|e| PluginError::InvalidComponent(format!("{e:#}")))
    }

    /// True when this process holds the compiled component already.
    pub fn is_loaded(&self, digest: &str) -> bool {
        self.cache.get(digest).is_some()
    }

    fn check_imports(
        &self,
        component: &Component,
        grants: &Grants,
    ) -> Result<Vec<Capability>, PluginError> {
        let ty = component.component_type();
        let mut needed = Vec::new();
        for (name, _) in ty.imports(component.engine()) {
            if name.starts_with("wasi:") && !name.starts_with("wasi:http/") {
                continue;
            }
            if let Some(cap) = Capability::from_import(name) {
                if cap != Capability::Http && !supports_version(name) {
                    return Err(PluginError::InvalidComponent(format!(
                        "the component imports {name}, but this host serves carmen:city {}",
                        CONTRACT_VERSIONS.join(", ")
                    )));
                }
                if !grants.contains(cap) {
                    return Err(PluginError::CapabilityNotGranted {
                        capability: cap.name().to_string(),
                        import: name.to_string(),
                    });
                }
                needed.push(cap);
            } else if !(name.starts_with("carmen:city/types@") && supports_version(name)) {
                return Err(PluginError::InvalidComponent(format!(
                    "the component imports {name}, which Carmen does not provide"
                )));
            }
        }
        let exports_service = ty
            .exports(component.engine())
            .any(|(name, _)| name.starts_with("carmen:city/service@") && supports_version(name));
        if !exports_service {
            return Err(PluginError::InvalidComponent(format!(
                "the component does not export carmen:city/service at a version this host serves ({})",
                CONTRACT_VERSIONS.join(", ")
            )));
        }
        Ok(needed)
    }

    /// Whether `engine` is the quick tier's (else the optimizing one, whose pool holds the calls).
    fn is_quick_engine(&self, engine: &Engine) -> bool {
        !Engine::same(engine, &self.engine)
    }

    /// The linker of `engine` (the optimizing one or the quick tier's) for `grants`.
    fn linker(
        &self,
        engine: &Engine,
        grants: &Grants,
    ) -> Result<Arc<Linker<PluginState>>, PluginError> {
        let key = (self.is_quick_engine(engine), grants.clone());
        let mut linkers = self.linkers.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(linker) = linkers.get(&key) {
            return Ok(linker.clone());
        }
        let mut linker = Linker::new(engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(PluginError::host)?;
        if grants.contains(Capability::Http) {
            wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)
                .map_err(PluginError::host)?;
        }
        capabilities::link(&mut linker, grants, |state: &mut PluginState| {
            &mut state.call
        })
        .map_err(PluginError::host)?;
        let linker = Arc::new(linker);
        linkers.insert(key, linker.clone());
        Ok(linker)
    }

    fn pre(
        &self,
        digest: &str,
        grants: &Grants,
        component: &Component,
    ) -> Result<Prepared, PluginError> {
        let key = (digest.to_string(), grants.clone());
        if let Some(prepared) = self.prepared(&key)
            && Engine::same(prepared.pre.engine(), component.engine())
        {
            return Ok(prepared);
        }
        let linker = self.linker(component.engine(), grants)?;
        let instance_pre = linker
            .instantiate_pre(component)
            .map_err(|e| PluginError::InvalidComponent(format!("{e:#}")))?;
        let exports = ServiceExports::new(&instance_pre, supports_version)
            .map_err(|e| PluginError::InvalidComponent(format!("{e:#}")))?;
        let prepared = Prepared {
            pre: instance_pre,
            exports: Arc::new(exports),
        };
        self.pres
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, prepared.clone());
        Ok(prepared)
    }

    /// The pre-instantiated component for (digest, grants), if made already.
    fn prepared(&self, key: &(String, Grants)) -> Option<Prepared> {
        let pres = self.pres.lock().unwrap_or_else(|e| e.into_inner());
        pres.get(key).cloned()
    }

    fn ready_pre(&self, target: &Target) -> Result<Prepared, PluginError> {
        let key = (target.digest.clone(), target.context.grants.clone());
        if let Some(prepared) = self.prepared(&key)
            // Made from the quick tier's form: made again once the optimized one has come.
            && (!self.is_quick_engine(prepared.pre.engine())
                || self.cache.is_quick(&target.digest))
        {
            return Ok(prepared);
        }
        let component = self.cache.get(&target.digest).ok_or_else(|| {
            PluginError::Host(format!("component {} is not loaded", target.digest))
        })?;
        self.pre(&target.digest, &target.context.grants, &component)
    }

    /// `describe(language)`; a read-only call, made every time (see `description`).
    pub async fn describe(
        &self,
        target: &Target,
        language: &str,
    ) -> Result<ServiceDescription, PluginError> {
        let language = &descriptions::language_tag(language);
        let access = Access::ReadOnly("describe");
        let export = Export::Describe(language.to_string());
        match self.run(target, access, export).await? {
            Finished {
                returned: Returned::Description(description),
                consulted,
                ..
            } => {
                let size = descriptions::size(&description);
                if size > descriptions::MAX_BYTES {
                    return Err(PluginError::Refused(format!(
                        "its description takes {} KiB, more than the {} KiB a description may",
                        size / 1024,
                        descriptions::MAX_BYTES / 1024
                    )));
                }
                if !consulted {
                    let context = &target.context;
                    self.descriptions.keep(
                        &target.digest,
                        &context.grants,
                        &context.config,
                        language,
                        &description,
                    );
                }
                Ok(description)
            }
            _ => Err(mismatch()),
        }
    }

    /// What `describe(language)` answered for the same component, grants and settings, if it
    /// asked the host for nothing else; else `describe` now.
    pub async fn description(
        &self,
        target: &Target,
        language: &str,
    ) -> Result<Arc<ServiceDescription>, PluginError> {
        let context = &target.context;
        let language = &descriptions::language_tag(language);
        match self
            .descriptions
            .get(&target.digest, &context.grants, &context.config, language)
        {
            Some(description) => Ok(description),
            None => self.describe(target, language).await.map(Arc::new),
        }
    }

    /// `validate(submission)`; a read-only call.
    pub async fn validate(
        &self,
        target: &Target,
        submission: &Submission,
    ) -> Result<Vec<FieldError>, PluginError> {
        let access = Access::ReadOnly("validate");
        match self
            .run(target, access, Export::Validate(submission.clone()))
            .await?
            .returned
        {
            Returned::Errors(errors) => Ok(errors),
            _ => Err(mismatch()),
        }
    }

    /// `validate(submission)`, then, when it found nothing wrong, `submit(submission)` in the
    /// same instance, with what it wrote (for the runtime to commit).
    pub async fn validate_and_submit(
        &self,
        target: &Target,
        submission: &Submission,
    ) -> Result<Checked, PluginError> {
        #[cfg(feature = "testing")]
        if let Some(native) = self
            .natives
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(target.context.city())
            .cloned()
        {
            let errors = native.validate(submission);
            if !errors.is_empty() {
                return Ok(Checked::Invalid(errors));
            }
            let staged = target.context.staged.fresh(Access::ReadWrite);
            return Ok(Checked::Submitted(native.submit(submission), staged));
        }
        let export = Export::ValidateThenSubmit(submission.clone());
        let finished = self
            .run(target, Access::ReadOnly("validate"), export)
            .await?;
        match finished.returned {
            Returned::Errors(errors) => Ok(Checked::Invalid(errors)),
            Returned::Outcome(outcome) => Ok(Checked::Submitted(outcome, finished.staged)),
            _ => Err(mismatch()),
        }
    }

    /// `on-case-event(event)`, with what it wrote; the plugin's own error comes back as
    /// `PluginError::Refused` (and what it wrote is dropped).
    pub async fn on_case_event(
        &self,
        target: &Target,
        event: &CaseEvent,
    ) -> Result<Staged, PluginError> {
        let export = Export::OnCaseEvent(event.clone());
        self.said(self.run(target, Access::ReadWrite, export).await?)
    }

    /// `tick(now)`, with what it wrote; the plugin's own error comes back as
    /// `PluginError::Refused` (and what it wrote is dropped).
    pub async fn tick(&self, target: &Target, now: i64) -> Result<Staged, PluginError> {
        self.said(
            self.run(target, Access::ReadWrite, Export::Tick(now))
                .await?,
        )
    }

    /// `erasure.forget(subject)`, with what it wrote; `None` when the component does not export
    /// `erasure` (contract 0.1.0 and 0.1.1 components, and any that keep nothing about citizens).
    pub async fn forget(
        &self,
        target: &Target,
        subject: &ErasureSubject,
    ) -> Result<Option<Staged>, PluginError> {
        let Some(name) = self.erasure_export(&target.digest) else {
            return Ok(None);
        };
        let export = Export::Forget(name, subject.clone());
        self.said(self.run(target, Access::ReadWrite, export).await?)
            .map(Some)
    }

    /// What an export answering `result<_, string>` wrote, or its error as `Refused`.
    fn said(&self, finished: Finished) -> Result<Staged, PluginError> {
        match finished.returned {
            Returned::Said(said) => said.map(|()| finished.staged).map_err(PluginError::Refused),
            _ => Err(mismatch()),
        }
    }

    /// The full name of the component's `erasure` export, if it has one this host serves.
    fn erasure_export(&self, digest: &str) -> Option<String> {
        let component = self.cache.get(digest)?;
        let ty = component.component_type();
        ty.exports(component.engine())
            .map(|(name, _)| name.to_string())
            .find(|name| name.starts_with(ERASURE_EXPORT) && supports_version(name))
    }

    /// Takes the call's slots, then runs `export` on the guest threads in a fresh store with the
    /// target's limits, and types what went wrong. A call that succeeds returns what it staged;
    /// a failed one drops it.
    async fn run(
        &self,
        target: &Target,
        access: Access,
        export: Export,
    ) -> Result<Finished, PluginError> {
        let result = self.run_uncounted(target, access, export).await;
        crate::metrics::plugin_call(result.as_ref().map_or_else(|e| e.kind(), |_| "ok"));
        result
    }

    async fn run_uncounted(
        &self,
        target: &Target,
        access: Access,
        export: Export,
    ) -> Result<Finished, PluginError> {
        let pre = self.ready_pre(target)?;
        let city = target.context.city().to_string();
        // Held until the call's store is dropped (`afterwards`), so that the shares bound the
        // stores alive, not only the calls running.
        let slots = self.shares.take(&city, target.context.service()).await?;
        let stdout = BoundedOutput::default();
        let stderr = BoundedOutput::default();
        let wasi = WasiCtx::builder()
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .wall_clock(FrozenClock)
            // As the Web's getRandomValues: a call asking for more traps, and cannot make the
            // host fill megabytes for it, wherever it runs.
            .max_random_size(MAX_RANDOM_BYTES)
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        let mut call_context = target.context.clone();
        call_context.staged = call_context.staged.fresh(access);
        // The quick tier's code runs slower than the optimized code the city's deadline was set
        // for: until the optimized form comes, a call has QUICK_DEADLINE_FACTOR times as long.
        let deadline_ms = if self.is_quick_engine(pre.pre.engine()) {
            target
                .limits
                .deadline_ms
                .saturating_mul(QUICK_DEADLINE_FACTOR)
        } else {
            target.limits.deadline_ms
        }
        .clamp(1, MAX_DEADLINE_MS);
        let outbound = OutboundCall::new(
            call_context.hosts.clone(),
            self.reach.read().unwrap_or_else(|e| e.into_inner()).clone(),
            // A request gives up a little before the call's deadline, so that the service hears
            // the timeout and answers for itself.
            Instant::now() + Duration::from_millis(deadline_ms - (deadline_ms / 10).min(100)),
            (&city, target.context.service()),
            match access {
                Access::ReadOnly("describe") => Mode::None,
                Access::ReadOnly(_) => Mode::ReadOnly,
                Access::ReadWrite => Mode::ReadWrite,
            },
        );
        let state = PluginState {
            wasi,
            http: WasiHttpCtx::new(),
            outbound,
            table: ResourceTable::new(),
            limiter: CallLimiter::new(target.limits.memory_bytes.min(MAX_MEMORY_CAP)),
            call: call_context,
        };
        let engine = pre.pre.engine().clone();
        let lane = self.guests.lane();
        if !export.awaited() {
            lane.demote();
        }
        let call_lane = lane.clone();
        // Whether the call starts on this thread: someone waits for it, this is not a guest
        // thread, the code is the optimized form, and the city was not caught lately.
        let here = export.awaited()
            && !executor::on_guest_thread()
            && !self.is_quick_engine(&engine)
            && self.callers_thread.may_start(&city);
        let in_flight = self.ticker.call();
        let call = async move {
            // The epoch ticks until the call has finished or was dropped.
            let _in_flight = in_flight;
            let mut store = Store::new(&engine, state);
            store.limiter(|state| &mut state.limiter);
            // The guest is stopped once its deadline passed; at every tick before, it leaves its
            // caller's thread if it started there (`FIRST_SLICE_HERE`), yields its thread if
            // another call of its lane waits for one, and it moves to the long calls' lane once
            // it has been running guest code at `SHORT_CALL_TICKS` ticks.
            let deadline = Duration::from_millis(deadline_ms);
            let started = Instant::now();
            let mut ticks = 0;
            store.set_epoch_deadline(1);
            store.epoch_deadline_callback(move |_| {
                ticks += 1;
                if started.elapsed() >= deadline {
                    return Ok(UpdateDeadline::Interrupt);
                }
                let leave_callers_thread =
                    executor::cpu_used_here().is_some_and(|used| used >= FIRST_SLICE_HERE);
                let demote = ticks >= SHORT_CALL_TICKS && !call_lane.demoted();
                if demote {
                    call_lane.demote();
                    crate::metrics::long_call();
                }
                Ok(
                    if leave_callers_thread || demote || call_lane.others_waiting() {
                        UpdateDeadline::Yield(1)
                    } else {
                        UpdateDeadline::Continue(1)
                    },
                )
            });
            let result = instantiate_and_call(&pre, &mut store, export).await;
            let state = store.data_mut();
            let memory_cap_hit = state.limiter.cap_hit;
            let spent = state.call.staged.fresh(Access::ReadOnly("spent"));
            let staged = std::mem::replace(&mut state.call.staged, spent);
            // An answer that depends on another system may change while the install stays the same.
            let consulted = state.call.consulted || state.outbound.sent() > 0;
            // Dropping the store resets its memory: that waits until the answer has gone.
            executor::afterwards(move || {
                drop(store);
                drop(slots);
            });
            (result, memory_cap_hit, (staged, consulted))
        };
        // The epoch stops a guest that computes; this stops one waiting on the host too long.
        let host_deadline = Duration::from_millis(deadline_ms * 2 + 1_000);
        let answer = match here {
            true => {
                let (answer, slice) = self.guests.spawn_starting_here(&city, &lane, call);
                // Known at once, whether the call finished there or left: a call that went on
                // past its slice without an epoch check (one long instruction, a host function)
                // may be caught too, and the city's next calls start on the guest threads.
                if let Some(slice) = slice {
                    self.callers_thread.judge(&city, slice);
                }
                answer
            }
            false => self.guests.spawn(&city, &lane, call),
        };
        let ran = tokio::time::timeout(host_deadline, answer).await;
        let (stderr_text, _) = stderr.take();
        log_output(&target.context, "stdout", &stdout);
        log_output_text(&target.context, "stderr", &stderr_text, 0);
        match ran {
            Err(_elapsed) => Err(PluginError::Deadline { ms: deadline_ms }),
            Ok(Err(executor::Panicked)) => {
                tracing::error!(city = %city, service = %target.context.service(), "a plugin call panicked in the host");
                Err(PluginError::Host("the call panicked".into()))
            }
            Ok(Ok((Ok(returned), _, (staged, consulted)))) => Ok(Finished {
                returned,
                staged,
                consulted,
            }),
            Ok(Ok((Err(error), memory_cap_hit, _))) => Err(PluginError::classify(
                error,
                deadline_ms,
                target.limits.memory_bytes,
                memory_cap_hit,
                &stderr_text,
            )),
        }
    }
}

/// The engine settings of both tiers: `strategy` compiles, `allocation` places instances.
fn config(strategy: wasmtime::Strategy, allocation: InstanceAllocationStrategy) -> Config {
    let mut config = Config::new();
    config
        .strategy(strategy)
        .wasm_component_model(true)
        .epoch_interruption(true)
        .max_wasm_stack(1024 * 1024)
        .async_stack_size(2 * 1024 * 1024)
        .memory_reservation(MAX_MEMORY_CAP)
        .memory_guard_size(64 * 1024)
        .wasm_backtrace_details(wasmtime::WasmBacktraceDetails::Disable)
        .allocation_strategy(allocation);
    config
}

fn supports_version(name: &str) -> bool {
    name.rsplit_once('@')
        .is_some_and(|(_, version)| CONTRACT_VERSIONS.contains(&version))
}

fn log_output(ctx: &CallContext, stream: &str, output: &BoundedOutput) {
    let (text, dropped) = output.take();
    log_output_text(ctx, stream, &text, dropped);
}

fn log_output_text(ctx: &CallContext, stream: &str, text: &str, dropped: u64) {
    let (city, service) = (ctx.city(), ctx.service());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let line = capabilities::log::one_line(line);
        tracing::info!(target: "carmen::plugin", %city, %service, stream, "{line}");
    }
    if dropped > 0 {
        tracing::warn!(target: "carmen::plugin", %city, %service, stream, dropped,
            "plugin output over the bound was dropped");
    }
}

/// The wall clock WASI shows a plugin: always the Unix epoch. Plugins get time from `clock` or `tick`.
struct FrozenClock;

impl wasmtime_wasi::HostWallClock for FrozenClock {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }

    fn now(&self) -> Duration {
        Duration::ZERO
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_calls_someone_waits_for_start_at_the_servers_priority() {
        assert!(Export::Describe("en".into()).awaited());
        assert!(!Export::Tick(0).awaited());
        let subject = ErasureSubject {
            ids: Vec::new(),
            emails: Vec::new(),
            phones: Vec::new(),
        };
        assert!(!Export::Forget(ERASURE_EXPORT.into(), subject).awaited());
    }
}
