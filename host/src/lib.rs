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
pub use carmen_registry::manifest;
pub mod runtime;
