//! Failed sign-ins, per subject (an account, an account from one client address, a client
//! address), for the growing delays that stop password guessing; and the addresses each account
//! signed in from.
//!
//! A try is counted before the password is checked (`reserve`), so parallel tries cannot all pass
//! a count that none of them has raised yet; a good sign-in then forgets its failures.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::CrmResult;
use crate::db::{self, Conn};

/// How a subject is stored: as its sha256, so that the store keeps no one's e-mail or client
/// address because they signed in (or someone tried to).
fn stored(subject: &str) -> String {
    hex::encode(Sha256::digest(subject.as_bytes()))
}

/// How many sign-ins failed for `subject`, and when the last one did.
pub async fn failures(conn: &mut Conn, subject: &str) -> CrmResult<Option<(i64, i64)>> {
    let failures = db::fetch_optional(
        conn,
        "SELECT failures, last_at FROM sign_in_failures WHERE subject = $1",
        (stored(subject),),
    )
    .await?;
    Ok(failures)
}

/// Counts a try for `subject` as failed, unless `wait` (given its failures and the time of the
/// last one) says it must wait: then nothing is counted and the seconds to wait are returned.
/// The count is raised only if no other try raised it meanwhile (compare and set), so that of
/// parallel tries each sees the count of those before it.
pub async fn reserve(
    conn: &mut Conn,
    subject: &str,
    wait: impl Fn(i64, i64) -> i64,
) -> CrmResult<Option<i64>> {
    loop {
        db::execute(
            conn,
            "INSERT INTO sign_in_failures (subject, failures, last_at) VALUES ($1, 0, 0) ON CONFLICT (subject) DO NOTHING",
            (stored(subject),),
        )
        .await?;
        let (failures, last_at) = failures(conn, subject).await?.unwrap_or((0, 0));
        let seconds = wait(failures, last_at);
        if seconds > 0 {
            return Ok(Some(seconds));
        }
        let raised = db::execute(
            conn,
            "UPDATE sign_in_failures SET failures = failures + 1, last_at = $2 WHERE subject = $1 AND failures = $3 AND last_at = $4",
            (stored(subject), db::now(), failures, last_at),
        )
        .await?;
        if raised == 1 {
            return Ok(None);
        }
    }
}

/// Takes back the one try a good sign-in counted for `subject` (a shared address is not held
/// back by its users' good sign-ins).
pub async fn give_back(conn: &mut Conn, subject: &str) -> CrmResult<()> {
    db::execute(
        conn,
        "UPDATE sign_in_failures SET failures = failures - 1 WHERE subject = $1 AND failures > 0",
        (stored(subject),),
    )
    .await?;
    Ok(())
}

/// Forgets the failures of `subject` (after a good sign-in).
pub async fn forget(conn: &mut Conn, subject: &str) -> CrmResult<()> {
    db::execute(
        conn,
        "DELETE FROM sign_in_failures WHERE subject = $1",
        (stored(subject),),
    )
    .await?;
    Ok(())
}

/// Remembers that `subject` (an account from an address) signed in.
pub async fn remember(conn: &mut Conn, subject: &str) -> CrmResult<()> {
    db::execute(
        conn,
        "INSERT INTO sign_in_known (subject, last_at) VALUES ($1, $2) \
         ON CONFLICT (subject) DO UPDATE SET last_at = excluded.last_at",
        (stored(subject), db::now()),
    )
    .await?;
    Ok(())
}

/// Whether `subject` signed in within the last `within` seconds.
pub async fn known(conn: &mut Conn, subject: &str, within: i64) -> CrmResult<bool> {
    let row = sqlx::query("SELECT last_at FROM sign_in_known WHERE subject = $1")
        .bind(stored(subject))
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        Some(row) => row.try_get::<i64, _>(0)? >= db::now() - within,
        None => false,
    })
}
