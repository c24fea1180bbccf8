//! A case's thread: messages between citizen and staff, and staff's internal notes.

use crate::db::Binds;
use serde::Serialize;
use sqlx::Row;

use super::{CrmError, CrmResult};
use crate::db::{self, Conn};

/// Longest message, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024;

/// One message of a case's thread.
#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
#[schema(as = MessageView)] // its name in the API's document
pub struct Message {
    pub id: i64,
    pub case_id: i64,
    /// Who wrote it (absent in public views).
    pub author_id: Option<i64>,
    /// citizen, staff, admin or operator.
    pub author_role: String,
    pub body: String,
    /// An internal note: staff only, never shown to the citizen.
    pub internal: bool,
    /// Seconds since the Unix epoch.
    pub at: i64,
}

/// Adds a message to a case of `city`.
pub async fn add(
    conn: &mut Conn,
    city: &str,
    case_id: i64,
    author_id: Option<i64>,
    author_role: &str,
    body: &str,
    internal: bool,
) -> CrmResult<Message> {
    let body = body.trim();
    if body.is_empty() || body.len() > MAX_MESSAGE_BYTES {
        return Err(CrmError::Invalid(format!(
            "a message is 1 byte to {MAX_MESSAGE_BYTES} bytes"
        )));
    }
    let at = db::now();
    // The case's status goes in with the message, read in the same statement; a case of another
    // city matches no row, so nothing is written.
    let row = sqlx::query(
        "INSERT INTO case_messages (city, case_id, author_id, author_role, body, internal, at, case_status) \
         SELECT $1, $2, $3, $4, $5, $6, $7, status FROM cases WHERE city = $1 AND id = $2 RETURNING id",
    )
    .binds((city, case_id, author_id, author_role, body, internal as i64, at))
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| CrmError::NotFound(format!("request {case_id}")))?;
    Ok(Message {
        id: row.try_get(0)?,
        case_id,
        author_id,
        author_role: author_role.into(),
        body: body.into(),
        internal,
        at,
    })
}

/// The thread of a case of `city`; internal notes only when `with_internal`.
pub async fn list(
    conn: &mut Conn,
    city: &str,
    case_id: i64,
    with_internal: bool,
) -> CrmResult<Vec<Message>> {
    let rows = sqlx::query(
        "SELECT id, case_id, author_id, author_role, body, internal, at FROM case_messages \
         WHERE city = $1 AND case_id = $2 AND (internal = 0 OR $3 = 1) ORDER BY id",
    )
    .binds((city, case_id, with_internal as i64))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Message {
                id: row.try_get(0)?,
                case_id: row.try_get(1)?,
                author_id: row.try_get(2)?,
                author_role: row.try_get(3)?,
                body: row.try_get(4)?,
                internal: row.try_get::<i64, _>(5)? != 0,
                at: row.try_get(6)?,
            })
        })
        .collect()
}
