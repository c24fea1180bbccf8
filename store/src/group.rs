//! Group commit for SQLite: every write transaction of this process runs on one connection, each
//! inside a savepoint of a shared transaction, and one `COMMIT` — one fsync — makes a whole batch
//! durable. A member is answered only after the `COMMIT` that holds its writes, so nothing is
//! acknowledged before it is on disk; a member that fails or is dropped is rolled back to its
//! savepoint and takes nothing of the others with it.
//!
//! SQLite has one writer at a time anyway: the writes were serial before, and only the fsyncs
//! are shared now. The connection's mutex is fair, so the committer, queued behind the members
//! that were already waiting, commits them all at once.
//!
//! The members' turns on the connection are the one thing done in series, so each turn takes as
//! few trips to SQLite's thread as it can: a member that releases its savepoint while another
//! waits opens the next one's savepoint in the same trip, and a shared transaction begins with
//! its first savepoint in one.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Executor};

use tokio::sync::{Mutex, Notify, OwnedMutexGuard, oneshot};

/// Most members one `COMMIT` waits for: a member releasing its savepoint when this many wait
/// commits at once instead of leaving it to the committer.
const MAX_BATCH: usize = 256;

type Answer = oneshot::Sender<Result<(), String>>;

/// The one writing connection and the state of its shared transaction.
struct Writer {
    /// `None` once the database is closed.
    conn: Option<PoolConnection<Any>>,
    /// A shared transaction is open.
    open: bool,
    /// The last member left without committing: its savepoint is still to be rolled back.
    abandoned: bool,
    /// A savepoint is open for the next member (made by the member before, in its last trip).
    ready: bool,
    /// Members whose savepoints were released, waiting for the `COMMIT`.
    batch: Vec<Answer>,
}

/// The group commit of one database.
pub(super) struct CommitGroup {
    writer: Arc<Mutex<Writer>>,
    /// Wakes the committer.
    wake: Arc<Notify>,
    /// Members waiting for the connection.
    waiting: Arc<AtomicUsize>,
}

/// Counts a member among those waiting for the connection until it has it, or gave up.
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn count(waiting: &'a AtomicUsize) -> Self {
        waiting.fetch_add(1, Ordering::SeqCst);
        Waiting(waiting)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn run(conn: &mut PoolConnection<Any>, sql: &str) -> Result<(), sqlx::Error> {
    (&mut **conn).execute(sql).await.map(|_| ())
}

fn failure(error: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::other(format!(
        "the write was not committed: {error}"
    )))
}

impl CommitGroup {
    /// A group writing through `conn`, with its committer task.
    pub(super) fn start(conn: PoolConnection<Any>) -> Arc<CommitGroup> {
        let group = Arc::new(CommitGroup {
            writer: Arc::new(Mutex::new(Writer {
                conn: Some(conn),
                open: false,
                abandoned: false,
                ready: false,
                batch: Vec::new(),
            })),
            wake: Arc::new(Notify::new()),
            waiting: Arc::new(AtomicUsize::new(0)),
        });
        tokio::spawn(commit_batches(
            Arc::downgrade(&group.writer),
            group.wake.clone(),
        ));
        group
    }

    /// A member: a savepoint in the shared transaction, holding the connection until it commits
    /// or is dropped.
    pub(super) async fn begin(&self) -> Result<Member, sqlx::Error> {
        let mut writer = {
            let _waiting = Waiting::count(&self.waiting);
            self.writer.clone().lock_owned().await
        };
        writer.mend().await?;
        if writer.ready {
            writer.ready = false;
        } else {
            let sql = match writer.open {
                true => "SAVEPOINT member",
                false => "BEGIN IMMEDIATE; SAVEPOINT member",
            };
            let conn = writer.conn.as_mut().ok_or(sqlx::Error::PoolClosed)?;
            if let Err(error) = run(conn, sql).await {
                writer.fail_batch(&error.to_string()).await;
                return Err(error);
            }
            writer.open = true;
        }
        Ok(Member {
            writer: Some(writer),
            wake: self.wake.clone(),
            waiting: self.waiting.clone(),
        })
    }

    /// Commits what is pending and gives the connection back to the pool.
    pub(super) async fn close(&self) {
        let mut writer = self.writer.lock().await;
        let _ = writer.commit_batch().await;
        writer.conn = None;
    }
}

impl Drop for CommitGroup {
    fn drop(&mut self) {
        // The committer holds the writer weakly: woken, it finds it gone and ends.
        self.wake.notify_one();
    }
}

