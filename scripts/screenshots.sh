#!/usr/bin/env bash
# Refreshes the README's screenshots: runs the Lighthouse test (the pages a city shows, on a phone
# and a desktop) and keeps each page's final screenshot from its report in docs/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/js/node_modules/.bin:$PATH"
cargo test -q -p carmen-tests --test e2e -- lighthouse:: >/dev/null
python3 - <<'PY'
import base64, json, pathlib
reports = pathlib.Path("target/browser-artifacts/lighthouse")
out = pathlib.Path("docs/screenshots")
out.mkdir(parents=True, exist_ok=True)
for report in sorted(reports.glob("*.json")):
    data = json.loads(report.read_text())["audits"]["final-screenshot"]["details"]["data"]
    _, encoded = data.split(",", 1)
    (out / (report.stem + ".jpg")).write_bytes(base64.b64decode(encoded))
    print(out / (report.stem + ".jpg"))
PY
