//! Installed services: which component a city runs for a service code, with its grants, config and limits.

use crate::db::Binds;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::grants::Grants;
use super::{CrmError, CrmResult};
use crate::db::{self, Conn};

/// The sandbox limits of one install.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// Wall-clock deadline of one call, in milliseconds.
    pub deadline_ms: u64,
    /// Cap on the plugin's linear memory, in bytes.
    pub memory_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            deadline_ms: 1_000,
            memory_bytes: 64 * 1024 * 1024,
        }
    }
}

/// What one install may create, so that no plugin can flood the host: per call, per day (the
/// last 24 hours) and in its store. Past a quota the plugin gets `limit-exceeded`; the defaults
/// suit a busy city service and an administrator may change them per install.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct Quotas {
    /// Cases one call may open.
    pub cases_per_call: u32,
    /// Messages one call may queue.
    pub messages_per_call: u32,
    /// Cases the service may open in a day, through its plugin and its citizens' requests.
    pub cases_per_day: u32,
    /// Messages the service may queue in a day.
    pub messages_per_day: u32,
    /// Bytes the service may keep in its store.
    pub store_bytes: u64,
    /// Bytes one call may write (store values, cases, notes and messages together).
    pub call_bytes: u64,
}

impl Default for Quotas {
    fn default() -> Quotas {
        Quotas {
            cases_per_call: 20,
            messages_per_call: 100,
            cases_per_day: 5_000,
            messages_per_day: 5_000,
            store_bytes: 32 * 1024 * 1024,
            call_bytes: 4 * 1024 * 1024,
        }
    }
}

impl Quotas {
    /// The most each quota may be set to: what one host can afford to give one install.
    pub const CEILING: Quotas = Quotas {
        cases_per_call: 1_000,
        messages_per_call: 10_000,
        cases_per_day: 1_000_000,
        messages_per_day: 1_000_000,
        store_bytes: 1024 * 1024 * 1024,
        call_bytes: 64 * 1024 * 1024,
    };

    /// These quotas with `changes` (`cases-per-call=5`, ...) applied; unknown names,
    /// non-numbers and numbers over the ceiling are refused.
    pub fn with(mut self, changes: &BTreeMap<String, String>) -> CrmResult<Quotas> {
        let ceiling = Quotas::CEILING;
        for (name, value) in changes {
            let number: u64 = value.trim().parse().map_err(|_| {
                CrmError::Invalid(format!("quota {name}: {value:?} is not a whole number"))
            })?;
            let most = match name.as_str() {
                "cases-per-call" => u64::from(ceiling.cases_per_call),
                "messages-per-call" => u64::from(ceiling.messages_per_call),
                "cases-per-day" => u64::from(ceiling.cases_per_day),
                "messages-per-day" => u64::from(ceiling.messages_per_day),
                "store-bytes" => ceiling.store_bytes,
                "call-bytes" => ceiling.call_bytes,
                _ => u64::MAX,
            };
            if number > most {
                return Err(CrmError::Invalid(format!("quota {name} is at most {most}")));
            }
            let small = || Ok::<u32, CrmError>(number as u32);
            match name.as_str() {
                "cases-per-call" => self.cases_per_call = small()?,
                "messages-per-call" => self.messages_per_call = small()?,
                "cases-per-day" => self.cases_per_day = small()?,
                "messages-per-day" => self.messages_per_day = small()?,
                "store-bytes" => self.store_bytes = number,
                "call-bytes" => self.call_bytes = number,
                _ => {
                    return Err(CrmError::Invalid(format!(
                        "unknown quota {name:?}: cases-per-call, messages-per-call, cases-per-day, \
                         messages-per-day, store-bytes or call-bytes"
                    )));
                }
            }
        }
        Ok(self)
    }
}

/// One service installed in one city.
#[derive(Clone, Debug, Serialize)]
pub struct Install {
    pub id: i64,
    pub city: String,
    /// The service code the plugin describes itself with.
    pub code: String,
    /// The plugin's package name; its store entries are kept under it.
    pub plugin: String,
    pub version: String,
    pub digest: String,
    #[serde(serialize_with = "serialize_grants")]
    pub grants: Grants,
    pub config: BTreeMap<String, String>,
    pub limits: Limits,
    pub installed_at: i64,
    /// Whether citizens without an account may submit.
    pub anonymous: bool,
    pub quotas: Quotas,
    /// Whether its requests may be shown to the public.
    pub public: bool,
    /// Form fields whose answers stay private on a public request.
    pub private_fields: Vec<String>,
    /// The version a rollback goes back to, if there was an earlier one.
    pub previous_version: Option<String>,
    /// The origins the city approved for its requests (capability `http`).
    pub hosts: Vec<String>,
}

fn serialize_grants<S: serde::Serializer>(grants: &Grants, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(grants.iter().map(|c| c.name()))
}

