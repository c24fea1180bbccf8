//! What happened to a city's requests over time — status changes and public messages — for
//! clients that follow requests after filing them (Open311 `servicerequestupdates`).

use crate::db::Binds;
use sqlx::Row;

use super::CrmResult;
use super::cases::CaseStatus;
use crate::db::Conn;

/// One update of one request.
#[derive(Clone, Debug, PartialEq)]
pub struct Update {
    /// Unique within the city: `s<history id>` for a status change, `m<message id>` for a message.
    pub id: String,
    pub case_id: i64,
    pub at: i64,
    /// The status the request had after this update.
    pub status: CaseStatus,
    /// The note of a status change, or the text of a public message.
    pub text: Option<String>,
}

/// A city's updates of public requests between `start` and `end` (inclusive), oldest first, at
/// most `limit`.
pub async fn between(
    conn: &mut Conn,
    city: &str,
    start: i64,
    end: i64,
    limit: u32,
) -> CrmResult<Vec<Update>> {
    let limit = limit.clamp(1, 1000) as i64;
    // Status changes (`s`), then public messages (`m`): id, case, time, status after, text.
    let sources = [
        (
            "s",
            "SELECT h.id, h.case_id, h.at, h.to_status, h.note FROM case_history h JOIN cases c ON c.id = h.case_id AND c.city = h.city \
             WHERE h.city = $1 AND h.at >= $2 AND h.at <= $3 AND h.from_status IS NOT NULL AND c.public = 1 ORDER BY h.id LIMIT $4",
        ),
        (
            "m",
            "SELECT m.id, m.case_id, m.at, COALESCE(m.case_status, c.status), m.body FROM case_messages m JOIN cases c ON c.id = m.case_id AND c.city = m.city \
             WHERE m.city = $1 AND m.internal = 0 AND c.public = 1 AND m.at >= $2 AND m.at <= $3 ORDER BY m.id LIMIT $4",
        ),
    ];
    let mut updates = Vec::new();
    for (prefix, query) in sources {
        let rows = sqlx::query(query)
            .binds((city, start, end, limit))
            .fetch_all(&mut *conn)
            .await?;
        for row in rows {
            let status: String = row.try_get(3)?;
            updates.push(Update {
                id: format!("{prefix}{}", row.try_get::<i64, _>(0)?),
                case_id: row.try_get(1)?,
                at: row.try_get(2)?,
                status: status.parse()?,
                text: row.try_get(4)?,
            });
        }
    }
    updates.sort_by_key(|u| (u.at, u.id.clone()));
    updates.truncate(limit as usize);
    Ok(updates)
}
