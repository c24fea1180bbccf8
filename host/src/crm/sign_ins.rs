//! Failed sign-ins, per account (city and e-mail address, whether or not it exists) and per client
//! address, for the growing delays that stop password guessing.

use sqlx::Row;

use super::CrmResult;
use crate::db::{self, Conn};

/// How many sign-ins failed for `subject`, and when the last one did.
pub async fn failures(conn: &mut Conn, subject: &str) -> CrmResult<Option<(i64, i64)>> {
    let row = sqlx::query("SELECT failures, last_at FROM sign_in_failures WHERE subject = $1")
        .bind(subject)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row
        .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?)))
        .transpose()?)
}

/// Counts one more failed sign-in for `subject`.
pub async fn failed(conn: &mut Conn, subject: &str) -> CrmResult<()> {
    sqlx::query(
        "INSERT INTO sign_in_failures (subject, failures, last_at) VALUES ($1, 1, $2) \
         ON CONFLICT (subject) DO UPDATE SET failures = sign_in_failures.failures + 1, last_at = excluded.last_at",
    )
    .bind(subject)
    .bind(db::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Forgets the failures of `subject` (after a good sign-in).
pub async fn forget(conn: &mut Conn, subject: &str) -> CrmResult<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE subject = $1")
        .bind(subject)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
