//! Carmen's shared registry: a city publishes a service once, any other city installs it.
//!
//! The package format (`manifest`), component inspection (`package`), content addressing (`blobs`),
//! signatures (`signing`), semver resolution (`resolve`), the registry's store and HTTP server
//! (`store`, `server`) and the client the host uses (`client`).

pub mod blobs;
pub mod capabilities;
pub mod client;
pub mod hosts;
pub mod manifest;
pub mod names;
pub mod package;
pub mod resolve;
pub mod server;
pub mod signing;
pub mod store;
