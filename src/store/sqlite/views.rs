//! Read-only views across events: organizations, people, a person's history, counts.

use chrono::Datelike;
use rusqlite::params_from_iter;
use rusqlite::types::Type;

use super::SqliteStore;
use super::entity::{ORGANIZATION, PERSON, aliases};
use super::filter::event_query;
use super::lookup::{organization_id, person_id};

use crate::model::{
    AliasRecord, EventFilter, HistoryEntry, OrgSummary, PersonHistory, PersonSummary, StatsBy,
    StatsRow, name_key,
};
use crate::store::error::Result;
use crate::store::summary::Facet;

impl SqliteStore {
    /// Every organization (or those with a name or alias containing `search`), by name:
    /// their summaries, read in the order of their index, each with its aliases. An
    /// organization comes as many rows as it has aliases (one if none), its aliases in order:
    /// a join, which finds that an organization has none in the index of names alone, where
    /// a list made for each (`json_group_array`) took twice the time of the whole query.
    pub(super) fn organizations(&self, search: Option<&str>) -> Result<Vec<OrgSummary>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.organization_id, o.name, s.events, s.as_organizer, s.as_partner,
                    s.as_participant, s.first_date, s.last_date, n.name
               FROM organization_summary s JOIN organization o ON o.id = s.organization_id
               LEFT JOIN organization_name n
                      ON n.organization_id = s.organization_id AND n.name_key <> s.name_key
              WHERE ?1 IS NULL OR EXISTS (
                    SELECT 1 FROM organization_name n
                     WHERE n.organization_id = s.organization_id AND instr(n.name_key, ?1) > 0)
              ORDER BY s.sort_key, s.name_key, s.organization_id, n.name_key",
        )?;
        let search = search.map(name_key);
        let mut rows = stmt.query([search])?;
        let mut orgs: Vec<OrgSummary> = Vec::new();
        let mut last_id = None;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let alias: Option<String> = r.get(8)?;
            if last_id != Some(id) {
                last_id = Some(id);
                orgs.push(OrgSummary {
                    name: r.get(1)?,
                    aliases: Vec::new(),
                    initialisms: Vec::new(),
                    events: r.get(2)?,
                    as_organizer: r.get(3)?,
                    as_partner: r.get(4)?,
                    as_participant: r.get(5)?,
                    first: r.get(6)?,
                    last: r.get(7)?,
                });
            }
            if let (Some(alias), Some(org)) = (alias, orgs.last_mut()) {
                org.aliases.push(alias);
            }
        }
        Ok(orgs)
    }

    /// Every person (or those who represented `org`), by name: their summaries, read in the
    /// order of their index, each with its aliases. `Ok(None)` when `org` is known by no one.
    pub(super) fn people(
        &self,
        org: Option<&str>,
        f: &mut dyn FnMut(PersonSummary) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let org_id = match org {
            None => None,
            Some(name) => match organization_id(&self.conn, name)? {
                Some(id) => Some(id),
                None => return Ok(()),
            },
        };
        let mut stmt = self.conn.prepare(
            "SELECT p.name, s.events, s.position, o.name, s.first_date, s.last_date,
                    (SELECT json_group_array(name) FROM (
                         SELECT n.name FROM person_name n
                          WHERE n.person_id = s.person_id AND n.name_key <> s.name_key
                          ORDER BY n.name_key))
               FROM person_summary s JOIN person p ON p.id = s.person_id
               LEFT JOIN organization o ON o.id = s.organization_id
              WHERE ?1 IS NULL
                 OR s.person_id IN (SELECT person_id FROM participation WHERE organization_id = ?1)
              ORDER BY s.sort_key, s.name_key, s.person_id",
        )?;
        let mut rows = stmt.query([org_id])?;
        while let Some(r) = rows.next()? {
            f(PersonSummary {
                name: r.get(0)?,
                aliases: names_of(r, 6)?,
                events: r.get(1)?,
                position: r.get(2)?,
                organization: r.get(3)?,
                first: r.get(4)?,
                last: r.get(5)?,
            })?;
        }
        Ok(())
    }

    /// Everything the person known by `name` (or an alias) took part in, oldest first.
    pub(super) fn person_history(&self, name: &str) -> Result<Option<PersonHistory>> {
        let Some(id) = person_id(&self.conn, name)? else {
            return Ok(None);
        };
        let canonical: String =
            self.conn
                .query_row("SELECT name FROM person WHERE id = ?1", [id], |r| r.get(0))?;
        let history = self
            .conn
            .prepare(
                "SELECT e.id, e.key, e.start_date, e.end_date, e.title, pa.position, o.name,
                        pa.role, s.name, pa.contribution, pa.id, pa.head
                   FROM participation pa
                   JOIN event e ON e.id = pa.event_id
                   LEFT JOIN organization o ON o.id = pa.organization_id
                   LEFT JOIN session s ON s.id = pa.session_id
                  WHERE pa.person_id = ?1
                  ORDER BY e.start_date, e.id, pa.id",
            )?
            .query_map([id], |r| {
                Ok(HistoryEntry {
                    event: r.get(0)?,
                    key: r.get(1)?,
                    start: r.get(2)?,
                    end: r.get(3)?,
                    title: r.get(4)?,
                    position: r.get(5)?,
                    organization: r.get(6)?,
                    role: r.get(7)?,
                    session: r.get(8)?,
                    contribution: r.get(9)?,
                    head: r.get(11)?,
                    participation: r.get(10)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(PersonHistory {
            aliases: aliases(&self.conn, &PERSON, id, &canonical)?,
            name: canonical,
            history,
        }))
    }

    /// The aliases of organizations and people, as records that an import gives back: what an
    /// export writes after its events. A full export has every organization and person with
    /// an alias; one narrowed by `filter` has those linked to its events. By name, so that the
    /// same data gives the same records in any database.
    pub(super) fn alias_records(&self, filter: &EventFilter) -> Result<Vec<AliasRecord>> {
        let whole = !filter.is_narrowed() && filter.limit.is_none();
        let (chosen, values) = if whole {
            ("SELECT id FROM event".to_string(), Vec::new())
        } else {
            match event_query(&self.conn, filter, "e.id")? {
                Some(query) => query,
                None => return Ok(Vec::new()),
            }
        };
        let org_links = if whole {
            ""
        } else {
            "AND o.id IN (SELECT organization_id FROM event_organization WHERE event_id IN chosen
                          UNION SELECT organization_id FROM participation WHERE event_id IN chosen)"
        };
        let person_links = if whole {
            ""
        } else {
            "AND p.id IN (SELECT person_id FROM participation WHERE event_id IN chosen)"
        };
        let mut records = Vec::new();
        let queries = [
            (
                format!(
                    "WITH chosen (id) AS (SELECT id FROM ({chosen}))
                     SELECT o.id, o.name FROM organization o
                      WHERE EXISTS (SELECT 1 FROM organization_name n
                                     WHERE n.organization_id = o.id
                                       AND n.name_key <> events_key(o.name))
                        {org_links}
                      ORDER BY events_sort_key(o.name), events_key(o.name), o.id"
                ),
                &ORGANIZATION,
                true,
            ),
            (
                format!(
                    "WITH chosen (id) AS (SELECT id FROM ({chosen}))
                     SELECT p.id, p.name FROM person p
                      WHERE EXISTS (SELECT 1 FROM person_name n
                                     WHERE n.person_id = p.id AND n.name_key <> events_key(p.name))
                        {person_links}
                      ORDER BY events_sort_key(p.name), events_key(p.name), p.id"
                ),
                &PERSON,
                false,
            ),
        ];
        for (sql, entity, is_org) in queries {
            let mut stmt = self.conn.prepare(&sql)?;
            let entities = stmt
                .query_map(params_from_iter(values.to_vec()), |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for (id, name) in entities {
                let aliases = aliases(&self.conn, entity, id, &name)?;
                let (organization, person) = if is_org {
                    (Some(name), None)
                } else {
                    (None, Some(name))
                };
                records.push(AliasRecord {
                    organization,
                    person,
                    aliases,
                });
            }
        }
        Ok(records)
    }

    /// How many of the events passing `filter` fall in each group. Years in order; other
    /// groups most events first, then by name. An event counts in every year it runs in,
    /// within the filter's period: no year outside it is ever a group. The filter's limit is
    /// not a limit on events here but on groups: the `limit` groups with the most events, in
    /// the usual order.
    pub(super) fn stats(&self, by: StatsBy, filter: &EventFilter) -> Result<Vec<StatsRow>> {
        if !filter.is_narrowed() {
            let mut rows = self.stats_of_all(by)?;
            StatsRow::keep_largest(&mut rows, filter.limit);
            return Ok(rows);
        }
        let events_filter = EventFilter {
            limit: None,
            ..filter.clone()
        };
        let Some((events, mut values)) = event_query(&self.conn, &events_filter, "e.id")? else {
            return Ok(Vec::new());
        };
        let sql = match by {
            StatsBy::Year => {
                // The years from the first to the last any chosen event runs in, narrowed
                // to the filter's period; the events of each span of years (few: most start
                // and end in one year) count in every one of them it covers.
                values.push(filter.from.map(|d| i64::from(d.year())).into());
                values.push(filter.to.map(|d| i64::from(d.year())).into());
                format!(
                    "WITH RECURSIVE
                          chosen (first, last, events) AS MATERIALIZED (
                              SELECT CAST(substr(e.start_date, 1, 4) AS INTEGER),
                                     CAST(substr(e.end_date, 1, 4) AS INTEGER), count(*)
                                FROM event e WHERE e.id IN (SELECT id FROM ({events}))
                               GROUP BY 1, 2),
                          span (low, high) AS (
                              SELECT max(min(first), coalesce(?, min(first))),
                                     min(max(last), coalesce(?, max(last)))
                                FROM chosen),
                          years (year) AS (
                              SELECT low FROM span WHERE low IS NOT NULL AND low <= high
                              UNION ALL
                              SELECT year + 1 FROM years, span WHERE year < high)
                     SELECT printf('%04d', year), sum(events) FROM years
                       JOIN chosen ON chosen.first <= year AND chosen.last >= year
                      GROUP BY year ORDER BY year"
                )
            }
            StatsBy::Kind | StatsBy::Mode | StatsBy::Region => {
                let column = match by {
                    StatsBy::Kind => "e.kind",
                    StatsBy::Mode => "e.mode",
                    _ => "e.region",
                };
                // Spellings alike but for case and spacing are one group, shown by the
                // spelling most of its events have (of equals, the first in byte order):
                // the same on every backend, not whichever row SQLite happens to read last.
                format!(
                    "WITH spellings (key, value, events) AS (
                          SELECT events_key({column}), {column}, count(*) FROM event e
                           WHERE e.id IN (SELECT id FROM ({events}))
                           GROUP BY 1, 2),
                      ranked (key, value, events, rank) AS (
                          SELECT key, value, sum(events) OVER (PARTITION BY key),
                                 row_number() OVER (PARTITION BY key ORDER BY events DESC, value)
                            FROM spellings)
                     SELECT value, events FROM ranked WHERE rank = 1
                      ORDER BY key IS NULL, events DESC, key"
                )
            }
            // The chosen events once (a CTE used twice is otherwise run twice, and a
            // correlated count of heads ran it once per organization), the heads counted
            // with the links.
            StatsBy::Org => format!(
                "WITH chosen (id) AS MATERIALIZED (SELECT id FROM ({events})),
                      links (organization_id, event_id, head) AS (
                          SELECT organization_id, event_id, 0 FROM event_organization
                           WHERE event_id IN chosen
                          UNION ALL
                          SELECT organization_id, event_id, head FROM participation
                           WHERE organization_id IS NOT NULL AND event_id IN chosen)
                 SELECT o.name, count(DISTINCT l.event_id), sum(l.head)
                   FROM links l JOIN organization o ON o.id = l.organization_id
                  GROUP BY o.id ORDER BY 2 DESC, events_key(o.name)"
            ),
        };
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows: Vec<StatsRow> = stmt
            .query_map(params_from_iter(values), |r| {
                Ok(StatsRow {
                    value: r.get(0)?,
                    events: r.get(1)?,
                    // One head per event and organization: its head rows are its events.
                    headed: if by == StatsBy::Org {
                        Some(r.get(2)?)
                    } else {
                        None
                    },
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        StatsRow::keep_largest(&mut rows, filter.limit);
        Ok(rows)
    }

    /// `stats` of every event, from the summaries: the groups as [`SqliteStore::stats`] gives
    /// them, read from a row per group (per organization, by organization).
    fn stats_of_all(&self, by: StatsBy) -> Result<Vec<StatsRow>> {
        let facet = match by {
            StatsBy::Year => Facet::Year,
            StatsBy::Kind => Facet::Kind,
            StatsBy::Mode => Facet::Mode,
            StatsBy::Region => Facet::Region,
            StatsBy::Org => {
                let mut stmt = self.conn.prepare(
                    "SELECT o.name, s.events, s.headed
                       FROM organization_summary s JOIN organization o ON o.id = s.organization_id
                      WHERE s.events > 0 ORDER BY s.events DESC, s.name_key",
                )?;
                let rows = stmt.query_map([], |r| {
                    Ok(StatsRow {
                        value: r.get(0)?,
                        events: r.get(1)?,
                        headed: Some(r.get(2)?),
                    })
                })?;
                return Ok(rows.collect::<rusqlite::Result<_>>()?);
            }
        };
        // As `stats` groups the events themselves: spellings alike but for case and spacing
        // are one group, shown by the spelling most of its events have.
        let sql = match facet {
            Facet::Year => {
                "SELECT value, events FROM event_facet WHERE facet = ?1 AND recorded ORDER BY value"
            }
            _ => {
                "WITH spellings (key, value, events) AS (
                      SELECT events_key(CASE WHEN recorded THEN value END),
                             CASE WHEN recorded THEN value END, events
                        FROM event_facet WHERE facet = ?1),
                  ranked (key, value, events, rank) AS (
                      SELECT key, value, sum(events) OVER (PARTITION BY key),
                             row_number() OVER (PARTITION BY key ORDER BY events DESC, value)
                        FROM spellings)
                 SELECT value, events FROM ranked WHERE rank = 1
                  ORDER BY key IS NULL, events DESC, key"
            }
        };
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([facet.as_str()], |r| {
            Ok(StatsRow {
                value: r.get(0)?,
                events: r.get(1)?,
                headed: None,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Names given as a JSON array of text (`json_group_array`) in column `i`.
fn names_of(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Vec<String>> {
    let json: String = r.get(i)?;
    serde_json::from_str(&json)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}
