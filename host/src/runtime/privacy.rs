//! A citizen's rights over their data: download all of it, and erase it (one transaction with
//! its audit entry).

use serde_json::Value;

use super::{Carmen, RuntimeError};
use crate::crm::people::Principal;
use crate::crm::{audit, privacy};
use crate::db::Backend;

impl Carmen {
    /// Everything the city holds about the signed-in citizen, as JSON.
    pub async fn export(&self, city: &str, citizen: &Principal) -> Result<Value, RuntimeError> {
        Ok(privacy::export(&mut *self.db.read().await?, city, citizen.user_id).await?)
    }

    /// Erases the signed-in citizen's personal data; their requests stay without it.
    pub async fn erase(&self, city: &str, citizen: &Principal) -> Result<(), RuntimeError> {
        let mut tx = self.db.begin_write().await?;
        privacy::erase(&mut tx, city, citizen.user_id).await?;
        audit::record(
            &mut tx,
            Some(city),
            citizen,
            "citizen.erase",
            &format!("user:{}", citizen.user_id),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        if self.db.backend() == Backend::Sqlite {
            // Old page images live on in the write-ahead log until a checkpoint; truncate it.
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(self.db.pool())
                .await?;
        }
        Ok(())
    }
}
