#!/usr/bin/env bash
# Builds every service in plugins/ as a wasm32-wasip2 component into target/wasm32-wasip2/release/.
# The crates are rlibs (so their unit tests run natively); the component comes from `--crate-type cdylib`.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup target add wasm32-wasip2 >/dev/null
for plugin in street-issue bulky-waste document-reminder hostile legacy-counter; do
    cargo rustc --quiet --release --target wasm32-wasip2 -p "$plugin" --crate-type cdylib
done
# The wasi:http reference component the public-reads benchmark runs under `wasmtime serve`.
cargo rustc --quiet --release --target wasm32-wasip2 -p fixed-json --crate-type cdylib
ls target/wasm32-wasip2/release/*.wasm
