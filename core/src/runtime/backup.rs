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