/// What an administrator asks to install.
#[derive(Clone, Debug)]
pub struct NewInstall {
    pub city: String,
    pub code: String,
    pub plugin: String,
    pub version: String,
    pub digest: String,
    pub grants: Grants,
    pub config: BTreeMap<String, String>,
    pub limits: Limits,
    pub quotas: Quotas,
    pub public: bool,
    pub private_fields: Vec<String>,
    /// The origins approved for its requests (capability `http`).
    pub hosts: Vec<String>,
}

/// The columns an install is read from. A filing kept in memory trusts the triggers of
/// `cities.filings_changed` to see a change to any of them (migration 0036): a column added here
/// is added to those triggers too.
pub const COLUMNS: &str = "id, city, code, plugin, version, digest, grants, config, deadline_ms, memory_bytes, installed_at, anonymous, quotas, public, private_fields, previous_version, hosts";

fn from_row(row: &AnyRow) -> CrmResult<Install> {
    let grants: String = row.try_get("grants")?;
    let config: String = row.try_get("config")?;
    Ok(Install {
        id: row.try_get("id")?,
        city: row.try_get("city")?,
        code: row.try_get("code")?,
        plugin: row.try_get("plugin")?,
        version: row.try_get("version")?,
        digest: row.try_get("digest")?,
        grants: Grants::parse(&grants).map_err(CrmError::Invalid)?,
        config: serde_json::from_str(&config).map_err(|e| CrmError::Invalid(e.to_string()))?,
        limits: Limits {
            deadline_ms: row.try_get::<i64, _>("deadline_ms")? as u64,
            memory_bytes: row.try_get::<i64, _>("memory_bytes")? as u64,
        },
        installed_at: row.try_get("installed_at")?,
        anonymous: row.try_get::<i64, _>("anonymous")? != 0,
        quotas: serde_json::from_str(&row.try_get::<String, _>("quotas")?)
            .map_err(|e| CrmError::Invalid(format!("stored quotas are unreadable: {e}")))?,
        public: row.try_get::<i64, _>("public")? != 0,
        private_fields: serde_json::from_str(&row.try_get::<String, _>("private_fields")?)
            .map_err(|e| CrmError::Invalid(format!("stored private fields are unreadable: {e}")))?,
        previous_version: row.try_get("previous_version")?,
        hosts: serde_json::from_str(&row.try_get::<String, _>("hosts")?)
            .map_err(|e| CrmError::Invalid(format!("stored hosts are unreadable: {e}")))?,
    })
}

/// Records an install; the service code must be free in that city.
pub async fn create(conn: &mut Conn, new: NewInstall) -> CrmResult<Install> {
    let config = serde_json::to_string(&new.config).expect("a string map always serializes");
    let installed_at = db::now();
    let row = sqlx::query(
        "INSERT INTO installs (city, code, plugin, version, digest, grants, config, deadline_ms, memory_bytes, installed_at, quotas, public, private_fields, hosts) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .binds((
        &new.city,
        &new.code,
        &new.plugin,
        &new.version,
        &new.digest,
        new.grants.to_string(),
        config,
        new.limits.deadline_ms as i64,
        new.limits.memory_bytes as i64,
        installed_at,
        serde_json::to_string(&new.quotas).expect("quotas serialize"),
        new.public as i64,
        serde_json::to_string(&new.private_fields).expect("a string list serializes"),
        serde_json::to_string(&new.hosts).expect("a string list serializes"),
    ))
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| {
        if db::is_unique_violation(&e) {
            CrmError::Conflict(format!("service {:?} is already installed in city {:?}", new.code, new.city))
        } else {
            e.into()
        }
    })?;
    Ok(Install {
        id: row.try_get(0)?,
        city: new.city,
        code: new.code,
        plugin: new.plugin,
        version: new.version,
        digest: new.digest,
        grants: new.grants,
        config: new.config,
        limits: new.limits,
        installed_at,
        anonymous: true,
        quotas: new.quotas,
        public: new.public,
        private_fields: new.private_fields,
        previous_version: None,
        hosts: new.hosts,
    })
}

/// The install of service `code` in `city`.
pub async fn get(conn: &mut Conn, city: &str, code: &str) -> CrmResult<Install> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM installs WHERE city = $1 AND code = $2"
    ))
    .binds((city, code))
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| CrmError::NotFound(format!("service {code:?} in city {city:?}")))?;
    from_row(&row)
}

