//! Compiled components, once per sha256 digest: in memory for this process, and on disk so that a
//! restart loads the compiled form instead of compiling again.
//!
//! A large component (a Python or JavaScript service brings its interpreter) takes seconds to
//! compile with the optimizing compiler. With a quick tier, such a component is first compiled by
//! the baseline compiler (Winch, several times faster) and answers at once; one optimizer thread
//! then compiles it again with Cranelift, writes that form to disk and puts it in the quick one's
//! place: calls made after that run the optimized code. Only optimized forms go to disk.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use wasmtime::Engine;
use wasmtime::component::Component;

/// Components at least this large are compiled by the quick tier first, where there is one.
pub const QUICK_TIER_ABOVE: u64 = 1024 * 1024;

/// How often the cache compiled and how often it loaded a compiled form from disk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Compiles by the optimizing compiler (each written to disk).
    pub compiled: u64,
    pub loaded_from_disk: u64,
    /// Compiles by the quick tier, each followed by an optimizing compile off the caller's path.
    pub compiled_quickly: u64,
}

/// Makes `dir` this user's alone (mode 0700); refuses a folder another user owns.
fn private_folder(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let meta = std::fs::metadata(dir)?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!(
                "the compiled-component cache {} belongs to another user; use a folder of this user's (--cache-dir)",
                dir.display()
            ),
        ));
    }
    if meta.mode() & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// A compiled component, and whether it is the quick tier's form.
#[derive(Clone)]
struct Compiled {
    component: Component,
    quick: bool,
}

/// What the cache and its optimizer thread share.
struct Shared {
    dir: PathBuf,
    engine_key: String,
    in_memory: Mutex<HashMap<String, Compiled>>,
    compiled: AtomicU64,
    compiled_quickly: AtomicU64,
    loaded_from_disk: AtomicU64,
    /// Held by the optimizer thread through each optimizing compile (and by tests, to hold it
    /// back).
    optimizing: tokio::sync::Mutex<()>,
}

/// The component cache of one engine, and of its quick tier if it has one.
pub struct ComponentCache {
    shared: Arc<Shared>,
    engine: Engine,
    quick: Option<Quick>,
    compiling: tokio::sync::Mutex<()>,
}

/// The quick tier: its engine, the size from which it compiles first, and the optimizer thread's
/// queue of (digest, bytes) to compile again with the optimizing engine.
struct Quick {
    engine: Engine,
    above: AtomicU64,
    optimize: std::sync::mpsc::Sender<(String, Vec<u8>)>,
}

impl ComponentCache {
    /// A cache whose compiled forms live in `dir`, keyed also by the engine's compatibility hash.
    /// The folder is made readable and writable by this host's user only: what is in it is loaded
    /// as machine code, so nobody else may put anything there.
    pub fn new(engine: &Engine, dir: &Path) -> std::io::Result<ComponentCache> {
        std::fs::create_dir_all(dir)?;
        private_folder(dir)?;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        Ok(ComponentCache {
            shared: Arc::new(Shared {
                dir: dir.to_path_buf(),
                engine_key: format!("{:016x}", hasher.finish()),
                in_memory: Mutex::new(HashMap::new()),
                compiled: AtomicU64::new(0),
                compiled_quickly: AtomicU64::new(0),
                loaded_from_disk: AtomicU64::new(0),
                optimizing: tokio::sync::Mutex::new(()),
            }),
            engine: engine.clone(),
            quick: None,
            compiling: tokio::sync::Mutex::new(()),
        })
    }

