//! Counters kept in the service's `store` (booking numbers, places taken on a day), changed with
//! `compare-and-swap`, so that concurrent calls never hand out the same number or one place twice.
//! Needs the `store` capability.

use crate::{HostError, store};

/// How often a change is retried when other calls keep changing the counter first.
const ATTEMPTS: u32 = 64;

/// Why a counter did not change.
#[derive(Debug)]
pub enum CounterError {
    /// The store refused.
    Store(HostError),
    /// Other calls changed the counter every time this one tried.
    Busy,
}

impl From<HostError> for CounterError {
    fn from(error: HostError) -> Self {
        CounterError::Store(error)
    }
}

fn decode(value: Option<&[u8]>) -> u64 {
    value
        .and_then(|v| std::str::from_utf8(v).ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The counter under `key` (0 when absent).
pub fn value(key: &str) -> Result<u64, HostError> {
    Ok(decode(store::get(key)?.as_deref()))
}

/// Adds `delta` to the counter under `key` unless that would take it above `max` or below zero;
/// the new value, or `None` when the bound refused it. A counter that reaches zero is removed.
pub fn adjust(key: &str, delta: i64, max: u64) -> Result<Option<u64>, CounterError> {
    for _ in 0..ATTEMPTS {
        let current = store::get(key)?;
        let now = decode(current.as_deref());
        let Some(next) = now.checked_add_signed(delta).filter(|next| *next <= max) else {
            return Ok(None);
        };
        let value = (next > 0).then(|| next.to_string().into_bytes());
        if store::compare_and_swap(key, current.as_deref(), value.as_deref())? {
            return Ok(Some(next));
        }
    }
    Err(CounterError::Busy)
}

/// The next number of the counter under `key`, starting at 1, as a reference such as `BW-000042`.
pub fn next_reference(key: &str, prefix: &str) -> Result<String, CounterError> {
    let next = adjust(key, 1, u64::MAX)?.ok_or(CounterError::Busy)?;
    Ok(format!("{prefix}-{next:06}"))
}
