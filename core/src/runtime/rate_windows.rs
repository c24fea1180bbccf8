//! Rate limits across nodes: what every node counted, summed in the database they share.

use crate::crm::rate_windows;
use crate::db::Backend;

use super::{Carmen, RuntimeError};

impl Carmen {
    /// Whether other nodes may serve this store, so that rate limits must be summed through it:
    /// PostgreSQL (one SQLite file is served by one process).
    pub fn shares_rate_limits(&self) -> bool {
        self.db.backend() == Backend::Postgres
    }

    /// Adds the requests this node counted, (subject, window start, count), to every node's
    /// totals; answers each subject's total, in the same order. `subject` is a hash, never an
    /// address or a key.
    pub async fn add_rate_hits(
        &self,
        hits: &[(String, i64, i64)],
    ) -> Result<Vec<i64>, RuntimeError> {
        let mut conn = self.db.read().await?;
        Ok(rate_windows::add(&mut conn, hits).await?)
    }

    /// Forgets the windows that started before `window_start` (seconds since the epoch).
    pub async fn forget_rate_windows(&self, window_start: i64) -> Result<(), RuntimeError> {
        let mut conn = self.db.read().await?;
        rate_windows::forget_before(&mut conn, window_start).await?;
        Ok(())
    }
}
