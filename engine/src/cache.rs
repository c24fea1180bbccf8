//! Compiled components, once per sha256 digest: in memory for this process, and on disk so that a
//! restart loads the compiled form instead of compiling again.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use wasmtime::Engine;
use wasmtime::component::Component;

/// How often the cache compiled and how often it loaded a compiled form from disk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub compiled: u64,
    pub loaded_from_disk: u64,
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

/// The component cache of one engine.
pub struct ComponentCache {
    dir: PathBuf,
    engine_key: String,
    in_memory: Mutex<HashMap<String, Component>>,
    compiling: tokio::sync::Mutex<()>,
    compiled: AtomicU64,
    loaded_from_disk: AtomicU64,
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
            dir: dir.to_path_buf(),
            engine_key: format!("{:016x}", hasher.finish()),
            in_memory: Mutex::new(HashMap::new()),
            compiling: tokio::sync::Mutex::new(()),
            compiled: AtomicU64::new(0),
            loaded_from_disk: AtomicU64::new(0),
        })
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            compiled: self.compiled.load(Ordering::Relaxed),
            loaded_from_disk: self.loaded_from_disk.load(Ordering::Relaxed),
        }
    }

    /// The compiled component if this process has it already.
    pub fn get(&self, digest: &str) -> Option<Component> {
        self.in_memory
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(digest)
            .cloned()
    }

    fn path_for(&self, digest: &str) -> PathBuf {
        self.dir.join(format!("{digest}.{}.cwasm", self.engine_key))
    }

    /// The compiled component for `digest`: from memory, from disk, or compiled from `bytes()`.
    pub async fn load(
        &self,
        engine: &Engine,
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
        let path = self.path_for(digest);
        let component = match self.load_from_disk(engine, &path).await {
            Some(component) => {
                self.loaded_from_disk.fetch_add(1, Ordering::Relaxed);
                component
            }
            None => {
                let bytes = bytes().await?;
                let component = self.compile(engine, bytes, path).await?;
                self.compiled.fetch_add(1, Ordering::Relaxed);
                component
            }
        };
        self.in_memory
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(digest.to_string(), component.clone());
        Ok(component)
    }

    /// Forgets the compiled form of `digest`, in memory and on disk: a component that was
    /// compiled and then refused must leave nothing behind.
    pub fn discard(&self, digest: &str) {
        self.in_memory
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(digest);
        let path = self.path_for(digest);
        if let Err(error) = std::fs::remove_file(&path)
            && error.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(path = %path.display(), %error, "could not remove a refused compiled component");
        }
    }

    /// The compiled forms on disk, for this engine: how many and how many bytes.
    pub fn on_disk(&self) -> (usize, u64) {
        let suffix = format!(".{}.cwasm", self.engine_key);
        std::fs::read_dir(&self.dir)
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
        let suffix = format!(".{}.cwasm", self.engine_key);
        let held: Vec<PathBuf> = {
            let memory = self.in_memory.lock().unwrap_or_else(|e| e.into_inner());
            memory.keys().map(|digest| self.path_for(digest)).collect()
        };
        // (ours, last used, bytes, path): another engine's first, then the oldest.
        let mut files: Vec<(bool, std::time::SystemTime, u64, PathBuf)> =
            std::fs::read_dir(&self.dir)
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

    async fn load_from_disk(&self, engine: &Engine, path: &Path) -> Option<Component> {
        if !path.exists() {
            return None;
        }
        let engine = engine.clone();
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

    async fn compile(
        &self,
        engine: &Engine,
        bytes: Vec<u8>,
        path: PathBuf,
    ) -> anyhow::Result<Component> {
        let engine = engine.clone();
        tokio::task::spawn_blocking(move || {
            let component = Component::new(&engine, &bytes).map_err(|e| anyhow::anyhow!("{e:#}"))?;
            let serialized = component.serialize().map_err(|e| anyhow::anyhow!("{e:#}"))?;
            if let Err(error) = write_atomically(&path, &serialized) {
                tracing::warn!(path = %path.display(), %error, "could not cache the compiled component");
            }
            Ok(component)
        })
        .await?
    }
}

/// Writes `bytes` to `path` through a temporary file, fsync and rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
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
        let ours = |digest: &str| format!("{digest}.{}.cwasm", cache.engine_key);
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
