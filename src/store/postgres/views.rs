//! `orgs`, `people`, `person`, `stats` and the aliases an export carries: the SQLite
//! backend's queries (`sqlite/views.rs`) translated, the same rows in the same order. Where
//! SQLite orders by `events_sort_key(name), events_key(name)`, this reads the stored
//! `name_sort` and `name_key` columns (the same functions, run by the writers).

use chrono::{Datelike, NaiveDate};
use postgres::Transaction;

use super::entity::{self, find};
use super::filter::{Query, event_query};

use crate::dates::iso;
use crate::model::{
    AliasRecord, EntityKind, EventFilter, HistoryEntry, OrgSummary, PersonHistory, PersonSummary,
    StatsBy, StatsRow, name_key,
};
use crate::store::error::Result;

/// The other names an entity is known by, by key.
fn aliases(tx: &mut Transaction<'_>, kind: EntityKind, id: i64, name: &str) -> Result<Vec<String>> {
    entity::aliases(tx, entity::of(kind), id, name)
}

fn date(d: Option<NaiveDate>) -> Option<String> {
    d.map(iso)
}

/// Every organization (or those with a name or alias containing `search`), by name.
pub(super) fn organizations(
    tx: &mut Transaction<'_>,
    search: Option<&str>,
) -> Result<Vec<OrgSummary>> {
    let search = search.map(name_key);
    let rows = tx.query(
        "WITH links (organization_id, event_id, role) AS (
             SELECT organization_id, event_id, role FROM event_organization
             UNION ALL
             SELECT organization_id, event_id, 'participant' FROM participation
              WHERE organization_id IS NOT NULL
         )
         SELECT o.id, o.name,
                count(DISTINCT l.event_id),
                count(DISTINCT CASE WHEN l.role = 'organizer' THEN l.event_id END),
                count(DISTINCT CASE WHEN l.role = 'partner' THEN l.event_id END),
                count(DISTINCT CASE WHEN l.role = 'participant' THEN l.event_id END),
                min(e.start_date), max(e.start_date),
                (SELECT array_agg(n.name ORDER BY n.name_key) FROM organization_name n
                  WHERE n.organization_id = o.id AND n.name_key <> o.name_key)
           FROM organization o
           LEFT JOIN links l ON l.organization_id = o.id
           LEFT JOIN event e ON e.id = l.event_id
          WHERE $1::text IS NULL OR EXISTS (
                SELECT 1 FROM organization_name n
                 WHERE n.organization_id = o.id AND strpos(n.name_key, $1::text) > 0)
          GROUP BY o.id
          ORDER BY o.name_sort, o.name_key, o.id",
        &[&search],
    )?;
    Ok(rows
        .iter()
        .map(|r| OrgSummary {
            name: r.get(1),
            aliases: r.get::<_, Option<Vec<String>>>(8).unwrap_or_default(),
            initialisms: Vec::new(),
            events: r.get(2),
            as_organizer: r.get(3),
            as_partner: r.get(4),
            as_participant: r.get(5),
            first: date(r.get(6)),
            last: date(r.get(7)),
        })
        .collect())
}

/// Every person (or those who represented `org`), by name. `Ok(None)` when `org` is
/// known by no one.
pub(super) fn people(
    tx: &mut Transaction<'_>,
    org: Option<&str>,
) -> Result<Option<Vec<PersonSummary>>> {
    let org_id = match org {
        None => None,
        Some(name) => match find(tx, EntityKind::Organization, name)? {
            Some(found) => Some(found.id),
            None => return Ok(None),
        },
    };
    // The position and organization of one participation: the latest that records a
    // position, else the latest that records an organization.
    // Through a portal, a batch at a time: `query` would hold every row (60,000 people at
    // 100,000 events) beside the summaries made of them.
    let portal = tx.bind(
        "SELECT s.id, s.name, s.events, s.first, s.last, latest.position, latest.organization,
                (SELECT array_agg(n.name ORDER BY n.name_key) FROM person_name n
                  WHERE n.person_id = s.id AND n.name_key <> s.name_key)
           FROM (SELECT p.id, p.name, p.name_sort, p.name_key,
                        count(DISTINCT pa.event_id) AS events,
                        min(e.start_date) AS first, max(e.start_date) AS last
                   FROM person p
                   LEFT JOIN participation pa ON pa.person_id = p.id
                   LEFT JOIN event e ON e.id = pa.event_id
                  WHERE $1::bigint IS NULL
                     OR p.id IN (SELECT person_id FROM participation WHERE organization_id = $1)
                  GROUP BY p.id) s
           LEFT JOIN LATERAL (
                SELECT q.position, o.name AS organization FROM participation q
                  JOIN event f ON f.id = q.event_id
                  LEFT JOIN organization o ON o.id = q.organization_id
                 WHERE q.person_id = s.id
                   AND (q.position IS NOT NULL OR q.organization_id IS NOT NULL)
                 ORDER BY q.position IS NULL, f.start_date DESC, q.id DESC LIMIT 1) latest
             ON true
          ORDER BY s.name_sort, s.name_key, s.id",
        &[&org_id],
    )?;
    let mut people = Vec::new();
    loop {
        let rows = tx.query_portal(&portal, PEOPLE_BATCH)?;
        people.extend(rows.iter().map(|r| PersonSummary {
            name: r.get(1),
            aliases: r.get::<_, Option<Vec<String>>>(7).unwrap_or_default(),
            events: r.get(2),
            first: date(r.get(3)),
            last: date(r.get(4)),
            position: r.get(5),
            organization: r.get(6),
        }));
        if rows.len() < PEOPLE_BATCH as usize {
            return Ok(Some(people));
        }
    }
}

