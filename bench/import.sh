#!/usr/bin/env bash
# Benchmark: `events import` of a large NDJSON file against the floor of raw SQLite insertion
# (the sqlite3 shell's `.import` of the same rows from flat CSV files into plain tables with the
# same indexes) and against `sqlite-utils insert --nl` of the same NDJSON. Then peak memory.
#
#   bench/import.sh [EVENTS]        # default 100000 events (~1.4M rows, ~220 MB of NDJSON)
#
# Needs hyperfine, GNU time (/usr/bin/time), sqlite3 and sqlite-utils; installs them when run
# as root (apt-get, pip), else says how. Results go to bench/results/ and the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."

events_count=${1:-100000}
runs=${RUNS:-3}
data=bench/data/$events_count
results=bench/results
mkdir -p "$data" "$results"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hyperfine || [ ! -x /usr/bin/time ] || ! need sqlite3; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq hyperfine time sqlite3 >/dev/null
    else
        echo "install: sudo apt-get install hyperfine time sqlite3" >&2; exit 1
    fi
fi
if ! need sqlite-utils; then
    python3 -m pip install --quiet sqlite-utils || { echo "install: pip install sqlite-utils" >&2; exit 1; }
fi

cargo build --release --locked --quiet
events=$PWD/target/release/events

if [ ! -s "$data/events.ndjson" ]; then
    echo "generating $events_count events in $data ..." >&2
    python3 bench/generate.py "$data" "$events_count"
fi
ls -l "$data/events.ndjson" >&2
db=$data/bench.db

echo "== import, $runs runs each" >&2
hyperfine --runs "$runs" --style basic \
    --export-markdown "$results/import-$events_count.md" \
    --export-json "$results/import-$events_count.json" \
    --prepare "rm -f $db $db-wal $db-shm" \
    --command-name "events import" \
    "$events -q --db $db import $data/events.ndjson" \
    --command-name "sqlite3 .import (floor)" \
    "cd $data/csv && sqlite3 ../bench.db < $PWD/bench/baseline.sql" \
    --command-name "sqlite-utils insert --nl" \
    "sqlite-utils insert $db events $data/events.ndjson --nl"

echo "== peak memory of events import" >&2
rm -f "$db" "$db-wal" "$db-shm"
/usr/bin/time -v "$events" -q --db "$db" import "$data/events.ndjson" 2> "$results/memory-$events_count.txt"
grep -E "Maximum resident set size|Elapsed" "$results/memory-$events_count.txt" >&2
sqlite3 "$db" "SELECT 'rows: ' || ((SELECT count(*) FROM event) + (SELECT count(*) FROM participation)
    + (SELECT count(*) FROM event_organization) + (SELECT count(*) FROM event_tag)
    + (SELECT count(*) FROM session) + (SELECT count(*) FROM person) + (SELECT count(*) FROM organization));
    PRAGMA integrity_check;" >&2
cat "$results/import-$events_count.md"
