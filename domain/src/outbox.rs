//! The outbox: messages for citizens, queued for delivery.

use crate::db::Binds;
use serde::Serialize;
use sqlx::Row;

use super::cases::Contact;
use super::{CrmError, CrmResult};
use crate::db::{self, Conn};

/// Largest message body, in bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// A queued message.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Message {
    pub id: i64,
    pub city: String,
    pub service: String,
    pub case_id: Option<i64>,
    pub recipient: Contact,
    pub channel: String,
    pub subject: String,
    pub body: String,
    pub status: String,
    pub created_at: i64,
}

/// A message to queue.
#[derive(Clone, Debug)]
pub struct NewMessage {
    pub city: String,
    pub service: String,
    pub case_id: Option<i64>,
    pub recipient: Contact,
    /// The recipient's preferred channel (`email` or `sms`), used when they can be reached on it.
    pub channel: Option<String>,
    pub subject: String,
    pub body: String,
}

/// The channel a message goes on: the preferred one when the recipient can be reached on it,
/// else e-mail when there is an address, else SMS; or why the message cannot be queued.
pub fn check(new: &NewMessage) -> CrmResult<&'static str> {
    let channel = if new.channel.as_deref() == Some("sms") && new.recipient.phone.is_some() {
        "sms"
    } else if new.recipient.email.is_some() {
        "email"
    } else if new.recipient.phone.is_some() {
        "sms"
    } else {
        return Err(CrmError::Invalid(
            "a message needs an e-mail address or a phone number".into(),
        ));
    };
    if new.subject.len() > 1024 || new.body.len() > MAX_BODY_BYTES || new.body.trim().is_empty() {
        return Err(CrmError::Invalid(format!(
            "a message has a subject of at most 1 KiB and a body of 1 byte to {MAX_BODY_BYTES} bytes"
        )));
    }
    Ok(channel)
}

/// Queues a message under `id` (from `Db::next_id`).
pub async fn enqueue(conn: &mut Conn, id: i64, new: &NewMessage) -> CrmResult<()> {
    let channel = check(new)?;
    let recipient = serde_json::to_string(&new.recipient).expect("contact serializes");
    db::execute(
        conn,
        "INSERT INTO outbox (id, city, service, case_id, recipient, channel, subject, body, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9)",
        (
            id,
            &new.city,
            &new.service,
            new.case_id,
            recipient,
            channel,
            &new.subject,
            &new.body,
            db::now(),
        ),
    )
    .await?;
    Ok(())
}

/// How many messages `city` queued since `since` (for `service` alone, when given).
pub async fn count_since(
    conn: &mut Conn,
    city: &str,
    service: Option<&str>,
    since: i64,
) -> CrmResult<i64> {
    let row =
        match service {
            Some(service) => sqlx::query(
                "SELECT COUNT(*) FROM outbox WHERE city = $1 AND service = $2 AND created_at >= $3",
            )
            .binds((city, service, since))
            .fetch_one(&mut *conn)
            .await?,
            None => {
                sqlx::query("SELECT COUNT(*) FROM outbox WHERE city = $1 AND created_at >= $2")
                    .binds((city, since))
                    .fetch_one(&mut *conn)
                    .await?
            }
        };
    Ok(row.try_get(0)?)
}

/// Message `id` of `city`.
pub async fn get(conn: &mut Conn, city: &str, id: i64) -> CrmResult<Message> {
    let row = sqlx::query(
        "SELECT id, city, service, case_id, recipient, channel, subject, body, status, created_at \
         FROM outbox WHERE city = $1 AND id = $2",
    )
    .binds((city, id))
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| CrmError::NotFound(format!("message {id}")))?;
    from_row(&row)
}

/// The messages of `city` sent to `email` or `phone` (matched exactly: proven contacts), newest
/// first, at most `limit`.
pub async fn to_contacts(
    conn: &mut Conn,
    city: &str,
    email: Option<&str>,
    phone: Option<&str>,
    limit: i64,
) -> CrmResult<Vec<Message>> {
    let postgres = db::is_postgres(conn);
    let field = |name: &str| {
        if postgres {
            format!("(recipient::json ->> '{name}')")
        } else {
            format!("json_extract(recipient, '$.{name}')")
        }
    };
    let sql = format!(
        "SELECT id, city, service, case_id, recipient, channel, subject, body, status, created_at \
         FROM outbox WHERE city = $1 AND status <> 'suppressed' AND ({} = $2 OR {} = $3) ORDER BY id DESC LIMIT $4",
        field("email"),
        field("phone")
    );
    let rows = sqlx::query(&sql)
        .binds((
            city,
            email.unwrap_or("\u{0}"),
            phone.unwrap_or("\u{0}"),
            limit,
        ))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// A city's queued messages, oldest first.
pub async fn list(conn: &mut Conn, city: &str) -> CrmResult<Vec<Message>> {
    let rows = sqlx::query(
        "SELECT id, city, service, case_id, recipient, channel, subject, body, status, created_at \
         FROM outbox WHERE city = $1 ORDER BY id",
    )
    .bind(city)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// A message from a row of `id, city, service, case_id, recipient, channel, subject, body,
/// status, created_at`.
pub fn from_row(row: &sqlx::any::AnyRow) -> CrmResult<Message> {
    let recipient: String = row.try_get(4)?;
    Ok(Message {
        id: row.try_get(0)?,
        city: row.try_get(1)?,
        service: row.try_get(2)?,
        case_id: row.try_get(3)?,
        recipient: serde_json::from_str(&recipient)
            .map_err(|e| CrmError::Invalid(e.to_string()))?,
        channel: row.try_get(5)?,
        subject: row.try_get(6)?,
        body: row.try_get(7)?,
        status: row.try_get(8)?,
        created_at: row.try_get(9)?,
    })
}
