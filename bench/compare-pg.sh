#!/usr/bin/env bash
# Benchmark: two builds of `events` side by side, in one run, importing the same 100,000 events
# into PostgreSQL, each into a database of its own made anew before every run (on the server
# URL names, dropped at the end). For measuring what a change costs on PostgreSQL, as
# bench/compare.sh does on SQLite:
#
#   bench/compare-pg.sh OLD_BINARY [NEW_BINARY] [URL] [EVENTS]
#   bench/compare-pg.sh /tmp/old/target/release/events "" postgres://postgres@127.0.0.1:5433/postgres
#
# NEW_BINARY defaults to this tree's release build; URL to postgres://postgres@127.0.0.1:5433/
# postgres (a role that may create databases); EVENTS to 100000. Needs hyperfine and psql.
set -euo pipefail
cd "$(dirname "$0")/.."

old=$(realpath "$1")
if [ -n "${2:-}" ]; then
    new=$(realpath "$2")
else
    cargo build --release --locked --quiet
    new=$PWD/target/release/events
fi
url=${3:-postgres://postgres@127.0.0.1:5433/postgres}
events_count=${4:-100000}
runs=${RUNS:-3}
data=bench/data/$events_count
mkdir -p "$data" bench/results
if [ ! -s "$data/events.ndjson" ]; then
    python3 bench/generate.py "$data" "$events_count"
fi
file=$data/events.ndjson
base=${url%/*}
psql_do() { psql -q -X -d "$url" -c "$1"; }
fresh="psql -q -X -d $url -c 'DROP DATABASE IF EXISTS events_bench_old' -c 'DROP DATABASE IF EXISTS events_bench_new' -c 'CREATE DATABASE events_bench_old' -c 'CREATE DATABASE events_bench_new'"
trap 'psql_do "DROP DATABASE IF EXISTS events_bench_old"; psql_do "DROP DATABASE IF EXISTS events_bench_new"' EXIT

hyperfine --runs "$runs" --export-markdown bench/results/compare-pg-import.md \
    --prepare "$fresh" \
    -n "old: import (PostgreSQL)" "$old -q --db $base/events_bench_old import $file" \
    -n "new: import (PostgreSQL)" "$new -q --db $base/events_bench_new import $file"
