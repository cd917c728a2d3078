#!/usr/bin/env bash
# Benchmark of `events doctor` on names as they come in real data (bench/doctor-data.py: few
# given names, many surnames, hundreds of events on one day, planted duplicates), each run
# timed as a whole process, beside the shell reading the same rows (what reading costs).
#
#   bench/doctor.sh [EVENTS]             # default 100000 events, SQLite
#   PG_URL=postgres://postgres@127.0.0.1:5433/postgres bench/doctor.sh   # and PostgreSQL
#
# PG_URL names a database to connect to first, as a role that may create databases: the
# records go into a throwaway database created there and dropped at the end. Needs hyperfine,
# sqlite3 (and psql). Results go to bench/results/ and the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-100000}
runs=${RUNS:-5}
data=bench/data/doctor-$n
results=bench/results
mkdir -p "$data" "$results"
for tool in hyperfine sqlite3; do
    command -v "$tool" >/dev/null || { echo "install: sudo apt-get install $tool" >&2; exit 1; }
done
cargo build --release --locked --quiet
events=$PWD/target/release/events
if [ ! -s "$data/events.ndjson" ]; then
    echo "generating $n events in $data ..." >&2
    python3 bench/doctor-data.py "$data/events.ndjson" "$n"
fi
db=$data/events.db
if [ ! -s "$db" ]; then
    echo "importing $n events ..." >&2
    "$events" -q --db "$db" import "$data/events.ndjson"
fi
"$events" --db "$db" doctor --format json > "$data/findings.json"
python3 - "$data/findings.json" <<'PY'
import collections, json, sys
print("findings:", dict(collections.Counter(f["kind"] for f in json.load(open(sys.argv[1])))))
PY

# What `events doctor` reads (src/store/sqlite/survey.rs), the floor of its reading.
cat > "$data/query-doctor.sql" <<'SQL'
SELECT e.key, e.title, e.start_date, coalesce(trim(e.source), '') <> '',
       (SELECT count(*) FROM participation p WHERE p.event_id = e.id) FROM event e;
SELECT p.id, e.key, e.title, e.start_date, pe.name FROM participation p
  JOIN event e ON e.id = p.event_id JOIN person pe ON pe.id = p.person_id
 WHERE p.organization_id IS NULL;
SELECT o.id, o.name, n.name FROM organization o JOIN organization_name n ON n.organization_id = o.id;
SELECT organization_id, count(*) FROM (SELECT organization_id FROM event_organization
    UNION ALL SELECT organization_id FROM participation WHERE organization_id IS NOT NULL)
 GROUP BY organization_id;
SELECT p.id, p.name, n.name FROM person p JOIN person_name n ON n.person_id = p.id;
SELECT person_id, count(*) FROM participation GROUP BY person_id;
SQL

echo "== doctor, $n events on SQLite, $runs runs each" >&2
hyperfine --runs "$runs" --warmup 1 --style basic \
    --export-markdown "$results/doctor-$n.md" --export-json "$results/doctor-$n.json" \
    --command-name "events doctor" "$events --db $db doctor" \
    --command-name "events doctor --only duplicate-people" \
    "$events --db $db doctor --only duplicate-people" \
    --command-name "events doctor --only duplicate-events" \
    "$events --db $db doctor --only duplicate-events" \
    --command-name "events doctor --only duplicate-organizations" \
    "$events --db $db doctor --only duplicate-organizations" \
    --command-name "sqlite3: reading what doctor reads" "sqlite3 $db < $data/query-doctor.sql"
cat "$results/doctor-$n.md"

[ -n "${PG_URL:-}" ] || exit 0
command -v psql >/dev/null || { echo "install: sudo apt-get install postgresql-client" >&2; exit 1; }
pgdb=events_doctor_$$
bench_url=$(python3 - "$PG_URL" "$pgdb" <<'PY'
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))
PY
)
psql -X -q -v ON_ERROR_STOP=1 "$PG_URL" -c "CREATE DATABASE $pgdb"
trap 'psql -X -q "$PG_URL" -c "DROP DATABASE IF EXISTS $pgdb" || true' EXIT
echo "importing $n events into PostgreSQL ..." >&2
"$events" -q --db "$bench_url" import "$data/events.ndjson"
psql -X -q "$bench_url" -c "VACUUM ANALYZE"
"$events" --db "$bench_url" doctor --format json | cmp - "$data/findings.json" \
    && echo "PostgreSQL finds the same, byte for byte" >&2
cat > "$data/pg-query-doctor.sql" <<'SQL'
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
echo "== doctor, $n events on PostgreSQL, $runs runs each" >&2
hyperfine --runs "$runs" --warmup 1 --style basic \
    --export-markdown "$results/pg-doctor-$n.md" --export-json "$results/pg-doctor-$n.json" \
    --command-name "events doctor (PostgreSQL)" "$events --db '$bench_url' doctor" \
    --command-name "psql: reading what doctor reads" \
    "psql -X -q -At '$bench_url' -f $data/pg-query-doctor.sql"
cat "$results/pg-doctor-$n.md"
