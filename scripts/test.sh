#!/usr/bin/env bash
# Every test: installs what the tests need, builds the plugins, checks the layers and clippy, then
# runs the unit and end-to-end tests of the whole workspace, and last the timed tier (the latency
# tests, `#[ignore = "timed: ..."]`) one test at a time.
#
#   ./scripts/test.sh            the whole suite
#   ./scripts/test.sh --fast     the quick tiers: layers, clippy, unit tests, and the end-to-end tests
#                                of authorization and tenancy (about a minute once built)
#
# Other arguments go to `cargo test` (say `--no-fail-fast`, or `-- a_test_name`).
# The PostgreSQL tests use CARMEN_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/test).
set -euo pipefail
cd "$(dirname "$0")/.."
fast=0
if [[ "${1:-}" == "--fast" ]]; then
    fast=1
    shift
fi
./scripts/setup.sh
./scripts/build-plugins.sh
# The plugin-author tests build services with the real toolchains: componentize-py (PyPI) and the
# pinned componentize-js in tools/js (`npm ci --prefix tools/js`), found on PATH as a developer's would be.
export PATH="$PWD/tools/js/node_modules/.bin:$PATH"
for tool in componentize-py componentize-js; do
    command -v "$tool" >/dev/null || { echo "missing $tool: scripts/setup.sh did not install it" >&2; exit 1; }
done

# The layers: the HTTP crate and the command line compile against the core without its `testing`
# feature, so naming the domain, the store, the engine or the capabilities above the runtime fails here.
echo "layers: carmen-http and carmen compile with only the runtime in view"
cargo check -q -p carmen-http -p carmen-host
echo "clippy: warnings are errors"
cargo clippy -q --workspace --all-targets -- -D warnings

if [[ $fast == 1 ]]; then
    cargo test --workspace --lib --bins "$@"
    cargo test -p carmen-core --doc "$@"
    cargo test -p carmen-tests --test e2e "$@" -- proofs:: authorization:: tenancy:: bad_input:: openapi::
else
    cargo test --workspace "$@"
    # The timed tier: the tests that compare latencies under attack with latencies at rest are
    # marked `#[ignore = "timed: ..."]` and run here, one at a time with nothing else beside them.
    cargo_args=()
    test_args=()
    seen_separator=0
    for arg in "$@"; do
        if [[ $seen_separator == 0 && "$arg" == "--" ]]; then
            seen_separator=1
        elif [[ $seen_separator == 0 ]]; then
            cargo_args+=("$arg")
        else
            test_args+=("$arg")
        fi
    done
    echo "timed tier: the latency tests, alone"
    cargo test -p carmen-tests --test e2e "${cargo_args[@]}" -- --ignored --test-threads=1 "${test_args[@]}"
fi
