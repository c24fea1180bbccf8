#!/usr/bin/env bash
# Every test: builds the plugins, then the unit and end-to-end tests of the whole workspace.
# The PostgreSQL tests use CARMEN_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/test).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-plugins.sh
cargo test --workspace "$@"
