//! Backups of a SQLite store while it serves, and restores: a consistent copy taken with SQLite's
//! `VACUUM INTO` (the store as of one moment, while others keep writing), checked, and put in
//! place by a rename, so that no half-written file ever bears the name asked for. The compiled
//! components are not in the store (they are in the cache folder, rebuilt from the components'
//! bytes, which are), so a backup holds no more than is needed.

use std::path::{Path, PathBuf};

use sqlx::{Connection, Row};

use super::{Backend, Db, DbError};

/// What a backup holds, as read from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Contents {
    pub cities: i64,
    pub requests: i64,
    pub bytes: u64,
}

/// Why a backup or a restore did not happen; nothing was written under the name asked for.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
}

impl Db {
    /// A consistent copy of this SQLite store in the new file `out`, taken while it serves.
    pub async fn backup_into(&self, out: &Path) -> Result<Contents, BackupError> {
        if self.backend == Backend::Postgres {
            return Err(BackupError::Refused(
                "carmen backup copies a SQLite store; back up PostgreSQL with pg_dump (the README's section for operators says how)".into(),
            ));
        }
        refuse_existing(
            out,
            "a backup never writes over a file: choose another name",
        )?;
        let partial = partial_path(out);
        remove_if_there(&partial)?;
        let mut conn = self.pool.acquire().await?;
        let copied = sqlx::query("VACUUM INTO $1")
            .bind(partial.to_string_lossy().to_string())
            .execute(&mut *conn)
            .await;
        drop(conn);
        let checked = match copied {
            Ok(_) => check(&partial).await,
            Err(e) => Err(e.into()),
        };
        match checked {
            Ok(contents) => {
                put_in_place(&partial, out)?;
                Ok(contents)
            }
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                Err(e)
            }
        }
    }
}

/// Restores the backup `file` as a new SQLite store at `target` (which must not exist), once
/// the backup is checked whole.
pub async fn restore(file: &Path, target: &Path) -> Result<Contents, BackupError> {
    refuse_existing(
        target,
        "a restore never writes over a store: move it away, or restore to another path",
    )?;
    for side in ["-wal", "-shm"] {
        let mut name = target.as_os_str().to_owned();
        name.push(side);
        refuse_existing(
            Path::new(&name),
            "a store's write-ahead log is there: move it away first",
        )?;
    }
    let contents = check(file).await?;
    let partial = partial_path(target);
    remove_if_there(&partial)?;
    std::fs::copy(file, &partial).map_err(|e| io(&partial, e))?;
    put_in_place(&partial, target)?;
    Ok(contents)
}

/// Reads `file` as a Carmen store, read-only: whole (SQLite's integrity check), with Carmen's
/// migrations in it; what it holds.
async fn check(file: &Path) -> Result<Contents, BackupError> {
    let bytes = std::fs::metadata(file).map_err(|e| io(file, e))?.len();
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro", file.to_string_lossy());
    let not_a_store = |e: sqlx::Error| {
        BackupError::Refused(format!(
            "{} is not a Carmen store that can be read: {e}",
            file.display()
        ))
    };
    let mut conn = sqlx::AnyConnection::connect(&url)
        .await
        .map_err(not_a_store)?;
    let verdict: String = sqlx::query("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(not_a_store)?
        .try_get(0)?;
    if verdict != "ok" {
        return Err(BackupError::Refused(format!(
            "{} is damaged: {verdict}",
            file.display()
        )));
    }
    let count = async |conn: &mut sqlx::AnyConnection, table: &str| {
        sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(conn)
            .await
            .and_then(|row| row.try_get::<i64, _>(0))
    };
    count(&mut conn, "_sqlx_migrations")
        .await
        .map_err(not_a_store)?;
    let contents = Contents {
        cities: count(&mut conn, "cities").await.map_err(not_a_store)?,
        requests: count(&mut conn, "cases").await.map_err(not_a_store)?,
        bytes,
    };
    conn.close().await?;
    Ok(contents)
}

fn refuse_existing(path: &Path, why: &str) -> Result<(), BackupError> {
    if path.exists() {
        return Err(BackupError::Refused(format!(
            "{} exists: {why}",
            path.display()
        )));
    }
    Ok(())
}

/// Where a file is written before it is renamed to `path`: beside it, so the rename is atomic.
fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

fn remove_if_there(path: &Path) -> Result<(), BackupError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(path, e)),
        _ => Ok(()),
    }
}

/// Makes `partial` durable, then gives it the name `path` (and makes the rename durable).
fn put_in_place(partial: &Path, path: &Path) -> Result<(), BackupError> {
    std::fs::File::open(partial)
        .and_then(|f| f.sync_all())
        .map_err(|e| io(partial, e))?;
    std::fs::rename(partial, path).map_err(|e| io(path, e))?;
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::File::open(folder)
        .and_then(|f| f.sync_all())
        .map_err(|e| io(folder, e))
}

fn io(path: &Path, e: std::io::Error) -> BackupError {
    BackupError::Io(path.display().to_string(), e)
}
