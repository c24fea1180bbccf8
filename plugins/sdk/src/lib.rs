//! The Rust SDK for Carmen city services: the `carmen:city@0.1.1` bindings, an `export!` macro, and
//! helpers for reading submissions, writing field errors, dates and translated text.
//!
//! A service implements [`Guest`] and calls `carmen_sdk::export!(MyService);`.

extern crate self as carmen_sdk;

wit_bindgen::generate!({
    path: "../../wit/city@0.1.1",
    world: "city-service",
    pub_export_macro: true,
    default_bindings_module: "carmen_sdk",
    runtime_path: "carmen_sdk::wit_bindgen::rt",
    additional_derives: [PartialEq],
});

pub use wit_bindgen;

pub use carmen::city::types::*;
pub use carmen::city::{cases, clock, config, log, notify, store};
pub use exports::carmen::city::service::Guest;

pub mod counter;
pub mod dates;
pub mod form;
pub mod text;
