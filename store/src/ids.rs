//! Ids handed out before their rows are written: each process takes blocks of ids from the
//! `id_blocks` table in a short transaction of its own and hands them out from memory.

use std::collections::HashMap;

use sqlx::Row;

use super::Db;

/// The tables whose ids come from blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sequence {
    Cases,
    Outbox,
}

impl Sequence {
    fn name(self) -> &'static str {
        match self {
            Sequence::Cases => "cases",
            Sequence::Outbox => "outbox",
        }
    }
}

/// How many ids one trip to the database reserves.
const BLOCK: i64 = 32;

/// The ids this process has reserved and not handed out yet, per sequence: `next..end`.
#[derive(Debug, Default)]
pub(super) struct IdBlocks {
    free: tokio::sync::Mutex<HashMap<Sequence, (i64, i64)>>,
}

impl IdBlocks {
    pub(super) async fn next(&self, db: &Db, sequence: Sequence) -> Result<i64, sqlx::Error> {
        let mut free = self.free.lock().await;
        if let Some((next, end)) = free.get_mut(&sequence)
            && *next < *end
        {
            *next += 1;
            return Ok(*next - 1);
        }
        let mut tx = db.begin_write().await?;
        let row =
            sqlx::query("UPDATE id_blocks SET next = next + $1 WHERE name = $2 RETURNING next")
                .bind(BLOCK)
                .bind(sequence.name())
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        let end: i64 = row.try_get(0)?;
        let start = end - BLOCK;
        free.insert(sequence, (start + 1, end));
        Ok(start)
    }
}
