#!/usr/bin/env bash
# The demo: two cities on the embedded SQLite, the three services installed, example requests made
# over HTTP, the URLs to try printed, then the server keeps running until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-plugins.sh
exec cargo run -p carmen-host --bin carmen -- demo "$@"