impl Writer {
    /// Rolls back an abandoned member's savepoint. When it cannot (SQLite rolled the whole
    /// transaction back after an I/O or disk-full error), the batch is lost with it: its members
    /// are told so, and the transaction is closed.
    async fn mend(&mut self) -> Result<(), sqlx::Error> {
        if !self.abandoned {
            return Ok(());
        }
        self.abandoned = false;
        let conn = self.conn.as_mut().ok_or(sqlx::Error::PoolClosed)?;
        if let Err(error) = run(
            conn,
            "ROLLBACK TO SAVEPOINT member; RELEASE SAVEPOINT member",
        )
        .await
        {
            self.fail_batch(&error.to_string()).await;
        }
        Ok(())
    }

    /// Ends the shared transaction with a rollback and tells the waiting members it failed.
    async fn fail_batch(&mut self, reason: &str) {
        if let Some(conn) = self.conn.as_mut() {
            let _ = run(conn, "ROLLBACK").await;
        }
        self.open = false;
        self.ready = false;
        for answer in self.batch.drain(..) {
            let _ = answer.send(Err(reason.to_string()));
        }
    }

    /// Commits the shared transaction, if one is open, and answers its members.
    async fn commit_batch(&mut self) -> Result<(), sqlx::Error> {
        self.mend().await?;
        if !self.open {
            return Ok(());
        }
        let conn = self.conn.as_mut().ok_or(sqlx::Error::PoolClosed)?;
        match run(conn, "COMMIT").await {
            Ok(_) => {
                self.open = false;
                self.ready = false;
                for answer in self.batch.drain(..) {
                    let _ = answer.send(Ok(()));
                }
                Ok(())
            }
            Err(error) => {
                self.fail_batch(&error.to_string()).await;
                Err(error)
            }
        }
    }
}

/// The committer: woken by a member that released its savepoint (or left without committing),
/// it takes the connection after the members already waiting for it and commits them all.
async fn commit_batches(writer: Weak<Mutex<Writer>>, wake: Arc<Notify>) {
    loop {
        wake.notified().await;
        let Some(writer) = writer.upgrade() else {
            return;
        };
        let mut writer = writer.lock().await;
        if let Err(error) = writer.commit_batch().await {
            tracing::error!(%error, "a group commit failed; its writes were not acknowledged");
        }
    }
}

/// One write transaction in the group: a savepoint on the shared connection.
pub struct Member {
    /// `None` once committed.
    writer: Option<OwnedMutexGuard<Writer>>,
    wake: Arc<Notify>,
    waiting: Arc<AtomicUsize>,
}

impl Member {
    /// Releases the savepoint and waits until the `COMMIT` that holds it is on disk.
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        let mut writer = self.writer.take().ok_or(sqlx::Error::PoolClosed)?;
        let full = writer.batch.len() + 1 >= MAX_BATCH;
        // Another member waits: its savepoint is opened in this same trip.
        let next_waits = !full && self.waiting.load(Ordering::SeqCst) > 0;
        let sql = match next_waits {
            true => "RELEASE SAVEPOINT member; SAVEPOINT member",
            false => "RELEASE SAVEPOINT member",
        };
        let conn = writer.conn.as_mut().ok_or(sqlx::Error::PoolClosed)?;
        if let Err(error) = run(conn, sql).await {
            // The savepoint is gone (SQLite rolled the shared transaction back), or the next
            // could not be opened after this one was released: the batch is lost, and told so.
            writer.fail_batch(&error.to_string()).await;
            return Err(error);
        }
        writer.ready = next_waits;
        let (answer, answered) = oneshot::channel();
        writer.batch.push(answer);
        if full {
            writer.commit_batch().await?;
        } else {
            drop(writer);
            self.wake.notify_one();
        }
        match answered.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(reason)) => Err(failure(reason)),
            Err(_) => Err(failure("the database was closed")),
        }
    }

    /// Rolls back this member's writes.
    pub async fn rollback(mut self) -> Result<(), sqlx::Error> {
        if let Some(mut writer) = self.writer.take() {
            writer.abandoned = true;
            writer.mend().await?;
            drop(writer);
            // The shared transaction must not stay open with nothing in it.
            self.wake.notify_one();
        }
        Ok(())
    }

    fn conn(&self) -> &AnyConnection {
        self.writer
            .as_ref()
            .and_then(|w| w.conn.as_deref())
            .expect("a member has its connection until it commits")
    }

    fn conn_mut(&mut self) -> &mut AnyConnection {
        self.writer
            .as_mut()
            .and_then(|w| w.conn.as_deref_mut())
            .expect("a member has its connection until it commits")
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        if let Some(mut writer) = self.writer.take() {
            // Left without committing (an error, or its request went away): the next holder of
            // the connection rolls the savepoint back, and the committer closes the transaction.
            writer.abandoned = true;
            drop(writer);
            self.wake.notify_one();
        }
    }
}

impl Deref for Member {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        self.conn()
    }
}

impl DerefMut for Member {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        self.conn_mut()
    }
}
