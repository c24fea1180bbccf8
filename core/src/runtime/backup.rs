//! Backups and restores of the host's store, for its operator: a consistent copy of a serving
//! SQLite store, and a new store made from one.

use std::path::Path;

use super::proofs::Operator;
use super::{Carmen, RuntimeError};
pub use crate::db::backup::Contents as BackupContents;

impl Carmen {
    /// A consistent copy of the store in the new file `out`, taken while the host serves.
    pub async fn backup(
        &self,
        _operator: &Operator,
        out: &Path,
    ) -> Result<BackupContents, RuntimeError> {
        self.db.backup_into(out).await.map_err(refused)
    }
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