/// What filing a request to service `code` of `city` needs to know besides the install, read
/// with it in one statement: where the city moved (if it did), the department its routing sends
/// a request of `category` to, whether the city has a webhook, and whether request number `id`
/// is an old number of a request the city brought from another host.
#[derive(Clone, Debug)]
pub struct Filing {
    pub install: Install,
    pub moved_to: Option<String>,
    pub routed: Option<String>,
    pub has_webhook: bool,
    pub id_taken: bool,
    /// The city's count of changes to its filings (`cities.filings_changed`, moved by triggers
    /// on every change to its installs, routing, webhook and move) when this was read: a request
    /// filed with a filing read earlier is stored only if the count is still the same
    /// (`cases::create_if_filing_unchanged`).
    pub generation: i64,
}

/// The install of service `code` in `city` with what filing a request to it needs (see
/// [`Filing`]); `None` when there is no such install (or no such city).
pub async fn for_filing(
    conn: &mut Conn,
    city: &str,
    code: &str,
    category: Option<&str>,
    id: i64,
) -> CrmResult<Option<Filing>> {
    let routed = super::departments::ROUTED;
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS},
            (SELECT moved_to FROM cities WHERE slug = $1) AS moved_to,
            (SELECT filings_changed FROM cities WHERE slug = $1) AS generation,
            ({routed}) AS routed,
            CAST(CASE WHEN EXISTS (SELECT 1 FROM city_delivery WHERE city = $1
                AND webhook_url IS NOT NULL) THEN 1 ELSE 0 END AS BIGINT) AS has_webhook,
            CAST(CASE WHEN EXISTS (SELECT 1 FROM case_aliases WHERE city = $1
                AND old_id = $4) THEN 1 ELSE 0 END AS BIGINT) AS id_taken
         FROM installs WHERE city = $1 AND code = $2"
    ))
    .binds((city, code, category.unwrap_or_default(), id))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(Filing {
        install: from_row(&row)?,
        moved_to: row.try_get("moved_to")?,
        routed: row.try_get("routed")?,
        has_webhook: row.try_get::<i64, _>("has_webhook")? != 0,
        id_taken: row.try_get::<i64, _>("id_taken")? != 0,
        generation: row.try_get("generation")?,
    }))
}

/// Whether `city`'s filings are still as they were when its count of changes to them was
/// `generation` (see [`Filing`]).
pub async fn filing_unchanged(conn: &mut Conn, city: &str, generation: i64) -> CrmResult<bool> {
    const SQL: &str = "SELECT 1 FROM cities WHERE slug = $1 AND filings_changed = $2";
    Ok(db::exists(conn, SQL, (city, generation)).await?)
}

/// Every install of a city, by service code.
pub async fn list(conn: &mut Conn, city: &str) -> CrmResult<Vec<Install>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM installs WHERE city = $1 ORDER BY code"
    ))
    .bind(city)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Every install of every city (for the scheduler and for warming the engine at start).
pub async fn list_all(conn: &mut Conn) -> CrmResult<Vec<Install>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM installs ORDER BY city, code"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Claims up to `limit` installs whose scheduled tick is due at `now`, moving their next tick to
/// `next`: each is claimed once, whichever node asks (the outer condition is checked again on the
/// row itself when another transaction moved it first).
pub async fn claim_due(
    conn: &mut Conn,
    now: i64,
    next: i64,
    limit: i64,
) -> CrmResult<Vec<Install>> {
    let rows = sqlx::query(&format!(
        "UPDATE installs SET next_tick_at = $2 WHERE next_tick_at <= $1 AND id IN \
         (SELECT id FROM installs WHERE next_tick_at <= $1 AND city NOT IN (SELECT slug FROM cities WHERE moved_to IS NOT NULL) ORDER BY next_tick_at, id LIMIT $3) \
         RETURNING {COLUMNS}"
    ))
    .binds((now, next, limit))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The digests of the components installed anywhere.
pub async fn digests_in_use(conn: &mut Conn) -> CrmResult<Vec<String>> {
    let rows = sqlx::query("SELECT DISTINCT digest FROM installs")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| row.try_get(0).map_err(Into::into))
        .collect()
}

/// Sets whether citizens without an account may submit to service `code` of `city`.
pub async fn set_anonymous(
    conn: &mut Conn,
    city: &str,
    code: &str,
    anonymous: bool,
) -> CrmResult<Install> {
    get(conn, city, code).await?;
    db::execute(
        conn,
        "UPDATE installs SET anonymous = $1 WHERE city = $2 AND code = $3",
        (anonymous as i64, city, code),
    )
    .await?;
    get(conn, city, code).await
}

/// Makes the requests of service `code` of `city` public or private, those filed already too.
pub async fn set_public(
    conn: &mut Conn,
    city: &str,
    code: &str,
    public: bool,
) -> CrmResult<Install> {
    get(conn, city, code).await?;
    db::execute(
        conn,
        "UPDATE installs SET public = $1 WHERE city = $2 AND code = $3",
        (public as i64, city, code),
    )
    .await?;
    db::execute(
        conn,
        "UPDATE cases SET public = $1 WHERE city = $2 AND service = $3",
        (public as i64, city, code),
    )
    .await?;
    get(conn, city, code).await
}

