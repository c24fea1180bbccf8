//! A citizen's rights over their data: download all of it, and erase it. Erasure asks every
//! service of the city that keeps data about citizens (it exports `erasure`) to forget them —
//! their requester id and proved contacts, nothing else — then erases what the host holds, in
//! one transaction with its audit entry. Services of older contracts cannot be asked; the answer
//! names them.

use serde::Serialize;
use serde_json::Value;

use super::calls::Attempts;
use super::{Carmen, RuntimeError};
use crate::contract::ErasureSubject;
use crate::crm::people::{self, Principal};
use crate::crm::{audit, privacy};
use crate::db::Backend;

/// What an erasure did in each service of the city.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Erased {
    /// Services that forgot the citizen.
    pub forgotten_by: Vec<String>,
    /// Services that cannot be asked to forget (built against a contract before 0.1.2); what
    /// they keep in their own store is the city's to handle.
    pub not_asked: Vec<String>,
}

impl Carmen {
    /// Everything the city holds about the signed-in citizen, as JSON.
    pub async fn export(&self, city: &str, citizen: &Principal) -> Result<Value, RuntimeError> {
        Ok(privacy::export(&mut *self.db.read().await?, city, citizen.user_id).await?)
    }

    /// Erases the signed-in citizen: every service that can forgets them first (a failure stops
    /// the erasure before anything of the host's is erased, and it can be asked again), then the
    /// host's data goes, in one transaction.
    pub async fn erase(&self, city: &str, citizen: &Principal) -> Result<Erased, RuntimeError> {
        let user = people::get_in_city(&mut *self.db.read().await?, city, citizen.user_id).await?;
        let (emails, phones) = user.verified_contacts();
        let subject = ErasureSubject {
            ids: vec![self.requesters.for_account(city, user.id)],
            emails,
            phones,
        };
        let mut erased = Erased {
            forgotten_by: Vec::new(),
            not_asked: Vec::new(),
        };
        for install in self.installs(city).await? {
            let target = self.target(&install).await?;
            let mut attempts = Attempts::default();
            let asked = loop {
                let Some(staged) = self.engine.forget(&target, &subject).await? else {
                    break false;
                };
                if let Some(done) = attempts.settle(self.commit_staged(&staged).await).await {
                    done?;
                    break true;
                }
            };
            if asked {
                erased.forgotten_by.push(install.code);
            } else {
                erased.not_asked.push(install.code);
            }
        }
        let mut tx = self.db.begin_write().await?;
        privacy::erase(&mut tx, city, citizen.user_id).await?;
        audit::record(
            &mut tx,
            Some(city),
            citizen,
            "citizen.erase",
            &format!("user:{}", citizen.user_id),
            None,
            Some(serde_json::json!(erased)),
        )
        .await?;
        tx.commit().await?;
        if self.db.backend() == Backend::Sqlite {
            // Old page images live on in the write-ahead log until a checkpoint; truncate it.
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(self.db.pool())
                .await?;
        }
        Ok(erased)
    }
}
