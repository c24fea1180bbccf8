//! Plugin calls whose writes commit: a use case runs the call, opens its write transaction with
//! what the call staged already applied (`begin_commit`), adds its own rows and commits; when the
//! commit finds that what the call read has changed since (another call got there first), the
//! use case runs the call again (`Attempts`).

use std::time::Duration;

use super::{Carmen, RuntimeError};
use crate::crm::CrmError;
use crate::crm::staged::Staged;
use crate::db::Tx;

/// How often a call is run before the caller is told the service is busy.
const ATTEMPTS: u32 = 16;

/// The attempts of one use case whose plugin call may lose a race at its commit.
#[derive(Debug, Default)]
pub(crate) struct Attempts {
    made: u32,
}

impl Attempts {
    /// After one attempt: its result when it is final (success, or a failure that running the
    /// call again would not mend); `None` after a short pause when a lost race is worth another
    /// attempt; `Busy` when races were lost too often.
    pub(crate) async fn settle<T>(
        &mut self,
        result: Result<T, RuntimeError>,
    ) -> Option<Result<T, RuntimeError>> {
        self.made += 1;
        match result {
            Err(RuntimeError::Crm(CrmError::Conflict(reason))) if self.made < ATTEMPTS => {
                tracing::debug!(attempt = self.made, %reason, "a plugin call's commit lost a race; running it again");
                let ceiling_us = 200u64 << self.made.min(8);
                let pause = u64::from(getrandom::u32().unwrap_or(0)) % ceiling_us;
                tokio::time::sleep(Duration::from_micros(pause)).await;
                None
            }
            Err(RuntimeError::Crm(CrmError::Conflict(reason))) => {
                tracing::warn!(attempts = self.made, %reason, "a plugin call kept losing races; refused as busy");
                Some(Err(RuntimeError::Busy))
            }
            other => Some(other),
        }
    }
}

impl Carmen {
    /// A write transaction holding what a call staged; the caller adds its own rows and commits.
    pub(crate) async fn begin_commit(&self, staged: &Staged) -> Result<Tx, RuntimeError> {
        let mut tx = self.db.begin_serializable().await?;
        staged.apply(&mut tx).await?;
        Ok(tx)
    }

    /// The same for a caller whose own rows are only inserted, under fresh ids (nothing it read
    /// must stay true until the commit): with nothing staged, a plain write transaction, as
    /// PostgreSQL's `SERIALIZABLE` guards only what a call read and staged.
    pub(crate) async fn begin_commit_inserting(&self, staged: &Staged) -> Result<Tx, RuntimeError> {
        if staged.is_empty() {
            return Ok(self.db.begin_write().await?);
        }
        self.begin_commit(staged).await
    }

    /// Commits what a call staged, with nothing of the caller's own.
    pub(crate) async fn commit_staged(&self, staged: &Staged) -> Result<(), RuntimeError> {
        if staged.is_empty() {
            return Ok(());
        }
        let tx = self.begin_commit(staged).await?;
        tx.commit().await?;
        Ok(())
    }
}