    /// The same cache, compiling components of `QUICK_TIER_ABOVE` bytes or more with `quick`
    /// first; a thread of its own compiles them again with the optimizing engine, one at a time.
    pub fn with_quick_tier(mut self, quick: Engine) -> std::io::Result<ComponentCache> {
        let (optimize, queue) = std::sync::mpsc::channel::<(String, Vec<u8>)>();
        let shared = self.shared.clone();
        let engine = self.engine.clone();
        std::thread::Builder::new()
            .name("carmen-optimize".into())
            .spawn(move || {
                // Below the calls and the quick compiles: a nice of 10 for this thread alone.
                // SAFETY: setpriority has no memory effects; on Linux, who 0 is this thread.
                if unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 10) } != 0 {
                    tracing::debug!("the optimizer thread keeps the host's priority");
                }
                // Ends when the cache, which holds the only sender, is dropped.
                for (digest, bytes) in queue {
                    let _turn = shared.optimizing.blocking_lock();
                    shared.optimize(&engine, &digest, &bytes);
                }
            })?;
        self.quick = Some(Quick {
            engine: quick,
            above: AtomicU64::new(QUICK_TIER_ABOVE),
            optimize,
        });
        Ok(self)
    }

    /// Compiles components of `bytes` or more with the quick tier first (tests set 0).
    #[cfg(feature = "testing")]
    pub fn set_quick_tier_above(&self, bytes: u64) {
        if let Some(quick) = &self.quick {
            quick.above.store(bytes, Ordering::Relaxed);
        }
    }

    /// Holds the optimizing compiles back while the guard lives: calls stay on the quick tier.
    #[cfg(feature = "testing")]
    pub async fn pause_optimizing(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.shared.optimizing.lock().await
    }

    pub fn stats(&self) -> CacheStats {
        let shared = &self.shared;
        CacheStats {
            compiled: shared.compiled.load(Ordering::Relaxed),
            loaded_from_disk: shared.loaded_from_disk.load(Ordering::Relaxed),
            compiled_quickly: shared.compiled_quickly.load(Ordering::Relaxed),
        }
    }

    /// The compiled component if this process has it already (the quick tier's form until the
    /// optimized one has come).
    pub fn get(&self, digest: &str) -> Option<Component> {
        self.shared.get(digest).map(|compiled| compiled.component)
    }

    /// True while `digest` runs on the quick tier's form, its optimized form still to come.
    pub fn is_quick(&self, digest: &str) -> bool {
        self.shared
            .get(digest)
            .is_some_and(|compiled| compiled.quick)
    }

    /// The compiled component for `digest`: from memory, from disk, or compiled from `bytes()`
    /// (by the quick tier first when it is large).
    pub async fn load(
        &self,
        digest: &str,
        bytes: impl AsyncFnOnce() -> anyhow::Result<Vec<u8>>,
    ) -> anyhow::Result<Component> {
        if let Some(component) = self.get(digest) {
            return Ok(component);
        }
        let _one_at_a_time = self.compiling.lock().await;
        if let Some(component) = self.get(digest) {
            return Ok(component);
        }
        let path = self.shared.path_for(digest);
        let compiled = match self.load_from_disk(&path).await {
            Some(component) => {
                self.shared.loaded_from_disk.fetch_add(1, Ordering::Relaxed);
                Compiled {
                    component,
                    quick: false,
                }
            }
            None => self.compile(digest, bytes().await?, path).await?,
        };
        let component = compiled.component.clone();
        self.shared
            .in_memory
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(digest.to_string(), compiled);
        Ok(component)
    }

    /// Forgets the compiled form of `digest`, in memory and on disk: a component that was
    /// compiled and then refused must leave nothing behind (its optimizing compile, if under
    /// way, finds it gone and keeps nothing).
    pub fn discard(&self, digest: &str) {
        self.shared
            .in_memory
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(digest);
        let path = self.shared.path_for(digest);
        if let Err(error) = std::fs::remove_file(&path)
            && error.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(path = %path.display(), %error, "could not remove a refused compiled component");
        }
    }

    /// The compiled forms on disk, for this engine: how many and how many bytes.
    pub fn on_disk(&self) -> (usize, u64) {
        let suffix = format!(".{}.cwasm", self.shared.engine_key);
        std::fs::read_dir(&self.shared.dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(&suffix))
            .fold((0, 0), |(n, bytes), e| {
                (n + 1, bytes + e.metadata().map_or(0, |m| m.len()))
            })
    }

    /// Removes compiled forms from disk, the least recently used first, until they take at most
    /// `max_bytes`; those this process holds in memory stay, and forms of another engine (another
    /// wasmtime or other settings, which this one can never load) go first. Returns how many files
    /// and bytes were removed.
    pub fn prune(&self, max_bytes: u64) -> (usize, u64) {
        let shared = &self.shared;
        let suffix = format!(".{}.cwasm", shared.engine_key);
        let held: Vec<PathBuf> = {
            let memory = shared.in_memory.lock().unwrap_or_else(|e| e.into_inner());
            memory
                .keys()
                .map(|digest| shared.path_for(digest))
                .collect()
        };
        // (ours, last used, bytes, path): another engine's first, then the oldest.
        let mut files: Vec<(bool, std::time::SystemTime, u64, PathBuf)> =
            std::fs::read_dir(&shared.dir)
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".cwasm"))
                .filter_map(|e| {
                    let meta = e.metadata().ok()?;
                    let ours = e.file_name().to_string_lossy().ends_with(&suffix);
                    Some((ours, meta.modified().ok()?, meta.len(), e.path()))
                })
                .collect();
        files.sort();
        let mut total: u64 = files.iter().map(|f| f.2).sum();
        let mut removed = (0, 0);
        for (ours, _, bytes, path) in files {
            if total <= max_bytes && ours {
                break;
            }
            if held.contains(&path) || std::fs::remove_file(&path).is_err() {
                continue;
            }
            total -= bytes;
            removed = (removed.0 + 1, removed.1 + bytes);
        }
        removed
    }

    async fn load_from_disk(&self, path: &Path) -> Option<Component> {
        if !path.exists() {
            return None;
        }
        let engine = self.engine.clone();
        let path = path.to_path_buf();
        let loaded = tokio::task::spawn_blocking(move || {
            // SAFETY: the file was written by `Component::serialize` of an engine with the same
            // compatibility hash (it is in the file name), into a directory only this host's user
            // may write (`private_folder`).
            let result = unsafe { Component::deserialize_file(&engine, &path) };
            (result, path)
        })
        .await
        .ok()?;
        match loaded {
            (Ok(component), path) => {
                // Used now: what `prune` removes last.
                let now = std::time::SystemTime::now();
                if let Err(error) = std::fs::File::options()
                    .write(true)
                    .open(&path)
                    .and_then(|file| file.set_modified(now))
                {
                    tracing::debug!(path = %path.display(), %error, "could not mark a compiled component used");
                }
                Some(component)
            }
            (Err(error), path) => {
                tracing::warn!(path = %path.display(), %error, "compiled component unreadable; compiling again");
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    /// Compiles `bytes`: with the quick tier, the optimizing compile queued behind it, when the
    /// component is large and the quick tier takes it; else with the optimizing engine, its
    /// form written to `path`.
    async fn compile(
        &self,
        digest: &str,
        bytes: Vec<u8>,
        path: PathBuf,
    ) -> anyhow::Result<Compiled> {
        let Some(quick) = self
            .quick
            .as_ref()
            .filter(|quick| bytes.len() as u64 >= quick.above.load(Ordering::Relaxed))
        else {
            return self.compile_optimized(bytes, path).await;
        };
        let engine = quick.engine.clone();
        let (quickly, bytes) = tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let compiled = Component::new(&engine, &bytes);
            tracing::debug!(bytes = bytes.len(), took = ?started.elapsed(), ok = compiled.is_ok(), "quick tier compile");
            (compiled, bytes)
        })
        .await?;
        // What the quick tier cannot compile (a proposal it does not support) goes to the
        // optimizing compiler, which says what is wrong if anything is.
        let Ok(component) = quickly else {
            return self.compile_optimized(bytes, path).await;
        };
        self.shared.compiled_quickly.fetch_add(1, Ordering::Relaxed);
        if quick.optimize.send((digest.to_string(), bytes)).is_err() {
            tracing::warn!(
                digest,
                "the optimizer thread is gone; the service keeps its quick form"
            );
        }
        Ok(Compiled {
            component,
            quick: true,
        })
    }

    async fn compile_optimized(&self, bytes: Vec<u8>, path: PathBuf) -> anyhow::Result<Compiled> {
        let engine = self.engine.clone();
        let shared = self.shared.clone();
        tokio::task::spawn_blocking(move || {
            let (component, serialized) = compile_and_serialize(&engine, &bytes)?;
            if let Err(error) = write_atomically(&path, &serialized) {
                tracing::warn!(path = %path.display(), %error, "could not cache the compiled component");
            }
            shared.compiled.fetch_add(1, Ordering::Relaxed);
            Ok(Compiled {
                component,
                quick: false,
            })
        })
        .await?
    }
}

