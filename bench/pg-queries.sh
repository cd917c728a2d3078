#!/usr/bin/env bash
# Benchmark: questions asked of a large PostgreSQL database, each timed as a whole process:
# `events --db URL list ...` against `psql` running the same SQL on the same tables (the
# events schema events wrote), side by side in one run, in a throwaway database created on the
# server the URL names and dropped at the end.
#
#   bench/pg-queries.sh URL [EVENTS]     # default 100000 events
#   bench/pg-queries.sh postgres://postgres@127.0.0.1:5433/postgres
#
# URL names a database to connect to first, as a role that may create databases. Starts no
# server. Needs hyperfine and psql (installed when run as root). Results go to bench/results/
# and the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."

url=${1:?usage: bench/pg-queries.sh URL [EVENTS]}
n=${2:-100000}
runs=${RUNS:-10}
data=bench/data/$n
results=bench/results
mkdir -p "$data" "$results"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hyperfine || ! need psql; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq hyperfine postgresql-client >/dev/null
    else
        echo "install: sudo apt-get install hyperfine postgresql-client" >&2; exit 1
    fi
fi
cargo build --release --locked --quiet
events=$PWD/target/release/events
if [ ! -s "$data/events.ndjson" ]; then
    echo "generating $n events in $data ..." >&2
    python3 bench/generate.py "$data" "$n"
fi

db=events_queries_$$
bench_url=$(python3 - "$url" "$db" <<'PY'
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))
PY
)
psql -X -q -v ON_ERROR_STOP=1 "$url" -c "CREATE DATABASE $db"
trap 'psql -X -q "$url" -c "DROP DATABASE IF EXISTS $db" || true' EXIT
echo "importing $n events ..." >&2
"$events" -q --db "$bench_url" import "$data/events.ndjson"
psql -X -q "$bench_url" -c "VACUUM ANALYZE"

# The same questions as bench/queries.sh: an organization from the middle of the pool and one
# year, and a phrase.
org=$(psql -X -At "$bench_url" -c "SELECT name FROM events.organization WHERE id = 8")
from=2010-01-01 to=2010-12-31 phrase='"border security"'
q() { printf '%s' "$1" | sed "s/'/''/g"; }  # SQL string literal contents

# What `list` shows of each event: its fields, its organizers in order, how many took part.
columns="e.id, e.key, e.start_date, e.end_date, e.title, e.kind, e.mode, e.location,
    (SELECT string_agg(o.name, '; ' ORDER BY eo.ord) FROM event_organization eo
       JOIN organization o ON o.id = eo.organization_id
      WHERE eo.event_id = e.id AND eo.role = 'organizer'),
    (SELECT count(*) FROM participation p WHERE p.event_id = e.id)"
org_id="(SELECT organization_id FROM organization_name WHERE name_key = lower('$(q "$org")'))"
cat > "$data/pg-query-org.sql" <<SQL
SET search_path = events;
SELECT $columns FROM event e WHERE e.end_date >= '$from' AND e.start_date <= '$to'
   AND e.id IN (SELECT event_id FROM event_organization WHERE organization_id = $org_id
                UNION SELECT event_id FROM participation WHERE organization_id = $org_id)
 ORDER BY e.start_date, e.id;
SQL
# The search as issue 12 sets it: the first 20 by date of thousands of matches, and all of
# them (what `list --search` shows without --limit).
cat > "$data/pg-query-search.sql" <<SQL
SET search_path = events;
SELECT $columns FROM event e WHERE e.search @@ '''border'' <-> ''security'''::tsquery
 ORDER BY e.start_date, e.id LIMIT 20;
SQL
cat > "$data/pg-query-search-all.sql" <<SQL
SET search_path = events;
SELECT $columns FROM event e WHERE e.search @@ '''border'' <-> ''security'''::tsquery
 ORDER BY e.start_date, e.id;
SQL

# What `events doctor` reads (src/store/postgres/survey.rs), the floor of its reading.
cat > "$data/pg-query-doctor.sql" <<SQL
SET search_path = events;
SELECT e.key, e.title, e.start_date, coalesce(btrim(e.source), '') <> '', coalesce(c.n, 0)
  FROM event e LEFT JOIN (SELECT event_id, count(*) AS n FROM participation GROUP BY event_id) c
    ON c.event_id = e.id;
SELECT p.id, e.key, e.title, e.start_date, pe.name FROM participation p
  JOIN event e ON e.id = p.event_id JOIN person pe ON pe.id = p.person_id
 WHERE p.organization_id IS NULL;
SELECT o.id, o.name, n.name FROM organization o JOIN organization_name n ON n.organization_id = o.id;
SELECT organization_id, count(*) FROM (SELECT organization_id FROM event_organization
    UNION ALL SELECT organization_id FROM participation WHERE organization_id IS NOT NULL) l
 GROUP BY organization_id;
SELECT p.id, p.name, n.name FROM person p JOIN person_name n ON n.person_id = p.id;
SELECT person_id, count(*) FROM participation GROUP BY person_id;
SQL

echo "== $n events on PostgreSQL: queries, $runs runs each" >&2
hyperfine --runs "$runs" --warmup 2 --style basic \
    --export-markdown "$results/pg-queries-$n.md" --export-json "$results/pg-queries-$n.json" \
    --command-name "events list --org --from --to" \
    "$events --db '$bench_url' list --org '$(q "$org")' --from $from --to $to" \
    --command-name "psql: the same" "psql -X -q -At '$bench_url' -f $data/pg-query-org.sql" \
    --command-name "events list --search --limit 20" \
    "$events --db '$bench_url' list --search '$phrase' --limit 20" \
    --command-name "psql: the same" "psql -X -q -At '$bench_url' -f $data/pg-query-search.sql" \
    --command-name "events list --search" "$events --db '$bench_url' list --search '$phrase'" \
    --command-name "psql: the same" "psql -X -q -At '$bench_url' -f $data/pg-query-search-all.sql" \
    --command-name "events doctor" "$events --db '$bench_url' doctor" \
    --command-name "psql: reading what doctor reads" \
    "psql -X -q -At '$bench_url' -f $data/pg-query-doctor.sql"
cat "$results/pg-queries-$n.md"
python3 - "$results/pg-queries-$n.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
for a, b in zip(r[::2], r[1::2]):
    print(f"{a['command']}: {a['mean']*1000:.1f} ms, psql {b['mean']*1000:.1f} ms, "
          f"ratio {a['mean'] / b['mean']:.2f}x")
PY
