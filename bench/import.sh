#!/usr/bin/env bash
# Benchmark: `events import` of a large NDJSON file (into a database that is not there yet)
# against the bare floor of issue 12: the sqlite3 shell's `.import` of the same rows from flat
# CSV files into plain tables, the indexes built after the load, `synchronous = NORMAL`
# (bench/baseline.sql). Also the floor before issue 12 (bench/baseline_indexed.sql: indexes
# there before the load, `synchronous = FULL`) and, if installed, `sqlite-utils insert --nl`.
# Prints the ratio of `events import` to the floor, then the peak memory of `events import`.
#
#   bench/import.sh [EVENTS]        # default 100000 events (~1.4M rows, ~220 MB of NDJSON)
#   EVENTS_BIN=/path/to/events bench/import.sh     # another build instead of this one's
#
# Needs hyperfine, GNU time (/usr/bin/time) and sqlite3; installs them when run as root
# (apt-get), else says how. Results go to bench/results/ and the terminal; the databases to a
# temporary directory (removed at the end), so that bench/data may be shared.
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
if [ -z "${EVENTS_BIN:-}" ]; then
    cargo build --release --locked --quiet
fi
events=${EVENTS_BIN:-$PWD/target/release/events}

if [ ! -s "$data/events.ndjson" ]; then
    echo "generating $events_count events in $data ..." >&2
    python3 bench/generate.py "$data" "$events_count"
fi
ls -l "$data/events.ndjson" >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=$work/bench.db
ndjson=$PWD/$data/events.ndjson

others=()
if need sqlite-utils; then
    others=(--command-name "sqlite-utils insert --nl" "sqlite-utils insert $db events $ndjson --nl")
fi
echo "== import, $runs runs each" >&2
hyperfine --runs "$runs" --style basic \
    --export-markdown "$results/import-$events_count.md" \
    --export-json "$results/import-$events_count.json" \
    --prepare "rm -f $db $db-wal $db-shm $db-journal" \
    --command-name "events import" \
    "$events -q --db $db import $ndjson" \
    --command-name "sqlite3 .import (floor)" \
    "cd $data/csv && sqlite3 $db < $PWD/bench/baseline.sql" \
    --command-name "sqlite3 .import, indexes first, FULL (floor before issue 12)" \
    "cd $data/csv && sqlite3 $db < $PWD/bench/baseline_indexed.sql" \
    "${others[@]}"
python3 - "$results/import-$events_count.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
e, f = r["events import"], r["sqlite3 .import (floor)"]
print(f"events import {e['mean']:.2f} s (user {e['user']:.2f} s), floor {f['mean']:.2f} s: "
      f"{e['mean'] / f['mean']:.2f}x the floor (target: 1.5x)")
PY

echo "== peak memory of events import" >&2
rm -f "$db" "$db-wal" "$db-shm"
/usr/bin/time -v "$events" -q --db "$db" import "$data/events.ndjson" 2> "$results/memory-$events_count.txt"
grep -E "Maximum resident set size|Elapsed" "$results/memory-$events_count.txt" >&2
sqlite3 "$db" "SELECT 'rows: ' || ((SELECT count(*) FROM event) + (SELECT count(*) FROM participation)
    + (SELECT count(*) FROM event_organization) + (SELECT count(*) FROM event_tag)
    + (SELECT count(*) FROM session) + (SELECT count(*) FROM person) + (SELECT count(*) FROM organization));
    PRAGMA integrity_check;" >&2
cat "$results/import-$events_count.md"
