//! Carmen: one host runs the services of many cities, each service a sandboxed WebAssembly component.
//!
//! The arrows point one way: `api -> runtime -> crm -> db`, `runtime -> engine -> capabilities -> crm`.

pub mod api;
pub mod capabilities;
pub mod cli;
pub mod contract;
pub mod crm;
pub mod db;
pub mod demo;
pub mod engine;
pub mod i18n;
pub mod metrics;
pub use carmen_registry::manifest;
pub mod runtime;

/// mimalloc: a plugin call allocates and frees many small objects (stores, instances, lifted
/// strings), and glibc's malloc spent a sixth of a call on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
