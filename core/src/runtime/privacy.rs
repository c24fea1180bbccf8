//! A citizen's rights over their data: download all of it, and erase it. Erasure asks every
//! service of the city that keeps data about citizens (it exports `erasure`) to forget them —
//! their requester id and proved contacts, nothing else — then erases what the host holds, in
//! one transaction with its audit entry. Services of older contracts cannot be asked; the answer
//! names them. A service that fails to forget holds nothing back: the host's part is done, and the
//! service is asked again (`retry_erasures`, each scheduler round, with growing waits) until it
//! forgets; the answer names it as pending.

use serde::Serialize;
use serde_json::Value;

use super::calls::Attempts;
use super::proofs::Citizen;
use super::{Carmen, RuntimeError};
use crate::contract::ErasureSubject;
use crate::crm::people;
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
    /// Services that failed to forget now: they are asked again until they do.
    pub pending: Vec<String>,
}

/// Seconds before a failed forget is asked again after `attempts` failures: a minute, doubling,
/// at most a day.
fn retry_after(attempts: i64) -> i64 {
    (60i64 << attempts.clamp(0, 11)).min(86_400)
}

impl Carmen {
    /// Everything the city holds about the signed-in citizen, as JSON.
    pub async fn export(&self, citizen: &Citizen) -> Result<Value, RuntimeError> {
        let (city, citizen) = (citizen.city(), citizen.principal());
        Ok(privacy::export(&mut *self.db.read().await?, city, citizen.user_id).await?)
    }

    /// Asks service `install` to forget `subject`, committing what it staged: whether it could
    /// be asked (its contract has `erasure`).
    async fn forget_in(
        &self,
        install: &crate::crm::installs::Install,
        subject: &ErasureSubject,
    ) -> Result<bool, RuntimeError> {
        let target = self.target(install).await?;
        let mut attempts = Attempts::default();
        loop {
            let Some(staged) = self.engine.forget(&target, subject).await? else {
                return Ok(false);
            };
            if let Some(done) = attempts.settle(self.commit_staged(&staged).await).await {
                done?;
                return Ok(true);
            }
        }
    }

    /// Erases the signed-in citizen: every service that can forgets them first, then the host's
    /// data goes, in one transaction. A service that fails is named `pending` and asked again
    /// later; it holds back neither this erasure nor anyone else's.
    pub async fn erase(&self, citizen: &Citizen) -> Result<Erased, RuntimeError> {
        let (city, citizen) = (citizen.city(), citizen.principal());
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
            pending: Vec::new(),
        };
        let mut failures = Vec::new();
        for install in self.installs(city).await? {
            match self.forget_in(&install, &subject).await {
                Ok(true) => erased.forgotten_by.push(install.code),
                Ok(false) => erased.not_asked.push(install.code),
                Err(error) => {
                    tracing::warn!(%city, service = %install.code, %error, "a service could not forget an erased citizen; it will be asked again");
                    failures.push((install.code.clone(), error.to_string()));
                    erased.pending.push(install.code);
                }
            }
        }
        let now = crate::db::now();
        let mut tx = self.db.begin_write().await?;
        for (code, error) in &failures {
            privacy::defer_erasure(
                &mut tx,
                city,
                code,
                citizen.user_id,
                &subject.ids,
                &subject.emails,
                &subject.phones,
                now + retry_after(0),
                error,
            )
            .await?;
        }
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

impl Carmen {
    /// Asks again every service whose part of an erasure is due at `now`: one that forgets is
    /// done with; one that fails waits longer. Returns how many forgot.
    pub async fn retry_erasures(&self, now: i64) -> Result<usize, RuntimeError> {
        let due = privacy::due_erasures(&mut *self.db.read().await?, now, 100).await?;
        let mut forgotten = 0;
        for pending in due {
            let subject = ErasureSubject {
                ids: pending.ids.clone(),
                emails: pending.emails.clone(),
                phones: pending.phones.clone(),
            };
            let found = crate::crm::installs::get(
                &mut *self.db.read().await?,
                &pending.city,
                &pending.install_code,
            )
            .await;
            let outcome = match found {
                // Uninstalled meanwhile: nothing of the service is left to forget with.
                Err(crate::crm::CrmError::NotFound(_)) => Ok(true),
                Err(e) => Err(e.into()),
                Ok(install) => self.forget_in(&install, &subject).await,
            };
            let mut tx = self.db.begin_write().await?;
            match outcome {
                Ok(_) => {
                    privacy::erasure_done(
                        &mut tx,
                        &pending.city,
                        &pending.install_code,
                        pending.user_id,
                    )
                    .await?;
                    forgotten += 1;
                }
                Err(error) => {
                    privacy::erasure_failed(
                        &mut tx,
                        &pending.city,
                        &pending.install_code,
                        pending.user_id,
                        now + retry_after(pending.attempts),
                        &error.to_string(),
                    )
                    .await?;
                }
            }
            tx.commit().await?;
        }
        Ok(forgotten)
    }
}
