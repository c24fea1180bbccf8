//! The one `bindgen!` of the `carmen:city` contract: host traits for the imports, typed calls for the exports.

wasmtime::component::bindgen!({
    path: "../wit/city@0.1.1",
    world: "city-service",
    imports: { default: async | trappable },
    exports: { default: async },
});

pub use self::carmen::city::types;
pub use self::exports::carmen::city::service;
