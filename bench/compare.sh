#!/usr/bin/env bash
# Benchmark: two builds of `events` side by side, in one run, on the same data: a fresh import
# of 100,000 events and a re-import of the same file (every record matched and unchanged), with
# peak memory. For measuring what a change costs: build the older commit elsewhere first.
#
#   bench/compare.sh OLD_BINARY [NEW_BINARY] [EVENTS]
#
#   git worktree add /tmp/old <commit> && (cd /tmp/old && cargo build --release --locked)
#   bench/compare.sh /tmp/old/target/release/events
#
# NEW_BINARY defaults to this tree's release build; EVENTS to 100000. Needs hyperfine and GNU
# time (Debian: hyperfine, time).
set -euo pipefail
cd "$(dirname "$0")/.."

old=$(realpath "$1")
if [ -n "${2:-}" ]; then
    new=$(realpath "$2")
else
    cargo build --release --locked --quiet
    new=$PWD/target/release/events
fi
events_count=${3:-100000}
runs=${RUNS:-3}
data=bench/data/$events_count
mkdir -p "$data" bench/results
if [ ! -s "$data/events.ndjson" ]; then
    python3 bench/generate.py "$data" "$events_count"
fi
file=$data/events.ndjson
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

hyperfine --runs "$runs" --export-markdown bench/results/compare-import.md \
    --prepare "rm -f $work/old.db* $work/new.db*" \
    -n "old: import" "$old -q --db $work/old.db import $file" \
    -n "new: import" "$new -q --db $work/new.db import $file"

# The databases of the last run stay for the re-import.
hyperfine --runs "$runs" --export-markdown bench/results/compare-reimport.md \
    -n "old: re-import (unchanged)" "$old -q --db $work/old.db import $file" \
    -n "new: re-import (unchanged)" "$new -q --db $work/new.db import $file"

for which in old new; do
    bin=${!which}
    rm -f "$work/rss.db"*
    /usr/bin/time -v "$bin" -q --db "$work/rss.db" import "$file" 2>&1 \
        | awk -v w="$which" '/Maximum resident/ {print w ": peak RSS of a fresh import: " $6 / 1024 " MB"}'
done
