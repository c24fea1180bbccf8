//! A page of rows in one hand-off. The SQLite driver steps a query on a thread of its own and
//! hands each row to the caller's task, one wake-up at a time; a page of a thousand rows spent
//! more time in those hand-offs than in SQLite. Here the database builds the page as one JSON
//! array (`json_group_array` on SQLite, `json_agg` on PostgreSQL) and hands that over once.

use serde::de::DeserializeOwned;

use crate::{Binds, Conn, Values};

/// Whether `conn` is a PostgreSQL connection (else SQLite).
pub fn is_postgres(conn: &Conn) -> bool {
    conn.backend_name() == "PostgreSQL"
}

/// The rows of `select`, a query naming each of `columns`, read as `T`s (by column name) in the
/// order of `order` (an `ORDER BY` list of those columns), fetched as one value; `values` (owned:
/// the query is made here) are bound to its placeholders.
pub async fn fetch_all_json<T, V>(
    conn: &mut Conn,
    columns: &[&str],
    select: &str,
    order: &str,
    values: V,
) -> Result<Vec<T>, sqlx::Error>
where
    T: DeserializeOwned,
    V: for<'q> Values<'q>,
{
    let pairs: Vec<String> = columns.iter().map(|c| format!("'{c}', {c}")).collect();
    let pairs = pairs.join(", ");
    let sql = if is_postgres(conn) {
        format!(
            "SELECT COALESCE(json_agg(json_build_object({pairs}) ORDER BY {order}), '[]')::text \
             FROM ({select}) AS page"
        )
    } else {
        format!("SELECT json_group_array(json_object({pairs}) ORDER BY {order}) FROM ({select})")
    };
    let text: String = sqlx::query_scalar(&sql)
        .binds(values)
        .fetch_one(&mut *conn)
        .await?;
    serde_json::from_str(&text).map_err(|error| sqlx::Error::Decode(Box::new(error)))
}
