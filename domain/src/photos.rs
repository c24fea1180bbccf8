//! Photos attached to requests, as the host re-encoded them, with their thumbnails.

use crate::db::Binds;
use sqlx::Row;

use super::{CrmError, CrmResult};
use crate::db::{self, Conn};

/// A photo ready to keep: its bytes and thumbnail (both re-encoded) and its size.
#[derive(Clone, Debug)]
pub struct Photo {
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Keeps `photo` as number `n` of case `case_id` of `city`.
pub async fn add(
    conn: &mut Conn,
    city: &str,
    case_id: i64,
    n: i64,
    photo: &Photo,
    at: i64,
) -> CrmResult<()> {
    db::execute(
        conn,
        "INSERT INTO photos (city, case_id, n, content_type, bytes, thumbnail, width, height, added_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        (
            city,
            case_id,
            n,
            &photo.content_type,
            &photo.bytes,
            &photo.thumbnail,
            i64::from(photo.width),
            i64::from(photo.height),
            at,
        ),
    )
    .await?;
    Ok(())
}

/// How many photos case `case_id` of `city` has.
pub async fn count(conn: &mut Conn, city: &str, case_id: i64) -> CrmResult<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM photos WHERE city = $1 AND case_id = $2")
        .binds((city, case_id))
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get("n")?)
}

/// Photo `n` of case `case_id` of `city` (its thumbnail when `thumbnail`): content type and bytes.
pub async fn get(
    conn: &mut Conn,
    city: &str,
    case_id: i64,
    n: i64,
    thumbnail: bool,
) -> CrmResult<(String, Vec<u8>)> {
    let column = if thumbnail { "thumbnail" } else { "bytes" };
    let row = sqlx::query(&format!(
        "SELECT content_type, {column} AS data FROM photos WHERE city = $1 AND case_id = $2 AND n = $3"
    ))
    .binds((city, case_id, n))
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| CrmError::NotFound(format!("photo {n}")))?;
    let content_type: String = row.try_get("content_type")?;
    let content_type = if thumbnail {
        "image/jpeg".to_string()
    } else {
        content_type
    };
    Ok((content_type, row.try_get("data")?))
}
