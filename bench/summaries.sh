#!/usr/bin/env bash
# Benchmark: the views that read the maintained summaries (issue 12) — orgs, people, stats by
# each dimension, person NAME (exact, and by surname) — beside `show 1`, the point query they
# are measured against, on SQLite; with another build's figures beside when one is given.
#
#   bench/summaries.sh [BEFORE_BINARY] [EVENTS ...]     # default sizes: 10000 100000
#
# BEFORE_BINARY (optional, "" for none): a build from before the summaries; its database is
# imported by it, and this build's is a copy of that one, migrated. Needs what
# bench/queries.sh needs. Each command runs 3 to RUNS (30) times. Results go to bench/results/summaries-N.md and the terminal; peak
# RSS (`/usr/bin/time -v`) to bench/results/summaries-rss-N.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

before=${1:-}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
runs=${RUNS:-30}
results=bench/results
mkdir -p "$results"

cargo build --release --locked --quiet
after=$PWD/target/release/events

for n in "${sizes[@]}"; do
    data=bench/data/$n
    mkdir -p "$data"
    importer=${before:-$after}
    old=$data/summaries-before.db
    new=$data/summaries-after.db
    if [ ! -s "$old" ]; then
        if [ ! -s "$data/events.ndjson" ]; then
            echo "generating $n events ..." >&2
            python3 bench/generate.py "$data" "$n"
        fi
        echo "importing $n events ..." >&2
        "$importer" -q --db "$old" import "$data/events.ndjson"
    fi
    rm -f "$new" "$new-wal" "$new-shm" "$new".v*.bak
    cp "$old" "$new"
    "$after" -q --db "$new" check >/dev/null   # migrates it; the summaries checked
    rm -f "$new".v*.bak

    person=$(sqlite3 "$new" "SELECT name FROM person WHERE id = 8")
    surname=${person##* }

    commands=(
        "show 1"
        "orgs"
        "people"
        "stats --by org"
        "stats --by year"
        "stats --by kind"
        "stats --by mode"
        "stats --by region"
        "person '$person'"
        "person '$surname'"
    )
    args=(--min-runs 3 --max-runs "$runs" --warmup 1 --style basic
          --export-markdown "$results/summaries-$n.md" --export-json "$results/summaries-$n.json")
    rss=$results/summaries-rss-$n.txt
    : > "$rss"
    for c in "${commands[@]}"; do
        if [ -n "$before" ]; then
            args+=(--command-name "before: $c" "$before --db $old $c")
        fi
        args+=(--command-name "$c" "$after --db $new $c")
        for pair in "before:$before:$old" "after:$after:$new"; do
            IFS=: read -r label bin db <<<"$pair"
            [ -n "$bin" ] || continue
            kb=$(eval "/usr/bin/time -f %M $bin --db $db $c" 2>&1 >/dev/null | tail -1)
            printf '%-7s %-40s %6d KB\n' "$label" "$c" "$kb" >> "$rss"
        done
    done
    echo "== $n events: summaries, $runs runs each" >&2
    hyperfine "${args[@]}"
    cat "$results/summaries-$n.md" "$rss"
done
