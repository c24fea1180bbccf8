//! Rate limits that hold across nodes. Each node limits a client on its own (`guard`); where
//! several nodes serve one database, each also counts the requests it let through per client
//! and per key, adds them to the totals in the database a few times a second, and refuses a
//! client whose total over every node passes its allowance until the window ends.
//!
//! The rule: a client may make at most `burst` requests in a window of `burst / per_second`
//! seconds (at least 1) across all nodes, which is the rate a node alone allows it, sustained.
//! A node learns of the others' counts at its next share, so the limit may be passed by what
//! the nodes let through in one share's interval (`SHARE_EVERY`). A share carries the busiest
//! `SHARED_AT_MOST` subjects: under a flood from more addresses than that, the quietest go
//! uncounted (each node's own limit still holds for them).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::runtime::Carmen;

use super::guard::{HttpPolicy, RateLimits};

/// How often a node adds what it counted to the shared totals.
pub const SHARE_EVERY: Duration = Duration::from_millis(250);

/// Most subjects one share adds to the totals, the busiest first.
const SHARED_AT_MOST: usize = 1_000;

/// How often old windows are deleted.
const FORGET_EVERY: Duration = Duration::from_secs(60);

/// Whom a count is about: a client address or a key, as a hash (no address or key is stored).
#[derive(Clone, Copy)]
pub enum Subject<'a> {
    Client(&'a str),
    Key(&'a str),
}

/// The allowance of one kind of subject: at most `most` requests in a window of `window` seconds.
#[derive(Clone, Copy, Debug)]
struct Allowance {
    window: i64,
    most: i64,
}

impl Allowance {
    fn new(per_second: u32, burst: u32) -> Allowance {
        let per_second = i64::from(per_second.max(1));
        let burst = i64::from(burst.max(1));
        let window = (burst / per_second).max(1);
        Allowance {
            window,
            most: burst.max(per_second * window),
        }
    }

    fn window_start(&self, now: i64) -> i64 {
        now - now.rem_euclid(self.window)
    }
}

#[derive(Default)]
struct Counts {
    /// Requests let through since the last share, per (subject, window start).
    pending: HashMap<(String, i64), i64>,
    /// Subjects over their allowance, and when their window ends (seconds since the epoch).
    refused: HashMap<String, i64>,
}

/// What one node counted and learned of every node's totals.
pub struct SharedLimits {
    clients: Allowance,
    keys: Allowance,
    counts: Mutex<Counts>,
}

fn now_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl SharedLimits {
    pub fn new(policy: &HttpPolicy) -> SharedLimits {
        SharedLimits {
            clients: Allowance::new(policy.per_client_per_second, policy.per_client_burst),
            keys: Allowance::new(policy.per_key_per_second, policy.per_key_burst),
            counts: Mutex::new(Counts::default()),
        }
    }

    fn allowance(&self, subject: &str) -> Allowance {
        if subject.starts_with('k') {
            self.keys
        } else {
            self.clients
        }
    }

    /// `Err(wait)` while every node's total for `subject` is over its allowance; else the request
    /// is counted.
    pub fn check(&self, subject: Subject<'_>) -> Result<(), Duration> {
        let subject = match subject {
            Subject::Client(hash) => format!("c{hash}"),
            Subject::Key(hash) => format!("k{hash}"),
        };
        let now = now_seconds();
        let start = self.allowance(&subject).window_start(now);
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&until) = counts.refused.get(&subject) {
            if until > now {
                return Err(Duration::from_secs((until - now) as u64));
            }
            counts.refused.remove(&subject);
        }
        *counts.pending.entry((subject, start)).or_insert(0) += 1;
        Ok(())
    }

    /// Adds what this node counted to the shared totals and refuses, until their window ends,
    /// the subjects now over their allowance. On failure the counts are kept for the next share.
    async fn share(&self, carmen: &Carmen) {
        let pending: Vec<(String, i64, i64)> = {
            let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
            counts
                .pending
                .drain()
                .map(|((subject, start), hits)| (subject, start, hits))
                .collect()
        };
        let pending = busiest(pending);
        if pending.is_empty() {
            return;
        }
        match carmen.add_rate_hits(&pending).await {
            Ok(totals) => {
                let now = now_seconds();
                let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
                for ((subject, start, _), total) in pending.into_iter().zip(totals) {
                    let allowance = self.allowance(&subject);
                    let until = start + allowance.window;
                    if total > allowance.most && until > now {
                        counts.refused.insert(subject, until);
                    }
                }
                counts.refused.retain(|_, until| *until > now);
            }
            Err(error) => {
                tracing::warn!(%error, "rate counts were not shared; kept for the next try");
                let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
                for (subject, start, hits) in pending {
                    *counts.pending.entry((subject, start)).or_insert(0) += hits;
                }
                // What was counted in windows long gone no longer matters.
                let now = now_seconds();
                let longest = self.clients.window.max(self.keys.window);
                counts
                    .pending
                    .retain(|(_, start), _| *start + 2 * longest > now);
            }
        }
    }

    /// The oldest window start still of use.
    fn oldest_kept(&self) -> i64 {
        now_seconds() - 2 * self.clients.window.max(self.keys.window)
    }
}

