#!/usr/bin/env bash
# Builds every plugin in plugins/ as a wasm32-wasip2 component into target/wasm32-wasip2/release/.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup target add wasm32-wasip2 >/dev/null
cargo build --release --target wasm32-wasip2 \
    -p street-issue -p bulky-waste -p document-reminder -p hostile
