//! The memory cap of one plugin call, enforced through wasmtime's `ResourceLimiter`: the cap
//! holds for all the call's memories together, however many the component has.

/// The limits of one service's calls, as its city set them: plain data, for the engine knows no
/// installs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock deadline of one call, in milliseconds.
    pub deadline_ms: u64,
    /// Cap on the guest's linear memories together, in bytes.
    pub memory_bytes: u64,
}

/// The error a call fails with when the plugin asks for more memory than its cap.
#[derive(Debug, thiserror::Error)]
#[error("the plugin tried to grow its memory to {desired} bytes, over its cap of {cap} bytes")]
pub struct MemoryCapExceeded {
    pub cap: u64,
    pub desired: u64,
}

/// Caps the linear memory of one store (all its memories together) and keeps table and
/// instance counts small.
#[derive(Debug)]
pub struct CallLimiter {
    memory_cap: u64,
    /// The bytes of every memory of the store together.
    in_use: u64,
    pub(crate) cap_hit: bool,
}

/// Most table elements a plugin may have.
const MAX_TABLE_ELEMENTS: usize = 100_000;
/// Most linear memories one call's component may have; the engine's pool is sized by it.
pub const MAX_MEMORIES: u32 = 4;
/// Most tables one call's component may have.
pub const MAX_TABLES: u32 = 16;
/// Most core instances one call's component may have.
pub const MAX_CORE_INSTANCES: u32 = 32;

impl CallLimiter {
    pub fn new(memory_cap: u64) -> CallLimiter {
        CallLimiter {
            memory_cap,
            in_use: 0,
            cap_hit: false,
        }
    }
}

impl wasmtime::ResourceLimiter for CallLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let total = self.in_use - (current as u64).min(self.in_use) + desired as u64;
        if total > self.memory_cap {
            self.cap_hit = true;
            return Err(wasmtime::Error::new(MemoryCapExceeded {
                cap: self.memory_cap,
                desired: total,
            }));
        }
        self.in_use = total;
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= MAX_TABLE_ELEMENTS)
    }

    fn instances(&self) -> usize {
        MAX_CORE_INSTANCES as usize
    }

    fn tables(&self) -> usize {
        MAX_TABLES as usize
    }

    fn memories(&self) -> usize {
        MAX_MEMORIES as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmtime::ResourceLimiter;

    #[test]
    fn growth_over_the_cap_fails_with_a_typed_error() {
        let mut limiter = CallLimiter::new(1 << 20);
        assert!(limiter.memory_growing(0, 1 << 20, None).unwrap());
        let err = limiter.memory_growing(1 << 20, 2 << 20, None).unwrap_err();
        assert!(err.downcast_ref::<MemoryCapExceeded>().is_some());
        assert!(limiter.cap_hit);
    }

    #[test]
    fn the_cap_holds_for_all_memories_together() {
        let mut limiter = CallLimiter::new(10 << 20);
        assert!(limiter.memory_growing(0, 4 << 20, None).unwrap());
        assert!(limiter.memory_growing(0, 4 << 20, None).unwrap());
        assert!(limiter.memory_growing(4 << 20, 5 << 20, None).unwrap());
        let err = limiter.memory_growing(0, 2 << 20, None).unwrap_err();
        assert_eq!(
            err.downcast_ref::<MemoryCapExceeded>().unwrap().desired,
            11 << 20
        );
    }
}
