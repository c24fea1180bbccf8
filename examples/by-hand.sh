#!/usr/bin/env bash
# The demo's story, by hand with the CLI: a registry, a publishing city and an installing city.
# Run from the repository root after ./scripts/build-plugins.sh; everything goes to a temporary folder.
set -euo pipefail
cargo build -q -p carmen-host
carmen="$PWD/target/debug/carmen"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
registry=http://127.0.0.1:18090

echo "== a registry starts; publishers register by the operator's invitation"
# The operator makes a registration token and hands it to each city's developers.
CARMEN_REGISTRY_REGISTRATION_TOKEN="ri_$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export CARMEN_REGISTRY_REGISTRATION_TOKEN
"$carmen" registry serve --db "$work/registry.db" --blobs "$work/blobs" --listen 127.0.0.1:18090 2>/dev/null &
for _ in $(seq 50); do "$carmen" search --registry "$registry" >/dev/null 2>&1 && break; sleep 0.1; done

echo "== Rivertown's developer becomes a publisher and publishes street-issue"
token=$("$carmen" registry publisher rivertown-digital --city rivertown --key-file "$work/signing.key" --registry "$registry")
"$carmen" publish plugins/street-issue --token "$token" --key-file "$work/signing.key" --registry "$registry"
"$carmen" info street-issue --registry "$registry"

echo "== Hillcrest installs it from the registry"
db="$work/hillcrest.db"
"$carmen" city add hillcrest --name Hillcrest --db "$db"
"$carmen" install hillcrest 'street-issue@^0.1' --grant config,log --report --registry "$registry" --db "$db"
"$carmen" service list hillcrest --db "$db"
"$carmen" info street-issue --registry "$registry" | grep "runs in"