/// How many people [`people`] reads at a time.
const PEOPLE_BATCH: i32 = 1000;

/// Everything the person known by `name` (or an alias) took part in, oldest first.
pub(super) fn person_history(
    tx: &mut Transaction<'_>,
    name: &str,
) -> Result<Option<PersonHistory>> {
    let Some(found) = find(tx, EntityKind::Person, name)? else {
        return Ok(None);
    };
    let history = tx
        .query(
            "SELECT e.id, e.key, e.start_date, e.end_date, e.title, pa.position, o.name,
                    pa.role, s.name, pa.contribution, pa.id, pa.head
               FROM participation pa
               JOIN event e ON e.id = pa.event_id
               LEFT JOIN organization o ON o.id = pa.organization_id
               LEFT JOIN session s ON s.id = pa.session_id
              WHERE pa.person_id = $1
              ORDER BY e.start_date, e.id, pa.id",
            &[&found.id],
        )?
        .iter()
        .map(|r| HistoryEntry {
            event: r.get(0),
            key: r.get(1),
            start: iso(r.get(2)),
            end: iso(r.get(3)),
            title: r.get(4),
            position: r.get(5),
            organization: r.get(6),
            role: r.get(7),
            session: r.get(8),
            contribution: r.get(9),
            head: r.get(11),
            participation: r.get(10),
        })
        .collect();
    Ok(Some(PersonHistory {
        aliases: aliases(tx, EntityKind::Person, found.id, &found.name)?,
        name: found.name,
        history,
    }))
}

/// The aliases of organizations and people, as records that an import gives back: what an
/// export writes after its events. A full export has every organization and person with
/// an alias; one narrowed by `filter` has those linked to its events. By name, so that the
/// same data gives the same records in any database.
pub(super) fn alias_records(
    tx: &mut Transaction<'_>,
    filter: &EventFilter,
) -> Result<Vec<AliasRecord>> {
    let whole = !filter.is_narrowed() && filter.limit.is_none();
    let chosen = if whole {
        Query {
            sql: "SELECT id FROM event".to_string(),
            params: Vec::new(),
        }
    } else {
        event_query(filter, "e.id")
    };
    let org_links = if whole {
        ""
    } else {
        "AND o.id IN (SELECT organization_id FROM event_organization
                       WHERE event_id IN (SELECT id FROM chosen)
                      UNION SELECT organization_id FROM participation
                       WHERE event_id IN (SELECT id FROM chosen))"
    };
    let person_links = if whole {
        ""
    } else {
        "AND p.id IN (SELECT person_id FROM participation WHERE event_id IN (SELECT id FROM chosen))"
    };
    let queries = [
        (
            format!(
                "WITH chosen (id) AS ({})
                 SELECT o.name, aliases FROM organization o,
                        LATERAL (SELECT array_agg(n.name ORDER BY n.name_key) AS aliases
                                   FROM organization_name n
                                  WHERE n.organization_id = o.id AND n.name_key <> o.name_key) a
                  WHERE aliases IS NOT NULL
                    {org_links}
                  ORDER BY o.name_sort, o.name_key, o.id",
                chosen.sql
            ),
            EntityKind::Organization,
        ),
        (
            format!(
                "WITH chosen (id) AS ({})
                 SELECT p.name, aliases FROM person p,
                        LATERAL (SELECT array_agg(n.name ORDER BY n.name_key) AS aliases
                                   FROM person_name n
                                  WHERE n.person_id = p.id AND n.name_key <> p.name_key) a
                  WHERE aliases IS NOT NULL
                    {person_links}
                  ORDER BY p.name_sort, p.name_key, p.id",
                chosen.sql
            ),
            EntityKind::Person,
        ),
    ];
    let params = chosen.params();
    let mut records = Vec::new();
    for (sql, kind) in queries {
        for r in tx.query(&sql, &params)? {
            let name: String = r.get(0);
            let (organization, person) = match kind {
                EntityKind::Organization => (Some(name), None),
                EntityKind::Person => (None, Some(name)),
            };
            records.push(AliasRecord {
                organization,
                person,
                aliases: r.get(1),
            });
        }
    }
    Ok(records)
}

