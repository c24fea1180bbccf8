//! Requests counted per subject (a client address's or a key's hash) and window of time, summed
//! over every node of one database, so that a rate limit holds however many nodes serve it.

use crate::CrmResult;
use crate::db::{self, Conn};

/// Most subjects added in one statement.
const BATCH: usize = 200;

/// Adds `hits` (subject, window start in seconds, count) to the stored totals and answers each
/// subject's total after the addition, in the order given.
pub async fn add(conn: &mut Conn, hits: &[(String, i64, i64)]) -> CrmResult<Vec<i64>> {
    let mut totals = Vec::with_capacity(hits.len());
    for batch in hits.chunks(BATCH) {
        let rows = (0..batch.len())
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO rate_windows (subject, window_start, hits) VALUES {rows} \
             ON CONFLICT (subject, window_start) DO UPDATE SET hits = rate_windows.hits + excluded.hits \
             RETURNING subject, window_start, hits"
        );
        let mut query = sqlx::query_as::<_, (String, i64, i64)>(&sql);
        for (subject, window_start, count) in batch {
            query = query.bind(subject).bind(window_start).bind(count);
        }
        let answered = query.fetch_all(&mut *conn).await?;
        // RETURNING's order is not promised: match each answer to its subject.
        let by_subject: std::collections::HashMap<(&str, i64), i64> = answered
            .iter()
            .map(|(subject, window_start, total)| ((subject.as_str(), *window_start), *total))
            .collect();
        totals.extend(batch.iter().map(|(subject, window_start, count)| {
            by_subject
                .get(&(subject.as_str(), *window_start))
                .copied()
                .unwrap_or(*count)
        }));
    }
    Ok(totals)
}

/// Forgets the windows that started before `window_start`.
pub async fn forget_before(conn: &mut Conn, window_start: i64) -> CrmResult<u64> {
    Ok(db::execute(
        conn,
        "DELETE FROM rate_windows WHERE window_start < $1",
        (window_start,),
    )
    .await?)
}
