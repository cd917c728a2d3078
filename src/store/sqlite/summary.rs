//! The summaries this backend keeps current (see [`crate::store::summary`]): a row per
//! organization (`organization_summary`), per person (`person_summary`) and per group of
//! `stats` (`event_facet`), so that `orgs`, `people` and `stats` read one row per line they
//! print instead of counting every event again.
//!
//! Every write refreshes them in its own transaction, from what it logs
//! ([`refresh`], called where an operation is written, and at the end of an import): the
//! organizations and people it made dirty are counted again one by one, each an
//! index-driven count of its own links; a write that made many of them dirty (an import)
//! counts everything again in one pass over the links instead ([`Recount`]), which is also
//! what the migration that made the tables and `check` do. The groups are kept by difference.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, params};

use crate::model::name_key;
use crate::store::fold::sort_key;
use crate::store::summary::Dirty;

/// 6: the tables, empty (the migration fills them with [`recount_everything`]). Each
/// summary row holds its entity's name as `orgs` and `people` sort it (`sort_key`,
/// `name_key`: what `events_sort_key` and `events_key` give), indexed, so that those views
/// read in order without sorting. `event_facet`'s groups "none recorded" are `recorded = 0`
/// with the value `''`; without rowid, its rows are in the order of their key whatever
/// order they were written in. (`IF NOT EXISTS`: a database whose recorded version was set
/// back by hand runs this migration again, and its summaries are counted again.)
pub(super) const V6_SUMMARIES: &str = r#"
CREATE TABLE IF NOT EXISTS organization_summary (
    organization_id INTEGER PRIMARY KEY REFERENCES organization(id) ON DELETE CASCADE,
    sort_key        TEXT NOT NULL,
    name_key        TEXT NOT NULL,
    events          INTEGER NOT NULL,   -- distinct events it took part in, in any role
    as_organizer    INTEGER NOT NULL,
    as_partner      INTEGER NOT NULL,
    as_participant  INTEGER NOT NULL,   -- events a participant represented it at
    headed          INTEGER NOT NULL,   -- participations heading its delegation
    first_date      TEXT,               -- the first and latest start dates of its events
    last_date       TEXT
);
CREATE INDEX IF NOT EXISTS organization_summary_order ON organization_summary(sort_key, name_key, organization_id);
CREATE INDEX IF NOT EXISTS organization_summary_events ON organization_summary(events DESC, name_key);

