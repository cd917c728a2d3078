#!/usr/bin/env bash
# Benchmark: questions asked of a large database, each timed as a whole process: `events`
# against the sqlite3 shell running the equivalent SQL on the plain indexed baseline database
# (the same rows, loaded by bench/baseline.sql, plus an FTS5 index for the search).
#
#   bench/queries.sh [EVENTS ...]     # default: 10000 100000 1000000
#
# Needs what bench/import.sh needs. Results go to bench/results/ and the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
runs=${RUNS:-5}
results=bench/results
mkdir -p "$results"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hyperfine || ! need sqlite3; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq hyperfine sqlite3 >/dev/null
    else
        echo "install: sudo apt-get install hyperfine sqlite3" >&2; exit 1
    fi
fi
cargo build --release --locked --quiet
events=$PWD/target/release/events

for n in "${sizes[@]}"; do
    data=bench/data/$n
    mkdir -p "$data"
    if [ ! -s "$data/events.ndjson" ]; then
        echo "generating $n events ..." >&2
        python3 bench/generate.py "$data" "$n"
    fi
    db=$data/events.db
    base=$data/baseline.db
    if [ ! -s "$db" ]; then
        echo "importing $n events ..." >&2
        "$events" -q --db "$db" import "$data/events.ndjson"
    fi
    if [ ! -s "$base" ]; then
        echo "loading the baseline of $n events ..." >&2
        sql=$PWD/bench/baseline.sql
        (cd "$data/csv" && sqlite3 ../baseline.db < "$sql")
        sqlite3 "$base" < bench/baseline_fts.sql
    fi

    # The same questions for every size: an organization and a person from the middle of the
    # pools, one year, and a phrase.
    org=$(sqlite3 "$base" "SELECT name FROM organization WHERE id = 8")
    person=$(sqlite3 "$base" "SELECT name FROM person WHERE id = 8")
    from=2010-01-01 to=2010-12-31 phrase='"border security"'
    q() { printf '%s' "$1" | sed "s/'/''/g"; }  # SQL string literal contents

    columns="e.id, e.start_date, e.end_date, e.title, e.kind, e.mode,
        (SELECT group_concat(o.name, '; ') FROM event_organization eo JOIN organization o
          ON o.id = eo.organization_id WHERE eo.event_id = e.id AND eo.role = 'organizer'),
        (SELECT count(*) FROM participation p WHERE p.event_id = e.id)"
    org_id="(SELECT organization_id FROM organization_name WHERE name_key = lower('$(q "$org")'))"
    sql_org="SELECT $columns FROM event e WHERE e.end_date >= '$from' AND e.start_date <= '$to'
        AND e.id IN (SELECT event_id FROM event_organization WHERE organization_id = $org_id
                     UNION SELECT event_id FROM participation WHERE organization_id = $org_id)
        ORDER BY e.start_date, e.id"
    sql_person="SELECT $columns FROM event e WHERE e.id IN (SELECT event_id FROM participation
        WHERE person_id = (SELECT person_id FROM person_name WHERE name_key = lower('$(q "$person")')))
        ORDER BY e.start_date, e.id"
    # The search as issue 12 sets it: the first 20 by date of thousands of matches, and all
    # of them (what `list --search` shows without --limit).
    sql_search="SELECT $columns FROM event e WHERE e.id IN (SELECT rowid FROM event_fts
        WHERE event_fts MATCH '$(q "$phrase")') ORDER BY e.start_date, e.id"
    sql_search20="$sql_search LIMIT 20"
    sql_orgs="WITH links (organization_id, event_id, role) AS (
            SELECT organization_id, event_id, role FROM event_organization
            UNION ALL SELECT organization_id, event_id, 'participant' FROM participation
             WHERE organization_id IS NOT NULL)
        SELECT o.id, o.name,
            (SELECT group_concat(n.name, '; ') FROM organization_name n
              WHERE n.organization_id = o.id AND n.name_key <> lower(o.name)),
            count(DISTINCT l.event_id),
            count(DISTINCT CASE WHEN l.role = 'organizer' THEN l.event_id END),
            count(DISTINCT CASE WHEN l.role = 'partner' THEN l.event_id END),
            count(DISTINCT CASE WHEN l.role = 'participant' THEN l.event_id END),
            min(e.start_date), max(e.start_date)
        FROM organization o LEFT JOIN links l ON l.organization_id = o.id
        LEFT JOIN event e ON e.id = l.event_id GROUP BY o.id ORDER BY lower(o.name), o.id"

    # What `events doctor` reads (src/store/sqlite/survey.rs): every event in brief, the
    # participations without an organization, every name with its entity and how much each is
    # used. The floor of its reading; what doctor adds is the comparison within blocks.
    sql_doctor="SELECT e.key, e.title, e.start_date, coalesce(trim(e.source), '') <> '',
            (SELECT count(*) FROM participation p WHERE p.event_id = e.id) FROM event e;
        SELECT p.id, e.key, e.title, e.start_date, pe.name FROM participation p
          JOIN event e ON e.id = p.event_id JOIN person pe ON pe.id = p.person_id
         WHERE p.organization_id IS NULL;
        SELECT o.id, o.name, n.name FROM organization o
          JOIN organization_name n ON n.organization_id = o.id;
        SELECT organization_id, count(*) FROM (SELECT organization_id FROM event_organization
            UNION ALL SELECT organization_id FROM participation WHERE organization_id IS NOT NULL)
         GROUP BY organization_id;
        SELECT p.id, p.name, n.name FROM person p JOIN person_name n ON n.person_id = p.id;
        SELECT person_id, count(*) FROM participation GROUP BY person_id"

    # Each statement goes in a file, so that no shell quoting stands between it and sqlite3.
    for name in org person search search20 orgs doctor; do
        var=sql_$name
        printf '%s;\n' "${!var}" > "$data/query-$name.sql"
    done

    echo "== $n events: queries, $runs runs each" >&2
    hyperfine --runs "$runs" --warmup 1 --style basic \
        --export-markdown "$results/queries-$n.md" --export-json "$results/queries-$n.json" \
        --command-name "events list --org --from --to" \
        "$events --db $db list --org '$(printf '%s' "$org")' --from $from --to $to" \
        --command-name "sqlite3: the same" "sqlite3 $base < $data/query-org.sql" \
        --command-name "events list --person" "$events --db $db list --person '$person'" \
        --command-name "sqlite3: the same" "sqlite3 $base < $data/query-person.sql" \
        --command-name "events list --search --limit 20" \
        "$events --db $db list --search '$phrase' --limit 20" \
        --command-name "sqlite3: the same" "sqlite3 $base < $data/query-search20.sql" \
        --command-name "events list --search" "$events --db $db list --search '$phrase'" \
        --command-name "sqlite3: the same" "sqlite3 $base < $data/query-search.sql" \
        --command-name "events orgs" "$events --db $db orgs" \
        --command-name "sqlite3: the same" "sqlite3 $base < $data/query-orgs.sql" \
        --command-name "events doctor" "$events --db $db doctor" \
        --command-name "sqlite3: reading what doctor reads" "sqlite3 $base < $data/query-doctor.sql"
    cat "$results/queries-$n.md"
    # Each command of events against the sqlite3 shell's run of the same question.
    python3 - "$results/queries-$n.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
for a, b in zip(r[::2], r[1::2]):
    print(f"{a['command']}: {a['mean']*1000:.1f} ms, sqlite3 {b['mean']*1000:.1f} ms, "
          f"ratio {a['mean'] / b['mean']:.2f}x")
PY
done
