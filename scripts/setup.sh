#!/usr/bin/env bash
# Installs what the tests need besides Rust, pinned and idempotent (quiet when already there):
# the wasm32-wasip2 target, Python tools from PyPI, Chromium and chromedriver from Debian, axe-core
# and componentize-js from npm; and starts the local PostgreSQL when the machine has one stopped.
# Called by scripts/test.sh; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target add wasm32-wasip2 >/dev/null 2>&1 || rustup target add wasm32-wasip2
# clippy runs in the test command with warnings as errors (a minimal Rust install may lack it).
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy

# Python: the generated-client test (openapi-python-client), the SMTP sink (aiosmtpd), the metrics
# test's parser (prometheus-client), and the Python plugin toolchain (componentize-py).
python_packages=(openapi-python-client==0.29.1 aiosmtpd==1.4.6 prometheus-client==0.21.1 componentize-py==0.25.1)
missing=()
for spec in "${python_packages[@]}"; do
    name=${spec%%==*}
    want=${spec##*==}
    have=$(python3 -m pip show "$name" 2>/dev/null | sed -n 's/^Version: //p' || true)
    [ "$have" = "$want" ] || missing+=("$spec")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: pip install ${missing[*]}"
    python3 -m pip install --quiet "${missing[@]}" \
        || python3 -m pip install --quiet --break-system-packages "${missing[@]}"
fi

# The browser tests: Debian's Chromium driven through chromedriver.
if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; then
    echo "setup: apt-get install chromium chromium-driver"
    if [ "$(id -u)" = 0 ]; then sudo=(); else sudo=(sudo); fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q >/dev/null
    "${sudo[@]}" apt-get install -y -q chromium chromium-driver >/dev/null
fi

# npm packages, pinned by their lock files: axe-core for the browser tests, componentize-js for
# the JavaScript plugin toolchain. `npm ci` only when the installed tree is not the locked one.
for prefix in tests/browser tools/js; do
    stamp="$prefix/node_modules/.installed-from-lock"
    lock=$(sha256sum "$prefix/package-lock.json" | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$lock" ]; then
        echo "setup: npm ci --prefix $prefix"
        npm ci --prefix "$prefix" --no-audit --no-fund --silent
        echo "$lock" > "$stamp"
    fi
done

# PostgreSQL for the tests that need it, where the machine has a server that is not running.
if command -v pg_isready >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    if [ -d /etc/postgresql ]; then
        echo "setup: starting PostgreSQL"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    fi
fi