CREATE TABLE IF NOT EXISTS person_summary (
    person_id       INTEGER PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,
    sort_key        TEXT NOT NULL,
    name_key        TEXT NOT NULL,
    events          INTEGER NOT NULL,
    first_date      TEXT,
    last_date       TEXT,
    -- Of one participation: the latest that records a position, else the latest that
    -- records an organization.
    position        TEXT,
    organization_id INTEGER REFERENCES organization(id) ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS person_summary_order ON person_summary(sort_key, name_key, person_id);
CREATE INDEX IF NOT EXISTS person_summary_organization ON person_summary(organization_id);

CREATE TABLE IF NOT EXISTS event_facet (
    facet    TEXT NOT NULL CHECK (facet IN ('year', 'kind', 'mode', 'region')),
    recorded INTEGER NOT NULL CHECK (recorded IN (0, 1)),
    value    TEXT NOT NULL CHECK (recorded OR value = ''),
    events   INTEGER NOT NULL,
    PRIMARY KEY (facet, recorded, value)
) WITHOUT ROWID;

-- What a summary of an organization counts again, found by organization: the heads.
CREATE INDEX IF NOT EXISTS participation_head_organization ON participation(organization_id) WHERE head;
"#;

/// Every group of `stats`, counted from the events: facet, recorded, value, events. An event
/// counts in every year from its start to its end. A macro, so that the statements that use
/// it are constants.
macro_rules! facets_counted {
    () => {
        "
    WITH RECURSIVE years (year, last) AS (
        SELECT CAST(substr(start_date, 1, 4) AS INTEGER), CAST(substr(end_date, 1, 4) AS INTEGER)
          FROM event
        UNION ALL
        SELECT year + 1, last FROM years WHERE year < last)
    SELECT 'year', 1, printf('%04d', year), count(*) FROM years GROUP BY year
    UNION ALL
    SELECT 'kind', kind IS NOT NULL, coalesce(kind, ''), count(*) FROM event GROUP BY kind
    UNION ALL
    SELECT 'mode', mode IS NOT NULL, coalesce(mode, ''), count(*) FROM event GROUP BY mode
    UNION ALL
    SELECT 'region', region IS NOT NULL, coalesce(region, ''), count(*) FROM event GROUP BY region"
    };
}
const FACETS_COUNTED: &str = facets_counted!();

/// `?1` an organization: its summary, counted again from its links (nothing if it is gone).
const ORGANIZATION_COUNTED: &str = "
    INSERT INTO organization_summary (organization_id, sort_key, name_key, events, as_organizer,
                                      as_partner, as_participant, headed, first_date, last_date)
    SELECT o.id, events_sort_key(o.name), events_key(o.name), d.n,
           (SELECT count(*) FROM event_organization
             WHERE organization_id = ?1 AND role = 'organizer'),
           (SELECT count(*) FROM event_organization
             WHERE organization_id = ?1 AND role = 'partner'),
           (SELECT count(DISTINCT event_id) FROM participation WHERE organization_id = ?1),
           (SELECT count(*) FROM participation WHERE organization_id = ?1 AND head),
           d.first, d.last
      FROM organization o,
           (SELECT count(*) AS n, min(e.start_date) AS first, max(e.start_date) AS last
              FROM (SELECT event_id FROM event_organization WHERE organization_id = ?1
                    UNION
                    SELECT event_id FROM participation WHERE organization_id = ?1) l
              JOIN event e ON e.id = l.event_id) d
     WHERE o.id = ?1";

/// `?1` a person: their summary, counted again from their participations (nothing if they
/// are gone). The position and organization of one participation: the latest that records
/// a position, else the latest that records an organization.
const PERSON_COUNTED: &str = "
    INSERT INTO person_summary (person_id, sort_key, name_key, events, first_date, last_date,
                                position, organization_id)
    SELECT p.id, events_sort_key(p.name), events_key(p.name), d.n, d.first, d.last,
           b.position, b.organization_id
      FROM person p,
           (SELECT count(DISTINCT pa.event_id) AS n, min(e.start_date) AS first,
                   max(e.start_date) AS last
              FROM participation pa JOIN event e ON e.id = pa.event_id
             WHERE pa.person_id = ?1) d
      LEFT JOIN (SELECT q.position, q.organization_id FROM participation q
                   JOIN event f ON f.id = q.event_id
                  WHERE q.person_id = ?1
                    AND (q.position IS NOT NULL OR q.organization_id IS NOT NULL)
                  ORDER BY q.position IS NULL, f.start_date DESC, q.id DESC LIMIT 1) b ON 1
     WHERE p.id = ?1";

/// Brings the summaries up to date with what one write changed, in its transaction.
pub(super) fn refresh(conn: &Connection, dirty: &Dirty) -> rusqlite::Result<()> {
    if dirty.is_empty() {
        return Ok(());
    }
    if is_large(conn, dirty)? {
        write_recount(conn, &Recount::everything(conn)?)?;
    } else {
        let mut delete =
            conn.prepare_cached("DELETE FROM organization_summary WHERE organization_id = ?1")?;
        let mut insert = conn.prepare_cached(ORGANIZATION_COUNTED)?;
        for &id in &dirty.organizations {
            delete.execute([id])?;
            insert.execute([id])?;
        }
        let mut delete = conn.prepare_cached("DELETE FROM person_summary WHERE person_id = ?1")?;
        let mut insert = conn.prepare_cached(PERSON_COUNTED)?;
        for &id in &dirty.people {
            delete.execute([id])?;
            insert.execute([id])?;
        }
    }
    let mut add = conn.prepare_cached(
        "INSERT INTO event_facet (facet, recorded, value, events) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (facet, recorded, value) DO UPDATE SET events = events + excluded.events",
    )?;
    let mut gone = conn.prepare_cached(
        "DELETE FROM event_facet WHERE facet = ?1 AND recorded = ?2 AND value = ?3 AND events = 0",
    )?;
    for (facet, value, n) in dirty.facet_changes() {
        let key = params![facet.as_str(), value.is_some(), value.unwrap_or("")];
        add.execute(params![
            facet.as_str(),
            value.is_some(),
            value.unwrap_or(""),
            n
        ])?;
        gone.execute(key)?;
    }
    Ok(())
}

/// Whether so many organizations or people are dirty (more than a quarter of either, and
/// more than a few hundred) that one pass over every link costs less than counting each.
fn is_large(conn: &Connection, dirty: &Dirty) -> rusqlite::Result<bool> {
    const FEW: usize = 256;
    if dirty.organizations.len() <= FEW && dirty.people.len() <= FEW {
        return Ok(false);
    }
    let (orgs, people): (i64, i64) = conn.query_row(
        "SELECT (SELECT count(*) FROM organization_summary), (SELECT count(*) FROM person_summary)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let large = |dirty: usize, all: i64| dirty > FEW && dirty as i64 * 4 > all;
    Ok(large(dirty.organizations.len(), orgs) || large(dirty.people.len(), people))
}

/// Counts every summary again and writes them all: the migration that made the tables.
pub(super) fn recount_everything(conn: &Connection) -> rusqlite::Result<()> {
    write_recount(conn, &Recount::everything(conn)?)?;
    conn.execute("DELETE FROM event_facet", [])?;
    conn.execute(
        concat!(
            "INSERT INTO event_facet (facet, recorded, value, events) ",
            facets_counted!()
        ),
        [],
    )?;
    Ok(())
}

fn write_recount(conn: &Connection, recount: &Recount) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM organization_summary", [])?;
    conn.execute("DELETE FROM person_summary", [])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO organization_summary (organization_id, sort_key, name_key, events,
             as_organizer, as_partner, as_participant, headed, first_date, last_date)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (id, o) in &recount.organizations {
        insert.execute(params![
            id,
            o.sort_key,
            o.name_key,
            o.events,
            o.as_organizer,
            o.as_partner,
            o.as_participant,
            o.headed,
            o.first,
            o.last
        ])?;
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO person_summary (person_id, sort_key, name_key, events, first_date,
             last_date, position, organization_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (id, p) in &recount.people {
        insert.execute(params![
            id,
            p.sort_key,
            p.name_key,
            p.events,
            p.first,
            p.last,
            p.position,
            p.organization
        ])?;
    }
    Ok(())
}

/// One organization's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct OrgRow {
    sort_key: String,
    name_key: String,
    events: i64,
    as_organizer: i64,
    as_partner: i64,
    as_participant: i64,
    headed: i64,
    first: Option<String>,
    last: Option<String>,
}

/// One person's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct PersonRow {
    sort_key: String,
    name_key: String,
    events: i64,
    first: Option<String>,
    last: Option<String>,
    position: Option<String>,
    organization: Option<i64>,
}

/// Every summary counted from the records, in one pass over every link of every event, in
/// event order (no sort: the links are read in the order of their indexes by event).
#[derive(Debug, Default)]
struct Recount {
    organizations: BTreeMap<i64, OrgRow>,
    people: BTreeMap<i64, PersonRow>,
}

/// A person's summary as it is being counted: the row, the event last counted for them (a
/// person's participations in one event count one event), and the participation their
/// position is taken from so far (whether it records one, its event's start, its id: the
/// greatest wins).
#[derive(Default)]
struct PersonCount {
    row: PersonRow,
    last_event: Option<i64>,
    latest: Option<(bool, String, i64)>,
}

impl Recount {
    fn everything(conn: &Connection) -> rusqlite::Result<Recount> {
        let mut organizations: HashMap<i64, OrgRow> = HashMap::new();
        let mut stmt = conn.prepare("SELECT id, name FROM organization")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let name = r.get_ref(1)?.as_str()?;
            let row = OrgRow {
                sort_key: sort_key(name),
                name_key: name_key(name),
                ..OrgRow::default()
            };
            organizations.insert(r.get(0)?, row);
        }
        let mut people: HashMap<i64, PersonCount> = HashMap::new();
        let mut stmt = conn.prepare("SELECT id, name FROM person")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let name = r.get_ref(1)?.as_str()?;
            let row = PersonRow {
                sort_key: sort_key(name),
                name_key: name_key(name),
                ..PersonRow::default()
            };
            people.insert(
                r.get(0)?,
                PersonCount {
                    row,
                    ..PersonCount::default()
                },
            );
        }
        // Each link with its event's start; an event's links one after the other (the two
        // kinds merged by event, each read in the order of an index by event).
        let mut stmt = conn.prepare(
            "SELECT eo.event_id, e.start_date, eo.role = 'partner', eo.organization_id,
                    0, NULL, NULL, NULL
               FROM event_organization eo JOIN event e ON e.id = eo.event_id
             UNION ALL
             SELECT pa.event_id, e.start_date, 2, pa.organization_id, pa.head, pa.person_id,
                    pa.position, pa.id
               FROM participation pa JOIN event e ON e.id = pa.event_id
             ORDER BY 1",
        )?;
        let mut rows = stmt.query([])?;
        // The event being read, and the organizations it links to with how they took part:
        // organizer, partner, participant.
        let mut event: Option<(i64, String)> = None;
        let mut links: Vec<(i64, [bool; 3])> = Vec::new();
        while let Some(r) = rows.next()? {
            let event_id: i64 = r.get(0)?;
            let start = match &mut event {
                Some((id, start)) if *id == event_id => start,
                _ => {
                    if let Some((_, start)) = &event {
                        count_links(&mut organizations, start, &mut links);
                    }
                    &mut event.insert((event_id, r.get(1)?)).1
                }
            };
            let role: i64 = r.get(2)?;
            let organization: Option<i64> = r.get(3)?;
            if let Some(org) = organization {
                let i = match links.iter().position(|(o, _)| *o == org) {
                    Some(i) => i,
                    None => {
                        links.push((org, [false; 3]));
                        links.len() - 1
                    }
                };
                links[i].1[role.clamp(0, 2) as usize] = true;
                if r.get::<_, bool>(4)?
                    && let Some(o) = organizations.get_mut(&org)
                {
                    o.headed += 1;
                }
            }
            let Some(person) = r.get::<_, Option<i64>>(5)? else {
                continue;
            };
            let Some(p) = people.get_mut(&person) else {
                continue;
            };
            if p.last_event != Some(event_id) {
                p.last_event = Some(event_id);
                p.row.events += 1;
                widen(&mut p.row.first, &mut p.row.last, start);
            }
            let position = r.get_ref(6)?.as_str_or_null()?;
            if position.is_some() || organization.is_some() {
                let id: i64 = r.get(7)?;
                let later = match &p.latest {
                    None => true,
                    Some((has, date, pid)) => {
                        (position.is_some(), start.as_str(), id) > (*has, date.as_str(), *pid)
                    }
                };
                if later {
                    p.latest = Some((position.is_some(), start.clone(), id));
                    p.row.position = position.map(str::to_string);
                    p.row.organization = organization;
                }
            }
        }
        if let Some((_, start)) = &event {
            count_links(&mut organizations, start, &mut links);
        }
        Ok(Recount {
            organizations: organizations.into_iter().collect(),
            people: people.into_iter().map(|(id, p)| (id, p.row)).collect(),
        })
    }
}

