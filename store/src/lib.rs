//! The store: one sqlx pool over SQLite (the embedded default) or PostgreSQL, with embedded migrations.
//!
//! Queries are written once, with `$1`-style placeholders that both backends accept. Times are
//! stored as whole seconds since the Unix epoch in `BIGINT` columns.

pub mod backup;
mod binds;
mod group;
mod ids;
mod json_rows;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

pub use self::binds::{Binds, Values, execute, exists, fetch_all, fetch_optional};
use self::group::{CommitGroup, Member};
use self::ids::IdBlocks;
pub use self::ids::Sequence;
pub use self::json_rows::{fetch_all_json, is_postgres};

/// One connection, a pooled one or a transaction's: every `crm` function runs its queries on the
/// connection its caller hands it, so a use case's writes share one transaction.
pub type Conn = sqlx::AnyConnection;

/// A write transaction: everything written through it commits together, or not at all. On
/// SQLite it is a member of this process's group commit (`group`); on PostgreSQL a transaction
/// of its own (PostgreSQL groups the flushes of concurrent commits itself).
pub struct Tx(TxKind);

enum TxKind {
    Own(sqlx::Transaction<'static, sqlx::Any>),
    Grouped(Member),
}

impl Tx {
    /// Commits; returns once the writes are durable.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self.0 {
            TxKind::Own(tx) => tx.commit().await,
            TxKind::Grouped(member) => member.commit().await,
        }
    }

    /// Rolls back (dropping the transaction does too).
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self.0 {
            TxKind::Own(tx) => tx.rollback().await,
            TxKind::Grouped(member) => member.rollback().await,
        }
    }
}

impl std::ops::Deref for Tx {
    type Target = Conn;

    fn deref(&self) -> &Conn {
        match &self.0 {
            TxKind::Own(tx) => tx,
            TxKind::Grouped(member) => member,
        }
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Conn {
        match &mut self.0 {
            TxKind::Own(tx) => tx,
            TxKind::Grouped(member) => member,
        }
    }
}

/// A pooled connection for reads outside a transaction.
pub type ReadConn = sqlx::pool::PoolConnection<sqlx::Any>;

/// The shared handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    ids: Arc<IdBlocks>,
    /// SQLite's group commit; `None` on PostgreSQL.
    group: Option<Arc<CommitGroup>>,
}

impl std::fmt::Debug for CommitGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CommitGroup")
    }
}

/// Which database engine is behind the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Failures of the store, for callers that must tell them apart.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database location {0:?}: use a file path, sqlite://... or postgres://...")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Db {
    /// Opens (creating if needed) the database at `location` and brings its schema up to date.
    ///
    /// `location` is a SQLite file path, a `sqlite://` URL or a `postgres://` URL.
    pub async fn open(location: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let (url, backend) = Self::url_for(location)?;
        let options = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            // A SQLite connection is a file handle that cannot drop: no ping before each use.
            .test_before_acquire(backend == Backend::Postgres)
            // A reading connection's page cache is 256 KiB, not SQLite's 2 MiB: in WAL mode a
            // connection drops its whole cache at its next read after any commit, so on a host
            // taking requests a large one buys little, and seven of them filled up held 14 MiB
            // (listing 100,000 cities grew the process by 3 MiB more with 2 MiB, page times the
            // same). The writer, whose cache stays true across its own commits, keeps 2 MiB.
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON; PRAGMA cache_size = -256;")
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        if backend == Backend::Sqlite {
            pool.execute("PRAGMA journal_mode = WAL;").await?;
        }
        let mut db = Db {
            pool,
            backend,
            ids: Arc::new(IdBlocks::default()),
            group: None,
        };
        db.migrate().await?;
        if backend == Backend::Sqlite {
            let mut writer = db.pool.acquire().await?;
            writer.execute("PRAGMA cache_size = -2000;").await?;
            db.group = Some(CommitGroup::start(writer));
        }
        Ok(db)
    }

    fn url_for(location: &str) -> Result<(String, Backend), DbError> {
        if location.starts_with("postgres://") || location.starts_with("postgresql://") {
            Ok((location.to_string(), Backend::Postgres))
        } else if let Some(rest) = location.strip_prefix("sqlite://") {
            Ok((Self::sqlite_url(rest), Backend::Sqlite))
        } else if location.contains("://") {
            Err(DbError::UnsupportedUrl(location.to_string()))
        } else {
            Ok((Self::sqlite_url(location), Backend::Sqlite))
        }
    }

    fn sqlite_url(path: &str) -> String {
        let path = path.split('?').next().unwrap_or(path);
        format!("sqlite://{path}?mode=rwc")
    }

    async fn migrate(&self) -> Result<(), DbError> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await?,
            Backend::Postgres => {
                sqlx::migrate!("migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    /// A transaction that reads and then writes. On SQLite it takes the write lock at the start
    /// (`BEGIN IMMEDIATE`): a deferred transaction that read first cannot take it later once another
    /// connection has written (SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out), so concurrent
    /// requests would fail instead of queueing.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        match &self.group {
            Some(group) => Ok(Tx(TxKind::Grouped(group.begin().await?))),
            None => Ok(Tx(TxKind::Own(self.pool.begin().await?))),
        }
    }

    /// A write transaction in which what was read stays true until the commit: SQLite's
    /// `BEGIN IMMEDIATE` already serializes writers; PostgreSQL runs it `SERIALIZABLE`, and a
    /// transaction that loses a race fails (`is_lost_race`) instead of writing over the winner.
    pub async fn begin_serializable(&self) -> Result<Tx, sqlx::Error> {
        match &self.group {
            Some(group) => Ok(Tx(TxKind::Grouped(group.begin().await?))),
            None => Ok(Tx(TxKind::Own(
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL SERIALIZABLE")
                    .await?,
            ))),
        }
    }

    /// A connection for reads that need no transaction.
    pub async fn read(&self) -> Result<ReadConn, sqlx::Error> {
        self.pool.acquire().await
    }

    /// A fresh id for a row of `sequence`, known before the row is written (a plugin call learns
    /// the id of a case it opens before its writes commit). Ids come in blocks taken in a short
    /// transaction of their own, so never call this while holding a write transaction: on SQLite
    /// the two would wait for each other. Ids are unique across processes; an id that is never
    /// used leaves a gap.
    pub async fn next_id(&self, sequence: Sequence) -> Result<i64, sqlx::Error> {
        self.ids.next(self, sequence).await
    }

    /// The pool, for the `crm` modules' queries.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection, flushing SQLite's WAL.
    pub async fn close(&self) {
        if let Some(group) = &self.group {
            group.close().await;
        }
        self.pool.close().await;
    }
}

/// Seconds since the Unix epoch, now.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// True when a transaction failed because a concurrent one won (PostgreSQL's serialization
/// failure or deadlock): running it again may succeed.
pub fn is_lost_race(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(e) => matches!(e.code().as_deref(), Some("40001" | "40P01")),
        _ => false,
    }
}

/// True when the error is a unique-constraint violation (a duplicate key) on either backend.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(e) => e.is_unique_violation(),
        _ => false,
    }
}
