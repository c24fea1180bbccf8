//! SQLite's group commit: many write transactions share one `COMMIT`, yet each keeps its own
//! outcome — a failed or abandoned one takes nothing of the others with it, and the shared
//! transaction never stays open for another process to wait on.

use std::time::Duration;

use carmen_core::db::Db;
use sqlx::Row;

async fn scratch_db(dir: &std::path::Path) -> Db {
    let db = Db::open(&dir.join("group.db").to_string_lossy())
        .await
        .unwrap();
    sqlx::query("CREATE TABLE scratch (k BIGINT PRIMARY KEY, v TEXT NOT NULL)")
        .execute(db.pool())
        .await
        .unwrap();
    db
}

async fn keys(db: &Db) -> Vec<i64> {
    sqlx::query("SELECT k FROM scratch ORDER BY k")
        .fetch_all(db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

async fn insert(tx: &mut carmen_core::db::Tx, k: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO scratch (k, v) VALUES ($1, 'x')")
        .bind(k)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_transactions_that_fail_take_nothing_of_the_others_that_commit() {
    let dir = tempfile::tempdir().unwrap();
    let db = scratch_db(dir.path()).await;
    let mut tasks = Vec::new();
    for k in 0..96i64 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = db.begin_write().await?;
            insert(&mut tx, k).await?;
            if k % 4 == 0 {
                // The same key again: this transaction fails after it wrote.
                insert(&mut tx, k).await?;
            }
            if k % 7 == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            tx.commit().await.map(|()| true)
        }));
    }
    let mut committed = Vec::new();
    for (k, task) in tasks.into_iter().enumerate() {
        match task.await.unwrap() {
            Ok(true) => committed.push(k as i64),
            Ok(false) => assert_eq!(k % 7, 0),
            Err(error) => assert_eq!(k % 4, 0, "{k}: {error}"),
        }
    }
    let expected: Vec<i64> = (0..96).filter(|k| k % 4 != 0 && k % 7 != 0).collect();
    assert_eq!(committed, expected);
    assert_eq!(keys(&db).await, expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_abandoned_transaction_is_rolled_back_and_leaves_the_database_to_other_processes() {
    let dir = tempfile::tempdir().unwrap();
    let db = scratch_db(dir.path()).await;
    // A request that goes away in the middle of its transaction.
    let abandoned = tokio::time::timeout(Duration::from_millis(100), async {
        let mut tx = db.begin_write().await.unwrap();
        insert(&mut tx, 1).await.unwrap();
        std::future::pending::<()>().await;
    })
    .await;
    assert!(abandoned.is_err());
    // Another process (its own handle on the same file) can write at once: the shared
    // transaction was closed, not left holding SQLite's write lock.
    let other = Db::open(&dir.path().join("group.db").to_string_lossy())
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut tx = other.begin_write().await.unwrap();
    insert(&mut tx, 2).await.unwrap();
    tx.commit().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // And this process goes on writing.
    let mut tx = db.begin_write().await.unwrap();
    insert(&mut tx, 3).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(keys(&db).await, vec![2, 3]);
    assert_eq!(keys(&other).await, vec![2, 3]);
}

/// The page cache size (`PRAGMA cache_size`, negative in KiB) of the connection `conn`.
async fn cache_size(conn: &mut sqlx::AnyConnection) -> i64 {
    sqlx::query("PRAGMA cache_size")
        .fetch_one(conn)
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn reading_connections_keep_a_small_page_cache_and_the_writer_a_larger_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = scratch_db(dir.path()).await;
    // Every reading connection the pool hands out, not only the first.
    let mut readers = Vec::new();
    for _ in 0..4 {
        let mut conn = db.read().await.unwrap();
        assert_eq!(
            cache_size(&mut conn).await,
            -256,
            "a reader's cache is 256 KiB"
        );
        readers.push(conn);
    }
    let mut tx = db.begin_write().await.unwrap();
    assert_eq!(
        cache_size(&mut tx).await,
        -2000,
        "the writer keeps SQLite's 2 MiB"
    );
    tx.rollback().await.unwrap();
}