impl Shared {
    fn get(&self, digest: &str) -> Option<Compiled> {
        self.in_memory
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(digest)
            .cloned()
    }

    fn path_for(&self, digest: &str) -> PathBuf {
        self.dir.join(format!("{digest}.{}.cwasm", self.engine_key))
    }

    /// The optimizer thread's work: compiles `digest` with the optimizing engine and, if its
    /// quick form is still in use (not discarded, not optimized meanwhile), writes the optimized
    /// form to disk and puts it in the quick one's place.
    fn optimize(&self, engine: &Engine, digest: &str, bytes: &[u8]) {
        if !self.get(digest).is_some_and(|compiled| compiled.quick) {
            return;
        }
        let started = Instant::now();
        let (component, serialized) = match compile_and_serialize(engine, bytes) {
            Ok(compiled) => compiled,
            Err(error) => {
                tracing::warn!(digest, error = %format!("{error:#}"), "the optimizing compile failed; the service keeps its quick form");
                return;
            }
        };
        // Written before the lock is taken; renamed into place under it.
        let written = synced_temp_file(&self.dir, &serialized);
        let mut memory = self.in_memory.lock().unwrap_or_else(|e| e.into_inner());
        if !memory.get(digest).is_some_and(|compiled| compiled.quick) {
            return;
        }
        let path = self.path_for(digest);
        match written.and_then(|file| file.persist(&path).map_err(|e| e.error)) {
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "could not cache the compiled component");
            }
        }
        memory.insert(
            digest.to_string(),
            Compiled {
                component,
                quick: false,
            },
        );
        self.compiled.fetch_add(1, Ordering::Relaxed);
        tracing::info!(digest, took = ?started.elapsed(), "optimized form in place of the quick tier's");
    }
}

