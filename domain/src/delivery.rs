//! Delivering the outbox: claiming due messages (one dispatcher at a time per message, across
//! processes), recording each attempt's outcome, the cities' delivery settings, and the contacts
//! that unsubscribed from unprompted messages.

use super::outbox::Message;
use super::{CrmError, CrmResult};
use crate::db::Binds;
use crate::db::{self, Conn};

/// How a city's messages leave.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct CityDelivery {
    /// The e-mail sender (`Rivertown <noreply@rivertown.example>`); the host's default when unset.
    pub email_from: Option<String>,
    /// Where replies to its e-mails go.
    pub reply_to: Option<String>,
    /// Its SMS gateway, reached by a signed webhook.
    pub sms_url: Option<String>,
    /// The secret the gateway checks the signature with (never shown back).
    #[serde(skip_serializing)]
    pub sms_secret: Option<String>,
    /// The secret the city's mail provider signs forwarded replies with (never shown back).
    #[serde(skip_serializing)]
    pub inbound_secret: Option<String>,
    /// The city's own systems, told of its requests' events by a signed webhook.
    pub webhook_url: Option<String>,
    /// The secret those systems check the signature with (never shown back).
    #[serde(skip_serializing)]
    pub webhook_secret: Option<String>,
}

/// What happened to one attempt.
pub enum Outcome {
    Sent,
    /// Failed; try again at `retry_at`, unless the attempts are spent.
    Failed {
        error: String,
        retry_at: i64,
    },
    /// Failed for good: dead, with the reason.
    Dead(String),
    /// Not sent: the recipient unsubscribed from unprompted messages.
    Suppressed,
    /// Not tried now (the city's quiet hours): due again at the given time, no attempt counted.
    Deferred(i64),
}

const COLUMNS: &str =
    "id, city, service, case_id, recipient, channel, subject, body, status, created_at";

/// Claims up to `limit` messages due at `now` for `lease` seconds: no other dispatcher takes them
/// until they are settled or the lease runs out (a dispatcher that died mid-send).
pub async fn claim(conn: &mut Conn, now: i64, lease: i64, limit: i64) -> CrmResult<Vec<Message>> {
    let rows = sqlx::query(&format!(
        "UPDATE outbox SET claimed_until = $1 WHERE id IN (\
            SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2 AND claimed_until <= $2 \
            AND city NOT IN (SELECT slug FROM cities WHERE moved_to IS NOT NULL) \
            ORDER BY next_attempt_at, id LIMIT $3) \
         AND status = 'pending' AND claimed_until <= $2 RETURNING {COLUMNS}"
    ))
    .binds((now + lease, now, limit))
    .fetch_all(&mut *conn)
    .await?;
    let mut claimed: Vec<Message> = rows
        .iter()
        .map(super::outbox::from_row)
        .collect::<CrmResult<_>>()?;
    claimed.sort_by_key(|m| m.id);
    Ok(claimed)
}

/// Records the outcome of an attempt at message `id` (claimed by the caller).
pub async fn settle(conn: &mut Conn, id: i64, outcome: &Outcome, now: i64) -> CrmResult<()> {
    let query = match outcome {
        Outcome::Sent => sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $2, attempts = attempts + 1, claimed_until = 0 WHERE id = $1",
        )
        .bind(id)
        .bind(now),
        Outcome::Failed { error, retry_at } => sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3, claimed_until = 0 WHERE id = $1",
        )
        .binds((id, *retry_at))
        .bind(error.clone()),
        Outcome::Dead(error) => sqlx::query(
            "UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = $2, claimed_until = 0 WHERE id = $1",
        )
        .bind(id)
        .bind(error.clone()),
        Outcome::Deferred(until) => sqlx::query(
            "UPDATE outbox SET next_attempt_at = $2, claimed_until = 0 WHERE id = $1",
        )
        .bind(id)
        .bind(*until),
        Outcome::Suppressed => sqlx::query(
            "UPDATE outbox SET status = 'suppressed', last_error = 'unsubscribed', claimed_until = 0 WHERE id = $1",
        )
        .bind(id),
    };
    query.execute(&mut *conn).await?;
    Ok(())
}

/// How many attempts message `id` has had, and its last error.
pub async fn attempts(conn: &mut Conn, id: i64) -> CrmResult<(i64, Option<String>)> {
    db::fetch_optional(
        conn,
        "SELECT attempts, last_error FROM outbox WHERE id = $1",
        (id,),
    )
    .await?
    .ok_or_else(|| CrmError::NotFound(format!("message {id}")))
}

/// A city's delivery settings (all unset when it set none).
pub async fn settings(conn: &mut Conn, city: &str) -> CrmResult<CityDelivery> {
    let settings = db::fetch_optional(
        conn,
        "SELECT email_from, reply_to, sms_url, sms_secret, inbound_secret, webhook_url, webhook_secret FROM city_delivery WHERE city = $1",
        (city,),
    )
    .await?;
    Ok(settings.unwrap_or_default())
}

