//! Queries and writes on events and everything linked to them.

use std::collections::HashMap;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter, types::Value};

use super::Store;
use crate::model::{
    Event, EventFilter, Mode, NewEvent, NewParticipant, OrgRole, Participant, name_key,
};

/// The moment a row is written, as stored in `created_at` and `updated_at`.
pub(super) fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl Store {
    /// Finds an event by its numeric id or, failing that, by its key.
    pub fn resolve_event(&self, reference: &str) -> Result<Option<i64>> {
        resolve_event(&self.conn, reference)
    }

    /// Records a new event with its organizations, tags, sessions and participants, in one
    /// transaction. Returns its id.
    pub fn add_event(&mut self, event: &NewEvent) -> Result<i64> {
        let tx = self.write()?;
        if let Some(key) = &event.key
            && let Some(id) = event_with_key(&tx, key)?
        {
            bail!("an event with key {key:?} already exists (id {id}); choose another --key");
        }
        let id = insert_event(&tx, &mut Names::default(), event, &now())?;
        tx.commit()?;
        Ok(id)
    }

    /// Records one participation in an existing event. Returns its id.
    pub fn add_participant(&mut self, event_id: i64, p: &NewParticipant) -> Result<i64> {
        let tx = self.write()?;
        let stamp = now();
        let id = insert_participant(
            &tx,
            &mut Names::default(),
            &mut Sessions::default(),
            event_id,
            p,
            &stamp,
        )?;
        touch_event(&tx, event_id, &stamp)?;
        tx.commit()?;
        Ok(id)
    }

    /// Another event with the same title (compared case-insensitively) and start date, if any.
    pub fn find_same_event(&self, title: &str, start: NaiveDate) -> Result<Option<i64>> {
        find_same_event(&self.conn, title, start)
    }

    /// The events that pass `filter`, ordered by start date then id, with all their links.
    pub fn list_events(&self, filter: &EventFilter) -> Result<Vec<Event>> {
        let mut events = Vec::new();
        self.each_event(filter, |event| {
            events.push(event);
            Ok(())
        })?;
        Ok(events)
    }

    /// Calls `f` with each event that passes `filter`, in order of start date then id, holding
    /// one event at a time.
    pub fn each_event(
        &self,
        filter: &EventFilter,
        mut f: impl FnMut(Event) -> Result<()>,
    ) -> Result<()> {
        let mut sql = String::from("SELECT ");
        sql.push_str(EVENT_COLUMNS);
        sql.push_str(" FROM event e WHERE 1 = 1");
        let mut values: Vec<Value> = Vec::new();
        if let Some(from) = filter.from {
            sql.push_str(" AND e.end_date >= ?");
            values.push(Value::Text(crate::dates::iso(from)));
        }
        if let Some(to) = filter.to {
            sql.push_str(" AND e.start_date <= ?");
            values.push(Value::Text(crate::dates::iso(to)));
        }
        if let Some(org) = &filter.org {
            let Some(org_id) = self.organization_id(org)? else {
                return Ok(());
            };
            sql.push_str(
                " AND e.id IN (SELECT event_id FROM event_organization WHERE organization_id = ?
                               UNION SELECT event_id FROM participation WHERE organization_id = ?)",
            );
            values.push(Value::Integer(org_id));
            values.push(Value::Integer(org_id));
        }
        sql.push_str(" ORDER BY e.start_date, e.id");

        // One read transaction: every event and link comes from the same snapshot, even
        // while another process writes.
        let tx = self.conn.unchecked_transaction()?;
        {
            let mut stmt = tx.prepare(&sql)?;
            let mut rows = stmt.query(params_from_iter(values))?;
            while let Some(row) = rows.next()? {
                let mut event = event_from_row(row)?;
                load_links(&tx, &mut event)?;
                f(event)?;
            }
        }
        tx.finish()?;
        Ok(())
    }

    /// One event with all its links.
    pub fn get_event(&self, id: i64) -> Result<Option<Event>> {
        get_event(&self.conn, id)
    }

    /// The id of the organization known by `name` (case-insensitively), if any.
    pub fn organization_id(&self, name: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT organization_id FROM organization_name WHERE name_key = ?1")?
            .query_row([name_key(name)], |r| r.get(0))
            .optional()?)
    }
}

