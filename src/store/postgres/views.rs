//! `orgs`, `people`, `person`, `stats` and the aliases an export carries: the SQLite
//! backend's queries (`sqlite/views.rs`) translated, the same rows in the same order. Where
//! SQLite orders by `events_sort_key(name), events_key(name)`, this reads the stored
//! `name_sort` and `name_key` columns (the same functions, run by the writers).

use std::collections::BTreeMap;

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
use crate::store::summary::Facet;

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
    // Each one's counts and dates as its summary keeps them (`summary.rs`).
    let rows = tx.query(
        "SELECT o.id, o.name, s.events, s.as_organizer, s.as_partner, s.as_participant,
                s.first_date, s.last_date,
                (SELECT array_agg(n.name ORDER BY n.name_key) FROM organization_name n
                  WHERE n.organization_id = o.id AND n.name_key <> o.name_key)
           FROM organization o
           JOIN organization_summary s ON s.organization_id = o.id
          WHERE $1::text IS NULL OR EXISTS (
                SELECT 1 FROM organization_name n
                 WHERE n.organization_id = o.id AND strpos(n.name_key, $1::text) > 0)
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

/// Calls `f` with every person (or those who represented `org`: none when `org` is known by
/// no one), by name.
pub(super) fn people(
    tx: &mut Transaction<'_>,
    org: Option<&str>,
    f: &mut dyn FnMut(PersonSummary) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let org_id = match org {
        None => None,
        Some(name) => match find(tx, EntityKind::Organization, name)? {
            Some(found) => Some(found.id),
            None => return Ok(()),
        },
    };
    // Their counts, dates, position and organization as their summaries keep them
    // (`summary.rs`). The aliases are joined, not looked up person by person: a plan of
    // 60,000 lookups is costed high enough for the server to compile it first (JIT, 0.4 s).
    // Through a portal, a batch at a time: `query` would hold every row (60,000 people at
    // 100,000 events).
    let portal = tx.bind(
        "SELECT p.id, p.name, s.events, s.first_date, s.last_date, s.position, o.name, a.aliases
           FROM person p
           JOIN person_summary s ON s.person_id = p.id
           LEFT JOIN organization o ON o.id = s.organization_id
           LEFT JOIN (SELECT n.person_id, array_agg(n.name ORDER BY n.name_key) AS aliases
                        FROM person_name n JOIN person q ON q.id = n.person_id
                       WHERE n.name_key <> q.name_key
                       GROUP BY n.person_id) a ON a.person_id = p.id
          WHERE $1::bigint IS NULL
             OR p.id IN (SELECT person_id FROM participation WHERE organization_id = $1)
          ORDER BY p.name_sort, p.name_key, p.id",
        &[&org_id],
    )?;
    loop {
        let rows = tx.query_portal(&portal, PEOPLE_BATCH)?;
        for r in &rows {
            f(PersonSummary {
                name: r.get(1),
                aliases: r.get::<_, Option<Vec<String>>>(7).unwrap_or_default(),
                events: r.get(2),
                first: date(r.get(3)),
                last: date(r.get(4)),
                position: r.get(5),
                organization: r.get(6),
            })?;
        }
        if rows.len() < PEOPLE_BATCH as usize {
            return Ok(());
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
    if !filter.is_narrowed() {
        // Every event: the groups as their summaries keep them.
        let mut rows = summary_stats(tx, by)?;
        StatsRow::keep_largest(&mut rows, filter.limit);
        return Ok(rows);
    }
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
                      links (organization_id, event_id, head) AS (
                          SELECT organization_id, event_id, false FROM event_organization
                           WHERE event_id IN (SELECT id FROM chosen)
                          UNION ALL
                          SELECT organization_id, event_id, head FROM participation
                           WHERE organization_id IS NOT NULL
                             AND event_id IN (SELECT id FROM chosen)),
                      took (organization_id, event_id, heads) AS (
                          SELECT organization_id, event_id, count(*) FILTER (WHERE head)
                            FROM links GROUP BY organization_id, event_id)
                 SELECT o.name, count(*), sum(t.heads)::bigint
                   FROM took t JOIN organization o ON o.id = t.organization_id
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

/// A spelling of a group, with its own events.
type Spelling = (Option<String>, i64);

/// [`stats`] of every event, from the summaries (`summary.rs`): the same rows in the same
/// order as counting every event gives.
fn summary_stats(tx: &mut Transaction<'_>, by: StatsBy) -> Result<Vec<StatsRow>> {
    let facet = match by {
        StatsBy::Org => {
            // One head per event and organization: its head rows are its events.
            return Ok(tx
                .query(
                    "SELECT o.name, s.events, s.headed
                       FROM organization_summary s JOIN organization o ON o.id = s.organization_id
                      WHERE s.events > 0
                      ORDER BY s.events DESC, o.name_key",
                    &[],
                )?
                .iter()
                .map(|r| StatsRow {
                    value: r.get(0),
                    events: r.get(1),
                    headed: Some(r.get(2)),
                })
                .collect());
        }
        StatsBy::Year => Facet::Year,
        StatsBy::Kind => Facet::Kind,
        StatsBy::Mode => Facet::Mode,
        StatsBy::Region => Facet::Region,
    };
    let groups = tx.query(
        "SELECT value, events FROM event_facet WHERE facet = $1 ORDER BY value",
        &[&facet.as_str()],
    )?;
    let groups = groups
        .iter()
        .map(|r| (r.get::<_, Option<String>>(0), r.get::<_, i64>(1)));
    if facet == Facet::Year {
        // Four digits: in order of years.
        return Ok(groups
            .map(|(value, events)| StatsRow {
                value,
                events,
                headed: None,
            })
            .collect());
    }
    // Spellings alike but for case and spacing are one group, shown by the spelling most
    // of its events have (of equals, the first in code-point order); groups most events
    // first, then by key, none recorded last. `mode` is its own key.
    let key = |value: &str| match facet {
        Facet::Mode => value.to_string(),
        _ => name_key(value),
    };
    // By key: all its events, and the spelling shown with its own events.
    let mut keyed: BTreeMap<Option<String>, (i64, Option<Spelling>)> = BTreeMap::new();
    for (value, events) in groups {
        let (total, shown) = keyed.entry(value.as_deref().map(key)).or_default();
        *total += events;
        let better = match shown {
            None => true,
            Some((spelt, n)) => events > *n || (events == *n && value < *spelt),
        };
        if better {
            *shown = Some((value, events));
        }
    }
    let mut rows: Vec<(Option<String>, StatsRow)> = keyed
        .into_iter()
        .map(|(k, (events, shown))| {
            (
                k,
                StatsRow {
                    value: shown.and_then(|(value, _)| value),
                    events,
                    headed: None,
                },
            )
        })
        .collect();
    rows.sort_by(|(ka, a), (kb, b)| {
        (ka.is_none(), std::cmp::Reverse(a.events), ka).cmp(&(
            kb.is_none(),
            std::cmp::Reverse(b.events),
            kb,
        ))
    });
    Ok(rows.into_iter().map(|(_, row)| row).collect())
}
