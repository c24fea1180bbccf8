//! Carmen over HTTP: the JSON API, Open311 and the web pages. Every handler goes through the
//! runtime's use cases with the proof the runtime made of its caller; this crate depends on the
//! core's runtime alone, and cannot name the domain or the store.

// A page helper answers with the page to show instead as its `Err`: boxing it buys nothing on a
// path that ends the request.
#![allow(clippy::result_large_err)]

mod api;
pub use api::*;

use carmen_core::{contract, i18n, metrics, runtime};
