#!/usr/bin/env bash
# Benchmark: the views that read the maintained summaries on PostgreSQL (issue 12): `orgs`,
# `people`, `stats --by` each, `person NAME` (exact, and by surname alone) against `show 1`, on
# a database of EVENTS events imported into a throwaway database on the server the URL names
# (dropped at the end). Each command is timed as a whole process (hyperfine), output to
# /dev/null. What the import's refresh of the summaries costs is timed apart: the same
# statements as a whole recount (`src/store/postgres/summary.rs`), in a transaction rolled
# back.
#
#   bench/pg-summaries.sh URL [EVENTS]      # default 100000 events
#   EVENTS_BIN=/path/to/events bench/pg-summaries.sh URL 10000   # another build (e.g. before)
#
# URL names a database to connect to first, as a role that may create databases. Needs
# hyperfine and psql. Results go to bench/results/pg-summaries-EVENTS.{md,json}.
set -euo pipefail
cd "$(dirname "$0")/.."

url=${1:?usage: bench/pg-summaries.sh URL [EVENTS]}
n=${2:-100000}
runs=${RUNS:-10}
data=bench/data/$n
results=bench/results
mkdir -p "$data" "$results"
for tool in hyperfine psql; do
    command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done
if [ -z "${EVENTS_BIN:-}" ]; then
    cargo build --release --locked --quiet
    EVENTS_BIN=$PWD/target/release/events
fi
events=$EVENTS_BIN
if [ ! -s "$data/events.ndjson" ]; then
    echo "generating $n events in $data ..." >&2
    python3 bench/generate.py "$data" "$n"
fi

db=events_summaries_$$
bench_url=$(python3 - "$url" "$db" <<'PY'
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))
PY
)
psql -X -q -v ON_ERROR_STOP=1 "$url" -c "CREATE DATABASE $db"
trap 'psql -X -q "$url" -c "DROP DATABASE IF EXISTS $db" || true' EXIT
echo "importing $n events ..." >&2
/usr/bin/time -f "import: %e s, peak RSS %M KB" "$events" -q --db "$bench_url" import "$data/events.ndjson"
psql -X -q "$bench_url" -c "VACUUM ANALYZE"

# A person from the middle of the pool, by full name and by the surname alone (which reads
# every name: see BENCHMARKS.md).
person=$(psql -X -At "$bench_url" -c "SELECT name FROM events.person WHERE id = 100")
surname=${person##* }

echo "== $n events on PostgreSQL: views, $runs runs each" >&2
hyperfine -N --runs "$runs" --warmup 2 --style basic \
    --export-markdown "$results/pg-summaries-$n.md" --export-json "$results/pg-summaries-$n.json" \
    -n "show 1" "$events --db $bench_url show 1" \
    -n "orgs" "$events --db $bench_url orgs" \
    -n "people" "$events --db $bench_url people" \
    -n "people --format csv" "$events --db $bench_url people --format csv" \
    -n "stats --by org" "$events --db $bench_url stats --by org" \
    -n "stats --by year" "$events --db $bench_url stats --by year" \
    -n "stats --by kind" "$events --db $bench_url stats --by kind" \
    -n "stats --by mode" "$events --db $bench_url stats --by mode" \
    -n "stats --by region" "$events --db $bench_url stats --by region" \
    -n "stats --by org --from 2010-01-01" "$events --db $bench_url stats --by org --from 2010-01-01" \
    -n "person NAME" "$events --db $bench_url person '$person'" \
    -n "person SURNAME" "$events --db $bench_url person '$surname'" >/dev/null
cat "$results/pg-summaries-$n.md"

# What the refresh at the end of an import into an empty database does: every summary
# counted again from nothing (the statements of summary.rs with `$1` NULL, the rows emptied
# first so that the upserts insert, as after a first import), rolled back.
python3 - src/store/postgres/summary.rs > "$data/pg-recount.sql" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
def const(name):
    m = re.search(r'const %s: &str = "(.*?)";' % name, s, re.S)
    return m.group(1).replace("$1::bigint[]", "NULL::bigint[]").replace("ANY($1)", "ANY(NULL::bigint[])")
def stmt(fn):
    return re.search(r'fn %s.*?format!\(\s*"(.*?)"\s*\);' % fn, s, re.S).group(1)
print("SET search_path = events;\nBEGIN;\nSET LOCAL work_mem = '64MB';")
print("DELETE FROM organization_summary; DELETE FROM person_summary; DELETE FROM event_facet;")
print("\\timing on")
print(stmt("recount_organizations").replace("{COUNT_ORGANIZATIONS}", const("COUNT_ORGANIZATIONS")) + ";")
print(stmt("recount_people").replace("{COUNT_PEOPLE}", const("COUNT_PEOPLE")) + ";")
print("INSERT INTO event_facet (facet, value, events) " + const("COUNT_FACETS") + ";")
print("ROLLBACK;")
PY
echo "== the refresh of an import into an empty database (organizations, people, groups):" >&2
psql -X -q "$bench_url" -f "$data/pg-recount.sql" | grep '^Time'
