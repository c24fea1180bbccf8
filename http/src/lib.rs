//! Carmen over HTTP: the JSON API, Open311 and the web pages. Every handler goes through the
//! runtime's use cases with the proof the runtime made of its caller; this crate depends on the
//! core's runtime alone, and cannot name the domain or the store.

mod api;
pub use api::*;

use carmen_core::{contract, i18n, manifest, metrics, runtime};
