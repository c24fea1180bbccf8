//! The Rust SDK for Carmen city services: the `carmen:city@0.1.2` bindings, an `export!` macro, and
//! helpers for reading submissions, writing field errors, dates and translated text.
//!
//! A service implements [`Guest`] and [`Forget`] (what to do when a citizen is erased; nothing, for
//! a service that keeps nothing about citizens) and calls `carmen_sdk::export!(MyService);`.

extern crate self as carmen_sdk;

wit_bindgen::generate!({
    path: "../../wit/city@0.1.2",
    world: "erasable-city-service",
    pub_export_macro: true,
    default_bindings_module: "carmen_sdk",
    runtime_path: "carmen_sdk::wit_bindgen::rt",
    additional_derives: [PartialEq],
});

pub use wit_bindgen;

pub use carmen::city::types::*;
pub use carmen::city::{cases, clock, config, log, notify, requester, store};
pub use exports::carmen::city::erasure::{Guest as Forget, Subject};
pub use exports::carmen::city::service::Guest;

pub mod counter;
pub mod dates;
pub mod entries;
pub mod form;
pub mod http;
pub mod text;
