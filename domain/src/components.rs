//! Component bytes, kept once per sha256 digest however many installs use them.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{CrmError, CrmResult};
use crate::db::{self, Conn};

/// The lowercase hex sha256 of `bytes`: a component's identity.
pub fn digest_of(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Stores the bytes under their digest (once) and returns the digest.
pub async fn put(conn: &mut Conn, bytes: &[u8]) -> CrmResult<String> {
    let digest = digest_of(bytes);
    db::execute(
        conn,
        "INSERT INTO components (digest, bytes, size, added_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (digest) DO NOTHING",
        (&digest, bytes.to_vec(), bytes.len() as i64, db::now()),
    )
    .await?;
    Ok(digest)
}

/// The bytes of the component with this digest.
pub async fn get(conn: &mut Conn, digest: &str) -> CrmResult<Vec<u8>> {
    let row = sqlx::query("SELECT bytes FROM components WHERE digest = $1")
        .bind(digest)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| CrmError::NotFound(format!("component {digest}")))?;
    Ok(row.try_get(0)?)
}

/// Whether the host keeps a component with this digest (some install uses or used it).
pub async fn exists(conn: &mut Conn, digest: &str) -> CrmResult<bool> {
    Ok(db::exists(
        conn,
        "SELECT 1 FROM components WHERE digest = $1",
        (digest,),
    )
    .await?)
}
