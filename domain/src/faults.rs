//! A service's own faults, kept per city, service and version: the first of each is news for
//! the city's administrators, the rest are counted.

use super::CrmResult;
use crate::db::{self, Conn};

/// How a service of a city fails, as its administrators see it.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct Fault {
    pub service: String,
    pub version: String,
    /// The engine's kind: `trap`, `deadline`, `memory`, `stack-overflow`, `invalid-component`…
    pub kind: String,
    /// What the service said, or what stopped it, as the citizen's caller was told.
    pub message: String,
    pub first_at: i64,
    pub last_at: i64,
    pub count: i64,
}

/// Keeps a fault of `service` at `version` in `city` seen at `now`; true when it is the first
/// of this version (the one to tell), false when it only counts another.
pub async fn record(
    conn: &mut Conn,
    city: &str,
    service: &str,
    version: &str,
    kind: &str,
    message: &str,
    now: i64,
) -> CrmResult<bool> {
    let message: String = message.chars().take(1_000).collect();
    let first = db::execute(
        conn,
        "INSERT INTO service_faults (city, service, version, kind, message, first_at, last_at, count) \
         VALUES ($1, $2, $3, $4, $5, $6, $6, 1) ON CONFLICT (city, service, version) DO NOTHING",
        (city, service, version, kind, &message, now),
    )
    .await?
        == 1;
    if !first {
        db::execute(
            conn,
            "UPDATE service_faults SET kind = $1, message = $2, last_at = $3, count = count + 1 \
             WHERE city = $4 AND service = $5 AND version = $6",
            (kind, &message, now, city, service, version),
        )
        .await?;
    }
    Ok(first)
}

/// Whether a fault of `service` at `version` in `city` is kept already.
pub async fn known(conn: &mut Conn, city: &str, service: &str, version: &str) -> CrmResult<bool> {
    Ok(db::exists(
        conn,
        "SELECT 1 FROM service_faults WHERE city = $1 AND service = $2 AND version = $3",
        (city, service, version),
    )
    .await?)
}

/// The faults of `city`'s services at the versions they run now, latest first.
pub async fn current(conn: &mut Conn, city: &str) -> CrmResult<Vec<Fault>> {
    let faults = db::fetch_all(
        conn,
        "SELECT f.service, f.version, f.kind, f.message, f.first_at, f.last_at, f.count \
         FROM service_faults f JOIN installs i ON i.city = f.city AND i.code = f.service AND i.version = f.version \
         WHERE f.city = $1 ORDER BY f.last_at DESC",
        (city,),
    )
    .await?;
    Ok(faults)
}
