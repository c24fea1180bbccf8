//! Carmen's core: the runtime, the only door to the domain. Below it, each layer is a crate and
//! each arrow a dependency: `carmen-engine -> carmen-sandbox (capabilities, contract) ->
//! carmen-domain -> carmen-store`; the engine cannot name the domain, nor the capabilities the
//! store. Above this crate only the runtime, its vocabulary (`runtime::types`), the contract's
//! types, the texts and the metrics are in view: the lower crates are private to it (the `testing`
//! feature opens them to the tests alone).

pub mod i18n;
pub mod runtime;
pub use carmen_engine::metrics;
pub use carmen_sandbox::contract;

#[cfg(feature = "testing")]
pub use carmen_domain as crm;
#[cfg(not(feature = "testing"))]
use carmen_domain as crm;
#[cfg(feature = "testing")]
pub use carmen_engine as engine;
#[cfg(not(feature = "testing"))]
use carmen_engine as engine;
#[cfg(feature = "testing")]
pub use carmen_sandbox::capabilities;
#[cfg(not(feature = "testing"))]
use carmen_sandbox::capabilities;
#[cfg(feature = "testing")]
pub use carmen_store as db;
#[cfg(not(feature = "testing"))]
use carmen_store as db;
