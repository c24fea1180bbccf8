//! The plugin engine: wasmtime with the pooling allocator, components compiled once per digest,
//! one pre-instantiated component per (digest, grants), a fresh store per call, a deadline by epoch
//! interruption and a memory cap per call, and WASI with nothing in it but bounded stdout/stderr.

pub mod cache;
pub mod errors;
pub mod limits;
pub mod output;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use self::cache::{CacheStats, ComponentCache};
pub use self::errors::PluginError;
use self::limits::CallLimiter;
use self::output::BoundedOutput;
use crate::capabilities::{self, CallContext};
use crate::contract::types::{CaseEvent, FieldError, Outcome, ServiceDescription, Submission};
use crate::contract::{CityService, CityServicePre};
use crate::crm::grants::{Capability, Grants};
use crate::crm::installs::Limits;
use crate::crm::staged::{Access, Staged};

/// The epoch ticks every this long; deadlines are counted in ticks.
const EPOCH_TICK: Duration = Duration::from_millis(5);
/// Most plugin calls running at once; more wait for a slot.
const MAX_CONCURRENT_CALLS: usize = 100;
/// The largest memory cap an install may set.
pub const MAX_MEMORY_CAP: u64 = 512 * 1024 * 1024;
/// The longest deadline an install may set.
pub const MAX_DEADLINE_MS: u64 = 60_000;
/// The `carmen:city` versions this host serves.
/// Every version ever accepted stays served: 0.1.1 only added to 0.1.0, so one binding serves both.
pub const CONTRACT_VERSIONS: &[&str] = &["0.1.0", "0.1.1"];

/// What a store holds for one call.
pub struct PluginState {
    wasi: WasiCtx,
    table: ResourceTable,
    limiter: CallLimiter,
    call: CallContext,
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

/// The engine shared by every city on this host.
pub struct PluginEngine {
    engine: Engine,
    cache: ComponentCache,
    linkers: Mutex<HashMap<Grants, Arc<Linker<PluginState>>>>,
    pres: Mutex<HashMap<(String, Grants), CityServicePre<PluginState>>>,
    slots: tokio::sync::Semaphore,
    ticking: Arc<AtomicBool>,
}

impl Drop for PluginEngine {
    fn drop(&mut self) {
        self.ticking.store(false, Ordering::Relaxed);
    }
}

impl PluginEngine {
    /// An engine whose compiled components are cached in `cache_dir`.
    pub fn new(cache_dir: &Path) -> anyhow::Result<PluginEngine> {
        let mut pool = PoolingAllocationConfig::default();
        // Every call's component is bounded, and the pool holds the bound for every call slot,
        // so no component can exhaust the pool for the others.
        let instances = MAX_CONCURRENT_CALLS as u32 + 28;
        pool.total_component_instances(instances)
            .max_memories_per_component(limits::MAX_MEMORIES)
            .max_tables_per_component(limits::MAX_TABLES)
            .max_core_instances_per_component(limits::MAX_CORE_INSTANCES)
            .total_core_instances(instances * limits::MAX_CORE_INSTANCES)
            .total_memories(instances * limits::MAX_MEMORIES)
            .total_tables(instances * limits::MAX_TABLES)
            .total_stacks(instances)
            .max_memory_size(MAX_MEMORY_CAP as usize)
            .max_unused_warm_slots(32);
        let mut config = Config::new();
        config
            .wasm_component_model(true)
            .epoch_interruption(true)
            .max_wasm_stack(1024 * 1024)
            .async_stack_size(2 * 1024 * 1024)
            .memory_reservation(MAX_MEMORY_CAP)
            .memory_guard_size(64 * 1024)
            .wasm_backtrace_details(wasmtime::WasmBacktraceDetails::Disable)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        let engine = Engine::new(&config).map_err(|e| anyhow::anyhow!("{e:#}"))?;
        let cache = ComponentCache::new(&engine, cache_dir)?;
        let ticking = Arc::new(AtomicBool::new(true));
        {
            let engine = engine.clone();
            let ticking = ticking.clone();
            std::thread::Builder::new()
                .name("carmen-epoch".into())
                .spawn(move || {
                    while ticking.load(Ordering::Relaxed) {
                        std::thread::sleep(EPOCH_TICK);
                        engine.increment_epoch();
                    }
                })?;
        }
        Ok(PluginEngine {
            engine,
            cache,
            linkers: Mutex::new(HashMap::new()),
            pres: Mutex::new(HashMap::new()),
            slots: tokio::sync::Semaphore::new(MAX_CONCURRENT_CALLS),
            ticking,
        })
    }

