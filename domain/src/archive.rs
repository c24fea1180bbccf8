//! A city's rows, table by table, as they leave the store for an archive: every table that holds
//! a city's data, its columns and their kinds, read the same way from SQLite and PostgreSQL.
//!
//! Left out on purpose: sessions and API keys (`tokens`, reissued by the city after a move), the
//! host's own tables (`host_keys`, `id_blocks`), and the short-lived counters of abuse control
//! (sign-in failures, contact codes, pending verification codes, inbound messages seen); and a
//! case's `secret_alone`, 1 again for every request brought along: an older secret is found by
//! its hash alone, one that names its request by its number (through the city's aliases).

use crate::db::Binds;
use base64::Engine;
use serde_json::{Map, Value, json};
use sqlx::Row;

use super::{CrmError, CrmResult};
use crate::db::Conn;

/// How a column's values are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Integer,
    Text,
    Real,
    /// Bytes, written as base64 in an archive.
    Bytes,
}

use Kind::{Bytes as B, Integer as I, Real as R, Text as T};

/// One table of a city's data.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    /// The column naming the city (`slug` in `cities`).
    pub city_column: &'static str,
    pub columns: &'static [(&'static str, Kind)],
    /// The order rows are written in (their key), so that an archive of the same data is the same.
    pub order: &'static str,
    /// Columns that hold secrets: written only when asked for.
    pub secrets: &'static [&'static str],
}

const fn table(
    name: &'static str,
    city_column: &'static str,
    columns: &'static [(&'static str, Kind)],
    order: &'static str,
) -> Table {
    Table {
        name,
        city_column,
        columns,
        order,
        secrets: &[],
    }
}

