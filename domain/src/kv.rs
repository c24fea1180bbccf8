//! Key-value entries private to one plugin in one city, with size and count limits.
//!
//! A plugin call does not write here directly: its changes are staged (`crm::staged`) and applied
//! with `apply` in the transaction that commits the call. `kv_usage`, kept by triggers on `kv`,
//! counts each space's entries and bytes, so the limits are checked without scanning the space.

use crate::db::Binds;
use std::collections::{BTreeMap, HashMap};

use sqlx::Row;

use super::{CrmError, CrmResult};
use crate::db::{self, Conn};

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

/// How much a space holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Usage {
    pub entries: i64,
    pub bytes: i64,
}

/// Refuses a key that is empty or too long.
pub fn check_key(key: &str) -> CrmResult<()> {
    if key.is_empty() || key.len() > MAX_KEY_BYTES {
        return Err(CrmError::Invalid(format!(
            "a key is 1 to {MAX_KEY_BYTES} bytes"
        )));
    }
    Ok(())
}

/// Refuses a value over the size limit.
pub fn check_value(value: &[u8]) -> CrmResult<()> {
    if value.len() > MAX_VALUE_BYTES {
        return Err(CrmError::LimitExceeded(format!(
            "a value is at most {MAX_VALUE_BYTES} bytes"
        )));
    }
    Ok(())
}

/// The value under `key`, if any.
pub async fn get(conn: &mut Conn, space: &Space<'_>, key: &str) -> CrmResult<Option<Vec<u8>>> {
    check_key(key)?;
    let row = sqlx::query("SELECT value FROM kv WHERE city = $1 AND plugin = $2 AND key = $3")
        .binds((space.city, space.plugin, key))
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// The size in bytes of the value under `key`, if any.
pub async fn size_of(conn: &mut Conn, space: &Space<'_>, key: &str) -> CrmResult<Option<i64>> {
    let row =
        sqlx::query("SELECT LENGTH(value) FROM kv WHERE city = $1 AND plugin = $2 AND key = $3")
            .binds((space.city, space.plugin, key))
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map(|r| r.try_get::<i64, _>(0)).transpose()?)
}

/// What the space holds now.
pub async fn usage(conn: &mut Conn, space: &Space<'_>) -> CrmResult<Usage> {
    let usage = db::fetch_optional(
        conn,
        "SELECT entries, bytes FROM kv_usage WHERE city = $1 AND plugin = $2",
        (space.city, space.plugin),
    )
    .await?;
    Ok(usage.unwrap_or_default())
}

/// The values under `keys` (absent keys are left out), read in chunks.
pub async fn values_of(
    conn: &mut Conn,
    space: &Space<'_>,
    keys: &[&str],
) -> CrmResult<HashMap<String, Vec<u8>>> {
    let mut found = HashMap::new();
    for chunk in keys.chunks(200) {
        let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = format!(
            "SELECT key, value FROM kv WHERE city = $1 AND plugin = $2 AND key IN ({})",
            marks.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(space.city).bind(space.plugin);
        for key in chunk {
            query = query.bind(*key);
        }
        for row in query.fetch_all(&mut *conn).await? {
            found.insert(row.try_get(0)?, row.try_get(1)?);
        }
    }
    Ok(found)
}

/// Keys starting with `prefix`, in byte order, after `start_after`.
pub async fn list(
    conn: &mut Conn,
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
    .binds((space.city, space.plugin, prefix, start_after.unwrap_or(""), limit))
    .fetch_all(&mut *conn)
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

/// Writes `changes` (a value, or `None` to remove the key) into the space, then checks that it
/// keeps at most `MAX_ENTRIES` entries and `max_bytes` bytes (or, if it held more already, no
/// more than before); past either, nothing the caller's transaction wrote may be committed.
pub async fn apply(
    conn: &mut Conn,
    space: &Space<'_>,
    changes: &BTreeMap<String, Option<Vec<u8>>>,
    max_bytes: i64,
) -> CrmResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let before = usage(conn, space).await?;
    let now = db::now();
    for (key, value) in changes {
        match value {
            Some(value) => {
                db::execute(
                    conn,
                    "INSERT INTO kv (city, plugin, key, value, updated_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (city, plugin, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                    (space.city, space.plugin, key, value.clone(), now),
                )
                .await?;
            }
            None => {
                db::execute(
                    conn,
                    "DELETE FROM kv WHERE city = $1 AND plugin = $2 AND key = $3",
                    (space.city, space.plugin, key),
                )
                .await?;
            }
        }
    }
    let after = usage(conn, space).await?;
    if after.entries > before.entries.max(MAX_ENTRIES) {
        return Err(CrmError::LimitExceeded(format!(
            "at most {MAX_ENTRIES} entries per service"
        )));
    }
    if after.bytes > before.bytes.max(max_bytes) {
        return Err(CrmError::LimitExceeded(format!(
            "at most {max_bytes} bytes of entries per service (quota store-bytes)"
        )));
    }
    Ok(())
}
