#!/usr/bin/env bash
# Benchmark: the peak resident memory (`/usr/bin/time -v`'s "Maximum resident set size") of
# each command that reads many events, at one size, on SQLite and, given a URL, on PostgreSQL;
# each against its ceiling from issue 12 (64 MB; 128 MB for the table of `list`).
#
#   bench/memory.sh [EVENTS] [URL]     # default 100000 events, SQLite only
#   bench/memory.sh 1000000 postgres://postgres@127.0.0.1:5433/postgres
#
# The data is generated once (bench/data/N), the SQLite database imported once
# (bench/data/N/events.db); on PostgreSQL, a throwaway database is created beside the one the
# URL names (as a role that may create databases) and dropped at the end; or, with
# PG_EVENTS=URL2, the events already in the database URL2 are measured as they are (no
# import: an import of a million events takes a while). Results go to
# bench/results/memory-N.md and the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-100000}
url=${2:-}
data=bench/data/$n
results=bench/results
mkdir -p "$data" "$results"

need() { command -v "$1" >/dev/null 2>&1; }
if [ ! -x /usr/bin/time ] || { [ -n "$url" ] && [ -z "${PG_EVENTS:-}" ] && ! need psql; }; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq time postgresql-client >/dev/null
    else
        echo "install: sudo apt-get install time postgresql-client" >&2; exit 1
    fi
fi
cargo build --release --locked --quiet
events=$PWD/target/release/events
if [ ! -s "$data/events.ndjson" ]; then
    echo "generating $n events in $data ..." >&2
    python3 bench/generate.py "$data" "$n"
fi

# Each command, with the most it may hold (MB). `list` as a table is measured without a
# width (through a pipe) and at 80 columns (wrapped: its widest layout work).
commands=(
    "64|list --format json"
    "64|list --format csv"
    "128|list"
    "128|list @80"
    "128|list --sort title @80"
    "64|export --format ndjson"
    "64|export --format json"
    "64|export --format csv"
    "64|export --format ics"
    "64|orgs"
    "64|people"
    "64|stats --by org"
    "64|stats --by year"
)

out=$results/memory-$n.md
{
    echo "Peak RSS at $n events ($(date -u +%Y-%m-%d), $(git rev-parse --short HEAD))."
    echo
    echo "| backend | command | peak RSS | ceiling | |"
    echo "|---|---|---:|---:|---|"
} > "$out"

measure() {  # backend, target
    local backend=$1 target=$2 line limit cmd columns args kb mb verdict
    for line in "${commands[@]}"; do
        limit=${line%%|*}
        cmd=${line#*|}
        columns=
        case $cmd in *" @"*) columns=${cmd##* @}; cmd=${cmd% @*} ;; esac
        read -r -a args <<< "$cmd"
        if [ -n "$columns" ]; then
            COLUMNS=$columns /usr/bin/time -f '%M' -o /tmp/memory-time.$$ \
                "$events" --db "$target" "${args[@]}" > /dev/null
        else
            env -u COLUMNS /usr/bin/time -f '%M' -o /tmp/memory-time.$$ \
                "$events" --db "$target" "${args[@]}" > /dev/null
        fi
        kb=$(tail -1 /tmp/memory-time.$$)
        mb=$(awk -v kb="$kb" 'BEGIN { printf "%.1f", kb / 1024 }')
        verdict=$(awk -v mb="$mb" -v l="$limit" 'BEGIN { print (mb <= l ? "ok" : "OVER") }')
        [ -n "$columns" ] && cmd="$cmd (COLUMNS=$columns)"
        printf '%-10s %-40s %8s MB  (at most %s MB) %s\n' "$backend" "$cmd" "$mb" "$limit" "$verdict" >&2
        echo "| $backend | \`$cmd\` | $mb MB | $limit MB | $verdict |" >> "$out"
    done
    rm -f /tmp/memory-time.$$
}

db=$data/events.db
if [ ! -s "$db" ]; then
    echo "importing $n events into $db ..." >&2
    "$events" -q --db "$db" import "$data/events.ndjson"
fi
measure sqlite "$db"

if [ -n "${PG_EVENTS:-}" ]; then
    measure postgres "$PG_EVENTS"
elif [ -n "$url" ]; then
    name=events_memory_$$
    pg=$(python3 - "$url" "$name" <<'PY'
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))
PY
)
    psql -X -q -v ON_ERROR_STOP=1 "$url" -c "CREATE DATABASE $name"
    trap 'psql -X -q "$url" -c "DROP DATABASE IF EXISTS $name" || true' EXIT
    echo "importing $n events into PostgreSQL ..." >&2
    "$events" -q --db "$pg" import "$data/events.ndjson"
    psql -X -q "$pg" -c "VACUUM ANALYZE"
    measure postgres "$pg"
fi
echo "written to $out" >&2