/// Every table of a city's data, parents before the rows that name them.
pub const TABLES: &[Table] = &[
    table(
        "cities",
        "slug",
        &[
            ("slug", T),
            ("name", T),
            ("created_at", I),
            ("reopen_days", I),
            ("domain", T),
            ("messages_per_day", I),
            ("public_location", I),
            ("map_tiles", T),
            ("map_latitude", R),
            ("map_longitude", R),
            ("map_zoom", I),
            ("quiet_start", I),
            ("quiet_end", I),
            ("utc_offset_minutes", I),
            ("colour", T),
            ("crest_at", I),
            ("time_zone", T),
        ],
        "slug",
    ),
    table("city_crests", "city", &[("city", T), ("png", B)], "city"),
    Table {
        name: "city_delivery",
        city_column: "city",
        columns: &[
            ("city", T),
            ("email_from", T),
            ("reply_to", T),
            ("sms_url", T),
            ("sms_secret", T),
            ("inbound_secret", T),
            ("webhook_url", T),
            ("webhook_secret", T),
        ],
        order: "city",
        secrets: &["sms_secret", "inbound_secret", "webhook_secret"],
    },
    table(
        "departments",
        "city",
        &[("city", T), ("code", T), ("name", T)],
        "code",
    ),
    table(
        "routes",
        "city",
        &[
            ("city", T),
            ("service", T),
            ("category", T),
            ("department", T),
        ],
        "service, category",
    ),
    table(
        "users",
        "city",
        &[
            ("id", I),
            ("city", T),
            ("role", T),
            ("name", T),
            ("email", T),
            ("phone", T),
            ("password_hash", T),
            ("channel", T),
            ("language", T),
            ("consent", I),
            ("department", T),
            ("created_at", I),
            ("erased_at", I),
            ("email_verified_at", I),
            ("phone_verified_at", I),
        ],
        "id",
    ),
    table(
        "unsubscribes",
        "city",
        &[("city", T), ("contact", T), ("at", I)],
        "contact",
    ),
    table(
        "organisations",
        "city",
        &[
            ("id", I),
            ("city", T),
            ("name", T),
            ("kind", T),
            ("created_at", I),
            ("erased_at", I),
        ],
        "id",
    ),
    table(
        "organisation_members",
        "city",
        &[
            ("organisation_id", I),
            ("city", T),
            ("user_id", I),
            ("role", T),
            ("added_at", I),
        ],
        "organisation_id, user_id",
    ),
    table(
        "organisation_invitations",
        "city",
        &[
            ("city", T),
            ("organisation_id", I),
            ("email", T),
            ("invited_at", I),
        ],
        "organisation_id, email",
    ),
    table(
        "installs",
        "city",
        &[
            ("id", I),
            ("city", T),
            ("code", T),
            ("plugin", T),
            ("version", T),
            ("digest", T),
            ("grants", T),
            ("config", T),
            ("deadline_ms", I),
            ("memory_bytes", I),
            ("installed_at", I),
            ("anonymous", I),
            ("source", T),
            ("previous_digest", T),
            ("previous_version", T),
            ("previous_grants", T),
            ("previous_config", T),
            ("publisher", T),
            ("publisher_key", T),
            ("quotas", T),
            ("public", I),
            ("private_fields", T),
            ("next_tick_at", I),
            ("hosts", T),
            ("previous_hosts", T),
        ],
        "id",
    ),
    table(
        "kv",
        "city",
        &[
            ("city", T),
            ("plugin", T),
            ("key", T),
            ("value", B),
            ("updated_at", I),
        ],
        "plugin, key",
    ),
    table(
        "kv_usage",
        "city",
        &[("city", T), ("plugin", T), ("entries", I), ("bytes", I)],
        "plugin",
    ),
    table(
        "cases",
        "city",
        &[
            ("id", I),
            ("city", T),
            ("service", T),
            ("kind", T),
            ("status", T),
            ("title", T),
            ("description", T),
            ("priority", T),
            ("department", T),
            ("latitude", R),
            ("longitude", R),
            ("address", T),
            ("contact", T),
            ("fields", T),
            ("notice", T),
            ("reference", T),
            ("language", T),
            ("due_at", I),
            ("created_at", I),
            ("updated_at", I),
            ("citizen_id", I),
            ("assignee_id", I),
            ("duplicate_of", I),
            ("resolved_at", I),
            ("by_service", I),
            ("public", I),
            ("hidden_fields", T),
            ("secret_hash", T),
            ("escalated_at", I),
        ],
        "id",
    ),
    table(
        "case_history",
        "city",
        &[
            ("id", I),
            ("city", T),
            ("case_id", I),
            ("at", I),
            ("actor", T),
            ("from_status", T),
            ("to_status", T),
            ("note", T),
        ],
        "id",
    ),
    table(
        "case_messages",
        "city",
        &[
            ("id", I),
            ("city", T),
            ("case_id", I),
            ("author_id", I),
            ("author_role", T),
            ("body", T),
            ("internal", I),
            ("at", I),
            ("case_status", T),
        ],
        "id",
    ),
    table(
        "case_notes",
        "city",
        &[
            ("id", I),
            ("city", T),
            ("case_id", I),
            ("at", I),
            ("author", T),
            ("body", T),
        ],
        "id",
    ),
    table(
        "ratings",
        "city",
        &[
            ("city", T),
            ("case_id", I),
            ("score", I),
            ("comment", T),
            ("rated_at", I),
        ],
        "case_id",
    ),
    table(
        "photos",
        "city",
        &[
            ("city", T),
            ("case_id", I),
            ("n", I),
            ("content_type", T),
            ("bytes", B),
            ("thumbnail", B),
            ("width", I),
            ("height", I),
            ("added_at", I),
        ],
        "case_id, n",
    ),
    table(
        "organisation_cases",
        "city",
        &[("city", T), ("case_id", I), ("organisation_id", I)],
        "case_id",
    ),
    table(
        "follows",
        "city",
        &[
            ("id", I),
            ("city", T),
            ("user_id", I),
            ("case_id", I),
            ("latitude", R),
            ("longitude", R),
            ("radius_m", I),
            ("created_at", I),
            ("last_digest_at", I),
        ],
        "id",
    ),
    table(
        "outbox",
        "city",
        &[
            ("id", I),
            ("city", T),
            ("service", T),
            ("case_id", I),
            ("recipient", T),
            ("channel", T),
            ("subject", T),
            ("body", T),
            ("status", T),
            ("created_at", I),
            ("attempts", I),
            ("next_attempt_at", I),
            ("claimed_until", I),
            ("sent_at", I),
            ("last_error", T),
        ],
        "id",
    ),
    table(
        "pending_erasures",
        "city",
        &[
            ("city", T),
            ("install_code", T),
            ("user_id", I),
            ("subject", T),
            ("attempts", I),
            ("next_at", I),
            ("last_error", T),
        ],
        "install_code, user_id",
    ),
    table(
        "audit",
        "city",
        &[
            ("id", I),
            ("city", T),
            ("actor_id", I),
            ("actor_role", T),
            ("action", T),
            ("object", T),
            ("before", T),
            ("after", T),
            ("at", I),
        ],
        "id",
    ),
    table(
        "case_aliases",
        "city",
        &[("city", T), ("old_id", I), ("case_id", I)],
        "old_id",
    ),
    table(
        "articles",
        "city",
        &[
            ("id", I),
            ("city", T),
            ("status", T),
            ("tags", T),
            ("services", T),
            ("known_issue", I),
            ("until_at", I),
            ("created_at", I),
            ("updated_at", I),
        ],
        "id",
    ),
    // Its search index is the store's own (rebuilt on import where the store keeps one apart).
    table(
        "article_texts",
        "city",
        &[
            ("article_id", I),
            ("city", T),
            ("language", T),
            ("title", T),
            ("body", T),
            ("terms", T),
        ],
        "article_id, language",
    ),
];