/// How many of the events passing `filter` fall in each group. Years in order; other
/// groups most events first, then by name. An event counts in every year it runs in,
/// within the filter's period: no year outside it is ever a group. The filter's limit is
/// not a limit on events here but on groups: the `limit` groups with the most events, in
/// the usual order. A group of kinds or regions spelt alike but for case and spacing is
/// shown by the spelling most of its events have (of equals, the first in code-point
/// order), as in SQLite.
pub(super) fn stats(
    tx: &mut Transaction<'_>,
    by: StatsBy,
    filter: &EventFilter,
) -> Result<Vec<StatsRow>> {
    let events_filter = EventFilter {
        limit: None,
        ..filter.clone()
    };
    // (An organization or person no one is called selects no event.)
    let mut q = event_query(&events_filter, "e.id");
    let mut rows: Vec<StatsRow> = match by {
        StatsBy::Year => {
            // The years from the first to the last any chosen event runs in, narrowed
            // to the filter's period; the events of each span of years (few: most start
            // and end in one year) count in every one of them it covers.
            let from = q.bind(filter.from.map(|d| i64::from(d.year())));
            let to = q.bind(filter.to.map(|d| i64::from(d.year())));
            let events = &q.sql;
            let sql = format!(
                "WITH chosen (first, last, events) AS MATERIALIZED (
                      SELECT extract(year FROM e.start_date)::bigint,
                             extract(year FROM e.end_date)::bigint, count(*)
                        FROM event e WHERE e.id IN ({events})
                       GROUP BY 1, 2),
                  span (low, high) AS (
                      SELECT greatest(min(first), coalesce({from}::bigint, min(first))),
                             least(max(last), coalesce({to}::bigint, max(last)))
                        FROM chosen)
                 SELECT y.year, sum(chosen.events)::bigint
                   FROM span
                  CROSS JOIN LATERAL generate_series(span.low, span.high) AS y (year)
                   JOIN chosen ON chosen.first <= y.year AND chosen.last >= y.year
                  GROUP BY y.year ORDER BY y.year"
            );
            tx.query(&sql, &q.params())?
                .iter()
                .map(|r| StatsRow {
                    // As SQLite's printf('%04d', year).
                    value: Some(format!("{:04}", r.get::<_, i64>(0))),
                    events: r.get(1),
                    headed: None,
                })
                .collect()
        }
        StatsBy::Kind | StatsBy::Mode | StatsBy::Region => {
            // `mode` is one of three lower-case words: its own key.
            let (column, key) = match by {
                StatsBy::Kind => ("e.kind", "e.kind_key"),
                StatsBy::Mode => ("e.mode", "e.mode"),
                _ => ("e.region", "e.region_key"),
            };
            let sql = format!(
                "WITH spellings (key, value, events) AS (
                      SELECT {key}, {column}, count(*) FROM event e
                       WHERE e.id IN ({})
                       GROUP BY 1, 2),
                  ranked (key, value, events, rank) AS (
                      SELECT key, value, sum(events) OVER (PARTITION BY key)::bigint,
                             row_number() OVER (PARTITION BY key ORDER BY events DESC, value)
                        FROM spellings)
                 SELECT value, events FROM ranked WHERE rank = 1
                  ORDER BY key IS NULL, events DESC, key",
                q.sql
            );
            tx.query(&sql, &q.params())?
                .iter()
                .map(|r| StatsRow {
                    value: r.get(0),
                    events: r.get(1),
                    headed: None,
                })
                .collect()
        }
        StatsBy::Org => {
            let sql = format!(
                "WITH chosen (id) AS ({}),
                      links (organization_id, event_id) AS (
                          SELECT organization_id, event_id FROM event_organization
                           WHERE event_id IN (SELECT id FROM chosen)
                          UNION
                          SELECT organization_id, event_id FROM participation
                           WHERE organization_id IS NOT NULL
                             AND event_id IN (SELECT id FROM chosen))
                 SELECT o.name, count(*),
                        (SELECT count(*) FROM participation p
                          WHERE p.organization_id = o.id AND p.head
                            AND p.event_id IN (SELECT id FROM chosen))
                   FROM links l JOIN organization o ON o.id = l.organization_id
                  GROUP BY o.id ORDER BY 2 DESC, o.name_key",
                q.sql
            );
            tx.query(&sql, &q.params())?
                .iter()
                .map(|r| StatsRow {
                    value: r.get(0),
                    events: r.get(1),
                    // One head per event and organization: its head rows are its events.
                    headed: Some(r.get(2)),
                })
                .collect()
        }
    };
    StatsRow::keep_largest(&mut rows, filter.limit);
    Ok(rows)
}
