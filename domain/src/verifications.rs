//! Proving a contact: a code sent to it (through the outbox), kept only as a hash with an expiry
//! and a count of wrong tries.
//!
//! Guessing is bounded for good, not per code: an account may have `CODES_PER_ACCOUNT` codes sent
//! to one contact and try `GUESSES_PER_ACCOUNT` wrong codes for it over its whole life, however
//! often it asks again and from however many addresses; and one contact receives at most
//! `CODES_PER_CONTACT_PER_DAY` codes a day from all accounts together beyond each account's first,
//! so nobody can flood a phone and nobody can keep its owner from her first code. The budgets of one account are its own: a stranger's account spends only its own. Each
//! count is taken in the transaction that sends or checks, by one upsert, so parallel calls
//! cannot pass it together.

use crate::db::Binds;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{CrmError, CrmResult};
use crate::db::{self, Conn};

/// How long a code is good for, in seconds.
const VALID_FOR: i64 = 30 * 60;
/// Wrong tries before a code is spent.
const TRIES: i64 = 5;
/// Codes one account may have sent to one contact, ever.
pub const CODES_PER_ACCOUNT: i64 = 5;
/// Wrong codes one account may try for one contact, ever.
pub const GUESSES_PER_ACCOUNT: i64 = 25;
/// Codes one contact receives a day, from every account together.
pub const CODES_PER_CONTACT_PER_DAY: i64 = 10;
const DAY: i64 = 24 * 3600;

/// The contact as the budgets know it: a hash of its channel and value, never the value.
fn contact_key(channel: &str, contact: &str) -> String {
    hex::encode(Sha256::digest(format!("{channel}:{contact}")))
}

fn hash(user_id: i64, channel: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!(
        "{user_id}:{channel}:{}",
        code.trim()
    )))
}

/// A new six-digit code for `contact` on `channel` of `user_id`, replacing any earlier one;
/// `LimitExceeded` when the account's or the contact's budget of codes is spent (nothing is
/// counted then: the caller's transaction is not committed).
pub async fn start(
    conn: &mut Conn,
    user_id: i64,
    channel: &str,
    contact: &str,
) -> CrmResult<String> {
    let key = contact_key(channel, contact);
    let sent: i64 = sqlx::query(
        "INSERT INTO contact_proofs (user_id, contact, codes_sent, guesses) VALUES ($1, $2, 1, 0) \
         ON CONFLICT (user_id, contact) DO UPDATE SET codes_sent = contact_proofs.codes_sent + 1 \
         RETURNING codes_sent",
    )
    .binds((user_id, &key))
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    if sent > CODES_PER_ACCOUNT {
        return Err(CrmError::LimitExceeded(format!(
            "{CODES_PER_ACCOUNT} codes have been sent to this {} already, and no more will be; \
             if none arrived, check it is written right, or ask the city to confirm it",
            if channel == "phone" {
                "phone number"
            } else {
                "e-mail address"
            }
        )));
    }
    let now = db::now();
    let today: i64 = sqlx::query(
        "INSERT INTO contact_codes (contact, sent, window_start) VALUES ($1, 1, $2) \
         ON CONFLICT (contact) DO UPDATE SET \
           sent = CASE WHEN contact_codes.window_start <= $3 THEN 1 ELSE contact_codes.sent + 1 END, \
           window_start = CASE WHEN contact_codes.window_start <= $3 THEN $2 ELSE contact_codes.window_start END \
         RETURNING sent",
    )
    .binds((&key, now, now - DAY))
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    // An account's first code always goes (else a stranger who spent a contact's day could keep
    // its owner from confirming a new account); the accounts strangers can make are limited
    // per address, so this bounds what a contact receives too.
    if today > CODES_PER_CONTACT_PER_DAY && sent > 1 {
        return Err(CrmError::LimitExceeded(
            "this contact has received as many codes as it may today; try again tomorrow".into(),
        ));
    }
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    let code = format!("{:06}", u32::from_le_bytes(bytes) % 1_000_000);
    db::execute(
        conn,
        "DELETE FROM verifications WHERE user_id = $1 AND channel = $2",
        (user_id, channel),
    )
    .await?;
    db::execute(
        conn,
        "INSERT INTO verifications (user_id, channel, contact, code_hash, expires_at, attempts) VALUES ($1, $2, $3, $4, $5, 0)",
        (
            user_id,
            channel,
            contact,
            hash(user_id, channel, &code),
            db::now() + VALID_FOR,
        ),
    )
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
    let refused = || {
        CrmError::Invalid(
            "no code is waiting for this contact: it expired, was used, or had its five tries; ask for a new one"
                .into(),
        )
    };
    let wrong = || CrmError::Invalid("the code is wrong".into());
    let current = current.ok_or_else(refused)?;
    let key = contact_key(channel, current);
    // The account's lifetime budget of wrong codes for this contact is taken before anything is
    // compared, by one atomic update, so that parallel guesses cannot all pass it; a try that
    // turns out not to be a guess (no live code, or the right one) gives its unit back.
    let guesses: i64 = sqlx::query(
        "UPDATE contact_proofs SET guesses = guesses + 1 WHERE user_id = $1 AND contact = $2 RETURNING guesses",
    )
    .binds((user_id, &key))
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| row.try_get::<i64, _>(0))
    .transpose()?
    // A code sent before budgets were kept has none; it expires within 30 minutes.
    .unwrap_or(0);
    if guesses > GUESSES_PER_ACCOUNT {
        return Err(CrmError::LimitExceeded(
            "too many wrong codes have been tried for this contact; ask the city to confirm it"
                .into(),
        ));
    }
    let row: Option<(String, String, i64, i64)> = db::fetch_optional(
        conn,
        "SELECT contact, code_hash, expires_at, attempts FROM verifications WHERE user_id = $1 AND channel = $2",
        (user_id, channel),
    )
    .await?;
    let Some((contact, stored, expires_at, attempts)) = row else {
        give_back(conn, user_id, &key).await?;
        return Err(refused());
    };
    if expires_at < db::now() || attempts >= TRIES || current != contact {
        give_back(conn, user_id, &key).await?;
        return Err(refused());
    }
    if stored != hash(user_id, channel, code) {
        db::execute(
            conn,
            "UPDATE verifications SET attempts = attempts + 1 WHERE user_id = $1 AND channel = $2",
            (user_id, channel),
        )
        .await?;
        return Err(wrong());
    }
    give_back(conn, user_id, &key).await?;
    db::execute(
        conn,
        "DELETE FROM verifications WHERE user_id = $1 AND channel = $2",
        (user_id, channel),
    )
    .await?;
    Ok(contact)
}

/// Gives back the unit of guessing budget a try took that was not a guess.
async fn give_back(conn: &mut Conn, user_id: i64, key: &str) -> CrmResult<()> {
    db::execute(
        conn,
        "UPDATE contact_proofs SET guesses = guesses - 1 WHERE user_id = $1 AND contact = $2",
        (user_id, key),
    )
    .await?;
    Ok(())
}
