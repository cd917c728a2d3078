#!/usr/bin/env bash
# Benchmark: how each figure grows with the number of events. For every size (default 10,000,
# 100,000 and 1,000,000 events) and backend, a fresh import of the generated data, then:
#   import time and its peak memory, the database's size,
#   `list --org X --from --to`, `list --search PHRASE --limit 20` and `orgs` (hyperfine means),
#   and the peak memory of each of those commands and of `list --format json`;
# written to bench/results/scale.csv, and drawn as one small SVG chart per figure
# (bench/results/scale-*.svg, by bench/plot.py) against size on logarithmic axes, so that growth
# is seen, not guessed.
#
#   bench/scale.sh [--pg URL] [EVENTS ...]
#   bench/scale.sh --pg postgres://postgres@127.0.0.1:5433/postgres 10000 100000 1000000
#
# Without --pg only SQLite is measured. URL names a database to connect to first, as a role that
# may create databases: a database per size is made beside it and dropped at the end. Starts no
# server. Needs hyperfine, GNU time and sqlite3 (and psql with --pg); installs them when run as
# root (apt-get), else says how. The data of each size is generated once (bench/data/N, about
# 2.2 KB of NDJSON an event). RUNS (default 5) runs of each query.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_url=
if [ "${1:-}" = --pg ]; then
    pg_url=${2:?usage: bench/scale.sh [--pg URL] [EVENTS ...]}
    shift 2
fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
runs=${RUNS:-5}
results=bench/results
csv=$results/scale.csv
mkdir -p "$results"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hyperfine || [ ! -x /usr/bin/time ] || ! need sqlite3 || { [ -n "$pg_url" ] && ! need psql; }; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq hyperfine time sqlite3 postgresql-client >/dev/null
    else
        echo "install: sudo apt-get install hyperfine time sqlite3 postgresql-client" >&2; exit 1
    fi
fi
cargo build --release --locked --quiet
events=$PWD/target/release/events

# A figure: backend, events, what, value, unit.
[ -s "$csv" ] || echo "backend,events,figure,value,unit" > "$csv"
put() {
    # Replaces an earlier figure of the same backend, size and name.
    python3 - "$csv" "$@" <<'PY'
import csv, sys
path, backend, events, figure, value, unit = sys.argv[1:]
with open(path, newline="") as f:
    rows = [r for r in csv.reader(f)]
head, body = rows[0], rows[1:]
body = [r for r in body if (r[0], r[1], r[2]) != (backend, events, figure)]
body.append([backend, events, figure, value, unit])
body.sort(key=lambda r: (r[0], r[2], int(r[1])))
with open(path, "w", newline="") as f:
    csv.writer(f).writerows([head] + body)
PY
    printf '  %-10s %9s  %-22s %12s %s\n' "$1" "$2" "$3" "$4" "$5" >&2
}

# Peak resident memory of a command, in MB, its output thrown away.
peak_mb() {
    /usr/bin/time -f '%M' -o /tmp/scale-time.$$ "$@" > /dev/null
    awk '{ printf "%.1f", $1 / 1024 }' /tmp/scale-time.$$
}

# The mean of each command hyperfine ran, in milliseconds, in order.
means_ms() {
    python3 -c 'import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%.2f" % (r["mean"] * 1000))' "$1"
}

pg_database_url() {
    python3 - "$pg_url" "$1" <<'PY'
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))
PY
}

made_databases=()
cleanup() {
    for db in "${made_databases[@]}"; do
        psql -X -q "$pg_url" -c "DROP DATABASE IF EXISTS $db" || true
    done
    rm -f /tmp/scale-time.$$
}
trap cleanup EXIT

for n in "${sizes[@]}"; do
    data=bench/data/$n
    if [ ! -s "$data/events.ndjson" ]; then
        echo "generating $n events ..." >&2
        python3 bench/generate.py "$data" "$n"
    fi
    # The same questions at every size: an organization from the middle of the pool, one
    # year, a phrase (thousands of matches at 100,000 events).
    org="$(python3 -c 'import csv, sys
for r in csv.reader(open(sys.argv[1])):
    if r[0] == "8": print(r[1])' "$data/csv/organization.csv")"
    from=2010-01-01 to=2010-12-31 phrase='"border security"'

    backends=(sqlite)
    [ -z "$pg_url" ] || backends+=(postgres)
    for backend in "${backends[@]}"; do
        echo "== $backend, $n events" >&2
        if [ "$backend" = sqlite ]; then
            db=$data/scale.db
            rm -f "$db" "$db-wal" "$db-shm"
            prepare="rm -f $db $db-wal $db-shm"
        else
            name=events_scale_$n
            PGOPTIONS=--client-min-messages=warning psql -X -q -v ON_ERROR_STOP=1 "$pg_url" \
                -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
            made_databases+=("$name")
            db=$(pg_database_url "$name")
            prepare=
        fi
        start=$(date +%s.%N)
        mb=$(peak_mb "$events" -q --db "$db" import "$data/events.ndjson")
        seconds=$(python3 -c "import sys; print('%.2f' % ($(date +%s.%N) - $start))")
        put "$backend" "$n" import "$seconds" s
        put "$backend" "$n" import-memory "$mb" MB
        if [ "$backend" = sqlite ]; then
            bytes=$(stat -c %s "$db")
        else
            bytes=$(psql -X -q -t -A "$db" -c "SELECT pg_database_size(current_database())")
        fi
        put "$backend" "$n" database-size "$(python3 -c "print('%.1f' % ($bytes / 1e6))")" MB

        json=$results/scale-$backend-$n.json
        hyperfine --runs "$runs" --warmup 1 --style none --export-json "$json" \
            "$events --db '$db' list --org '$org' --from $from --to $to" \
            "$events --db '$db' list --search '$phrase' --limit 20" \
            "$events --db '$db' orgs" \
            "$events --db '$db' show 1" > /dev/null
        mapfile -t ms < <(means_ms "$json")
        put "$backend" "$n" list-org "${ms[0]}" ms
        put "$backend" "$n" list-search "${ms[1]}" ms
        put "$backend" "$n" orgs "${ms[2]}" ms
        put "$backend" "$n" show "${ms[3]}" ms

        put "$backend" "$n" orgs-memory "$(peak_mb "$events" --db "$db" orgs)" MB
        put "$backend" "$n" list-json-memory "$(peak_mb "$events" --db "$db" list --format json)" MB
        put "$backend" "$n" list-table-memory "$(peak_mb "$events" --db "$db" list)" MB
        [ -z "$prepare" ] || eval "$prepare"
    done
done

python3 bench/plot.py "$csv" "$results"
echo "figures: $csv; charts: $results/scale-*.svg" >&2