/// Counts one event in the summaries of the organizations it links to, and forgets them.
fn count_links(
    organizations: &mut HashMap<i64, OrgRow>,
    start: &str,
    links: &mut Vec<(i64, [bool; 3])>,
) {
    for (org, [organizer, partner, participant]) in links.drain(..) {
        let Some(o) = organizations.get_mut(&org) else {
            continue;
        };
        o.events += 1;
        o.as_organizer += i64::from(organizer);
        o.as_partner += i64::from(partner);
        o.as_participant += i64::from(participant);
        widen(&mut o.first, &mut o.last, start);
    }
}

/// Widens a span of dates to take in `date`.
fn widen(first: &mut Option<String>, last: &mut Option<String>, date: &str) {
    if first.as_deref().is_none_or(|f| date < f) {
        *first = Some(date.to_string());
    }
    if last.as_deref().is_none_or(|l| date > l) {
        *last = Some(date.to_string());
    }
}

/// What differs between the summaries and a count of the records: one finding per record
/// or group, naming it and both versions.
pub(super) fn check(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let recount = Recount::everything(conn)?;
    let mut findings = Vec::new();
    let names = |sql: &str| -> rusqlite::Result<HashMap<i64, String>> {
        conn.prepare(sql)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect()
    };

    let org_names = names("SELECT id, name FROM organization")?;
    let mut stored: BTreeMap<i64, OrgRow> = BTreeMap::new();
    let mut stmt = conn.prepare(
        "SELECT organization_id, sort_key, name_key, events, as_organizer, as_partner,
                as_participant, headed, first_date, last_date FROM organization_summary",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        stored.insert(
            r.get(0)?,
            OrgRow {
                sort_key: r.get(1)?,
                name_key: r.get(2)?,
                events: r.get(3)?,
                as_organizer: r.get(4)?,
                as_partner: r.get(5)?,
                as_participant: r.get(6)?,
                headed: r.get(7)?,
                first: r.get(8)?,
                last: r.get(9)?,
            },
        );
    }
    let describe_org = |o: &OrgRow| {
        format!(
            "{} events ({} as organizer, {} as partner, {} as participant, {} headed), first {}, last {}, sorted as {:?} {:?}",
            o.events,
            o.as_organizer,
            o.as_partner,
            o.as_participant,
            o.headed,
            o.first.as_deref().unwrap_or("none"),
            o.last.as_deref().unwrap_or("none"),
            o.sort_key,
            o.name_key
        )
    };
    compare(
        "organization",
        &org_names,
        &stored,
        &recount.organizations,
        describe_org,
        &mut findings,
    );

    let person_names = names("SELECT id, name FROM person")?;
    let mut stored: BTreeMap<i64, PersonRow> = BTreeMap::new();
    let mut stmt = conn.prepare(
        "SELECT person_id, sort_key, name_key, events, first_date, last_date, position,
                organization_id FROM person_summary",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        stored.insert(
            r.get(0)?,
            PersonRow {
                sort_key: r.get(1)?,
                name_key: r.get(2)?,
                events: r.get(3)?,
                first: r.get(4)?,
                last: r.get(5)?,
                position: r.get(6)?,
                organization: r.get(7)?,
            },
        );
    }
    let describe_person = |p: &PersonRow| {
        format!(
            "{} events, first {}, last {}, position {:?}, organization {}, sorted as {:?} {:?}",
            p.events,
            p.first.as_deref().unwrap_or("none"),
            p.last.as_deref().unwrap_or("none"),
            p.position.as_deref().unwrap_or(""),
            p.organization.map_or("none".to_string(), |o| o.to_string()),
            p.sort_key,
            p.name_key
        )
    };
    compare(
        "person",
        &person_names,
        &stored,
        &recount.people,
        describe_person,
        &mut findings,
    );

    let read = |sql: &str| -> rusqlite::Result<BTreeMap<(String, bool, String), i64>> {
        conn.prepare(sql)?
            .query_map([], |r| Ok(((r.get(0)?, r.get(1)?, r.get(2)?), r.get(3)?)))?
            .collect()
    };
    let stored = read("SELECT facet, recorded, value, events FROM event_facet")?;
    let counted = read(FACETS_COUNTED)?;
    for key in stored
        .keys()
        .chain(counted.keys().filter(|k| !stored.contains_key(*k)))
    {
        let (facet, recorded, value) = key;
        let (a, b) = (stored.get(key), counted.get(key));
        if a != b {
            let group = match recorded {
                true => format!("{facet} {value:?}"),
                false => format!("{facet} none recorded"),
            };
            findings.push(format!(
                "summary: {group} has {} events in the summary, {} counted",
                a.copied().unwrap_or(0),
                b.copied().unwrap_or(0)
            ));
        }
    }
    Ok(findings)
}

/// Compares the stored summaries of one kind with the counted ones.
fn compare<T: PartialEq>(
    kind: &str,
    names: &HashMap<i64, String>,
    stored: &BTreeMap<i64, T>,
    counted: &BTreeMap<i64, T>,
    describe: impl Fn(&T) -> String,
    findings: &mut Vec<String>,
) {
    let name = |id: &i64| names.get(id).map_or(String::new(), |n| format!(" {n:?}"));
    for (id, row) in counted {
        match stored.get(id) {
            None => findings.push(format!(
                "summary: {kind} {id}{} has none; counted: {}",
                name(id),
                describe(row)
            )),
            Some(s) if s != row => findings.push(format!(
                "summary: {kind} {id}{}: the summary says {}; counted: {}",
                name(id),
                describe(s),
                describe(row)
            )),
            Some(_) => {}
        }
    }
    for id in stored.keys().filter(|id| !counted.contains_key(id)) {
        findings.push(format!("summary: {kind} {id} is no more, and has one"));
    }
}
