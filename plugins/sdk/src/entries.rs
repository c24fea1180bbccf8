//! Going through a service's store entries under a prefix, a page at a time. Needs the `store`
//! capability.

use crate::store;

/// Calls `visit` with each entry under `prefix` (its key and value), in key order, until it
/// answers `Ok(false)` (stop there) or an error (returned).
pub fn each(
    prefix: &str,
    mut visit: impl FnMut(&str, Vec<u8>) -> Result<bool, String>,
) -> Result<(), String> {
    let mut after: Option<String> = None;
    loop {
        let keys = store::list(prefix, after.as_deref(), 100).map_err(|e| format!("{e:?}"))?;
        let Some(last) = keys.last().cloned() else {
            return Ok(());
        };
        for key in &keys {
            let Some(value) = store::get(key).map_err(|e| format!("{e:?}"))? else {
                continue;
            };
            if !visit(key, value)? {
                return Ok(());
            }
        }
        after = Some(last);
    }
}