/// `bytes` compiled by `engine`, and that compiled form serialized for the disk.
fn compile_and_serialize(engine: &Engine, bytes: &[u8]) -> anyhow::Result<(Component, Vec<u8>)> {
    let component = Component::new(engine, bytes).map_err(|e| anyhow::anyhow!("{e:#}"))?;
    let serialized = component
        .serialize()
        .map_err(|e| anyhow::anyhow!("{e:#}"))?;
    Ok((component, serialized))
}

/// Writes `bytes` to `path` through a temporary file, fsync and rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let file = synced_temp_file(path.parent().unwrap_or(Path::new(".")), bytes)?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// `bytes` in a temporary file of `dir`, on the disk (fsync), to rename into place.
fn synced_temp_file(dir: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn pruning_removes_another_engines_forms_then_the_least_recently_used_down_to_the_bound() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ComponentCache::new(&Engine::default(), dir.path()).unwrap();
        let day = std::time::Duration::from_secs(86_400);
        let now = std::time::SystemTime::now();
        let put = |name: String, bytes: usize, age_days: u32| {
            let path = dir.path().join(name);
            std::fs::write(&path, vec![0u8; bytes]).unwrap();
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(now - day * age_days).unwrap();
        };
        let ours = |digest: &str| format!("{digest}.{}.cwasm", cache.shared.engine_key);
        put(ours("old"), 400, 30);
        put(ours("recent"), 400, 1);
        put(ours("newest"), 400, 0);
        put("other.0123456789abcdef.cwasm".into(), 100, 0);
        put("notes.txt".into(), 5_000, 90);
        assert_eq!(cache.on_disk(), (3, 1_200));
        assert_eq!(
            cache.prune(900),
            (2, 500),
            "another engine's form, then the oldest"
        );
        let left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            left.contains(&ours("recent")) && left.contains(&ours("newest")),
            "{left:?}"
        );
        assert!(
            left.contains(&"notes.txt".to_string()),
            "only compiled forms are touched"
        );
        assert_eq!(cache.prune(900), (0, 0), "under the bound: nothing more");
    }

    #[test]
    fn the_cache_folder_is_made_the_hosts_users_alone() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("compiled");
        std::fs::create_dir(&folder).unwrap();
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o777)).unwrap();
        ComponentCache::new(&Engine::default(), &folder).unwrap();
        let mode = std::fs::metadata(&folder).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
        let made = dir.path().join("new");
        ComponentCache::new(&Engine::default(), &made).unwrap();
        let mode = std::fs::metadata(&made).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
}
