//! Numbered references (booking numbers and the like) kept in the service's `store`.

use crate::{HostError, store};

/// The next number of the counter under `key`, starting at 1, as a reference such as `BW-000042`.
/// Needs the `store` capability.
pub fn next_reference(key: &str, prefix: &str) -> Result<String, HostError> {
    let next = store::get(key)?
        .and_then(|v| String::from_utf8(v).ok())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
        + 1;
    store::set(key, next.to_string().as_bytes())?;
    Ok(format!("{prefix}-{next:06}"))
}
