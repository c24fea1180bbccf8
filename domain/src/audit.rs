//! The audit log: every action of staff, administrators and the operator, append-only.

use crate::db::Binds;
use serde::Serialize;
use sqlx::Row;

use super::CrmResult;
use super::people::Principal;
use crate::db::{self, Conn};

/// One audited action.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub city: Option<String>,
    pub actor_id: Option<i64>,
    pub actor_role: String,
    pub action: String,
    pub object: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub at: i64,
}

/// Appends an entry: `actor` did `action` to `object` in `city`, changing `before` into `after`.
pub async fn record(
    conn: &mut Conn,
    city: Option<&str>,
    actor: &Principal,
    action: &str,
    object: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> CrmResult<()> {
    db::execute(
        conn,
        "INSERT INTO audit (city, actor_id, actor_role, action, object, before, after, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        (
            city,
            Some(actor.user_id).filter(|_| actor.role != super::people::Role::Console),
            actor.role.as_str(),
            action,
            object,
            before.map(|v| v.to_string()),
            after.map(|v| v.to_string()),
            db::now(),
        ),
    )
    .await?;
    Ok(())
}

/// Appends an entry with nothing to show before or after: `actor` did `action` to `object` in
/// `city`.
pub async fn record_action(
    conn: &mut Conn,
    city: Option<&str>,
    actor: &Principal,
    action: &str,
    object: &str,
) -> CrmResult<()> {
    record(conn, city, actor, action, object, None, None).await
}

/// A city's audit log, newest first, before entry `before_id` when paging.
pub async fn list(
    conn: &mut Conn,
    city: &str,
    before_id: Option<i64>,
    limit: u32,
) -> CrmResult<Vec<AuditEntry>> {
    let rows = sqlx::query(
        "SELECT id, city, actor_id, actor_role, action, object, before, after, at FROM audit \
         WHERE city = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .binds((
        city,
        before_id.unwrap_or(i64::MAX),
        limit.clamp(1, 500) as i64,
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let parse = |v: Option<String>| v.and_then(|s| serde_json::from_str(&s).ok());
            Ok(AuditEntry {
                id: row.try_get(0)?,
                city: row.try_get(1)?,
                actor_id: row.try_get(2)?,
                actor_role: row.try_get(3)?,
                action: row.try_get(4)?,
                object: row.try_get(5)?,
                before: parse(row.try_get(6)?),
                after: parse(row.try_get(7)?),
                at: row.try_get(8)?,
            })
        })
        .collect()
}
