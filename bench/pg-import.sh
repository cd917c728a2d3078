#!/usr/bin/env bash
# Benchmark: `events import` of a large NDJSON file into PostgreSQL against the floor of raw
# PostgreSQL insertion: psql's `\copy` of the same rows (flat CSV files written by the
# generator) into plain tables with the same indexes (bench/baseline_pg.sql), side by side in
# one run, in a throwaway database created on the server the URL names and dropped at the end.
# Then the ratio of the two, and the peak memory of `events import`.
#
#   bench/pg-import.sh URL [EVENTS]     # default 100000 events (~1.4M rows, ~220 MB of NDJSON)
#   bench/pg-import.sh postgres://postgres@127.0.0.1:5433/postgres
#
# URL names a database to connect to first, as a role that may create databases; the
# benchmark's own database is made beside it. Starts no server. Needs hyperfine, GNU time
# (/usr/bin/time) and psql; installs them when run as root (apt-get), else says how. Results go
# to bench/results/ and the terminal. Re-runnable: the data is generated once, the database
# is new every run.
set -euo pipefail
cd "$(dirname "$0")/.."

url=${1:?usage: bench/pg-import.sh URL [EVENTS]}
events_count=${2:-100000}
runs=${RUNS:-3}
data=bench/data/$events_count
results=bench/results
mkdir -p "$data" "$results"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hyperfine || [ ! -x /usr/bin/time ] || ! need psql; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq hyperfine time postgresql-client >/dev/null
    else
        echo "install: sudo apt-get install hyperfine time postgresql-client" >&2; exit 1
    fi
fi

cargo build --release --locked --quiet
events=$PWD/target/release/events

if [ ! -s "$data/events.ndjson" ]; then
    echo "generating $events_count events in $data ..." >&2
    python3 bench/generate.py "$data" "$events_count"
fi
ls -l "$data/events.ndjson" >&2

# The URL of a new database beside the one URL names: same server, role and options.
db=events_bench_$$
bench_url=$(python3 - "$url" "$db" <<'PY'
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))
PY
)
psql -X -q -v ON_ERROR_STOP=1 "$url" -c "CREATE DATABASE $db"
trap 'psql -X -q "$url" -c "DROP DATABASE IF EXISTS $db" || true' EXIT

clean="psql -X -q -v ON_ERROR_STOP=1 '$bench_url' -c 'DROP SCHEMA IF EXISTS events CASCADE; DROP SCHEMA IF EXISTS baseline CASCADE'"
echo "== import into PostgreSQL, $runs runs each" >&2
hyperfine --runs "$runs" --style basic \
    --export-markdown "$results/pg-import-$events_count.md" \
    --export-json "$results/pg-import-$events_count.json" \
    --prepare "$clean" \
    --command-name "events import" \
    "$events -q --db '$bench_url' import $data/events.ndjson" \
    --command-name "psql \\copy (floor)" \
    "cd $data/csv && psql -X -q '$bench_url' -f $PWD/bench/baseline_pg.sql"

echo "== peak memory of events import" >&2
eval "$clean"
/usr/bin/time -v "$events" -q --db "$bench_url" import "$data/events.ndjson" \
    2> "$results/pg-memory-$events_count.txt"
grep -E "Maximum resident set size|Elapsed" "$results/pg-memory-$events_count.txt" >&2
psql -X -q -At "$bench_url" -c "SELECT 'rows: ' || ((SELECT count(*) FROM events.event)
    + (SELECT count(*) FROM events.participation) + (SELECT count(*) FROM events.event_organization)
    + (SELECT count(*) FROM events.event_tag) + (SELECT count(*) FROM events.session)
    + (SELECT count(*) FROM events.person) + (SELECT count(*) FROM events.organization))" >&2

cat "$results/pg-import-$events_count.md"
python3 - "$results/pg-import-$events_count.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
e, f = r["events import"], r["psql \\copy (floor)"]
print(f"events import / psql \\copy: {e['mean'] / f['mean']:.2f}x "
      f"({e['mean']:.2f} s against {f['mean']:.2f} s; user CPU of events {e['user']:.2f} s)")
PY
