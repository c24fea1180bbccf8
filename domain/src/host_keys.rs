//! The host's own keys, made once per database (every node on one database shares them).

use sqlx::Row;

use super::CrmResult;
use crate::db::{self, Conn};

/// The key called `name`, made with `make` if there is none yet; run it in a write transaction,
/// so that two nodes starting together agree on one key.
pub async fn get_or_make(
    conn: &mut Conn,
    name: &str,
    make: impl FnOnce() -> String,
) -> CrmResult<String> {
    db::execute(
        conn,
        "INSERT INTO host_keys (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        (name, make()),
    )
    .await?;
    let row = sqlx::query("SELECT value FROM host_keys WHERE name = $1")
        .bind(name)
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get(0)?)
}