/// The `SHARED_AT_MOST` busiest of `pending`: a flood from many addresses must not become a
/// flood of writes, and the quietest are far from any limit.
fn busiest(mut pending: Vec<(String, i64, i64)>) -> Vec<(String, i64, i64)> {
    if pending.len() > SHARED_AT_MOST {
        pending.sort_unstable_by_key(|(_, _, hits)| std::cmp::Reverse(*hits));
        pending.truncate(SHARED_AT_MOST);
    }
    pending
}

/// Shares `limits`' counts through `carmen`'s database every `SHARE_EVERY`, for as long as the
/// limits are in use (the task ends when the router holding them is dropped).
pub fn share_through(limits: &Arc<RateLimits>, carmen: Carmen) {
    let weak: Weak<RateLimits> = Arc::downgrade(limits);
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(SHARE_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut forgotten = tokio::time::Instant::now();
        loop {
            ticks.tick().await;
            let Some(limits) = weak.upgrade() else { return };
            let Some(shared) = limits.shared() else {
                return;
            };
            shared.share(&carmen).await;
            if forgotten.elapsed() >= FORGET_EVERY {
                forgotten = tokio::time::Instant::now();
                if let Err(error) = carmen.forget_rate_windows(shared.oldest_kept()).await {
                    tracing::warn!(%error, "old rate windows were not deleted");
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_holds_the_burst_and_lasts_as_long_as_the_rate_takes_to_refill_it() {
        let default = Allowance::new(100, 1_000);
        assert_eq!((default.window, default.most), (10, 1_000));
        let steady = Allowance::new(50, 10);
        assert_eq!((steady.window, steady.most), (1, 50));
        assert_eq!(Allowance::new(5, 10).window_start(1_000_003), 1_000_002);
    }

    #[test]
    fn a_share_carries_the_busiest_subjects_of_a_flood() {
        let mut flood: Vec<_> = (0..5_000).map(|n| (format!("c{n}"), 0, 1)).collect();
        flood.push(("cgreedy".into(), 0, 900));
        let shared = busiest(flood);
        assert_eq!(shared.len(), SHARED_AT_MOST);
        assert_eq!(shared[0].0, "cgreedy");
        let few = busiest(vec![("ka".into(), 0, 1), ("kb".into(), 0, 2)]);
        assert_eq!(few.len(), 2, "all of a quiet interval");
    }

    #[test]
    fn a_refused_subject_waits_until_its_window_ends_and_others_are_unaffected() {
        let limits = SharedLimits::new(&HttpPolicy {
            per_client_per_second: 1,
            per_client_burst: 1,
            ..Default::default()
        });
        let now = now_seconds();
        limits
            .counts
            .lock()
            .unwrap()
            .refused
            .insert("cabc".into(), now + 5);
        let wait = limits.check(Subject::Client("abc")).unwrap_err();
        assert!(wait <= Duration::from_secs(5) && wait >= Duration::from_secs(4));
        limits.check(Subject::Client("other")).unwrap();
        limits.check(Subject::Key("abc")).unwrap();
        let counts = limits.counts.lock().unwrap();
        assert_eq!(
            counts.pending.len(),
            2,
            "only what was let through is counted"
        );
    }
}