/// Sets the quotas of service `code` of `city`.
pub async fn set_quotas(
    conn: &mut Conn,
    city: &str,
    code: &str,
    quotas: &Quotas,
) -> CrmResult<Install> {
    get(conn, city, code).await?;
    db::execute(
        conn,
        "UPDATE installs SET quotas = $1 WHERE city = $2 AND code = $3",
        (
            serde_json::to_string(quotas).expect("quotas serialize"),
            city,
            code,
        ),
    )
    .await?;
    get(conn, city, code).await
}

/// The install of plugin `plugin` in `city`.
pub async fn get_by_plugin(conn: &mut Conn, city: &str, plugin: &str) -> CrmResult<Install> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM installs WHERE city = $1 AND plugin = $2"
    ))
    .binds((city, plugin))
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| CrmError::NotFound(format!("{plugin:?} installed in city {city:?}")))?;
    from_row(&row)
}

/// Where an install came from: the registry's URL and the publisher whose key signed it.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    pub source: String,
    pub publisher: String,
    pub publisher_key: String,
}

/// Records where an install came from.
pub async fn set_origin(conn: &mut Conn, id: i64, origin: &Origin) -> CrmResult<()> {
    db::execute(
        conn,
        "UPDATE installs SET source = $1, publisher = $2, publisher_key = $3 WHERE id = $4",
        (&origin.source, &origin.publisher, &origin.publisher_key, id),
    )
    .await?;
    Ok(())
}

/// Where an install came from, if from a registry.
pub async fn origin(conn: &mut Conn, id: i64) -> CrmResult<Option<Origin>> {
    let row = sqlx::query("SELECT source, publisher, publisher_key FROM installs WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let (source, publisher, publisher_key): (Option<String>, Option<String>, Option<String>) =
        (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    Ok(match (source, publisher, publisher_key) {
        (Some(source), Some(publisher), Some(publisher_key)) => Some(Origin {
            source,
            publisher,
            publisher_key,
        }),
        _ => None,
    })
}

/// Switches an install to another component in one statement, keeping what it ran as the
/// previous version. Its id, service code, cases and store entries stay.
pub async fn switch(
    conn: &mut Conn,
    current: &Install,
    digest: &str,
    version: &str,
    grants: &Grants,
    config: &BTreeMap<String, String>,
    hosts: &[String],
) -> CrmResult<Install> {
    let config = serde_json::to_string(config).expect("a string map always serializes");
    let hosts = serde_json::to_string(hosts).expect("a string list serializes");
    // Only from the version the upgrade was decided on: an upgrade or a rollback that committed
    // while this one compiled is not overwritten.
    let changed = db::execute(
        conn,
        "UPDATE installs SET previous_digest = digest, previous_version = version, previous_grants = grants, previous_config = config, previous_hosts = hosts, \
         digest = $1, version = $2, grants = $3, config = $4, hosts = $9 WHERE id = $5 AND digest = $6 AND version = $7 AND grants = $8",
        (
            digest,
            version,
            grants.to_string(),
            config,
            current.id,
            &current.digest,
            &current.version,
            current.grants.to_string(),
            hosts,
        ),
    )
    .await?;
    if changed == 0 {
        return Err(CrmError::Conflict(format!(
            "{} changed while the new version was prepared (another upgrade, a rollback or new grants); look at it again and upgrade again",
            current.code
        )));
    }
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM installs WHERE id = $1"))
        .bind(current.id)
        .fetch_one(&mut *conn)
        .await?;
    from_row(&row)
}

/// Swaps an install back to the version it ran before, in one statement.
pub async fn roll_back(conn: &mut Conn, id: i64) -> CrmResult<Install> {
    let changed = db::execute(
        conn,
        "UPDATE installs SET digest = previous_digest, version = previous_version, grants = previous_grants, config = previous_config, hosts = COALESCE(previous_hosts, '[]'), \
         previous_digest = digest, previous_version = version, previous_grants = grants, previous_config = config, previous_hosts = hosts \
         WHERE id = $1 AND previous_digest IS NOT NULL",
        (id,),
    )
    .await?;
    if changed == 0 {
        return Err(CrmError::Invalid(
            "there is no previous version to roll back to".into(),
        ));
    }
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM installs WHERE id = $1"))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    from_row(&row)
}

/// Removes an install; its cases stay with the city.
pub async fn remove(conn: &mut Conn, id: i64) -> CrmResult<()> {
    db::execute(conn, "DELETE FROM installs WHERE id = $1", (id,)).await?;
    Ok(())
}

/// How many installed services in all cities there are.
pub async fn count(conn: &mut Conn) -> CrmResult<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM installs")
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get("n")?)
}