    /// How often components were compiled and loaded from the disk cache.
    pub fn cache_stats(&self) -> CacheStats {
        self.cache.stats()
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
            .load(&self.engine, digest, bytes)
            .await
            .map_err(|e| PluginError::InvalidComponent(format!("{e:#}")))?;
        let imported = self.check_imports(&component, grants)?;
        self.pre(digest, grants, &component)?;
        Ok(imported)
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
        for (name, _) in ty.imports(&self.engine) {
            if name.starts_with("wasi:") {
                continue;
            }
            if let Some(cap) = Capability::from_import(name) {
                if !supports_version(name) {
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
            .exports(&self.engine)
            .any(|(name, _)| name.starts_with("carmen:city/service@") && supports_version(name));
        if !exports_service {
            return Err(PluginError::InvalidComponent(format!(
                "the component does not export carmen:city/service at a version this host serves ({})",
                CONTRACT_VERSIONS.join(", ")
            )));
        }
        Ok(needed)
    }

    fn linker(&self, grants: &Grants) -> Result<Arc<Linker<PluginState>>, PluginError> {
        let mut linkers = self.linkers.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(linker) = linkers.get(grants) {
            return Ok(linker.clone());
        }
        let mut linker = Linker::new(&self.engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(PluginError::host)?;
        capabilities::link(&mut linker, grants, |state: &mut PluginState| {
            &mut state.call
        })
        .map_err(PluginError::host)?;
        let linker = Arc::new(linker);
        linkers.insert(grants.clone(), linker.clone());
        Ok(linker)
    }

    fn pre(
        &self,
        digest: &str,
        grants: &Grants,
        component: &Component,
    ) -> Result<CityServicePre<PluginState>, PluginError> {
        let key = (digest.to_string(), grants.clone());
        if let Some(pre) = self.prepared(&key) {
            return Ok(pre);
        }
        let linker = self.linker(grants)?;
        let instance_pre = linker
            .instantiate_pre(component)
            .map_err(|e| PluginError::InvalidComponent(format!("{e:#}")))?;
        let pre = CityServicePre::new(instance_pre)
            .map_err(|e| PluginError::InvalidComponent(format!("{e:#}")))?;
        self.pres
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, pre.clone());
        Ok(pre)
    }

    /// The pre-instantiated component for (digest, grants), if made already.
    fn prepared(&self, key: &(String, Grants)) -> Option<CityServicePre<PluginState>> {
        let pres = self.pres.lock().unwrap_or_else(|e| e.into_inner());
        pres.get(key).cloned()
    }

    fn ready_pre(&self, target: &Target) -> Result<CityServicePre<PluginState>, PluginError> {
        let key = (target.digest.clone(), target.context.grants.clone());
        if let Some(pre) = self.prepared(&key) {
            return Ok(pre);
        }
        let component = self.cache.get(&target.digest).ok_or_else(|| {
            PluginError::Host(format!("component {} is not loaded", target.digest))
        })?;
        self.pre(&target.digest, &target.context.grants, &component)
    }

    /// `describe(language)`; a read-only call.
    pub async fn describe(
        &self,
        target: &Target,
        language: &str,
    ) -> Result<ServiceDescription, PluginError> {
        let language = language.to_string();
        let access = Access::ReadOnly("describe");
        self.run(target, access, async move |service, store| {
            service
                .carmen_city_service()
                .call_describe(store, &language)
                .await
        })
        .await
        .map(|(description, _)| description)
    }

    /// `validate(submission)`; a read-only call.
    pub async fn validate(
        &self,
        target: &Target,
        submission: &Submission,
    ) -> Result<Vec<FieldError>, PluginError> {
        let access = Access::ReadOnly("validate");
        self.run(target, access, async move |service, store| {
            service
                .carmen_city_service()
                .call_validate(store, submission)
                .await
        })
        .await
        .map(|(errors, _)| errors)
    }

    /// `submit(submission)`, with what it wrote (for the runtime to commit).
    pub async fn submit(
        &self,
        target: &Target,
        submission: &Submission,
    ) -> Result<(Outcome, Staged), PluginError> {
        self.run(target, Access::ReadWrite, async move |service, store| {
            service
                .carmen_city_service()
                .call_submit(store, submission)
                .await
        })
        .await
    }

    /// `on-case-event(event)`, with what it wrote; the plugin's own error comes back as
    /// `PluginError::Refused` (and what it wrote is dropped).
    pub async fn on_case_event(
        &self,
        target: &Target,
        event: &CaseEvent,
    ) -> Result<Staged, PluginError> {
        let (said, staged) = self
            .run(target, Access::ReadWrite, async move |service, store| {
                service
                    .carmen_city_service()
                    .call_on_case_event(store, event)
                    .await
            })
            .await?;
        said.map_err(PluginError::Refused)?;
        Ok(staged)
    }

    /// `tick(now)`, with what it wrote; the plugin's own error comes back as
    /// `PluginError::Refused` (and what it wrote is dropped).
    pub async fn tick(&self, target: &Target, now: i64) -> Result<Staged, PluginError> {
        let (said, staged) = self
            .run(target, Access::ReadWrite, async move |service, store| {
                service.carmen_city_service().call_tick(store, now).await
            })
            .await?;
        said.map_err(PluginError::Refused)?;
        Ok(staged)
    }

    /// Instantiates the target in a fresh store with its limits, runs `call`, and types what went
    /// wrong. A call that succeeds returns what it staged; a failed one drops it.
    async fn run<R>(
        &self,
        target: &Target,
        access: Access,
        call: impl AsyncFnOnce(&CityService, &mut Store<PluginState>) -> wasmtime::Result<R>,
    ) -> Result<(R, Staged), PluginError> {
        let pre = self.ready_pre(target)?;
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| PluginError::Host("engine is shutting down".into()))?;
        let stdout = BoundedOutput::default();
        let stderr = BoundedOutput::default();
        let wasi = WasiCtx::builder()
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .wall_clock(FrozenClock)
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        let mut call_context = target.context.clone();
        call_context.staged = Staged::new(call_context.staged.scope().clone(), access);
        let state = PluginState {
            wasi,
            table: ResourceTable::new(),
            limiter: CallLimiter::new(target.limits.memory_bytes.min(MAX_MEMORY_CAP)),
            call: call_context,
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limiter);
        let deadline_ms = target.limits.deadline_ms.clamp(1, MAX_DEADLINE_MS);
        store.set_epoch_deadline(deadline_ms.div_ceil(EPOCH_TICK.as_millis() as u64) + 1);
        store.epoch_deadline_trap();

        // The epoch stops a guest that computes; this stops one waiting on the host for too long.
        let host_deadline = Duration::from_millis(deadline_ms * 2 + 1_000);
        let result = tokio::time::timeout(host_deadline, async {
            let service = pre.instantiate_async(&mut store).await?;
            call(&service, &mut store).await
        })
        .await;
        let memory_cap_hit = store.data().limiter.cap_hit;
        let staged = store.into_data().call.staged;
        let (stderr_text, _) = stderr.take();
        log_output(&target.context, "stdout", &stdout);
        log_output_text(&target.context, "stderr", &stderr_text, 0);
        match result {
            Err(_elapsed) => Err(PluginError::Deadline { ms: deadline_ms }),
            Ok(Ok(value)) => Ok((value, staged)),
            Ok(Err(error)) => Err(PluginError::classify(
                error,
                deadline_ms,
                target.limits.memory_bytes,
                memory_cap_hit,
                &stderr_text,
            )),
        }
    }
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