/// The table named `name`.
pub fn table_named(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

/// Writes `row` (an object of `table`'s columns, as `rows` reads them) into `table`, without the
/// columns in `omit` (ids the store hands out) and those the row lacks (an archive from before
/// they existed: they take their defaults); the id the store gave the row when `returning`.
pub async fn insert(
    conn: &mut Conn,
    table: &Table,
    row: &Map<String, Value>,
    omit: &[&str],
    returning: bool,
) -> CrmResult<Option<i64>> {
    let columns: Vec<&(&str, Kind)> = table
        .columns
        .iter()
        .filter(|(name, _)| !omit.contains(name) && row.contains_key(*name))
        .collect();
    let mut sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        table.name,
        columns
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join(", "),
        (1..=columns.len())
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if returning {
        sql.push_str(" RETURNING id");
    }
    let mut query = sqlx::query(&sql);
    for (name, kind) in columns {
        let value = row.get(*name).unwrap_or(&Value::Null);
        let wrong = || {
            CrmError::Invalid(format!(
                "{}.{name}: {value} is not a {kind:?} value",
                table.name
            ))
        };
        query = match (kind, value) {
            (_, Value::Null) => match kind {
                Kind::Integer => query.bind(None::<i64>),
                Kind::Real => query.bind(None::<f64>),
                Kind::Text => query.bind(None::<String>),
                Kind::Bytes => query.bind(None::<Vec<u8>>),
            },
            (Kind::Integer, v) => query.bind(v.as_i64().ok_or_else(wrong)?),
            (Kind::Real, v) => query.bind(v.as_f64().ok_or_else(wrong)?),
            (Kind::Text, v) => query.bind(v.as_str().ok_or_else(wrong)?.to_string()),
            (Kind::Bytes, v) => query.bind(
                base64::engine::general_purpose::STANDARD
                    .decode(v.as_str().ok_or_else(wrong)?)
                    .map_err(|_| wrong())?,
            ),
        };
    }
    if returning {
        let row = query.fetch_one(&mut *conn).await?;
        Ok(Some(row.try_get::<i64, _>(0)?))
    } else {
        query.execute(&mut *conn).await?;
        Ok(None)
    }
}

/// Takes `count` ids of `sequence` (`cases` or `outbox`) for rows written now, none below
/// `at_least`: the first of them.
pub async fn take_ids(
    conn: &mut Conn,
    sequence: &str,
    count: i64,
    at_least: i64,
) -> CrmResult<i64> {
    let row = sqlx::query(
        "UPDATE id_blocks SET next = (CASE WHEN next > $1 THEN next ELSE $1 END) + $2 \
         WHERE name = $3 RETURNING next",
    )
    .binds((at_least, count, sequence))
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get::<i64, _>(0)? - count)
}

/// The rows of `table` that belong to `city`, in the table's order, each an object of its
/// columns (bytes as base64); a secret column is `null` unless `with_secrets`.
pub async fn rows(
    conn: &mut Conn,
    table: &Table,
    city: &str,
    with_secrets: bool,
) -> CrmResult<Vec<Value>> {
    let names: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
    let sql = format!(
        "SELECT {} FROM {} WHERE {} = $1 ORDER BY {}",
        names.join(", "),
        table.name,
        table.city_column,
        table.order
    );
    let found = sqlx::query(&sql).bind(city).fetch_all(&mut *conn).await?;
    let mut out = Vec::with_capacity(found.len());
    for row in found {
        let mut object = Map::new();
        for (i, (name, kind)) in table.columns.iter().enumerate() {
            let value = if table.secrets.contains(name) && !with_secrets {
                Value::Null
            } else {
                value(&row, i, *kind)?
            };
            object.insert((*name).to_string(), value);
        }
        out.push(Value::Object(object));
    }
    Ok(out)
}

/// Column `i` of `row` as JSON: a number, a text, base64 for bytes, or `null`.
fn value(row: &sqlx::any::AnyRow, i: usize, kind: Kind) -> CrmResult<Value> {
    Ok(match kind {
        Kind::Integer => match row.try_get::<Option<i64>, _>(i) {
            Ok(v) => json!(v),
            Err(_) => json!(row.try_get::<Option<i32>, _>(i)?),
        },
        Kind::Real => match row.try_get::<Option<f64>, _>(i) {
            Ok(v) => json!(v),
            Err(_) => json!(row.try_get::<Option<f32>, _>(i)?),
        },
        Kind::Text => json!(row.try_get::<Option<String>, _>(i)?),
        Kind::Bytes => json!(
            row.try_get::<Option<Vec<u8>>, _>(i)?
                .map(|b| base64::engine::general_purpose::STANDARD.encode(b))
        ),
    })
}

/// The labels of the city's API keys, which an archive does not carry: the city reissues them.
pub async fn api_key_labels(conn: &mut Conn, city: &str) -> CrmResult<Vec<String>> {
    let rows = sqlx::query(
        "SELECT label FROM tokens WHERE city = $1 AND kind = 'api' AND revoked_at IS NULL ORDER BY created_at",
    )
    .bind(city)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| Ok(row.try_get::<Option<String>, _>(0)?.unwrap_or_default()))
        .collect()
}
