//! Backups and restores of the host's store, for its operator: a consistent copy of a serving
//! SQLite store, and a new store made from one.

use std::path::Path;

use super::RuntimeError;
pub use crate::db::backup::Contents as BackupContents;

/// A consistent copy of the SQLite store at `location` in the new file `out`, taken while the
/// host serves; the store itself is only read.
pub async fn backup(location: &str, out: &Path) -> Result<BackupContents, RuntimeError> {
    crate::db::backup::backup(location, out)
        .await
        .map_err(refused)
}

/// Makes the backup `file` a new SQLite store at `target` (which must not exist), checked whole
/// first; then opens it once, so that it is brought up to this version's schema.
pub async fn restore(file: &Path, target: &Path) -> Result<BackupContents, RuntimeError> {
    let contents = crate::db::backup::restore(file, target)
        .await
        .map_err(refused)?;
    let db = crate::db::Db::open(&target.to_string_lossy())
        .await
        .map_err(|e| RuntimeError::Invalid(e.to_string()))?;
    db.close().await;
    Ok(contents)
}

fn refused(error: crate::db::backup::BackupError) -> RuntimeError {
    RuntimeError::Invalid(error.to_string())
}

/// What a backup of a host on PostgreSQL says it is: one city archive (`export_city`) per city.
pub const HOST_FORMAT: &str = "carmen-host-archive/1";
const HOST_MANIFEST: &str = "host.json";

#[derive(serde::Serialize, serde::Deserialize)]
struct HostManifest {
    format: String,
    written_at: i64,
    cities: Vec<String>,
}

impl super::Carmen {
    /// Every city of this host, each as its signed archive (its delivery secrets included: the
    /// backup is the operator's own), in the new file `out`: the backup of a host on PostgreSQL,
    /// in the format a city moves in.
    pub async fn backup_cities(
        &self,
        operator: &super::proofs::Operator,
        out: &Path,
    ) -> Result<BackupContents, RuntimeError> {
        let io = |e: std::io::Error| RuntimeError::Invalid(format!("{}: {e}", out.display()));
        if out.exists() {
            return Err(RuntimeError::Invalid(format!(
                "{} exists: a backup never writes over a file; choose another name",
                out.display()
            )));
        }
        let folder = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let work = tempfile::tempdir_in(folder).map_err(io)?;
        let cities = self.cities().await?;
        let mut requests = 0;
        for city in &cities {
            let manifest = self
                .export_city(operator, &city.slug, true, &work.path().join(&city.slug))
                .await?;
            requests += manifest.rows("cases") as i64;
        }
        let manifest = serde_json::to_vec_pretty(&HostManifest {
            format: HOST_FORMAT.into(),
            written_at: crate::crm::now(),
            cities: cities.iter().map(|c| c.slug.clone()).collect(),
        })
        .map_err(|e| RuntimeError::Invalid(e.to_string()))?;
        let partial = work.path().join("backup.partial");
        {
            use std::os::unix::fs::OpenOptionsExt;
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&partial)
                .map_err(io)?;
            let mut tar = tar::Builder::new(std::io::BufWriter::new(file));
            let mut header = tar::Header::new_gnu();
            header.set_size(manifest.len() as u64);
            header.set_mode(0o600);
            header.set_cksum();
            tar.append_data(&mut header, HOST_MANIFEST, manifest.as_slice())
                .map_err(io)?;
            for city in &cities {
                tar.append_path_with_name(
                    work.path().join(&city.slug),
                    format!("cities/{}.carmen", city.slug),
                )
                .map_err(io)?;
            }
            let writer = tar.into_inner().map_err(io)?;
            let file = writer.into_inner().map_err(|e| io(e.into_error()))?;
            file.sync_all().map_err(io)?;
        }
        std::fs::hard_link(&partial, out).map_err(io)?;
        Ok(BackupContents {
            cities: cities.len() as i64,
            requests,
            bytes: std::fs::metadata(out).map_err(io)?.len(),
        })
    }
}

/// Whether `file` is a SQLite store (a backup of a host on SQLite) rather than a host archive.
pub fn is_sqlite_file(file: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 16];
    std::fs::File::open(file)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && &magic == b"SQLite format 3\0"
}

/// Brings every city of the host archive `file` into the store at `target` (SQLite or
/// PostgreSQL), each checked and imported whole; none is brought in when a slug is in use there.
pub async fn restore_cities(file: &Path, target: &str) -> Result<BackupContents, RuntimeError> {
    use std::io::Read;
    let refused = |why: String| RuntimeError::Invalid(format!("{}: {why}", file.display()));
    let work = tempfile::tempdir().map_err(|e| refused(e.to_string()))?;
    let opened = std::fs::File::open(file).map_err(|e| refused(e.to_string()))?;
    let mut tar = tar::Archive::new(std::io::BufReader::new(opened));
    let mut manifest = None;
    let mut archives = Vec::new();
    for entry in tar
        .entries()
        .map_err(|e| refused(format!("not a backup: {e}")))?
    {
        let mut entry = entry.map_err(|e| refused(format!("not a backup: {e}")))?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            return Err(refused("it holds something other than plain files".into()));
        }
        let name = entry
            .path()
            .map_err(|e| refused(e.to_string()))?
            .to_string_lossy()
            .to_string();
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| refused(e.to_string()))?;
        if name == HOST_MANIFEST {
            manifest = Some(
                serde_json::from_slice::<HostManifest>(&bytes)
                    .map_err(|e| refused(format!("its manifest cannot be read: {e}")))?,
            );
        } else if let Some(slug) = name
            .strip_prefix("cities/")
            .and_then(|n| n.strip_suffix(".carmen"))
        {
            crate::crm::cities::check_slug(slug)?;
            let path = work.path().join(slug);
            std::fs::write(&path, bytes).map_err(|e| refused(e.to_string()))?;
            archives.push(path);
        } else {
            return Err(refused(format!("{name} is not part of a backup")));
        }
    }
    let manifest =
        manifest.ok_or_else(|| refused("not a backup of Carmen: it has no host.json".into()))?;
    if manifest.format != HOST_FORMAT || manifest.cities.len() != archives.len() {
        return Err(refused(format!(
            "it is not a whole {HOST_FORMAT}: its manifest names {} cities, it holds {}",
            manifest.cities.len(),
            archives.len()
        )));
    }
    let checked = archives
        .iter()
        .map(|path| super::portability::read_archive(path, None))
        .collect::<Result<Vec<_>, _>>()?;
    let carmen = super::Carmen::open(target, &work.path().join("cache"))
        .await
        .map_err(|e| RuntimeError::Invalid(format!("{target}: {e}")))?;
    let restored = async {
        for archive in &checked {
            if carmen.city(&archive.manifest.city).await.is_ok() {
                return Err(RuntimeError::Invalid(format!(
                    "a city {} is in {target} already: restore into a store without these cities",
                    archive.manifest.city
                )));
            }
        }
        let mut requests = 0;
        for archive in &checked {
            carmen.import_city(&carmen.console(), archive, None).await?;
            requests += archive.manifest.rows("cases") as i64;
        }
        Ok(requests)
    }
    .await;
    carmen.close().await;
    Ok(BackupContents {
        cities: checked.len() as i64,
        requests: restored?,
        bytes: std::fs::metadata(file).map(|m| m.len()).unwrap_or(0),
    })
}