/// Finds an event by its numeric id or, failing that, by its key.
pub(super) fn resolve_event(conn: &Connection, reference: &str) -> Result<Option<i64>> {
    if let Ok(id) = reference.parse::<i64>() {
        let found = conn
            .prepare_cached("SELECT id FROM event WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    event_with_key(conn, reference)
}

/// The event with this key, if any.
pub(super) fn event_with_key(conn: &Connection, key: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM event WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

/// The first event with this title (compared as names are) and start date, if any.
pub(super) fn find_same_event(
    conn: &Connection,
    title: &str,
    start: NaiveDate,
) -> Result<Option<i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, title FROM event WHERE start_date = ?1 ORDER BY id")?;
    let mut rows = stmt.query([start])?;
    let wanted = name_key(title);
    while let Some(row) = rows.next()? {
        let other: String = row.get(1)?;
        if name_key(&other) == wanted {
            return Ok(Some(row.get(0)?));
        }
    }
    Ok(None)
}

/// One event with all its links.
pub(super) fn get_event(conn: &Connection, id: i64) -> Result<Option<Event>> {
    let sql = format!("SELECT {EVENT_COLUMNS} FROM event e WHERE e.id = ?1");
    let event = conn
        .prepare_cached(&sql)?
        .query_row([id], event_from_row)
        .optional()?;
    match event {
        Some(mut event) => {
            load_links(conn, &mut event)?;
            Ok(Some(event))
        }
        None => Ok(None),
    }
}

/// Writes a new event and its links; returns its id.
pub(super) fn insert_event(
    conn: &Connection,
    names: &mut Names,
    event: &NewEvent,
    stamp: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO event (key, title, kind, start_date, end_date, mode, location, region,
                            project, description, source, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
    )?
    .execute(params![
        event.key,
        event.title,
        event.kind,
        event.start,
        event.end,
        event.mode.map(Mode::as_str),
        event.location,
        event.region,
        event.project,
        event.description,
        event.source,
        stamp,
    ])?;
    let id = conn.last_insert_rowid();
    insert_links(conn, names, id, event, stamp)?;
    Ok(id)
}

/// Marks an event as changed now.
pub(super) fn touch_event(conn: &Connection, id: i64, stamp: &str) -> Result<()> {
    conn.prepare_cached("UPDATE event SET updated_at = ?2 WHERE id = ?1")?
        .execute(params![id, stamp])?;
    Ok(())
}

pub(super) const EVENT_COLUMNS: &str = "e.id, e.key, e.title, e.kind, e.start_date, e.end_date, e.mode, \
     e.location, e.region, e.project, e.description, e.source, e.created_at, e.updated_at";

pub(super) fn event_from_row(row: &Row<'_>) -> rusqlite::Result<Event> {
    let mode: Option<String> = row.get(6)?;
    Ok(Event {
        id: row.get(0)?,
        key: row.get(1)?,
        title: row.get(2)?,
        kind: row.get(3)?,
        start: row.get(4)?,
        end: row.get(5)?,
        // The schema's CHECK admits only the three modes.
        mode: mode.as_deref().and_then(Mode::parse),
        location: row.get(7)?,
        region: row.get(8)?,
        project: row.get(9)?,
        description: row.get(10)?,
        source: row.get(11)?,
        created_at: row.get(12)?,
        updated_at: row.get(13)?,
        tags: Vec::new(),
        organizers: Vec::new(),
        partners: Vec::new(),
        sessions: Vec::new(),
        participants: Vec::new(),
    })
}

pub(super) fn load_links(conn: &Connection, event: &mut Event) -> Result<()> {
    event.tags = conn
        .prepare_cached("SELECT tag FROM event_tag WHERE event_id = ?1 ORDER BY ord")?
        .query_map([event.id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT eo.role, o.name FROM event_organization eo
           JOIN organization o ON o.id = eo.organization_id
          WHERE eo.event_id = ?1 ORDER BY eo.role, eo.ord",
    )?;
    let mut rows = stmt.query([event.id])?;
    while let Some(row) = rows.next()? {
        let role: String = row.get(0)?;
        let name: String = row.get(1)?;
        if role == OrgRole::Organizer.as_str() {
            event.organizers.push(name);
        } else {
            event.partners.push(name);
        }
    }
    event.sessions = conn
        .prepare_cached("SELECT name FROM session WHERE event_id = ?1 ORDER BY id")?
        .query_map([event.id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    event.participants = conn
        .prepare_cached(
            "SELECT p.id, pe.name, o.name, p.position, p.role, s.name, p.contribution
               FROM participation p
               JOIN person pe ON pe.id = p.person_id
               LEFT JOIN organization o ON o.id = p.organization_id
               LEFT JOIN session s ON s.id = p.session_id
              WHERE p.event_id = ?1 ORDER BY p.id",
        )?
        .query_map([event.id], |r| {
            Ok(Participant {
                id: r.get(0)?,
                name: r.get(1)?,
                organization: r.get(2)?,
                position: r.get(3)?,
                role: r.get(4)?,
                session: r.get(5)?,
                contribution: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(())
}

/// Writes an event's tags, organizations, sessions and participants.
pub(super) fn insert_links(
    conn: &Connection,
    names: &mut Names,
    event_id: i64,
    event: &NewEvent,
    stamp: &str,
) -> Result<()> {
    let mut tag =
        conn.prepare_cached("INSERT INTO event_tag (event_id, ord, tag) VALUES (?1, ?2, ?3)")?;
    for (ord, t) in event.tags.iter().enumerate() {
        tag.execute(params![event_id, ord as i64, t])?;
    }
    for (role, orgs) in [
        (OrgRole::Organizer, &event.organizers),
        (OrgRole::Partner, &event.partners),
    ] {
        for (ord, name) in orgs.iter().enumerate() {
            let org = names.organization(conn, name, stamp)?;
            conn.prepare_cached(
                "INSERT INTO event_organization (event_id, role, ord, organization_id)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![event_id, role.as_str(), ord as i64, org])?;
        }
    }
    let mut sessions = Sessions::default();
    for name in &event.sessions {
        sessions.id(conn, event_id, name)?;
    }
    for p in &event.participants {
        insert_participant(conn, names, &mut sessions, event_id, p, stamp)?;
    }
    Ok(())
}

pub(super) fn insert_participant(
    conn: &Connection,
    names: &mut Names,
    sessions: &mut Sessions,
    event_id: i64,
    p: &NewParticipant,
    stamp: &str,
) -> Result<i64> {
    let person = names.person(conn, &p.name, stamp)?;
    let org = match &p.organization {
        Some(name) => Some(names.organization(conn, name, stamp)?),
        None => None,
    };
    let session = match &p.session {
        Some(name) => Some(sessions.id(conn, event_id, name)?),
        None => None,
    };
    conn.prepare_cached(
        "INSERT INTO participation (event_id, person_id, organization_id, position, role,
                                    session_id, contribution, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        event_id,
        person,
        org,
        p.position,
        p.role,
        session,
        p.contribution,
        stamp
    ])
    .with_context(|| format!("recording participant {:?}", p.name))?;
    Ok(conn.last_insert_rowid())
}

/// Finds organizations and people by name, creating them when new, and remembers the ids it
/// has seen so that a long import does not look the same name up a thousand times.
#[derive(Default)]
pub(super) struct Names {
    orgs: HashMap<String, i64>,
    people: HashMap<String, i64>,
    /// How many organizations were created through this cache.
    pub orgs_created: u64,
    /// How many people were created through this cache.
    pub people_created: u64,
}

/// Past this many remembered names, the cache starts afresh, so memory stays bounded.
const NAME_CACHE_LIMIT: usize = 200_000;

/// The SQL that finds and creates one kind of named entity.
struct EntitySql {
    find: &'static str,
    insert: &'static str,
    insert_name: &'static str,
}

const ORGANIZATION_SQL: EntitySql = EntitySql {
    find: "SELECT organization_id FROM organization_name WHERE name_key = ?1",
    insert: "INSERT INTO organization (name, created_at) VALUES (?1, ?2)",
    insert_name: "INSERT INTO organization_name (name_key, organization_id, name) VALUES (?1, ?2, ?3)",
};

const PERSON_SQL: EntitySql = EntitySql {
    find: "SELECT person_id FROM person_name WHERE name_key = ?1",
    insert: "INSERT INTO person (name, created_at) VALUES (?1, ?2)",
    insert_name: "INSERT INTO person_name (name_key, person_id, name) VALUES (?1, ?2, ?3)",
};

/// Finds the entity known by `name`, creating it if new; `created` counts creations.
fn find_or_create(
    conn: &Connection,
    sql: &EntitySql,
    cache: &mut HashMap<String, i64>,
    created: &mut u64,
    name: &str,
    stamp: &str,
) -> Result<i64> {
    let key = name_key(name);
    if let Some(&id) = cache.get(&key) {
        return Ok(id);
    }
    let found = conn
        .prepare_cached(sql.find)?
        .query_row([&key], |r| r.get(0))
        .optional()?;
    let id = match found {
        Some(id) => id,
        None => {
            conn.prepare_cached(sql.insert)?
                .execute(params![name, stamp])?;
            let id = conn.last_insert_rowid();
            conn.prepare_cached(sql.insert_name)?
                .execute(params![key, id, name])?;
            *created += 1;
            id
        }
    };
    if cache.len() >= NAME_CACHE_LIMIT {
        cache.clear();
    }
    cache.insert(key, id);
    Ok(id)
}

impl Names {
    /// The organization known by `name`, created if new.
    pub(super) fn organization(
        &mut self,
        conn: &Connection,
        name: &str,
        stamp: &str,
    ) -> Result<i64> {
        find_or_create(
            conn,
            &ORGANIZATION_SQL,
            &mut self.orgs,
            &mut self.orgs_created,
            name,
            stamp,
        )
    }

    /// The person known by `name`, created if new.
    pub(super) fn person(&mut self, conn: &Connection, name: &str, stamp: &str) -> Result<i64> {
        find_or_create(
            conn,
            &PERSON_SQL,
            &mut self.people,
            &mut self.people_created,
            name,
            stamp,
        )
    }
}

/// The sessions of one event met so far, by name key.
#[derive(Default)]
pub(super) struct Sessions(Vec<(String, i64)>);

impl Sessions {
    /// The session of the event called `name`, created if new.
    pub(super) fn id(&mut self, conn: &Connection, event_id: i64, name: &str) -> Result<i64> {
        let key = name_key(name);
        if let Some((_, id)) = self.0.iter().find(|(k, _)| *k == key) {
            return Ok(*id);
        }
        let id = session_for(conn, event_id, name, &key)?;
        self.0.push((key, id));
        Ok(id)
    }
}

/// The session of the event called `name`, created if new.
fn session_for(conn: &Connection, event_id: i64, name: &str, key: &str) -> Result<i64> {
    let found = conn
        .prepare_cached("SELECT id FROM session WHERE event_id = ?1 AND name_key = ?2")?
        .query_row(params![event_id, key], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    conn.prepare_cached("INSERT INTO session (event_id, name, name_key) VALUES (?1, ?2, ?3)")?
        .execute(params![event_id, name, key])?;
    Ok(conn.last_insert_rowid())
}
