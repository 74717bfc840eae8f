#!/usr/bin/env bash
# Renders the bundled incident's HTML report and photographs it with headless Chromium:
# report.html, desktop.png (1280 px), phone.png (375 px) and report.pdf (printed), here.
# Needs a built rulewatch (swift build) and chromium (apt-get install chromium).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
bin=${RULEWATCH_BIN:-$root/.build/debug/rulewatch}
profile=$(mktemp -d "${TMPDIR:-/tmp}/rulewatch-shots.XXXXXX")
trap 'rm -rf -- "$profile"' EXIT
cd "$here/.."
"$bin" analyze capture.txt --egress egress.csv --format html --output "$here/report.html"
chrome() { chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$profile" "$@" 2>/dev/null; }
chrome --hide-scrollbars --window-size=1280,2600 --screenshot="$here/desktop.png" "file://$here/report.html"
chrome --hide-scrollbars --window-size=375,3000 --screenshot="$here/phone.png" "file://$here/report.html"
chrome --no-pdf-header-footer --print-to-pdf="$here/report.pdf" "file://$here/report.html"
