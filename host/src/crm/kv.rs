//! Key-value entries private to one plugin in one city, with size and count limits.

use sqlx::Row;

use super::{CrmError, CrmResult};
use crate::db::{self, Db};

/// Longest key, in bytes.
pub const MAX_KEY_BYTES: usize = 256;
/// Largest value, in bytes.
pub const MAX_VALUE_BYTES: usize = 64 * 1024;
/// Most entries one plugin keeps in one city.
pub const MAX_ENTRIES: i64 = 10_000;
/// Most keys one `list` returns.
pub const MAX_LIST: u32 = 1_000;

/// The entries of one plugin in one city.
#[derive(Clone, Debug)]
pub struct Space<'a> {
    pub city: &'a str,
    pub plugin: &'a str,
}

fn check_key(key: &str) -> CrmResult<()> {
    if key.is_empty() || key.len() > MAX_KEY_BYTES {
        return Err(CrmError::Invalid(format!(
            "a key is 1 to {MAX_KEY_BYTES} bytes"
        )));
    }
    Ok(())
}

/// The value under `key`, if any.
pub async fn get(db: &Db, space: &Space<'_>, key: &str) -> CrmResult<Option<Vec<u8>>> {
    check_key(key)?;
    let row = sqlx::query("SELECT value FROM kv WHERE city = $1 AND plugin = $2 AND key = $3")
        .bind(space.city)
        .bind(space.plugin)
        .bind(key)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

fn check_value(value: &[u8]) -> CrmResult<()> {
    if value.len() > MAX_VALUE_BYTES {
        return Err(CrmError::LimitExceeded(format!(
            "a value is at most {MAX_VALUE_BYTES} bytes"
        )));
    }
    Ok(())
}

/// Refuses a new entry once the plugin keeps `MAX_ENTRIES` in this city.
async fn check_room(conn: &mut sqlx::AnyConnection, space: &Space<'_>) -> CrmResult<()> {
    let count: i64 = sqlx::query("SELECT COUNT(*) FROM kv WHERE city = $1 AND plugin = $2")
        .bind(space.city)
        .bind(space.plugin)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    if count >= MAX_ENTRIES {
        return Err(CrmError::LimitExceeded(format!(
            "at most {MAX_ENTRIES} entries per service"
        )));
    }
    Ok(())
}

/// Stores `value` under `key`.
pub async fn set(db: &Db, space: &Space<'_>, key: &str, value: &[u8]) -> CrmResult<()> {
    check_key(key)?;
    check_value(value)?;
    let mut tx = db.begin_write().await?;
    let exists = sqlx::query("SELECT 1 FROM kv WHERE city = $1 AND plugin = $2 AND key = $3")
        .bind(space.city)
        .bind(space.plugin)
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
    if !exists {
        check_room(&mut tx, space).await?;
    }
    sqlx::query(
        "INSERT INTO kv (city, plugin, key, value, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (city, plugin, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(space.city)
    .bind(space.plugin)
    .bind(key)
    .bind(value.to_vec())
    .bind(db::now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes `key`; true if it was there.
pub async fn delete(db: &Db, space: &Space<'_>, key: &str) -> CrmResult<bool> {
    check_key(key)?;
    let done = sqlx::query("DELETE FROM kv WHERE city = $1 AND plugin = $2 AND key = $3")
        .bind(space.city)
        .bind(space.plugin)
        .bind(key)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Stores `value` (or removes the key, for `None`) only if the key holds `expected` now (`None`:
/// absent). True if it did. Each case is one conditional statement, so two racing calls cannot
/// both succeed.
pub async fn compare_and_swap(
    db: &Db,
    space: &Space<'_>,
    key: &str,
    expected: Option<&[u8]>,
    value: Option<&[u8]>,
) -> CrmResult<bool> {
    check_key(key)?;
    if let Some(value) = value {
        check_value(value)?;
    }
    let done = match (expected, value) {
        (None, None) => return Ok(get(db, space, key).await?.is_none()),
        (None, Some(value)) => {
            // Counting and inserting in one write transaction keeps the entry limit exact.
            let mut tx = db.begin_write().await?;
            check_room(&mut tx, space).await?;
            let done = sqlx::query(
                "INSERT INTO kv (city, plugin, key, value, updated_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (city, plugin, key) DO NOTHING",
            )
            .bind(space.city)
            .bind(space.plugin)
            .bind(key)
            .bind(value.to_vec())
            .bind(db::now())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            done
        }
        (Some(expected), Some(value)) => {
            sqlx::query(
                "UPDATE kv SET value = $4, updated_at = $5 \
                 WHERE city = $1 AND plugin = $2 AND key = $3 AND value = $6",
            )
            .bind(space.city)
            .bind(space.plugin)
            .bind(key)
            .bind(value.to_vec())
            .bind(db::now())
            .bind(expected.to_vec())
            .execute(db.pool())
            .await?
        }
        (Some(expected), None) => {
            sqlx::query(
                "DELETE FROM kv WHERE city = $1 AND plugin = $2 AND key = $3 AND value = $4",
            )
            .bind(space.city)
            .bind(space.plugin)
            .bind(key)
            .bind(expected.to_vec())
            .execute(db.pool())
            .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

/// Keys starting with `prefix`, in byte order, after `start_after`.
pub async fn list(
    db: &Db,
    space: &Space<'_>,
    prefix: &str,
    start_after: Option<&str>,
    limit: u32,
) -> CrmResult<Vec<String>> {
    if prefix.len() > MAX_KEY_BYTES {
        return Err(CrmError::Invalid(format!(
            "a prefix is at most {MAX_KEY_BYTES} bytes"
        )));
    }
    let limit = limit.clamp(1, MAX_LIST) as i64;
    // Keys sort byte-wise, so the keys with `prefix` are one run from `prefix` on: a range (which
    // keeps `%` and `_` literal, unlike LIKE) and a stop at the first key outside the prefix.
    let rows = sqlx::query(
        "SELECT key FROM kv WHERE city = $1 AND plugin = $2 AND key >= $3 AND key > $4 ORDER BY key LIMIT $5",
    )
    .bind(space.city)
    .bind(space.plugin)
    .bind(prefix)
    .bind(start_after.unwrap_or(""))
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let mut keys = Vec::new();
    for row in rows {
        let key: String = row.try_get(0)?;
        if !key.starts_with(prefix) {
            break;
        }
        keys.push(key);
    }
    Ok(keys)
}
