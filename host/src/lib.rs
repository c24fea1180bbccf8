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
