//! Carmen's core: the runtime, the only door to the domain, and what it stands on.
//!
//! The arrows point one way: `runtime -> engine -> capabilities -> contract`,
//! `runtime -> crm -> db`, `capabilities -> crm`. Above this crate, only the runtime, the contract's
//! types, the texts and the metrics are in view: the HTTP crate cannot name the domain or the store
//! (it is not compiled with the `testing` feature, which opens them to the tests alone).

pub mod contract;
pub mod i18n;
pub mod metrics;
pub mod runtime;
pub use carmen_registry::manifest;

#[cfg(feature = "testing")]
pub mod capabilities;
#[cfg(not(feature = "testing"))]
mod capabilities;
#[cfg(feature = "testing")]
pub mod crm;
#[cfg(not(feature = "testing"))]
mod crm;
#[cfg(feature = "testing")]
pub mod db;
#[cfg(not(feature = "testing"))]
mod db;
#[cfg(feature = "testing")]
pub mod engine;
#[cfg(not(feature = "testing"))]
mod engine;
