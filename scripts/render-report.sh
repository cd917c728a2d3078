#!/usr/bin/env bash
# Renders an HTML report (`events report --format html`) in headless Chromium, as a reader
# would see it: a screenshot at a desktop width and at a phone width, and the PDF that
# printing it gives (the print styles applied).
#
#   scripts/render-report.sh REPORT.html OUTDIR
#
# writes OUTDIR/desktop.png (1280 px wide), OUTDIR/phone.png (390 px wide) and
# OUTDIR/report.pdf. Needs Debian's `chromium` (or $CHROMIUM naming another build). The browser
# runs with a profile of its own, thrown away at the end, and fetches nothing: the report is
# one file with nothing to load.
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 REPORT.html OUTDIR" >&2
    exit 2
fi
report=$1
out=$2
[ -f "$report" ] || { echo "error: no report at $report" >&2; exit 1; }
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$chromium" ]; then
    echo "error: chromium is not installed (apt-get install chromium), or set \$CHROMIUM" >&2
    exit 1
fi
mkdir -p "$out"
url="file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

browse() {
    # A browser that hangs (no display, a broken profile) must not hang the tests.
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$profile" "$@" "$url" \
        >"$profile.log" 2>&1 || { cat "$profile.log" >&2; rm -f "$profile.log"; return 1; }
    rm -f "$profile.log"
}

browse --screenshot="$out/desktop.png" --window-size=1280,2000
browse --screenshot="$out/phone.png" --window-size=390,2400 --force-device-scale-factor=1
browse --print-to-pdf="$out/report.pdf" --no-pdf-header-footer
for f in desktop.png phone.png report.pdf; do
    [ -s "$out/$f" ] || { echo "error: chromium wrote no $out/$f" >&2; exit 1; }
done
echo "$out/desktop.png $out/phone.png $out/report.pdf"
