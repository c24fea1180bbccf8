//! Backups of a SQLite store while it serves, and restores: a consistent copy taken with SQLite's
//! `VACUUM INTO` (the store as of one moment, while others keep writing), checked, and put in
//! place by a rename, so that no half-written file ever bears the name asked for. The compiled
//! components are not in the store (they are in the cache folder, rebuilt from the components'
//! bytes, which are), so a backup holds no more than is needed.

use std::path::{Path, PathBuf};

use sqlx::{Connection, Row};

use super::DbError;

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

/// A consistent copy of the SQLite store at `location` (a path or a `sqlite://` URL) in the new
/// file `out`, taken while others read and write it. The store is opened read-only: nothing in it
/// changes, not even its schema.
pub async fn backup(location: &str, out: &Path) -> Result<Contents, BackupError> {
    let source = sqlite_path(location)?;
    if !source.exists() {
        return Err(BackupError::Refused(format!(
            "there is no store at {}: name it with --db",
            source.display()
        )));
    }
    refuse_existing(
        out,
        "a backup never writes over a file: choose another name",
    )?;
    let partial = Partial::beside(out)?;
    let mut conn = read_only(&source).await?;
    sqlx::query("VACUUM INTO ?")
        .bind(partial.path.to_string_lossy().to_string())
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    let contents = check(&partial.path).await?;
    partial.publish(out)?;
    Ok(contents)
}

/// Restores the backup `file` as a new SQLite store at `target` (which must not exist): the copy
/// is checked whole, then given its name.
pub async fn restore(file: &Path, target: &Path) -> Result<Contents, BackupError> {
    refuse_existing(
        target,
        "a restore never writes over a store: move it away, or restore to another path",
    )?;
    for side in ["-wal", "-shm", "-journal"] {
        let mut name = target.as_os_str().to_owned();
        name.push(side);
        refuse_existing(
            Path::new(&name),
            "a store's journal is there: move it away first",
        )?;
    }
    if !file.is_file() {
        return Err(BackupError::Refused(format!(
            "there is no backup at {}",
            file.display()
        )));
    }
    let partial = Partial::beside(target)?;
    std::fs::copy(file, &partial.path).map_err(|e| io(&partial.path, e))?;
    let contents = check(&partial.path).await?;
    partial.publish(target)?;
    Ok(contents)
}

/// The file a location names: backups are of SQLite stores.
fn sqlite_path(location: &str) -> Result<PathBuf, BackupError> {
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        return Err(BackupError::Refused(
            "carmen backup copies a SQLite store; back up PostgreSQL with pg_dump (the README's section for operators says how)".into(),
        ));
    }
    let path = location.strip_prefix("sqlite://").unwrap_or(location);
    let path = path.split('?').next().unwrap_or(path);
    if path.contains("://") {
        return Err(BackupError::Refused(format!(
            "{location} is not a SQLite store's path"
        )));
    }
    Ok(PathBuf::from(path))
}

/// A connection that only reads the SQLite file `path` (named as a file, never as a URL).
async fn read_only(path: &Path) -> Result<sqlx::SqliteConnection, BackupError> {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false);
    sqlx::SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| {
            BackupError::Refused(format!(
                "{} is not a Carmen store that can be read: {e}",
                path.display()
            ))
        })
}

/// Reads `file` as a Carmen store, read-only: whole (SQLite's integrity check), with Carmen's
/// migrations in it; what it holds.
async fn check(file: &Path) -> Result<Contents, BackupError> {
    let bytes = std::fs::metadata(file).map_err(|e| io(file, e))?.len();
    let not_a_store = |e: sqlx::Error| {
        BackupError::Refused(format!(
            "{} is not a Carmen store that can be read: {e}",
            file.display()
        ))
    };
    let mut conn = read_only(file).await?;
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
    let count = async |conn: &mut sqlx::SqliteConnection, table: &str| {
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

/// A new file beside where it will be published, its own (no other run shares it), removed
/// unless published.
struct Partial {
    path: PathBuf,
}

impl Partial {
    fn beside(path: &Path) -> Result<Partial, BackupError> {
        let folder = folder_of(path);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let partial = folder.join(format!(".{name}.{}.{nanos}.partial", std::process::id()));
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&partial)
            .map_err(|e| io(&partial, e))?;
        Ok(Partial { path: partial })
    }

    /// Makes the file durable and gives it the name `path`, unless something took that name
    /// meanwhile (a link, not a rename: it never replaces a file).
    fn publish(self, path: &Path) -> Result<(), BackupError> {
        std::fs::File::open(&self.path)
            .and_then(|f| f.sync_all())
            .map_err(|e| io(&self.path, e))?;
        std::fs::hard_link(&self.path, path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => BackupError::Refused(format!(
                "{} appeared while the copy was made: it is left as it was",
                path.display()
            )),
            _ => io(path, e),
        })?;
        let folder = folder_of(path);
        std::fs::File::open(&folder)
            .and_then(|f| f.sync_all())
            .map_err(|e| io(&folder, e))
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn folder_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

fn io(path: &Path, e: std::io::Error) -> BackupError {
    BackupError::Io(path.display().to_string(), e)
}
