#!/usr/bin/env bash
# Every test: builds the plugins, then the unit and end-to-end tests of the whole workspace.
# The PostgreSQL tests use CARMEN_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/test).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build-plugins.sh
# The plugin-author tests build services with the real toolchains: componentize-py (PyPI) and the
# pinned componentize-js in tools/js (`npm ci --prefix tools/js`), found on PATH as a developer's would be.
export PATH="$PWD/tools/js/node_modules/.bin:$PATH"
for tool in componentize-py componentize-js; do
    command -v "$tool" >/dev/null || { echo "missing $tool: scripts/setup.sh did not install it" >&2; exit 1; }
done
cargo test --workspace "$@"
