//! The memory cap of one plugin call, enforced through wasmtime's `ResourceLimiter`.

/// The error a call fails with when the plugin asks for more memory than its cap.
#[derive(Debug, thiserror::Error)]
#[error("the plugin tried to grow its memory to {desired} bytes, over its cap of {cap} bytes")]
pub struct MemoryCapExceeded {
    pub cap: u64,
    pub desired: u64,
}

/// Caps linear memory per store and keeps tables and instance counts small.
#[derive(Debug)]
pub struct CallLimiter {
    memory_cap: u64,
    pub(crate) cap_hit: bool,
}

/// Most table elements a plugin may have.
const MAX_TABLE_ELEMENTS: usize = 100_000;

impl CallLimiter {
    pub fn new(memory_cap: u64) -> CallLimiter {
        CallLimiter {
            memory_cap,
            cap_hit: false,
        }
    }
}

impl wasmtime::ResourceLimiter for CallLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired as u64 > self.memory_cap {
            self.cap_hit = true;
            return Err(wasmtime::Error::new(MemoryCapExceeded {
                cap: self.memory_cap,
                desired: desired as u64,
            }));
        }
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
        64
    }

    fn tables(&self) -> usize {
        64
    }

    fn memories(&self) -> usize {
        16
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
}