/// Sets a city's delivery settings.
pub async fn set_settings(conn: &mut Conn, city: &str, settings: &CityDelivery) -> CrmResult<()> {
    for (name, secret) in [
        ("sms_secret", &settings.sms_secret),
        ("inbound_secret", &settings.inbound_secret),
        ("webhook_secret", &settings.webhook_secret),
    ] {
        if secret.as_deref().is_some_and(|s| s.chars().count() < 16) {
            return Err(CrmError::Invalid(format!(
                "{name} is at least 16 characters"
            )));
        }
    }
    if let Some(url) = &settings.sms_url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Err(CrmError::Invalid(
            "the SMS gateway is an http(s) URL".into(),
        ));
    }
    if settings.sms_url.is_some() && settings.sms_secret.as_deref().is_none_or(|s| s.len() < 16) {
        return Err(CrmError::Invalid(
            "an SMS gateway needs a secret of at least 16 characters".into(),
        ));
    }
    if let Some(url) = &settings.webhook_url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Err(CrmError::Invalid(
            "the city's webhook is an http(s) URL".into(),
        ));
    }
    if settings.webhook_url.is_some()
        && settings
            .webhook_secret
            .as_deref()
            .is_none_or(|s| s.len() < 16)
    {
        return Err(CrmError::Invalid(
            "a webhook needs a secret of at least 16 characters".into(),
        ));
    }
    if settings
        .inbound_secret
        .as_deref()
        .is_some_and(|s| s.len() < 16)
    {
        return Err(CrmError::Invalid(
            "the inbound secret is at least 16 characters".into(),
        ));
    }
    db::execute(
        conn,
        "INSERT INTO city_delivery (city, email_from, reply_to, sms_url, sms_secret, inbound_secret, webhook_url, webhook_secret) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (city) DO UPDATE SET email_from = excluded.email_from, reply_to = excluded.reply_to, \
         sms_url = excluded.sms_url, sms_secret = excluded.sms_secret, inbound_secret = excluded.inbound_secret, \
         webhook_url = excluded.webhook_url, webhook_secret = excluded.webhook_secret",
        (
            city,
            &settings.email_from,
            &settings.reply_to,
            &settings.sms_url,
            &settings.sms_secret,
            &settings.inbound_secret,
            &settings.webhook_url,
            &settings.webhook_secret,
        ),
    )
    .await?;
    Ok(())
}

/// Records that `contact` wants no more unprompted messages from `city`.
pub async fn unsubscribe(conn: &mut Conn, city: &str, contact: &str, now: i64) -> CrmResult<()> {
    db::execute(
        conn,
        "INSERT INTO unsubscribes (city, contact, at) VALUES ($1, $2, $3) ON CONFLICT (city, contact) DO NOTHING",
        (city, contact, now),
    )
    .await?;
    Ok(())
}

/// Whether `contact` unsubscribed from `city`'s unprompted messages.
pub async fn unsubscribed(conn: &mut Conn, city: &str, contact: &str) -> CrmResult<bool> {
    Ok(db::exists(
        conn,
        "SELECT 1 AS found FROM unsubscribes WHERE city = $1 AND contact = $2",
        (city, contact),
    )
    .await?)
}

/// The outbox's messages by status, in every city.
pub async fn count_by_status(conn: &mut Conn) -> CrmResult<Vec<(String, i64)>> {
    let counts =
        sqlx::query_as("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status ORDER BY status")
            .fetch_all(&mut *conn)
            .await?;
    Ok(counts)
}

/// Whether `city` has a webhook for its own systems.
pub async fn has_webhook(conn: &mut Conn, city: &str) -> CrmResult<bool> {
    Ok(db::exists(
        conn,
        "SELECT 1 AS found FROM city_delivery WHERE city = $1 AND webhook_url IS NOT NULL",
        (city,),
    )
    .await?)
}

/// Queues event `event` of request `case_id` of `city` for the city's own systems under `id`
/// (from `Db::next_id`; the caller checked `has_webhook`): ids and status only, no personal data.
#[allow(
    clippy::too_many_arguments,
    reason = "one column each, written in the caller's transaction"
)]
pub async fn queue_event(
    conn: &mut Conn,
    id: i64,
    city: &str,
    service: &str,
    case_id: i64,
    event: &str,
    status: &str,
    at: i64,
) -> CrmResult<()> {
    let body = serde_json::json!({
        "event": event,
        "city": city,
        "service": service,
        "request_id": case_id,
        "status": status,
        "at": at,
    });
    db::execute(
        conn,
        "INSERT INTO outbox (id, city, service, case_id, recipient, channel, subject, body, status, created_at) \
         VALUES ($1, $2, $3, $4, '{}', 'webhook', $5, $6, 'pending', $7)",
        (id, city, service, case_id, event, body.to_string(), at),
    )
    .await?;
    Ok(())
}
