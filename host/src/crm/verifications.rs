//! Proving a contact: a code sent to it (through the outbox), kept only as a hash with an expiry
//! and a count of wrong tries.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{CrmError, CrmResult};
use crate::db::{self, Conn};

/// How long a code is good for, in seconds.
const VALID_FOR: i64 = 30 * 60;
/// Wrong tries before a code is spent.
const TRIES: i64 = 5;

fn hash(user_id: i64, channel: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!(
        "{user_id}:{channel}:{}",
        code.trim()
    )))
}

/// A new six-digit code for `contact` on `channel` of `user_id`, replacing any earlier one.
pub async fn start(
    conn: &mut Conn,
    user_id: i64,
    channel: &str,
    contact: &str,
) -> CrmResult<String> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    let code = format!("{:06}", u32::from_le_bytes(bytes) % 1_000_000);
    sqlx::query("DELETE FROM verifications WHERE user_id = $1 AND channel = $2")
        .bind(user_id)
        .bind(channel)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO verifications (user_id, channel, contact, code_hash, expires_at, attempts) VALUES ($1, $2, $3, $4, $5, 0)",
    )
    .bind(user_id)
    .bind(channel)
    .bind(contact)
    .bind(hash(user_id, channel, &code))
    .bind(db::now() + VALID_FOR)
    .execute(&mut *conn)
    .await?;
    Ok(code)
}

/// Checks `code` for `channel` of `user_id`: the contact it proves, if right, not expired, not
/// spent, and still the person's contact on that channel. A wrong code counts against the tries.
pub async fn check(
    conn: &mut Conn,
    user_id: i64,
    channel: &str,
    code: &str,
    current: Option<&str>,
) -> CrmResult<String> {
    let refused =
        || CrmError::Invalid("the code is wrong or has expired; ask for a new one".into());
    let row = sqlx::query(
        "SELECT contact, code_hash, expires_at, attempts FROM verifications WHERE user_id = $1 AND channel = $2",
    )
    .bind(user_id)
    .bind(channel)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(refused)?;
    let (contact, stored, expires_at, attempts): (String, String, i64, i64) = (
        row.try_get(0)?,
        row.try_get(1)?,
        row.try_get(2)?,
        row.try_get(3)?,
    );
    if expires_at < db::now() || attempts >= TRIES || current != Some(contact.as_str()) {
        return Err(refused());
    }
    if stored != hash(user_id, channel, code) {
        sqlx::query(
            "UPDATE verifications SET attempts = attempts + 1 WHERE user_id = $1 AND channel = $2",
        )
        .bind(user_id)
        .bind(channel)
        .execute(&mut *conn)
        .await?;
        return Err(refused());
    }
    sqlx::query("DELETE FROM verifications WHERE user_id = $1 AND channel = $2")
        .bind(user_id)
        .bind(channel)
        .execute(&mut *conn)
        .await?;
    Ok(contact)
}
