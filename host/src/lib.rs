//! Carmen: one host runs the services of many cities, each service a sandboxed WebAssembly component.
//!
//! The crates are the layers, and their dependencies the arrows: `carmen` (the command line and the
//! demo) -> `carmen-http` (API, Open311, pages) -> `carmen-core` (the runtime, and below it the
//! engine, capabilities, contract, domain and store, private to it).

pub mod cli;
pub mod demo;
pub use carmen_core::{contract, i18n, metrics, runtime};
pub use carmen_http as api;
pub use carmen_registry::manifest;

/// mimalloc: a plugin call allocates and frees many small objects (stores, instances, lifted
/// strings), and glibc's malloc spent a sixth of a call on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How this process holds memory, set before it serves.
///
/// - mimalloc 3 keeps the memory a thread freed for a second (its `purge_delay`) before giving
///   it back, and a thread that goes idle meanwhile keeps it: listing every one of 100,000 cities
///   left ~30 MiB held by the store's idle worker threads. At 10 ms (mimalloc 2's default) it goes
///   back with the next few allocations; plugin calls measured no slower.
/// - No transparent huge pages: mimalloc asked for them on its 1 GiB arena (it no longer does:
///   its `no_thp` feature), and then a thread touching a few KiB made 2 MiB resident. Measured
///   with `--bench scale` (100,000 cities): 28–29 MiB resident when ready instead of 42–44,
///   1.1–1.3 KiB a city used instead of 2.4–3.2, and listing every city grew the process by 5–6
///   MiB instead of 13–20. Plugin calls and submits measured the same (alternating, same binary,
///   with and without). Turned off here too, for machines whose kernel gives huge pages unasked.
pub(crate) fn tune_memory() {
    // mimalloc.h's `mi_option_purge_delay` (libmimalloc-sys 0.1.49 links mimalloc 3, and names
    // no constant for it).
    const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;
    unsafe extern "C" {
        fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    }
    // SAFETY: mi_option_set only stores an option's value; any option and value are accepted.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 10) }
    // For the whole process, whatever the machine's default (`always` gives every anonymous
    // mapping huge pages, asked or not). Where the kernel has no such switch, nothing changes.
    // SAFETY: PR_SET_THP_DISABLE takes one integer argument and changes only this flag.
    unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
}

#[cfg(test)]
mod tests {
    #[test]
    fn freed_memory_is_given_back_after_10_ms_and_no_page_is_huge() {
        unsafe extern "C" {
            fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
        }
        // Option 15 is purge_delay: mimalloc 3's default, 1000 ms, unless the environment says.
        let default = std::env::var("MIMALLOC_PURGE_DELAY")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000);
        // SAFETY: mi_option_get only reads an option's value.
        assert_eq!(unsafe { mi_option_get(15) }, default);
        super::tune_memory();
        // SAFETY: as above.
        assert_eq!(unsafe { mi_option_get(15) }, 10);
        // SAFETY: PR_GET_THP_DISABLE takes no argument and reads one flag.
        assert_eq!(
            unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) },
            1
        );
    }
}
